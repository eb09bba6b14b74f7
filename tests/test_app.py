"""The app without a browser: Streamlit's AppTest for every day, controls and bad data."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.daypanel import badges
from dashboard.mapview import day_label
from dashboard.timeline import as_of
from dashboard.ui import DOWNLOADS_KEY
from tests.apppage import open_box, page_html

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DAYS = [date(2022, 1, d) for d in range(2, 11)]


def run_app(query: dict | None = None, env: dict | None = None) -> AppTest:
    old = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at.run()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def app():
    return run_app()


def test_every_day_renders_and_matches_as_of(app, scenario):
    at = app
    for day in DAYS:
        at.select_slider[0].set_value(day).run()
        assert not at.exception, day
        state = as_of(scenario, day)
        html = page_html(at)
        assert day_label(day) in html
        assert state.headline.headline.split(";")[0].replace("'", "&#x27;") in html
        for badge in badges(state, scenario):
            assert f"data-badge='{badge.key}'" in html
        for metric, fs in state.figures.items():
            if metric in ("deaths", "detained", "injured"):
                assert f"data-metric='{metric}'" in html
                assert f"{fs.figure.value:,}" in html
        assert html.count("data-event=") == len(state.events)
        assert at.query_params["day"] == [day.isoformat()] or \
            at.query_params["day"] == day.isoformat()


def test_previous_and_next_step_one_day():
    at = run_app()
    assert at.select_slider[0].value == DAYS[0]
    assert at.button(key="prev").disabled
    at.button(key="next").click().run()
    at.button(key="next").click().run()
    assert at.select_slider[0].value == DAYS[2]
    at.button(key="prev").click().run()
    assert at.select_slider[0].value == DAYS[1]


def test_link_opens_on_its_day():
    at = run_app({"day": "2022-01-07"})
    assert at.select_slider[0].value == date(2022, 1, 7)
    assert "Fri 7 Jan 2022" in page_html(at)


@pytest.mark.parametrize("bad", ["2022-02-30", "garbage", "2023-01-07", "<script>"])
def test_bad_day_in_link_falls_back_to_the_first_day(bad):
    at = run_app({"day": bad})
    assert not at.exception
    assert at.select_slider[0].value == DAYS[0]
    assert any("Unknown day" in t.proto.body for t in at.toast)


def test_bad_data_shows_a_count_and_runs_on_the_rest(bundled_copy):
    bundled_copy.set("events.csv", 0, date="not a date")
    bundled_copy.set("places.csv", 3, lat="999")
    at = run_app(env={"DASHBOARD_DATA": str(bundled_copy.path)})
    assert not at.exception
    warning = at.warning[0].value
    assert "set aside" in warning
    assert at.expander  # the list of problems is one click away
    assert "events.csv:2: date" in at.text[0].value


def test_missing_data_folder_is_an_error_not_an_empty_day(tmp_path):
    at = run_app(env={"DASHBOARD_DATA": str(tmp_path / "nowhere")})
    assert not at.exception
    assert "nowhere" in at.error[0].value and "does not exist" in at.error[0].value
    assert not at.select_slider  # no day is shown from no data


def test_settings_from_command_line_and_environment(tmp_path):
    from dashboard.settings import settings_from

    assert settings_from(["--data", "x"], {"DASHBOARD_DATA": "y"}).data_dir.name == "x"
    assert settings_from([], {"DASHBOARD_DATA": "y"}).data_dir.name == "y"
    assert settings_from([], {}).data_dir.name == "geodata"
    assert settings_from([], {"DASHBOARD_TILES": "online"}).online_tiles
    assert not settings_from([], {}).online_tiles


def test_tile_source_settings():
    from dashboard.settings import OSM_ATTRIBUTION, OSM_TILES, settings_from

    default = settings_from([], {})
    assert (default.tile_url, default.tile_attribution) == (OSM_TILES, OSM_ATTRIBUTION)
    local = settings_from(["--tile-url", "http://127.0.0.1:9/{z}/{x}/{y}.png"], {})
    assert local.tile_url.startswith("http://127.0.0.1:9/")
    assert local.tile_attribution == "Tiles: 127.0.0.1"
    named = settings_from([], {"DASHBOARD_TILE_URL": "http://t.example/{z}/{x}/{y}.png",
                               "DASHBOARD_TILE_ATTRIBUTION": "Example tiles"})
    assert named.tile_attribution == "Example tiles"


# --------------------------------------------------------------------------- traveller search


def search(at: AppTest, text: str) -> AppTest:
    return at.text_input(key="find").input(text).run()


def test_search_shows_the_verdict_of_the_day(scenario):
    from dashboard import gazetteer, travel

    at = search(run_app({"day": "2022-01-07"}), "Abay Avenue")
    assert not at.exception
    html = page_html(at)
    found = travel.resolve("Abay Avenue", gazetteer.build(scenario))
    rep = travel.report(found.best, as_of(scenario, date(2022, 1, 7)), scenario)
    assert "data-level='danger'" in html
    assert travel_text(rep.verdict) in html
    assert "data-airport='airport-ala'" in html and "23:00-07:00" in html
    assert "The online geocoder is switched off." in html
    # The verdict follows the slider: on 3 January the street is no avoid-zone yet.
    at.session_state["day"] = date(2022, 1, 3)
    at.run()
    assert "data-danger='abay-avenue-almaty'" not in page_html(at)


def travel_text(text: str) -> str:
    import html

    return html.escape(text)


def test_several_matches_offer_a_choice():
    at = search(run_app({"day": "2022-01-07"}), "Astana")
    choice = at.selectbox(key="match-Astana")
    assert choice.options[0].startswith("Nur-Sultan")
    choice.select_index(1).run()
    assert "Astana Square, Almaty" in page_html(at)


def test_unknown_place_and_hostile_text_are_answered_plainly():
    at = search(run_app(), "<script>alert(1)</script>")
    assert not at.exception
    html = page_html(at)
    assert "No place called" in html and "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_search_through_a_local_geocoder_stand_in(monkeypatch):
    from tests.nominatim_standin import NominatimStandIn, place

    with NominatimStandIn() as standin:
        standin.results = [place("Kabanbay Batyr Avenue, Almaty", "43.2369", "76.9572")]
        monkeypatch.setenv("DASHBOARD_GEOCODER", standin.url)
        at = search(run_app({"day": "2022-01-07"}), "Kabanbay Batyr Avenue")
        assert not at.exception
        assert "found by geocoder" in page_html(at)
        standin.mode = "http500"
        at = search(at, "Zheltoksan")
        assert "HTTP 500" in page_html(at)
        assert "Zheltoksan Street, Almaty" in page_html(at)


def test_the_day_can_be_downloaded():
    """The buttons are drawn only while their box is open: closed, a step sends one element."""
    at = run_app({"day": "2022-01-07"})
    assert at.get("download_button") == []
    at = open_box(at, DOWNLOADS_KEY)
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["Offline map (HTML)", "Places and events (GeoJSON)",
                      "Places and events (CSV)", "One-page brief (Markdown)"]


def test_a_long_day_is_listed_a_page_at_a_time(bundled_copy, monkeypatch):
    rows = bundled_copy.rows("events.csv")
    template = next(r for r in rows if r["date"] == "2022-01-05")
    bundled_copy.write_rows("events.csv", rows + [
        {**template, "id": f"busy-{n:03d}", "summary": f"Listed event number {n}."}
        for n in range(120)])
    monkeypatch.setenv("DASHBOARD_DATA", str(bundled_copy.path))  # for the second run too
    at = run_app({"day": "2022-01-05"})
    assert not at.exception
    total = sum(1 for r in rows if r["date"] == "2022-01-05") + 120
    pager = next(s for s in at.selectbox if s.label == "Events shown")
    assert pager.options[0] == f"1–50 of {total}"
    html = page_html(at)
    assert html.count("data-event=") == 50
    pager.set_value(100).run()
    html = page_html(at)
    assert html.count("data-event=") == min(50, total - 100)
    assert "<ol class='kz-events' start='101'>" in html
    assert f"<h4 class='kz-h'>Events ({total})</h4>" in html


def params(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_a_shared_link_is_reproduced_and_followed():
    at = run_app({"day": "2022-01-07", "layers": "airports,zones", "view": "almaty",
                  "present": "1"})
    assert not at.exception
    assert not at.toast
    assert at.select_slider[0].value == date(2022, 1, 7)
    assert at.session_state["layers"] == ["zones", "airports"]
    assert at.session_state["view"] == "almaty"
    assert at.session_state["present"] is True
    assert params(at) == {"day": "2022-01-07", "layers": "zones,airports", "view": "almaty",
                          "present": "1"}
    # Moving the slider and leaving presentation mode update the address.
    at.button(key="next").click().run()
    at.button(key="leave").click().run()
    assert params(at) == {"day": "2022-01-08", "layers": "zones,airports", "view": "almaty"}


@pytest.mark.parametrize("query, kept", [
    ({"layers": "airports,nonsense"}, {"layers": "airports"}),
    ({"view": "paris"}, {}),
    ({"present": "sometimes"}, {}),
    ({"day": "x" * 5000, "layers": "<img src=x onerror=alert(1)>", "view": "'\"><script>"}, {}),
])
def test_bad_link_values_fall_back_with_a_notice(query, kept):
    at = run_app(query)
    assert not at.exception
    assert at.toast
    for toast in at.toast:
        assert len(toast.proto.body) < 200 and "<" not in toast.proto.body
    assert params(at) == {"day": "2022-01-02", **kept}
    assert at.session_state["present"] is False


def test_presentation_mode_leaves_out_the_search_and_panel_and_keeps_the_query():
    at = run_app()
    at.text_input(key="find").input("Almaty").run()
    assert any("kz-verdict" in h for h in page_html(at).split("\n"))
    at.sidebar.toggle(key="present").set_value(True).run()
    assert not at.exception
    html = page_html(at)
    assert "kz-key-figs" in html and "<style>" in html
    assert not [t for t in at.text_input if t.key == "find"]
    assert "Figures as of this day" not in html
    at.button(key="leave").click().run()
    assert at.text_input(key="find").value == "Almaty"  # what was typed is still there


def test_play_starts_from_the_start_on_the_last_day_and_pauses():
    at = run_app({"day": "2022-01-10"})
    at.button(key="play").click().run()
    assert at.session_state["playing"] is True
    assert at.select_slider[0].value == DAYS[0]
    assert at.button(key="play").label == "⏸ Pause"
    at.button(key="play").click().run()
    assert at.session_state["playing"] is False
    assert at.button(key="play").label == "▶ Play"


def test_blackout_days_carry_the_caveat():
    at = run_app({"day": "2022-01-04"})
    assert "data-testid='kz-caveat'" not in page_html(at)
    at.select_slider[0].set_value(date(2022, 1, 6)).run()
    assert "fewer reports does not mean less unrest" in page_html(at)
    html = page_html(at)
    assert html.count("class='kz-chart'") == 3  # figures, events, sites held
    assert "data-testid='kz-control-chart'" in html
    assert "<line class='kz-day-rule' data-day='2022-01-06'" in html
    assert not at.get("vega_lite_chart")  # no chart library runs in the page


def map_step(at: AppTest) -> str:
    """The script of the map's step: what the page draws for this run."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["feature_group"]


def shown(step: str) -> list[str]:
    """The day a map step shows (the ``key`` of its ``step`` message, static/kz/map.js)."""
    return re.findall(r'"key": "([\d-]+)\|', step)


def kept(step: str) -> list[str]:
    """The neighbouring days a map step hands the page to keep."""
    return re.findall(r'\["([\d-]+)\|[^"]*", \[', step)


def test_the_map_is_sent_each_neighbouring_day_once():
    at = run_app({"day": "2022-01-05"})
    step = map_step(at)
    assert shown(step) == ["2022-01-05"]
    assert sorted(kept(step)) == ["2022-01-04", "2022-01-06"]
    at.button(key="next").click().run()
    step = map_step(at)
    assert shown(step) == ["2022-01-06"]
    assert kept(step) == ["2022-01-07"]
    at.button(key="prev").click().run()  # both of the 5th's neighbours are in the page
    assert kept(map_step(at)) == [] and shown(map_step(at)) == ["2022-01-05"]
    # A new map (presentation mode) holds nothing yet: its neighbours are sent again.
    at.sidebar.toggle(key="present").set_value(True).run()
    assert sorted(kept(map_step(at))) == ["2022-01-04", "2022-01-06"]
    # Fewer layers: other keys, so the page never shows a day drawn with other layers.
    at.sidebar.toggle(key="present").set_value(False).run()
    at.sidebar.pills(key="layers").set_value(["airports"]).run()
    step = map_step(at)
    assert '"2022-01-05|airports|' in step and kept(step)


def test_a_retracted_figure_is_shown_with_its_note():
    html = page_html(run_app({"day": "2022-01-09"}))
    deaths = html[html.index("data-metric='deaths'"):]
    deaths = deaths[:deaths.index("</div></div>") + 12]
    assert "<div class='kz-fig-value'>44</div>" in deaths  # the official total stands
    assert "164" in deaths and "Retracted by Ministry of Health" in deaths
    assert "kz-dispute" in html  # the seed's 130 carries its dispute too
    assert "What followed (after 10 January)" in html


def test_the_control_layer_and_its_legend_are_on_the_map():
    at = run_app({"day": "2022-01-05"})
    step = map_step(at)
    assert '"control"' in step and "taraz-regional-akimat" in step
    html = page_html(at)
    assert "data-control='protesters'" in html  # the panel's "Who held what"
    assert "Held by protesters" in at.get("component_instance")[0].proto.json_args


def test_the_verdict_says_no_reports_never_clear():
    at = search(run_app({"day": "2022-01-07"}), "48.5, 61.0")
    html = page_html(at)
    assert "data-level='restricted'" in html and "data-level='clear'" not in html
    assert "data-basis='rules'" in html
    assert "No report of active danger within 25 km in this data" in html
    assert "State of emergency in force" in html
    assert "data-testid='kz-coverage-note'" in html


def test_the_coverage_table_marks_no_reports():
    html = page_html(run_app({"day": "2022-01-06"}))
    assert "data-testid='kz-coverage'" in html
    assert "title='no reports in this data'" in html


def _strings(message) -> list[str]:
    """Every text field of a Streamlit element's message, nested ones included."""
    found = []
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                found.append(item)
            elif hasattr(item, "ListFields"):
                found.extend(_strings(item))
    return found


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def test_text_from_data_is_text_in_every_label(tmp_path, monkeypatch):
    """Labels, captions, menus and headings render Markdown: data that reaches them (the
    scenario's UTC offset, a country's name as a camera preset, a searched place's name) is
    escaped, so no image is fetched and no link is made from the data."""
    from tests.hostile_text import hostile_copy

    monkeypatch.setenv("DASHBOARD_DATA", str(hostile_copy(tmp_path / "geodata")))
    at = search(run_app({"day": "2022-01-07"}), "Almaty International Airport")
    assert not at.exception
    texts = [text for node in _elements(at._tree)
             # HTML (st.html, the map, the day panel's component) is checked as HTML elsewhere
             if getattr(node, "type", None) not in ("html", "component_instance",
                                                    "bidi_component", None)
             and getattr(node, "proto", None) is not None
             for text in _strings(node.proto)]
    reached = " ".join(texts).replace("\\", "")
    for tag in ("scenario.json.utc_offset", "neighbours.geojson.name", "places.csv.name"):
        assert tag in reached, tag
    for text in texts:
        assert not re.search(r"(?<!\\)\*\*bold|(?<!\\)\]\(javascript|(?<!\\)<img", text), text
