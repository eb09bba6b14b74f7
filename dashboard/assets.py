"""Files the browser fetches from the app itself: Leaflet and the vector basemap.

Leaflet comes from the XStatic-Leaflet package installed from PyPI and is copied into the
app's static folder (served at /app/static/) when the app starts; nothing is fetched from the
internet and no third-party code is kept in the repository.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .mapview import ASSET_ROOT, basemap_geojson
from .scenario import Scenario

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"


def ensure_leaflet(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet's files from the XStatic-Leaflet package (idempotent); returns the folder."""
    import xstatic.pkg.leaflet as leaflet

    target = vendor_dir / "leaflet"
    marker = target / ".version"
    current = marker.exists() and marker.read_text() == leaflet.VERSION
    if current and (target / "leaflet.js").exists():
        return target
    source = Path(leaflet.BASE_DIR)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target, dirs_exist_ok=True)
    marker.write_text(leaflet.VERSION)
    return target


def write_basemap(scenario: Scenario, vendor_dir: Path = VENDOR_DIR) -> str:
    """Write the scenario's vector basemap as a static file named by its content; returns the
    URL the map frame fetches it from."""
    data = json.dumps(basemap_geojson(scenario), separators=(",", ":")).encode()
    name = f"basemap-{hashlib.sha256(data).hexdigest()[:12]}.geojson"
    path = vendor_dir / name
    if not path.exists():
        vendor_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return f"{ASSET_ROOT}/{name}"
