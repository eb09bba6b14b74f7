"""Traveller tools: names people type, coordinates, distances, the verdict, the `near` command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date

import pytest

from dashboard import gazetteer, travel
from dashboard.geo import compass, distance_bearing, region_at
from dashboard.geocode import geocoder_from_setting
from dashboard.timeline import as_of
from tests.nominatim_standin import NominatimStandIn, place

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gaz(scenario):
    return gazetteer.build(scenario)


# What people type -> the scenario place id (or a GeoNames settlement's name) it must find first.
FINDS = [
    ("Nur-Sultan", "nur-sultan"), ("Astana", "nur-sultan"), ("Nursultan", "nur-sultan"),
    ("nur sultan", "nur-sultan"), ("Астана", "nur-sultan"), ("Нур-Султан", "nur-sultan"),
    ("Akmola", "nur-sultan"),
    ("Almaty", "almaty"), ("Alma-Ata", "almaty"), ("alma ata", "almaty"), ("Алматы", "almaty"),
    ("Алма-Ата", "almaty"), ("Almatty", "almaty"), ("Almatyy", "almaty"),
    ("Abay Avenue", "abay-avenue-almaty"), ("abai ave", "abay-avenue-almaty"),
    ("проспект Абая", "abay-avenue-almaty"), ("Republic Square", "republic-square-almaty"),
    ("Площадь Республики", "republic-square-almaty"), ("Almaty airport", "airport-ala"),
    ("ALA", "airport-ala"), ("NQZ", "airport-nqz"), ("Aktau", "aktau"), ("Актау", "aktau"),
    ("Aqtau", "aktau"), ("Zhanaozen", "zhanaozen"), ("Жаңаөзен", "zhanaozen"),
    ("Janaozen", "zhanaozen"), ("Shymkent", "shymkent"), ("Chimkent", "shymkent"),
    ("Baikonur Cosmodrome", "baikonur-cosmodrome"), ("Taldykorgan", "taldykorgan"),
    ("Zheltoksan", "zheltoksan-street-almaty"),
]
SETTLEMENTS = [
    ("Semey", "Semey"), ("Semipalatinsk", "Semey"), ("Karaganda", "Karagandy"),
    ("Qaraghandy", "Karagandy"), ("Uralsk", "Oral"), ("Kapchagay", "Konayev"),
    ("Talgar", "Talghar"), ("Ust-Kamenogorsk", "Ust-Kamenogorsk"),
    ("Oskemen", "Ust-Kamenogorsk"), ("Pavlodar", "Pavlodar"),
]
NOT_FOUND = ["London", "Moscow", "xyz", "Paris", "qqqq", "", "   ", "!!!"]


@pytest.mark.parametrize(("typed", "place_id"), FINDS)
def test_names_people_type_find_the_scenario_place(gaz, typed, place_id):
    best = gaz.best(typed)
    assert best is not None, typed
    assert best.entry.place_id == place_id


@pytest.mark.parametrize(("typed", "name"), SETTLEMENTS)
def test_settlements_come_from_the_shipped_gazetteer(gaz, typed, name):
    best = gaz.best(typed)
    assert best is not None
    # A city the scenario holds is found as the scenario's own place, with its events.
    if best.entry.origin == "scenario":
        assert best.entry.kind == "city"
        assert name.lower()[:4] in " ".join((best.entry.name, *best.entry.aliases)).lower()
    else:
        assert best.entry.name == name


@pytest.mark.parametrize("typed", NOT_FOUND)
def test_what_must_not_match(gaz, typed):
    assert gaz.find(typed) == []


def test_a_settlement_that_is_a_scenario_city_is_listed_once(gaz):
    almaty = [m for m in gaz.find("Almaty", limit=10) if m.entry.name == "Almaty"]
    assert len(almaty) == 1 and almaty[0].entry.origin == "scenario"


def test_gazetteer_cache_file_is_reused(tmp_path, monkeypatch):
    calls = []
    real = gazetteer._load_geonames_rows

    def counting(country):
        calls.append(country)
        return real(country)

    monkeypatch.setattr(gazetteer, "_load_geonames_rows", counting)
    first = gazetteer.geonames_rows("KZ", cache_dir=tmp_path)
    second = gazetteer.geonames_rows("KZ", cache_dir=tmp_path)
    assert first == second and len(first) > 300 and calls == ["KZ"]


COORDS = [
    ("43.238, 76.945", (43.238, 76.945)), ("43.238,76.945", (43.238, 76.945)),
    ("43.238 76.945", (43.238, 76.945)), ("(51.1, 71.4)", (51.1, 71.4)),
    ("43.238N 76.945E", (43.238, 76.945)), ("-33.9, 18.4", (-33.9, 18.4)),
    ("Almaty", None), ("43.2", None), ("7 Jan", None),
]


@pytest.mark.parametrize(("text", "expected"), COORDS)
def test_coordinates_typed_directly(text, expected):
    assert gazetteer.parse_coordinates(text) == expected


@pytest.mark.parametrize("text", ["95, 76", "43, 190", "-91, 0"])
def test_coordinates_off_the_earth_are_a_clear_error(gaz, text):
    with pytest.raises(gazetteer.BadCoordinates):
        gazetteer.parse_coordinates(text)
    found = travel.resolve(text, gaz)
    assert found.best is None and "outside" in found.error


# --------------------------------------------------------------------------- distances


def haversine_km(lat1, lon1, lat2, lon2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


@pytest.mark.parametrize(("a", "b"), [
    ((43.35528, 77.04472), (51.02, 71.47)),  # Almaty airport -> Nur-Sultan airport
    ((43.2383, 76.9244), (43.2383, 76.9453)),  # along Abay Avenue, ~1.7 km
    ((43.65, 51.15), (43.34, 52.86)),  # Aktau -> Zhanaozen
])
def test_geodesic_distance_agrees_with_an_independent_formula(a, b):
    km, _ = distance_bearing(*a, *b)
    assert km == pytest.approx(haversine_km(*a, *b), rel=0.005)  # sphere vs ellipsoid


def test_bearings_and_compass_points():
    assert distance_bearing(43.0, 76.0, 44.0, 76.0)[1] == pytest.approx(0.0, abs=0.01)
    assert distance_bearing(43.0, 76.0, 43.0, 77.0)[1] == pytest.approx(90, abs=0.5)
    assert [compass(b) for b in (0, 44, 90, 181, 270, 350)] == ["N", "NE", "E", "S", "W", "N"]


def test_region_of_a_point(scenario):
    assert region_at(scenario, 43.65, 51.15)["id"] == "KZ-MAN"  # Aktau
    assert region_at(scenario, 43.24, 76.92)["id"] == "KZ-ALA"  # Almaty city
    assert region_at(scenario, 55.75, 37.62) is None  # Moscow


# --------------------------------------------------------------------------- the report


def _report(scenario, gaz, text, day, radius=25.0):
    found = travel.resolve(text, gaz)
    assert found.best is not None, found.error
    return travel.report(found.best, as_of(scenario, date.fromisoformat(day)), scenario, radius)


def test_abay_avenue_on_7_january_is_inside_an_avoid_zone(scenario, gaz):
    rep = _report(scenario, gaz, "Abay Avenue", "2022-01-07")
    assert rep.level == "danger"
    # The avenue is a line now: its gazetteer point (the Central Stadium, entered from the
    # avenue) lies a few hundred metres off the line through the metro stations.
    abay = next(d for d in rep.dangers if d.id == "abay-avenue-almaty")
    assert abay.distance_km < 0.5
    assert "avoid-zone" in rep.verdict
    assert [c.hours for c in rep.curfews] == ["23:00-07:00", "23:00-07:00"]
    assert rep.curfews[0].where != "nationwide"  # Almaty's own curfew first
    assert rep.advice  # gg-jan07's advice applies nationwide from 7 January
    distances = [d.distance_km for d in rep.dangers]
    assert distances == sorted(distances)
    assert all(d <= 25 for d in distances)


def test_before_the_avoid_zones_the_same_street_is_different(scenario, gaz):
    rep = _report(scenario, gaz, "Abay Avenue", "2022-01-03")
    assert "abay-avenue-almaty" not in {d.id for d in rep.dangers}
    assert rep.curfews == () and rep.emergency == ()


def test_airports_status_and_distance(scenario, gaz):
    rep = _report(scenario, gaz, "Almaty airport", "2022-01-05")
    ala = rep.airports[0]
    assert (ala.id, ala.status, ala.distance_km) == ("airport-ala", "seized", 0.0)
    assert rep.dangers[0].kind == "seized site"
    later = _report(scenario, gaz, "Nur-Sultan", "2022-01-07")
    nqz = next(a for a in later.airports if a.id == "airport-nqz")
    assert nqz.status == "limited" and nqz.flights  # the first flights out, named by the source
    km = haversine_km(later.place.lat, later.place.lon, 51.0222, 71.4669)
    assert nqz.distance_km == pytest.approx(km, rel=0.01)


def test_a_place_without_reports_is_no_reports_never_clear(scenario, gaz):
    rep = _report(scenario, gaz, "48.5, 61.0", "2022-01-07")  # open steppe, Aktobe region
    assert rep.level == "restricted" and rep.basis == "rules" and rep.dangers == ()
    assert rep.verdict.startswith("No report of active danger within 25 km in this data")
    # Aktobe region's own curfew, tighter than the national one, is the one named.
    assert "under a state of emergency and a curfew (22:00-06:00 local time)" in rep.verdict
    assert "not a sign of safety" in rep.verdict
    assert any(line.startswith("State of emergency in force") for line in rep.context)
    assert any("Curfew 23:00-07:00" in line for line in rep.context)
    assert any(line.startswith("Internet: blackout") for line in rep.context)
    assert rep.coverage.startswith("This data holds") and "Aktobe Region" in rep.coverage
    wide = _report(scenario, gaz, "48.5, 61.0", "2022-01-07", radius=2000)
    assert wide.dangers and wide.level == "caution" and wide.basis == "near"


def test_checkpoints_are_a_ring_around_the_city(scenario, gaz):
    centre = _report(scenario, gaz, "Almaty", "2022-01-09", radius=50)
    ring = next(d for d in centre.dangers if d.kind == "checkpoint")
    assert ring.distance_km == pytest.approx(20 - ring.centre_km, abs=0.01)


def test_report_json_has_the_promised_shape(scenario, gaz):
    data = travel.report_json(_report(scenario, gaz, "Aktau", "2022-01-06"))
    assert set(data["place"]) >= {"name", "lat", "lon", "matched_by"}
    assert data["place"]["matched_by"] == "gazetteer"
    assert data["curfew"] and data["curfew"][0]["hours"] == "23:00-07:00"
    assert {"id", "status", "distance_km"} <= set(data["airports"][0])
    assert data["airports"][0]["id"] == "airport-sco"


# --------------------------------------------------------------------------- online geocoder


def test_the_online_geocoder_is_asked_too(gaz):
    with NominatimStandIn() as standin:
        standin.results = [place("Kabanbay Batyr Avenue, Almaty", "43.2369", "76.9572",
                                 "highway", "primary")]
        found = travel.resolve("Kabanbay Batyr Avenue", gaz, geocoder_from_setting(standin.url))
        assert found.best.matched_by == "geocoder" and found.notice == ""
        assert found.best.lat == pytest.approx(43.2369)
        assert standin.queries() == ["Kabanbay Batyr Avenue"]


@pytest.mark.parametrize("mode", ["http500", "badjson", "notlist", "drop", "http429"])
def test_a_failing_geocoder_leaves_the_gazetteer_answering(gaz, mode):
    with NominatimStandIn(mode) as standin:
        found = travel.resolve("Alma-Ata", gaz, geocoder_from_setting(standin.url))
        assert found.best.place_id == "almaty"
        assert found.notice.startswith("Offline search")


def test_a_geocoder_that_raises_never_breaks_the_search(gaz):
    class Broken:
        def search(self, query, limit=5):
            raise RuntimeError("boom")

    found = travel.resolve("Aktau", gaz, Broken())
    assert found.best.place_id == "aktau" and "RuntimeError" in found.notice


# --------------------------------------------------------------------------- command line


def near(*args):
    return subprocess.run([sys.executable, "-m", "dashboard", "near", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_near_prints_json():
    done = near("Republic Square", "--day", "2022-01-10", "--radius-km", "2")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["place"]["name"] == "Republic Square, Almaty"
    assert data["dangers"][0]["id"] == "republic-square-almaty"
    assert all(d["distance_km"] <= 2 for d in data["dangers"])
    assert {"id", "name", "kind", "distance_km", "bearing"} <= set(data["dangers"][0])


def test_near_takes_coordinates():
    done = near("43.35528, 77.04472", "--day", "2022-01-05")
    data = json.loads(done.stdout)
    assert data["place"]["matched_by"] == "coordinates"
    assert data["airports"][0] == {**data["airports"][0], "id": "airport-ala",
                                   "status": "seized", "distance_km": 0.0}


@pytest.mark.parametrize("args", [("Atlantis", "--day", "2022-01-07"),
                                  ("Almaty", "--day", "2022-02-01"),
                                  ("Almaty", "--day", "yesterday"),
                                  ("Almaty", "--day", "2022-01-07", "--radius-km", "-1"),
                                  ("95, 200", "--day", "2022-01-07")])
def test_near_errors_exit_2(args):
    done = near(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert "error:" in done.stderr
