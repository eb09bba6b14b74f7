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
