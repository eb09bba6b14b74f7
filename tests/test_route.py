"""From A to B on a day: what the straight line meets, checked in a table of cases against an
independent computation (the geodesic sampled every 20 m with geographiclib, each danger's
extent sampled on its own, no shapely), and the `route` command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from dashboard import gazetteer, route, ui
from dashboard.cli import main
from dashboard.timeline import as_of
from dashboard.travel import active_dangers
from tests.apppage import open_box, page_html
from tests.test_verdicts import _inside

G = Geodesic.WGS84
ROOT = Path(__file__).resolve().parents[1]
NEVER = ("clear", "safe")


def D(day: int) -> date:
    return date(2022, 1, day)


@pytest.fixture(scope="module")
def gaz(scenario):
    return gazetteer.build(scenario)


# --------------------------------------------------------------------------- independent maths


def _samples(a, b, step_km: float):
    """(km from a, lat, lon) every `step_km` along the geodesic from a to b, ends included."""
    line = G.InverseLine(a[0], a[1], b[0], b[1])
    n = max(1, math.ceil(line.s13 / 1000.0 / step_km))
    out = []
    for i in range(n + 1):
        p = line.Position(line.s13 * i / n)
        out.append((line.s13 * i / n / 1000.0, p["lat2"], p["lon2"]))
    return out


def _km(lat1, lon1, lat2, lon2) -> float:
    return G.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def _outline(place, step_km: float = 0.02):
    """A line's or polygon's outline as points every ~20 m ([lat, lon] each)."""
    geometry = place.geometry
    rings = ([geometry["coordinates"]] if geometry["type"] == "LineString"
             else geometry["coordinates"][:1])
    pts = []
    for ring in rings:
        for s, e in zip(ring, ring[1:], strict=False):
            pts += [(lat, lon) for _, lat, lon in _samples((s[1], s[0]), (e[1], e[0]), step_km)]
    return np.array(pts)


def _hav(lat, lon, lats, lons):
    p1, p2 = math.radians(lat), np.radians(lats)
    h = (np.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * np.cos(p2) * np.sin((np.radians(lons) - math.radians(lon)) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def brute_line(place, a, b, ring: bool = False):
    """(distance km from the line to the place's extent, km along the line where the line
    first meets it or None), by sampling: the line every 20 m near the place, a line's or
    polygon's outline every 20 m (the nearest pair found on a sphere, then measured on the
    ellipsoid), a circle by the geodesic distance to its centre."""
    coarse = _samples(a, b, 1.0)
    reach = place.radius_m / 1000.0
    outline = None
    if place.geometry and place.geometry["type"] in ("LineString", "Polygon"):
        outline = _outline(place)
        reach = max(reach, float(_hav(place.lat, place.lon, outline[:, 0], outline[:, 1]).max()))
    centre = [_km(lat, lon, place.lat, place.lon) for _, lat, lon in coarse]
    close = [i for i, d in enumerate(centre) if d <= reach + 40.0]
    if not close:
        return math.inf, None
    s0, s1 = coarse[max(0, close[0] - 1)][0], coarse[min(len(coarse) - 1, close[-1] + 1)][0]
    line = G.InverseLine(a[0], a[1], b[0], b[1])
    n = max(1, math.ceil((s1 - s0) / 0.02))
    fine = []
    for i in range(n + 1):
        s = (s0 + (s1 - s0) * i / n) * 1000.0
        p = line.Position(s)
        fine.append((s / 1000.0, p["lat2"], p["lon2"]))
    if outline is None:
        r = place.radius_m / 1000.0
        d = [_km(lat, lon, place.lat, place.lon) - r for _, lat, lon in fine]
        if ring:
            for (s, *_), x, y in zip(fine, d, d[1:], strict=False):
                if x == 0 or (x < 0) != (y < 0):
                    return 0.0, s
            return min(abs(x) for x in d), None
        inside = [s for (s, *_), x in zip(fine, d, strict=True) if x <= 0]
        return (0.0, inside[0]) if inside else (min(d), None)
    if place.geometry["type"] == "Polygon":
        ring_pts = place.geometry["coordinates"][0]
        inside = [s for s, lat, lon in fine if _inside(lat, lon, ring_pts)]
        if inside:
            return 0.0, inside[0]
    best = (math.inf, None)
    for s, lat, lon in fine:
        h = _hav(lat, lon, outline[:, 0], outline[:, 1])
        j = int(h.argmin())
        if h[j] < best[0] + 0.05:
            km = _km(lat, lon, outline[j, 0], outline[j, 1])
            if km < best[0]:
                best = (km, s)
    if best[0] <= 0.03:  # the line crosses the street
        return 0.0, best[1]
    return best[0], None


# --------------------------------------------------------------------------- the table

# (start, destination, day, near km, level, crossed ids that must be there, near ids that must
#  be there, a city on the way and the movement status it must show)
CASES = [
    # Almaty, 5 January: through the centre, across the seized TV buildings' area.
    ("43.2000, 76.9000", "43.2600, 76.9800", 5, 10.0, "danger",
     {"almaty-tv-buildings"}, {"republic-square-almaty", "almaty-akimat"},
     ("Almaty", "entry and exit banned")),
    # A near miss: 7 km north of the seized airport, outside the city.
    ("43.4200, 76.9500", "43.4200, 77.2000", 5, 10.0, "caution", set(), {"airport-ala"},
     ("Almaty", "entry and exit banned")),
    # The same line with a smaller N: the airport is no longer "near".
    ("43.4200, 76.9500", "43.4200, 77.2000", 5, 5.0, "caution", set(), set(), None),
    # Karaganda to Kokshetau passes the capital: its entry and exit ban and checkpoints.
    ("Karaganda", "Kokshetau", 7, 10.0, "danger", {"nur-sultan-checkpoints"}, set(),
     ("Nur-Sultan", "entry and exit banned")),
    # Through Almaty from Talgar on 6 January: the city's ban on the way.
    ("Talgar", "43.2000, 76.6000", 6, 10.0, "caution", set(), {"republic-square-almaty"},
     ("Almaty", "entry and exit banned")),
    # Both ends under curfew: Taraz's own 19:00-07:00, Almaty's 23:00-07:00.
    ("Taraz", "Almaty", 8, 10.0, "danger", {"taraz-checkpoints", "almaty-checkpoints"},
     {"almaty-arena"}, ("Taraz", "checkpoints")),
    # No report in this data: the steppe on 2 January.
    ("48.5000, 61.0000", "49.5000, 63.0000", 2, 10.0, "no_reports", set(), set(), None),
    ("Petropavl", "Kostanay", 3, 10.0, "no_reports", set(), set(), None),
]


@pytest.mark.parametrize(("a", "b", "day", "near_km", "level", "crossed", "near", "city"),
                         CASES)
def test_route_agrees_with_sampling(scenario, gaz, a, b, day, near_km, level, crossed, near,
                                    city):
    answer = route.route(scenario, D(day), a, b, near_km, gazetteer=gaz)
    assert answer.level == level, answer.verdict
    assert answer.level in route.LEVELS
    assert not any(word in answer.verdict.lower().split() for word in NEVER)
    assert "not a road route" in answer.note
    start, end = answer.start.end, answer.end.end
    assert answer.distance_km == pytest.approx(_km(start.lat, start.lon, end.lat, end.lon),
                                               abs=0.001)
    got_crossed = {m.id: m for m in answer.crossed}
    got_near = {m.id: m for m in answer.near}
    assert crossed <= set(got_crossed), set(got_crossed)
    assert near <= set(got_near), set(got_near)
    # Every located danger of the day, measured independently.
    state = as_of(scenario, D(day))
    ids = {d.id for d in active_dangers(state, scenario, start.lat, start.lon) if d.located}
    for pid in ids:
        place = scenario.places[pid]
        km, enters = brute_line(place, (start.lat, start.lon), (end.lat, end.lon),
                                ring=place.kind == "checkpoint")
        if pid in got_crossed:
            assert enters is not None, pid
            assert got_crossed[pid].distance_km == 0.0
            assert got_crossed[pid].enters_km == pytest.approx(enters, abs=0.06), pid
        elif pid in got_near:
            assert enters is None, pid
            assert got_near[pid].distance_km == pytest.approx(km, abs=0.03), pid
            assert km <= near_km + 0.03
        else:
            assert enters is None and km >= near_km - 0.03, (pid, km)
    # Nearest first, and the crossed ones in the order the line meets them.
    assert [m.distance_km for m in answer.near] == sorted(m.distance_km for m in answer.near)
    assert [m.along_km for m in answer.crossed] == sorted(m.along_km for m in answer.crossed)
    # Cities on the way: every city whose drawn circle is within N km of the line.
    cities = {c.name: c for c in answer.on_the_way}
    for place in scenario.places.values():
        if place.kind == "city":
            km, _ = brute_line(place, (start.lat, start.lon), (end.lat, end.lon))
            if km <= near_km - 0.03:
                assert place.name in cities, place.name
                assert cities[place.name].distance_km == pytest.approx(km, abs=0.03)
            elif km > near_km + 0.03:
                assert place.name not in cities, place.name
    if city is not None:
        name, status = city
        assert status in [r.status for r in cities[name].movement]
        assert all(r.sources for r in cities[name].movement)
    for c in answer.on_the_way:  # no city is left without saying what the data holds
        assert c.movement or c.checkpoints or "absence of reports" in c.note
    if level == "no_reports":
        assert "absence of reports" in answer.verdict
        assert any("absence of reports" in g for g in answer.gaps)
    json.dumps(answer.to_json(), allow_nan=False)


def test_a_city_ban_on_the_way_cites_the_rows_in_force(scenario, gaz):
    answer = route.route(scenario, D(7), "Karaganda", "Kokshetau", gazetteer=gaz)
    capital = next(c for c in answer.on_the_way if c.name == "Nur-Sultan")
    rows = [r for r in scenario.restrictions if r.kind == "movement" and "KZ-AST" in r.area
            and r.in_force(D(7))]
    assert {r.status for r in rows} <= {r.status for r in capital.movement}
    for row in rows:
        assert set(row.sources) <= set(answer.sources)
    assert [k.id for k in capital.checkpoints] == ["nur-sultan-checkpoints"]
    assert not capital.through and capital.distance_km < 2.0
    ring = next(m for m in answer.crossed if m.id == "nur-sultan-checkpoints")
    assert ring.enters_km < ring.leaves_km  # in through the ring, and out again


def test_both_ends_under_curfew_give_each_end_its_own_hours(scenario, gaz):
    answer = route.route(scenario, D(8), "Taraz", "Almaty", gazetteer=gaz)

    def hours(area):
        return {r.hours for r in scenario.restrictions if r.kind == "curfew"
                and area in r.area and r.in_force(D(8))}

    start_hours = {r.hours for r in answer.start.report.curfews}
    end_hours = {r.hours for r in answer.end.report.curfews}
    assert hours("taraz") == {"19:00-07:00"} and hours("taraz") <= start_hours
    assert hours("KZ-ALA") <= end_hours and "19:00-07:00" not in end_hours
    data = answer.to_json()
    assert data["start"]["curfew"][0]["hours"] == "19:00-07:00"  # the city's own first
    assert all(r["sources"] for r in data["start"]["curfew"] + data["end"]["curfew"])
    assert data["start"]["airports"][0]["id"] == "airport-dmb"


def test_no_report_for_a_day_is_never_clear(scenario, gaz):
    answer = route.route(scenario, D(3), "Petropavl", "Kostanay", gazetteer=gaz)
    assert answer.level == "no_reports"
    text = json.dumps(answer.to_json()).lower()
    assert '"clear"' not in text and "safe" not in text.replace("not a sign of safety", "")
    assert "absence of reports" in answer.verdict
    # The cities on the way, and the regions with no report, say that the data holds none.
    assert all("absence of reports" in c.note for c in answer.on_the_way)
    assert any("no report from" in g for g in answer.gaps)
    # The airports with no status that day say "no report", never "open".
    for e in (answer.start, answer.end):
        assert {a.status for a in e.airports} == {"no report"}


# --------------------------------------------------------------------------- a flight


@pytest.mark.parametrize(("a", "b", "day", "status", "outbound"), [
    ("NQZ", "Dubai", 8, "recorded", True),
    ("NQZ", "Dubai", 5, "none_recorded", True),
    ("Nur-Sultan", "Frankfurt", 8, "recorded", True),
    ("Moscow", "Nur-Sultan", 10, "recorded", False),
])
def test_a_flight_abroad_is_answered_as_a_flight(scenario, gaz, a, b, day, status, outbound):
    answer = route.route(scenario, D(day), a, b, gazetteer=gaz)
    flight = answer.flight
    assert flight is not None and flight.status == status
    assert flight.outbound is outbound and flight.airport_id == "airport-nqz"
    abroad = b if outbound else a
    expected = {f.id for f in scenario.flights if f.airport == "airport-nqz"
                and f.destination.split(" (")[0] == abroad and f.in_force(D(day))}
    assert {f.id for f in flight.services} == expected
    nqz = as_of(scenario, D(day)).place_state("airport-nqz").status_of("airport")
    assert flight.airport_status == (nqz.status if nqz else "no report")
    # A flight, not a ground route: no line, no dangers along it.
    assert answer.path is None and answer.distance_km is None
    assert not answer.crossed and not answer.near and not answer.on_the_way
    assert "not a ground route" in answer.note
    for f in flight.services:
        assert set(f.sources) <= set(answer.sources)
    if status == "none_recorded":
        assert "absence of reports" in flight.words
    assert any("gives no position" in g for g in answer.gaps)
    json.dumps(answer.to_json(), allow_nan=False)


def test_a_domestic_pair_of_airports_is_a_ground_line(scenario, gaz):
    answer = route.route(scenario, D(8), "NQZ", "Shymkent airport", gazetteer=gaz)
    assert answer.flight is None and answer.distance_km > 900
    assert answer.end.airports[0].id == "airport-cit"


# --------------------------------------------------------------------------- the map's GeoJSON


def test_route_geojson_is_the_geodesic_with_its_ends(scenario, gaz):
    answer = route.route(scenario, D(8), "Taraz", "Almaty", gazetteer=gaz)
    collection = route.route_geojson(answer)
    json.dumps(collection, allow_nan=False)
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    assert kinds.count("route") == 1 and kinds.count("start") == 1 and kinds.count("end") == 1
    line = next(f for f in collection["features"] if f["properties"]["kind"] == "route")
    coords = line["geometry"]["coordinates"]
    assert 100 <= len(coords) <= 257
    a, b = answer.start.end, answer.end.end
    assert coords[0] == [round(a.lon, 6), round(a.lat, 6)]
    assert coords[-1] == [round(b.lon, 6), round(b.lat, 6)]
    total = _km(a.lat, a.lon, b.lat, b.lon)
    for lon, lat in coords:  # every vertex lies on the geodesic
        assert _km(a.lat, a.lon, lat, lon) + _km(lat, lon, b.lat, b.lon) == \
            pytest.approx(total, abs=0.002)
    assert line["properties"]["name"] == "Taraz → Almaty"
    assert "not a road route" in line["properties"]["note"]
    assert {f["properties"]["id"] for f in collection["features"]
            if f["properties"]["kind"] == "crossed"} == {m.id for m in answer.crossed}


def test_a_flight_has_no_line_on_the_map(scenario, gaz):
    collection = route.route_geojson(route.route(scenario, D(8), "NQZ", "Dubai",
                                                 gazetteer=gaz))
    assert [f["properties"]["kind"] for f in collection["features"]] == ["start"]


def test_set_aside_rows_are_said(bundled_copy):
    bundled_copy.set("events.csv", 0, date="2022-02-30")
    loaded = bundled_copy.load()
    answer = route.route(loaded, D(5), "43.2000, 76.9000", "43.2600, 76.9800",
                         gazetteer=gazetteer.build(loaded, with_settlements=False))
    assert "set aside" in answer.data_problems
    assert answer.to_json()["data_problems"] == answer.data_problems


# --------------------------------------------------------------------------- the command


def test_route_command_prints_the_answer_as_json(capsys):
    assert main(["route", "43.2000, 76.9000", "43.2600, 76.9800", "--day", "2022-01-05",
                 "--geocoder", "off"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"day", "near_km", "start", "end", "distance_km", "level", "verdict", "note",
            "crossed", "near", "on_the_way", "regions", "flight", "gaps", "data_problems",
            "sources"} <= set(data)
    assert data["level"] == "danger" and data["flight"] is None
    assert {"name", "lat", "lon", "matched_by", "curfew", "state_of_emergency",
            "airports"} <= set(data["start"])
    crossing = data["crossed"][0]
    assert {"id", "kinds", "enters_km", "distance_km", "sources"} <= set(crossing)
    assert all(s in data["sources"] for s in crossing["sources"])


def test_route_command_answers_a_flight(capsys):
    assert main(["route", "NQZ", "Dubai", "--day", "2022-01-08", "--geocoder", "off"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["flight"]["status"] == "recorded" and data["distance_km"] is None
    assert data["end"]["lat"] is None and data["end"]["matched_by"] == "flight destination"


@pytest.mark.parametrize("args", [
    ["Almaty", "Nowhereville", "--day", "2022-01-05"],
    ["Almaty", "Taraz", "--day", "2022-01-11"],
    ["Almaty", "Taraz", "--day", "tomorrow"],
    ["Almaty", "Taraz", "--day", "2022-01-05", "--near-km", "-1"],
    ["Almaty", "Taraz", "--day", "2022-01-05", "--near-km", "nan"],
    ["Almaty", "Taraz", "--day", "2022-01-05", "--near-km", "inf"],
    ["91, 0", "Taraz", "--day", "2022-01-05"],
])
def test_route_command_refuses_bad_input_with_exit_2(args, capsys):
    assert main(["route", *args, "--geocoder", "off"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "error:" in captured.err


def test_route_command_missing_data_folder_exits_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard", "route", "Almaty", "Taraz",
                           "--day", "2022-01-05", "--data", str(tmp_path / "nothing")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert "does not exist" in done.stderr


def test_readme_lists_every_command():
    from dashboard.cli import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("(`.venv/bin/python", 1)[0]
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m dashboard {name} " in block, name


# --------------------------------------------------------------------------- the panel


def test_the_panel_answers_from_a_to_b_with_sources():
    from tests.test_app import run_app

    at = open_box(run_app({"day": "2022-01-08"}), ui.ROUTE_KEY)
    at.text_input(key="route_from").set_value("Taraz").run()
    at.text_input(key="route_to").set_value("Almaty").run()
    assert not at.exception
    html = page_html(at)
    assert "data-testid='kz-route'" in html and "data-level='danger'" in html
    assert "not a road route" in html
    assert "data-route-danger='taraz-checkpoints'" in html
    assert "data-route-city='taraz'" in html and "19:00-07:00" in html
    at.text_input(key="route_to").set_value("Dubai").run()
    html = page_html(at)  # Taraz's airport: no flight to Dubai in this data
    assert "data-testid='kz-route-flight' data-status='none_recorded'" in html
    assert "absence of reports" in html
    at.text_input(key="route_from").set_value("Nur-Sultan").run()
    html = page_html(at)
    assert "data-testid='kz-route-flight' data-status='recorded'" in html
    assert "not a ground route" in html


def test_the_panel_escapes_what_was_typed_and_says_when_nothing_is_found():
    from tests.test_app import run_app

    at = open_box(run_app({"day": "2022-01-05"}), ui.ROUTE_KEY)
    at.text_input(key="route_from").set_value("Almaty").run()
    at.text_input(key="route_to").set_value("<img src=x onerror=alert(1)>").run()
    assert not at.exception
    html = page_html(at)
    assert "No place called" in html and "<img src=x" not in html
    assert "data-testid='kz-route'" not in html


def test_the_route_is_drawn_on_the_map_in_the_same_step():
    """Typing the two ends draws the line, its ends and the danger marks on the map at once
    (the answer is computed before the map), framed once; the tooltip says it is no road."""
    from tests.test_app import map_step, run_app

    at = open_box(run_app({"day": "2022-01-05"}), ui.ROUTE_KEY)
    assert '"route"' not in map_step(at)
    at.text_input(key="route_from").set_value("Almaty International Airport").run()
    at.text_input(key="route_to").set_value("Republic Square").run()
    step = map_step(at)
    assert '"route"' in step and "not a road route" in step
    assert "route-start-" in step and "route-end-" in step and "route-crossed-" in step
    assert 'kz.moveOnce(' in step and '"route:' in step


def test_a_closed_route_box_draws_no_boxes_and_keeps_what_they_hold():
    """Closed, the box is one element on a step; what was typed stays, the line stays on
    the map, and opening the box again shows the ends and the answer."""
    from tests.test_app import map_step, run_app

    at = open_box(run_app({"day": "2022-01-05"}), ui.ROUTE_KEY)
    at.text_input(key="route_from").set_value("Almaty International Airport").run()
    at.text_input(key="route_to").set_value("Republic Square").run()
    at.session_state[ui.ROUTE_KEY] = False
    at.run()
    assert not at.exception
    assert not [t for t in at.text_input if t.key in ui.ROUTE_FIELDS]
    assert not [n for n in at.number_input if n.key in ui.ROUTE_FIELDS]
    at.button(key="next").click().run()  # a step with the box closed
    assert '"route"' in map_step(at)
    at = open_box(at, ui.ROUTE_KEY)
    assert at.text_input(key="route_from").value == "Almaty International Airport"
    assert at.text_input(key="route_to").value == "Republic Square"
    assert "data-testid='kz-route'" in page_html(at)


def test_route_features_escape_and_mark_each_danger(scenario):
    from dashboard.mapview import route_features

    answer = route.route(scenario, date(2022, 1, 5), "Almaty International Airport",
                         "Republic Square", 5)
    features = route_features(route.route_geojson(answer))
    kinds = [f["properties"]["id"].split("-")[1] for f in features]
    assert kinds[0] == "route" and {"start", "end"} <= set(kinds)
    assert kinds.count("crossed") == len(answer.crossed)
    assert kinds.count("near") == len(answer.near)
    line = features[0]
    assert line["geometry"]["type"] == "LineString" and "dashArray" in line["properties"]["style"]
    assert "not a road route" in line["properties"]["tooltip"]


def test_a_map_click_can_set_either_end_of_the_route():
    """"Pick From on the map" turns picking on for From; the next click fills From (not the
    place search) and ends picking; the toggle alone picks the place to find again."""
    from dashboard import ui
    from tests.test_app import run_app

    at = open_box(run_app({"day": "2022-01-05"}), ui.ROUTE_KEY)
    at.button(key="pick-route_from").click().run()
    assert at.toggle(key="pick").value is True
    assert any("sets From of the route" in c.value for c in at.caption)
    at.session_state["_click_pending"] = ("route_from", "43.25000, 76.90000")
    at.run()
    assert at.text_input(key="route_from").value == "43.25000, 76.90000"
    assert at.text_input(key="find").value == ""
    assert at.toggle(key="pick").value is False
    at.toggle(key="pick").set_value(True).run()
    assert at.session_state["_pick_target"] == "find"
    assert ui.PICK_TARGETS.keys() == {"find", "route_from", "route_to"}
