"""Pure folium: a base map that never changes, and one layer per kind built from a DayState.
One module a job: ``elements`` (plumbing), ``features`` (one place drawn), ``layers`` (the
day's layers: add a layer there), ``steps`` (the messages to the page), ``basemap`` (what
never changes), ``views`` (camera, modes, traveller, route).

The base map carries only what is the same on every day (the vector basemap is fetched by the
browser from a static file, city labels, the legend, the page's drawing code), so its script,
and so the map frame, stays identical while the slider moves. A day's layers are GeoJSON
objects drawn by Leaflet alone (no CDN, no icon fonts, no jQuery): in the app, handed to the
page's day keeper with the days next to it (``day_group``, ``DayDraw``); in an export, one
FeatureGroup per layer (``day_layers``). Every text from the data is HTML-escaped before it
reaches the page.
"""

from .basemap import (
    ASSET_ROOT,
    CITY_KINDS,
    OfflineLayer,
    OfflineMap,
    TileSource,
    base_map,
    basemap_geojson,
    legend_html,
)
from .elements import (
    GeoJsonLayer,
    Group,
    RawText,
    ScriptElement,
    day_label,
    esc,
    layer_data,
    script_json,
)
from .features import (
    AIRPORT_COLOURS,
    AVOID_COLOUR,
    CHECKPOINT_COLOUR,
    CONTROL_COLOURS,
    EVENT_COLOURS,
    GUARD_COLOUR,
    sources_html,
)
from .layers import LAYER, LAYER_KEYS, LAYERS, POPUP_EVENTS, Layer, day_layers, layer_features
from .steps import (
    PROTOCOL,
    DayDraw,
    DayLayers,
    ForgetGroups,
    StepControls,
    day_group,
    day_key,
    day_payload,
    days_message,
    map_content,
    neighbours,
    step_message,
)
from .views import FitOnce, FocusOnce, route_features, route_layer, traveller_layer, view_layer

__all__ = [
    "AIRPORT_COLOURS", "ASSET_ROOT", "AVOID_COLOUR", "CHECKPOINT_COLOUR", "CITY_KINDS",
    "CONTROL_COLOURS", "EVENT_COLOURS", "GUARD_COLOUR", "LAYER", "LAYERS", "LAYER_KEYS",
    "POPUP_EVENTS", "PROTOCOL", "DayDraw", "DayLayers", "FitOnce", "FocusOnce", "ForgetGroups",
    "GeoJsonLayer", "Group", "Layer", "OfflineLayer", "OfflineMap", "RawText", "ScriptElement",
    "StepControls", "TileSource", "base_map", "basemap_geojson", "day_group", "day_key",
    "day_label", "day_layers", "day_payload", "days_message", "esc", "layer_data",
    "layer_features", "legend_html", "map_content", "neighbours", "route_features",
    "route_layer", "script_json", "sources_html", "step_message", "traveller_layer",
    "view_layer",
]
