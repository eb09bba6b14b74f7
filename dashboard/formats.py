"""The day's export formats, one entry each: read by the sidebar's downloads, the `export`
command's --format and --out extensions, and the README's table. A new format is one entry here
plus its test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .brief import day_brief
from .export import day_csv, day_geojson_text, day_html
from .scenario import Scenario
from .timeline import DayState


@dataclass(frozen=True)
class Format:
    key: str  # the --format name
    label: str  # the download button's words
    build: Callable[[DayState, Scenario], str]
    extensions: tuple[str, ...]  # the first is the one a download gets
    mime: str


FORMATS: tuple[Format, ...] = (
    Format("html", "Offline map (HTML)", day_html, (".html", ".htm"), "text/html"),
    Format("geojson", "Places and events (GeoJSON)", day_geojson_text, (".geojson", ".json"),
           "application/geo+json"),
    Format("csv", "Places and events (CSV)", day_csv, (".csv",), "text/csv"),
    Format("md", "One-page brief (Markdown)", day_brief, (".md",), "text/markdown"),
)
FORMAT = {f.key: f for f in FORMATS}
BY_EXTENSION = {ext: f.key for f in FORMATS for ext in f.extensions}
