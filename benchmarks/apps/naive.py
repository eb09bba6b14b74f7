"""A naive baseline: the whole folium map rebuilt on every step, one CircleMarker per feature.

Run: ``streamlit run benchmarks/apps/naive.py``. Same day selector as the floor; the map is
passed to st_folium without ``feature_group_to_add``, so every step sends a new map and the
frame reloads it. Tooltips only: a folium Popup needs jQuery, which OfflineMap leaves out.
Offline like the dashboard: Leaflet is served by the app, no tiles. Streamlit serves
/app/static/ from the folder ``static`` next to the running script, so Leaflet is copied into
benchmarks/apps/static/vendor/ (git-ignored) when the app starts, and the map's own files
(dashboard/static/kz/) into benchmarks/apps/static/kz/.
"""

import shutil
import sys
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script by Streamlit: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from branca.element import MacroElement  # noqa: E402
from jinja2 import Template  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from dashboard.assets import ensure_leaflet  # noqa: E402
from dashboard.mapview import OfflineMap, esc  # noqa: E402
from dashboard.pagefiles import KZ_DIR  # noqa: E402
from dashboard.scenario import Scenario, load_scenario  # noqa: E402
from dashboard.timeline import as_of  # noqa: E402
from dashboard.ui import day_selector  # noqa: E402


class DrawnTag(MacroElement):
    """Runs after every marker was added: records the day and the next animation frame's time
    in ``window.__kzDrawn``, so the benchmark can tell which day the frame shows and when."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        requestAnimationFrame(function () {
          window.__kzDrawn = {day: {{ this.day|tojson }}, count: {{ this.count }},
                              t: performance.timeOrigin + performance.now()};
        });
        {% endmacro %}
    """)

    def __init__(self, day: date, count: int):
        super().__init__()
        self._name = "DrawnTag"
        self.day = day.isoformat()
        self.count = count


STATIC = Path(__file__).resolve().parent / "static"


@st.cache_resource
def _scenario() -> Scenario:
    ensure_leaflet(STATIC / "vendor")
    # The map's own page files, which OfflineMap links beside Leaflet (/app/static/kz/).
    shutil.copytree(KZ_DIR, STATIC / "kz", dirs_exist_ok=True)
    return load_scenario()


def naive_map(scenario: Scenario, day: date) -> folium.Map:
    state = as_of(scenario, day)
    m = OfflineMap(location=list(scenario.meta.center), zoom_start=scenario.meta.zoom,
                   tiles=None)
    count = 0
    for ps in state.places:
        place = ps.place
        status = ps.primary.status if ps.primary else "no report"
        folium.CircleMarker([place.lat, place.lon], radius=6, color="#2c7fb8",
                            tooltip=esc(f"{place.name}: {status}")).add_to(m)
        count += 1
    for event in state.events:
        place = scenario.places[event.place_id]
        folium.CircleMarker([place.lat, place.lon], radius=9, color="#c0392b",
                            tooltip=esc(f"{place.name}: {event.summary}")).add_to(m)
        count += 1
    m.add_child(DrawnTag(day, count))
    return m


scenario = _scenario()
# The dashboard's own day controls (slider, Previous / Next, ?day=): only the map differs.
day = day_selector(scenario)
st_folium(naive_map(scenario, day), height=620,
          use_container_width=True, returned_objects=[])
