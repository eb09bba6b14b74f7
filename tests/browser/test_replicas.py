"""Beyond one machine: two replicas side by side serve the same day identically, and a viewer
on one replica changes nothing for a viewer on the other (docs/scaling.md).

Two `streamlit run` servers of the default app on two ports, the same data folder. For a day
opened by link on each, the page's text (headline, badges, figures, changes, events, sidebar),
every day layer on the map (id, style, geometry, tooltip and popup), the map's view, and the
app's static files the page fetched must be the same on both.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Page

from harness.browser import (
    MAP_SHOWS_DAY,
    NEXT_LABEL,
    DayView,
    Server,
    expected_views,
    external_requests,
    map_frame,
    wait_for_app,
)

VIEWPORT = {"width": 1400, "height": 900}

# Every day layer on the map with all that the viewer can see of it, grouped by layer and
# sorted, so that two maps can be compared as plain data.
MAP_LAYERS = """() => {
  const out = {};
  const text = x => x === undefined || x === null ? null : String(x);
  map_div.eachLayer(l => {
    const o = l.options;
    if (!o || !o.kzLayer) { return; }
    const tip = l.getTooltip ? l.getTooltip() : null;
    const pop = l.getPopup ? l.getPopup() : null;
    (out[o.kzLayer] = out[o.kzLayer] || []).push({
      id: String(o.kzId), color: text(o.color), fillColor: text(o.fillColor),
      weight: text(o.weight), opacity: text(o.opacity), fillOpacity: text(o.fillOpacity),
      dashArray: text(o.dashArray),
      radius: l.getRadius ? l.getRadius() : null,
      at: l.getLatLng ? [l.getLatLng().lat, l.getLatLng().lng] : null,
      bounds: !l.getLatLng && l.getBounds ? l.getBounds().toBBoxString() : null,
      tooltip: tip ? text(tip.getContent()) : null,
      popup: pop ? text(pop.getContent()) : null});
  });
  for (const k of Object.keys(out)) {
    out[k].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  }
  return out;
}"""

VIEW = """() => ({zoom: map_div.getZoom(),
  center: [map_div.getCenter().lat.toFixed(5), map_div.getCenter().lng.toFixed(5)]})"""


@pytest.fixture(scope="module")
def replicas(streamlit_server) -> tuple[Server, Server]:
    """Two replicas of the app, running side by side on two free ports."""
    first, second = streamlit_server(), streamlit_server()
    assert first.port != second.port
    return first, second


@pytest.fixture(scope="module")
def views():
    return expected_views()


@pytest.fixture
def open_page(browser: Browser):
    """Opens a page in a browser context of its own (an independent session)."""
    contexts = []

    def open_(server: Server, day: str | None) -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        requests: list[str] = []
        context.on("request", lambda req: requests.append(req.url))
        page = context.new_page()
        page.requests = requests  # type: ignore[attr-defined]
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        page.goto(server.url + (f"/?day={day}" if day else "/"))
        return page

    yield open_
    for context in contexts:
        context.close()


def shown(page: Page, view: DayView) -> Frame:
    """Wait until the page and its map show the day of `view`; the map's frame."""
    wait_for_app(page)
    page.locator(".kz-headline .kz-date", has_text=view.label).wait_for()
    frame = map_frame(page)
    frame.wait_for_function(MAP_SHOWS_DAY, arg=[list(row) for row in view.layers])
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready' "
        "&& !map_div._animatingZoom")
    wait_for_app(page)
    return frame


def what_is_served(page: Page, frame: Frame) -> dict:
    """Everything the viewer sees of the day, with nothing that names the replica."""
    static = sorted({urlsplit(url).path for url in page.requests  # type: ignore[attr-defined]
                     if urlsplit(url).path.startswith("/app/static/")})
    return {
        "slider": page.get_by_test_id("stSliderThumbValue").inner_text(),
        "main": page.get_by_test_id("stMain").inner_text(),
        "sidebar": page.get_by_test_id("stSidebar").inner_text(),
        "layers": frame.evaluate(MAP_LAYERS),
        "view": frame.evaluate(VIEW),
        "legend": frame.locator(".kz-legend").inner_text(),
        "static": static,
    }


@pytest.mark.parametrize("day", ["2022-01-07", "2022-01-05"])
def test_two_replicas_serve_a_day_identically(replicas, views, open_page, day):
    view = next(v for d, v in views.items() if d.isoformat() == day)
    served = []
    for server in replicas:
        page = open_page(server, day)
        frame = shown(page, view)
        served.append(what_is_served(page, frame))
        assert page.errors == []  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stException"]').count() == 0
        assert external_requests(page) == []
    first, second = served
    # The day's own: not the same blank or wrong page on both.
    assert first["slider"] == view.label
    assert view.headline in first["main"]
    rows = sorted((layer, item["id"], item["color"], item["fillColor"])
                  for layer, items in first["layers"].items() for item in items)
    assert rows == sorted(tuple(row) for row in view.layers)
    assert any(path.endswith(".geojson") for path in first["static"])  # the basemap
    for key in first:
        if key == "view":
            assert same_view(first[key], second[key]), f"the replicas differ in view: {served}"
        else:
            assert first[key] == second[key], f"the replicas differ in {key}"


def same_view(a: dict, b: dict, pixels: float = 2.0) -> bool:
    """The same zoom and a centre within `pixels` screen pixels: two loads of one page have
    been seen to fit the country one pixel apart (0.029° of latitude at zoom 5), from the
    frame's layout, not from what the replica served."""
    if a["zoom"] != b["zoom"]:
        return False
    degrees = pixels * 360.0 / (256 * 2 ** a["zoom"])  # of longitude; latitude's are smaller
    pairs = zip(a["center"], b["center"], strict=True)
    return all(abs(float(x) - float(y)) <= degrees for x, y in pairs)


def test_a_step_on_one_replica_leaves_the_other_alone(replicas, views, open_page):
    days = sorted(views)
    seventh, eighth = (next(v for d, v in views.items() if d.isoformat() == iso)
                       for iso in ("2022-01-07", "2022-01-08"))
    one, other = replicas
    page_one = open_page(one, "2022-01-07")
    page_other = open_page(other, "2022-01-07")
    shown(page_one, seventh)
    frame_other = shown(page_other, seventh)
    before = what_is_served(page_other, frame_other)

    page_one.locator("button", has_text=NEXT_LABEL).click()
    shown(page_one, eighth)
    assert page_one.get_by_test_id("stSliderThumbValue").inner_text() == eighth.label

    # The other replica's viewer still sees the 7th, as it was, and its link says so.
    assert what_is_served(page_other, map_frame(page_other)) == before
    assert page_other.url.endswith("day=2022-01-07")
    # New viewers, on either replica, start on the first day: no day is carried over.
    first_day = views[days[0]]
    for server in replicas:
        fresh = open_page(server, None)
        shown(fresh, first_day)
    # And the other viewer steps from its own day, not from the one the first moved to.
    page_other.locator("button", has_text=NEXT_LABEL).click()
    shown(page_other, eighth)
    page_one.locator("button", has_text=NEXT_LABEL).click()
    shown(page_one, next(v for d, v in views.items() if d.isoformat() == "2022-01-09"))
    assert page_other.get_by_test_id("stSliderThumbValue").inner_text() == eighth.label
