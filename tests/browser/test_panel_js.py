"""The day panel's own code, dashboard/static/kz/panel.js, in a bare page in Chromium (no
Streamlit): mounted as Streamlit mounts a component, it shows the server's panel, keeps its
elements (an opened "Sources") when the same panel comes again, replaces them for another day,
and shows the data's hostile text as text (it was escaped where the HTML was written)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.scenario import load_scenario
from dashboard.settings import DEFAULT_DATA_DIR
from dashboard.timeline import as_of
from dashboard.ui import panel_html
from tests.browser.conftest import component_page, mount_component


@pytest.fixture
def panel(browser):
    yield from component_page(browser, 600, 800)


def mount(page, html: str) -> None:
    mount_component(page, "panel.js", "kz_daypanel", {"html": html})


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DEFAULT_DATA_DIR)


def day_panel(scenario, day: date) -> str:
    return panel_html(as_of(scenario, day), scenario, 0)


def test_it_shows_the_days_events_and_keeps_them_for_the_same_panel(panel, scenario):
    html = day_panel(scenario, date(2022, 1, 5))
    mount(panel, html)
    state = as_of(scenario, date(2022, 1, 5))
    shown = panel.locator("[data-testid='kz-day-panel'] .kz-events > li")
    assert shown.count() == min(len(state.events), 50)
    first = panel.locator(".kz-events > li details").first
    first.locator("summary").click()
    assert first.evaluate("d => d.open")
    panel.evaluate("html => { render({html}); render({html}); }", html)
    assert panel.locator("[data-testid='kz-day-panel']").count() == 1
    assert first.evaluate("d => d.open")  # the same elements: nothing was put in again
    # Another day replaces them.
    other = day_panel(scenario, date(2022, 1, 9))
    panel.evaluate("html => render({html})", other)
    ids = panel.locator(".kz-events > li").evaluate_all(
        "els => els.map(e => e.getAttribute('data-event'))")
    assert ids == [e.id for e in as_of(scenario, date(2022, 1, 9)).events][:50]
    assert not panel.locator(".kz-events > li details").first.evaluate("d => d.open")


def test_hostile_text_from_the_data_stays_text(panel, tmp_path):
    from tests.hostile_text import hostile_copy

    hostile = load_scenario(hostile_copy(tmp_path / "geodata"))
    mount(panel, day_panel(hostile, date(2022, 1, 7)))
    text = panel.locator("[data-testid='kz-day-panel']").inner_text()
    assert "<img src=x" in text and "<script>" in text  # shown as the data's own text
    assert panel.locator("[data-testid='kz-day-panel'] img, "
                         "[data-testid='kz-day-panel'] script").count() == 0
    assert panel.evaluate("() => window.__kzPwned") is None
