"""Read a scenario folder (``geodata/``) into frozen records, validating every row.

Nothing here raises on bad data: each problem becomes a :class:`Problem` naming the file,
the row (the line number in a CSV file, the feature number in a GeoJSON file) and the field,
and the row is set aside while the valid rest loads. The work is split by job: the records
(`records.py`), one field's parsing (`fields.py`), the tables' columns (`tables.py`), one reader
per file kind (`csvfile.py`, `geojsonfile.py`, `meta.py`); here, one loader per table and the
checks across tables.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .csvfile import _dedupe, iter_table, iter_unique, read_table
from .fields import _quote, _quote_all
from .geojsonfile import read_geojson
from .meta import read_meta
from .records import (  # noqa: F401 (the data layer's public names, imported from here)
    DEFAULT_DATA_DIR,
    DEFAULT_NEIGHBOURHOOD,
    DISPUTE_KINDS,
    EVENT_CATEGORIES,
    FIGURE_METRICS,
    FIRST_DAY,
    LAST_DAY,
    MAX_DAYS,
    MAX_FILE_BYTES,
    MAX_ROW_CHARS,
    MAX_ROW_LINES,
    MAX_ROWS,
    PLACE_KINDS,
    QUALIFIERS,
    RESTRICTION_KINDS,
    SCOPES,
    STATUS_VALUES,
    Advice,
    Collector,
    Dispute,
    Event,
    Figure,
    Flight,
    Headline,
    Meta,
    Place,
    Problem,
    Restriction,
    Scenario,
    Source,
    Status,
)
from .tables import TABLES, Table  # noqa: F401

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


class _Check:
    """The checks a row of any table needs against the rest: its sources, its day, its
    period, its place and its areas. Each reports a problem and answers False when it fails."""

    def __init__(self, meta: Meta, out: Collector) -> None:
        self.meta, self.out = meta, out
        self.sources: dict[str, Source] = {}
        self.places: dict[str, Place] = {}
        self.areas: set[str] = {meta.country}

    def sources_ok(self, file: str, line: int, row: dict, column: str = "sources") -> bool:
        unknown = [s for s in row[column] if s not in self.sources]
        if unknown:
            self.out.add(file, line, column, f"unknown source id {_quote_all(unknown)}")
            return False
        return True

    def day_ok(self, file: str, line: int, row: dict, column: str) -> bool:
        meta = self.meta
        if not meta.start <= row[column] <= meta.end:
            self.out.add(file, line, column, f"{row[column]} is outside the scenario "
                         f"({meta.start} to {meta.end})")
            return False
        return True

    def period_ok(self, file: str, line: int, row: dict) -> bool:
        start, end, meta = row["valid_from"], row["valid_to"], self.meta
        if end is not None and end < start:
            self.out.add(file, line, "valid_to", f"{end} is before valid_from {start}")
            return False
        if start > meta.end or (end is not None and end < meta.start - timedelta(days=1)):
            self.out.add(file, line, "valid_from", f"period {start} to {end or 'open'} does "
                         f"not touch the scenario ({meta.start} to {meta.end})")
            return False
        return True

    def place_ok(self, file: str, line: int, value: str, column: str) -> bool:
        if value not in self.places:
            self.out.add(file, line, column, f"unknown place id {_quote(value)}")
            return False
        return True

    def areas_ok(self, file: str, line: int, row: dict, column: str, hint: str = "") -> bool:
        unknown = [a for a in row[column] if a not in self.areas]
        if unknown:
            self.out.add(file, line, column, f"unknown area {_quote_all(unknown)}{hint}")
            return False
        return True


Rows = list[tuple[int, dict]]


def _load_sources(rows: Rows, check: _Check) -> dict[str, Source]:
    """Only a bad id sets a source aside: the rows citing it are not lost with it."""
    sources = {}
    for line, row in rows:
        for column in ("title", "publisher", "date"):
            if not row[column]:
                check.out.add("sources.csv", line, column,
                              "is required (source kept, shown by its id)")
        if not row["file"] and not row["url"]:
            check.out.add("sources.csv", line, "url",
                          "a source needs a file or a url (source kept)")
        sources[row["id"]] = Source(**{**row, "title": row["title"] or row["id"]})
    return sources


def _load_places(rows: Rows, geometries: dict, check: _Check) -> dict[str, Place]:
    """Places inside the neighbourhood, approximate ones with a radius or a geometry."""
    out = check.out
    south, west, north, east = check.meta.neighbourhood
    places: dict[str, Place] = {}
    for line, row in rows:
        ok = check.sources_ok("places.csv", line, row)
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
    return places


def _load_events(rows: Iterable[tuple[int, dict]], check: _Check, keep: bool = True
                 ) -> tuple[list[Event], set[str]]:
    """The events, sorted, streamed from their rows; with ``keep`` False none is kept, only
    the ids of those that would load (a dispute may name one)."""
    events: list[Event] = []
    ids: set[str] = set()
    for line, row in rows:
        ok = check.sources_ok("events.csv", line, row)
        ok &= check.day_ok("events.csv", line, row, "date")
        ok &= check.place_ok("events.csv", line, row["place_id"], "place_id")
        if row["time"] and row["time_precision"] == 3:
            check.out.add("events.csv", line, "time_precision",
                          "is 3 (day only) but a time is given")
            ok = False
        if not ok:
            continue
        if keep:
            events.append(Event(**row))
        else:
            ids.add(row["id"])
    events.sort(key=lambda e: (e.date, e.time or "99:99", e.id))
    return events, ids


def _load_statuses(rows: Rows, check: _Check) -> list[Status]:
    statuses = []
    for line, row in rows:
        ok = check.sources_ok("statuses.csv", line, row)
        ok &= check.period_ok("statuses.csv", line, row)
        ok &= check.place_ok("statuses.csv", line, row["subject"], "subject")
        allowed = STATUS_VALUES[row["kind"]]
        if row["status"] not in allowed:
            check.out.add("statuses.csv", line, "status", f"{_quote(row['status'])} is not "
                          f"one of: {', '.join(sorted(allowed))} (for kind {row['kind']})")
            ok = False
        if ok:
            statuses.append(Status(**row))
    _overlaps(statuses, "statuses.csv", rows, check.out, key=lambda s: (s.subject, s.kind))
    return statuses


def _load_restrictions(rows: Rows, check: _Check) -> list[Restriction]:
    hint = f" (use {check.meta.country}, a region id or a place id)"
    return [Restriction(**row) for line, row in rows
            if check.sources_ok("restrictions.csv", line, row)
            & check.period_ok("restrictions.csv", line, row)
            & check.areas_ok("restrictions.csv", line, row, "area", hint)]


def _load_figures(rows: Rows, check: _Check) -> tuple[list[Figure], list[Figure]]:
    """The figures of the days, and those reported after the last day: what followed."""
    figures, followed = [], []
    end = check.meta.end
    for line, row in rows:
        ok = check.sources_ok("figures.csv", line, row)
        after = row["reported_on"] > end
        if not after:
            ok &= check.day_ok("figures.csv", line, row, "reported_on")
        elif row["reported_on"] > LAST_DAY:
            check.out.add("figures.csv", line, "reported_on", f"{row['reported_on']} is after "
                          f"{LAST_DAY}: a mistyped year?")
            ok = False
        if ok:
            (followed if after else figures).append(Figure(**row))
    return (sorted(figures, key=lambda f: (f.metric, f.reported_on, f.id)),
            sorted(followed, key=lambda f: (f.reported_on, f.metric, f.id)))


def _load_flights(rows: Rows, check: _Check) -> list[Flight]:
    flights = []
    for line, row in rows:
        ok = check.sources_ok("flights.csv", line, row)
        ok &= check.period_ok("flights.csv", line, row)
        ok &= check.place_ok("flights.csv", line, row["airport"], "airport")
        if row["destination_place"]:
            ok &= check.place_ok("flights.csv", line, row["destination_place"],
                                 "destination_place")
        if ok:
            flights.append(Flight(**row))
    return flights


def _load_advice(rows: Rows, check: _Check) -> list[Advice]:
    return [Advice(**row) for line, row in rows
            if check.sources_ok("advice.csv", line, row)
            & check.period_ok("advice.csv", line, row)
            & check.areas_ok("advice.csv", line, row, "applies_to")]


def _load_headlines(rows: Rows, check: _Check) -> dict[date, Headline]:
    return {row["id"]: Headline(row["id"], row["headline"], row["sources"])
            for line, row in rows
            if check.sources_ok("headlines.csv", line, row)
            & check.day_ok("headlines.csv", line, row, "id")}  # the day is the row's id


def _load_disputes(rows: Rows, questioned: set[str],
                   check: _Check) -> dict[str, tuple[Dispute, ...]]:
    disputes: dict[str, list[Dispute]] = {}
    for line, row in rows:
        ok = check.sources_ok("disputes.csv", line, row)
        if row["target"] not in questioned:
            check.out.add("disputes.csv", line, "target", f"no figure, status, event or "
                          f"restriction with id {_quote(row['target'])}")
            ok = False
        if ok:
            disputes.setdefault(row["target"], []).append(Dispute(**row))
    return {target: tuple(sorted(items, key=lambda d: (d.reported_on, d.id)))
            for target, items in disputes.items()}


def load_scenario(data_dir: str | Path | None = None) -> Scenario:
    """Load and validate a scenario folder. Never raises on bad data."""
    return _load(data_dir, keep_events=True)


def check_scenario(data_dir: str | Path) -> tuple[Problem, ...]:
    """The problems load_scenario finds in the folder, found by the same code, but with no
    event kept: each is checked and dropped, so a large events.csv costs little memory."""
    return _load(data_dir, keep_events=False).problems


def _load(data_dir: str | Path | None, keep_events: bool) -> Scenario:
    # Loading makes no reference cycles, only a great many objects (a million events): the
    # cycle collector, which would scan them again and again while they pile up, waits.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_all(data_dir, keep_events)
    finally:
        if paused:
            gc.enable()


def _load_all(data_dir: str | Path | None, keep_events: bool) -> Scenario:
    directory = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    out = Collector()
    if not directory.is_dir():
        out.add(str(directory), 0, "-", "is not a folder")
    meta = read_meta(directory, out)
    bounds = meta.neighbourhood
    raw: dict[str, Rows] = {}
    for name, table in TABLES.items():
        if name == "events":  # streamed below, once the places are known
            events_at = len(out.problems)
            continue
        raw[name] = _dedupe(read_table(directory, table, out), table.file, out)
    check = _Check(meta, out)
    check.sources = _load_sources(raw["sources"], check)
    geometries = {f["properties"]["id"]: (n, f["geometry"])
                  for n, f in read_geojson(directory, "places.geojson", out, required=False,
                                           bounds=bounds, required_props=("id",))}
    check.places = _load_places(raw["places"], geometries, check)
    regions = {"type": "FeatureCollection", "features": [
        f for _, f in read_geojson(directory, "regions.geojson", out, required=True,
                                   bounds=bounds, required_props=("id", "name"))]}
    neighbours = {"type": "FeatureCollection", "features": [
        f for _, f in read_geojson(directory, "neighbours.geojson", out, required=False,
                                   bounds=bounds, required_props=("id", "name"))]}
    water = {"type": "FeatureCollection", "features": [
        f for _, f in read_geojson(directory, "water.geojson", out, required=False,
                                   bounds=bounds, required_props=("id",))]}
    check.areas |= {f["properties"]["id"] for f in regions["features"]} | set(check.places)
    # The events' own problems (a bad cell, a duplicate id) are listed where reading every
    # table first put them, before the checks against the other tables.
    reading = Collector()
    events, event_ids = _load_events(
        iter_unique(iter_table(directory, TABLES["events"], reading), "events.csv", reading),
        check, keep=keep_events)
    out.problems[events_at:events_at] = reading.problems
    statuses = _load_statuses(raw["statuses"], check)
    restrictions = _load_restrictions(raw["restrictions"], check)
    figures, followed = _load_figures(raw["figures"], check)
    questioned = event_ids | {row.id for row in (*figures, *followed, *statuses, *events,
                                                 *restrictions)}
    return Scenario(
        meta=meta, sources=check.sources, places=check.places, events=tuple(events),
        statuses=tuple(statuses), restrictions=tuple(restrictions), figures=tuple(figures),
        flights=tuple(_load_flights(raw["flights"], check)),
        advice=tuple(_load_advice(raw["advice"], check)),
        headlines=_load_headlines(raw["headlines"], check),
        disputes=_load_disputes(raw["disputes"], questioned, check),
        followed=tuple(followed), regions=regions, neighbours=neighbours, water=water,
        problems=tuple(out.problems), data_dir=str(directory),
    )


def _overlaps(items: list, file: str, rows: list[tuple[int, dict]], out: Collector,
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
