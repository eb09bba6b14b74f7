"""Files the browser fetches from the app itself: Leaflet, the vector basemap, the offline
street map, and the renderer of vector PMTiles.

Leaflet comes from the XStatic-Leaflet package installed from PyPI and is copied into the
app's static folder (served at /app/static/) when the app starts; the vector PMTiles renderer
(protomaps-leaflet) comes from npm, installed by dev.py into the git-ignored .node/renderer/,
and is copied the same way when present. Nothing is fetched from the internet and no
third-party code is kept in the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .mapview import ASSET_ROOT, OfflineLayer, basemap_geojson
from .scenario import Scenario
from .tilearchive import VECTOR_FILE, TileArchive, TileArchiveError, extract

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
OFFLINE_MAP_DIR = "offline-map"
# protomaps-leaflet, installed from npm by dev.py (its RENDERER_DIR): one script, an IIFE that
# defines the global `protomapsL` and carries the pmtiles reader.
RENDERER_PACKAGE = Path(__file__).resolve().parent.parent / ".node" / "renderer" / \
    "node_modules" / "protomaps-leaflet"
RENDERER_FILE = "protomaps-leaflet.js"
RENDERER_DIR = "protomaps-leaflet"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


class RendererMissing(TileArchiveError):
    """A vector archive with no renderer installed to draw it."""


def renderer_needed(archive: TileArchive) -> RendererMissing:
    return RendererMissing(
        f"{archive.path.name} is a vector PMTiles archive; drawing it needs the protomaps-"
        "leaflet renderer, which `python3 dev.py run` installs with npm (Node.js) into .node/ "
        "and which is not installed here. Raster archives (MBTiles, or PMTiles of png, jpg or "
        "webp tiles) are drawn without it.")


def renderer_source(package: Path | None = None) -> tuple[str, str] | None:
    """The renderer's script (its source-map line dropped: nothing else is asked for) and
    version, or None when npm never installed it."""
    package = package or RENDERER_PACKAGE
    try:
        script = (package / "dist" / RENDERER_FILE).read_text(encoding="utf-8")
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return _SOURCE_MAP.sub("", script), str(version)


def ensure_renderer(vendor_dir: Path = VENDOR_DIR, package: Path | None = None
                    ) -> str | None:
    """Copy the renderer into the static folder (once per version); its URL, or None when it
    is not installed."""
    found = renderer_source(package)
    if found is None:
        return None
    script, version = found
    target = vendor_dir / RENDERER_DIR / RENDERER_FILE
    marker = target.with_name(".version")
    if not (target.exists() and marker.exists() and marker.read_text() == version):
        target.parent.mkdir(parents=True, exist_ok=True)
        for path, text in ((target, script), (marker, version)):
            handle, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
    return f"{ASSET_ROOT}/{RENDERER_DIR}/{RENDERER_FILE}?v={version}"


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


def offline_map_layer(archive: TileArchive, vendor_dir: Path = VENDOR_DIR,
                      package: Path | None = None) -> OfflineLayer:
    """The traveller's archive as the layer the map frame draws from this machine: a raster
    archive's tiles written under the static folder once (keyed by the file's digest), or a
    vector archive copied there whole with the renderer that draws it. Raises
    RendererMissing for a vector archive when the renderer is not installed."""
    renderer = ensure_renderer(vendor_dir, package) if archive.vector else None
    if archive.vector and renderer is None:
        raise renderer_needed(archive)
    extract(archive, vendor_dir / OFFLINE_MAP_DIR)
    folder = f"{ASSET_ROOT}/{OFFLINE_MAP_DIR}/{archive.digest}"
    return OfflineLayer(
        attribution=archive.attribution or f"Offline map: {archive.path.name}",
        bounds=archive.bounds, min_zoom=archive.first_zoom, max_zoom=archive.max_zoom,
        url=(f"{folder}/{VECTOR_FILE}" if archive.vector
             else f"{folder}/{{z}}/{{x}}/{{y}}.{archive.format}"),
        vector=archive.vector, renderer=renderer)
