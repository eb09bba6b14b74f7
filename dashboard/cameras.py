"""Camera presets: named views the map can move to, framed from the scenario's own shapes."""

from __future__ import annotations

from dataclasses import dataclass

from .scenario import Scenario

Bounds = tuple[float, float, float, float]  # south, west, north, east

# (key, label, region id); the whole country's view comes from the scenario itself.
REGION_PRESETS = (
    ("almaty", "Almaty", "KZ-ALA"),
    ("nur-sultan", "Nur-Sultan", "KZ-AST"),
    ("mangystau", "Mangystau", "KZ-MAN"),
)
COUNTRY = "kazakhstan"


@dataclass(frozen=True)
class Camera:
    key: str
    label: str
    bounds: Bounds


def _positions(geometry: dict):
    coords = geometry.get("coordinates", [])
    depth = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}.get(
        geometry.get("type"), -1)
    stack = [(coords, depth)]
    while stack:
        item, level = stack.pop()
        if level == 0:
            yield item
        elif level > 0:
            stack.extend((child, level - 1) for child in item)


def geometry_bounds(geometry: dict) -> Bounds | None:
    points = list(_positions(geometry))
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (min(lats), min(lons), max(lats), max(lons))


def _country_name(scenario: Scenario) -> str:
    """The home country's name as the basemap gives it."""
    home = {scenario.meta.country, scenario.meta.country_outline}
    for feature in scenario.neighbours.get("features", []):
        if feature["properties"].get("id") in home:
            return str(feature["properties"].get("name") or "Whole country")
    return "Whole country"


def cameras(scenario: Scenario) -> dict[str, Camera]:
    """The presets this scenario can frame, in menu order; the country first."""
    found: dict[str, Camera] = {}
    if scenario.meta.view is not None:
        found[COUNTRY] = Camera(COUNTRY, _country_name(scenario), tuple(scenario.meta.view))
    shapes = {f["properties"]["id"]: f["geometry"]
              for f in scenario.regions.get("features", [])}
    for key, label, region in REGION_PRESETS:
        bounds = geometry_bounds(shapes[region]) if region in shapes else None
        if bounds is not None:
            found[key] = Camera(key, label, bounds)
    return found
