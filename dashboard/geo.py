"""Pure geometry on the WGS84 ellipsoid: geodesic distance and bearing, the distance from a point
to a place's real extent (a circle, a ring, a line or a polygon), the region a point lies in.

Shapes are shapely geometries in longitude, latitude. The nearest point of a line or polygon is
found in a local equal-scale plane around the point (longitudes shrunk by the cosine of its
latitude), then measured geodesically: exact enough for streets and squares, which span a few
kilometres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic
from shapely import affinity, prepared
from shapely.geometry import Point, shape
from shapely.ops import nearest_points

from .scenario import Place, Scenario
from .timeline import per_scenario

COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
           "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
# Kinds of places whose geo_precision 3 is an extent of their own, not "somewhere in a city".
AREA_KINDS = frozenset({"country", "region", "city", "checkpoint"})


def distance_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """Geodesic distance in km and initial bearing in degrees (0 = north, clockwise)."""
    line = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    return line["s12"] / 1000.0, line["azi1"] % 360.0


def compass(bearing: float) -> str:
    return COMPASS[int((bearing % 360.0) / 22.5 + 0.5) % 16]


def unlocated(place: Place) -> bool:
    """A site known only by its city (geo_precision 3, no geometry): "somewhere in CITY".
    Its drawn point and radius are the city's, so no distance to it means anything."""
    return place.geo_precision == 3 and place.geometry is None and place.kind not in AREA_KINDS


@dataclass(frozen=True)
class Measure:
    edge_km: float  # to the edge of the place's extent; 0 when inside
    centre_km: float  # to its drawn point
    bearing: float  # towards the nearest point of the extent (its point when inside)
    lat: float  # that nearest point
    lon: float


def measure(place: Place, lat: float, lon: float, *, ring: bool = False) -> Measure:
    """Distance from the point to the place: to its line or polygon when it has a geometry
    (0 inside a polygon), else to its circle of `radius_m` (or, with ``ring``, to the circle's
    line: checkpoints around a city are a ring, not a disc)."""
    centre_km, centre_bearing = distance_bearing(lat, lon, place.lat, place.lon)
    if place.geometry is not None and place.geometry.get("type") != "Point":
        geom = shape(place.geometry)
        here = Point(lon, lat)
        if geom.geom_type in ("Polygon", "MultiPolygon") and geom.covers(here):
            return Measure(0.0, round(centre_km, 3), centre_bearing, lat, lon)
        shrink = math.cos(math.radians(lat))  # a degree of longitude, in degrees of latitude
        flat = affinity.scale(geom, xfact=shrink, yfact=1.0, origin=(0, 0))
        near = nearest_points(flat, Point(lon * shrink, lat))[0]
        n_lon, n_lat = near.x / shrink, near.y
        km, bearing = distance_bearing(lat, lon, n_lat, n_lon)
        return Measure(round(km, 3), round(centre_km, 3), bearing, n_lat, n_lon)
    radius_km = (place.radius_m or 0.0) / 1000.0
    edge = abs(centre_km - radius_km) if ring else max(0.0, centre_km - radius_km)
    return Measure(round(edge, 3), round(centre_km, 3), centre_bearing, place.lat, place.lon)


def _region_shapes(scenario: Scenario) -> list[tuple[dict, object]]:
    shapes = []
    for feature in scenario.regions.get("features", []):
        geometry = feature.get("geometry")
        if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
            shapes.append((feature["properties"], prepared.prep(shape(geometry))))
    return shapes


def region_at(scenario: Scenario, lat: float, lon: float) -> dict | None:
    """The properties (id, name) of the scenario region containing the point, if any."""
    here = Point(lon, lat)
    for properties, region in per_scenario(scenario, "region_shapes", _region_shapes):
        if region.covers(here):
            return properties
    return None


# --------------------------------------------------------------------------- a straight line


@dataclass(frozen=True)
class GeodesicPath:
    """The shortest line on the ellipsoid between two points, as vertices at most `step_km`
    apart: (lat, lon, km along the line from the start) each, ends included."""

    length_km: float
    points: tuple[tuple[float, float, float], ...]


def geodesic_path(lat1: float, lon1: float, lat2: float, lon2: float, *,
                  step_km: float = 1.0, max_points: int = 4001) -> GeodesicPath:
    line = Geodesic.WGS84.InverseLine(lat1, lon1, lat2, lon2)
    length_km = line.s13 / 1000.0
    n = max(1, min(max_points - 1, math.ceil(length_km / step_km)))
    points = []
    for i in range(n + 1):
        s = line.s13 * i / n
        p = line.Position(s)
        points.append((p["lat2"], p["lon2"], s / 1000.0))
    return GeodesicPath(length_km, tuple(points))


@dataclass(frozen=True)
class LineMeasure:
    edge_km: float  # from the line to the edge of the place's extent; 0 when it crosses it
    along_km: float  # where on the line that is, from the start
    lat: float  # that point of the line
    lon: float
    enters_km: float | None  # where the line first meets the extent (None: it does not)
    leaves_km: float | None  # where it last meets it


def _haversine_km(lat0: float, lon0: float, lats, lons):
    import numpy as np

    p0, p = math.radians(lat0), np.radians(lats)
    dp, dl = p - p0, np.radians(lons) - math.radians(lon0)
    h = np.sin(dp / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, h)))


def _extent_km(place: Place) -> float:
    """How far the place's extent reaches from its point, roughly (for a first sieve)."""
    reach = (place.radius_m or 0.0) / 1000.0
    if place.geometry is not None and place.geometry.get("type") != "Point":
        geom = shape(place.geometry)
        xs, ys = zip(*_coords(geom), strict=True)
        reach = max(reach, float(max(_haversine_km(place.lat, place.lon, ys, xs))))
    return reach


def _coords(geom) -> list[tuple[float, float]]:
    if hasattr(geom, "geoms"):
        return [c for part in geom.geoms for c in _coords(part)]
    if geom.geom_type == "Polygon":
        return [c for ring in (geom.exterior, *geom.interiors) for c in ring.coords]
    return list(geom.coords)


def measure_line(place: Place, path: GeodesicPath, within_km: float, *,
                 ring: bool = False) -> LineMeasure | None:
    """How the line meets the place's extent (a line, a polygon, the circle of `radius_m`, or
    with ``ring`` the circle's line), or None when it passes farther than `within_km`.

    The part of the line near the place is laid in a plane centred on the place's point
    (azimuthal equidistant, by geographiclib: distances from the point are exact), shapely
    finds the nearest and crossing points there, and the distance is measured from the
    nearest point with `measure`."""
    import numpy as np
    import shapely
    from shapely.geometry import LineString

    lats = [p[0] for p in path.points]
    lons = [p[1] for p in path.points]
    rough = _haversine_km(place.lat, place.lon, lats, lons)
    step = path.length_km / max(1, len(path.points) - 1)
    reach = _extent_km(place) + within_km + step + 1.0 + 0.01 * float(rough.min())
    close = [i for i, d in enumerate(rough) if d <= reach]
    if not close:
        return None
    first, last = max(0, close[0] - 1), min(len(path.points) - 1, close[-1] + 1)
    geod = Geodesic.WGS84

    def flat(lat: float, lon: float) -> tuple[float, float]:
        g = geod.Inverse(place.lat, place.lon, lat, lon)
        azi = math.radians(g["azi1"])
        return g["s12"] / 1000.0 * math.sin(azi), g["s12"] / 1000.0 * math.cos(azi)

    def unflat(x: float, y: float) -> tuple[float, float]:
        g = geod.Direct(place.lat, place.lon, math.degrees(math.atan2(x, y)),
                        math.hypot(x, y) * 1000.0)
        return g["lat2"], g["lon2"]

    part = path.points[first:last + 1]
    line = LineString([flat(lat, lon) for lat, lon, _ in part])
    if len(part) == 1:
        line = LineString([line.coords[0], line.coords[0]])
    if place.geometry is not None and place.geometry.get("type") != "Point":
        extent = shapely.transform(shape(place.geometry),
                                   lambda xy: np.array([flat(y, x) for x, y in xy]))
    else:
        disc = Point(0.0, 0.0).buffer(max((place.radius_m or 0.0) / 1000.0, 1e-6),
                                      quad_segs=256)
        extent = disc.exterior if ring else disc
    start_km = part[0][2]
    if line.intersects(extent):
        meet = line.intersection(extent)
        along = sorted(line.project(Point(c)) for c in _coords(meet)) if not meet.is_empty \
            else [line.project(nearest_points(line, extent)[0])]
        lat, lon = unflat(*line.interpolate(along[0]).coords[0])
        return LineMeasure(0.0, round(start_km + along[0], 3), lat, lon,
                           round(start_km + along[0], 3), round(start_km + along[-1], 3))
    near = nearest_points(line, extent)[0]
    lat, lon = unflat(near.x, near.y)
    edge = measure(place, lat, lon, ring=ring).edge_km
    if edge > within_km:
        return None
    return LineMeasure(edge, round(start_km + line.project(near), 3), lat, lon, None, None)
