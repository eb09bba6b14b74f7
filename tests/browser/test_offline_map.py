"""The street map a traveller brings (a raster MBTiles file; a raster or vector PMTiles
archive), drawn over Almaty by the app and by the exported page opened from disk, with no
request leaving 127.0.0.1.

The MBTiles file is made by `offline-map`'s fetcher from a stand-in tile server on this
machine, which is stopped before the app starts: every tile the page draws comes from the app
itself. The PMTiles archives are made by tests/pmtiles_fixture.py; the vector one is drawn by
protomaps-leaflet (installed from npm by dev.py), which reads it from the app's static folder
with HTTP range requests, or from the exported page itself.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import frames, tilefetch
from dashboard.export import day_html
from dashboard.timeline import as_of
from harness.browser import renderer_script
from tests.browser.conftest import (
    ARTIFACTS,
    external_requests,
    map_frame,
    open_exported_file,
    wait_for_app,
)
from tests.pmtiles_fixture import (
    CENTRE,
    EARTH,
    EARTH_OFF_LAKE,
    PIXEL_AT,
    WATER,
    near,
    raster_pmtiles,
    vector_pmtiles,
)
from tests.tile_standin import TileStandIn

ALMATY = (43.15, 76.80, 43.35, 77.05)
OFFLINE_TILES = """() => Array.from(document.querySelectorAll(
  '.leaflet-pane.leaflet-offline-pane img.leaflet-tile-loaded')).map(i => i.src)"""


@pytest.fixture(scope="module")
def mbtiles(tmp_path_factory):
    out = tmp_path_factory.mktemp("offline") / "almaty.mbtiles"
    standin = TileStandIn()
    try:
        tilefetch.fetch(tilefetch.Plan(standin.url, ALMATY, (9, 13), out, "Almaty streets",
                                       "Tiles: stand-in server", rate=1000.0))
    finally:
        standin.close()
    return out


def test_app_draws_the_offline_map_over_almaty_from_this_machine(page, streamlit_server,
                                                                mbtiles):
    server = streamlit_server(args=("--offline-map", str(mbtiles)))
    page.goto(f"{server.url}/?day=2022-01-07")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => document.querySelector('.leaflet-container')"
                            ".dataset.offlineMap === 'ready'")
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { "
                            "if (l.options && l.options.kzId) n++; }); return n > 0; }")
    frame.wait_for_function("() => !map_div._animatingZoom")
    frame.evaluate("() => map_div.setView([43.25, 76.92], 12, {animate: false})")
    assert frame.evaluate("() => map_div.getZoom()") == 12
    frame.wait_for_function(f"() => ({OFFLINE_TILES})().length > 0")
    srcs = frame.evaluate(OFFLINE_TILES)
    assert all(s.startswith(server.url) and "/app/static/vendor/offline-map/" in s
               for s in srcs), srcs[:3]
    # Between the vector basemap and the day's layers; its attribution shown.
    z = frame.evaluate("() => [map_div.getPane('basemap').style.zIndex, "
                       "map_div.getPane('offline').style.zIndex, "
                       "getComputedStyle(map_div.getPane('overlayPane')).zIndex]")
    assert int(z[0]) < int(z[1]) < int(z[2])
    assert frame.locator(".leaflet-control-attribution",
                         has_text="Tiles: stand-in server").is_visible()
    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar opens folded
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Offline street map").click()
    assert sidebar.get_by_text("Almaty streets", exact=False).first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "offline-map-almaty.png"))
    assert external_requests(page) == []


def test_app_without_an_offline_map_says_what_the_basemap_lacks(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar opens folded
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Offline street map").click()
    assert sidebar.get_by_text("no streets, rivers or built-up areas", exact=False).is_visible()
    frame = map_frame(page)
    assert frame.evaluate("() => !map_div.getPane('offline')")


def test_exported_day_opens_from_disk_with_its_streets(browser, scenario, mbtiles, tmp_path):
    from dashboard.tilearchive import open_archive

    path = tmp_path / "kazakhstan-2022-01-07.html"
    path.write_text(day_html(as_of(scenario, date(2022, 1, 7)), scenario,
                             open_archive(mbtiles)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function(frames.DRAWN)
        page.evaluate("() => window.kzMap.setView([43.25, 76.92], 12, {animate: false})")
        page.wait_for_function(f"() => ({OFFLINE_TILES})().length > 0")
        srcs = page.evaluate(OFFLINE_TILES)
        assert all(s.startswith("data:image/png;base64,") for s in srcs)
        assert page.locator("[data-testid='kz-streets']").inner_text().startswith(
            "Streets: Almaty streets")
        assert page.locator(".leaflet-control-attribution",
                            has_text="Tiles: stand-in server").is_visible()
        page.screenshot(path=str(ARTIFACTS / "offline-map-export.png"))
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    finally:
        context.close()


# --------------------------------------------------------------------------- PMTiles

# Each loaded offline tile's colour (drawn into a canvas: same origin or a data URL) and src.
TILE_COLOURS = """() => Array.from(document.querySelectorAll(
  '.leaflet-pane.leaflet-offline-pane img.leaflet-tile-loaded')).map(img => {
    const c = document.createElement('canvas'); c.width = c.height = 1;
    const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0, 1, 1);
    return [img.src, Array.from(ctx.getImageData(0, 0, 1, 1).data)]; })"""


@pytest.fixture(scope="module")
def raster_pm(tmp_path_factory):
    return raster_pmtiles(tmp_path_factory.mktemp("pm") / "almaty-raster.pmtiles")


@pytest.fixture(scope="module")
def vector_pm(tmp_path_factory):
    renderer_script()  # protomaps-leaflet, installed from npm when missing
    return vector_pmtiles(tmp_path_factory.mktemp("pm") / "almaty-vector.pmtiles")


def zoom_to_almaty(frame, name: str = "map_div") -> None:
    frame.wait_for_function("() => document.querySelector('.leaflet-container')"
                            ".dataset.offlineMap === 'ready'")
    frame.wait_for_function(f"() => !{name}._animatingZoom")
    frame.evaluate(f"() => {name}.setView({list(CENTRE)}, 12, {{animate: false}})")


def assert_tiles_are_the_archives(frame) -> None:
    """Each raster tile drawn shows its own colour: tile_png's red z*10, green x, blue y."""
    frame.wait_for_function(f"() => ({TILE_COLOURS})().length > 0")
    for src, rgba in frame.evaluate(TILE_COLOURS):
        z, x, y = (int(v) for v in src.split("?")[0].rsplit(".", 1)[0].split("/")[-3:])
        assert rgba == [z * 10 % 256, x % 256, y % 256, 255], (src, rgba)


def test_app_draws_a_raster_pmtiles_archive_from_this_machine(page, streamlit_server,
                                                             raster_pm):
    server = streamlit_server(args=("--offline-map", str(raster_pm)))
    page.goto(f"{server.url}/?day=2022-01-07")
    wait_for_app(page)
    frame = map_frame(page)
    zoom_to_almaty(frame)
    assert_tiles_are_the_archives(frame)
    srcs = [src for src, _ in frame.evaluate(TILE_COLOURS)]
    assert all(s.startswith(server.url) and "/app/static/vendor/offline-map/" in s
               for s in srcs), srcs[:3]
    assert frame.locator(".leaflet-control-attribution",
                         has_text="Tiles: raster stand-in").is_visible()
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Offline street map").click()
    assert sidebar.get_by_text("raster PMTiles", exact=False).first.is_visible()
    assert external_requests(page) == []


def test_app_draws_a_vector_pmtiles_archive_from_this_machine(page, streamlit_server,
                                                             vector_pm):
    ranges: list[tuple[str, int, str | None]] = []
    page.on("response", lambda r: ranges.append((r.url, r.status, r.request.headers.get(
        "range"))) if r.url.split("?")[0].endswith(".pmtiles") else None)
    server = streamlit_server(args=("--offline-map", str(vector_pm)))
    page.goto(f"{server.url}/?day=2022-01-07")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { "
                            "if (l.options && l.options.kzId) n++; }); return n > 0; }")
    zoom_to_almaty(frame)
    frame.wait_for_function(f"() => {{ const c = ({PIXEL_AT})(['map_div', {CENTRE[0]}, "
                            f"{CENTRE[1]}]); return c && c[3] > 200 && c[2] > c[0] + 60; }}")
    assert near(frame.evaluate(PIXEL_AT, ["map_div", *CENTRE]), WATER)
    assert near(frame.evaluate(PIXEL_AT, ["map_div", *EARTH_OFF_LAKE]), EARTH)
    # Read from the app's static folder in byte ranges (Streamlit answers 206).
    assert ranges and all(url.startswith(server.url) and "/app/static/vendor/offline-map/" in url
                          and status == 206 and rng.startswith("bytes=")
                          for url, status, rng in ranges), ranges
    z = frame.evaluate("() => [map_div.getPane('basemap').style.zIndex, "
                       "map_div.getPane('offline').style.zIndex, "
                       "getComputedStyle(map_div.getPane('overlayPane')).zIndex]")
    assert int(z[0]) < int(z[1]) < int(z[2])
    assert frame.locator(".leaflet-control-attribution",
                         has_text="© OpenStreetMap").is_visible()
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Offline street map").click()
    assert sidebar.get_by_text("vector PMTiles", exact=False).first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "offline-map-vector-almaty.png"))
    assert external_requests(page) == []


def open_export(browser, scenario, archive_path, tmp_path, name: str):
    from dashboard.tilearchive import open_archive

    path = tmp_path / name
    path.write_text(day_html(as_of(scenario, date(2022, 1, 7)), scenario,
                             open_archive(archive_path)), encoding="utf-8")
    context, page, requests, errors = open_exported_file(browser, path)
    page.evaluate(f"() => window.kzMap.setView({list(CENTRE)}, 12, {{animate: false}})")
    return context, page, requests, errors


def test_exported_day_opens_from_disk_with_a_raster_pmtiles_archive(browser, scenario,
                                                                    raster_pm, tmp_path):
    context, page, requests, errors = open_export(browser, scenario, raster_pm, tmp_path,
                                                  "raster.html")
    try:
        page.wait_for_function(f"() => ({TILE_COLOURS})().length > 0")
        for src, rgba in page.evaluate(TILE_COLOURS):
            assert src.startswith("data:image/png;base64,") and rgba[3] == 255
            assert rgba[0] in (90, 100, 110, 120, 130)  # z*10 of the archive's zooms
        assert page.locator("[data-testid='kz-streets']").inner_text().startswith(
            "Streets: Almaty raster (raster PMTiles)")
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert errors == []
    finally:
        context.close()


def test_exported_day_opens_from_disk_with_a_vector_pmtiles_archive(browser, scenario,
                                                                    vector_pm, tmp_path):
    context, page, requests, errors = open_export(browser, scenario, vector_pm, tmp_path,
                                                  "vector.html")
    try:
        page.wait_for_function(f"() => {{ const c = ({PIXEL_AT})(['kzMap', {CENTRE[0]}, "
                               f"{CENTRE[1]}]); return c && c[3] > 200 && c[2] > c[0] + 60; }}")
        assert near(page.evaluate(PIXEL_AT, ["kzMap", *CENTRE]), WATER)
        assert near(page.evaluate(PIXEL_AT, ["kzMap", *EARTH_OFF_LAKE]), EARTH)
        assert page.locator("[data-testid='kz-streets']").inner_text().startswith(
            "Streets: Almaty extract (vector PMTiles)")
        assert page.locator(".leaflet-control-attribution",
                            has_text="© OpenStreetMap").is_visible()
        page.screenshot(path=str(ARTIFACTS / "offline-map-vector-export.png"))
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert errors == []
    finally:
        context.close()
