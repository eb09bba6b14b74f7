"""Briefing in a real browser: presentation mode on a 1920x1080 screen, play reaching the last
day by itself, camera presets moving the map in place, and the address following the page."""

from __future__ import annotations

import re

import pytest

from dashboard.cameras import cameras
from tests.browser.conftest import external_requests, map_frame, wait_for_app
from tests.browser.test_dashboard import open_day

PX = re.compile(r"([\d.]+)px")


def font_px(locator) -> float:
    return float(PX.match(locator.evaluate("e => getComputedStyle(e).fontSize")).group(1))


@pytest.mark.viewport(1920, 1080)
def test_presentation_mode_fills_a_full_hd_screen(page, app_server):
    frame = open_day(page, app_server, "2022-01-07&present=1")
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    assert not page.get_by_text("Find a place").is_visible()
    assert not page.get_by_text("Figures as of this day").is_visible()
    # Legible from the back of a room: large headline, figures and legend.
    assert font_px(page.get_by_test_id("kz-headline")) >= 30
    assert font_px(page.locator(".kz-key-figs .kz-fig-value").first) >= 36
    assert page.locator(".kz-key-figs [data-metric='deaths']").is_visible()
    frame.wait_for_function("() => document.querySelector('.kz-present') !== null")
    assert font_px(frame.locator(".kz-legend")) >= 16
    # The map takes most of the screen and all of it is on the screen.
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box["width"] >= 0.65 * 1920 and box["height"] >= 800
    assert box["y"] + box["height"] <= 1080
    page.screenshot(path=str(_artifacts() / "presentation-1920x1080.png"))
    # Leaving it brings the sidebar, the search and the panel back.
    page.get_by_role("button", name="Leave presentation").click()
    wait_for_app(page)
    assert page.get_by_text("Find a place").is_visible()
    assert "present" not in page.url
    assert external_requests(page) == []


def _artifacts():
    from tests.browser.test_dashboard import ARTIFACTS

    out = ARTIFACTS.parent
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_play_reaches_the_last_day_by_itself(page, app_server):
    frame = open_day(page, app_server, "2022-01-08")
    frame.evaluate("() => { window.__kz_marker = 'kept'; }")
    page.locator(".st-key-speed").get_by_role("radio", name="1 s/day", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="▶ Play").click()
    page.get_by_role("button", name="⏸ Pause").wait_for()
    # Two steps of a second each, with no click: then it stops by itself.
    page.locator(".kz-date", has_text="Mon 10 Jan 2022").wait_for(timeout=30_000)
    page.get_by_role("button", name="▶ Play").wait_for(timeout=15_000)
    assert "day=2022-01-10" in page.url
    assert page.get_by_role("button", name="Next ▶").is_disabled()
    # The map followed in place: same frame, the last day's layers.
    same = map_frame(page)
    assert same.evaluate("() => window.__kz_marker") == "kept"
    page.wait_for_timeout(2500)  # stopped: no further step happens
    assert page.locator(".kz-date", has_text="Mon 10 Jan 2022").count() == 1
    assert external_requests(page) == []


def test_camera_presets_move_the_map_in_place(page, app_server, scenario):
    frame = open_day(page, app_server, "2022-01-06")
    frame.evaluate("() => { window.__kz_marker = 'kept'; }")
    frame.wait_for_function("() => !map_div._animatingZoom")
    views = cameras(scenario)
    for key in ("almaty", "mangystau", "nur-sultan"):
        page.get_by_role("radio", name=views[key].label, exact=True).click()
        wait_for_app(page)
        south, west, north, east = views[key].bounds
        frame.wait_for_function(
            f"() => {{ const c = map_div.getCenter(); return c.lat > {south} && "
            f"c.lat < {north} && c.lng > {west} && c.lng < {east}; }}")
        assert f"view={key}" in page.url
    zoom = frame.evaluate("() => map_div.getZoom()")
    assert zoom >= 8  # a city's view, not the country's
    assert map_frame(page).evaluate("() => window.__kz_marker") == "kept"
    # A later step keeps the view the preset set.
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    assert map_frame(page).evaluate("() => map_div.getZoom()") == zoom
    assert external_requests(page) == []


def test_a_link_with_a_view_opens_there(page, app_server, scenario):
    frame = open_day(page, app_server, "2022-01-05&view=mangystau&layers=airports")
    south, west, north, east = cameras(scenario)["mangystau"].bounds
    frame.wait_for_function(
        f"() => {{ const c = map_div.getCenter(); return c.lat > {south} && c.lat < {north} "
        f"&& c.lng > {west} && c.lng < {east}; }}")
    layers = frame.evaluate("() => { const s = new Set(); map_div.eachLayer(l => { "
                            "if (l.options && l.options.kzLayer) s.add(l.options.kzLayer); });"
                            " return Array.from(s); }")
    assert layers == ["airports"]
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    assert re.search(r"day=2022-01-06.*layers=airports.*view=mangystau", page.url)


def shown_on_map(frame) -> str:
    return frame.evaluate("() => (window.__kzDays.shown || '').split('|')[0]")


def test_the_timeline_strip_moves_the_replay_to_the_day_clicked(page, app_server):
    from dashboard.mapview import AIRPORT_COLOURS
    from tests.browser.test_dashboard import FILL_COLOURS

    frame = open_day(page, app_server, "2022-01-03")
    strip = page.get_by_test_id("kz-timestrip")
    # Directly under the day's controls, above the headline.
    slider = page.locator(".st-key-day").bounding_box()
    box = strip.bounding_box()
    headline = page.get_by_test_id("kz-headline")
    assert slider["y"] + slider["height"] <= box["y"] < headline.bounding_box()["y"]
    assert box["width"] >= 0.9 * page.locator(".kz-headline").bounding_box()["width"]
    # A click on a day far from the shown one: the headline, the slider, the map, the
    # frame in the strip and the address all follow.
    page.locator(".kz-strip-col[data-day='2022-01-08'] .kz-strip-hit").click()
    page.wait_for_function("() => document.querySelector('.kz-headline')"
                           ".textContent.includes('Sat 8 Jan 2022')")
    frame.wait_for_function("() => window.__kzDays.shown.startsWith('2022-01-08|')")
    wait_for_app(page)
    assert "Sat 8 Jan 2022" in page.locator(".st-key-day").inner_text()
    assert "day=2022-01-08" in page.url
    framed = page.locator(".kz-strip-selected").bounding_box()
    column = page.locator(".kz-strip-col[data-day='2022-01-08'] .kz-strip-hit").bounding_box()
    assert abs((framed["x"] + framed["width"] / 2) - (column["x"] + column["width"] / 2)) < 2
    # A click on a mark: 5 January's unrest, when Almaty's airport was seized.
    page.locator(".kz-strip-col[data-day='2022-01-05'] .kz-mark[data-group='Unrest']").click()
    page.wait_for_function("() => document.querySelector('.kz-headline')"
                           ".textContent.includes('Wed 5 Jan 2022')")
    frame.wait_for_function("() => window.__kzDays.shown.startsWith('2022-01-05|')")
    wait_for_app(page)
    assert frame.evaluate(FILL_COLOURS)["airport-ala"] == AIRPORT_COLOURS["seized"]
    # From the keyboard: Enter on a focused day.
    page.locator(".kz-strip-col[data-day='2022-01-10']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.kz-headline')"
                           ".textContent.includes('Mon 10 Jan 2022')")
    frame.wait_for_function("() => window.__kzDays.shown.startsWith('2022-01-10|')")
    wait_for_app(page)
    # The usual controls still step from there.
    page.get_by_role("button", name="◀ Previous").click()
    page.wait_for_function("() => document.querySelector('.kz-headline')"
                           ".textContent.includes('Sun 9 Jan 2022')")
    assert shown_on_map(frame) == "2022-01-09"
    assert external_requests(page) == []


@pytest.mark.viewport(1920, 1080)
def test_presentation_mode_leaves_the_strip_out(page, app_server):
    open_day(page, app_server, "2022-01-07&present=1")
    assert page.get_by_test_id("kz-timestrip").count() == 0
