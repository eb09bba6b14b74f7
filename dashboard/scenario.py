"""Read a scenario folder (``geodata/``) into frozen records, validating every row.

Nothing here raises on bad data: each problem becomes a :class:`Problem` naming the file,
the row (the line number in a CSV file, the feature number in a GeoJSON file) and the field,
and the row is set aside while the valid rest loads.
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .vocab import EVENT_CATEGORIES, RESTRICTION_KINDS, STATUS_VALUES

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "geodata"

PLACE_KINDS = frozenset(
    {
        "country", "region", "city", "district", "square", "street", "landmark",
        "government_building", "energy_site", "airport", "checkpoint", "strategic_site",
    }
)
# The status kinds and values, event categories and restriction kinds: vocab.py.
# How a figure, status, event or restriction was later called into question.
DISPUTE_KINDS = frozenset({"disputed", "retracted", "corrected"})
FIGURE_METRICS = frozenset(
    {"deaths", "security_deaths", "police_killed", "injured", "police_injured",
     "hospitalized", "icu", "detained", "damage_usd", "troops_csto"}
)
QUALIFIERS = frozenset({"exact", "at_least", "more_than", "about"})
SCOPES = frozenset({"domestic", "international"})
# Kazakhstan's neighbourhood: anything outside is a typo (swapped or signless coordinates).
DEFAULT_NEIGHBOURHOOD = (35.0, 40.0, 60.0, 95.0)  # south, west, north, east
# A file larger than this is set aside unread: the basemap alone goes to every viewer.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DAYS = 3653  # the longest scenario, ten years: one slider step per day


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Meta:
    title: str
    start: date
    end: date
    utc_offset: str
    country: str
    neighbourhood: tuple[float, float, float, float]
    center: tuple[float, float]
    zoom: int
    view: tuple[float, float, float, float] | None = None  # south, west, north, east
    country_outline: str = "KAZ"  # id of the country's own feature in neighbours.geojson


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    file: str
    url: str
    note: str


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    city: str
    lat: float
    lon: float
    geo_precision: int
    radius_m: float
    detail: str
    sources: tuple[str, ...]
    coord_source: str
    geometry: dict | None = None

    @property
    def approximate(self) -> bool:
        return self.geo_precision > 1


@dataclass(frozen=True)
class Event:
    id: str
    date: date
    time: str
    time_precision: int
    place_id: str
    category: str
    summary: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Status:
    id: str
    subject: str
    kind: str
    valid_from: date
    valid_to: date | None
    status: str
    detail: str
    sources: tuple[str, ...]

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Restriction:
    id: str
    kind: str
    area: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    status: str
    hours: str
    detail: str
    sources: tuple[str, ...]

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Figure:
    id: str
    metric: str
    value: int
    qualifier: str
    reported_on: date
    scope: str
    preferred: bool
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Flight:
    id: str
    airport: str
    destination: str
    destination_place: str
    scope: str
    valid_from: date
    valid_to: date | None
    operator: str
    detail: str
    sources: tuple[str, ...]

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Advice:
    id: str
    valid_from: date
    valid_to: date | None
    applies_to: tuple[str, ...]
    text: str
    sources: tuple[str, ...]

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Dispute:
    """A row of figures, statuses, events or restrictions that someone denied, retracted or
    corrected: who, when, and the source saying so."""

    id: str
    target: str
    kind: str  # disputed, retracted, corrected
    by: str
    reported_on: date
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Headline:
    date: date
    headline: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    meta: Meta
    sources: dict[str, Source]
    places: dict[str, Place]
    events: tuple[Event, ...]
    statuses: tuple[Status, ...]
    restrictions: tuple[Restriction, ...]
    figures: tuple[Figure, ...]
    flights: tuple[Flight, ...]
    advice: tuple[Advice, ...]
    headlines: dict[date, Headline] = field(default_factory=dict)
    # Disputes by the id of the row they question, in the order they were reported.
    disputes: dict[str, tuple[Dispute, ...]] = field(default_factory=dict)
    # Figures reported after the scenario's last day: what followed, never part of a day.
    followed: tuple[Figure, ...] = ()
    regions: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    neighbours: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    problems: tuple[Problem, ...] = ()
    data_dir: str = ""

    @property
    def days(self) -> list[date]:
        n = (self.meta.end - self.meta.start).days
        return [self.meta.start + timedelta(days=i) for i in range(n + 1)]

    def region_ids(self) -> set[str]:
        return {f["properties"]["id"] for f in self.regions.get("features", [])}

    def set_aside_count(self) -> int:
        return len({(p.file, p.row) for p in self.problems})


# --------------------------------------------------------------------------- parsing helpers

class FieldError(ValueError):
    """A field's value is wrong; the message says how."""


def _quote(value: object, limit: int = 60) -> str:
    """repr() of a value from the data, cut short: a message stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 5]}...{text[-1]}"


def _quote_all(values: Iterable[object], most: int = 5) -> str:
    values = list(values)
    more = f" and {len(values) - most} more" if len(values) > most else ""
    return ", ".join(_quote(v) for v in values[:most]) + more


def _text(value: str) -> str:
    return value.strip()


def _required(value: str) -> str:
    value = value.strip()
    if not value:
        raise FieldError("is required")
    return value


def _ident(value: str) -> str:
    value = _required(value)
    if (not value.isprintable() or any(c.isspace() for c in value)
            or any(c in value for c in ";|,<>\"'")):
        raise FieldError(f"{_quote(value)} is not a valid id (printable, no spaces or "
                         "; | , < > quotes)")
    return value


def _id_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _required_id_list(value: str) -> tuple[str, ...]:
    items = _id_list(value)
    if not items:
        raise FieldError("needs at least one id")
    return items


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _float(value: str) -> float:
    value = _required(value)
    try:
        number = float(value)
    except ValueError:
        raise FieldError(f"{_quote(value)} is not a number") from None
    if not math.isfinite(number):
        raise FieldError(f"{_quote(value)} is not a finite number")
    return number


def _optional_float(value: str) -> float:
    return _float(value) if value.strip() else 0.0


def _int_in(allowed: Iterable[int]) -> Callable[[str], int]:
    allowed = tuple(allowed)

    def parse(value: str) -> int:
        value = _required(value)
        try:
            number = int(value)
        except ValueError:
            raise FieldError(f"{_quote(value)} is not a whole number") from None
        if number not in allowed:
            raise FieldError(f"{number} is not one of {', '.join(map(str, allowed))}")
        return number

    return parse


def _count(value: str) -> int:
    value = _required(value).replace("_", "")
    try:
        number = int(value)
    except ValueError:
        raise FieldError(f"{_quote(value)} is not a whole number") from None
    if number < 0:
        raise FieldError(f"{number} is negative")
    return number


def _enum(allowed: frozenset[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = _required(value)
        if value not in allowed:
            raise FieldError(f"{_quote(value)} is not one of: {', '.join(sorted(allowed))}")
        return value

    return parse


def _bool(value: str) -> bool:
    value = value.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("", "no", "false", "0"):
        return False
    raise FieldError(f"{_quote(value)} is not yes or no")


_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: str) -> date:
    value = _required(value)
    if _DATE_FORM.fullmatch(value):  # date.fromisoformat alone takes 20220105 and 2022-W01-3
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldError(f"{_quote(value)} is not a date in the form YYYY-MM-DD")


def _optional_date(value: str) -> date | None:
    return _date(value) if value.strip() else None


def _time(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
        raise FieldError(f"{_quote(value)} is not a time in the form HH:MM")
    if int(parts[0]) > 23 or int(parts[1]) > 59:
        raise FieldError(f"{_quote(value)} is not a time of day")
    return value


def _hours(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    start, sep, end = value.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise FieldError(f"{_quote(value)} is not hours in the form HH:MM-HH:MM")
    _time(start)
    _time(end)
    return value


# --------------------------------------------------------------------------- tables

@dataclass(frozen=True)
class Table:
    file: str
    columns: dict[str, Callable[[str], Any]]
    required: bool = True


TABLES: dict[str, Table] = {
    "sources": Table("sources.csv", {
        # Only a bad id sets a source aside: a source missing its title is reported but kept,
        # so that the rows citing it are not lost with it.
        "id": _ident, "title": _text, "publisher": _text, "date": _text,
        "file": _text, "url": _text, "note": _text,
    }),
    "places": Table("places.csv", {
        "id": _ident, "name": _required, "aliases": _aliases, "kind": _enum(PLACE_KINDS),
        "city": _text, "lat": _float, "lon": _float, "geo_precision": _int_in((1, 2, 3)),
        "radius_m": _optional_float, "detail": _text, "sources": _required_id_list,
        "coord_source": _required,
    }),
    "events": Table("events.csv", {
        "id": _ident, "date": _date, "time": _time, "time_precision": _int_in((1, 2, 3)),
        "place_id": _ident, "category": _enum(EVENT_CATEGORIES), "summary": _required,
        "sources": _required_id_list,
    }),
    "statuses": Table("statuses.csv", {
        "id": _ident, "subject": _ident, "kind": _enum(frozenset(STATUS_VALUES)),
        "valid_from": _date, "valid_to": _optional_date, "status": _required,
        "detail": _text, "sources": _required_id_list,
    }),
    "restrictions": Table("restrictions.csv", {
        "id": _ident, "kind": _enum(RESTRICTION_KINDS), "area": _required_id_list,
        "valid_from": _date, "valid_to": _optional_date, "status": _required,
        "hours": _hours, "detail": _text, "sources": _required_id_list,
    }),
    "figures": Table("figures.csv", {
        "id": _ident, "metric": _enum(FIGURE_METRICS), "value": _count,
        "qualifier": _enum(QUALIFIERS), "reported_on": _date, "scope": _required,
        "preferred": _bool, "detail": _text, "sources": _required_id_list,
    }),
    "flights": Table("flights.csv", {
        "id": _ident, "airport": _ident, "destination": _required,
        "destination_place": _text, "scope": _enum(SCOPES), "valid_from": _date,
        "valid_to": _optional_date, "operator": _text, "detail": _text,
        "sources": _required_id_list,
    }, required=False),
    "advice": Table("advice.csv", {
        "id": _ident, "valid_from": _date, "valid_to": _optional_date,
        "applies_to": _required_id_list, "text": _required, "sources": _required_id_list,
    }, required=False),
    "headlines": Table("headlines.csv", {
        "id": _date, "headline": _required, "sources": _required_id_list,
    }, required=False),
    "disputes": Table("disputes.csv", {
        "id": _ident, "target": _ident, "kind": _enum(DISPUTE_KINDS), "by": _required,
        "reported_on": _date, "detail": _text, "sources": _required_id_list,
    }, required=False),
}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(file, row, field_name, message))


def _read_bytes(path: Path, file: str, out: _Collector, then: str) -> bytes | None:
    """The file's bytes, or None after a problem (too large, unreadable) that ends in `then`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            out.add(file, 0, "-", f"is {size / 2**20:.0f} MB, more than the "
                    f"{MAX_FILE_BYTES // 2**20} MB a scenario file may have; {then}")
            return None
        return path.read_bytes()
    except OSError as exc:
        out.add(file, 0, "-", f"cannot be read: {exc.strerror or exc}; {then}")
        return None


def _decode_lines(raw: bytes, file: str, out: _Collector) -> tuple[list[str], set[int]]:
    """Decode UTF-8 text line by line (ends kept); returns the lines and the numbers of those
    that are not UTF-8 or hold a NUL byte, which are reported (their rows are set aside)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    lines: list[str] = []
    bad: set[int] = set()
    # bytes.splitlines breaks at \n, \r and \r\n only: the lines the csv module counts.
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            text = line.decode("utf-8")
            if "\0" in text:
                out.add(file, number, "-", "holds a NUL byte (binary data?); row set aside")
                bad.add(number)
        except UnicodeDecodeError as exc:
            out.add(file, number, "-", f"not UTF-8 text (byte {exc.start + 1} of the line); "
                    "row set aside")
            bad.add(number)
            text = line.decode("utf-8", "replace")
        lines.append(text)
    return lines, bad


class _Lines:
    """A file's lines for csv.reader, with a cursor that can be set back: after a broken row
    that ran over several lines (a stray quote), reading goes on from its second line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.next = 0  # index of the next line to read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def read_table(data_dir: Path, table: Table, out: _Collector) -> list[tuple[int, dict[str, Any]]]:
    """Parse one CSV table; returns (line number, parsed row) for each valid row."""
    path = data_dir / table.file
    if not path.is_file():
        if table.required:
            out.add(table.file, 0, "-", "file is missing")
        return []
    raw = _read_bytes(path, table.file, out, "file set aside")
    if raw is None:
        return []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in raw[:200].split(
            b"\n", 1)[0]:
        out.add(table.file, 0, "-", "is UTF-16 (or binary) data, not UTF-8 text: save it as "
                "UTF-8; file set aside")
        return []
    lines, bad = _decode_lines(raw, table.file, out)
    if not any(line.strip() for line in lines):
        out.add(table.file, 1, "-", "file is empty (no header row)")
        return []
    source = _Lines(lines)
    reader = csv.reader(source, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        out.add(table.file, 1, "-", f"header cannot be read: {exc}")
        return []
    if bad & set(range(1, source.next + 1)):
        return []  # the header's line is reported above
    missing = [c for c in table.columns if c not in header]
    if missing:
        out.add(table.file, 1, ",".join(missing), "column missing from the header")
        return []
    rows: list[tuple[int, dict[str, Any]]] = []
    while True:
        start = source.next + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            why = (f"a cell is longer than {csv.field_size_limit()} characters"
                   if "field limit" in str(exc) else f"malformed CSV ({exc}): a stray or "
                   "unclosed quote?")
            out.add(table.file, start, "-", f"{why}; row set aside")
            source.next = start  # go on with the next line
            continue
        end = source.next
        broken_lines = sorted(bad & set(range(start, end + 1)))
        if not any(c.strip() for c in cells) or (broken_lines and end == start):
            continue  # blank, or a line reported as it was decoded
        if len(cells) != len(header):
            runs_on = (f" (a quoted cell runs on to line {end}: is a quote missing?)"
                       if end > start else "")
            out.add(table.file, start, "-", f"has {len(cells)} cells, the header has "
                    f"{len(header)}; row set aside{runs_on}")
            source.next = start  # the lines a stray quote took in are read as rows again
            continue
        if broken_lines:
            if broken_lines[0] != start:
                out.add(table.file, start, "-", f"line {broken_lines[0]} of this row is not "
                        "UTF-8 text; row set aside")
            continue
        record = dict(zip(header, cells, strict=True))
        parsed: dict[str, Any] = {}
        ok = True
        for name, parse in table.columns.items():
            try:
                parsed[name] = parse(record[name])
            except FieldError as exc:
                out.add(table.file, start, name, str(exc))
                ok = False
        if ok:
            rows.append((start, parsed))
    return rows


def _dedupe(rows: list[tuple[int, dict]], file: str, out: _Collector) -> list[tuple[int, dict]]:
    seen: dict[str, int] = {}
    kept = []
    for line, row in rows:
        if row["id"] in seen:
            out.add(file, line, "id", f"duplicate id {_quote(str(row['id']))} (first on row "
                    f"{seen[row['id']]}); row set aside")
            continue
        seen[row["id"]] = line
        kept.append((line, row))
    return kept


# --------------------------------------------------------------------------- GeoJSON

_GEOMETRY_TYPES = {"Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString"}


def _positions(geometry: dict) -> Iterable[Any]:
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind == "Point":
        yield coords
    elif kind == "LineString":
        yield from coords
    elif kind in ("Polygon", "MultiLineString"):
        for ring in coords:
            yield from ring
    elif kind == "MultiPolygon":
        for polygon in coords:
            for ring in polygon:
                yield from ring


def _is_number(value: Any) -> bool:
    """A finite JSON number (true and false are not numbers; an int of 400 digits is one, and
    would overflow math.isfinite)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _check_geometry(geometry: Any, bounds: tuple[float, float, float, float] | None) -> str:
    """Return an error message, or '' when the geometry is usable."""
    if not isinstance(geometry, dict):
        return "is not a GeoJSON geometry object"
    kind = geometry.get("type")
    if kind not in _GEOMETRY_TYPES:
        return f"type {_quote(kind)} is not one of {', '.join(sorted(_GEOMETRY_TYPES))}"
    try:
        points = list(_positions(geometry))
    except (KeyError, TypeError):
        return "has malformed coordinates"
    if not points:
        return "has no coordinates"
    for position in points:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(_is_number(v) for v in position[:2])):
            return f"has a malformed position {str(position)[:40]}"
        lon, lat = position[0], position[1]
        where = f"position {_quote(lon, 24)}, {_quote(lat, 24)}"
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return f"{where} is not a longitude, latitude pair"
        if bounds is not None:
            south, west, north, east = bounds
            if not (south <= lat <= north and west <= lon <= east):
                swapped = south <= lon <= north and west <= lat <= east
                return (f"{where} lies outside the scenario's neighbourhood"
                        + (" (longitude and latitude look swapped)" if swapped else ""))
    return ""


def read_geojson(data_dir: Path, file: str, out: _Collector, *, required: bool,
                 bounds: tuple[float, float, float, float] | None,
                 required_props: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Read a FeatureCollection; returns (feature number, feature) for each valid feature."""
    path = data_dir / file
    if not path.is_file():
        if required:
            out.add(file, 0, "-", "file is missing")
        return []
    raw = _read_bytes(path, file, out, "file set aside")
    if raw is None:
        return []
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        out.add(file, 0, "-", f"not UTF-8 text: {exc.reason}")
        return []
    except json.JSONDecodeError as exc:
        out.add(file, exc.lineno, "-", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return []
    except RecursionError:
        out.add(file, 0, "-", "cannot be read: nested too deeply")
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        out.add(file, 0, "type", "is not a GeoJSON FeatureCollection")
        return []
    features = data.get("features")
    if not isinstance(features, list):
        out.add(file, 0, "features", "is not a list")
        return []
    kept: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            out.add(file, number, "type", "is not a GeoJSON Feature; feature set aside")
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            out.add(file, number, "properties", "is missing; feature set aside")
            continue
        bad = [p for p in required_props if not isinstance(props.get(p), str) or not props[p]]
        if bad:
            for p in bad:
                out.add(file, number, f"properties.{p}", "is required; feature set aside")
            continue
        message = _check_geometry(feature.get("geometry"), bounds)
        if message:
            out.add(file, number, "geometry", message + "; feature set aside")
            continue
        fid = props.get("id", "")
        if fid and fid in seen:
            out.add(file, number, "properties.id", f"duplicate id {_quote(fid)} (first is "
                    f"feature {seen[fid]}); feature set aside")
            continue
        seen[fid] = number
        kept.append((number, feature))
    return kept


# --------------------------------------------------------------------------- meta

_DEFAULT_META = Meta(
    title="Kazakhstan unrest, January 2022",
    start=date(2022, 1, 2),
    end=date(2022, 1, 10),
    utc_offset="+06:00",
    country="KZ",
    neighbourhood=DEFAULT_NEIGHBOURHOOD,
    center=(48.0, 67.0),
    zoom=5,
)


def _box(value: Any) -> tuple[float, float, float, float] | None:
    """[south, west, north, east] in degrees with south < north and west < east, or None."""
    if not (isinstance(value, list) and len(value) == 4 and all(map(_is_number, value))):
        return None
    south, west, north, east = value
    if -90 <= south < north <= 90 and -180 <= west < east <= 180:
        return float(south), float(west), float(north), float(east)
    return None


def _within(inner: tuple[float, ...], box: tuple[float, float, float, float]) -> bool:
    """A [lat, lon] point or a [south, west, north, east] box lies inside the box."""
    south, west, north, east = box
    lats, lons = inner[0::2], inner[1::2]
    return all(south <= v <= north for v in lats) and all(west <= v <= east for v in lons)


def read_meta(data_dir: Path, out: _Collector) -> Meta:
    file = "scenario.json"
    path = data_dir / file
    if not path.is_file():
        out.add(file, 0, "-", "file is missing; using the default 2-10 January 2022 scenario")
        return _DEFAULT_META
    data = _read_bytes(path, file, out, "using the default scenario")
    if data is None:
        return _DEFAULT_META
    repeated: list[str] = []

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        raw = json.loads(data.decode("utf-8-sig"), object_pairs_hook=no_repeats)
    except json.JSONDecodeError as exc:
        out.add(file, exc.lineno, "-", f"not valid JSON: {exc.msg} (column {exc.colno}); "
                "using the default scenario")
        return _DEFAULT_META
    except UnicodeDecodeError as exc:
        out.add(file, 0, "-", f"not UTF-8 text: {exc.reason}; using the default scenario")
        return _DEFAULT_META
    except RecursionError:
        out.add(file, 0, "-", "nested too deeply; using the default scenario")
        return _DEFAULT_META
    if not isinstance(raw, dict):
        out.add(file, 0, "-", "is not a JSON object; using the default scenario")
        return _DEFAULT_META
    for key in dict.fromkeys(k for k in repeated if k in raw):
        out.add(file, 0, key, "is given more than once; the last one is used")
    values: dict[str, Any] = {}
    for key in ("start", "end"):
        if key in raw:
            try:
                values[key] = _date(str(raw[key]))
            except FieldError as exc:
                out.add(file, 0, key, f"{exc}; using the default")
    for key in ("title", "utc_offset", "country", "country_outline"):
        if key in raw:
            if isinstance(raw[key], str) and raw[key].strip():
                values[key] = raw[key].strip()
            else:
                out.add(file, 0, key, "must be a non-empty text; using the default")
    for key in ("neighbourhood", "view"):
        if raw.get(key) is not None:
            box = _box(raw[key])
            if box is None:
                out.add(file, 0, key, "must be [south, west, north, east] in degrees, south "
                        "below north and west of east; using the default")
            else:
                values[key] = box
    if "center" in raw:
        centre = raw["center"]
        if (isinstance(centre, list) and len(centre) == 2 and all(map(_is_number, centre))
                and -90 <= centre[0] <= 90 and -180 <= centre[1] <= 180):
            values["center"] = (float(centre[0]), float(centre[1]))
        else:
            out.add(file, 0, "center", "must be [latitude, longitude] in degrees; using the "
                    "default")
    if "zoom" in raw:
        zoom = raw["zoom"]
        if isinstance(zoom, int) and not isinstance(zoom, bool) and 1 <= zoom <= 18:
            values["zoom"] = zoom
        else:
            out.add(file, 0, "zoom", "must be a whole number from 1 to 18; using the default")
    meta = Meta(**{**_DEFAULT_META.__dict__, **values})
    for key in ("center", "view"):  # both must show the neighbourhood, not somewhere else
        if key in values and not _within(values[key], meta.neighbourhood):
            out.add(file, 0, key, f"lies outside the neighbourhood {list(meta.neighbourhood)} "
                    "(latitude and longitude swapped?); using the default")
            meta = Meta(**{**meta.__dict__, key: getattr(_DEFAULT_META, key)})
    default_days = {"start": _DEFAULT_META.start, "end": _DEFAULT_META.end}
    if meta.end < meta.start:
        out.add(file, 0, "end", "is before start; using the default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    elif (meta.end - meta.start).days >= MAX_DAYS:
        out.add(file, 0, "end", f"is {(meta.end - meta.start).days} days after start: a "
                f"scenario spans at most {MAX_DAYS} days; using the default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    elif meta.start == date.min:
        out.add(file, 0, "start", "must be after 0001-01-01 (a day has a day before it); "
                "using the default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    return meta


# --------------------------------------------------------------------------- loading

def _which(lat_bad: bool, lon_bad: bool) -> str:
    """The field name of a bad coordinate: lat, lon, or lat,lon for both."""
    return ",".join(name for name, bad in (("lat", lat_bad), ("lon", lon_bad)) if bad)


class DataFolderMissing(ValueError):
    """The scenario folder does not exist: an error, never an empty scenario."""


def require_folder(data_dir: str | Path | None = None) -> Path:
    """The scenario folder, or DataFolderMissing naming it when it is not there."""
    directory = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    if not directory.is_dir():
        raise DataFolderMissing(f"the data folder {str(directory)!r} does not exist or is not "
                                "a folder: no day can be shown from it")
    return directory


def open_scenario(data_dir: str | Path | None = None) -> Scenario:
    """load_scenario for the commands and the app: a missing folder raises DataFolderMissing
    instead of giving a scenario with no data (which would read as a quiet day)."""
    return load_scenario(require_folder(data_dir))


def load_scenario(data_dir: str | Path | None = None) -> Scenario:
    """Load and validate a scenario folder. Never raises on bad data."""
    directory = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    out = _Collector()
    if not directory.is_dir():
        out.add(str(directory), 0, "-", "is not a folder")
    meta = read_meta(directory, out)
    bounds = meta.neighbourhood
    raw = {
        name: _dedupe(read_table(directory, table, out), table.file, out)
        for name, table in TABLES.items()
    }

    sources = {}
    for line, row in raw["sources"]:
        for column in ("title", "publisher", "date"):
            if not row[column]:
                out.add("sources.csv", line, column, "is required (source kept, shown by its id)")
        if not row["file"] and not row["url"]:
            out.add("sources.csv", line, "url", "a source needs a file or a url (source kept)")
        sources[row["id"]] = Source(**{**row, "title": row["title"] or row["id"]})

    def sources_ok(file: str, line: int, row: dict, column: str = "sources") -> bool:
        unknown = [s for s in row[column] if s not in sources]
        if unknown:
            out.add(file, line, column, f"unknown source id {_quote_all(unknown)}")
            return False
        return True

    def date_in_scenario(file: str, line: int, row: dict, column: str) -> bool:
        if not meta.start <= row[column] <= meta.end:
            out.add(file, line, column, f"{row[column]} is outside the scenario "
                    f"({meta.start} to {meta.end})")
            return False
        return True

    def period_ok(file: str, line: int, row: dict) -> bool:
        start, end = row["valid_from"], row["valid_to"]
        if end is not None and end < start:
            out.add(file, line, "valid_to", f"{end} is before valid_from {start}")
            return False
        if start > meta.end or (end is not None and end < meta.start - timedelta(days=1)):
            out.add(file, line, "valid_from", f"period {start} to {end or 'open'} does not "
                    f"touch the scenario ({meta.start} to {meta.end})")
            return False
        return True

    # Places, with optional real-extent geometry from places.geojson.
    geometries = {
        f["properties"]["id"]: (n, f["geometry"])
        for n, f in read_geojson(directory, "places.geojson", out, required=False,
                                 bounds=bounds, required_props=("id",))
    }
    places: dict[str, Place] = {}
    south, west, north, east = bounds
    for line, row in raw["places"]:
        ok = sources_ok("places.csv", line, row)
        lat, lon = row["lat"], row["lon"]
        if not -90 <= lat <= 90 or not -180 <= lon <= 180:
            out.add("places.csv", line, _which(not -90 <= lat <= 90, not -180 <= lon <= 180),
                    f"{lat}, {lon} is not a latitude, longitude pair")
            ok = False
        elif not (south <= lat <= north and west <= lon <= east):
            swapped = south <= lon <= north and west <= lat <= east
            out.add("places.csv", line, "lat,lon" if swapped else
                    _which(not south <= lat <= north, not west <= lon <= east),
                    f"{lat}, {lon} lies outside the scenario's neighbourhood"
                    + (" (latitude and longitude look swapped)" if swapped else ""))
            ok = False
        if row["geo_precision"] > 1 and row["radius_m"] <= 0 and row["id"] not in geometries:
            out.add("places.csv", line, "radius_m", "an approximate place (geo_precision 2 or "
                    "3) needs an uncertainty radius or a geometry in places.geojson")
            ok = False
        if row["radius_m"] < 0:
            out.add("places.csv", line, "radius_m", "is negative")
            ok = False
        if ok:
            geometry = geometries.get(row["id"], (0, None))[1]
            places[row["id"]] = Place(**row, geometry=geometry)
    for fid, (number, _) in geometries.items():
        if fid not in places:
            out.add("places.geojson", number, "properties.id",
                    f"no place {_quote(fid)} in places.csv")

    regions_rows = read_geojson(directory, "regions.geojson", out, required=True,
                                bounds=bounds, required_props=("id", "name"))
    regions = {"type": "FeatureCollection", "features": [f for _, f in regions_rows]}
    neighbours = {"type": "FeatureCollection", "features": [
        f for _, f in read_geojson(directory, "neighbours.geojson", out, required=False,
                                   bounds=bounds, required_props=("id", "name"))]}
    region_ids = {f["properties"]["id"] for f in regions["features"]}

    def place_ok(file: str, line: int, value: str, column: str) -> bool:
        if value not in places:
            out.add(file, line, column, f"unknown place id {_quote(value)}")
            return False
        return True

    events = []
    for line, row in raw["events"]:
        ok = sources_ok("events.csv", line, row)
        ok &= date_in_scenario("events.csv", line, row, "date")
        ok &= place_ok("events.csv", line, row["place_id"], "place_id")
        if row["time"] and row["time_precision"] == 3:
            out.add("events.csv", line, "time_precision", "is 3 (day only) but a time is given")
            ok = False
        if ok:
            events.append(Event(**row))

    statuses = []
    for line, row in raw["statuses"]:
        ok = sources_ok("statuses.csv", line, row)
        ok &= period_ok("statuses.csv", line, row)
        ok &= place_ok("statuses.csv", line, row["subject"], "subject")
        allowed = STATUS_VALUES[row["kind"]]
        if row["status"] not in allowed:
            out.add("statuses.csv", line, "status", f"{_quote(row['status'])} is not one of: "
                    f"{', '.join(sorted(allowed))} (for kind {row['kind']})")
            ok = False
        if ok:
            statuses.append(Status(**row))
    _overlaps(statuses, "statuses.csv", raw["statuses"], out,
              key=lambda s: (s.subject, s.kind))

    known_areas = region_ids | set(places) | {meta.country}
    restrictions = []
    for line, row in raw["restrictions"]:
        ok = sources_ok("restrictions.csv", line, row)
        ok &= period_ok("restrictions.csv", line, row)
        unknown = [a for a in row["area"] if a not in known_areas]
        if unknown:
            out.add("restrictions.csv", line, "area",
                    f"unknown area {_quote_all(unknown)}"
                    f" (use {meta.country}, a region id or a place id)")
            ok = False
        if ok:
            restrictions.append(Restriction(**row))

    figures, followed = [], []
    for line, row in raw["figures"]:
        ok = sources_ok("figures.csv", line, row)
        after = row["reported_on"] > meta.end  # what followed: kept apart from the days
        if not after:
            ok &= date_in_scenario("figures.csv", line, row, "reported_on")
        elif (row["reported_on"] - meta.end).days > MAX_DAYS:
            out.add("figures.csv", line, "reported_on", f"{row['reported_on']} is more than "
                    f"{MAX_DAYS} days after the scenario's end")
            ok = False
        if ok:
            (followed if after else figures).append(Figure(**row))

    flights = []
    for line, row in raw["flights"]:
        ok = sources_ok("flights.csv", line, row)
        ok &= period_ok("flights.csv", line, row)
        ok &= place_ok("flights.csv", line, row["airport"], "airport")
        if row["destination_place"]:
            ok &= place_ok("flights.csv", line, row["destination_place"], "destination_place")
        if ok:
            flights.append(Flight(**row))

    advice = []
    for line, row in raw["advice"]:
        ok = sources_ok("advice.csv", line, row)
        ok &= period_ok("advice.csv", line, row)
        unknown = [a for a in row["applies_to"] if a not in known_areas]
        if unknown:
            out.add("advice.csv", line, "applies_to",
                    f"unknown area {_quote_all(unknown)}")
            ok = False
        if ok:
            advice.append(Advice(**row))

    headlines = {}
    for line, row in raw["headlines"]:
        ok = sources_ok("headlines.csv", line, row)
        ok &= date_in_scenario("headlines.csv", line, row, "id")  # the day is the row's id
        if ok:
            headlines[row["id"]] = Headline(row["id"], row["headline"], row["sources"])

    questioned = ({f.id for f in figures} | {f.id for f in followed} | {s.id for s in statuses}
                  | {e.id for e in events} | {r.id for r in restrictions})
    disputes: dict[str, list[Dispute]] = {}
    for line, row in raw["disputes"]:
        ok = sources_ok("disputes.csv", line, row)
        if row["target"] not in questioned:
            out.add("disputes.csv", line, "target", f"no figure, status, event or restriction "
                    f"with id {_quote(row['target'])}")
            ok = False
        if ok:
            disputes.setdefault(row["target"], []).append(Dispute(**row))

    return Scenario(
        meta=meta,
        sources=sources,
        places=places,
        events=tuple(sorted(events, key=lambda e: (e.date, e.time or "99:99", e.id))),
        statuses=tuple(statuses),
        restrictions=tuple(restrictions),
        figures=tuple(sorted(figures, key=lambda f: (f.metric, f.reported_on, f.id))),
        flights=tuple(flights),
        advice=tuple(advice),
        headlines=headlines,
        disputes={target: tuple(sorted(items, key=lambda d: (d.reported_on, d.id)))
                  for target, items in disputes.items()},
        followed=tuple(sorted(followed, key=lambda f: (f.reported_on, f.metric, f.id))),
        regions=regions,
        neighbours=neighbours,
        problems=tuple(out.problems),
        data_dir=str(directory),
    )


def _overlaps(items: list, file: str, rows: list[tuple[int, dict]], out: _Collector,
              key: Callable) -> None:
    """Two statuses of one kind for one subject may not be in force on the same day."""
    lines = {row["id"]: line for line, row in rows}
    by_key: dict[Any, list] = {}
    for item in items:
        by_key.setdefault(key(item), []).append(item)
    far = date.max
    for group in by_key.values():
        group.sort(key=lambda s: s.valid_from)
        kept = group[0]  # compare with the last row kept, not one already set aside
        for b in group[1:]:
            if (kept.valid_to or far) >= b.valid_from:
                out.add(file, lines[b.id], "valid_from", f"overlaps {_quote(kept.id)} (same "
                        f"subject and kind) from {b.valid_from}")
                items.remove(b)
            else:
                kept = b
