"""The screen as each user sees it, at four sizes: a 1600x1000 and a 1366x768 laptop, a
1920x1080 screen in presentation mode and a 390x844 phone. At each, the map takes the larger
part of the first screen, the legend starts open or folded as the map's width asks and never
covers the area the camera frames, and axe-core (from npm, see dev.py) finds no serious or
critical accessibility problem in the page or in the map's frame. A screenshot of each is
kept in test-artifacts/layout/."""

from __future__ import annotations

import json

import pytest

from dashboard.cameras import cameras
from harness.browser import ARTIFACTS, axe_script
from tests.browser.conftest import external_requests, wait_for_app
from tests.browser.test_dashboard import open_day

# name, width, height, link, the map's least share of the first screen, legend open at first
# The share is the map's visible box over the window's area. 0.5: the map is the larger part
# of the first screen. In presentation, beside the large headline and figures, 0.6 (a
# 1920x1080 screen gives the map about 0.66). On a phone the columns stack: the map comes
# first, under the day's controls, and takes 0.5 too.
LAYOUTS = [
    ("laptop-1600x1000", 1600, 1000, "", 0.5, True),
    ("laptop-1366x768", 1366, 768, "", 0.5, False),
    ("presentation-1920x1080", 1920, 1080, "&present=1", 0.6, True),
    ("phone-390x844", 390, 844, "", 0.5, False),
]
MAP = 'iframe[title="streamlit_folium.st_folium"]'
SERIOUS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

LEGEND = """() => { const b = document.querySelector('.kz-legend-toggle');
  const r = document.querySelector('.kz-legend').getBoundingClientRect();
  return {expanded: b.getAttribute('aria-expanded'),
          hidden: document.querySelector('.kz-legend-body').hidden,
          box: [r.left, r.top, r.right, r.bottom]}; }"""
# The framed bounds in the map's pixels, [left, top, right, bottom].
FRAMED = """b => { const sw = map_div.latLngToContainerPoint([b[0], b[1]]);
  const ne = map_div.latLngToContainerPoint([b[2], b[3]]);
  const c = map_div.getContainer().getBoundingClientRect();
  return [sw.x + c.left, ne.y + c.top, ne.x + c.left, sw.y + c.top]; }"""


# True when the page's focus is on a control after the map's frame, outside it.
AFTER_MAP = """sel => { const f = document.querySelector(sel), a = document.activeElement;
  return a !== f && a !== document.body && !!(f.compareDocumentPosition(a) & 4); }"""


def overlap(a: list[float], b: list[float]) -> float:
    """The area two [left, top, right, bottom] boxes share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def visible_share(page, width: int, height: int) -> float:
    box = page.locator(MAP).bounding_box()
    seen_w = max(0.0, min(box["x"] + box["width"], width) - max(box["x"], 0))
    seen_h = max(0.0, min(box["y"] + box["height"], height) - max(box["y"], 0))
    return seen_w * seen_h / (width * height)


def axe(target) -> list[dict]:
    """axe-core's serious and critical violations in a page or frame (its own frames apart:
    the map's frame is checked on its own)."""
    target.add_script_tag(path=str(axe_script()))
    result = target.evaluate(
        "tags => axe.run(document, {iframes: false, runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))", AXE_TAGS)
    return [v for v in result if v["impact"] in SERIOUS]


def wait_for_fit(frame) -> None:
    frame.wait_for_function("() => map_div.__kzFit && !map_div._animatingZoom")
    frame.page.wait_for_timeout(300)  # a late style may still resize the legend: refit


@pytest.mark.parametrize(("name", "width", "height", "link", "least", "open_first"), LAYOUTS,
                         ids=[layout[0] for layout in LAYOUTS])
def test_layout(browser, app_server, scenario, name, width, height, link, least, open_first):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page.requests = requests  # type: ignore[attr-defined]
    try:
        frame = open_day(page, app_server, f"2022-01-07{link}")
        frame.wait_for_function(
            "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
        wait_for_fit(frame)
        out = ARTIFACTS / "layout"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{name}.png"))

        # The map is the larger part of the first screen, all of it in the window's width.
        share = visible_share(page, width, height)
        assert share >= least, f"the map takes {share:.2f} of the first screen"
        # The country fills the frame: its width spans most of the map's.
        views = cameras(scenario)
        framed = frame.evaluate(FRAMED, list(views["kazakhstan"].bounds))
        map_width = frame.evaluate("() => map_div.getSize().x")
        assert framed[2] - framed[0] >= 0.55 * map_width

        # The legend starts open on a wide map, folded on a narrow one, and never covers the
        # framed country.
        legend = frame.evaluate(LEGEND)
        assert legend["expanded"] == ("true" if open_first else "false")
        assert legend["hidden"] is (not open_first)
        assert overlap(legend["box"], framed) <= 1.0, (legend, framed)

        # Opened (or folded) from the keyboard: the view is framed again clear of it, and a
        # camera preset is framed clear of it too.
        toggle = frame.locator(".kz-legend-toggle")
        toggle.focus()
        frame.page.keyboard.press("Enter")
        assert frame.evaluate(LEGEND)["expanded"] == ("false" if open_first else "true")
        if open_first:
            frame.page.keyboard.press("Enter")  # open again for the checks below
        wait_for_fit(frame)
        legend = frame.evaluate(LEGEND)
        assert legend["expanded"] == "true"
        assert overlap(legend["box"], frame.evaluate(FRAMED, list(views["kazakhstan"].bounds))
                       ) <= 1.0
        preset = views["almaty"]
        page.get_by_role("radio", name=preset.label, exact=True).click()
        wait_for_app(page)
        frame.wait_for_function("() => String(window.__kzCamera).startsWith('almaty:')")
        wait_for_fit(frame)
        legend = frame.evaluate(LEGEND)
        assert overlap(legend["box"], frame.evaluate(FRAMED, list(preset.bounds))) <= 1.0
        page.screenshot(path=str(out / f"{name}-almaty-legend-open.png"))

        # The legend's state is remembered: a reload opens it as it was left.
        page.reload()
        wait_for_app(page)
        frame = open_day(page, app_server, f"2022-01-07{link}")
        assert frame.evaluate(LEGEND)["expanded"] == "true"

        # No serious accessibility problem in the page or the map.
        problems = {"page": axe(page.main_frame), "map": axe(frame)}
        (out / f"{name}-axe.json").write_text(json.dumps(problems, indent=1))
        assert problems == {"page": [], "map": []}

        # The map's first keyboard stop skips its features to the page's next control.
        frame.locator(".kz-skip").focus()
        frame.page.keyboard.press("Enter")
        assert page.evaluate(AFTER_MAP, MAP), "the focus did not move past the map"
        assert external_requests(page) == []
    finally:
        context.close()
