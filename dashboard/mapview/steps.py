"""The day step between the server and the page (static/kz/map.js): the versioned ``days``
and ``step`` messages, the controls the page hears, the days it keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import folium
from jinja2 import Template

from ..scenario import Scenario
from ..timeline import (
    DayMemo,
    DayState,
)
from .elements import Group, ScriptElement, layer_data, script_json
from .layers import LAYERS, layer_features


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


# A day's layers as the page is sent them, kept for every viewer of the same day state (as_of
# gives each day's one state): a step, and its neighbours' layers, cost a lookup after the first
# viewer. Bounded by count; a day whose layers are larger than PAYLOAD_KEEP_BYTES (the peak day
# of a very large import) is built each time rather than held.
_PAYLOADS = DayMemo(limit=48)
PAYLOAD_KEEP_BYTES = 16 * 1024 * 1024


def day_payload(state: DayState, scenario: Scenario, keys: tuple[str, ...]) -> list[tuple]:
    """The day's chosen layers in drawing order, as (layer, FeatureCollection JSON, by region)."""
    def build() -> list[tuple]:
        return [(spec.key, layer_data(layer_features(state, scenario, spec.key), spec.by_region),
                 spec.by_region)
                for spec in LAYERS if spec.key in keys]

    return _PAYLOADS.get((scenario, state), (tuple(keys),), build,
                         keep=lambda layers: sum(len(p[1]) for p in layers) <= PAYLOAD_KEEP_BYTES)


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
