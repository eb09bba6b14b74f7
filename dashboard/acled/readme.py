"""The README.md written into the folder: how each ACLED column was read, and the rows set
aside."""

from __future__ import annotations

from .conventions import (
    EVENT_TYPE_CATEGORIES,
    EXPORT_SOURCE_ID,
    MARKER,
    RADIUS_M,
    SUB_EVENT_CATEGORIES,
)
from .records import AcledImport


def _readme(imported: AcledImport, meta: dict, shown_problems: int = 50) -> str:
    file = imported.file
    lines = [
        f"# {meta['title']}",
        "",
        f"Imported from the ACLED export `{file}` by `python -m dashboard import-acled`. "
        f"{imported.count} events at {len(imported.places)} places citing "
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


