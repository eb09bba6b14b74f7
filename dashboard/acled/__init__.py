"""Turn an ACLED export (CSV) into a scenario folder: ``python -m dashboard import-acled``.

``read_export(path)`` streams the export row by row and returns an :class:`AcledImport`: the
places, events and sources it could build, and one :class:`RowProblem` (line, field, message)
per row it set aside. ``write_scenario(imported, out_dir)`` writes the folder that
``load_scenario`` opens: scenario.json (its days run from the first to the last event date),
sources.csv, places.csv, events.csv, the required empty tables, regions.geojson, and a README.md
saying how each ACLED column was read. ``import_export(imported, out_dir)`` does both in one
pass without keeping the events (each is written to events.csv as its row is read): the
command (cli.py) calls it, so a million rows need no more memory than a thousand.

Conventions (also written into the folder's README):

- ``geo_precision`` keeps ACLED's code, which the scenario shares (1 exact, 2 near or part of a
  town, 3 only the region); 2 and 3 get a drawing radius (``RADIUS_M``) so the map draws them
  as areas, never as pins. A row with the same location at another precision is another place.
- ``fatalities`` is ACLED's estimate; 0 often means "not reported", so it is never shown as a
  figure of zero deaths. A positive count is quoted in the event's summary; the folder has no
  figures, because the dashboard's figures are totals reported on a day, which ACLED is not.
- every event cites the export itself and each publisher named in its ``source`` cell.

The modules, one job each:

| module | job |
|---|---|
| ``conventions`` | ACLED's columns and codes and what each becomes; the names written |
| ``fields`` | one cell: dates, timestamps, coordinates, codes, the category, stable ids |
| ``export`` | the export: opening it, its CSV dialect, its header, its rows |
| ``convert`` | one row into an event, its place and its sources, or its problems |
| ``records`` | what an import holds (AcledImport and its places, events, sources) |
| ``meta`` | scenario.json: days, countries, time zones, the map's frame, the basemap |
| ``readme`` | the folder's README.md |
| ``folder`` | writing the folder whole or not at all, checked with the loader |
"""

from ..scenario import DEFAULT_DATA_DIR, TABLES, load_scenario
from . import conventions, convert, export, fields, folder, meta, readme, records
from .conventions import (
    DATE_PRECISION_WORDS,
    EVENT_TYPE_CATEGORIES,
    EXPORT_SOURCE_ID,
    MARKER,
    MONTHS,
    OWN_FILES,
    PLACE_KIND,
    PRECISION_WORDS,
    RADIUS_M,
    REQUIRED_COLUMNS,
    SUB_EVENT_CATEGORIES,
)
from .convert import _convert, _summary
from .export import (
    SEPARATORS,
    UnusableExport,
    iter_events,
    read_export,
    sniff_separator,
)
from .fields import category, parse_date, parse_timestamp
from .folder import (
    ImportCheckFailed,
    NoEvents,
    _write_files,
    _write_table,
    check_output,
    import_export,
    write_scenario,
)
from .meta import scenario_meta, utc_offsets
from .records import AcledEvent, AcledImport, AcledPlace, AcledSource, RowProblem

__all__ = [
    "DATE_PRECISION_WORDS", "DEFAULT_DATA_DIR", "EVENT_TYPE_CATEGORIES", "EXPORT_SOURCE_ID",
    "MARKER", "MONTHS", "OWN_FILES", "PLACE_KIND", "PRECISION_WORDS", "RADIUS_M",
    "REQUIRED_COLUMNS", "SEPARATORS", "SUB_EVENT_CATEGORIES", "TABLES", "AcledEvent",
    "AcledImport", "AcledPlace", "AcledSource", "ImportCheckFailed", "NoEvents", "RowProblem",
    "UnusableExport", "_convert", "_summary", "_write_files", "_write_table", "category",
    "check_output", "conventions", "convert", "export", "fields", "folder", "import_export",
    "iter_events", "load_scenario", "meta", "parse_date", "parse_timestamp", "read_export",
    "readme", "records",
    "scenario_meta", "sniff_separator", "utc_offsets", "write_scenario",
]
