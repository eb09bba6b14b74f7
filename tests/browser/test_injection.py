"""Script injection: every text field of the data holds markup and script (tests/hostile_text.py).
In the app's panels, tooltips, popups and search, and in the exported page, nothing runs and
the markup is shown as text."""

from __future__ import annotations

import pytest

from dashboard.export import day_html
from dashboard.scenario import load_scenario
from dashboard.timeline import as_of
from tests.browser.conftest import external_requests, map_frame, wait_for_app
from tests.hostile_text import MARK, hostile_copy

OPEN_ALL = """() => {
  let n = 0;
  map_div.eachLayer(l => { if (l.options && l.options.kzLayer) {
    if (l.getPopup && l.getPopup()) { l.openPopup(); n++; }
    if (l.getTooltip && l.getTooltip()) { l.openTooltip(); n++; }
  } });
  return n;
}"""
RAN = f"() => window.top.{MARK} || null"


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile_copy(tmp_path_factory.mktemp("hostile") / "geodata")


@pytest.fixture(scope="module")
def hostile_server(streamlit_server, hostile_dir):
    return streamlit_server(env={"DASHBOARD_DATA": str(hostile_dir)})


def test_nothing_in_the_data_runs_in_the_app(page, hostile_server, hostile_dir):
    assert load_scenario(hostile_dir).problems == ()
    page.goto(f"{hostile_server.url}/?day=2022-01-05")
    wait_for_app(page)
    for day in range(5, 11):
        frame = map_frame(page)
        frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options "
                                "&& l.options.kzId) n++; }); return n > 0; }")
        assert frame.evaluate(OPEN_ALL) > 0
        # Shown as text: the markup is visible, not interpreted.
        headline = page.get_by_test_id("kz-headline").inner_text()
        assert "headlines.csv.headline" in headline and "<img src=x" in headline
        assert "{{7*7}}" in headline and "49" not in headline
        popups = frame.locator(".leaflet-popup-content, .leaflet-tooltip").all_inner_texts()
        assert any("<script>" in text for text in popups)
        assert frame.evaluate(RAN) is None and page.evaluate(RAN) is None, day
        if day < 10:
            page.get_by_role("button", name="Next ▶").click()
            wait_for_app(page)
    panel = page.locator("section.main, [data-testid=stMain]").first.inner_text()
    for field in ("events.csv.summary", "sources.csv.publisher", "places.csv.name"):
        assert field in panel, field
    assert page.evaluate(RAN) is None
    assert external_requests(page) == []


def test_search_answers_hostile_names_as_text(page, hostile_server):
    page.goto(f"{hostile_server.url}/?day=2022-01-07")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Find a place")
    box.fill("Almaty International Airport")
    box.press("Enter")
    page.get_by_test_id("kz-verdict").wait_for()
    wait_for_app(page)
    text = page.get_by_test_id("kz-verdict").inner_text()
    assert "places.csv.name" in text and "<img src=x" in text
    # Labels render Markdown: the data's text in them is shown as typed, no link or image made.
    labels = {
        "traveller": page.get_by_test_id("stExpander").filter(has_text="For a traveller at"),
        "camera": page.locator("[data-testid=stButtonGroup]").filter(
            has_text="neighbours.geojson.name"),
    }
    for name, label in labels.items():
        shown = label.first.inner_text()
        assert "**bold**" in shown and "[md](javascript:" in shown, name
        assert label.first.locator("a, img").count() == 0, name
    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar opens folded
    page.get_by_test_id("stSidebar").get_by_text("About the data").click()
    about = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
        has_text="About the data").first
    assert "scenario.json.utc_offset" in about.inner_text()
    assert about.locator("img").count() == 0
    assert external_requests(page) == []
    frame = map_frame(page)
    frame.evaluate(OPEN_ALL)
    assert frame.evaluate(RAN) is None and page.evaluate(RAN) is None


def test_the_exported_page_runs_nothing_from_the_data(browser, hostile_dir, tmp_path):
    scenario = load_scenario(hostile_dir)
    for day in scenario.days[3:6]:
        path = tmp_path / f"{day}.html"
        path.write_text(day_html(as_of(scenario, day), scenario), encoding="utf-8")
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_function("() => document.documentElement.dataset.kzReady === '1'")
            assert page.evaluate("() => { let n = 0; window.kzMap.eachLayer(l => { if "
                                 "(l.options && l.options.kzLayer) { if (l.getPopup()) "
                                 "{ l.openPopup(); n++; } } }); return n; }") > 0
            body = page.locator("body").inner_text()
            assert "headlines.csv.headline" in body and "<script>" in body
            assert page.evaluate(RAN) is None
        finally:
            context.close()


@pytest.mark.parametrize("query", [
    "day=<script>top.__kzPwned=1</script>&layers=<img src=x onerror=top.__kzPwned=1>",
    "day=" + "9" * 4000 + "&view=" + "%F0%9F%92%A5" * 200 + "&present=%00",
    "day=2022-01-07&day=javascript:top.__kzPwned=1&layers=,,,,&view=%22%3E%3Csvg/onload=top."
    "__kzPwned=1%3E",
])
def test_a_hostile_link_opens_a_sane_default_with_a_notice(page, app_server, query):
    page.goto(f"{app_server.url}/?{query}")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options "
                            "&& l.options.kzId) n++; }); return n > 0; }")
    toasts = page.get_by_test_id("stToast")
    toasts.first.wait_for()
    for text in toasts.all_inner_texts():
        assert len(text) < 250 and "<" not in text
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.evaluate(RAN) is None and frame.evaluate(RAN) is None
    assert "day=2022-01-0" in page.url and "script" not in page.url
    assert external_requests(page) == []
