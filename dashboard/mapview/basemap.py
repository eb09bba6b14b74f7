"""The map that never changes while the slider moves: Leaflet and the page's code, the vector
basemap fetched from a static file, city labels, the legend, optional online tiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink
from jinja2 import Template

from .. import pagefiles
from ..scenario import Scenario
from ..vocab import (
    CATEGORIES,
    NO_REPORT_COLOUR,
    RESTRICTION_KINDS_ALL,
    SOE_COLOUR,
    STATUS_KINDS,
)
from .elements import RawText, ScriptElement, esc, render_macros, script_json
from .features import source_table
from .steps import DayDraw, StepControls

# at /component/streamlit_folium.st_folium/index.html, so these paths climb to the app root.
ASSET_ROOT = "../../app/static/vendor"

class StaticBasemap(ScriptElement):
    """Vector basemap fetched by the browser from a static file (not embedded in the map)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.basemap({{ this._parent.get_name() }}, {{ this.url|tojson }});
        {% endmacro %}
    """)

    def __init__(self, url: str):
        super().__init__()
        self._name = "StaticBasemap"
        self.url = url


class FitView(ScriptElement):
    """Fits the map to the scenario's view at once, clear of the legend (kz.fit), without an
    animation that would swallow the viewer's first zoom or a place search arriving while it
    runs. Added after the legend, whose size it reads."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.fit({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
    """)

    def __init__(self, view):
        super().__init__()
        self._name = "FitView"
        self.bounds = [[view[0], view[1]], [view[2], view[3]]]


class OfflineMap(folium.Map):
    """A folium Map whose only assets are Leaflet's, served by the app itself."""

    default_js = [("leaflet", f"{ASSET_ROOT}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{ASSET_ROOT}/leaflet/leaflet.css")]

    def __init__(self, *args, **kwargs):
        # map.js by its content's digest: a browser never runs a copy older than the server.
        self.default_js = [*self.default_js,
                           ("kz_map", f"{pagefiles.KZ_URL}/map.js?v={pagefiles.digest('map.js')}")]
        super().__init__(*args, **kwargs)

    def render(self, **kwargs) -> None:
        """folium's own (JSCSSMixin, then MacroElement) without a template compile per macro:
        the map is rendered twice on every step (render_macros)."""
        if self.includes:  # Leaflet class options set with folium's include(): folium's way
            super().render(**kwargs)
            return
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        render_macros(self, kwargs)




def legend_html() -> str:
    """The legend, from the vocabulary: each status kind's values under its heading (airports
    with "No report"), the day's event categories, the restrictions drawn on the map. Each
    row shows the marker's colour and shape (map.css draws the shapes) and says it in words."""
    def dot(colour: str, label: str, cls: str = "") -> str:
        return (f"<div><i class='{cls}' style='background:{colour};border-color:{colour};"
                f"color:{colour}'></i>{esc(label)}</div>")

    rows: list[str] = []
    heading = None

    def head(text: str) -> None:
        nonlocal heading
        if text != heading:
            rows.append(f"<h4>{esc(text)}</h4>")
            heading = text

    def mark(kind, value) -> str:
        """Rings and areas keep their mark; points (airports, sites held) show their shape."""
        return kind.mark if kind.key in (
            "avoid", "checkpoint", "guard") else value.shape

    for kind in STATUS_KINDS:
        if kind.key == "avoid":  # the day's events come before the zones
            head("The day")
            seen: dict[str, tuple[str, str]] = {}
            for category in CATEGORIES:
                if category.legend and category.legend not in seen:
                    seen[category.legend] = (category.colour, category.shape)
            rows.extend(dot(colour, label, shape) for label, (colour, shape) in seen.items())
        head(kind.heading)
        labels = dict.fromkeys(v.label for v in kind.values)  # one row per distinct label
        for label in labels:
            value = next(v for v in kind.values if v.label == label)
            rows.append(dot(value.colour, label[:1].upper() + label[1:], mark(kind, value)))
        if kind.key == "airport":
            rows.append(dot(NO_REPORT_COLOUR, "No report", "circle"))
    rows.extend(dot(SOE_COLOUR, r.legend, "sq") for r in RESTRICTION_KINDS_ALL if r.legend)
    rows.append("<div class='note'>Areas mark approximate places; a dashed ring, a site "
                "somewhere in its city</div>")
    return "".join(rows)


class Legend(ScriptElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.legend({{ this._parent.get_name() }}, {{ this.html|tojson }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text


class CityLabels(ScriptElement):
    """The cities' names, as labels that take no clicks, in one layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.cityLabels({{ this._parent.get_name() }}, {{ this.cities }});
        {% endmacro %}
    """)

    def __init__(self, cities: list[tuple[str, float, float]]):
        super().__init__()
        self._name = "CityLabels"
        self.cities = script_json([[esc(name), round(lat, 5), round(lon, 5)]
                                   for name, lat, lon in cities])


# --------------------------------------------------------------------------- base map

CITY_KINDS = frozenset({"city"})


@dataclass(frozen=True)
class TileSource:
    """Online street tiles, drawn over the vector basemap (which shows wherever they fail)."""

    url: str
    attribution: str


@dataclass(frozen=True)
class OfflineLayer:
    """The street map the traveller brought (tilearchive.py), drawn between the vector basemap
    and the day. Raster: tiles served by the app from its static folder (``url``, a
    {z}/{x}/{y} template) or carried in the page (``tiles``: "z/x/y" to a data URL, for the
    offline export). Vector (``vector``): a PMTiles archive drawn by protomaps-leaflet, served
    by the app (``url``, with the ``renderer`` script's URL) or carried in the page (``data``:
    the archive in base64, the renderer written into the page by the export)."""

    attribution: str  # text, escaped here
    bounds: tuple[float, float, float, float]  # south, west, north, east
    min_zoom: int
    max_zoom: int
    url: str | None = None
    tiles: dict[str, str] | None = None
    vector: bool = False
    renderer: str | None = None
    data: str | None = None


class OfflineTiles(ScriptElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.offlineMap({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
    """)

    def __init__(self, layer: OfflineLayer):
        super().__init__()
        self._name = "OfflineTiles"
        s, w, n, e = layer.bounds
        self.options = script_json({
            "url": layer.url, "tiles": layer.tiles, "attribution": esc(layer.attribution),
            "bounds": [[s, w], [n, e]], "minZoom": layer.min_zoom, "maxZoom": layer.max_zoom})


class VectorTiles(ScriptElement):
    """A vector PMTiles archive, drawn by kz.vectorMap (static/kz/vectormap.js)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.vectorMap({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
    """)

    def __init__(self, layer: OfflineLayer):
        super().__init__()
        self._name = "VectorTiles"
        s, w, n, e = layer.bounds
        self.options = script_json({
            "url": layer.url, "data": layer.data, "attribution": esc(layer.attribution),
            "bounds": [[s, w], [n, e]], "minZoom": layer.min_zoom, "maxZoom": layer.max_zoom})


def offline_layer(m: folium.Map, layer: OfflineLayer) -> None:
    """The traveller's street map on the map; a vector one with its renderer and glue, linked
    from the app's static folder (the export writes them into the page instead)."""
    if not layer.vector:
        m.add_child(OfflineTiles(layer))
        return
    if layer.renderer:
        m.default_js = [*m.default_js, ("protomaps_leaflet", layer.renderer),
                        ("kz_vector", f"{pagefiles.KZ_URL}/vectormap.js"
                                      f"?v={pagefiles.digest('vectormap.js')}")]
    m.add_child(VectorTiles(layer))


def base_map(scenario: Scenario, basemap_url: str | None, *, tiles: TileSource | None = None,
             height_px: int | None = None, controls: StepControls | None = None,
             offline: OfflineLayer | None = None) -> folium.Map:
    """The map that never changes: same script for every day of the scenario."""
    m = OfflineMap(location=list(scenario.meta.center), zoom_start=scenario.meta.zoom,
                   tiles=None, control_scale=True, prefer_canvas=False,
                   min_zoom=3, max_zoom=17, zoom_snap=0.25)
    m.get_root().header.add_child(RawText(pagefiles.style("map.css")), name="kz_css")
    if basemap_url:
        m.add_child(StaticBasemap(basemap_url))
    if offline is not None:
        offline_layer(m, offline)
    if tiles is not None:
        # Above the basemap pane (250), below the day's layers (overlayPane, 400).
        folium.map.CustomPane("tiles", z_index=300, pointer_events=False).add_to(m)
        folium.TileLayer(tiles.url, name="Online tiles", attr=tiles.attribution, opacity=0.9,
                         pane="tiles", max_zoom=19).add_to(m)
    m.add_child(DayDraw(scenario.days, controls))
    m.add_child(CityLabels([(place.name, place.lat, place.lon)
                            for place in scenario.places.values() if place.kind in CITY_KINDS]))
    m.add_child(Legend(legend_html()))
    if scenario.meta.view is not None:
        m.add_child(FitView(scenario.meta.view))
    return m


# geodata/water.geojson is OpenStreetMap data under the ODbL (geodata/README.md): every map
# that draws it says so in Leaflet's attribution control. The link is followed only when the
# viewer clicks it; nothing is fetched to show it.
WATER_ATTRIBUTION = ('Lakes © <a href="https://www.openstreetmap.org/copyright" '
                     'target="_blank" rel="noopener noreferrer">OpenStreetMap</a> '
                     'contributors (ODbL)')


def basemap_geojson(scenario: Scenario) -> dict:
    """The vector basemap as one FeatureCollection: neighbours, the country, lakes, regions,
    with the credits of the data drawn (``attribution``, HTML the page puts in Leaflet's
    attribution control)."""
    features = []
    country, outline = scenario.meta.country, scenario.meta.country_outline
    for feature in scenario.neighbours.get("features", []):
        fid = feature["properties"]["id"]
        kind = ("sea" if fid == "CASPIAN" else "home" if fid in (country, outline)
                else "land")
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"layer": kind, "name": feature["properties"]["name"]}})
    # Draw the home country first among land so that region outlines sit on top of it.
    features.sort(key=lambda f: {"land": 0, "sea": 1, "home": 2}[f["properties"]["layer"]])
    # Lakes over the land, under the region outlines; drawn, never named on screen.
    water = scenario.water.get("features", [])
    for feature in water:
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"layer": "water", "id": feature["properties"]["id"]}})
    for feature in scenario.regions.get("features", []):
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"layer": "region", "id": feature["properties"]["id"],
                                        "name": feature["properties"]["name"]}})
    # The sources the popups cite by id (features.source_refs_html) travel with the basemap:
    # a static file the page fetches once, not the map's script, which each step sends again.
    return {"type": "FeatureCollection", "features": features,
            "attribution": [WATER_ATTRIBUTION] if water else [],
            "sources": source_table(scenario)}
