"""Small PMTiles archives over Almaty, made here for tests (plain Python, no pytest, no download).

    raster_pmtiles(path)   # PNG tiles, each of one colour telling its z, x, y (tile_png)
    vector_pmtiles(path)   # MVT tiles in the Protomaps basemap schema: earth, water, roads,
                           # places; gzip-compressed as Protomaps builds store them

Both are written with the `pmtiles` package's own writer (not the app's), the vector tiles
encoded with `mapbox-vector-tile` from Web Mercator coordinates. The vector extract holds land
everywhere, a lake (LAKE) and a road along ROAD_LAT; the tests look for the lake's colour.
"""

from __future__ import annotations

import gzip
import math
import warnings
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

from dashboard.tilearchive import tile_range
from tests.tile_standin import tile_png

ALMATY = (43.15, 76.80, 43.35, 77.05)  # south, west, north, east
LAKE = (43.225, 76.90, 43.255, 76.95)  # a lake's box, inside ALMATY
ROAD_LAT = 43.20
CENTRE = (43.24, 76.925)  # the lake's centre
EARTH_OFF_LAKE = (43.30, 77.00)  # land, away from the lake and the road
OSM_ATTRIBUTION = ('<a href="https://www.openstreetmap.org/copyright" target="_blank">'
                   '&copy; OpenStreetMap</a>')
R = 6378137.0
HALF = math.pi * R


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator x (east) and y (north), in metres."""
    return (math.radians(lon) * R,
            math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * R)


def tile_box(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """A tile's Web Mercator bounds: min x, min y, max x, max y."""
    size = 2 * HALF / 2 ** z
    return -HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size, HALF - y * size


def tiles_over(bbox, zooms) -> list[tuple[int, int, int]]:
    out = []
    for z in range(zooms[0], zooms[1] + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        out += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return out


def _write(path: Path, tiles: dict, tile_type: TileType, compression: Compression,
           metadata: dict, bbox=ALMATY) -> Path:
    s, w, n, e = bbox
    with write(str(path)) as writer:
        for tile_id, data in sorted((zxy_to_tileid(*k), v) for k, v in tiles.items()):
            writer.write_tile(tile_id, data)
        writer.finalize({
            "tile_type": tile_type, "tile_compression": compression,
            "min_lon_e7": int(w * 1e7), "min_lat_e7": int(s * 1e7),
            "max_lon_e7": int(e * 1e7), "max_lat_e7": int(n * 1e7),
            "center_zoom": 12, "center_lon_e7": int(76.92e7), "center_lat_e7": int(43.25e7),
        }, metadata)
    return path


def raster_pmtiles(path: Path, zooms=(9, 13), bbox=ALMATY) -> Path:
    tiles = {key: tile_png(*key) for key in tiles_over(bbox, zooms)}
    return _write(path, tiles, TileType.PNG, Compression.NONE,
                  {"name": "Almaty raster", "attribution": "Tiles: raster stand-in"}, bbox)


def vector_tile(z: int, x: int, y: int) -> bytes:
    """One MVT tile of the Protomaps basemap schema over its own bounds."""
    import mapbox_vector_tile
    from shapely.geometry import LineString, Point, box

    x0, y0, x1, y1 = tile_box(z, x, y)
    pad = (x1 - x0) / 8
    lake_w, lake_s = mercator(LAKE[0], LAKE[1])
    lake_e, lake_n = mercator(LAKE[2], LAKE[3])
    road = LineString([mercator(ROAD_LAT, ALMATY[1] - 0.2), mercator(ROAD_LAT, ALMATY[3] + 0.2)])
    layers = [
        {"name": "earth", "features": [
            {"geometry": box(x0 - pad, y0 - pad, x1 + pad, y1 + pad), "properties": {
                "kind": "earth"}}]},
        {"name": "water", "features": [
            {"geometry": box(lake_w, lake_s, lake_e, lake_n),
             "properties": {"kind": "lake", "name": "Test lake"}}]},
        {"name": "roads", "features": [
            {"geometry": road, "properties": {"kind": "major_road", "kind_detail": "primary",
                                              "name": "Test avenue"}}]},
        {"name": "places", "features": [
            {"geometry": Point(*mercator(43.25, 76.92)), "properties": {
                "kind": "locality", "name": "Almaty", "min_zoom": 4, "population_rank": 12}}]},
    ]
    with warnings.catch_warnings():  # the package calls a shapely function now deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        return mapbox_vector_tile.encode(layers, default_options={
            "quantize_bounds": (x0, y0, x1, y1), "extents": 4096, "y_coord_down": False})


def vector_pmtiles(path: Path, zooms=(8, 13), bbox=ALMATY, *, layers=None,
                   attribution: str | None = OSM_ATTRIBUTION) -> Path:
    tiles = {key: gzip.compress(vector_tile(*key), mtime=0) for key in tiles_over(bbox, zooms)}
    metadata = {"name": "Almaty extract", "type": "baselayer",
                "vector_layers": [{"id": name, "fields": {}} for name in
                                  (layers or ("earth", "water", "roads", "places"))]}
    if attribution is not None:
        metadata["attribution"] = attribution
    return _write(path, tiles, TileType.MVT, Compression.GZIP, metadata, bbox)


# In a page: the colour [r, g, b, a] the offline pane's canvas tiles show at a place, or null
# where no canvas tile is drawn; called with [the map's global name, lat, lon].
PIXEL_AT = """([name, lat, lon]) => {
  const map = window[name];
  const box = map.getContainer().getBoundingClientRect();
  const p = map.latLngToContainerPoint([lat, lon]);
  const x = box.left + p.x, y = box.top + p.y;
  for (const c of map.getPane('offline').querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) continue;
    const d = c.getContext('2d').getImageData(Math.floor((x - r.left) * c.width / r.width),
      Math.floor((y - r.top) * c.height / r.height), 1, 1).data;
    return Array.from(d);
  }
  return null;
}"""
WATER = (0x80, 0xDE, 0xEA)  # protomaps-leaflet's "light" flavor: water
EARTH = (0xE2, 0xDF, 0xDA)  # and earth


def near(colour, expected, tolerance: int = 12) -> bool:
    return colour is not None and colour[3] > 200 and all(
        abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))
