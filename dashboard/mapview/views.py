"""What a step sets besides the day: camera moves, the map's modes (presentation, picking a
place), the traveller's place and lines, the route from A to B.
"""

from __future__ import annotations

import folium
from jinja2 import Template

from .elements import GeoJsonLayer, Group, ScriptElement, esc, script_json

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


# --------------------------------------------------------------------------- route

ROUTE_COLOUR = "#5e3c99"
ROUTE_MARKS = {"crossed": ("#b2182b", "enters this danger's area {along:.1f} km along"),
               "near": ("#e08214", "{distance:.1f} km from the line, {along:.1f} km along")}


def route_features(collection: dict) -> list[dict]:
    """The route from A to B (``route.route_geojson``) as the page draws it: the straight line
    (dashed, its tooltip saying it is not a road route), its two ends, and a mark where it
    meets each danger."""
    features = []
    for feature in collection["features"]:
        props, kind = feature["properties"], feature["properties"]["kind"]
        if kind == "route":
            style = {"color": ROUTE_COLOUR, "weight": 4, "dashArray": "10 6", "opacity": 0.9}
            tip = (f"{esc(props['name'])}: {props['distance_km']:,.0f} km. "
                   f"{esc(props['note'])}")
            extra = {}
        elif kind in ("start", "end"):
            style = {"color": "#ffffff", "weight": 3, "fillColor": ROUTE_COLOUR,
                     "fillOpacity": 1}
            tip = f"{'From' if kind == 'start' else 'To'}: {esc(props['name'])}"
            extra = {"px": 8}
        else:
            colour, words = ROUTE_MARKS[kind]
            style = {"color": "#ffffff", "weight": 2, "fillColor": colour, "fillOpacity": 1}
            tip = f"{esc(props['name'])}: " + esc(words.format(
                distance=props["distance_km"], along=props["along_km"]))
            extra = {"px": 6}
        features.append({**feature, "properties": {
            "id": f"route-{kind}-{props.get('id') or props.get('name')}", "tooltip": tip,
            "style": style, **extra}})
    return features


def route_bounds(collection: dict) -> tuple[float, float, float, float] | None:
    """South, west, north, east of the route's located points, or None."""
    points = [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
              for f in collection["features"] if f["geometry"]["type"] == "Point"]
    if len(points) < 2:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons), max(lats), max(lons))


def route_layer(collection: dict, key: str) -> folium.FeatureGroup:
    """The route on the map, framed the first time this route (``key``) is shown."""
    group = Group(name="Route")
    group.add_child(GeoJsonLayer(route_features(collection), "route"))
    bounds = route_bounds(collection)
    if bounds is not None:
        group.add_child(FitOnce(f"route:{key}", bounds))
    return group
