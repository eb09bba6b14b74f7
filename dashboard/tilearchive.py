"""An offline street map the traveller brings: a raster MBTiles file (SQLite, tiles addressed by
zoom, column and TMS row), read here for the app and the offline HTML export.

The app cannot serve a file's contents from a route of its own (Streamlit serves only its static
folder), so ``extract`` writes the archive's tiles once into a folder under the static folder,
named by the archive's digest, and the map's tile layer points there: no request leaves the
machine. The export inlines the tiles within its view (``inline_tiles``), up to a stated cap.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"RIFF", "webp"))
EXTRACT_MAX_TILES = 400_000  # about a country's cities at street zooms; more is not a city map
EXTRACT_KEEP = 3  # archives kept extracted side by side (replicas, a changed file)
EXPORT_CAP_BYTES = 25 * 1024 * 1024  # tiles inlined in one HTML export, before base64


class TileArchiveError(ValueError):
    """The file cannot be used as an offline map; the message says why and names the file."""


@dataclass(frozen=True)
class TileArchive:
    path: Path
    digest: str  # of the file's bytes, first 16 hex digits
    name: str
    attribution: str  # as the file states it: text, escaped wherever it is shown
    bounds: tuple[float, float, float, float]  # south, west, north, east of the tiles held
    min_zoom: int
    max_zoom: int
    format: str  # png, jpg or webp
    tiles: int
    size: int  # bytes of tile data

    def describe(self) -> str:
        s, w, n, e = self.bounds
        return (f"{self.name}: {self.tiles:,} tiles at zoom {self.min_zoom}–{self.max_zoom}, "
                f"{s:.3f},{w:.3f} to {n:.3f},{e:.3f}")


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


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only, so a file the traveller brought is never changed by opening it.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def open_archive(path: str | Path) -> TileArchive:
    """The archive's description, read from its metadata and its tiles table."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise TileArchiveError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PMTiles"):
        raise TileArchiveError(f"{path}: a PMTiles archive; the app draws raster MBTiles files "
                               "(see README, 'For a traveller')")
    if not head.startswith(b"SQLite format 3\x00"):
        raise TileArchiveError(f"{path}: not an MBTiles file (an MBTiles file is an SQLite "
                               "database)")
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
        raise TileArchiveError(f"{path}: tiles of format {kind!r}; the app draws raster tiles "
                               "(png, jpg, webp). A vector archive is not drawn.")
    x0, x1, r0, r1 = edges
    top = 2 ** zmax - 1
    s = tile_bounds(zmax, x0, top - r0)[0]
    n = tile_bounds(zmax, x0, top - r1)[2]
    w = tile_bounds(zmax, x0, 0)[1]
    e = tile_bounds(zmax, x1, 0)[3]
    return TileArchive(path=path.resolve(), digest=file_digest(path),
                       name=str(meta.get("name") or path.name)[:200],
                       attribution=str(meta.get("attribution") or "")[:500],
                       bounds=(s, w, n, e), min_zoom=int(zmin), max_zoom=int(zmax),
                       format=fmt, tiles=int(count), size=int(size))


def _rows(archive: TileArchive, where: str = "", params: tuple = ()):
    with _connect(archive.path) as db:
        yield from db.execute(
            f"SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles {where}", params)


def extract(archive: TileArchive, root: Path) -> Path:
    """Write the archive's tiles as ``root/<digest>/z/x/y.<format>`` (XYZ rows) once; returns
    the folder. Written beside and renamed into place, so a viewer never sees half a map and
    two servers starting at once do not collide; only the newest few archives are kept."""
    target = root / archive.digest
    if (target / ".complete").exists():
        return target
    if archive.tiles > EXTRACT_MAX_TILES:
        raise TileArchiveError(f"{archive.path}: {archive.tiles:,} tiles, more than the "
                               f"{EXTRACT_MAX_TILES:,} the app serves; cut a smaller area or "
                               "fewer zooms (python -m dashboard offline-map --zoom ...)")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{archive.digest}-", dir=root))
    try:
        made = set()
        for z, x, tms_row, data in _rows(archive):
            y = 2 ** z - 1 - tms_row
            folder = staging / str(z) / str(x)
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            (folder / f"{y}.{archive.format}").write_bytes(bytes(data))
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
                 cap: int = EXPORT_CAP_BYTES) -> InlineTiles:
    """The archive's tiles within the view (south, west, north, east), zoom by zoom from the
    lowest, as long as they stay under ``cap`` bytes; the higher zooms are left out (and said
    so). Raises ExportTooLarge when not even the lowest zoom fits."""
    s, w, n, e = view
    s, w = max(s, archive.bounds[0]), max(w, archive.bounds[1])
    n, e = min(n, archive.bounds[2]), min(e, archive.bounds[3])
    tiles: dict[str, bytes] = {}
    zooms: list[int] = []
    total = 0
    for z in range(archive.min_zoom, archive.max_zoom + 1):
        if s >= n or w >= e:
            break
        x0, y0, x1, y1 = tile_range((s, w, n, e), z)
        top = 2 ** z - 1
        level: dict[str, bytes] = {}
        size = 0
        for _, x, row, data in _rows(
                archive, "WHERE zoom_level = ? AND tile_column BETWEEN ? AND ? "
                "AND tile_row BETWEEN ? AND ?", (z, x0, x1, top - y1, top - y0)):
            level[f"{z}/{x}/{top - row}"] = bytes(data)
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
    left = tuple(z for z in range(archive.min_zoom, archive.max_zoom + 1) if z > zooms[-1])
    return InlineTiles(tiles, tuple(zooms), left, total)
