"""Files the browser fetches from the app itself: Leaflet and the vector basemap.

Leaflet comes from the XStatic-Leaflet package installed from PyPI and is copied into the
app's static folder (served at /app/static/) when the app starts; nothing is fetched from the
internet and no third-party code is kept in the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .mapview import ASSET_ROOT, OfflineLayer, basemap_geojson
from .scenario import Scenario
from .tilearchive import TileArchive, extract

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
OFFLINE_MAP_DIR = "offline-map"


def ensure_leaflet(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet's files from the XStatic-Leaflet package (idempotent); returns the folder."""
    import xstatic.pkg.leaflet as leaflet

    target = vendor_dir / "leaflet"
    marker = target / ".version"
    current = marker.exists() and marker.read_text() == leaflet.VERSION
    if current and (target / "leaflet.js").exists():
        return target
    # Copied beside the target, then renamed into place: another process starting at the
    # same time (a second replica) never serves a half-copied file.
    vendor_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=vendor_dir))
    try:
        shutil.copytree(leaflet.BASE_DIR, staging, dirs_exist_ok=True)
        (staging / ".version").write_text(leaflet.VERSION)
        for item in sorted(staging.rglob("*")):
            if item.is_file():
                final = target / item.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def write_basemap(scenario: Scenario, vendor_dir: Path = VENDOR_DIR) -> str:
    """Write the scenario's vector basemap as a static file named by its content; returns the
    URL the map frame fetches it from."""
    data = json.dumps(basemap_geojson(scenario), separators=(",", ":")).encode()
    name = f"basemap-{hashlib.sha256(data).hexdigest()[:12]}.geojson"
    path = vendor_dir / name
    if not path.exists():
        vendor_dir.mkdir(parents=True, exist_ok=True)
        # A name of its own per process, so two replicas writing at once never collide.
        handle, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=vendor_dir)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    return f"{ASSET_ROOT}/{name}"


def offline_map_layer(archive: TileArchive, vendor_dir: Path = VENDOR_DIR) -> OfflineLayer:
    """The traveller's MBTiles file, its tiles written under the static folder once (keyed by
    the file's digest), as the tile layer the map frame draws from this machine."""
    extract(archive, vendor_dir / OFFLINE_MAP_DIR)
    return OfflineLayer(
        attribution=archive.attribution or f"Offline map: {archive.path.name}",
        bounds=archive.bounds, min_zoom=archive.min_zoom, max_zoom=archive.max_zoom,
        url=f"{ASSET_ROOT}/{OFFLINE_MAP_DIR}/{archive.digest}/{{z}}/{{x}}/{{y}}.{archive.format}")
