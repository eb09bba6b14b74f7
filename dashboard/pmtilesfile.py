"""A PMTiles archive (version 3: one file, a header, directories of tile entries, tile data),
read with the ``pmtiles`` package; and a small archive written from chosen tiles, which the
offline HTML export carries. tilearchive.py is the one abstraction over this and MBTiles.

Problems are raised as ``PMTilesError`` with the reason; the caller names the file.
"""

from __future__ import annotations

import gzip
import io
import json
import mmap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmtiles.tile import (
    Compression,
    MagicNumberNotFound,
    SpecVersionUnsupported,
    TileType,
    deserialize_directory,
    deserialize_header,
    tileid_to_zxy,
    zxy_to_tileid,
)
from pmtiles.writer import Writer

HEADER_BYTES = 127
MAX_DEPTH = 4  # root and leaf directories, as the format allows
TILE_FORMATS = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp",
                TileType.MVT: "mvt"}
TILE_TYPES = {fmt: kind for kind, fmt in TILE_FORMATS.items()}
# Tile compressions read here and by the page's reader (DecompressionStream): gzip or none.
READABLE_COMPRESSION = frozenset({Compression.NONE, Compression.UNKNOWN, Compression.GZIP})


class PMTilesError(ValueError):
    """The file is no PMTiles archive this app reads; the message says why."""


@dataclass(frozen=True)
class Entry:
    z: int
    x: int
    y: int  # XYZ row, from the north
    offset: int  # in the file
    length: int


class PMTilesFile:
    """An open archive: ``header``, ``metadata``, ``entries()``, ``data(entry)``. Read-only
    (mapped), so the traveller's file is never changed by opening it."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = open(path, "rb")
        try:
            size = self._handle.seek(0, io.SEEK_END)
            if size < HEADER_BYTES:
                raise PMTilesError(f"{size} bytes, shorter than a PMTiles header")
            self._map = mmap.mmap(self._handle.fileno(), 0, access=mmap.ACCESS_READ)
            self.size = size
            try:
                self.header = deserialize_header(self._map[:HEADER_BYTES])
            except MagicNumberNotFound:
                raise PMTilesError("not a PMTiles archive") from None
            except SpecVersionUnsupported:
                raise PMTilesError(f"PMTiles version {self._map[7]}; the app reads version "
                                   "3 (what go-pmtiles and Protomaps write)") from None
            except ValueError as exc:  # an unknown compression or tile type number
                raise PMTilesError(f"a header this reader does not know ({exc})") from None
            self.metadata = self._metadata()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if getattr(self, "_map", None) is not None:
            self._map.close()
            self._map = None
        self._handle.close()

    def __enter__(self) -> PMTilesFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def format(self) -> str | None:
        return TILE_FORMATS.get(self.header["tile_type"])

    def _bytes(self, offset: int, length: int, what: str) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise PMTilesError(f"its {what} lies past the end of the file (cut short?)")
        return self._map[offset:offset + length]

    def _internal(self, data: bytes, what: str) -> bytes:
        kind = self.header["internal_compression"]
        try:
            if kind == Compression.GZIP:
                return gzip.decompress(data)
            if kind == Compression.NONE:
                return data
        except (OSError, EOFError, zlib.error) as exc:
            raise PMTilesError(f"its {what} cannot be decompressed ({exc})") from None
        raise PMTilesError(f"its directories are compressed with {kind.name.lower()}; the app "
                           "reads gzip or none (what go-pmtiles writes)")

    def _metadata(self) -> dict:
        h = self.header
        raw = self._bytes(h["metadata_offset"], h["metadata_length"], "metadata")
        if not raw:
            return {}
        try:
            meta = json.loads(self._internal(raw, "metadata"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PMTilesError(f"its metadata is not JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise PMTilesError("its metadata is not a JSON object")
        return meta

    def _directory(self, offset: int, length: int) -> list:
        raw = self._internal(self._bytes(offset, length, "directory"), "directory")
        try:
            # The package's reader expects gzip; the entries are the same either way.
            return deserialize_directory(gzip.compress(raw, mtime=0))
        except (EOFError, OSError, ValueError, IndexError) as exc:
            raise PMTilesError(f"a directory is unreadable ({exc})") from None

    def entries(self) -> Iterator[Entry]:
        """Every tile the archive addresses, in tile-id order (runs of one tile repeated
        expanded), checked to lie within the file."""
        h = self.header
        data_start, data_end = h["tile_data_offset"], h["tile_data_offset"] + h[
            "tile_data_length"]

        def walk(offset: int, length: int, depth: int) -> Iterator[Entry]:
            if depth > MAX_DEPTH:
                raise PMTilesError("its directories nest deeper than the format allows")
            for e in self._directory(offset, length):
                if e.run_length == 0:
                    yield from walk(h["leaf_directory_offset"] + e.offset, e.length, depth + 1)
                    continue
                start = data_start + e.offset
                if start + e.length > min(data_end, self.size):
                    raise PMTilesError("a tile lies past the end of its data (cut short?)")
                for i in range(e.run_length):
                    try:
                        z, x, y = tileid_to_zxy(e.tile_id + i)
                    except OverflowError:
                        raise PMTilesError("a tile id beyond zoom 31") from None
                    yield Entry(z, x, y, start, e.length)

        yield from walk(h["root_offset"], h["root_length"], 0)

    def data(self, entry: Entry) -> bytes:
        """A tile's bytes; raster tiles stored gzip-compressed are returned decompressed."""
        raw = self._map[entry.offset:entry.offset + entry.length]
        kind = self.header["tile_compression"]
        if self.format == "mvt" or kind in (Compression.NONE, Compression.UNKNOWN):
            return raw
        if kind == Compression.GZIP:
            try:
                return gzip.decompress(raw)
            except (OSError, EOFError, zlib.error) as exc:
                raise PMTilesError(f"tile {entry.z}/{entry.x}/{entry.y} cannot be "
                                   f"decompressed ({exc})") from None
        raise PMTilesError(f"tiles compressed with {kind.name.lower()}; the app reads gzip or "
                           "uncompressed tiles")


def pack(tiles: dict[tuple[int, int, int], bytes], *, tile_type: TileType,
         tile_compression: Compression, bounds: tuple[float, float, float, float],
         metadata: dict) -> bytes:
    """A PMTiles archive (bytes) holding ``tiles`` ((z, x, y) to the tile's stored bytes),
    bounds south, west, north, east."""
    if not tiles:
        raise PMTilesError("no tiles to write")
    s, w, n, e = bounds
    out = io.BytesIO()
    writer = Writer(out)
    for tile_id, data in sorted((zxy_to_tileid(*key), data) for key, data in tiles.items()):
        writer.write_tile(tile_id, data)
    zooms = sorted({z for z, _, _ in tiles})
    writer.finalize({
        "tile_type": tile_type, "tile_compression": tile_compression,
        "min_lon_e7": round(w * 1e7), "min_lat_e7": round(s * 1e7),
        "max_lon_e7": round(e * 1e7), "max_lat_e7": round(n * 1e7),
        "center_zoom": zooms[0],
        "center_lon_e7": round((w + e) / 2 * 1e7), "center_lat_e7": round((s + n) / 2 * 1e7),
    }, metadata)
    return out.getvalue()
