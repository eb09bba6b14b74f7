"""The street map a traveller brings (a raster MBTiles file), drawn over Almaty by the app and
by the exported page opened from disk, with no request leaving 127.0.0.1.

The file is made by `offline-map`'s fetcher from a stand-in tile server on this machine, which
is stopped before the app starts: every tile the page draws comes from the app itself.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import frames, tilefetch
from dashboard.export import day_html
from dashboard.timeline import as_of
from tests.browser.conftest import ARTIFACTS, external_requests, map_frame, wait_for_app
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
