"""Reading a GeoJSON FeatureCollection of a scenario (regions, neighbours, place geometry):
every feature checked, a bad one set aside with its number."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .csvfile import read_bytes
from .fields import _quote
from .records import Collector

_GEOMETRY_TYPES = {"Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString"}


def _positions(geometry: dict) -> Iterable[Any]:
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind == "Point":
        yield coords
    elif kind == "LineString":
        yield from coords
    elif kind in ("Polygon", "MultiLineString"):
        for ring in coords:
            yield from ring
    elif kind == "MultiPolygon":
        for polygon in coords:
            for ring in polygon:
                yield from ring


def _is_number(value: Any) -> bool:
    """A finite JSON number (true and false are not numbers; an int of 400 digits is one, and
    would overflow math.isfinite)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _check_geometry(geometry: Any, bounds: tuple[float, float, float, float] | None) -> str:
    """Return an error message, or '' when the geometry is usable."""
    if not isinstance(geometry, dict):
        return "is not a GeoJSON geometry object"
    kind = geometry.get("type")
    if kind not in _GEOMETRY_TYPES:
        return f"type {_quote(kind)} is not one of {', '.join(sorted(_GEOMETRY_TYPES))}"
    try:
        points = list(_positions(geometry))
    except (KeyError, TypeError):
        return "has malformed coordinates"
    if not points:
        return "has no coordinates"
    for position in points:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(_is_number(v) for v in position[:2])):
            return f"has a malformed position {str(position)[:40]}"
        lon, lat = position[0], position[1]
        where = f"position {_quote(lon, 24)}, {_quote(lat, 24)}"
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return f"{where} is not a longitude, latitude pair"
        if bounds is not None:
            south, west, north, east = bounds
            if not (south <= lat <= north and west <= lon <= east):
                swapped = south <= lon <= north and west <= lat <= east
                return (f"{where} lies outside the scenario's neighbourhood"
                        + (" (longitude and latitude look swapped)" if swapped else ""))
    return ""


def read_geojson(data_dir: Path, file: str, out: Collector, *, required: bool,
                 bounds: tuple[float, float, float, float] | None,
                 required_props: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Read a FeatureCollection; returns (feature number, feature) for each valid feature."""
    path = data_dir / file
    if not path.is_file():
        if required:
            out.add(file, 0, "-", "file is missing")
        return []
    raw = read_bytes(path, file, out, "file set aside")
    if raw is None:
        return []
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        out.add(file, 0, "-", f"not UTF-8 text: {exc.reason}")
        return []
    except json.JSONDecodeError as exc:
        out.add(file, exc.lineno, "-", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return []
    except RecursionError:
        out.add(file, 0, "-", "cannot be read: nested too deeply")
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        out.add(file, 0, "type", "is not a GeoJSON FeatureCollection")
        return []
    features = data.get("features")
    if not isinstance(features, list):
        out.add(file, 0, "features", "is not a list")
        return []
    kept: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            out.add(file, number, "type", "is not a GeoJSON Feature; feature set aside")
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            out.add(file, number, "properties", "is missing; feature set aside")
            continue
        bad = [p for p in required_props if not isinstance(props.get(p), str) or not props[p]]
        if bad:
            for p in bad:
                out.add(file, number, f"properties.{p}", "is required; feature set aside")
            continue
        message = _check_geometry(feature.get("geometry"), bounds)
        if message:
            out.add(file, number, "geometry", message + "; feature set aside")
            continue
        fid = props.get("id", "")
        if fid and fid in seen:
            out.add(file, number, "properties.id", f"duplicate id {_quote(fid)} (first is "
                    f"feature {seen[fid]}); feature set aside")
            continue
        seen[fid] = number
        kept.append((number, feature))
    return kept

