"""Where exactly: the traveller's verdict says which basis applies (inside a located danger,
near one, in a city where dangers without a known position were reported, under a state of
emergency or curfew, or no report), and its distances to circles, rings, lines and polygons
agree with an independent brute-force computation on the ellipsoid."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from geographiclib.geodesic import Geodesic

from dashboard import gazetteer, mapview, travel
from dashboard.geo import measure
from dashboard.timeline import as_of

G = Geodesic.WGS84


def D(day: int) -> date:
    return date(2022, 1, day)


# --------------------------------------------------------------------------- independent maths


def _km(lat1, lon1, lat2, lon2) -> float:
    return G.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def _along(a, b, steps: int = 400):
    """Points along the geodesic from a to b ([lon, lat] each), ends included."""
    line = G.InverseLine(a[1], a[0], b[1], b[0])
    for i in range(steps + 1):
        p = line.Position(line.s13 * i / steps)
        yield p["lat2"], p["lon2"]


def _inside(lat, lon, ring) -> bool:
    """Even-odd rule on a ring of [lon, lat] positions."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def brute_km(place, lat, lon, ring: bool = False) -> float:
    """Distance to a place's extent, by sampling its outline densely (no shapely)."""
    geometry = place.geometry
    if geometry and geometry["type"] == "LineString":
        pts = geometry["coordinates"]
        return min(_km(lat, lon, a, b) for s, e in zip(pts, pts[1:], strict=False)
                   for a, b in _along(s, e))
    if geometry and geometry["type"] == "Polygon":
        outer = geometry["coordinates"][0]
        if _inside(lat, lon, outer):
            return 0.0
        return min(_km(lat, lon, a, b) for s, e in zip(outer, outer[1:], strict=False)
                   for a, b in _along(s, e))
    centre = _km(lat, lon, place.lat, place.lon)
    radius = place.radius_m / 1000.0
    return abs(centre - radius) if ring else max(0.0, centre - radius)


# --------------------------------------------------------------------------- a scenario with
# a street drawn as a line and a square as a polygon (test geometry, not the bundled data's)

LINE = [[76.880, 43.2390], [76.925, 43.2384], [76.960, 43.2380], [76.990, 43.2400]]
SQUARE = [[76.9425, 43.2375], [76.9480, 43.2375], [76.9480, 43.2395], [76.9425, 43.2395],
          [76.9425, 43.2375]]


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    import shutil

    from dashboard.scenario import DEFAULT_DATA_DIR, load_scenario

    folder = tmp_path_factory.mktemp("shaped") / "geodata"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    features = [
        {"type": "Feature", "properties": {"id": "abay-avenue-almaty"},
         "geometry": {"type": "LineString", "coordinates": LINE}},
        {"type": "Feature", "properties": {"id": "republic-square-almaty"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
    ]
    (folder / "places.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": features}), encoding="utf-8")
    loaded = load_scenario(folder)
    assert not [p for p in loaded.problems if p.file == "places.geojson"]
    return loaded


@pytest.mark.parametrize(("lat", "lon"), [
    (43.2384, 76.925),  # on a vertex
    (43.2420, 76.900),  # 300-odd m north of the first segment
    (43.2300, 76.970),  # south of the bend
    (43.2600, 76.990),  # 2 km north of the last vertex
    (43.2390, 76.870),  # beyond the western end
    (43.2000, 76.930),  # 4 km south
])
def test_distance_to_a_line_agrees_with_sampling(shaped, lat, lon):
    place = shaped.places["abay-avenue-almaty"]
    assert measure(place, lat, lon).edge_km == pytest.approx(brute_km(place, lat, lon),
                                                             abs=0.005)


@pytest.mark.parametrize(("lat", "lon"), [
    (43.2385, 76.9450),  # inside
    (43.2410, 76.9450),  # north of it
    (43.2385, 76.9600),  # east
    (43.2300, 76.9300),  # south-west, nearest a corner
])
def test_distance_to_a_polygon_agrees_with_sampling(shaped, lat, lon):
    place = shaped.places["republic-square-almaty"]
    assert measure(place, lat, lon).edge_km == pytest.approx(brute_km(place, lat, lon),
                                                             abs=0.005)


def test_a_line_is_drawn_as_a_line_and_a_polygon_as_a_polygon(shaped):
    zones = {f["properties"]["id"]: f for f in
             mapview.layer_features(as_of(shaped, D(8)), shaped, "zones")}
    assert zones["abay-avenue-almaty"]["geometry"]["type"] == "LineString"
    assert zones["republic-square-almaty"]["geometry"]["type"] == "Polygon"
    assert "r" not in zones["abay-avenue-almaty"]["properties"]


def test_a_point_north_of_the_street_is_near_it_not_inside(shaped):
    gaz = gazetteer.build(shaped)
    rep = travel.report(travel.resolve("43.2470, 76.9000", gaz).best, as_of(shaped, D(8)),
                        shaped)
    abay = next(d for d in rep.dangers if d.id == "abay-avenue-almaty")
    assert abay.distance_km == pytest.approx(0.93, abs=0.03) and not abay.inside
    assert rep.basis == "near" and rep.level == "danger"  # within 1 km
    on = travel.report(travel.resolve("43.2384, 76.9250", gaz).best, as_of(shaped, D(8)),
                       shaped)
    assert on.basis == "inside" and on.dangers[0].inside


# --------------------------------------------------------------------------- the bundled data:
# (place typed, day, basis, level, a danger id expected among the located ones or None,
#  an id expected among those known only by their city or None)

POINTS = [
    # Almaty: located dangers in the centre; the city itself contested 5-7 January.
    ("43.2383, 76.9453", 7, "inside", "danger", "republic-square-almaty", "almaty"),
    ("43.2364, 76.9456", 5, "inside", "danger", "almaty-akimat", "almaty"),
    ("43.3553, 77.0447", 5, "inside", "danger", "airport-ala", "almaty"),
    ("43.2600, 76.9500", 7, "near", "danger", "nazarbayev-avenue-almaty",
     "zheltoksan-street-almaty"),  # 0.3 km east of the avenue's line
    ("43.1900, 76.8500", 7, "near", "caution", None, "almaty"),
    ("43.3000, 76.9000", 9, "near", "caution", "almaty-checkpoints", None),
    ("43.4500, 76.9000", 9, "near", "danger", "almaty-checkpoints", None),  # 0.8 km
    ("43.2200, 76.8800", 3, "none", "no_reports", None, None),
    # Nur-Sultan: an unlocated avoid-zone, a ring of checkpoints around the city.
    ("51.1800, 71.4458", 7, "near", "caution", "nur-sultan-checkpoints", "nur-sultan"),
    ("51.1800, 71.4458", 3, "none", "no_reports", None, None),
    ("51.1800, 71.4458", 2, "none", "no_reports", None, None),
    # Shymkent: the city and its akimat fought over, no located danger.
    ("42.3167, 69.5958", 5, "city", "caution", None, "shymkent-akimat"),
    ("42.3167, 69.5958", 7, "city", "caution", None, "arbat-shymkent"),
    ("42.3650, 69.4761", 3, "none", "no_reports", None, None),  # Shymkent airport
    # Aktau: the square held from 3 to 7 January, its position not known.
    ("43.6500, 51.1500", 4, "city", "caution", None, "aktau-yntymak-square"),
    ("43.6500, 51.1500", 8, "city", "caution", None, "aktau-yntymak-square"),
    ("43.8600, 51.0919", 6, "rules", "restricted", None, None),  # Aktau airport: outside town
    # Taraz and elsewhere.
    ("42.9000, 71.3667", 5, "city", "caution", None, "taraz-regional-akimat"),
    ("48.5000, 61.0000", 7, "rules", "restricted", None, None),  # steppe, Aktobe region
    ("48.5000, 61.0000", 3, "none", "no_reports", None, None),
    ("50.2800, 57.1667", 5, "near", "caution", "airport-akx", "aktobe-regional-akimat"),
    ("45.9650, 63.3050", 8, "inside", "danger", "baikonur-cosmodrome", None),
]


@pytest.fixture(scope="module")
def gaz(scenario):
    return gazetteer.build(scenario)


@pytest.mark.parametrize(("typed", "day", "basis", "level", "located", "somewhere"), POINTS)
def test_verdict_basis_and_distances(scenario, gaz, typed, day, basis, level, located,
                                     somewhere):
    place = travel.resolve(typed, gaz).best
    rep = travel.report(place, as_of(scenario, D(day)), scenario)
    assert (rep.basis, rep.level) == (basis, level), rep.verdict
    assert rep.level != "clear"
    if located:
        assert located in [d.id for d in rep.dangers], [d.id for d in rep.dangers]
    if somewhere:
        assert somewhere in [d.id for d in rep.unlocated], [d.id for d in rep.unlocated]
    # Every located distance is the distance to that place's extent, nearest first.
    for danger in rep.dangers:
        target = scenario.places[danger.id]
        expected = brute_km(target, place.lat, place.lon, ring=target.kind == "checkpoint")
        assert danger.distance_km == pytest.approx(expected, abs=0.01), danger.id
    assert [d.distance_km for d in rep.dangers] == sorted(d.distance_km for d in rep.dangers)
    # Nothing known only by its city is ever given a distance of 0 km, or "inside".
    assert all(not d.inside for d in rep.unlocated)
    if basis == "city":
        assert rep.verdict.startswith("In ") and "without a known position" in rep.verdict


def test_the_near_command_says_which_basis_applies():
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "dashboard", "near", "42.9000, 71.3667",
                           "--day", "2022-01-05", "--geocoder", "off"],
                          capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    answer = json.loads(done.stdout)
    assert answer["basis"] == "city" and answer["level"] == "caution"
    where = {d["id"]: d for d in answer["somewhere_in_city"]}
    assert where["taraz-regional-akimat"]["city"] == "Taraz"
    assert where["taraz-regional-akimat"]["in_city"] is True
    assert all(d["id"] not in where for d in answer["dangers"])


def test_no_distance_means_anything_for_a_site_known_only_by_its_city(scenario, gaz):
    """The issue's own case: a point on Almaty's southern edge is not 'inside' Timiryazev
    Street or the police department, whose positions are not known."""
    place = travel.resolve("43.1950, 76.8900", gaz).best
    rep = travel.report(place, as_of(scenario, D(8)), scenario)
    assert all(d.id not in ("timiryazev-street-almaty", "almaty-police-hq")
               for d in rep.dangers)
    assert "timiryazev-street-almaty" in [d.id for d in rep.unlocated]
    assert not math.isclose(rep.dangers[0].distance_km, 0.0) if rep.dangers else True


def test_the_offline_export_draws_the_lines_and_polygons(scenario):
    from dashboard.export import day_geojson, day_html

    state = as_of(scenario, D(8))
    page = day_html(state, scenario)
    assert '"LineString"' in page and '"Polygon"' in page
    shapes = {f["properties"]["id"]: f["geometry"]["type"]
              for f in day_geojson(state, scenario)["features"]
              if f["properties"]["type"] == "place"}
    assert shapes["abay-avenue-almaty"] == "LineString"
    assert shapes["nazarbayev-avenue-almaty"] == "LineString"
    assert shapes["republic-square-almaty"] == "Polygon"


def test_sites_known_only_by_their_city_share_one_ring(scenario):
    """Taraz on 5 January: the regional akimat (held by protesters) and the police
    (contested) sit on the city's point; one ring holds both, the gravest first, and each
    can be read in its tooltip and popup."""
    control = mapview.layer_features(as_of(scenario, D(5)), scenario, "control")
    rings = [f for f in control if "taraz-police" in f["properties"].get("ids", [])]
    assert len(rings) == 1
    ring = rings[0]["properties"]
    assert ring["ids"][0] == "taraz-regional-akimat" and "taraz-police" in ring["ids"]
    assert ring["status"] == "protesters"
    assert "Jambyl" in ring["tooltip"] and "police" in ring["tooltip"].lower()
    assert ring["popup"].count("class='kzpop'") == len(ring["ids"])
    points = [tuple(f["geometry"]["coordinates"]) for f in control
              if f["properties"].get("somewhere")]
    assert len(points) == len(set(points))  # no two rings on one point
