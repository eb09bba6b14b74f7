"""Pure geometry on the WGS84 ellipsoid: geodesic distance and bearing, point in polygon,
the region a point lies in."""

from __future__ import annotations

from geographiclib.geodesic import Geodesic

from .scenario import Scenario

COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
           "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")


def distance_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """Geodesic distance in km and initial bearing in degrees (0 = north, clockwise)."""
    line = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    return line["s12"] / 1000.0, line["azi1"] % 360.0


def compass(bearing: float) -> str:
    return COMPASS[int((bearing % 360.0) / 22.5 + 0.5) % 16]


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_geometry(lat: float, lon: float, geometry: dict) -> bool:
    """Whether a point lies in a GeoJSON Polygon or MultiPolygon (holes respected)."""
    kind = geometry.get("type")
    polygons = ([geometry.get("coordinates", [])] if kind == "Polygon"
                else geometry.get("coordinates", []) if kind == "MultiPolygon" else [])
    for rings in polygons:
        if rings and _in_ring(lon, lat, rings[0]) and not any(
                _in_ring(lon, lat, hole) for hole in rings[1:]):
            return True
    return False


def region_at(scenario: Scenario, lat: float, lon: float) -> dict | None:
    """The properties (id, name) of the scenario region containing the point, if any."""
    for feature in scenario.regions.get("features", []):
        if in_geometry(lat, lon, feature.get("geometry") or {}):
            return feature["properties"]
    return None
