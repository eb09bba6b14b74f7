"""The vector street map's glue, dashboard/static/kz/vectormap.js, in a bare page in Chromium
(Leaflet, map.js, protomaps-leaflet and the glue; no Streamlit): an archive carried in the page
(base64, read from a Blob) and one read from a server with HTTP range requests are both drawn
in the offline pane with the lake where the archive has it, the attribution stays text, and
without the renderer the map says so. Pages and archive come from routes on a made-up host
that Playwright answers: nothing reaches the network."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard import pagefiles
from dashboard.assets import renderer_source
from dashboard.export import leaflet_assets
from harness.browser import renderer_script
from tests.pmtiles_fixture import (
    CENTRE,
    EARTH,
    EARTH_OFF_LAKE,
    PIXEL_AT,
    WATER,
    near,
    vector_pmtiles,
)

HOST = "http://kz.test"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return vector_pmtiles(tmp_path_factory.mktemp("vector") / "almaty.pmtiles").read_bytes()


def page_html(options: dict, renderer: bool = True) -> str:
    css, leaflet = leaflet_assets()
    renderer_script()  # installed from npm when missing
    script = renderer_source()[0] if renderer else ""
    return (f"<!DOCTYPE html><html><head><style>{css}</style><script>{leaflet}</script>"
            f"{pagefiles.script('map.js')}<script>{script}</script>"
            f"{pagefiles.script('vectormap.js')}</head><body>"
            "<div id='map' style='width:600px;height:400px'></div><script>"
            # As the app's map (mapview.base_map): its own lowest zoom, not the layers'.
            f"window.map_div = L.map('map', {{minZoom: 3}}).setView({list(CENTRE)}, 12);"
            f"window.layer = kz.vectorMap(map_div, {json.dumps(options)});"
            "</script></body></html>")


@pytest.fixture
def open_page(browser, archive):
    context = browser.new_context()
    requests: list[tuple[str, str | None]] = []
    errors: list[str] = []

    def serve(route):
        request = route.request
        requests.append((request.url, request.headers.get("range")))
        if request.url == f"{HOST}/":
            route.fulfill(body=context.kz_html, content_type="text/html")
            return
        if request.url == f"{HOST}/map.pmtiles" and request.headers.get("range"):
            start, end = (int(v) for v in request.headers["range"][6:].split("-"))
            end = min(end, len(archive) - 1)
            route.fulfill(status=206, body=archive[start:end + 1], headers={
                "Content-Range": f"bytes {start}-{end}/{len(archive)}",
                "Content-Type": "application/octet-stream"})
            return
        route.fulfill(status=404, body="")

    context.route("**/*", serve)

    def opened(html: str):
        context.kz_html = html
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{HOST}/")
        page.requests = requests
        return page

    yield opened
    context.close()
    assert errors == []


def options(**more) -> dict:
    # Escaped by the server (mapview.esc), as Leaflet shows attributions as HTML.
    return {"attribution": "&lt;b&gt;OSM&lt;/b&gt; &amp; co",
            "bounds": [[43.13, 76.77], [43.36, 77.08]], "minZoom": 8, "maxZoom": 13, **more}


def wait_for_lake(page) -> None:
    page.wait_for_function(f"() => {{ const c = ({PIXEL_AT})(['map_div', {CENTRE[0]}, "
                           f"{CENTRE[1]}]); return c && c[3] > 200 && c[2] > c[0] + 60; }}")


def test_an_archive_carried_in_the_page_is_drawn_from_a_blob(open_page, archive):
    page = open_page(page_html(options(data=base64.b64encode(archive).decode())))
    wait_for_lake(page)
    assert near(page.evaluate(PIXEL_AT, ["map_div", *CENTRE]), WATER)
    assert near(page.evaluate(PIXEL_AT, ["map_div", *EARTH_OFF_LAKE]), EARTH)
    # In the offline pane, between the basemap (250) and the day's layers (400).
    assert page.evaluate("() => map_div.getPane('offline').style.zIndex") == "280"
    assert page.evaluate("() => map_div.getContainer().dataset.offlineMap") == "ready"
    assert page.locator(".leaflet-control-attribution").inner_text().endswith(
        "<b>OSM</b> & co")  # text, not markup
    assert [url for url, _ in page.requests] == [f"{HOST}/"]  # no request for the archive


def test_an_archive_on_the_server_is_read_by_range_requests(open_page):
    page = open_page(page_html(options(url=f"{HOST}/map.pmtiles")))
    wait_for_lake(page)
    asked = [(url, rng) for url, rng in page.requests if url != f"{HOST}/"]
    assert asked and all(url == f"{HOST}/map.pmtiles" and rng and rng.startswith("bytes=")
                         for url, rng in asked)
    assert near(page.evaluate(PIXEL_AT, ["map_div", *EARTH_OFF_LAKE]), EARTH)


def test_outside_the_archive_nothing_is_painted_over_the_basemap(open_page, archive):
    page = open_page(page_html(options(data=base64.b64encode(archive).decode())))
    wait_for_lake(page)
    page.evaluate("() => map_div.setView([43.25, 77.20], 12, {animate: false})")
    page.wait_for_timeout(500)
    # East of the archive's tiles: no data, and no background colour painted there.
    colour = page.evaluate(PIXEL_AT, ["map_div", 43.25, 77.30])
    assert colour is None or colour[3] == 0


def test_without_the_renderer_nothing_is_drawn_and_the_map_says_why(open_page, archive):
    page = open_page(page_html(options(data=base64.b64encode(archive).decode()),
                               renderer=False))
    assert page.evaluate("() => window.layer") is None
    assert page.evaluate("() => map_div.getContainer().dataset.offlineMap") == "no-renderer"


def test_below_its_first_zoom_the_archive_is_not_drawn(open_page, archive):
    # The server names the first zoom (tilearchive's first_zoom): an extract's low-zoom tiles
    # hold whole countries, never drawn over the basemap.
    page = open_page(page_html(options(data=base64.b64encode(archive).decode(), minZoom=10)))
    wait_for_lake(page)
    page.evaluate("() => map_div.setView([43.24, 76.925], 9, {animate: false})")
    assert page.evaluate("() => map_div.getZoom()") == 9
    page.wait_for_function("() => map_div.getPane('offline').querySelectorAll("
                           "'canvas.leaflet-tile').length === 0")
    assert page.evaluate(PIXEL_AT, ["map_div", *CENTRE]) is None
