"""Trends and camera presets: the figures at their reported days, events per day, the blackout,
and views framed from the scenario's shapes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import pairwise

import pytest

from dashboard import charts, trends
from dashboard.cameras import cameras, geometry_bounds
from dashboard.daypanel import caveat_html
from dashboard.timeline import as_of

D = lambda d: date(2022, 1, d)  # noqa: E731
NS = {"svg": "http://www.w3.org/2000/svg"}


def test_figure_points_sit_at_their_reported_days(scenario):
    points = trends.figure_points(scenario)
    deaths = [(p["day"], p["value"], p["reported"]) for p in points if p["key"] == "deaths"]
    assert ("2022-01-07", 130, "also reported") in deaths
    assert ("2022-01-08", 44, "preferred figure") in deaths
    assert ("2022-01-09", 164, "retracted") in deaths
    assert all(value != 103 for _, value, _ in deaths)  # Almaty's own count is regional
    detained = [p for p in points if p["key"] == "detained"]
    preferred = [(p["day"], p["value"]) for p in detained if p["reported"] == "preferred figure"]
    assert preferred == [("2022-01-05", 200), ("2022-01-06", 2298), ("2022-01-07", 3811),
                         ("2022-01-08", 4404), ("2022-01-09", 5969), ("2022-01-10", 7939)]
    assert {p["key"] for p in points} == {"deaths", "injured", "detained"}
    assert all(p["sources"] for p in points)


def test_events_per_day_count_every_event_once(scenario):
    rows = trends.events_per_day(scenario)
    assert {r["day"] for r in rows} == {d.isoformat() for d in scenario.days}
    for day in scenario.days:
        total = sum(r["events"] for r in rows if r["day"] == day.isoformat())
        assert total == len(as_of(scenario, day).events)
    assert sum(r["events"] for r in rows) == len(scenario.events)


def test_blackout_caveat_on_the_fifth_to_the_tenth(scenario):
    days = [d.day for d in scenario.days if trends.blackout(scenario, d)]
    assert days == [5, 6, 7, 8, 9, 10]
    assert trends.blackout_caveat(as_of(scenario, D(4)), scenario) is None
    caveat = trends.blackout_caveat(as_of(scenario, D(6)), scenario)
    assert caveat.status == "blackout"
    assert "fewer reports does not mean less unrest" in caveat.headline
    assert "2% of normal" in caveat.detail and "NetBlocks" in caveat.detail
    assert trends.blackout_caveat(as_of(scenario, D(10)), scenario).status == "partly restored"
    html = caveat_html(caveat)
    assert "data-testid='kz-caveat'" in html and "Cloudflare" in html
    assert caveat_html(None) == ""


def svg_tree(text: str) -> ET.Element:
    """The chart as XML: the markup must be well formed for every scenario."""
    return ET.fromstring(text)


def test_charts_mark_the_slider_day(scenario):
    for draw in (trends.figures_svg, trends.events_svg):
        tree = svg_tree(draw(scenario, D(7)))
        rules = tree.findall("svg:line[@class='kz-day-rule']", NS)
        assert [r.get("data-day") for r in rules] == ["2022-01-07"]
        axis = charts.DayAxis(tuple(scenario.days), trends.FIGURES_FRAME)
        assert float(rules[0].get("x1")) == pytest.approx(axis.centre(5), abs=0.1)
        bold = [t.text for t in tree.findall("svg:text[@font-weight='700']", NS)]
        assert bold == ["7 Jan"]
        # The blackout: one band from the 5th to the 10th, beneath the data.
        shade = tree.findall("svg:rect[@class='kz-shade']", NS)
        assert len(shade) == 1
        assert float(shade[0].get("x")) == pytest.approx(axis.start(3), abs=0.1)
        assert float(shade[0].get("width")) == pytest.approx(axis.band() * 6, abs=0.2)
        assert list(tree).index(shade[0]) < list(tree).index(rules[0])
    # Only the rule and the bold label depend on the day.
    a, b = trends.figures_svg(scenario, D(3)), trends.figures_svg(scenario, D(9))
    assert a != b and len(a) == len(b)


def test_figures_chart_draws_every_reported_figure(scenario):
    tree = svg_tree(trends.figures_svg(scenario, D(10)))
    points = tree.findall("svg:circle[@class='kz-point']", NS)
    expected = [p for p in trends.figure_points(scenario) if p["value"] > 0]
    assert len(points) == len(expected)
    for metric in trends.TREND_METRICS:
        mine = [p for p in points if p.get("data-metric") == metric]
        assert len(mine) == sum(p["key"] == metric for p in expected)
        colour = trends.METRIC_COLOURS[metric]
        for point in mine:
            assert point.get("stroke") == colour
            hollow = point.get("data-reported") == "also"
            assert point.get("fill") == ("#ffffff" if hollow else colour)
        # Preferred figures are drawn last: none hides beneath a hollow one.
        kinds = [p.get("data-reported") for p in mine]
        assert kinds == sorted(kinds)
    deaths = [p for p in points if p.get("data-metric") == "deaths"]
    titles = [p.find("svg:title", NS).text for p in deaths]
    assert any(t.startswith("Deaths: 164, reported on 9 Jan 2022 (retracted; Kazakhstan)")
               for t in titles)
    # Higher figures sit higher on the log scale.
    by_value = sorted(deaths, key=lambda p: float(p.get("cy")))
    values = [int(p.find("svg:title", NS).text.split(":")[1].split(",")[0].split()[-1])
              for p in by_value]
    assert values == sorted(values, reverse=True)


def test_events_chart_stacks_each_days_events(scenario):
    tree = svg_tree(trends.events_svg(scenario, D(2)))
    bars = tree.findall("svg:rect[@class='kz-bar']", NS)
    for day in scenario.days:
        mine = [b for b in bars if b.get("data-day") == day.isoformat()]
        assert sum(int(b.get("data-events")) for b in mine) == len(as_of(scenario, day).events)
        assert {b.get("data-group") for b in mine} <= set(trends.EVENT_GROUPS)
        # Stacked: each segment starts where the one below it ends.
        ys = sorted((float(b.get("y")), float(b.get("height"))) for b in mine)
        for (y, h), (below, _) in pairwise(ys):
            assert y + h == pytest.approx(below, abs=0.2)


def test_chart_text_from_the_data_is_escaped(bundled_copy):
    rows = bundled_copy.rows("sources.csv")
    hostile = "<script>alert(1)</script> & 'quotes'"
    bundled_copy.write_rows("sources.csv", [{**r, "publisher": hostile} for r in rows])
    loaded = bundled_copy.load()
    html = trends.trends_html(loaded, D(7))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in html
    for chart in (trends.figures_svg(loaded, D(7)), trends.events_svg(loaded, D(7))):
        svg_tree(chart)


def test_a_year_of_days_is_drawn_in_a_few_bars_and_labels():
    days = tuple(date(2021, 1, 1) + timedelta(days=n) for n in range(365))
    axis = charts.DayAxis(days, charts.Frame())
    labels = [t for t in charts.day_labels(axis, days[200]) if "<text" in t]
    assert len(labels) <= charts.MAX_LABELS + 1
    assert any("font-weight='700'" in t and "20 Jul" in t for t in labels)
    assert axis.index(days[200]) == 200 and axis.index(date(2020, 1, 1)) is None


def test_long_scenarios_are_binned(mini):
    rows = mini.rows("events.csv")
    template = rows[0]
    first = date.fromisoformat(template["date"])
    extra = [{**template, "id": f"far-{n}", "date": (first + timedelta(days=n)).isoformat()}
             for n in range(1, 300)]
    mini.write_rows("events.csv", rows + extra)
    meta = json.loads((mini.path / "scenario.json").read_text(encoding="utf-8"))
    meta["end"] = (first + timedelta(days=299)).isoformat()
    mini.write("scenario.json", json.dumps(meta))
    loaded = mini.load()
    assert not loaded.problems
    assert len(loaded.days) >= 300
    tree = svg_tree(trends.events_svg(loaded, loaded.days[-1]))
    starts = {b.get("data-day") for b in tree.findall("svg:rect[@class='kz-bar']", NS)}
    assert len(starts) <= trends.MAX_BARS
    total = sum(int(b.get("data-events"))
                for b in tree.findall("svg:rect[@class='kz-bar']", NS))
    assert total == len(loaded.events)


@pytest.mark.parametrize("values, ticks", [
    ([], (10, 100, 1000)), ([130, 7939], (10, 100, 1000, 10000)), ([3, 250000],
                                                                   (1, 10, 100, 1000, 10000,
                                                                    100000, 1000000))])
def test_log_scale_spans_whole_powers_of_ten(values, ticks):
    assert charts.log_scale(values).ticks == ticks


@pytest.mark.parametrize("maximum, top, step", [(11, 15, 5), (4, 4, 1), (97, 100, 50),
                                                (1234, 1500, 500), (0, 1, 1)])
def test_linear_scale_has_round_steps(maximum, top, step):
    scale = charts.linear_scale(maximum)
    assert scale.high == top and scale.ticks[1] - scale.ticks[0] == step
    assert scale.ticks[-1] >= maximum


def test_runs_and_short_numbers():
    assert charts.runs([False, True, True, False, True]) == [(1, 2), (4, 4)]
    assert charts.runs([]) == []
    assert [charts.short_number(v) for v in (10, 1000, 1500, 100000, 2_000_000)] == [
        "10", "1k", "1.5k", "100k", "2M"]


def test_camera_presets_frame_their_places(scenario):
    views = cameras(scenario)
    assert list(views) == ["kazakhstan", "almaty", "nur-sultan", "mangystau"]
    assert views["kazakhstan"].label == "Kazakhstan"
    assert views["kazakhstan"].bounds == tuple(scenario.meta.view)
    for key, place in (("almaty", "almaty"), ("nur-sultan", "nur-sultan"),
                       ("mangystau", "aktau"), ("mangystau", "zhanaozen")):
        south, west, north, east = views[key].bounds
        p = scenario.places[place]
        assert south < p.lat < north and west < p.lon < east, (key, place)
    assert views["almaty"].bounds[2] - views["almaty"].bounds[0] < 1  # a city, not a region


def test_a_preset_whose_region_is_missing_is_left_out(mini):
    loaded = mini.load()
    assert not loaded.problems
    views = cameras(loaded)  # its only region is R1: no city or Mangystau preset
    assert set(views) <= {"kazakhstan"}


def test_geometry_bounds():
    assert geometry_bounds({"type": "Polygon", "coordinates": [[[1, 2], [3, 5], [2, 4]]]}) == (
        2, 1, 5, 3)
    assert geometry_bounds({"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [1, 1], [0, 1]]], [[[5, -2], [6, 0], [5, 0]]]]}) == (-2, 0, 1, 6)
    assert geometry_bounds({"type": "Polygon", "coordinates": []}) is None
