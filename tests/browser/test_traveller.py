"""A traveller types a place: the verdict, the lines to the nearest dangers on the map, offline."""

from __future__ import annotations

import pytest

from tests.browser.conftest import external_requests, map_frame, wait_for_app

TRAVELLER = """() => { const out = {points: 0, lines: 0, ids: []};
  map_div.eachLayer(l => { if (l.options && l.options.kzLayer === 'traveller') {
    out.ids.push(l.options.kzId);
    if (l.getLatLngs) out.lines++; else out.points++; } });
  return out; }"""


def find(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Find a place")
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def open_day(page, server, day="2022-01-07"):
    page.goto(f"{server.url}/?day={day}")
    wait_for_app(page)
    return map_frame(page)


def _check_search(page, app_server):
    frame = open_day(page, app_server)
    find(page, "Abay Avenue")
    verdict = page.get_by_test_id("kz-verdict")
    assert verdict.get_attribute("data-level") == "danger"
    assert "avoid-zone" in verdict.inner_text()
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'traveller') n++; }); return n > 1; }")
    drawn = frame.evaluate(TRAVELLER)
    assert drawn["points"] == 1 and 1 <= drawn["lines"] <= 5
    assert "line-abay-avenue-almaty" in drawn["ids"]
    # The map went to the place once: zoomed in on Almaty.
    assert frame.evaluate("() => map_div.getZoom()") >= 11
    centre = frame.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng]")
    assert centre == pytest.approx([43.238, 76.924], abs=0.02)
    assert external_requests(page) == []
    return frame


def test_search_draws_the_verdict_and_lines(page, app_server):
    frame = _check_search(page, app_server)
    # A step keeps the traveller's place and its lines, and does not move the map again.
    frame.evaluate("() => map_div.setView([43.3, 77.0], 10, {animate: false})")
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'traveller') n++; }); return n > 0; }")
    assert frame.evaluate("() => map_div.getZoom()") == 10
    assert "Sat 8 Jan 2022" in page.locator(".kz-headline").inner_text()


@pytest.mark.viewport(390, 844)
def test_search_on_a_phone_fits_without_sideways_scroll(page, app_server):
    _check_search(page, app_server)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    for testid in ("kz-verdict",):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def click_map_at(page, lat: float, lon: float) -> None:
    """Centre the map on a point and click the middle of the map, once the page has finished
    scrolling the map into view (a click during a smooth scroll lands elsewhere)."""
    frame = map_frame(page)
    frame.evaluate(f"() => map_div.setView([{lat}, {lon}], 9, {{animate: false}})")
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()
    box = None
    while box != (box := iframe.bounding_box()):
        page.wait_for_timeout(100)
    size = frame.evaluate("() => [map_div.getSize().x, map_div.getSize().y]")
    page.mouse.click(box["x"] + size[0] / 2, box["y"] + size[1] / 2)


def test_a_click_on_the_map_chooses_the_place(page, app_server):
    frame = open_day(page, app_server, "2022-01-05")
    frame.evaluate("() => { window.__kz_marker = 'kept'; }")
    page.get_by_text("Pick on the map").click()
    wait_for_app(page)
    frame = map_frame(page)
    assert frame.evaluate("() => window.__kz_marker") == "kept"  # picking did not remount it
    click_map_at(page, 43.34, 52.86)  # Zhanaozen
    page.get_by_test_id("kz-verdict").wait_for()
    wait_for_app(page)
    text = page.get_by_test_id("kz-verdict").inner_text()
    assert "found by coordinates" in text and "Mangystau" in text
    typed = page.get_by_role("textbox", name="Find a place").input_value()
    lat, lon = (float(v) for v in typed.split(","))
    assert (lat, lon) == pytest.approx((43.34, 52.86), abs=0.2)


def test_a_click_on_the_map_sets_an_end_of_the_route(page, app_server):
    open_day(page, app_server, "2022-01-05")
    page.get_by_text("From A to B").click()
    page.get_by_role("button", name="Pick From on the map").click()
    wait_for_app(page)
    click_map_at(page, 43.65, 51.17)  # Aktau
    wait_for_app(page)
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => "
                           "i.getAttribute('aria-label') === 'From' && i.value)")
    typed = page.get_by_role("textbox", name="From").input_value()
    lat, lon = (float(v) for v in typed.split(","))
    assert (lat, lon) == pytest.approx((43.65, 51.17), abs=0.2)
    assert page.get_by_role("textbox", name="Find a place").input_value() == ""
    assert external_requests(page) == []


def test_a_route_is_drawn_as_a_dashed_line_and_framed(page, app_server):
    """From and To typed: the straight line, its ends and the marks where it meets a danger
    are on the map, which frames the route once; the line's tooltip says it is no road."""
    frame = open_day(page, app_server, "2022-01-05")
    page.get_by_text("From A to B").click()
    for name, text in (("From", "Almaty International Airport"), ("To", "Republic Square")):
        box = page.get_by_role("textbox", name=name)
        box.fill(text)
        box.press("Enter")
        wait_for_app(page)
    page.get_by_test_id("kz-route").wait_for()
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'route') n++; }); return n > 2; }")
    drawn = frame.evaluate("""() => { const out = {lines: [], points: 0};
      map_div.eachLayer(l => { if (l.options && l.options.kzLayer === 'route') {
        if (l.getLatLngs) out.lines.push([l.options.dashArray, l.getTooltip().getContent()]);
        else out.points++; } });
      return out; }""")
    assert len(drawn["lines"]) == 1 and drawn["points"] >= 2
    dash, tooltip = drawn["lines"][0]
    assert dash and "not a road route" in tooltip
    # Framed: both ends on screen, at a city's zoom.
    inside = frame.evaluate("""() => [[43.352, 77.040], [43.238, 76.946]].every(p =>
      map_div.getBounds().contains(L.latLng(p[0], p[1])))""")
    assert inside and frame.evaluate("() => map_div.getZoom()") >= 10
    assert external_requests(page) == []


@pytest.mark.viewport(390, 844)
def test_the_route_works_on_a_phone(page, app_server):
    """At 390 px the route's boxes, its answer and the map with the line all fit the width."""
    frame = open_day(page, app_server, "2022-01-08")
    page.get_by_text("From A to B").click()
    for name, text in (("From", "Taraz"), ("To", "Almaty")):
        box = page.get_by_role("textbox", name=name)
        box.fill(text)
        box.press("Enter")
        wait_for_app(page)
    answer = page.get_by_test_id("kz-route")
    answer.wait_for()
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'route') n++; }); return n > 2; }")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    for locator in (answer, page.locator('iframe[title="streamlit_folium.st_folium"]')):
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = frame.evaluate("() => [map_div.getSize().x, map_div.getSize().y]")
    assert size[0] >= 300 and size[1] >= 300
    assert external_requests(page) == []
