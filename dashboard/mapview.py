"""Pure folium: a base map that never changes, and one layer per kind built from a DayState.

The base map carries only what is the same on every day (the vector basemap is fetched by the
browser from a static file, city labels, the legend, the page's drawing code), so its script,
and so the map frame, stays identical while the slider moves. A day's layers are GeoJSON
objects drawn by Leaflet alone (no CDN, no icon fonts, no jQuery): in the app, handed to the
page's day keeper with the days next to it (``day_group``, ``DayDraw``); in an export, one
FeatureGroup per layer (``day_layers``). Every text from the data is HTML-escaped before it
reaches the page.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from . import pagefiles
from .geo import unlocated
from .scenario import Place, Scenario, Status
from .timeline import (
    DayState,
    dispute_text,
    status_label,
)
from .vocab import (
    CATEGORIES,
    NO_REPORT_COLOUR,
    RESTRICTION_KIND,
    RESTRICTION_KINDS_ALL,
    RESTRICTION_LABELS,
    SOE_COLOUR,
    STATUS_KIND,
    STATUS_KINDS,
    UNREST_CATEGORIES,
)

# Assets are served by the app (see assets.py); the map lives in the streamlit-folium iframe
# at /component/streamlit_folium.st_folium/index.html, so these paths climb to the app root.
ASSET_ROOT = "../../app/static/vendor"

# Colours, from the vocabulary (vocab.py): one entry per status value and event category.
AIRPORT_COLOURS = {**{v.key: v.colour for v in STATUS_KIND["airport"].values},
                   None: NO_REPORT_COLOUR}
CONTROL_COLOURS = {v.key: v.colour for v in STATUS_KIND["control"].values}
EVENT_COLOURS = {c.key: c.colour for c in CATEGORIES}
AVOID_COLOUR = STATUS_KIND["avoid"].values[0].colour
CHECKPOINT_COLOUR = STATUS_KIND["checkpoint"].values[0].colour
GUARD_COLOUR = STATUS_KIND["guard"].values[0].colour




def esc(text: object) -> str:
    """Escape text from the data for HTML text and attribute values.

    Braces become character references too: folium reads each rendered script again as a
    Jinja template, and the HTML built here (tooltips, popups, labels) ends up in scripts.
    """
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def day_label(day: date) -> str:
    """'Fri 7 Jan 2022'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def script_json(data: object) -> str:
    """JSON that is safe inside an inline <script>: no '</' can close the tag, and no Jinja
    delimiter survives for folium's second template pass to evaluate."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            .replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023"))


# --------------------------------------------------------------------------- elements

class RawText(Element):
    """Text placed in the page as it is. (branca's Element would compile it as a template.)"""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ScriptElement(MacroElement):
    """A MacroElement whose rendered header, html and script go into the page as plain text.

    branca compiles every rendered macro once more as a Jinja template, which costs more than
    everything else in a map step (the day's data is in these scripts) and would evaluate
    template syntax found in the data.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module
        for part, target in (("header", figure.header), ("html", figure.html),
                             ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(RawText(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class AddTo(ScriptElement):
    """Adds its parent layer to the parent's own parent (folium's ElementAddToElement, whose
    rendered line branca would compile as a template once more)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.addTo({{ this._parent._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "AddTo"


class Group(folium.FeatureGroup):
    """A feature group whose scripts go into the page as plain text, like ScriptElement's.
    Its last child adds it to its parent: streamlit-folium reads the script of each element
    of a group, in order, rather than the rendered page."""

    def render(self, **kwargs) -> None:
        name = f"{self.get_name()}_add"
        adder = self._children.pop(name, None) or AddTo()
        if self.show and self._parent is not None:
            self.add_child(adder, name=name)
        ScriptElement.render(self, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- popups

def sources_html(scenario: Scenario, ids) -> str:
    items = []
    for sid in dict.fromkeys(ids):
        source = scenario.sources.get(sid)
        if source is None:
            continue
        where = source.file or source.url
        items.append(f"<li>{esc(source.title)} — {esc(source.publisher)}, {esc(source.date)}"
                     f"<br><span class='src-where'>{esc(where)}</span></li>")
    return f"<ul class='src'>{''.join(items)}</ul>" if items else ""


def _popup(scenario: Scenario, title: str, lines: list[str], source_ids) -> str:
    body = "".join(f"<div>{line}</div>" for line in lines if line)
    return (f"<div class='kzpop'><b>{esc(title)}</b>{body}"
            f"<div class='src-h'>Sources</div>{sources_html(scenario, source_ids)}</div>")


def _precision_note(place: Place) -> str:
    if place.geo_precision == 1:
        return ""
    if unlocated(place):
        return (f"<i>Position not known: somewhere in {esc(place.city or place.name)}; drawn "
                "on the city's centre</i>")
    words = {2: "approximate: near or part of an area", 3: "approximate: only the city or "
             "region is known"}[place.geo_precision]
    return f"<i>Location {esc(words)} (±{place.radius_m / 1000:.1f} km)</i>"


def _geometry(place: Place) -> dict:
    if place.geometry is not None:
        return place.geometry
    return {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}


def _feature(place: Place, *, tooltip: str, popup: str, style: dict, px: int = 0) -> dict:
    """A GeoJSON feature: precise places are points drawn in pixels, approximate ones areas,
    and a site known only by its city a dashed ring on the city (never an area that would put
    the whole city "inside" it)."""
    props = {"id": place.id, "tooltip": tooltip, "popup": popup, "style": style}
    if unlocated(place):
        props["px"] = max(px, 10)
        props["style"] = {**style, "dashArray": "4 4",
                          "fillOpacity": min(style.get("fillOpacity", 0.2), 0.25)}
        props["tooltip"] = (f"{tooltip} (somewhere in {esc(place.city or place.name)}: "
                            "position not known)")
        props["somewhere"] = place.city or place.name
    elif place.geometry is None and place.geo_precision > 1:
        props["r"] = place.radius_m  # metres: an area, never a pin
    else:
        props["px"] = px or 8
    return {"type": "Feature", "geometry": _geometry(place), "properties": props}


# --------------------------------------------------------------------------- Leaflet glue

class DayDraw(ScriptElement):
    """The page's drawing code, part of the base map, wired to ``static/kz/map.js``
    (loaded by the map, written into the offline export): ``__kzDraw`` draws one GeoJSON layer
    into a group, and ``__kzDays`` keeps the day layers it was sent and shows one day.

    ``__kzDraw``: points with ``r`` become circles of r metres (areas); points with ``px``
    circle markers of px pixels; lines and polygons are drawn as they are. With ``byRegion``,
    features carry a region id instead of an outline and the page takes the outline from the
    basemap it fetched once, so a step does not send the same shapes again.

    ``__kzDays``: each step shows its day (``show``), and may hand over the layers of the days
    next to it (``keep``). A click on the page's Previous or Next button, or the slider's
    label moving to another day (a drag or a key), then shows that day from what it keeps at
    once, before the server answers; when the server's step arrives
    for the day already shown, nothing is drawn again. The day shown is always the server's:
    its step carries the day's layers, and a step for another day redraws.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.__kzDraw = kz.draw;
        window.__kzDays = kz.dayKeeper({{ this._parent.get_name() }}, {{ this.message }});
        kz.hearSteps(window.__kzDays, {{ this.message }}.controls);
        {% endmacro %}
    """)

    def __init__(self, days: list[date], controls: StepControls | None = None, *,
                 limit: int = 32):
        super().__init__()
        self._name = "DayDraw"
        self.message = script_json(days_message(days, controls, limit))


# The version of the messages between the server and static/kz/map.js (its header documents
# them): a change of their shape changes it, and the page refuses a version it does not know.
PROTOCOL = 1


@dataclass(frozen=True)
class StepControls:
    """The page's controls that move the day, by the keys the UI layer gave them: the page
    hears them to show a kept day at once. Streamlit marks a keyed element ``st-key-KEY``."""

    next: str
    prev: str
    day: str  # a slider over the scenario's days: its range input's value is the day's index

    def selectors(self) -> dict[str, str]:
        return {"next": f".st-key-{_css_key(self.next)} button",
                "prev": f".st-key-{_css_key(self.prev)} button",
                "day": f".st-key-{_css_key(self.day)} input[type=range]"}


def days_message(days: list[date], controls: StepControls | None, limit: int) -> dict:
    """The page's ``days`` message: once per map."""
    return {"v": PROTOCOL, "days": [d.isoformat() for d in days], "limit": int(limit),
            "controls": controls.selectors() if controls else {}}


def _css_key(key: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


class GeoJsonLayer(ScriptElement):
    """One GeoJSON object in a FeatureGroup, drawn by the page's ``__kzDraw`` (DayDraw)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.__kzDraw({{ this._parent.get_name() }}, {{ this.data }}, {{ this.layer_json }},
                        {{ this.by_region|tojson }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict], layer: str = "", *, by_region: bool = False):
        super().__init__()
        self._name = "GeoJsonLayer"
        self.layer = layer
        self.layer_json = script_json(layer)
        self.by_region = by_region
        self.data = layer_data(features, by_region)


def layer_data(features: list[dict], by_region: bool = False) -> str:
    """A layer's features as a FeatureCollection in JSON that is safe inside a script."""
    if by_region:
        features = [_region_reference(f) if f["properties"].get("region") else f
                    for f in features]
    return script_json({"type": "FeatureCollection", "features": features})


def _region_reference(feature: dict) -> dict:
    """A region's feature without its outline, which the page takes from the basemap."""
    return {"type": "Feature", "geometry": None, "properties": feature["properties"]}


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
    """Fits the map to the scenario's view at once, without an animation that would swallow
    the viewer's first zoom or a place search arriving while it runs."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {animate: false});
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




def legend_html() -> str:
    """The legend, from the vocabulary: each status kind's values under its heading (airports
    with "No report"), the day's event categories, the restrictions drawn on the map."""
    def dot(colour: str, label: str, cls: str = "") -> str:
        return (f"<div><i class='{cls}' style='background:{colour};border-color:{colour}'></i>"
                f"{esc(label)}</div>")

    marks = {"dot": "", "sq": "sq", "ring": "ring"}
    rows: list[str] = []
    heading = None

    def head(text: str) -> None:
        nonlocal heading
        if text != heading:
            rows.append(f"<h4>{esc(text)}</h4>")
            heading = text

    for kind in STATUS_KINDS:
        if kind.key == "avoid":  # the day's events come before the zones
            head("The day")
            seen: dict[str, str] = {}
            for category in CATEGORIES:
                if category.legend and category.legend not in seen:
                    seen[category.legend] = category.colour
            rows.extend(dot(colour, label) for label, colour in seen.items())
        head(kind.heading)
        labels = dict.fromkeys(v.label for v in kind.values)  # one row per distinct label
        for label in labels:
            colour = next(v.colour for v in kind.values if v.label == label)
            rows.append(dot(colour, label[:1].upper() + label[1:], marks[kind.mark]))
        if kind.key == "airport":
            rows.append(dot(NO_REPORT_COLOUR, "No report"))
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


def base_map(scenario: Scenario, basemap_url: str | None, *, tiles: TileSource | None = None,
             height_px: int | None = None, controls: StepControls | None = None) -> folium.Map:
    """The map that never changes: same script for every day of the scenario."""
    m = OfflineMap(location=list(scenario.meta.center), zoom_start=scenario.meta.zoom,
                   tiles=None, control_scale=True, prefer_canvas=False,
                   min_zoom=3, max_zoom=17, zoom_snap=0.25)
    if scenario.meta.view is not None:
        m.add_child(FitView(scenario.meta.view))
    m.get_root().header.add_child(RawText(pagefiles.style("map.css")), name="kz_css")
    if basemap_url:
        m.add_child(StaticBasemap(basemap_url))
    if tiles is not None:
        # Above the basemap pane (250), below the day's layers (overlayPane, 400).
        folium.map.CustomPane("tiles", z_index=300, pointer_events=False).add_to(m)
        folium.TileLayer(tiles.url, name="Online tiles", attr=tiles.attribution, opacity=0.9,
                         pane="tiles", max_zoom=19).add_to(m)
    m.add_child(DayDraw(scenario.days, controls))
    m.add_child(CityLabels([(place.name, place.lat, place.lon)
                            for place in scenario.places.values() if place.kind in CITY_KINDS]))
    m.add_child(Legend(legend_html()))
    return m


def basemap_geojson(scenario: Scenario) -> dict:
    """The vector basemap as one FeatureCollection: neighbours, the country, its regions."""
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
    for feature in scenario.regions.get("features", []):
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"layer": "region", "id": feature["properties"]["id"],
                                        "name": feature["properties"]["name"]}})
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- day layers

def _status_line(status: Status) -> str:
    until = f" until {status.valid_to:%d %b}" if status.valid_to else ""
    return (f"<span>Status: <b>{esc(status_label(status))}</b> since "
            f"{status.valid_from:%d %b}{until}</span><br>{esc(status.detail)}")


def _emergency_features(state: DayState, scenario: Scenario) -> list[dict]:
    """The restrictions the vocabulary draws on the map (`on_map`: the state of emergency and
    the curfew), over the regions, and the cities, they apply to."""
    rows = [r for r in state.restrictions
            if r.kind in RESTRICTION_KIND and RESTRICTION_KIND[r.kind].on_map]
    if not rows:
        return []
    features = []
    for region in scenario.regions.get("features", []):
        rid = region["properties"]["id"]
        applying = [r for r in rows if rid in r.area or scenario.meta.country in r.area]
        if not applying:
            continue
        soe = [r for r in applying if r.kind == "state_of_emergency"]
        name = region["properties"]["name"]
        bits = list(dict.fromkeys(
            f"{RESTRICTION_LABELS[r.kind].lower()} {r.hours} local time" if r.hours
            else RESTRICTION_LABELS[r.kind] for r in applying))
        bits = [bits[0][:1].upper() + bits[0][1:], *bits[1:]]
        tooltip = f"{esc(name)}: {esc(', '.join(bits[:2]))}"
        lines = [f"{esc(RESTRICTION_LABELS[r.kind])}: {esc(r.detail)}" for r in applying]
        popup = _popup(scenario, name, lines, [s for r in applying for s in r.sources])
        features.append({"type": "Feature", "geometry": region["geometry"], "properties": {
            "id": rid, "region": rid, "tooltip": tooltip, "popup": popup,
            "style": {"color": "#d94801", "weight": 1, "fillColor": SOE_COLOUR,
                      "fillOpacity": 0.28 if soe else 0.12}}})
    # A city's own state of emergency or curfew: its extent, outlined over the region.
    by_place: dict[str, list] = {}
    for r in rows:
        for area in r.area:
            place = scenario.places.get(area)
            if place is not None and place.kind != "country":
                by_place.setdefault(area, []).append(r)
    for pid, applying in by_place.items():
        place = scenario.places[pid]
        words = [f"curfew {r.hours} local time" if r.kind == "curfew" and r.hours
                 else RESTRICTION_LABELS[r.kind] for r in applying]
        lines = [f"{esc(RESTRICTION_LABELS[r.kind])}"
                 f"{' ' + esc(r.hours) if r.hours else ''}: {esc(r.detail)}" for r in applying]
        popup = _popup(scenario, place.name, lines, [s for r in applying for s in r.sources])
        features.append(_feature(place, tooltip=f"{esc(place.name)}: {esc(', '.join(words))}",
                                 popup=popup, px=14, style={
                                     "color": "#d94801", "weight": 2, "dashArray": "6 3",
                                     "fillColor": SOE_COLOUR, "fillOpacity": 0.2}))
    return features


def _zone_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    for ps, status in state.with_status("avoid"):
        place = ps.place
        words = "Closed to the public" if status.status == "closed_to_public" else "Avoid-zone"
        tooltip = f"{esc(words)}: {esc(place.name)}"
        popup = _popup(scenario, place.name,
                       [_status_line(status), esc(place.detail), _precision_note(place)],
                       list(status.sources) + list(place.sources))
        features.append(_feature(place, tooltip=tooltip, popup=popup, px=10, style={
            "color": AVOID_COLOUR, "weight": 2, "dashArray": "5 4", "fillColor": AVOID_COLOUR,
            "fillOpacity": 0.18}))
    return features


POPUP_EVENTS = 10  # events listed in one place's popup; the rest are counted


def _unrest_features(state: DayState, scenario: Scenario) -> list[dict]:
    by_place: dict[str, list] = {}
    for event in state.events:
        place = scenario.places.get(event.place_id)
        if event.category in UNREST_CATEGORIES and place is not None and place.kind != "country":
            by_place.setdefault(place.id, []).append(event)
    features = []
    for place_id, events in by_place.items():
        place = scenario.places[place_id]
        colour = EVENT_COLOURS.get(events[0].category, "#e67e22")
        cats = ", ".join(dict.fromkeys(e.category.replace("_", " ") for e in events))
        tooltip = f"{esc(place.name)}: {esc(cats)}"
        shown = events[:POPUP_EVENTS]
        lines = [f"<b>{esc(e.category.replace('_', ' ').capitalize())}</b>"
                 f"{' at ' + esc(e.time) if e.time else ''}: {esc(e.summary)}" for e in shown]
        if len(events) > len(shown):
            lines.append(f"<i>and {len(events) - len(shown):,} more event(s) here this day: "
                         "the day's list and the downloads hold them all</i>")
        lines.append(_precision_note(place))
        popup = _popup(scenario, place.name, lines, [s for e in shown for s in e.sources])
        features.append(_feature(place, tooltip=tooltip, popup=popup, px=9, style={
            "color": "#ffffff" if place.geo_precision == 1 else colour, "weight": 2,
            "fillColor": colour, "fillOpacity": 0.9 if place.geo_precision == 1 else 0.22}))
    return features


def _control_features(state: DayState, scenario: Scenario) -> list[dict]:
    """Sites and cities coloured by who held them this day."""
    features = []
    order = [v.key for v in STATUS_KIND["control"].values]  # gravest first
    for ps, status in sorted(state.with_status("control"),
                             key=lambda pair: order.index(pair[1].status)):
        place = ps.place
        colour = CONTROL_COLOURS.get(status.status, "#8c8c8c")
        disputes = [f"<i>{esc(dispute_text(d, state.day))}</i>"
                    for d in scenario.disputes.get(status.id, ())]
        popup = _popup(scenario, place.name,
                       [_status_line(status), *disputes, esc(place.detail),
                        _precision_note(place)],
                       list(status.sources) + list(place.sources))
        feature = _feature(place, tooltip=f"{esc(place.name)}: {esc(status_label(status))}",
                           popup=popup, px=10, style={
                               "color": colour, "weight": 3, "fillColor": colour,
                               "fillOpacity": 0.25 if place.geo_precision > 1 else 0.9})
        feature["properties"]["status"] = status.status
        features.append(feature)
    return features


def _airport_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    flights_by_airport: dict[str, list[str]] = {}
    for flight in state.flights:
        flights_by_airport.setdefault(flight.airport, []).append(flight.destination)
        if flight.destination_place:
            flights_by_airport.setdefault(flight.destination_place, []).append(
                f"from {scenario.places[flight.airport].name}")
    for ps in state.places:
        if ps.place.kind != "airport":
            continue
        status = ps.status_of("airport")
        value = status.status if status else None
        colour = AIRPORT_COLOURS.get(value, AIRPORT_COLOURS[None])
        label = value or "no report"
        tooltip = f"{esc(ps.place.name)}: {esc(label)}"
        lines = [_status_line(status) if status else "<span>No report for this day</span>"]
        if ps.place.id in flights_by_airport:
            lines.append("Flights: " + esc(", ".join(flights_by_airport[ps.place.id])))
        guard = ps.status_of("guard")
        if guard:
            lines.append(f"Guarded: {esc(guard.detail)}")
        popup = _popup(scenario, ps.place.name, lines,
                       list(ps.place.sources) + [s for st in ps.statuses for s in st.sources])
        feature = _feature(ps.place, tooltip=tooltip, popup=popup, px=9, style={
            "color": "#ffffff", "weight": 2, "fillColor": colour, "fillOpacity": 1})
        feature["properties"]["status"] = label
        features.append(feature)
    return features


def _checkpoint_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    for ps, status in state.with_status("checkpoint"):
        place = ps.place
        popup = _popup(scenario, place.name, [_status_line(status), esc(place.detail),
                                              _precision_note(place)],
                       list(status.sources) + list(place.sources))
        features.append(_feature(place, tooltip=f"{esc(place.name)} (positions not public)",
                                 popup=popup, px=12, style={
                                     "color": CHECKPOINT_COLOUR, "weight": 4,
                                     "dashArray": "2 8", "fill": False}))
    return features


def _guarded_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    for ps in state.places:
        guard = ps.status_of("guard")
        if guard is None and ps.place.kind != "strategic_site":
            continue
        place = ps.place
        lines = [_status_line(guard) if guard else "<span>No guard reported this day</span>",
                 esc(place.detail), _precision_note(place)]
        popup = _popup(scenario, place.name, lines,
                       list(place.sources) + (list(guard.sources) if guard else []))
        words = "guarded" if guard else "not reported guarded"
        features.append(_feature(place, tooltip=f"{esc(place.name)}: {words}", popup=popup,
                                 px=15, style={
                                     "color": GUARD_COLOUR if guard else "#8c8c8c",
                                     "weight": 3, "fill": place.approximate,
                                     "fillColor": GUARD_COLOUR, "fillOpacity": 0.12}))
    return features


@dataclass(frozen=True)
class Layer:
    """A map layer, one entry each: read by the map (drawing order: areas first, points on
    top), the sidebar's toggles, the link's `layers`, the exports and the page's day keeper."""

    key: str
    label: str
    build: Callable[[DayState, Scenario], list[dict]]
    by_region: bool = False  # features are whole regions, whose outlines the basemap holds


LAYERS: tuple[Layer, ...] = (
    Layer("emergency", "State of emergency & curfew", _emergency_features, by_region=True),
    Layer("zones", "Avoid-zones", _zone_features),
    Layer("unrest", "Protests & clashes of the day", _unrest_features),
    Layer("control", "Who held sites & cities", _control_features),
    Layer("airports", "Airports", _airport_features),
    Layer("checkpoints", "Checkpoints", _checkpoint_features),
    Layer("guarded", "Guarded sites & CSTO", _guarded_features),
)
LAYER = {layer.key: layer for layer in LAYERS}
LAYER_KEYS = tuple(layer.key for layer in LAYERS)


def layer_features(state: DayState, scenario: Scenario, key: str) -> list[dict]:
    return merge_rings(LAYER[key].build(state, scenario))


def merge_rings(features: list[dict]) -> list[dict]:
    """Sites known only by their city all sit on its point: one ring there, not a stack of
    rings of which only the top one could be pointed at. Its tooltip and popup hold each site
    in the order built (a layer puts its gravest first); `ids` names them all."""
    merged: list[dict] = []
    rings: dict[tuple, dict] = {}
    for feature in features:
        props = feature["properties"]
        if props.get("somewhere") and feature["geometry"]["type"] == "Point":
            key = tuple(feature["geometry"]["coordinates"])
            first = rings.get(key)
            if first is not None:
                head = first["properties"]
                head["ids"].append(props["id"])
                head["tooltip"] += f"<br>{props['tooltip']}"
                head["popup"] += props["popup"]
                continue
            feature = {**feature, "properties": {**props, "ids": [props["id"]]}}
            rings[key] = feature
        merged.append(feature)
    return merged


def day_layers(state: DayState, scenario: Scenario,
               keys: tuple[str, ...] | None = None) -> list[folium.FeatureGroup]:
    """One FeatureGroup per chosen layer (all by default), in drawing order (areas first,
    points on top)."""
    keys = LAYER_KEYS if keys is None else keys
    groups = []
    for spec in LAYERS:
        if spec.key not in keys:
            continue
        group = Group(name=spec.label)
        group.add_child(GeoJsonLayer(layer_features(state, scenario, spec.key), spec.key,
                                     by_region=spec.by_region))
        groups.append(group)
    return groups


class ForgetGroups(ScriptElement):
    """Empties the list in which streamlit-folium keeps the groups it added to the map.

    It removes the previous step's groups from the map but never empties that list, so every
    step would keep its groups, and their features, alive in the page. Placed in the first
    group of a step, this runs after the removal and before the step's groups are listed.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.feature_group = [];
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ForgetGroups"


def map_content(groups: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """The step's groups, in order, inside one group that first makes the page forget the
    previous step's: streamlit-folium then handles a single group per step."""
    if not groups:
        return []
    step = Group(name="Step", control=False)
    step.add_child(ForgetGroups())
    for group in groups:
        step.add_child(group)
    return [step]


def day_key(day: date, keys: tuple[str, ...], version: str = "") -> str:
    """What the page keeps a day's layers under: the day, the layers shown and the version of
    the data (a reloaded scenario's days are drawn again, never taken from the page)."""
    return f"{day.isoformat()}|{','.join(keys)}|{version}"


def day_payload(state: DayState, scenario: Scenario, keys: tuple[str, ...]) -> list[tuple]:
    """The day's chosen layers in drawing order, as (layer, FeatureCollection JSON, by region)."""
    return [(spec.key, layer_data(layer_features(state, scenario, spec.key), spec.by_region),
             spec.by_region)
            for spec in LAYERS if spec.key in keys]


def neighbours(days: list[date], day: date) -> list[date]:
    """The days a Previous or Next click can reach from ``day``."""
    i = days.index(day)
    return [days[j] for j in (i + 1, i - 1) if 0 <= j < len(days)]


class DayLayers(ScriptElement):
    """A step's day layers: handed to the page's ``__kzDays`` (DayDraw) rather than drawn
    into the step's group, so that a day already on the map is not drawn again. ``kept`` are
    the layers of other days, kept by the page for a Previous or Next click."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.dayStep(window.__kzDays, {{ this.message }});
        {% endmacro %}
    """)

    def __init__(self, key: str, layers: list[tuple], kept: list[tuple[str, list[tuple]]] = ()):
        super().__init__()
        self._name = "DayLayers"
        self.message = step_message(key, layers, kept)


def step_message(key: str, layers: list[tuple], kept: list[tuple[str, list[tuple]]] = ()
                 ) -> str:
    """The page's ``step`` message as script text: the day shown and the days to keep (the
    collections are JSON made safe for a script already, so they are joined, not re-encoded)."""
    kept_js = "[" + ", ".join(f"[{script_json(k)}, {_layers_js(v)}]" for k, v in kept) + "]"
    return (f'{{"v": {PROTOCOL}, "key": {script_json(key)}, "layers": {_layers_js(layers)}, '
            f'"kept": {kept_js}}}')


def _layers_js(layers: list[tuple]) -> str:
    """[[layer, FeatureCollection, byRegion], ...] as script text (each collection is JSON
    already made safe for a script by layer_data)."""
    return "[" + ",".join(f"[{script_json(k)},{data},{'true' if by else 'false'}]"
                          for k, data, by in layers) + "]"


def day_group(state: DayState, scenario: Scenario, keys: tuple[str, ...],
              kept: list[tuple[str, list[tuple]]] = (), version: str = ""
              ) -> folium.FeatureGroup:
    """The step's group for the day's layers (see DayLayers)."""
    group = Group(name="Day", control=False)
    group.add_child(DayLayers(day_key(state.day, keys, version),
                              day_payload(state, scenario, keys), kept))
    return group


# --------------------------------------------------------------------------- traveller

TRAVELLER_COLOUR = "#0b6e99"
TRAVELLER_LINES = 5


class MoveOnce(ScriptElement):
    """Moves the map the first time a key is shown, never again after: the viewer's own pan
    and zoom win on every later step. ``slot`` is the page's record of the last key moved to;
    ``move`` the script that moves ``map``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.moveOnce({{ this._parent.get_name() }}, {{ this.slot_json }}, {{ this.key_json }},
                    {{ this.move_json }}, {{ this.args_json }});
        {% endmacro %}
    """)

    def __init__(self, name: str, slot: str, key: str, move: str, args: list):
        super().__init__()
        self._name = name
        self.slot_json = script_json(slot)
        self.key_json = script_json(key)
        self.move_json = script_json(move)
        self.args_json = script_json(args)


class FocusOnce(MoveOnce):
    """Centres the map on a place the first time that place is shown."""

    def __init__(self, key: str, lat: float, lon: float, zoom: int = 11):
        self.lat, self.lon, self.zoom = float(lat), float(lon), int(zoom)
        super().__init__("FocusOnce", "__kzFocus", key, "focus",
                         [self.lat, self.lon, self.zoom])


class FitOnce(MoveOnce):
    """Frames bounds the first time a key is shown (a camera preset chosen)."""

    def __init__(self, key: str, bounds):
        south, west, north, east = (float(b) for b in bounds)
        self.bounds = [[south, west], [north, east]]
        super().__init__("FitOnce", "__kzCamera", key, "fit", self.bounds)


class MapClass(ScriptElement):
    """Puts a CSS class on the map's container, or takes it off: a mode of the whole map
    (presentation, picking) that static/kz/map.css styles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.mapClass({{ this._parent.get_name() }}, {{ this.css_class|tojson }},
                    {{ this.on|tojson }});
        {% endmacro %}
    """)

    def __init__(self, css_class: str, on: bool):
        super().__init__()
        self._name = "MapClass"
        self.css_class = css_class
        self.on = bool(on)


def view_layer(camera_key: str | None, bounds, pick: bool, present: bool
               ) -> folium.FeatureGroup:
    """What the step says about the view rather than the day: the camera, whether a click
    picks a place, and the presentation style."""
    group = Group(name="View", control=False)
    if camera_key and bounds is not None:
        group.add_child(FitOnce(camera_key, bounds))
    group.add_child(ClickMode(pick))
    # Picking: every click reaches the map itself, none opens a feature's popup.
    group.add_child(MapClass("kz-picking", pick))
    # Presentation: a larger legend and labels, for a room.
    group.add_child(MapClass("kz-present", present))
    return group


def traveller_features(rep) -> list[dict]:
    """The traveller's place as a point and lines to the nearest active dangers."""
    place = rep.place
    here = [round(place.lon, 6), round(place.lat, 6)]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": here},
                 "properties": {"id": "traveller-place", "px": 9,
                                "tooltip": f"Chosen place: {esc(place.name)}",
                                "popup": (f"<div class='kzpop'><b>{esc(place.name)}</b>"
                                          f"<div>{esc(rep.verdict)}</div></div>"),
                                "style": {"color": "#ffffff", "weight": 3,
                                          "fillColor": TRAVELLER_COLOUR, "fillOpacity": 1}}}]
    for danger in rep.dangers[:TRAVELLER_LINES]:
        words = ("inside its area" if danger.inside else
                 f"{danger.distance_km:.1f} km {danger.direction}")
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            here, [round(danger.lon, 6), round(danger.lat, 6)]]},
            "properties": {"id": f"line-{danger.id}", "tooltip":
                           f"{esc(danger.name)}: {esc(danger.kind)}, {esc(words)}",
                           "style": {"color": TRAVELLER_COLOUR, "weight": 2,
                                     "dashArray": "6 4", "opacity": 0.9}}})
    return features


def traveller_layer(rep) -> folium.FeatureGroup:
    group = Group(name="Traveller")
    group.add_child(GeoJsonLayer(traveller_features(rep), "traveller"))
    group.add_child(FocusOnce(rep.place.key, rep.place.lat, rep.place.lon))
    return group


class ClickMode(ScriptElement):
    """Whether a click on the map is sent back to the app (to choose a traveller's place).

    streamlit-folium reads the objects it returns from the frame's ``__GLOBAL_DATA__``, fixed
    when the map first mounts; switching it here, with the day's content, turns picking on and
    off without remounting the map (so the viewer's zoom stays). Off, a click only opens popups.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        kz.clickMode({{ this.returned|tojson }});
        {% endmacro %}
    """)

    def __init__(self, pick: bool):
        super().__init__()
        self._name = "ClickMode"
        self.returned = ["last_clicked"] if pick else []

