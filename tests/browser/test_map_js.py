"""The map page's own code, dashboard/static/kz/map.js, in a bare page in Chromium
(Leaflet and the script only, no Streamlit): drawing, keeping, showing, predicting, evicting,
a reloaded scenario's days, region outlines arriving late, hostile text, the messages'
version, and hearing the controls the server names."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import pagefiles
from dashboard.export import leaflet_assets
from dashboard.mapview import PROTOCOL, StepControls, days_message, script_json

DAYS = ["2022-01-02", "2022-01-03", "2022-01-04", "2022-01-05"]


def layer(*ids: str, tooltip: str = "tip") -> list:
    """One day's layers as a step sends them: [[layer, FeatureCollection JSON, by region]]."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.9, 43.2]},
                 "properties": {"id": i, "px": 8, "tooltip": tooltip, "popup": f"<b>{i}</b>",
                                "style": {"color": "#123456"}}} for i in ids]
    return [["unrest", {"type": "FeatureCollection", "features": features}, False]]


@pytest.fixture
def bare(browser):
    css, leaflet = leaflet_assets()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(map_page(days_message([date.fromisoformat(d) for d in DAYS], None, 3)))
    yield page
    context.close()
    assert errors == []


def map_page(message: dict) -> str:
    """A page with Leaflet, map.js and a keeper made from a ``days`` message."""
    css, leaflet = leaflet_assets()
    return (f"<!DOCTYPE html><html><head><style>{css}</style><script>{leaflet}</script>"
            f"{pagefiles.style('map.css')}{pagefiles.script('map.js')}</head><body>"
            "<div id='map' style='width:600px;height:400px'></div><script>"
            "window.map_div = L.map('map').setView([43.2, 76.9], 8);"
            f"window.keeper = kz.dayKeeper(map_div, {script_json(message)});"
            f"kz.hearSteps(window.keeper, {script_json(message)}.controls);"
            "</script></body></html>")


def drawn(page) -> list[str]:
    return page.evaluate("""() => { const ids = []; map_div.eachLayer(l => {
        if (l.options && l.options.kzId) ids.push(l.options.kzId); }); return ids.sort(); }""")


def test_show_draws_a_day_once_and_keep_holds_the_neighbours(bare):
    assert bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|unrest|v1",
                                                           layer("a", "b")])
    assert drawn(bare) == ["a", "b"]
    # The server's step for the day already shown draws nothing again.
    assert bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|unrest|v1",
                                                           layer("a", "b")]) is False
    assert drawn(bare) == ["a", "b"]
    kinds = bare.evaluate("() => { const k = []; map_div.eachLayer(l => { if (l.options && "
                          "l.options.kzLayer) k.push(l.options.kzLayer); }); return k; }")
    assert set(kinds) == {"unrest"}


def test_predict_shows_a_kept_neighbour_at_once_and_only_a_kept_one(bare):
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|unrest|v1", layer("a")])
    bare.evaluate("([k, l]) => keeper.keep(k, l)", ["2022-01-04|unrest|v1", layer("c")])
    assert bare.evaluate("() => keeper.predict(1)") is True
    assert drawn(bare) == ["c"]
    assert bare.evaluate("() => keeper.shown") == "2022-01-04|unrest|v1"
    assert bare.evaluate("() => keeper.log[keeper.log.length - 1]") == [
        "predicted", "2022-01-04|unrest|v1", True]
    assert bare.evaluate("() => keeper.predict(1)") is False  # 5 January was never sent
    assert bare.evaluate("() => keeper.predict(-1)") is True  # back to the 3rd, kept
    assert drawn(bare) == ["a"]
    assert bare.evaluate("() => keeper.predictDay(2)") is True  # the slider's index
    assert drawn(bare) == ["c"]
    assert bare.evaluate("() => keeper.predictDay(NaN)") is False
    assert bare.evaluate("() => keeper.predict(5)") is False  # beyond the last day


def test_a_reloaded_scenario_is_never_predicted_from_the_old_days(bare):
    """Keys carry the data's version: a day kept under another version (or another choice of
    layers) is not a neighbour of the day shown."""
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|unrest|v1", layer("a")])
    bare.evaluate("([k, l]) => keeper.keep(k, l)", ["2022-01-04|unrest|v2", layer("new")])
    bare.evaluate("([k, l]) => keeper.keep(k, l)", ["2022-01-02|unrest,zones|v1", layer("z")])
    assert bare.evaluate("() => keeper.predict(1)") is False
    assert bare.evaluate("() => keeper.predict(-1)") is False
    assert drawn(bare) == ["a"]


def test_eviction_keeps_the_limit_and_never_the_shown_day(bare):
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-02|unrest|v1", layer("shown")])
    for day in DAYS[1:]:
        bare.evaluate("([k, l]) => keeper.keep(k, l)", [f"{day}|unrest|v1", layer(day)])
    kept = bare.evaluate("() => Object.keys(keeper.cache).sort()")
    assert len(kept) == 3 and "2022-01-02|unrest|v1" in kept
    assert bare.evaluate("() => keeper.order.length") == 3
    # Keeping a day again refreshes it without growing the cache.
    bare.evaluate("([k, l]) => keeper.keep(k, l)", ["2022-01-05|unrest|v1", layer("again")])
    assert len(bare.evaluate("() => Object.keys(keeper.cache)")) == 3


def test_region_outlines_arrive_late_and_a_newer_day_wins(bare):
    """With byRegion, outlines come from the basemap promise; if another day is shown before
    it resolves, the old day's regions are not drawn into the new day."""
    bare.evaluate("""() => {
      let release;
      window.__kzBasemap = new Promise(r => { release = r; });
      window.releaseBasemap = () => release({features: [{type: 'Feature', properties:
        {layer: 'region', id: 'KZ-X'}, geometry: {type: 'Polygon', coordinates:
        [[[76, 43], [77, 43], [77, 44], [76, 44], [76, 43]]]}}]});
    }""")
    regions = [["emergency", {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None,
         "properties": {"id": "KZ-X", "region": "KZ-X", "style": {"color": "#d94801"}}},
        {"type": "Feature", "geometry": None,
         "properties": {"id": "KZ-NONE", "region": "KZ-NONE", "style": {}}}]}, True]]
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|emergency|v1", regions])
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-04|emergency|v1", regions])
    bare.evaluate("() => window.releaseBasemap()")
    bare.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { if (l.options && "
                           "l.options.kzLayer === 'emergency') n++; }); return n > 0; }")
    bare.wait_for_timeout(100)
    # One outline (the region the basemap holds; the unknown one dropped), drawn once.
    assert drawn(bare) == ["KZ-X"]


def test_hostile_text_stays_text(bare):
    hostile = "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; &amp; {{ 7*7 }}"
    key = '2022-01-03|unrest|"v1</script>'
    bare.evaluate("([k, l]) => keeper.show(k, l)", [key, layer("x'\"<b>", tooltip=hostile)])
    assert drawn(bare) == ["x'\"<b>"]
    bare.evaluate("() => map_div.eachLayer(l => { if (l.openTooltip && l.options.kzId) "
                  "l.openTooltip(); })")
    tip = bare.locator(".leaflet-tooltip")
    assert tip.count() == 1
    assert tip.inner_text() == '<img src=x onerror="window.__pwned=1"> & {{ 7*7 }}'
    assert bare.locator(".leaflet-tooltip img").count() == 0
    assert bare.evaluate("() => window.__pwned === undefined")
    assert bare.evaluate("() => keeper.shown") == key


def test_hear_steps_does_nothing_outside_a_frame(bare):
    """In a page of its own (no Streamlit around it) there are no buttons to hear: no error,
    and the server's steps alone would draw."""
    assert bare.evaluate("() => window.__kzHeard === undefined")


def test_a_step_message_keeps_and_shows_and_another_version_is_refused(bare):
    step = {"v": PROTOCOL, "key": "2022-01-03|unrest|v1", "layers": layer("a"),
            "kept": [["2022-01-04|unrest|v1", layer("c")]]}
    bare.evaluate("(m) => kz.dayStep(keeper, m)", step)
    assert drawn(bare) == ["a"] and "2022-01-04|unrest|v1" in bare.evaluate(
        "() => Object.keys(keeper.cache)")
    newer = {**step, "v": PROTOCOL + 1, "key": "2022-01-04|unrest|v1", "layers": layer("z")}
    bare.evaluate("(m) => kz.dayStep(keeper, m)", newer)
    assert drawn(bare) == ["a"]  # nothing drawn from a message it does not know
    assert bare.evaluate("() => window.__kzRefused") == [PROTOCOL + 1]
    assert bare.evaluate("(m) => kz.dayKeeper(map_div, m)",
                         {"v": 0, "days": DAYS, "limit": 3, "controls": {}}) is None


CONTROLS_PAGE = """<!DOCTYPE html><html><body>
<div class="st-key-back"><button>Previous</button></div>
<div class="st-key-when"><input type="range" min="0" max="3" value="1"></div>
<div class="st-key-forward"><button>Next</button></div>
<div class="st-key-other"><button>Play</button></div>
<iframe id="map" style="width:620px;height:420px"></iframe></body></html>"""


def test_the_controls_the_server_names_are_heard(browser):
    """Around the map, the page's own controls: the buttons and the range input the days
    message names (by the keys the UI gave) move the map at once; any other is not heard."""
    controls = StepControls(next="forward", prev="back", day="when")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(CONTROLS_PAGE)
        page.eval_on_selector("#map", "(f, html) => { f.srcdoc = html; }",
                              map_page(days_message([date.fromisoformat(d) for d in DAYS],
                                                    controls, 8)))
        page.wait_for_function("() => { const w = document.getElementById('map')"
                               ".contentWindow; return w && w.keeper && w.__kzHeard; }")
        inner = page.frames[1]
        inner.evaluate("(l) => { for (const d of ['2022-01-02', '2022-01-03', '2022-01-04', "
                       "'2022-01-05']) keeper.keep(d + '|unrest|v1', l); "
                       "keeper.show('2022-01-03|unrest|v1', null); }", layer("x"))
        shown = "() => keeper.shown"
        page.get_by_role("button", name="Next").click()
        assert inner.evaluate(shown) == "2022-01-04|unrest|v1"
        page.get_by_role("button", name="Previous").click()
        page.get_by_role("button", name="Previous").click()
        assert inner.evaluate(shown) == "2022-01-02|unrest|v1"
        page.get_by_role("button", name="Play").click()
        assert inner.evaluate(shown) == "2022-01-02|unrest|v1"
        page.eval_on_selector(".st-key-when input", "(el) => el.setAttribute('value', '3')")
        inner.wait_for_function("() => keeper.shown === '2022-01-05|unrest|v1'")
        assert [entry[0] for entry in inner.evaluate("() => keeper.log")][-4:] == [
            "predicted", "predicted", "predicted", "predicted"]
    finally:
        context.close()


def test_popups_fill_their_sources_from_the_maps_table(bare):
    """Popups cite sources by id; the page fills each list from the table the map holds when
    the popup opens. Unknown ids are left out; the table's HTML is the server's, escaped."""
    import html as html_lib

    bare.evaluate("(t) => kz.sources(t)", {
        "a": "Title &lt;img src=x onerror=window.__pwned=1&gt; — Pub, 2022-01-05",
        'odd"id': "Other — Pub2, 2022-01-06"})
    refs = html_lib.escape(json.dumps(["a", "missing", 'odd"id']), quote=True)
    popup = f"<div class='kzpop'><b>t</b><ul class='src' data-kz-src='{refs}'></ul></div>"
    items = bare.evaluate("(h) => Array.from(kz.withSources(h).querySelectorAll('li'))"
                          ".map(li => li.textContent)", popup)
    assert items == ["Title <img src=x onerror=window.__pwned=1> — Pub, 2022-01-05",
                     "Other — Pub2, 2022-01-06"]
    assert bare.evaluate("(h) => kz.withSources(h).querySelectorAll('li').length",
                         "<ul class='src' data-kz-src='not json'></ul>") == 0
    features = layer("p")
    features[0][1]["features"][0]["properties"]["popup"] = popup
    bare.evaluate("([k, l]) => keeper.show(k, l)", ["2022-01-03|unrest|v1", features])
    bare.evaluate("() => map_div.eachLayer(l => { if (l.options.kzId === 'p') l.openPopup(); })")
    text = bare.locator(".leaflet-popup-content").inner_text()
    assert "Other — Pub2" in text and "Title <img" in text
    assert bare.locator(".leaflet-popup-content img").count() == 0
    assert bare.evaluate("() => window.__pwned === undefined")


# --------------------------------------------------------------------------- legend and fit

LEGEND_STATE = """() => ({expanded: document.querySelector('.kz-legend-toggle')
                            .getAttribute('aria-expanded'),
                   hidden: document.querySelector('.kz-legend-body').hidden})"""


def test_the_legend_folds_from_the_keyboard_and_opens_folded_on_a_narrow_map(bare):
    # The bare page's map is 600 px wide (narrower than kz.LEGEND_NARROW), and its
    # about:blank page refuses localStorage: the legend still works and only forgets.
    bare.evaluate("() => kz.legend(map_div, '<h4>Airports</h4><div>Open</div>')")
    assert bare.evaluate(LEGEND_STATE) == {"expanded": "false", "hidden": True}
    bare.locator(".kz-legend-toggle").focus()
    bare.keyboard.press("Enter")
    assert bare.evaluate(LEGEND_STATE) == {"expanded": "true", "hidden": False}
    assert bare.locator(".kz-legend-body").text_content().startswith("Airports")
    bare.keyboard.press(" ")
    assert bare.evaluate(LEGEND_STATE) == {"expanded": "false", "hidden": True}


def test_the_legend_remembers_its_state_where_storage_works(browser, tmp_path):
    css, leaflet = leaflet_assets()
    page_file = tmp_path / "map.html"
    page_file.write_text(
        f"<!DOCTYPE html><html><head><style>{css}</style><script>{leaflet}</script>"
        f"{pagefiles.script('map.js')}</head><body>"
        "<div id='map' style='width:1200px;height:500px'></div><script>"
        "window.map_div = L.map('map').setView([48, 67], 4);"
        "kz.legend(map_div, '<div>Open</div>');</script></body></html>")
    context = browser.new_context(viewport={"width": 1300, "height": 600})
    page = context.new_page()
    page.goto(page_file.as_uri())
    assert page.evaluate(LEGEND_STATE)["expanded"] == "true"  # a wide map: open at first
    page.locator(".kz-legend-toggle").click()
    page.reload()
    assert page.evaluate(LEGEND_STATE)["expanded"] == "false"  # as it was left
    context.close()


FRAMED = """b => { const sw = map_div.latLngToContainerPoint([b[0], b[1]]);
  const ne = map_div.latLngToContainerPoint([b[2], b[3]]);
  const c = map_div.getContainer().getBoundingClientRect();
  const r = document.querySelector('.kz-legend').getBoundingClientRect();
  return {framed: [sw.x + c.left, ne.y + c.top, ne.x + c.left, sw.y + c.top],
          legend: [r.left, r.top, r.right, r.bottom],
          inside: [sw.x >= -1, ne.y >= -1, ne.x <= c.width + 1, sw.y <= c.height + 1]}; }"""


def test_fit_frames_bounds_clear_of_the_open_legend_and_again_when_it_folds(bare):
    bare.evaluate("() => kz.legend(map_div, '<div style=\"width:220px;height:160px\">key</div>')")
    bare.locator(".kz-legend-toggle").click()  # open
    bounds = [40.5, 46.5, 55.6, 87.4]
    bare.evaluate("b => kz.fit(map_div, [[b[0], b[1]], [b[2], b[3]]])", bounds)
    seen = bare.evaluate(FRAMED, bounds)
    assert all(seen["inside"])
    left, top, right, bottom = seen["legend"]
    f = seen["framed"]
    assert f[2] <= left + 1 or f[1] >= bottom - 1  # beside the legend or under it
    zoom_open = bare.evaluate("() => map_div.getZoom()")
    bare.locator(".kz-legend-toggle").click()  # folded: framed again, larger
    bare.wait_for_function(f"() => map_div.getZoom() > {zoom_open}")
    # Once the viewer moved the map, nothing frames it again.
    bare.evaluate("() => map_div.setView([43.2, 76.9], 9, {animate: false})")
    bare.locator(".kz-legend-toggle").click()
    bare.wait_for_timeout(100)
    assert bare.evaluate("() => map_div.getZoom()") == 9


def test_features_are_shaped_named_and_open_from_the_keyboard(bare):
    hostile = "Akimat: <b>held</b> &lt;img src=x onerror=alert(1)&gt;"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.9, 43.2]},
                 "properties": {"id": "a", "px": 9, "shape": "triangle", "tooltip": hostile,
                                "popup": "<b>a</b>", "style": {"color": "#123456"}}}]
    bare.evaluate("([k, l]) => keeper.show(k, l)", [
        "2022-01-03|unrest|v1",
        [["unrest", {"type": "FeatureCollection", "features": features}, False]]])
    path = bare.locator("path.leaflet-interactive")
    assert path.get_attribute("aria-label") == "Akimat: held <img src=x onerror=alert(1)>"
    assert path.get_attribute("role") == "button"
    assert path.get_attribute("tabindex") == "0"
    d = path.get_attribute("d")
    assert d.count("L") == 2 and "a" not in d  # three corners, no circle's arcs
    path.focus()
    assert bare.locator(".leaflet-tooltip").count() == 1
    bare.keyboard.press("Enter")
    assert bare.locator(".leaflet-popup-content").inner_text() == "a"


def test_a_hatched_area_is_striped_in_its_colour_and_a_bad_colour_is_plain(bare):
    """Avoid-zones are filled with stripes (a shape cue besides the colour); one pattern per
    colour in the map's SVG, and a colour that is not plain hex never reaches the markup."""
    def area(fid: str, hatch: str) -> dict:
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.9, 43.2]},
                "properties": {"id": fid, "r": 3000, "hatch": hatch, "tooltip": fid,
                               "style": {"color": "#d7301f", "fillColor": "#d7301f",
                                         "fillOpacity": 0.5}}}
    features = [area("z1", "#d7301f"), area("z2", "#d7301f"),
                area("z3", "red)' onload='alert(1)")]
    bare.evaluate("([k, l]) => keeper.show(k, l)", [
        "2022-01-03|zones|v1",
        [["zones", {"type": "FeatureCollection", "features": features}, False]]])
    fills = bare.evaluate("""() => { const f = {}; map_div.eachLayer(l => {
        if (l.options && l.options.kzId) f[l.options.kzId] = l._path.getAttribute('fill'); });
        return f; }""")
    assert fills == {"z1": "url(#kz-hatch-d7301f)", "z2": "url(#kz-hatch-d7301f)",
                     "z3": "#d7301f"}
    patterns = bare.evaluate("""() => [...document.querySelectorAll('svg pattern')].map(p =>
        [p.id, p.querySelector('rect').getAttribute('fill')])""")
    assert patterns == [["kz-hatch-d7301f", "#d7301f"]]
    assert bare.evaluate("() => document.querySelectorAll('[onload]').length") == 0


SKIP_PAGE = """<!DOCTYPE html><html><body><button>Before</button>
<iframe id="map" style="width:620px;height:420px"></iframe>
<button hidden>Hidden</button><div><button>After</button></div></body></html>"""


def test_the_skip_control_moves_the_focus_past_the_map_and_its_frame(browser):
    """The map's first keyboard stop, out of sight until focused, skips every feature's stop:
    from the map's frame to the page's next visible control after the frame."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(SKIP_PAGE)
        page.eval_on_selector("#map", "(f, html) => { f.srcdoc = html; }",
                              map_page(days_message([date.fromisoformat(d) for d in DAYS],
                                                    None, 8)))
        page.wait_for_function("() => { const w = document.getElementById('map')"
                               ".contentWindow; return w && w.keeper; }")
        inner = page.frames[1]
        inner.evaluate("(l) => { keeper.show('2022-01-03|unrest|v1', l); "
                       "kz.legend(map_div, '<div>Open</div>'); }", layer("a", "b", "c"))
        skip = inner.locator(".kz-skip")
        assert skip.bounding_box()["x"] < 0  # out of sight
        page.get_by_role("button", name="Before").focus()
        page.keyboard.press("Tab")
        assert inner.evaluate("() => document.activeElement.className") == "kz-skip"
        box = skip.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 40  # shown while focused
        assert skip.inner_text() == "Skip the map"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.textContent") == "After"
        # Once only, however often the legend is made.
        inner.evaluate("() => kz.legend(map_div, '<div>Open</div>')")
        assert inner.locator(".kz-skip").count() == 1
    finally:
        context.close()


def test_the_skip_control_without_a_frame_focuses_the_next_control(bare):
    bare.evaluate("() => { document.body.insertAdjacentHTML('beforeend', "
                  "'<button id=next>Next control</button>'); "
                  "kz.legend(map_div, '<div>Open</div>'); }")
    bare.locator(".kz-skip").focus()
    bare.keyboard.press("Enter")
    assert bare.evaluate("() => document.activeElement.id") == "next"
