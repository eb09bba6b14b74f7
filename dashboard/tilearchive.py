"""An offline street map the traveller brings, read here for the app and the offline HTML
export: an MBTiles file (SQLite, tiles addressed by zoom, column and TMS row) of raster tiles,
or a PMTiles archive (pmtilesfile.py) of raster tiles or of vector tiles (an OpenStreetMap
extract in the Protomaps basemap schema, drawn in the page by protomaps-leaflet). The kind is
told from the file's first bytes and the archive's own header, not from its name.

The app cannot serve a file's contents from a route of its own (Streamlit serves only its static
folder), so ``extract`` writes a raster archive's tiles once into a folder under the static
folder, named by the archive's digest, and the map's tile layer points there; a vector archive
is copied there whole and read by the page with HTTP range requests. No request leaves the
machine. The export inlines the tiles within its view (``inline_tiles``), up to a stated cap.
"""

from __future__ import annotations

import hashlib
import html
import math
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .pmtilesfile import READABLE_COMPRESSION, PMTilesError, PMTilesFile

FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"RIFF", "webp"))
EXTRACT_MAX_TILES = 400_000  # about a country's cities at street zooms; more is not a city map
EXTRACT_KEEP = 3  # archives kept extracted side by side (replicas, a changed file)
EXPORT_CAP_BYTES = 25 * 1024 * 1024  # tiles inlined in one HTML export, before base64
# Streamlit's static file handler answers no file larger than this (its
# MAX_APP_STATIC_FILE_SIZE): a vector archive the page reads whole from there must fit.
STATIC_FILE_MAX_BYTES = 200 * 1024 * 1024
VECTOR_FILE = "map.pmtiles"  # a vector archive's name in its extracted folder
# The layers of the Protomaps basemap schema, which protomaps-leaflet's styles draw.
PROTOMAPS_LAYERS = frozenset({"earth", "water", "roads", "landuse", "landcover", "buildings",
                              "places", "pois", "boundaries", "transit", "natural"})
OSM_CREDIT = "© OpenStreetMap contributors"


class TileArchiveError(ValueError):
    """The file cannot be used as an offline map; the message says why and names the file."""


@dataclass(frozen=True)
class TileArchive:
    path: Path
    digest: str  # of the file's bytes, first 16 hex digits
    name: str
    attribution: str  # as the file states it, as plain text: escaped wherever it is shown
    bounds: tuple[float, float, float, float]  # south, west, north, east of the tiles held
    min_zoom: int
    max_zoom: int
    format: str  # png, jpg or webp; mvt for vector tiles
    tiles: int
    size: int  # bytes of tile data
    container: str = "mbtiles"  # or "pmtiles"

    @property
    def vector(self) -> bool:
        return self.format == "mvt"

    @property
    def first_zoom(self) -> int:
        """The lowest zoom the map draws and the export carries. A raster archive: its lowest
        (map.js draws it smaller down to three zooms below). A vector extract: the zoom from
        which one tile is at most twice as wide as the area held (or its lowest, if higher):
        `pmtiles extract` keeps the whole low-zoom tiles over the area (countries, seas),
        which would cover the basemap far beyond the city."""
        if not self.vector:
            return self.min_zoom
        width = max(self.bounds[3] - self.bounds[1], 1e-6)
        fit = math.ceil(math.log2(360 / (2 * width)))
        return min(self.max_zoom, max(self.min_zoom, fit))

    @property
    def kind(self) -> str:
        """In words: "raster MBTiles", "raster PMTiles", "vector PMTiles"."""
        return f"{'vector' if self.vector else 'raster'} {CONTAINERS[self.container]}"

    def describe(self) -> str:
        s, w, n, e = self.bounds
        return (f"{self.name} ({self.kind}): {self.tiles:,} tiles at zoom {self.min_zoom}–"
                f"{self.max_zoom}, {s:.3f},{w:.3f} to {n:.3f},{e:.3f}")


CONTAINERS = {"mbtiles": "MBTiles", "pmtiles": "PMTiles"}


def tile_format(data: bytes) -> str | None:
    return next((fmt for magic, fmt in MAGIC if data.startswith(magic)), None)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """South, west, north, east of an XYZ tile (y counted from the north)."""
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return lat(y + 1), x / n * 360 - 180, lat(y), (x + 1) / n * 360 - 180


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 (inclusive, XYZ) of the tiles covering a south, west, north, east box."""
    s, w, n, e = bbox
    count = 2 ** z

    def col(lon: float) -> int:
        return min(count - 1, max(0, int((lon + 180) / 360 * count)))

    def row(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        r = math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat)))
        return min(count - 1, max(0, int((1 - r / math.pi) / 2 * count)))

    return col(w), row(n), col(e), row(s)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def plain_text(text: object, limit: int = 500) -> str:
    """An attribution or name as the file states it, as plain text: archives often hold HTML
    (a link to the copyright page); its words are kept, its markup dropped."""
    words = html.unescape(re.sub(r"<[^>]*>", "", str(text or "")))
    return " ".join(words.split())[:limit]


def _edges(tiles: Iterator[tuple[int, int, int]]) -> tuple[int, int, int, int, int, int, int]:
    """Count, min zoom, max zoom and x0, x1, y0, y1 (XYZ) at the max zoom of (z, x, y)s."""
    count, zmin, zmax, box = 0, 99, -1, [0, 0, 0, 0]
    for z, x, y in tiles:
        count += 1
        zmin = min(zmin, z)
        if z > zmax:
            zmax, box = z, [x, x, y, y]
        elif z == zmax:
            box = [min(box[0], x), max(box[1], x), min(box[2], y), max(box[3], y)]
    return (count, zmin, zmax, *box)


def _box(z: int, x0: int, x1: int, y0: int, y1: int) -> tuple[float, float, float, float]:
    return (tile_bounds(z, x0, y1)[0], tile_bounds(z, x0, y0)[1], tile_bounds(z, x0, y0)[2],
            tile_bounds(z, x1, y0)[3])


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only, so a file the traveller brought is never changed by opening it.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def open_archive(path: str | Path) -> TileArchive:
    """The archive's description, read from its metadata and its tiles. MBTiles or PMTiles is
    told from the file's first bytes; raster or vector from the archive itself."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise TileArchiveError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PMTiles"):
        return _open_pmtiles(path)
    if not head.startswith(b"SQLite format 3\x00"):
        raise TileArchiveError(f"{path}: neither an MBTiles file (an SQLite database) nor a "
                               "PMTiles archive")
    return _open_mbtiles(path)


def _open_mbtiles(path: Path) -> TileArchive:
    try:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            count, size, zmin, zmax = db.execute(
                "SELECT count(*), coalesce(sum(length(tile_data)), 0), min(zoom_level), "
                "max(zoom_level) FROM tiles").fetchone()
            first = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
            edges = db.execute(
                "SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) "
                "FROM tiles WHERE zoom_level = ?", (zmax,)).fetchone() if count else None
    except sqlite3.Error as exc:
        raise TileArchiveError(f"{path}: not a readable MBTiles file ({exc})") from exc
    if not count:
        raise TileArchiveError(f"{path}: holds no tiles")
    fmt = FORMATS.get(str(meta.get("format", "")).lower()) or tile_format(bytes(first[0]))
    if fmt is None:
        kind = meta.get("format") or "unknown"
        raise TileArchiveError(f"{path}: tiles of format {kind!r}; the app draws raster "
                               "MBTiles (png, jpg, webp). A vector archive is not drawn from "
                               "MBTiles: bring it as PMTiles (see README, 'For a traveller').")
    x0, x1, r0, r1 = edges
    top = 2 ** zmax - 1
    return TileArchive(path=path.resolve(), digest=file_digest(path),
                       name=plain_text(meta.get("name") or path.name, 200),
                       attribution=plain_text(meta.get("attribution")),
                       bounds=_box(zmax, x0, x1, top - r1, top - r0), min_zoom=int(zmin),
                       max_zoom=int(zmax), format=fmt, tiles=int(count), size=int(size))


def _open_pmtiles(path: Path) -> TileArchive:
    try:
        with PMTilesFile(path) as archive:
            fmt = archive.format
            header, meta = archive.header, archive.metadata
            if fmt is None:
                kind = header["tile_type"].name.lower()
                raise TileArchiveError(
                    f"{path}: a PMTiles archive of {kind} tiles; the app draws raster tiles "
                    "(png, jpg, webp) and vector tiles (mvt) in the Protomaps basemap schema")
            packed = header["tile_compression"]
            if packed not in READABLE_COMPRESSION:
                raise TileArchiveError(
                    f"{path}: its tiles are compressed with {packed.name.lower()}; the app "
                    "reads gzip or uncompressed tiles (`pmtiles extract` keeps a Protomaps "
                    "build's gzip)")
            count, zmin, zmax, x0, x1, y0, y1 = _edges(
                (e.z, e.x, e.y) for e in archive.entries())
            if count and fmt != "mvt":  # the header's word checked against a tile's bytes
                first = archive.data(next(archive.entries()))
                if tile_format(first) not in (fmt, None):
                    raise TileArchiveError(f"{path}: its header says {fmt} tiles but they "
                                           f"are {tile_format(first)}")
    except PMTilesError as exc:
        raise TileArchiveError(f"{path}: not a readable PMTiles archive: {exc}") from None
    except OSError as exc:
        raise TileArchiveError(f"{path}: cannot be read ({exc})") from None
    if not count:
        raise TileArchiveError(f"{path}: holds no tiles")
    attribution = plain_text(meta.get("attribution"))
    if fmt == "mvt":
        layers = {str(layer.get("id")) for layer in meta.get("vector_layers") or []
                  if isinstance(layer, dict)}
        if layers and not layers & PROTOMAPS_LAYERS:
            raise TileArchiveError(
                f"{path}: vector layers {', '.join(sorted(layers)[:6])}; the app draws "
                "OpenStreetMap extracts in the Protomaps basemap schema (earth, water, "
                "roads, ...), as `pmtiles extract` cuts them from a Protomaps build")
        if "openstreetmap" not in attribution.lower():  # the schema is OpenStreetMap's data
            attribution = f"{attribution}; {OSM_CREDIT}" if attribution else OSM_CREDIT
    return TileArchive(path=path.resolve(), digest=file_digest(path),
                       name=plain_text(meta.get("name") or path.name, 200),
                       attribution=attribution, bounds=_box(zmax, x0, x1, y0, y1),
                       min_zoom=zmin, max_zoom=zmax, format=fmt, tiles=count,
                       size=int(header["tile_data_length"]), container="pmtiles")


def tiles_of(archive: TileArchive, zoom: int | None = None,
             box: tuple[int, int, int, int] | None = None) -> Iterator[tuple[int, int, int, bytes]]:
    """The archive's tiles as (z, x, y, bytes), y counted from the north (XYZ); at one zoom and
    within x0, y0, x1, y1 (inclusive) when given. Raster tiles come as images; vector tiles as
    stored (gzip-compressed or not, as the archive's header says)."""
    if archive.container == "pmtiles":
        try:
            with PMTilesFile(archive.path) as source:
                for e in source.entries():
                    if zoom is not None and e.z != zoom:
                        continue
                    if box is not None and not (box[0] <= e.x <= box[2]
                                                and box[1] <= e.y <= box[3]):
                        continue
                    yield e.z, e.x, e.y, source.data(e)
        except PMTilesError as exc:
            raise TileArchiveError(f"{archive.path}: {exc}") from None
        return
    where, params = "", ()
    if zoom is not None:
        where, params = "WHERE zoom_level = ?", (zoom,)
        if box is not None:
            top = 2 ** zoom - 1
            where += " AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?"
            params += (box[0], box[2], top - box[3], top - box[1])
    with _connect(archive.path) as db:
        for z, x, row, data in db.execute(
                f"SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles {where}",
                params):
            yield z, x, 2 ** z - 1 - row, bytes(data)


def extract(archive: TileArchive, root: Path) -> Path:
    """Write a raster archive's tiles as ``root/<digest>/z/x/y.<format>`` (XYZ rows), or copy a
    vector archive as ``root/<digest>/map.pmtiles``, once; returns the folder. Written beside
    and renamed into place, so a viewer never sees half a map and two servers starting at once
    do not collide; only the newest few archives are kept."""
    target = root / archive.digest
    if (target / ".complete").exists():
        return target
    if archive.vector and archive.path.stat().st_size > STATIC_FILE_MAX_BYTES:
        raise TileArchiveError(
            f"{archive.path}: {archive.path.stat().st_size / 1048576:.0f} MB, more than the "
            f"{STATIC_FILE_MAX_BYTES // 1048576} MB the app serves in one file; cut a smaller "
            "area or fewer zooms (pmtiles extract --bbox ... --maxzoom ...)")
    if not archive.vector and archive.tiles > EXTRACT_MAX_TILES:
        raise TileArchiveError(f"{archive.path}: {archive.tiles:,} tiles, more than the "
                               f"{EXTRACT_MAX_TILES:,} the app serves; cut a smaller area or "
                               "fewer zooms (python -m dashboard offline-map --zoom ...)")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{archive.digest}-", dir=root))
    try:
        if archive.vector:
            shutil.copyfile(archive.path, staging / VECTOR_FILE)
        else:
            made = set()
            for z, x, y, data in tiles_of(archive):
                folder = staging / str(z) / str(x)
                if folder not in made:
                    folder.mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                (folder / f"{y}.{archive.format}").write_bytes(data)
        (staging / ".complete").write_text(str(archive.path))
        try:
            os.rename(staging, target)
        except OSError:  # another server put the same archive in place first
            if not (target / ".complete").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(root, keep=target)
    return target


def _prune(root: Path, keep: Path) -> None:
    """Remove all but the newest extracted archives (the one in use always stays)."""
    done = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
            and p != keep]
    done.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in done[EXTRACT_KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class InlineTiles:
    """The tiles an export carries: ``tiles`` maps "z/x/y" to the tile's bytes."""

    tiles: dict[str, bytes]
    zooms: tuple[int, ...]
    left_out: tuple[int, ...]  # the archive's zooms that did not fit under the cap
    size: int


class ExportTooLarge(TileArchiveError):
    pass


def inline_tiles(archive: TileArchive, view: tuple[float, float, float, float],
                 cap: int | None = None) -> InlineTiles:
    """The archive's tiles within the view (south, west, north, east), zoom by zoom from the
    first drawn (TileArchive.first_zoom), as long as they stay under ``cap`` bytes
    (EXPORT_CAP_BYTES unless given); the higher zooms are left out (and said so). Raises
    ExportTooLarge when not even the lowest zoom fits."""
    cap = EXPORT_CAP_BYTES if cap is None else cap
    s, w, n, e = view
    s, w = max(s, archive.bounds[0]), max(w, archive.bounds[1])
    n, e = min(n, archive.bounds[2]), min(e, archive.bounds[3])
    tiles: dict[str, bytes] = {}
    zooms: list[int] = []
    total = 0
    for z in range(archive.first_zoom, archive.max_zoom + 1):
        if s >= n or w >= e:
            break
        level: dict[str, bytes] = {}
        size = 0
        for _, x, y, data in tiles_of(archive, z, tile_range((s, w, n, e), z)):
            level[f"{z}/{x}/{y}"] = data
            size += len(data)
            if total + size > cap:
                break
        if total + size > cap:
            if not zooms:
                raise ExportTooLarge(
                    f"{archive.path}: its tiles at zoom {z} alone come to more than "
                    f"{cap / 1048576:.0f} MB, the most one HTML export carries; cut an "
                    "archive with fewer zooms or a smaller area for the export")
            break
        if level:
            tiles.update(level)
            zooms.append(z)
            total += size
    if not zooms:
        raise TileArchiveError(f"{archive.path}: holds no tile within the export's view")
    left = tuple(z for z in range(archive.first_zoom, archive.max_zoom + 1) if z > zooms[-1])
    return InlineTiles(tiles, tuple(zooms), left, total)
