"""Trends and camera presets: the figures at their reported days, events per day, the blackout,
and views framed from the scenario's shapes."""

from __future__ import annotations

import json
from datetime import date

from dashboard import trends
from dashboard.cameras import cameras, geometry_bounds
from dashboard.daypanel import caveat_html
from dashboard.timeline import as_of

D = lambda d: date(2022, 1, d)  # noqa: E731


def test_figure_points_sit_at_their_reported_days(scenario):
    points = trends.figure_points(scenario)
    deaths = [(p["day"], p["value"], p["reported"]) for p in points if p["key"] == "deaths"]
    assert deaths == [("2022-01-07", 130, "preferred figure"), ("2022-01-09", 164,
                      "preferred figure"), ("2022-01-10", 160, "also reported")]
    detained = [p for p in points if p["key"] == "detained"]
    assert {p["day"] for p in detained} == {"2022-01-10"}
    assert [p["value"] for p in detained if p["reported"] == "preferred figure"] == [7939]
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


def test_charts_mark_the_slider_day(scenario):
    for spec in (trends.figures_chart(scenario, D(7)), trends.events_chart(scenario, D(7))):
        text = json.dumps(spec)
        assert '"2022-01-07"' in text  # the rule of the slider's day
        assert spec["layer"][-1]["mark"]["type"] == "rule"
        assert '"2022-01-05"' in text  # the blackout shading starts on the 5th


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
