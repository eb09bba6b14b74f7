"""Exports of a day: the offline HTML page, GeoJSON, CSV, the Markdown brief and their CLI."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dashboard.brief import day_brief, md
from dashboard.cli import main
from dashboard.export import (
    ExportError,
    check_self_contained,
    csv_cell,
    day_csv,
    day_geojson,
    day_html,
    leaflet_assets,
)
from dashboard.frames import FramesError, render_frames
from dashboard.mapview import AIRPORT_COLOURS, LAYER_KEYS, day_label, esc, layer_features
from dashboard.scenario import DEFAULT_DATA_DIR
from dashboard.snapshot import snapshot
from dashboard.timeline import as_of

ROOT = Path(__file__).resolve().parent.parent
D = lambda d: date(2022, 1, d)  # noqa: E731
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def day7(scenario):
    state = as_of(scenario, D(7))
    return state, day_html(state, scenario)


def layer_data(page: str) -> dict[str, list[dict]]:
    """The features each GeoJsonLayer script of the page carries, by layer key."""
    found = re.findall(r"window\.__kzDraw\(\w+, (\{.*?\}), \"(\w+)\"", page)
    return {key: json.loads(data.replace("<\\/", "</"))["features"] for data, key in found}


def row_index(copy, file: str, **match: str) -> int:
    rows = copy.rows(file)
    return next(i for i, row in enumerate(rows) if all(row[k] == v for k, v in match.items()))


def cli(argv: list[str]) -> int:
    return main(argv)


# --------------------------------------------------------------------------- HTML

def test_html_loads_nothing_from_anywhere(day7):
    _, page = day7
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b[^>]*\bhref\s*=", page, re.IGNORECASE)
    assert not re.search(r"\bsrc\s*=\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:|//|images/)", page, re.IGNORECASE)
    assert "jquery" not in page.lower()
    assert "sourceMappingURL" not in page
    # Leaflet itself is in the page, its stylesheet images as data: URLs.
    css, script = leaflet_assets()
    assert script[:500] in page and css[:300] in page
    assert "url(data:image/png;base64," in page
    # The basemap is inside the page, not fetched from a server.
    assert 'kz.basemap(map_' in page and '"data:application/geo+json;base64,' in page


def test_html_draws_the_days_layers(scenario, day7):
    state, page = day7
    drawn = layer_data(page)
    assert set(drawn) == set(LAYER_KEYS)
    for key in LAYER_KEYS:
        expected = [f["properties"]["id"] for f in layer_features(state, scenario, key)]
        assert [f["properties"]["id"] for f in drawn[key]] == expected, key
    colours = {f["properties"]["id"]: f["properties"]["style"]["fillColor"]
               for f in drawn["airports"]}
    assert colours["airport-nqz"] == AIRPORT_COLOURS["limited"]
    assert colours["airport-ala"] == AIRPORT_COLOURS["closed"]
    assert "almaty-arena" in [f["properties"]["id"] for f in drawn["zones"]]


def test_html_has_headline_status_legend_figures_and_sources(scenario, day7):
    state, page = day7
    assert esc(day_label(D(7))) in page
    assert esc(state.headline.headline) in page
    assert "data-badge='curfew'" in page and "23:00-07:00 local time" in page
    assert "kz-legend" in page and "Limited flights" in page and "Avoid-zone" in page
    assert "data-metric='deaths'" in page
    for metric, count in [(key, len(layer_features(state, scenario, key)))
                          for key in LAYER_KEYS]:
        assert f"data-layer='{metric}' data-count='{count}'" in page
    sources = snapshot(state, scenario)["sources"]
    assert len(sources) > 5
    for sid, source in sources.items():
        assert f"data-source='{esc(sid)}'" in page
        assert esc(source["title"]) in page and esc(source["publisher"]) in page
        assert esc(source["file"] or source["url"]) in page


def test_html_carries_the_trends_marked_at_its_day(scenario):
    page = day_html(as_of(scenario, D(8)), scenario)
    check_self_contained(page)
    assert page.count("class='kz-chart'") == 2
    assert page.count("<line class='kz-day-rule' data-day='2022-01-08'") == 2


def test_html_of_a_small_scenario_without_basemap_or_headline(mini):
    scenario = mini.load()
    page = day_html(as_of(scenario, D(3)), scenario)
    check_self_contained(page)
    assert "No headline recorded for this day" in page
    assert "data-source='s2'" in page
    assert "<a href='https://example.org/two' rel='noopener noreferrer'>" in page


def test_self_containment_check_refuses_outside_assets():
    with pytest.raises(ExportError):
        check_self_contained("<html><script src='https://cdn.example/x.js'></script></html>")
    with pytest.raises(ExportError):
        check_self_contained("<link rel='stylesheet' href='leaflet.css'>")
    check_self_contained("<a href='https://example.org/'>a source</a><script>1</script>")


# --------------------------------------------------------------------------- hostile text

@pytest.fixture
def hostile(bundled_copy):
    bundled_copy.set("places.csv", row_index(bundled_copy, "places.csv", id="airport-nqz"),
                     name=HOSTILE)
    bundled_copy.set("headlines.csv", row_index(bundled_copy, "headlines.csv", id="2022-01-07"),
                     headline=f"{HOSTILE} [click](https://evil.example) *now*")
    bundled_copy.set("events.csv", row_index(bundled_copy, "events.csv",
                                             id="ev-0107-flights-resume"),
                     summary="=HYPERLINK(\"https://evil.example\",\"x\") <script>alert(2)"
                             "</script>")
    bundled_copy.set("sources.csv", row_index(bundled_copy, "sources.csv", id="gg-jan07"),
                     title="@SUM(1+1) </script><b>bold</b>")
    scenario = bundled_copy.load()
    assert scenario.problems == ()
    return scenario, as_of(scenario, D(7))


def test_hostile_text_is_escaped_in_html(hostile):
    scenario, state = hostile
    page = day_html(state, scenario)
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "<b>bold</b>" not in page
    assert esc(HOSTILE) in page  # headline and panel, escaped
    # The map's inline data still parses and carries the escaped name.
    airports = {f["properties"]["id"]: f for f in layer_data(page)["airports"]}
    assert esc(HOSTILE) in airports["airport-nqz"]["properties"]["tooltip"]


def test_hostile_text_stays_faithful_in_geojson_and_csv(hostile):
    scenario, state = hostile
    data = json.loads(json.dumps(day_geojson(state, scenario)))
    by_id = {f["id"]: f["properties"] for f in data["features"]}
    assert by_id["place:airport-nqz"]["name"] == HOSTILE
    assert data["headline"].startswith(HOSTILE)
    summary = by_id["event:ev-0107-flights-resume"]["detail"]
    assert summary.startswith("=HYPERLINK(")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(day_csv(state, scenario)))}
    assert rows["airport-nqz"]["name"] == HOSTILE
    # Formulas are neutralised with a leading quote, the rest of the text kept.
    assert rows["ev-0107-flights-resume"]["detail"] == "'" + summary
    assert "@SUM(1+1) </script><b>bold</b>" in rows["airport-nqz"]["sources"]


def test_hostile_text_is_inert_in_the_brief(hostile):
    scenario, state = hostile
    text = day_brief(state, scenario)
    # No tag opens anywhere: every '<' from the data is escaped (autolinks are the brief's own).
    assert not re.search(r"(?<!\\)<(?!https?://)", text)
    assert "\\<img src=x onerror=alert(1)\\>" in text
    assert "\\[click\\](https\\://evil.example) \\*now\\*" in text
    assert "](https://evil" not in text


def test_template_syntax_in_data_is_never_evaluated(bundled_copy):
    """folium reads each element's rendered script again as a Jinja template: text and ids
    from the data that reach a map script must not run there ("kz42…" only if they did)."""
    name = "kz{{ 6 * 7 }}name {% if 1 %}kzstmt{% endif %}kz"
    for place_id in ("airport-nqz", "almaty"):  # an airport (day layer), a city (map label)
        bundled_copy.set("places.csv", row_index(bundled_copy, "places.csv", id=place_id),
                         name=name)
    bundled_copy.append("places.csv", id="kz{{6*7}}id", name="Test airport", kind="airport",
                        lat="43.3", lon="76.9", geo_precision="1", radius_m="0")
    scenario = bundled_copy.load()
    assert scenario.problems == ()
    state = as_of(scenario, D(7))
    page = day_html(state, scenario)
    for evaluated in ("kz42name", "kzstmtkz", "kz42id"):
        assert evaluated not in page
    airports = {f["properties"]["id"]: f for f in layer_data(page)["airports"]}
    assert "kz{{6*7}}id" in airports
    tooltip = html.unescape(airports["airport-nqz"]["properties"]["tooltip"])
    assert tooltip.startswith(name)
    # The data exports keep the text exactly.
    by_id = {f["id"]: f for f in day_geojson(state, scenario)["features"]}
    assert by_id["place:airport-nqz"]["properties"]["name"] == name
    assert "place:kz{{6*7}}id" in by_id


def test_markdown_escape():
    assert md("a [b](c) <i> *d* _e_ `f` | & \\ ~") == (
        "a \\[b\\](c) \\<i\\> \\*d\\* \\_e\\_ \\`f\\` \\| \\& \\\\ \\~")
    assert md("line one\n# two\n- three") == "line one # two - three"
    assert md("see https://x.example and www.y.example") == (
        "see https\\://x.example and www\\.y.example")


# --------------------------------------------------------------------------- GeoJSON, CSV

def test_geojson_holds_places_events_and_restrictions(scenario):
    state = as_of(scenario, D(7))
    data = json.loads(json.dumps(day_geojson(state, scenario)))
    assert data["type"] == "FeatureCollection" and data["date"] == "2022-01-07"
    assert data["headline"] == state.headline.headline
    by_id = {f["id"]: f for f in data["features"]}
    nqz = by_id["place:airport-nqz"]["properties"]
    assert nqz["status"] == "limited" and nqz["kind"] == "airport"
    assert {s["kind"] for s in nqz["statuses"]} == {"airport", "guard"}
    assert by_id["place:airport-nqz"]["geometry"] == {
        "type": "Point", "coordinates": [71.46694, 51.02194]}
    assert by_id["place:almaty-arena"]["properties"]["geo_precision"] == 2
    assert "place:kazakhstan" not in by_id
    assert {k for k in by_id if k.startswith("event:")} == {f"event:{e.id}" for e in state.events}
    assert {k for k in by_id if k.startswith("restriction:")} == {
        f"restriction:{r.id}" for r in state.restrictions}
    curfew = [f for f in data["features"] if f["properties"]["kind"] == "curfew"]
    assert curfew and curfew[0]["properties"]["hours"] == "23:00-07:00"
    assert curfew[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    for feature in data["features"]:
        props = feature["properties"]
        assert {"type", "id", "kind", "status", "detail", "geo_precision", "sources"} <= set(props)
        assert props["sources"], feature["id"]
        for ref in props["sources"]:
            assert ref["title"] and ref["publisher"] and ref["date"]
            assert ref["url"] or ref["file"]


def test_geojson_areas_of_a_small_scenario(mini):
    scenario = mini.load()
    data = day_geojson(as_of(scenario, D(3)), scenario)
    by_id = {f["id"]: f for f in data["features"]}
    assert by_id["restriction:r1"]["geometry"]["type"] == "Polygon"  # region R1
    assert by_id["restriction:r3"]["geometry"] is None  # nationwide, no country outline here
    assert by_id["place:square"]["properties"]["status"] == "avoid"
    assert by_id["event:e2"]["properties"]["time"] == "09:30"
    assert by_id["event:e2"]["properties"]["sources"] == [{
        "id": "s2", "title": "Second bulletin", "publisher": "Other Publisher",
        "date": "2022-01-03", "url": "https://example.org/two", "file": None}]


def test_csv_rows_match_the_geojson(scenario):
    state = as_of(scenario, D(5))
    features = day_geojson(state, scenario)["features"]
    text = day_csv(state, scenario)
    assert text.startswith("type,id,name,kind,status,")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["type"], r["id"]) for r in rows] == [
        (f["properties"]["type"], f["properties"]["id"]) for f in features]
    ala = next(r for r in rows if r["id"] == "airport-ala")
    assert ala["status"] == "seized" and float(ala["lat"]) > 43
    assert "interfax-790022:" in ala["sources"]


def test_csv_injection_is_neutralised(mini):
    mini.set("places.csv", 2, name="=1+2", detail="-3+4")
    mini.set("events.csv", 1, summary="@cmd")
    mini.set("statuses.csv", 1, detail="+SUM(A1)")
    scenario = mini.load()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(day_csv(as_of(scenario, D(3)),
                                                                   scenario)))}
    assert rows["airport"]["name"] == "'=1+2"
    assert rows["airport"]["detail"] == "'+SUM(A1)"
    assert rows["e2"]["detail"] == "'@cmd"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_csv_cell():
    assert csv_cell(None) == "" and csv_cell(43.2) == 43.2 and csv_cell(3) == 3
    assert csv_cell("-5") == "'-5" and csv_cell("\t=x") == "'\t=x"
    assert csv_cell("Almaty - centre") == "Almaty - centre"


# --------------------------------------------------------------------------- brief

def test_brief_has_every_section(scenario):
    state = as_of(scenario, D(7))
    text = day_brief(state, scenario)
    assert text.startswith("# Kazakhstan unrest, 2-10 January 2022: Friday 7 January 2022\n")
    assert f"**{state.headline.headline}**" in text
    for heading in ("## National status", "## Figures as of this day",
                    "## What changed since Thursday 6 January 2022", "## Who held what",
                    f"## Events ({len(state.events)})", "## Sources"):
        assert f"\n{heading}\n" in text, heading
    assert "- **Internet:** blackout" in text
    assert "- **Banks:** closed" in text
    assert "- **Curfew:** 19:00-07:00 / 22:00-06:00 / 23:00-07:00 local time" in text
    assert "- **Deaths:** 26, reported on 2022-01-07" in text
    assert "Also reported: at least 130 (reported 2022-01-07)" in text
    assert "*Disputed by Interior Ministry counts" in text
    assert "closed → limited" in text
    # Every reference [Sn] has its entry in the sources list, and every entry is cited.
    refs = {int(n) for group in re.findall(r"\\\[(S[\d, S]+)\\\]", text)
            for n in re.findall(r"S(\d+)", group)}
    entries = [int(n) for n in re.findall(r"^- S(\d+): ", text, re.MULTILINE)]
    assert entries == list(range(1, len(entries) + 1))
    assert refs == set(entries)
    assert "Global Guardian, 2022-01-07; file 000\\_cfabef99bc061750.txt (id gg-jan07)" in text


def test_brief_of_a_quiet_day(mini):
    scenario = mini.load()
    text = day_brief(as_of(scenario, D(4)), scenario)
    assert "No headline recorded for this day" in text
    assert "## Events (0)\n\nNo events recorded for this day." in text
    assert "<https://example.org/two>" in text


# --------------------------------------------------------------------------- command line

def test_cli_export_html_from_the_extension(tmp_path, capsys):
    out = tmp_path / "day.html"
    assert cli(["export", "2022-01-07", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "airport-nqz" in page
    assert f"wrote {out}" in capsys.readouterr().err


@pytest.mark.parametrize("name, fmt, check", [
    ("day.geojson", None, lambda t: json.loads(t)["type"] == "FeatureCollection"),
    ("day.csv", None, lambda t: t.startswith("type,id,name,")),
    ("day.txt", "csv", lambda t: t.startswith("type,id,name,")),
    ("day.json", "html", lambda t: t.startswith("<!DOCTYPE html>")),
])
def test_cli_export_formats(tmp_path, name, fmt, check):
    out = tmp_path / name
    argv = ["export", "2022-01-06", "--out", str(out)] + (["--format", fmt] if fmt else [])
    assert cli(argv) == 0
    assert check(out.read_text(encoding="utf-8"))


def test_cli_csv_file_is_written_byte_for_byte(scenario, tmp_path):
    out = tmp_path / "day.csv"
    assert cli(["export", "2022-01-06", "--out", str(out)]) == 0
    assert out.read_bytes() == day_csv(as_of(scenario, D(6)), scenario).encode()
    assert b"\r\r\n" not in out.read_bytes()


@pytest.mark.parametrize("argv", [
    ["export", "2022-01-11", "--out", "x.html"],
    ["export", "tomorrow", "--out", "x.html"],
    ["export", "2022-01-07", "--out", "x.pdf"],
    ["brief", "2022-01-01"],
    ["frames", "--out", "frames", "--day", "2022-01-07", "--day", "2022/01/08"],
])
def test_cli_bad_day_or_format_exits_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ")
    assert list(tmp_path.iterdir()) == []


def test_cli_unwritable_output_exits_1(tmp_path, capsys):
    assert cli(["export", "2022-01-07", "--out", str(tmp_path / "missing" / "d.html")]) == 1
    assert "error: cannot write" in capsys.readouterr().err


def test_cli_brief_to_stdout_and_file(tmp_path, capsys):
    assert cli(["brief", "2022-01-09"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# ") and "## Sources" in text
    out = tmp_path / "brief.md"
    assert cli(["brief", "2022-01-09", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text


def test_cli_with_another_data_folder(mini, capsys):
    assert cli(["export", "2022-01-03", "--out", "-", "--format", "geojson",
                "--data", str(mini.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in data["features"] if f["properties"]["type"] == "event"] == [
        "event:e2"]


def test_frames_without_chromium_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(FramesError, match="Chromium not found"):
        render_frames(DEFAULT_DATA_DIR, tmp_path / "frames", ["2022-01-07"])
    assert cli(["frames", "--out", str(tmp_path / "frames"), "--day", "2022-01-07"]) == 1
    assert "error: Chromium not found" in capsys.readouterr().err
    assert not (tmp_path / "frames").exists()


def test_module_entry_point_exports(tmp_path):
    out = tmp_path / "day.geojson"
    subprocess.run([sys.executable, "-m", "dashboard", "export", "2022-01-08", "--out",
                    str(out)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.read_text(encoding="utf-8"))["date"] == "2022-01-08"
    brief = subprocess.run([sys.executable, "-m", "dashboard", "brief", "2022-01-08"],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    assert brief.stdout.startswith("# ")
    bad = subprocess.run([sys.executable, "-m", "dashboard", "brief", "2022-01-12"],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and "error:" in bad.stderr
