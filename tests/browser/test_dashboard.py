"""What only a browser shows: the map drawn offline, in-place updates, no outside requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.mapview import AIRPORT_COLOURS
from tests.browser.conftest import external_requests, map_frame, wait_for_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "days"

FILL_COLOURS = """() => {
  const out = {};
  map_div.eachLayer(l => { if (l.options && l.options.kzLayer === 'airports') {
    out[l.options.kzId] = l.options.fillColor; } });
  return out;
}"""


def open_day(page, server, day: str):
    page.goto(f"{server.url}/?day={day}")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { "
                            "if (l.options && l.options.kzId) n++; }); return n > 0; }")
    return frame


def step(page, label: str) -> None:
    page.get_by_role("button", name=label).click()
    wait_for_app(page)


def test_map_draws_the_days_features_offline(page, app_server):
    frame = open_day(page, app_server, "2022-01-05")
    colours = frame.evaluate(FILL_COLOURS)
    assert colours["airport-ala"] == AIRPORT_COLOURS["seized"]
    unrest = frame.evaluate("() => { const o = []; map_div.eachLayer(l => { if (l.options "
                            "&& l.options.kzLayer === 'unrest') o.push(l.options.kzId); }); "
                            "return o; }")
    assert "almaty-akimat" in unrest  # the burned mayor's office
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    assert frame.locator(".kz-legend").is_visible()
    assert frame.locator(".kz-city", has_text="Almaty").count() == 1
    assert external_requests(page) == []


def test_slider_step_recolours_an_airport_in_place(page, app_server):
    frame = open_day(page, app_server, "2022-01-06")
    assert frame.evaluate(FILL_COLOURS)["airport-nqz"] == AIRPORT_COLOURS["closed"]
    frame.evaluate("() => { window.__kz_marker = 'kept'; window.__kz_map = map_div; }")
    # The viewer zooms in on Almaty. (Leaflet ignores a setView while its opening
    # fit-to-view animation still runs, so wait for that to end first.)
    frame.wait_for_function("() => !map_div._animatingZoom")
    frame.evaluate("() => map_div.setView([43.24, 76.91], 9, {animate: false})")
    assert frame.evaluate("() => map_div.getZoom()") == 9
    step(page, "Next ▶")
    frame.wait_for_function(
        f"() => {{ let c = null; map_div.eachLayer(l => {{ if (l.options && "
        f"l.options.kzLayer === 'airports' && l.options.kzId === 'airport-nqz') "
        f"c = l.options.fillColor; }}); "
        f"return c === '{AIRPORT_COLOURS['limited']}'; }}")
    # The same frame, not reloaded, and the same Leaflet map object: only the layers changed.
    same = map_frame(page)
    assert same.evaluate("() => window.__kz_marker") == "kept"
    assert same.evaluate("() => window.__kz_map === map_div")
    # The viewer's zoom and centre are as they left them.
    assert same.evaluate("() => map_div.getZoom()") == 9
    centre = same.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng]")
    assert centre == pytest.approx([43.24, 76.91], abs=1e-3)
    assert "Fri 7 Jan 2022" in page.locator(".kz-headline").inner_text()
    assert external_requests(page) == []


WATCH_SHOWS = """() => {
  window.__kzSeen = [];
  const keeper = window.__kzDays;
  const show = keeper.unwatchedShow = keeper.unwatchedShow || keeper.show;
  keeper.show = function (key, layers, how) {
    const drawn = show.apply(this, arguments);
    const headline = window.parent.document.querySelector('.kz-headline').textContent;
    window.__kzSeen.push([how || 'step', key.split('|')[0], drawn, headline]);
    return drawn;
  };
}"""


def test_previous_and_next_draw_at_once_from_the_days_the_page_holds(page, app_server):
    """Each step sends the days next to it: a click on Next or Previous, or a key on the
    slider, draws the new day on the map while the page still shows the old one, and the
    server's step for that day then draws nothing again."""
    frame = open_day(page, app_server, "2022-01-06")
    held = frame.evaluate(
        "() => Object.keys(window.__kzDays.cache).map(k => k.split('|')[0]).sort()")
    assert held == ["2022-01-05", "2022-01-06", "2022-01-07"]
    frame.evaluate(WATCH_SHOWS)
    step(page, "Next ▶")
    seen = frame.evaluate("() => window.__kzSeen")
    assert [s[:3] for s in seen] == [["predicted", "2022-01-07", True],
                                     ["step", "2022-01-07", False]]
    assert "Thu 6 Jan 2022" in seen[0][3]  # drawn before the page had the 7th
    assert frame.evaluate(FILL_COLOURS)["airport-nqz"] == AIRPORT_COLOURS["limited"]
    frame.evaluate(WATCH_SHOWS)
    step(page, "◀ Previous")
    seen = frame.evaluate("() => window.__kzSeen")
    assert [s[:3] for s in seen] == [["predicted", "2022-01-06", True],
                                     ["step", "2022-01-06", False]]
    assert frame.evaluate(FILL_COLOURS)["airport-nqz"] == AIRPORT_COLOURS["closed"]
    # The slider's label moves at once under a key (or a drag): a day the page holds is
    # drawn then; a jump to a day it does not hold is drawn by the server's step.
    slider = page.locator("[data-testid^='stSlider'] input[type='range']").first
    frame.evaluate(WATCH_SHOWS)
    slider.press("ArrowRight")
    frame.wait_for_function("() => window.__kzSeen.length >= 2")
    wait_for_app(page)
    seen = frame.evaluate("() => window.__kzSeen")
    assert [s[:3] for s in seen] == [["predicted", "2022-01-07", True],
                                     ["step", "2022-01-07", False]]
    frame.evaluate(WATCH_SHOWS)
    slider.press("End")
    frame.wait_for_function("() => window.__kzSeen.length > 0")
    wait_for_app(page)
    seen = frame.evaluate("() => window.__kzSeen")
    assert [s[:3] for s in seen] == [["step", "2022-01-10", True]]
    assert frame.evaluate(FILL_COLOURS)["airport-ala"] == AIRPORT_COLOURS["closed"]
    assert external_requests(page) == []


def test_every_day_screenshot_and_no_outside_request(page, app_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    open_day(page, app_server, "2022-01-02")
    for number in range(2, 11):
        day = f"2022-01-{number:02d}"
        frame = map_frame(page)
        frame.wait_for_function(
            "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
        assert page.get_by_text(f"{number} Jan 2022").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / f"{day}.png"))
        if number < 10:
            step(page, "Next ▶")
    assert len(list(ARTIFACTS.glob("2022-01-*.png"))) == 9
    assert external_requests(page) == []


@pytest.mark.viewport(390, 844)
def test_phone_width_has_no_sideways_scroll(page, app_server):
    open_day(page, app_server, "2022-01-07")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1


def _boxes(page):
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    panel_box = page.get_by_text("Figures as of this day").bounding_box()
    return frame_box, panel_box


def test_wide_screen_puts_the_panel_beside_the_map(page, app_server):
    open_day(page, app_server, "2022-01-07")
    frame_box, panel_box = _boxes(page)
    assert panel_box["x"] >= frame_box["x"] + frame_box["width"]
    assert panel_box["y"] < frame_box["y"] + frame_box["height"]


@pytest.mark.viewport(390, 844)
def test_narrow_screen_puts_the_panel_below_the_map(page, app_server):
    open_day(page, app_server, "2022-01-07")
    frame_box, panel_box = _boxes(page)
    assert panel_box["y"] >= frame_box["y"] + frame_box["height"]
    assert frame_box["width"] <= 390


LAYER_COUNTS = """() => { const n = {}; map_div.eachLayer(l => {
  const k = l.options && l.options.kzLayer; if (k) n[k] = (n[k] || 0) + 1; }); return n; }"""


def test_steps_keep_only_the_current_days_groups(page, app_server):
    """streamlit-folium's list of added groups holds this step's groups, not every step's."""
    frame = open_day(page, app_server, "2022-01-05")
    groups = frame.evaluate("() => window.feature_group.length")
    for label in ("Next ▶", "Next ▶", "◀ Previous", "Next ▶"):
        step(page, label)
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    assert frame.evaluate("() => window.feature_group.length") == groups
    on_map = frame.evaluate("() => window.feature_group.filter(g => map_div.hasLayer(g)).length")
    assert on_map == groups


def test_a_step_writes_nothing_on_the_map_container(page, app_server):
    """The map's modes (presentation, picking) are the same before and after a day step:
    nothing is written on its container (no class removed and set again)."""
    frame = open_day(page, app_server, "2022-01-05")
    frame.evaluate("""() => { window.__kzMutations = [];
      new MutationObserver(ms => ms.forEach(m => window.__kzMutations.push(m.attributeName)))
        .observe(map_div.getContainer(), {attributes: true}); }""")
    for label in ("Next ▶", "◀ Previous"):
        step(page, label)
    page.wait_for_timeout(500)
    assert frame.evaluate("() => window.__kzMutations") == []


def test_state_of_emergency_areas_lie_beneath_the_points(page, app_server):
    """The regions' outlines arrive from the basemap after the step's other layers; they are
    still drawn first, so the airports and protest sites stay visible and clickable."""
    frame = open_day(page, app_server, "2022-01-07")
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'emergency') n++; }); return n > 0; }")
    order = frame.evaluate("""() => {
      const paths = Array.from(document.querySelectorAll('.leaflet-overlay-pane path'));
      const kind = {};
      map_div.eachLayer(l => { if (l._path && l.options.kzLayer) kind[paths.indexOf(l._path)]
        = l.options.kzLayer; });
      return Object.keys(kind).map(Number).sort((a, b) => a - b).map(i => kind[i]);
    }""")
    last_region = max(i for i, k in enumerate(order) if k == "emergency")
    first_point = min(i for i, k in enumerate(order) if k in ("airports", "unrest"))
    assert last_region < first_point
    counts = frame.evaluate(LAYER_COUNTS)
    # Nationwide on 7 January: every region, outlined, and the two cities with their own
    # state of emergency (Shymkent) or curfew (Taraz).
    assert counts["emergency"] == 18


@pytest.mark.viewport(390, 844)
def test_day_buttons_are_clear_of_the_header_on_a_phone(page, app_server):
    open_day(page, app_server, "2022-01-07")
    header = page.locator("[data-testid=stHeader]").bounding_box()
    for name in ("◀ Previous", "Next ▶"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["y"] >= header["y"] + header["height"], name
    page.get_by_role("button", name="◀ Previous").click(timeout=5000)  # not intercepted
    wait_for_app(page)
    assert "Thu 6 Jan 2022" in page.locator(".kz-headline").inner_text()


def control_ring(frame, place_id: str):
    """The fill colour and tooltip of the mark that shows a place on the "who held it" layer
    (sites known only by their city share one ring, which names them all), or None."""
    return frame.evaluate("""(id) => { let found = null; map_div.eachLayer(l => {
      if (l.options && l.options.kzLayer === 'control' && l.feature) {
        const p = l.feature.properties;
        if (p.id === id || (p.ids || []).includes(id)) {
          found = [l.options.fillColor, l.getTooltip() && l.getTooltip().getContent()]; } }
      }); return found; }""", place_id)


def test_a_site_outside_almaty_changes_hands_day_by_day(page, app_server):
    """Taraz: the Jambyl regional akimat is not reported held on 4 January, seized by
    protesters on 5 January and back with the authorities on 6 January (while the city's
    police building was still fought over); Aktobe's akimat is held from 5 January. Each step
    redraws the layer in place."""
    from dashboard.mapview import CONTROL_COLOURS

    wait_ring = """([id, colour]) => { let ok = false; map_div.eachLayer(l => {
      if (l.options && l.options.kzLayer === 'control' && l.feature) {
        const p = l.feature.properties;
        if ((p.id === id || (p.ids || []).includes(id)) && l.options.fillColor === colour) {
          ok = true; } } }); return ok; }"""
    frame = open_day(page, app_server, "2022-01-04")
    assert control_ring(frame, "taraz-regional-akimat") is None
    step(page, "Next ▶")
    frame.wait_for_function(wait_ring, arg=["taraz-regional-akimat",
                                            CONTROL_COLOURS["protesters"]])
    colour, tooltip = control_ring(frame, "taraz-regional-akimat")
    assert "Jambyl regional akimat" in tooltip and "held by protesters" in tooltip
    assert control_ring(frame, "aktobe-regional-akimat")[0] == CONTROL_COLOURS["protesters"]
    step(page, "Next ▶")
    # The ring shows its gravest: the police building, still fought over.
    frame.wait_for_function(wait_ring, arg=["taraz-regional-akimat",
                                            CONTROL_COLOURS["contested"]])
    colour, tooltip = control_ring(frame, "taraz-regional-akimat")
    akimat = next(line for line in tooltip.split("<br>") if "Jambyl regional akimat" in line)
    assert "held by the authorities" in akimat and "somewhere in Taraz" in akimat
    assert control_ring(frame, "aktobe-regional-akimat")[0] == CONTROL_COLOURS["protesters"]
    assert "Thu 6 Jan 2022" in page.locator(".kz-headline").inner_text()
    if frame.locator(".kz-legend-toggle").get_attribute("aria-expanded") == "false":
        frame.locator(".kz-legend-toggle").click()  # folded on a map this narrow
    legend = frame.locator(".kz-legend").inner_text()
    assert "Held by protesters" in legend and "Held by the authorities" in legend
    assert external_requests(page) == []


WATER_PATHS = """() => {
  const paths = Array.from(document.querySelectorAll('.leaflet-basemap-pane path'));
  const kind = p => p.getAttribute('stroke') === '#6baed6' ? 'water'
    : p.getAttribute('stroke-dasharray') === '3 3' ? 'region' : 'other';
  return {kinds: paths.map(kind),
          water: paths.filter(p => kind(p) === 'water').map(p => [p.getAttribute('fill'),
            p.getAttribute('fill-opacity'), getComputedStyle(p).pointerEvents,
            p.getAttribute('tabindex'), p.getAttribute('role')])};
}"""
# The place a point of Lake Balkhash is drawn, and what the viewer's click there reaches.
HIT_ON_BALKHASH = """() => {
  const at = map_div.latLngToContainerPoint([46.5, 74.5]);
  const box = map_div.getContainer().getBoundingClientRect();
  const el = document.elementFromPoint(box.left + at.x, box.top + at.y);
  let hit = null;
  map_div.eachLayer(l => { if (l._path === el && l.options.kzLayer) hit = l.options.kzLayer; });
  return [el && el.closest('.leaflet-pane') && el.closest('.leaflet-pane').className, hit];
}"""


def test_lakes_are_drawn_under_the_outlines_and_the_days_layers_and_credited(page,
                                                                                app_server,
                                                                                scenario):
    """The lakes are drawn in water's colour above the land and under the region outlines,
    in the basemap's pane under the day's layers: a click on Lake Balkhash on 7 January
    reaches the nationwide state of emergency drawn over it. They take no keyboard stop, and
    the map credits their source and licence."""
    frame = open_day(page, app_server, "2022-01-07")
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                            "l.options.kzLayer === 'emergency') n++; }); return n > 0; }")
    drawn = frame.evaluate(WATER_PATHS)
    kinds = drawn["kinds"]
    assert kinds.count("water") == len(scenario.water["features"]) > 100
    assert kinds.count("region") == 16
    assert max(i for i, k in enumerate(kinds) if k == "water") < kinds.index("region")
    assert kinds.index("water") > 0  # after the land
    assert {tuple(w) for w in drawn["water"]} == {("#c6dbef", "1", "none", None, None)}
    panes = frame.evaluate("() => [getComputedStyle(map_div.getPane('basemap')).zIndex, "
                           "getComputedStyle(map_div.getPane('overlayPane')).zIndex]")
    assert int(panes[0]) < int(panes[1])
    pane, hit = frame.evaluate(HIT_ON_BALKHASH)
    assert "leaflet-overlay-pane" in pane and hit == "emergency"
    credit = frame.locator(".leaflet-control-attribution")
    assert credit.is_visible()
    text = credit.inner_text()
    assert "Lakes © OpenStreetMap contributors (ODbL)" in text
    link = credit.get_by_role("link", name="OpenStreetMap")
    assert link.get_attribute("href") == "https://www.openstreetmap.org/copyright"
    credit.scroll_into_view_if_needed()
    box, shown = credit.bounding_box(), map_frame(page).locator(".leaflet-container").bounding_box()
    assert box["y"] + box["height"] <= shown["y"] + shown["height"] + 1
    assert external_requests(page) == []
