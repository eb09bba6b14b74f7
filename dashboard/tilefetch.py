"""Preparing an offline street map while online: the tiles of an area and zooms fetched from a
tile server the user names, into a raster MBTiles file the app and the export draw
(``python -m dashboard offline-map``).

Polite by construction: one request at a time at a rate limit, a User-Agent naming the tool,
and a refusal to bulk-fetch from servers whose usage policy forbids it. An interrupted run keeps
what it fetched (committed in batches to ``OUT.part``) and the next run with the same arguments
goes on from there; the finished file is renamed into place at the end.
"""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .tilearchive import tile_format, tile_range

GENERATOR = "kz-crisis-dashboard offline-map"
USER_AGENT = "kz-crisis-dashboard-offline-map/0.1 (preparing an offline map for one traveller)"
AVERAGE_TILE_BYTES = 20_000  # a street-level raster tile, for the estimate shown before a run
DEFAULT_MAX_TILES = 50_000
BATCH = 50  # tiles committed together: an interruption loses at most these
GIVE_UP_AFTER = 5  # failed tiles in a row: the server is down or refusing
RETRIES = 2

# Tile servers whose usage policy forbids bulk downloading (offline use, prefetching):
# OpenStreetMap's own (https://operations.osmfoundation.org/policies/tiles/).
FORBIDDEN_HOSTS = ("tile.openstreetmap.org", "tile.osm.org")
POLICY = ("its usage policy forbids bulk downloading "
          "(https://operations.osmfoundation.org/policies/tiles/). Use a tile server that allows "
          "it (a commercial provider's offline plan or your own, e.g. one serving an "
          "OpenStreetMap extract), or cut a vector extract from a published OpenStreetMap build "
          "instead (README, 'For a traveller')")


class FetchRefused(ValueError):
    """The run is refused before any request: the message says why."""


class FetchFailed(RuntimeError):
    """The server stopped answering; what was fetched is kept for the next run."""


def forbidden(url: str) -> bool:
    host = (urlsplit(url.replace("{s}", "a")).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in FORBIDDEN_HOSTS)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"{url!r} is not a tile server's address: give an http(s) URL "
                           "with {z}, {x} and {y}")
    if not all(k in url for k in ("{z}", "{x}", "{y}")):
        raise FetchRefused(f"{url!r} lacks {{z}}, {{x}} or {{y}}: give a template such as "
                           "https://tiles.example/{z}/{x}/{y}.png")
    if forbidden(url):
        raise FetchRefused(f"{parts.hostname}: not fetched: {POLICY}")


def parse_zooms(text: str) -> tuple[int, int]:
    """'10-16' or '14' as (lowest, highest), each 0..19."""
    low, _, high = text.partition("-")
    try:
        zooms = (int(low), int(high or low))
    except ValueError:
        raise ValueError(f"{text!r} is not a zoom range: give e.g. 10-16") from None
    if not (0 <= zooms[0] <= zooms[1] <= 19):
        raise ValueError(f"{text!r} is not a zoom range: from 0 to 19, the lower first")
    return zooms


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'S,W,N,E' in degrees."""
    try:
        s, w, n, e = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"{text!r} is not a box: give S,W,N,E in degrees") from None
    if not (-85 <= s < n <= 85 and -180 <= w < e <= 180):
        raise ValueError(f"{text!r} is not a box: south below north, west below east, "
                         "within ±85° and ±180°")
    return s, w, n, e


def around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """The box of km on every side of a point."""
    dlat = km / 111.32
    dlon = km / (111.32 * max(0.01, math.cos(math.radians(lat))))
    return (max(-85.0, lat - dlat), max(-180.0, lon - dlon), min(85.0, lat + dlat),
            min(180.0, lon + dlon))


def tiles_of(bbox: tuple[float, float, float, float], zooms: tuple[int, int]
             ) -> Iterator[tuple[int, int, int]]:
    for z in range(zooms[0], zooms[1] + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield z, x, y


def count_tiles(bbox, zooms) -> int:
    total = 0
    for z in range(zooms[0], zooms[1] + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        total += (x1 - x0 + 1) * (y1 - y0 + 1)
    return total


@dataclass
class Plan:
    url: str
    bbox: tuple[float, float, float, float]
    zooms: tuple[int, int]
    out: Path
    name: str
    attribution: str
    rate: float = 2.0  # requests a second at most
    user_agent: str = USER_AGENT
    timeout: float = 15.0

    @property
    def part(self) -> Path:
        return self.out.with_name(self.out.name + ".part")


@dataclass
class Outcome:
    fetched: int = 0
    kept: int = 0  # already in the file from an earlier run
    missing: int = 0  # the server has no such tile (404): the basemap shows there
    failed: int = 0  # failed after retries: the file is not finished while any did
    bytes: int = 0


SCHEMA = ("CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT);"
          "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, "
          "tile_row INTEGER, tile_data BLOB, PRIMARY KEY (zoom_level, tile_column, tile_row));")


def _ours(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM metadata WHERE name = 'generator'").fetchone()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == GENERATOR


def prepare(plan: Plan) -> None:
    """Refuse to touch a file this command did not write; start the .part from the finished
    file when there is one (a later run adding zooms keeps what it had)."""
    for path in (plan.out, plan.part):
        if path.exists() and not _ours(path):
            raise FetchRefused(f"{path}: exists and is not an offline map this command wrote; "
                               "name another --out")
    if plan.out.exists() and not plan.part.exists():
        shutil.copyfile(plan.out, plan.part)


def _get(plan: Plan, z: int, x: int, y: int, subdomain: str) -> bytes | None:
    """The tile's bytes, None for a tile the server does not have; raises OSError on failure."""
    url = (plan.url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
           .replace("{s}", subdomain))
    request = urllib.request.Request(url, headers={"User-Agent": plan.user_agent})
    try:
        with urllib.request.urlopen(request, timeout=plan.timeout) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 204):
            return None
        raise OSError(f"HTTP {exc.code} for {url}") from None
    if tile_format(data) is None:
        raise OSError(f"not an image (png, jpg, webp) from {url}")
    return data


def fetch(plan: Plan, progress: Callable[[int, int, Outcome], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Fetch every tile of the plan not already in ``OUT.part``, then put ``OUT`` in place.
    Raises FetchFailed after GIVE_UP_AFTER failed tiles in a row (the .part is kept)."""
    prepare(plan)
    total = count_tiles(plan.bbox, plan.zooms)
    outcome = Outcome()
    db = sqlite3.connect(plan.part)
    try:
        db.executescript(SCHEMA)
        db.execute("INSERT OR REPLACE INTO metadata VALUES ('generator', ?)", (GENERATOR,))
        db.commit()
        have = {(z, x, r) for z, x, r in db.execute(
            "SELECT zoom_level, tile_column, tile_row FROM tiles")}
        gap = 1.0 / plan.rate if plan.rate > 0 else 0.0
        last = 0.0
        failures = 0
        pending = 0
        done = 0
        for z, x, y in tiles_of(plan.bbox, plan.zooms):
            row = 2 ** z - 1 - y
            done += 1
            if (z, x, row) in have:
                outcome.kept += 1
                continue
            data = None
            for attempt in range(RETRIES + 1):
                wait = last + gap - time.monotonic()
                if wait > 0:
                    sleep(wait)
                last = time.monotonic()
                try:
                    data = _get(plan, z, x, y, "abc"[(x + y) % 3])
                    failures = 0
                    break
                except OSError as exc:
                    problem = exc
                    if attempt < RETRIES:
                        sleep(min(4.0, gap * 2 ** attempt + 0.1))
            else:
                failures += 1
                outcome.failed += 1
                if failures >= GIVE_UP_AFTER:
                    db.commit()
                    raise FetchFailed(
                        f"{failures} tiles in a row failed ({problem}); {outcome.fetched} "
                        f"fetched this run are kept in {plan.part}: run the same command "
                        "again to go on")
                continue
            if data is None:
                outcome.missing += 1
            else:
                db.execute("INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)",
                           (z, x, row, data))
                outcome.fetched += 1
                outcome.bytes += len(data)
                pending += 1
                if pending >= BATCH:
                    db.commit()
                    pending = 0
            if progress:
                progress(done, total, outcome)
        if outcome.failed:
            raise FetchFailed(
                f"{outcome.failed} tiles failed (the last: {problem}); {outcome.fetched} "
                f"fetched this run are kept in {plan.part}: run the same command again to "
                "go on")
        first = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        if first is None:
            raise FetchFailed(f"the server at {plan.url} had none of the {total:,} tiles; "
                              "nothing written")
        s, w, n, e = plan.bbox
        meta = {"name": plan.name, "format": tile_format(bytes(first[0])) or "png",
                "type": "baselayer", "version": "1.1", "attribution": plan.attribution,
                "bounds": f"{w},{s},{e},{n}", "minzoom": str(plan.zooms[0]),
                "maxzoom": str(plan.zooms[1]), "generator": GENERATOR,
                "source": urlsplit(plan.url).hostname or ""}
        db.executemany("INSERT OR REPLACE INTO metadata VALUES (?, ?)", meta.items())
    finally:
        db.commit()  # an interruption (Ctrl-C, a failed server) keeps every fetched tile
        db.close()
    os.replace(plan.part, plan.out)
    if progress:
        progress(total, total, outcome)
    return outcome
