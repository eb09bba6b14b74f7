"""One day of the scenario as files that stand alone: an offline HTML map, GeoJSON and CSV.

``day_html`` is a single HTML file that opens in any browser without a network: Leaflet's
script and stylesheet (from the installed XStatic-Leaflet package) and the vector basemap are
written into the page itself, and the check at the end refuses any script or stylesheet that
would still be loaded from elsewhere. The map is the app's own (``mapview.base_map`` and
``mapview.day_layers``), beside the day's panel (``daypanel``) and the list of its sources.

``day_geojson`` and ``day_csv`` carry the same day as data: the places with their statuses,
the events and the restrictions in force, and the day's figures (the headline and those also
reported), each with its sources and any dispute of it.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from jinja2 import Template

from . import daypanel, pagefiles, trends
from .assets import renderer_needed, renderer_source
from .caveats import data_json, set_aside
from .mapview import (
    LAYERS,
    OfflineLayer,
    RawText,
    ScriptElement,
    base_map,
    basemap_geojson,
    day_label,
    day_layers,
    esc,
    layer_features,
)
from .pmtilesfile import PMTilesFile, TileType, pack
from .scenario import Place, Scenario
from .snapshot import disputes as disputes_list
from .snapshot import snapshot
from .tilearchive import EXPORT_CAP_BYTES, InlineTiles, TileArchive, inline_tiles
from .timeline import (
    METRIC_LABELS,
    DayState,
    area_names,
    format_figure,
)
from .vocab import RESTRICTION_LABELS

# Places listed every day even without a status: the map draws them every day.
ALWAYS_LISTED = frozenset({"airport", "strategic_site"})

CSV_COLUMNS = ("type", "id", "name", "kind", "status", "date", "time", "valid_from",
               "valid_to", "lat", "lon", "geo_precision", "radius_m", "area", "detail",
               "statuses", "sources")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(RuntimeError):
    """The export could not be made self-contained."""


# --------------------------------------------------------------------------- sources

def source_refs(scenario: Scenario, ids) -> list[dict[str, Any]]:
    """Each cited source once, in order: id, title, publisher, date, url and file."""
    refs = []
    for sid in dict.fromkeys(ids):
        source = scenario.sources.get(sid)
        if source is None:
            refs.append({"id": sid, "title": None, "publisher": None, "date": None,
                         "url": None, "file": None})
            continue
        refs.append({"id": sid, "title": source.title, "publisher": source.publisher,
                     "date": source.date, "url": source.url or None,
                     "file": source.file or None})
    return refs


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address that can be linked to, else None."""
    if not url or any(c.isspace() for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


# --------------------------------------------------------------------------- GeoJSON

def _point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def _place_geometry(place: Place) -> dict:
    return place.geometry if place.geometry is not None else _point(place.lat, place.lon)


def _area_geometry(scenario: Scenario, areas) -> dict | None:
    """The restriction's regions (or the whole country) as one (Multi)Polygon, if known."""
    shapes = {f["properties"]["id"]: f["geometry"]
              for f in scenario.regions.get("features", [])}
    outline = next((f["geometry"] for f in scenario.neighbours.get("features", [])
                    if f["properties"].get("id") in (scenario.meta.country_outline,
                                                     scenario.meta.country)), None)
    polygons = []
    for area in areas:
        geometry = outline if area == scenario.meta.country else shapes.get(area)
        if geometry is None:
            continue
        if geometry["type"] == "Polygon":
            polygons.append(geometry["coordinates"])
        elif geometry["type"] == "MultiPolygon":
            polygons.extend(geometry["coordinates"])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _status_dict(status, scenario: Scenario) -> dict[str, Any]:
    return {"kind": status.kind, "status": status.status, "detail": status.detail,
            "valid_from": status.valid_from.isoformat(),
            "valid_to": status.valid_to.isoformat() if status.valid_to else None,
            "disputes": disputes_list(scenario, status.id),
            "sources": list(status.sources)}


def _figure_feature(fig, headline: bool, scenario: Scenario) -> dict:
    """A figure of the day (the headline or one also reported), with its disputes."""
    disputes = disputes_list(scenario, fig.id)
    detail = " ".join([fig.detail, *(f"{d['text']}." for d in disputes)]).strip()
    ids = list(fig.sources) + [s for d in disputes for s in d["sources"]]
    return {"type": "Feature", "id": f"figure:{fig.id}", "geometry": None,
            "properties": {
                "type": "figure", "id": fig.id,
                "name": f"{METRIC_LABELS.get(fig.metric, fig.metric)} ({fig.scope})",
                "kind": fig.metric, "status": format_figure(fig),
                "value": fig.value, "qualifier": fig.qualifier,
                "date": fig.reported_on.isoformat(),
                "headline": headline, "disputes": disputes, "detail": detail,
                "geo_precision": None, "sources": source_refs(scenario, ids)}}


def _place_feature(ps, scenario: Scenario) -> dict:
    place, primary = ps.place, ps.primary
    ids = list(place.sources) + [s for status in ps.statuses for s in status.sources]
    return {"type": "Feature", "id": f"place:{place.id}", "geometry": _place_geometry(place),
            "properties": {
                "type": "place", "id": place.id, "name": place.name, "kind": place.kind,
                "city": place.city or None,
                "status": primary.status if primary else None,
                "statuses": [_status_dict(s, scenario) for s in ps.statuses],
                "detail": primary.detail if primary and primary.detail else place.detail,
                "lat": place.lat, "lon": place.lon,
                "geo_precision": place.geo_precision, "radius_m": place.radius_m,
                "sources": source_refs(scenario, ids)}}


def _event_feature(event, scenario: Scenario) -> dict:
    place = scenario.places.get(event.place_id)
    located = place is not None and place.kind != "country"
    return {"type": "Feature", "id": f"event:{event.id}",
            "geometry": _place_geometry(place) if located else None,
            "properties": {
                "type": "event", "id": event.id,
                "name": place.name if located else "Nationwide",
                "kind": event.category, "status": None, "date": event.date.isoformat(),
                "time": event.time or None, "time_precision": event.time_precision,
                "place_id": event.place_id, "detail": event.summary,
                "lat": place.lat if located else None, "lon": place.lon if located else None,
                "geo_precision": place.geo_precision if located else None,
                "radius_m": place.radius_m if located else None,
                "sources": source_refs(scenario, event.sources)}}


def _restriction_feature(restriction, scenario: Scenario) -> dict:
    label = RESTRICTION_LABELS.get(restriction.kind, restriction.kind)
    return {"type": "Feature", "id": f"restriction:{restriction.id}",
            "geometry": _area_geometry(scenario, restriction.area),
            "properties": {
                "type": "restriction", "id": restriction.id,
                "name": f"{label} ({area_names(scenario, restriction.area)})",
                "kind": restriction.kind, "status": restriction.status,
                "hours": restriction.hours or None, "area": list(restriction.area),
                "valid_from": restriction.valid_from.isoformat(),
                "valid_to": (restriction.valid_to.isoformat() if restriction.valid_to
                             else None),
                "detail": restriction.detail, "geo_precision": None,
                "sources": source_refs(scenario, restriction.sources)}}


def day_geojson(state: DayState, scenario: Scenario) -> dict:
    """The day as a FeatureCollection: places with their statuses, events, restrictions.

    Places without a location of their own (the country) and national events have a null
    geometry; a restriction's geometry is the union of its regions' outlines.
    """
    places = [ps for ps in state.places if ps.place.kind != "country"
              and (ps.statuses or ps.place.kind in ALWAYS_LISTED)]
    features = ([_place_feature(ps, scenario) for ps in places]
                + [_event_feature(e, scenario) for e in state.events]
                + [_restriction_feature(r, scenario) for r in state.restrictions]
                + [_figure_feature(fig, fig is fs.figure, scenario)
                   for _, fs in sorted(state.figures.items())
                   for fig in (fs.figure, *fs.also_reported)]
                + [_figure_feature(fig, False, scenario) for fig in state.regional])
    return {"type": "FeatureCollection",
            "title": scenario.meta.title,
            "date": state.day.isoformat(),
            "headline": state.headline.headline if state.headline else None,
            "data": data_json(scenario),
            "features": features}


def day_geojson_text(state: DayState, scenario: Scenario) -> str:
    """``day_geojson`` as the text of a .geojson file (UTF-8, one newline at the end)."""
    return json.dumps(day_geojson(state, scenario), ensure_ascii=False, indent=1) + "\n"


# --------------------------------------------------------------------------- CSV

def csv_cell(value: object) -> object:
    """A value as a CSV cell; text a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _sources_cell(refs: list[dict]) -> str:
    return " | ".join(
        f"{r['id']}: {r['title'] or r['id']} — {r['publisher'] or '?'}, {r['date'] or '?'}, "
        f"{r['url'] or r['file'] or ''}".rstrip(", ") for r in refs)


def _csv_row(props: dict) -> dict[str, object]:
    statuses = "; ".join(f"{s['kind']}: {s['status']}"
                         + "".join(f" ({d['text']})" for d in s.get("disputes", []))
                         for s in props.get("statuses", []))
    area = ";".join(props.get("area", []))
    detail = props.get("detail") or ""
    if props.get("hours"):
        detail = f"{props['hours']} local time. {detail}".strip()
    row = {**{c: props.get(c) for c in CSV_COLUMNS}, "area": area, "statuses": statuses,
           "detail": detail, "sources": _sources_cell(props["sources"])}
    return {c: csv_cell(v) for c, v in row.items()}


def day_csv(state: DayState, scenario: Scenario) -> str:
    """The same items as ``day_geojson``, one row each (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for feature in day_geojson(state, scenario)["features"]:
        writer.writerow(_csv_row(feature["properties"]))
    return out.getvalue()


# --------------------------------------------------------------------------- HTML

class ExportReady(ScriptElement):
    """Runs after every layer is on the map: names the map and marks the page as drawn."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.kzMap = {{ this._parent.get_name() }};
        document.documentElement.setAttribute('data-kz-ready', '1');
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ExportReady"


_IMAGE_URL = re.compile(r"url\((['\"]?)images/([\w.-]+)\1\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's stylesheet (its images as data: URLs) and script, ready to inline."""
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)

    def image(match: re.Match) -> str:
        data = base64.b64encode((base / "images" / match.group(2)).read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    css = _IMAGE_URL.sub(image, (base / "leaflet.css").read_text(encoding="utf-8"))
    script = _SOURCE_MAP.sub("", (base / "leaflet.js").read_text(encoding="utf-8"))
    if re.search(r"</style", css, re.IGNORECASE):
        raise ExportError("leaflet.css cannot be inlined: it contains '</style'")
    if re.search(r"</script|<!--|<script", script, re.IGNORECASE):
        raise ExportError("leaflet.js cannot be inlined: it contains a script tag")
    return css, script


def _data_url(data: object) -> str:
    body = json.dumps(data, separators=(",", ":")).encode()
    return "data:application/geo+json;base64," + base64.b64encode(body).decode()




def _top_html(state: DayState, scenario: Scenario) -> str:
    return (f"<header class='kz-top'>"
            f"{daypanel.headline_html(state, scenario, day_label(state.day))}"
            f"{daypanel.badges_html(daypanel.badges(state, scenario))}</header>")


def _layers_html(state: DayState, scenario: Scenario) -> str:
    items = "".join(
        f"<li data-layer='{esc(spec.key)}' data-count='{count}'>{esc(spec.label)}: {count}</li>"
        for spec in LAYERS
        for count in [len(layer_features(state, scenario, spec.key))])
    return f"<ul class='kz-layers'>{items}</ul>"


def sources_list_html(sources: dict[str, dict]) -> str:
    """The day's sources: title, publisher, date, and the file or web address."""
    items = []
    for sid, source in sources.items():
        where = []
        if source.get("file"):
            where.append(f"file {esc(source['file'])}")
        url = source.get("url")
        if url:
            link = web_url(url)
            where.append(f"<a href='{esc(link)}' rel='noopener noreferrer'>{esc(url)}</a>"
                         if link else esc(url))
        items.append(f"<li data-source='{esc(sid)}'><b>{esc(source['title'])}</b> — "
                     f"{esc(source['publisher'])}, {esc(source['date'])}"
                     f"<br><span class='src-where'>{' · '.join(where)}</span></li>")
    if not items:
        return "<p class='kz-muted'>No sources cited on this day.</p>"
    return f"<ol class='kz-sources'>{''.join(items)}</ol>"


def _side_html(state: DayState, scenario: Scenario, streets: str = "") -> str:
    sources = snapshot(state, scenario)["sources"]
    return (
        "<aside class='kz-side'>"
        + (f"<p class='kz-caveat' data-testid='kz-set-aside'>{esc(set_aside(scenario))}</p>"
           if scenario.problems else "")
        + "<h2>Figures as of this day</h2>" + daypanel.figures_html(state, scenario)
        + daypanel.regional_html(state, scenario)
        + "<h2>What changed since the day before</h2>" + daypanel.changes_html(state)
        + "<h2>Who held what</h2>" + daypanel.control_html(state, scenario)
        + f"<h2>Events ({len(state.events)})</h2>" + daypanel.events_html(state, scenario)
        + "<h2>Advice from the sources</h2>" + daypanel.advice_html(state, scenario)
        + daypanel.followed_html(scenario)
        + "<h2>Trends</h2>" + trends.figures_svg(scenario, state.day)
        + trends.events_svg(scenario, state.day)
        + "<h2>On the map</h2>" + _layers_html(state, scenario)
        + f"<h2>Sources ({len(sources)})</h2>" + sources_list_html(sources)
        + (f"<p class='kz-foot' data-testid='kz-streets'>{esc(streets)}</p>" if streets
           else "")
        + f"<p class='kz-foot'>{esc(scenario.meta.title)}. Times are local "
          f"(UTC{esc(scenario.meta.utc_offset)}). Approximate places are drawn as areas, "
          "never as pins.</p></aside>")


_EXTERNAL_ASSET = re.compile(r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=", re.IGNORECASE)


def check_self_contained(page: str) -> None:
    """Raise ExportError if the page would load a script or a stylesheet from anywhere."""
    found = _EXTERNAL_ASSET.search(page)
    if found:
        start = found.start()
        raise ExportError(f"the page still loads an asset: {page[start:start + 120]!r}")


EXPORT_CAP_MB = EXPORT_CAP_BYTES // (1024 * 1024)
TILE_MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def offline_export_layer(archive: TileArchive, scenario: Scenario) -> tuple[OfflineLayer, str]:
    """The street map's tiles within the scenario's view, carried in the page (at most
    tilearchive.EXPORT_CAP_BYTES; higher zooms that do not fit are left out and said so):
    raster tiles as data URLs, vector tiles packed into a small PMTiles archive in base64.
    Also a sentence for the page. Raises tilearchive.ExportTooLarge when none fit."""
    view = scenario.meta.view or scenario.meta.neighbourhood
    carried = inline_tiles(archive, view)
    attribution = archive.attribution or f"Offline map: {archive.path.name}"
    common = dict(attribution=attribution, bounds=archive.bounds, min_zoom=carried.zooms[0],
                  max_zoom=carried.zooms[-1])
    if archive.vector:
        packed = pack_vector(archive, carried)
        layer = OfflineLayer(**common, vector=True, data=base64.b64encode(packed).decode())
    else:
        mime = TILE_MIME[archive.format]
        layer = OfflineLayer(**common, tiles={
            key: f"data:{mime};base64,{base64.b64encode(data).decode()}"
            for key, data in carried.tiles.items()})
    note = (f"Streets: {archive.name} ({archive.kind}), {len(carried.tiles):,} tiles at "
            f"{_zooms(carried.zooms)}")
    if carried.left_out:
        note += (f" ({_zooms(carried.left_out)} left out: over the {EXPORT_CAP_MB} MB a single "
                 "file carries)")
    note += f". {archive.attribution or 'No attribution stated in ' + archive.path.name}."
    return layer, note


def _zooms(zooms: tuple[int, ...]) -> str:
    return f"zoom {zooms[0]}" if len(zooms) == 1 else f"zoom {zooms[0]}–{zooms[-1]}"


def pack_vector(archive: TileArchive, carried: InlineTiles) -> bytes:
    """The vector tiles carried, as one PMTiles archive of their own (as stored: the page's
    reader decompresses them as the source archive's header says)."""
    with PMTilesFile(archive.path) as source:
        compression = source.header["tile_compression"]
        metadata = {key: source.metadata[key] for key in ("name", "attribution",
                                                          "vector_layers")
                    if key in source.metadata}
    tiles = {tuple(int(v) for v in key.split("/")): data for key, data in carried.tiles.items()}
    return pack(tiles, tile_type=TileType.MVT, tile_compression=compression,
                bounds=archive.bounds, metadata=metadata)


def renderer_scripts(archive: TileArchive) -> str:
    """protomaps-leaflet and its glue (vectormap.js), to write into the page; raises
    assets.RendererMissing when npm never installed the renderer."""
    found = renderer_source()
    if found is None:
        raise renderer_needed(archive)
    script = found[0]
    if re.search(r"</script|<!--|<script", script, re.IGNORECASE):
        raise ExportError("protomaps-leaflet cannot be inlined: it contains a script tag")
    return f"<script>{script}</script>" + pagefiles.script("vectormap.js")


def day_html(state: DayState, scenario: Scenario, offline: TileArchive | None = None) -> str:
    """The day's map and panel as one HTML file that needs nothing but a browser; with an
    offline street map, its tiles within the view are carried in the page too."""
    css, script = leaflet_assets()
    layer, note = offline_export_layer(offline, scenario) if offline else (None, "")
    vector = renderer_scripts(offline) if offline is not None and offline.vector else ""
    m = base_map(scenario, _data_url(basemap_geojson(scenario)), offline=layer)
    # The app's map links Leaflet from its static folder; here it is written into the page.
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    root.title = esc(f"{scenario.meta.title} — {day_label(state.day)}")
    root.header.add_child(RawText(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(RawText(f"<script>{script}</script>"), name="leaflet")
    root.header.add_child(RawText(pagefiles.script("map.js")), name="kz_map")
    if vector:
        root.header.add_child(RawText(vector), name="kz_vector")
    root.header.add_child(RawText(pagefiles.style("panel.css") + pagefiles.style("export.css")),
                          name="kz_export_css")
    root.html.add_child(RawText(_top_html(state, scenario)), name="kz_top")
    root.html.add_child(RawText(_side_html(state, scenario, note)), name="kz_side")
    for group in day_layers(state, scenario):
        group.add_to(m)
    folium.LayerControl(position="topleft", collapsed=True).add_to(m)
    m.add_child(ExportReady())
    page = root.render()
    check_self_contained(page)
    return page
