"""The strip's own code, dashboard/static/kz/timestrip.js, in a bare page in Chromium (no
Streamlit): mounted as Streamlit mounts a component, a click or a key on a day sends that day,
a column of several days sends the day under the pointer, and a render with the same strip
keeps its elements and its one listener."""

from __future__ import annotations

import pytest

from dashboard import timestrip
from dashboard.scenario import load_scenario
from dashboard.settings import DEFAULT_DATA_DIR
from tests.browser.conftest import component_page, mount_component


@pytest.fixture
def strip(browser):
    yield from component_page(browser, 1200, 400, "width:1000px")


def mount(page, svg: str) -> None:
    mount_component(page, "timestrip.js", "kz_timestrip", {"svg": svg})


def test_a_click_on_a_day_or_its_mark_sends_the_day(strip):
    scenario = load_scenario(DEFAULT_DATA_DIR)
    mount(strip, timestrip.static_svg(scenario))
    strip.locator(".kz-strip-col[data-day='2022-01-08'] .kz-strip-hit").click()
    strip.locator(".kz-strip-col[data-day='2022-01-05'] .kz-mark").first.click()
    assert strip.evaluate("sent") == [["day", "2022-01-08"], ["day", "2022-01-05"]]
    # Outside any day (a lane's label): nothing.
    strip.locator(".kz-lane-label").first.click()
    assert len(strip.evaluate("sent")) == 2


def test_enter_or_space_on_a_focused_day_sends_it(strip):
    scenario = load_scenario(DEFAULT_DATA_DIR)
    mount(strip, timestrip.static_svg(scenario))
    column = strip.locator(".kz-strip-col[data-day='2022-01-03']")
    column.focus()
    strip.keyboard.press("Enter")
    strip.locator(".kz-strip-col[data-day='2022-01-10']").focus()
    strip.keyboard.press(" ")
    strip.keyboard.press("a")  # any other key: nothing
    assert strip.evaluate("sent") == [["day", "2022-01-03"], ["day", "2022-01-10"]]


def test_a_render_with_the_same_strip_keeps_it_and_listens_once(strip):
    scenario = load_scenario(DEFAULT_DATA_DIR)
    svg = timestrip.static_svg(scenario)
    mount(strip, svg)
    strip.evaluate("document.querySelector('.kz-timestrip').dataset.kept = 'yes'")
    strip.evaluate("svg => { render({svg}); render({svg}); }", svg)
    assert strip.evaluate("document.querySelector('.kz-timestrip').dataset.kept") == "yes"
    assert strip.locator(".kz-timestrip").count() == 1
    strip.locator(".kz-strip-col[data-day='2022-01-06'] .kz-strip-hit").click()
    assert strip.evaluate("sent") == [["day", "2022-01-06"]]
    # Another strip (a reloaded scenario) replaces it.
    strip.evaluate("svg => render({svg: svg.replace('data-day=\\'2022-01-06\\'', "
                   "'data-day=\\'2022-02-06\\'')})", svg)
    strip.locator(".kz-strip-col[data-day='2022-02-06'] .kz-strip-hit").click()
    assert strip.evaluate("sent")[-1] == ["day", "2022-02-06"]


def test_a_column_of_several_days_sends_the_day_under_the_pointer(strip):
    svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='800' height='40' "
           "viewBox='0 0 80 4'><g class='kz-strip-col' data-day='2022-12-28' data-days='8' "
           "tabindex='0' role='button'>"
           "<rect class='kz-strip-hit' x='0' y='0' width='80' height='4'/></g></svg>")
    mount(strip, svg)
    hit = strip.locator(".kz-strip-hit")
    for x, day in ((5, "2022-12-28"), (650, "2023-01-03"), (799, "2023-01-04")):
        hit.click(position={"x": x, "y": 20})
        assert strip.evaluate("sent")[-1] == ["day", day]
    # From the keyboard: the column's first day.
    strip.locator(".kz-strip-col").focus()
    strip.keyboard.press("Enter")
    assert strip.evaluate("sent")[-1] == ["day", "2022-12-28"]
