"""One row of the export into the import: its event, its place (one per distinct location and
precision) and its publishers (one source each), or the problems that set the row aside."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

from ..scenario import MAX_ROW_LINES
from .conventions import (
    DATE_PRECISION_WORDS,
    EXPORT_SOURCE_ID,
    PLACE_KIND,
    PRECISION_WORDS,
    RADIUS_M,
)
from .fields import (
    _BAD_ID_CHARS,
    _Bad,
    _code,
    _coordinate,
    _fatalities,
    _stable_id,
    category,
    parse_date,
    parse_timestamp,
)
from .records import AcledEvent, AcledImport, AcledPlace, AcledSource, RowProblem

# The most distinct texts of one column whose parsed value is kept (dates, coordinates, codes
# repeat from row to row); texts past it are parsed row by row.
MEMO_MOST = 65_536
_MISSING = object()


class _Seen:
    """Per-import lookups that keep the conversion linear: keys already turned into ids, and
    the cells already parsed (a cell that failed is parsed again, so each row gets its own
    problem)."""

    def __init__(self, decimal_comma: bool = False) -> None:
        self.decimal_comma = decimal_comma
        self.events: dict[str, int] = {}
        self.places: dict[tuple, str] = {}
        self.source_cells: dict[str, tuple[str, ...]] = {}
        self.publishers: dict[str, str] = {}
        self.parsed: dict[str, dict] = defaultdict(dict)
        self.cells: dict[tuple, str] = {}  # a place's cells as written -> its id
        self.categories: dict[tuple[str, str], str] = {}


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


def _convert(row: dict[str, str], line: int, out: AcledImport, seen: _Seen
             ) -> AcledEvent | None:
    """Check one row; return its event (its new place and sources added to ``out``), or None
    after adding its problems to ``out``."""
    problems: list[RowProblem] = []

    def check(name: str, parse, *args):
        text = row.get(name, "")
        memo = seen.parsed[name]
        value = memo.get(text, _MISSING)
        if value is not _MISSING:
            return value
        try:
            value = parse(text, *args)
        except _Bad as exc:
            problems.append(RowProblem(line, name, f"{exc}; row set aside"))
            return None
        if len(memo) < MEMO_MOST:
            memo[text] = value
        return value

    # A cell parsed before is looked up inline (most cells repeat); a new one goes to check.
    parsed, get = seen.parsed, row.get
    event_id, bad_id = _event_id(row, line, seen)
    if bad_id:
        problems.append(bad_id)
    day = parsed["event_date"].get(get("event_date", ""), _MISSING)
    if day is _MISSING:
        day = check("event_date", parse_date)
    try:
        kinds = (row["event_type"], row["sub_event_type"])
        cat = seen.categories.get(kinds) or seen.categories.setdefault(kinds, category(*kinds))
    except _Bad as exc:
        cat = None
        problems.append(RowProblem(line, "event_type", f"{exc}; row set aside"))
    lat = parsed["latitude"].get(get("latitude", ""), _MISSING)
    if lat is _MISSING:
        lat = check("latitude", _coordinate, -90.0, 90.0, seen.decimal_comma)
    lon = parsed["longitude"].get(get("longitude", ""), _MISSING)
    if lon is _MISSING:
        lon = check("longitude", _coordinate, -180.0, 180.0, seen.decimal_comma)
    if lat == 0 and lon == 0:
        problems.append(RowProblem(line, "latitude,longitude", "0, 0 is a missing location, "
                                   "not a place; row set aside"))
    precision = parsed["geo_precision"].get(get("geo_precision", ""), _MISSING)
    if precision is _MISSING:
        precision = check("geo_precision", _code, (1, 2, 3))
    time_precision = 1
    if get("time_precision", "").strip():
        time_precision = parsed["time_precision"].get(get("time_precision"), _MISSING)
        if time_precision is _MISSING:
            time_precision = check("time_precision", _code, (1, 2, 3))
    deaths = parsed["fatalities"].get(get("fatalities", ""), _MISSING)
    if deaths is _MISSING:
        deaths = check("fatalities", _fatalities)
    stamp = parsed["timestamp"].get(get("timestamp", ""), _MISSING)
    if stamp is _MISSING:
        stamp = check("timestamp", parse_timestamp)
    summary = _summary(row, deaths, time_precision)
    too_long = _summary_fits(summary, line)
    if too_long:
        problems.append(too_long)
    if problems:
        out.problems.extend(problems)
        return None

    seen.events[event_id] = line
    place_id = _place(row, line, lat, lon, precision, out, seen)
    sources = (EXPORT_SOURCE_ID,) + _sources(row["source"], line, day, out, seen)
    country = (row.get("iso", "").strip(), row.get("country", "").strip())
    out.countries[country] += 1
    if stamp is not None:
        out.last_timestamp = max(out.last_timestamp or 0, stamp)
    out.count += 1
    if out.first is None or day < out.first:
        out.first = day
    if out.last is None or day > out.last:
        out.last = day
    return AcledEvent(event_id, day, place_id, cat, summary, sources)


def _place(row: dict[str, str], line: int, lat: float, lon: float, precision: int,
           out: AcledImport, seen: _Seen) -> str:
    cells = (row["location"], row.get("admin1", ""), row["latitude"], row["longitude"],
             row["geo_precision"])  # the same cells make the same key below
    place_id = seen.cells.get(cells)
    if place_id is not None:
        return place_id
    location, admin1 = row["location"].strip(), row.get("admin1", "").strip()
    key = (location, admin1, f"{lat:.6f}", f"{lon:.6f}", precision)
    place_id = seen.places.get(key)
    if place_id is not None:
        if len(seen.cells) < MEMO_MOST:
            seen.cells[cells] = place_id
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
    if len(seen.cells) < MEMO_MOST:
        seen.cells[cells] = place_id
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


