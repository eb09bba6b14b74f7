"""Map building: which features each layer draws on a day, their colours, escaping, no CDN."""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import re
from datetime import date

import pytest

from dashboard.mapview import (
    AIRPORT_COLOURS,
    LAYER_KEYS,
    POPUP_EVENTS,
    PROTOCOL,
    FitOnce,
    FocusOnce,
    ForgetGroups,
    GeoJsonLayer,
    Group,
    StepControls,
    base_map,
    basemap_geojson,
    day_group,
    day_key,
    day_layers,
    day_payload,
    days_message,
    layer_features,
    map_content,
    neighbours,
)
from dashboard.mapview.features import source_refs_html, source_table
from dashboard.scenario import Event
from dashboard.timeline import as_of

D = lambda d: date(2022, 1, d)  # noqa: E731
BASEMAP = "../../app/static/vendor/basemap-test.geojson"


def by_id(features):
    return {f["properties"]["id"]: f for f in features}


def render(element) -> str:
    return element.get_root().render()


def on_map(scenario, group) -> str:
    """The page of the base map with ``group`` on it."""
    m = base_map(scenario, BASEMAP)
    group.add_to(m)
    return render(m)


def test_base_map_is_the_same_for_every_day_and_fully_local(scenario):
    first = render(base_map(scenario, BASEMAP))
    second = render(base_map(scenario, BASEMAP))
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731
    assert strip(first) == strip(second)
    assert "../../app/static/vendor/leaflet/leaflet.js" in first
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs.", "code.jquery", "bootstrapcdn",
                "fontawesome", "awesome-markers"):
        assert cdn not in first, cdn
    # No day content in the base map.
    assert "airport-ala" not in first


@pytest.mark.parametrize("day, airport, status", [
    (5, "airport-ala", "seized"),
    (6, "airport-nqz", "closed"),
    (7, "airport-nqz", "limited"),
    (2, "airport-ala", "open"),
    (2, "airport-guw", None),
])
def test_airport_colour_follows_the_day(scenario, day, airport, status):
    feature = by_id(layer_features(as_of(scenario, D(day)), scenario, "airports"))[airport]
    assert feature["properties"]["style"]["fillColor"] == AIRPORT_COLOURS[status]
    assert feature["properties"]["status"] == (status or "no report")
    assert feature["geometry"]["type"] == "Point"
    assert "px" in feature["properties"]  # exact place: a point, not an area


def test_approximate_places_are_areas_not_pins(scenario):
    zones = by_id(layer_features(as_of(scenario, D(8)), scenario, "zones"))
    assert zones["astana-square-almaty"]["properties"]["r"] == 250
    # A square with a polygon of its extent is drawn as the polygon, not a circle.
    assert zones["republic-square-almaty"]["geometry"]["type"] == "Polygon"
    assert "r" not in zones["republic-square-almaty"]["properties"]
    assert zones["almaty-akimat"]["properties"]["px"]  # geo_precision 1: a point
    # Known only by its city: a dashed ring on the city, never the city's whole area.
    monument = zones["kenesary-khan-monument"]["properties"]
    assert "r" not in monument and monument["px"] >= 10
    assert monument["style"]["dashArray"]
    assert "somewhere in Nur-Sultan: position not known" in monument["tooltip"]
    assert "Position not known: somewhere in Nur-Sultan" in monument["popup"]


def test_avoid_zones_appear_on_7_january(scenario):
    assert layer_features(as_of(scenario, D(6)), scenario, "zones") == []
    features = layer_features(as_of(scenario, D(7)), scenario, "zones")
    # Sites known only by their city share one ring there, which names them all.
    zones = {i for f in features for i in f["properties"].get("ids", [f["properties"]["id"]])}
    assert {"almaty-arena", "astana-square-almaty", "republic-square-almaty",
            "nazarbayev-avenue-almaty", "abay-avenue-almaty", "zheltoksan-street-almaty",
            "timiryazev-street-almaty", "kenesary-khan-monument", "arbat-shymkent"} <= set(zones)


def test_state_of_emergency_shading(scenario):
    assert layer_features(as_of(scenario, D(4)), scenario, "emergency") == []
    regions = by_id(layer_features(as_of(scenario, D(5)), scenario, "emergency"))
    assert {"KZ-ALA", "KZ-MAN"} <= set(regions)
    assert "23:00-07:00" in regions["KZ-MAN"]["properties"]["tooltip"]


def test_checkpoint_ring_from_8_january(scenario):
    def almaty(day):
        return [f for f in layer_features(as_of(scenario, D(day)), scenario, "checkpoints")
                if f["properties"]["id"] == "almaty-checkpoints"]

    assert almaty(7) == []
    ring = almaty(9)[0]
    assert ring["properties"]["style"]["fill"] is False
    assert ring["properties"]["r"] == 20000


def test_baikonur_guarded_from_6_january(scenario):
    before = by_id(layer_features(as_of(scenario, D(5)), scenario, "guarded"))
    after = by_id(layer_features(as_of(scenario, D(6)), scenario, "guarded"))
    assert "not reported guarded" in before["baikonur-cosmodrome"]["properties"]["tooltip"]
    assert after["baikonur-cosmodrome"]["properties"]["tooltip"].endswith("guarded")


def test_unrest_layer_draws_the_days_events_with_sources(scenario):
    unrest = by_id(layer_features(as_of(scenario, D(5)), scenario, "unrest"))
    assert {"almaty-akimat", "airport-ala", "almaty-presidential-residence"} <= set(unrest)
    popup = unrest["almaty-akimat"]["properties"]["popup"]
    # The sources by reference: ids the page fills from the map's table of sources.
    cited = json.loads(html.unescape(re.search(r"data-kz-src='([^']*)'", popup).group(1)))
    assert "tass-1384061" in cited and "Sources" in popup
    assert "TASS" in source_table(scenario)["tass-1384061"]
    assert "kazakhstan" not in unrest  # national events stay in the panel


def test_the_map_holds_the_sources_once_and_popups_cite_them_by_id(scenario):
    """A step's popups carry source ids only; the table goes with the basemap file."""
    state = as_of(scenario, D(6))
    payload = "".join(data for _, data, _ in day_payload(state, scenario, LAYER_KEYS))
    assert "src-where" not in payload and "data-kz-src" in payload
    # The table travels with the basemap file, fetched once, not in the map's script, which
    # every step sends again.
    assert basemap_geojson(scenario)["sources"] == source_table(scenario)
    script = base_map(scenario, "basemap.json").get_root().render()
    assert "<span class='src-where'>" not in script and "kz.sources(" not in script
    assert source_refs_html(scenario, ["nope"]) == ""
    hostile = source_refs_html(scenario, ["gg-jan07", "gg-jan07"])
    assert hostile == "<ul class='src' data-kz-src='[&quot;gg-jan07&quot;]'></ul>"


def test_day_layers_respect_the_choice(scenario):
    groups = day_layers(as_of(scenario, D(7)), scenario, ("airports", "zones"))
    assert [g.layer_name for g in groups] == ["Avoid-zones", "Airports"]
    assert len(day_layers(as_of(scenario, D(7)), scenario)) == len(LAYER_KEYS)


def test_basemap_holds_neighbours_and_regions(scenario):
    layers = [f["properties"]["layer"] for f in basemap_geojson(scenario)["features"]]
    assert layers.count("region") == 16 and "home" in layers and "sea" in layers


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_text_from_data_is_escaped_everywhere(mini):
    mini.set("places.csv", 2, name=HOSTILE, detail=HOSTILE)
    mini.set("statuses.csv", 1, detail=HOSTILE)
    mini.set("sources.csv", 1, title=HOSTILE)
    scenario = mini.load()
    assert scenario.problems == ()
    state = as_of(scenario, D(3))
    m = base_map(scenario, None)
    for group in day_layers(state, scenario):
        group.add_to(m)
    html = render(m)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    # Inside the inline script, no '</' can end the script tag early.
    data = re.findall(r"window\.__kzDraw\(\w+, (\{.*?\}), ", html)
    assert data and all("</" not in chunk for chunk in data)
    assert json.loads(data[0].replace("<\\/", "</"))["type"] == "FeatureCollection"


def test_online_tiles_sit_between_basemap_and_day_layers(scenario):
    from dashboard.mapview import TileSource

    plain = base_map(scenario, "/basemap.json").get_root().render()
    assert "L.tileLayer" not in plain
    tiles = TileSource("http://127.0.0.1:9/{z}/{x}/{y}.png", "Test tiles")
    html = base_map(scenario, "/basemap.json", tiles=tiles).get_root().render()
    assert "http://127.0.0.1:9/{z}/{x}/{y}.png" in html
    assert '"pane": "tiles"' in html and "Test tiles" in html
    # Its pane lies above the vector basemap's (250) and below Leaflet's overlay pane (400).
    assert re.search(r"createPane\(\s*\"tiles\"", html)
    assert re.search(r"style\.zIndex\s*=\s*300", html)


def test_template_syntax_in_data_is_never_evaluated(bundled_copy):
    """folium renders every script through Jinja a second time: data must not reach it."""
    rows = bundled_copy.rows("places.csv")
    index = next(i for i, row in enumerate(rows) if row["id"] == "almaty")
    bundled_copy.set("places.csv", index, name="kz{{ 6 * 7 }}name{% if 1 %}x{% endif %}")
    loaded = bundled_copy.load()
    assert loaded.places["almaty"].name.startswith("kz{{")
    m = base_map(loaded, "/b.json")
    for group in day_layers(as_of(loaded, date(2022, 1, 7)), loaded):
        group.add_to(m)
    html = m.get_root().render()
    assert "6 * 7" in html  # left as text
    assert "kz42name" not in html and "namex" not in html


def test_region_layer_sends_ids_not_outlines(scenario):
    """A step names the regions under a state of emergency; their outlines are in the basemap
    the page fetched once, so the step's script holds no coordinates of them."""
    state = as_of(scenario, D(7))
    group = day_layers(state, scenario, ("emergency",))[0]
    script = on_map(scenario, group)
    layer = next(c for c in group._children.values() if hasattr(c, "by_region"))
    data = json.loads(layer.data)
    regions = [f for f in data["features"] if f["properties"].get("region")]
    assert layer.by_region and len(regions) == 16
    for feature in regions:
        assert feature["geometry"] is None
        assert feature["properties"]["region"] == feature["properties"]["id"]
    # A city's own state of emergency (Shymkent) or curfew (Taraz, from 7 January) is its
    # extent, drawn as it is.
    cities = [f for f in data["features"] if not f["properties"].get("region")]
    assert sorted(f["properties"]["id"] for f in cities) == ["shymkent", "taraz"]
    assert cities[0]["geometry"]["type"] == "Point" and cities[0]["properties"]["r"] > 0
    basemap_regions = {f["properties"]["id"] for f in basemap_geojson(scenario)["features"]
                       if f["properties"]["layer"] == "region"}
    assert {f["properties"]["region"] for f in regions} <= basemap_regions
    full = GeoJsonLayer(layer_features(state, scenario, "emergency"), "emergency")
    assert len(layer.data) < len(full.data) / 3  # the outlines are most of it
    assert "kz.basemap(" in script
    # Point layers still carry their geometry.
    airports = day_layers(state, scenario, ("airports",))[0]
    assert '"coordinates"' in on_map(scenario, airports)


def test_map_content_makes_the_first_group_forget_the_last_steps(scenario):
    groups = map_content(day_layers(as_of(scenario, D(5)), scenario))
    first = list(groups[0]._children.values())[0]
    assert isinstance(first, ForgetGroups)
    assert sum(isinstance(c, ForgetGroups) for g in groups for c in g._children.values()) == 1
    assert "window.feature_group = [];" in on_map(scenario, groups[0])
    assert map_content([]) == []


def test_a_place_popup_lists_a_bounded_number_of_events(scenario):
    state = as_of(scenario, D(5))
    crowd = tuple(Event(id=f"e{n}", date=D(5), time="", time_precision=1,
                        place_id="almaty-akimat", category="protest",
                        summary=f"Crowd number {n}", sources=("sec-jan10",))
                  for n in range(POPUP_EVENTS + 25))
    busy = dataclasses.replace(state, events=crowd)
    popup = by_id(layer_features(busy, scenario, "unrest"))["almaty-akimat"]["properties"]["popup"]
    assert popup.count("Crowd number") == POPUP_EVENTS
    assert "and 25 more event(s)" in popup


def test_a_step_hands_its_day_to_the_page_and_keeps_the_neighbours(scenario):
    keys = ("zones", "airports", "emergency")
    state = as_of(scenario, D(6))
    payload = day_payload(state, scenario, keys)
    # Drawing order is the layers' own, whatever the order chosen; regions by id only.
    assert [layer for layer, _, _ in payload] == ["emergency", "zones", "airports"]
    assert [by for _, _, by in payload] == [True, False, False]
    airports = json.loads(payload[2][1])["features"]
    assert {f["properties"]["id"] for f in airports} == {
        f["properties"]["id"] for f in layer_features(state, scenario, "airports")}
    kept = [(day_key(D(7), keys, "v1"), day_payload(as_of(scenario, D(7)), scenario, keys))]
    script = on_map(scenario, day_group(state, scenario, keys, kept, "v1"))
    assert ('kz.dayStep(window.__kzDays, {"v": 1, "key": "2022-01-06|zones,airports,emergency'
            '|v1", "layers": [["emergency",') in script
    assert '"kept": [["2022-01-07|zones,airports,emergency|v1", [["emergency",' in script
    # The page's keeper (static/kz/map.js) is wired in the base map with the days message:
    # the scenario's days, and no controls unless the UI names them.
    assert "window.__kzDays = kz.dayKeeper(" in script
    message = json.dumps(days_message(scenario.days, None, 32), separators=(",", ":"))
    assert re.search(r"kz\.dayKeeper\(map_\w+, " + re.escape(message) + r"\);", script)
    assert f"kz.hearSteps(window.__kzDays, {message}.controls)" in script
    assert re.search(r"\.\./\.\./app/static/kz/map\.js\?v=[0-9a-f]{12}", script)


def test_the_days_message_names_the_controls_the_ui_gave():
    controls = StepControls(next="next", prev="prev", day="day")
    message = days_message([D(2), D(3)], controls, 5)
    assert message == {"v": PROTOCOL, "days": ["2022-01-02", "2022-01-03"], "limit": 5,
                       "controls": {"next": ".st-key-next button",
                                    "prev": ".st-key-prev button",
                                    "day": ".st-key-day input[type=range]"}}
    odd = StepControls(next="a b", prev="<x>", day="d\"ay").selectors()
    assert all(re.fullmatch(r"\.st-key-[\w-]+ [\w\[\]=]+", s) for s in odd.values()), odd


def test_day_keys_and_neighbours(scenario):
    assert day_key(D(3), ("zones", "unrest"), "ab12") == "2022-01-03|zones,unrest|ab12"
    assert day_key(D(3), ()) == "2022-01-03||"
    days = scenario.days
    assert neighbours(days, D(2)) == [D(3)]
    assert neighbours(days, D(6)) == [D(7), D(5)]
    assert neighbours(days, D(10)) == [D(9)]
    assert neighbours([D(4)], D(4)) == []


def test_kept_days_are_escaped_like_every_script(mini):
    mini.set("places.csv", 2, name=HOSTILE)
    scenario = mini.load()
    keys = tuple(LAYER_KEYS)
    kept = [(day_key(D(4), keys), day_payload(as_of(scenario, D(4)), scenario, keys))]
    script = on_map(scenario, day_group(as_of(scenario, D(3)), scenario, keys, kept))
    assert "<script>alert" not in script and "</script><img" not in script
    assert "&lt;script&gt;" in script


def test_camera_and_place_moves_happen_once_per_key(scenario):
    group = Group(name="View")
    group.add_child(FitOnce("almaty:1", (43.0, 76.5, 43.5, 77.2)))
    group.add_child(FocusOnce("place-1", 43.25, 76.95, zoom=12))
    script = on_map(scenario, group)
    assert '"__kzCamera", "almaty:1",\n' in script
    assert '"fit", [[43.0,76.5],[43.5,77.2]]);' in script
    assert '"__kzFocus", "place-1",\n' in script and '"focus", [43.25,76.95,12]);' in script


def test_a_days_layers_are_built_once_for_every_viewer_of_that_day(scenario):
    from dashboard.mapview import LAYER_KEYS
    from dashboard.mapview.steps import day_payload

    state = as_of(scenario, date(2022, 1, 6))
    keys = tuple(LAYER_KEYS)
    first = day_payload(state, scenario, keys)
    assert day_payload(as_of(scenario, date(2022, 1, 6)), scenario, keys) is first
    assert day_payload(state, scenario, keys[:2]) != first  # other layers, other entry
    # A state that is not the day's own (changed, as a test or a tool may) is built anew.
    changed = dataclasses.replace(state, events=())
    assert day_payload(changed, scenario, keys) is not first


def test_the_offline_map_renders_as_folium_renders_it():
    """OfflineMap skips folium's template compile per macro (it runs twice a step): the page
    it writes is folium's own, character for character (element ids aside)."""
    import folium

    from dashboard.mapview.basemap import OfflineMap

    class FoliumRendered(OfflineMap):
        render = folium.Map.render  # folium's own: JSCSSMixin, then MacroElement

    def page(cls) -> str:
        m = cls(location=[48.0, 67.0], zoom_start=5, tiles=None, control_scale=True)
        folium.Marker([43.2, 76.9], tooltip="Almaty").add_to(m)
        m.render()
        return re.sub(r"[0-9a-f]{32}", "ID", m.get_root().render())

    assert page(OfflineMap) == page(FoliumRendered)


# Points in the middle of the water bodies that matter, checked against water.geojson (which
# names none of them; it has ids only). lon, lat.
LAKE_POINTS = {
    "Lake Balkhash, western basin": (74.5, 46.5),
    "Lake Balkhash, eastern basin": (78.0, 46.4),
    "Kapchagay (Qapshagay) reservoir": (77.3, 43.9),
    "Lake Alakol": (81.7, 46.1),
    "Lake Zaysan": (84.0, 48.0),
    "Bukhtarma reservoir, its arm north of Zaysan": (83.9, 49.03),
    "North (Small) Aral Sea": (61.0, 46.4),
    "South Aral Sea, western basin": (58.6, 45.2),
}
# Places on land that no lake may cover.
DRY_POINTS = {"Almaty": (76.95, 43.24), "Nur-Sultan": (71.45, 51.17), "Aralsk": (61.67, 46.8)}


def test_basemap_holds_lakes_under_region_outlines(scenario):
    from shapely.geometry import Point, shape

    features = basemap_geojson(scenario)["features"]
    layers = [f["properties"]["layer"] for f in features]
    assert "water" in layers
    assert layers.index("water") > max(i for i, k in enumerate(layers) if k == "home")
    assert layers.index("region") > max(i for i, k in enumerate(layers) if k == "water")
    lakes = [shape(f["geometry"]) for f in features if f["properties"]["layer"] == "water"]
    for name, (lon, lat) in LAKE_POINTS.items():
        assert sum(lake.contains(Point(lon, lat)) for lake in lakes) == 1, name
    for name, (lon, lat) in DRY_POINTS.items():
        assert not any(lake.contains(Point(lon, lat)) for lake in lakes), name


def test_the_caspian_is_the_neighbours_sea_not_a_lake(scenario):
    """The Caspian's shore is drawn by the sea area of neighbours.geojson; the lakes leave it
    out, so it is drawn once."""
    from shapely.geometry import Point, shape

    features = basemap_geojson(scenario)["features"]
    sea = [shape(f["geometry"]) for f in features if f["properties"]["layer"] == "sea"]
    lakes = [shape(f["geometry"]) for f in features if f["properties"]["layer"] == "water"]
    for lon, lat in ((50.5, 42.0), (51.0, 45.0), (50.0, 44.0)):  # south, north, off Aktau
        assert len(sea) == 1 and sea[0].contains(Point(lon, lat))
        assert not any(lake.intersects(Point(lon, lat)) for lake in lakes)


def test_the_lakes_are_credited_where_they_are_drawn(scenario):
    """The page puts the basemap file's credits in Leaflet's attribution control: the lakes'
    source and licence, with a link that nothing fetches (no image, script or style)."""
    credits = basemap_geojson(scenario)["attribution"]
    assert len(credits) == 1
    text = re.sub(r"<[^>]+>", "", credits[0])
    assert "OpenStreetMap contributors" in text and "ODbL" in text and "Lakes" in text
    tags = re.findall(r"<(\w+)([^>]*)>", credits[0])
    assert [tag for tag, _ in tags] == ["a"]
    assert 'href="https://www.openstreetmap.org/copyright"' in tags[0][1]
    assert "src=" not in credits[0] and "url(" not in credits[0]
    # The export carries the same file as a data URL: its map credits the lakes too.
    from dashboard.export import day_html

    page = day_html(as_of(scenario, D(7)), scenario)
    encoded = re.search(r'"data:application/geo\+json;base64,([A-Za-z0-9+/=]+)"', page)
    assert json.loads(base64.b64decode(encoded.group(1)))["attribution"] == credits


def test_without_lakes_nothing_is_credited_for_them(scenario):
    plain = dataclasses.replace(scenario, water={"type": "FeatureCollection", "features": []})
    data = basemap_geojson(plain)
    assert data["attribution"] == []
    assert "water" not in {f["properties"]["layer"] for f in data["features"]}


def test_derived_water_file_stays_in_its_box_and_small():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "geodata" / "water.geojson"
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = [f["properties"]["id"] for f in data["features"]]
    assert len(ids) == len(set(ids)) > 0
    assert {f["properties"]["kind"] for f in data["features"]} == {"lake"}
    for f in data["features"]:
        for polygon in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon"
                        else f["geometry"]["coordinates"]):
            for lon, lat in (p for ring in polygon for p in ring):
                assert 44 <= lon <= 90 and 38 <= lat <= 58


def test_a_folder_without_water_loads_without_problem(tmp_path):
    import shutil
    from pathlib import Path

    from dashboard.scenario import load_scenario

    src = Path(__file__).resolve().parent.parent / "geodata"
    shutil.copytree(src, tmp_path / "s", ignore=shutil.ignore_patterns("water.geojson"))
    loaded = load_scenario(tmp_path / "s")
    assert loaded.water == {"type": "FeatureCollection", "features": []}
    assert not [p for p in loaded.problems if "water" in str(p)]
    assert "water" not in {f["properties"]["layer"] for f in basemap_geojson(loaded)["features"]}
