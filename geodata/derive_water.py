#!/usr/bin/env python3
"""Derive simplified lakes and reservoirs for the vector basemap.

Source data
-----------
The npm package ``@geo-maps/earth-lakes-10m`` version 0.6.0 (code MIT; see
geodata/README.md for the data's licence), one GeoJSON ``package/map.geo.json``:
a GeometryCollection of a single MultiPolygon,
with no names or other properties.  The polygons are OpenStreetMap water areas
(the "water-reduced-polygons" extract), simplified by the
package at a 10 m resolution.  Obtain them with:

    npm pack @geo-maps/earth-lakes-10m@0.6.0    # -> geo-maps-earth-lakes-10m-0.6.0.tgz (13 MB)

Rivers are not derived: @geo-maps/earth-rivers-10m 0.6.0 holds river banks as
polygons, and inside Kazakhstan only fragments of a few km² each (the Irtysh, Ili,
Syr Darya and Ural do not come out as continuous rivers at any size threshold).

Usage
-----
    python3 derive_water.py LAKES [--out-dir DIR]

LAKES is the tarball above or its extracted ``package/map.geo.json``.
DIR defaults to the directory of this script.  Needs shapely >= 2.1.

Output: water.geojson (RFC 7946 winding, WGS84 lon/lat), clipped to lon 44..90,
lat 38..58 (the box of neighbours.geojson), one feature per water body with
properties id ("lake-001"..., largest first) and kind ("lake");
the data gives no names, so none are written.
  * lakes and reservoirs of at least LAKE_MIN_KM2, except the Caspian Sea
    (neighbours.geojson draws it; it is in the source), their islands smaller than
    ISLAND_MIN_KM2 filled, simplified with shapely.simplify at LAKE_TOLERANCE degrees and
    snapped to a GRID-degree grid.
"""

import argparse
import json
import math
import os
import sys
import tarfile

import shapely
from shapely.geometry import Point, box, mapping, shape

BBOX = (44.0, 38.0, 90.0, 58.0)  # lon_min, lat_min, lon_max, lat_max, as neighbours.geojson
CASPIAN_POINT = (50.5, 42.0)

LAKE_MIN_KM2 = 50.0
ISLAND_MIN_KM2 = 5.0  # smaller islands are filled with water: specks at the basemap's scale
LAKE_TOLERANCE = 0.01  # degrees
GRID = 0.001  # degrees

# Points that must lie in the kept water (lon, lat): the script stops if one does not.
CHECKS = {
    "Lake Balkhash": (74.5, 46.5),
    "Kapchagay (Kapshagay) reservoir": (77.3, 43.9),
    "Lake Alakol": (81.7, 46.1),
    "Lake Zaysan": (84.0, 48.0),
}


def load(source):
    if tarfile.is_tarfile(source):
        with tarfile.open(source) as tar:
            data = json.load(tar.extractfile("package/map.geo.json"))
    else:
        with open(source, encoding="utf-8") as fh:
            data = json.load(fh)
    frame = box(*BBOX)
    return shapely.union_all([shape(g).intersection(frame) for g in data["geometries"]])


def km2(geom):
    """Approximate area in km² (degrees² scaled at the centroid's latitude)."""
    return geom.area * 111.32 ** 2 * math.cos(math.radians(geom.centroid.y))


def polygons(geom):
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]


def without_small_islands(polygon):
    islands = [ring for ring in polygon.interiors
               if km2(shapely.Polygon(ring)) >= ISLAND_MIN_KM2]
    return shapely.Polygon(polygon.exterior, islands)


def finish(geom, tolerance):
    geom = shapely.set_precision(shapely.simplify(geom, tolerance), GRID)
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    parts = polygons(geom)
    if not parts:
        return None
    return shapely.orient_polygons(shapely.union_all(parts))


def derive_lakes(lakes):
    caspian = Point(CASPIAN_POINT)
    kept = [p for p in polygons(lakes)
            if km2(p) >= LAKE_MIN_KM2 and not p.contains(caspian)]
    return [g for g in (finish(without_small_islands(p), LAKE_TOLERANCE)
                        for p in sorted(kept, key=km2, reverse=True))
            if g is not None]


def write(path, rows):
    def rnd(obj):
        if isinstance(obj, float):
            return round(obj, 3)
        if isinstance(obj, (list, tuple)):
            return [rnd(x) for x in obj]
        if isinstance(obj, dict):
            return {k: rnd(v) for k, v in obj.items()}
        return obj

    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": rnd(mapping(geom))}
        for props, geom in rows]}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(fc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lakes", help="geo-maps-earth-lakes-10m-0.6.0.tgz or its map.geo.json")
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()

    lakes = derive_lakes(load(args.lakes))
    rows = [({"id": f"lake-{i:03d}", "kind": "lake"}, g) for i, g in enumerate(lakes, 1)]
    water = shapely.union_all([g for _, g in rows])
    missing = [name for name, pt in CHECKS.items() if not water.contains(Point(pt))]
    if missing:
        sys.exit(f"not in the kept water: {', '.join(missing)}")
    os.makedirs(args.out_dir, exist_ok=True)
    path = os.path.join(args.out_dir, "water.geojson")
    write(path, rows)
    print(f"water: {len(lakes)} lakes, "
          f"{os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
