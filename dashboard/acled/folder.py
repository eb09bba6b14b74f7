"""Writing the scenario folder whole or not at all: it is built beside the target, checked with
the dashboard's loader, and swapped in only when it loads with nothing set aside."""

from __future__ import annotations

import csv
import json
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from ..scenario import DEFAULT_DATA_DIR, TABLES, check_scenario
from .conventions import EXPORT_SOURCE_ID, MARKER, OWN_FILES
from .export import iter_events
from .meta import _basemap, _geojson_box, scenario_meta
from .readme import _readme
from .records import AcledEvent, AcledImport, AcledPlace


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


class NoEvents(ValueError):
    """Not one row of the export made an event: nothing is written."""


def write_scenario(imported: AcledImport, out_dir: str | Path, title: str | None = None,
                   *, force: bool = False, bundled: Path = DEFAULT_DATA_DIR) -> dict:
    """Write the scenario folder of an import read whole (read_export), whole or not at all;
    returns its scenario.json.

    The folder is built beside the target, checked with the dashboard's loader, and swapped
    in only when it loads with nothing set aside. Raises FileExistsError (see check_output),
    ImportCheckFailed, or OSError; after any of them the target is as it was and no
    half-written folder is left."""
    if not imported.events:
        raise ValueError("no events to write")
    return _build(imported, out_dir, force, lambda building: _write_files(
        imported, building, title, bundled))


def import_export(imported: AcledImport, out_dir: str | Path, title: str | None = None,
                  *, force: bool = False, bundled: Path = DEFAULT_DATA_DIR) -> dict:
    """Read the export at ``imported.path`` and write its scenario folder in one pass: each
    event goes to events.csv as its row is read and is not kept, so memory does not grow with
    the events; ``imported`` gets the places, sources, problems and counts. Otherwise as
    write_scenario (whole or not at all, checked with the loader); also raises
    UnusableExport, and NoEvents when no row made an event."""

    def write(building: Path) -> dict:
        _write_table(building, "events", (_event_row(e) for e in iter_events(imported)))
        if not imported.count:
            raise NoEvents(f"{imported.path}: no usable rows")
        return _write_rest(imported, building, title, bundled)

    return _build(imported, out_dir, force, write)


def _build(imported: AcledImport, out_dir: str | Path, force: bool,
           write: Callable[[Path], dict]) -> dict:
    """Write the folder beside the target with ``write``, check it with the loader, swap it in;
    after an error nothing is left of it."""
    out = Path(out_dir).absolute()
    export = Path(imported.path) if imported.path else None
    check_output(out, force, export)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.parent / f".{out.name}.importing-{secrets.token_hex(6)}"
    building.mkdir()
    try:
        meta = write(building)
        # The loader's own code, every row of every file parsed and checked, only the events
        # not kept: what load_scenario would set aside, this finds.
        problems = check_scenario(building)
        if problems:
            raise ImportCheckFailed(problems)
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
    _write_table(out, "events", (_event_row(e) for e in imported.events))
    return _write_rest(imported, out, title, bundled)


def _event_row(e: AcledEvent) -> dict:
    return {"id": e.id, "date": e.date.isoformat(), "time": "", "time_precision": 3,
            "place_id": e.place_id, "category": e.category, "summary": e.summary,
            "sources": ";".join(e.sources)}


def _write_rest(imported: AcledImport, out: Path, title: str | None, bundled: Path) -> dict:
    """Every file but events.csv; returns scenario.json."""
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
        "events": imported.count, "set_aside": imported.set_aside,
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
