"""Where the app reads its data and how it starts: from the command line and the environment."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .scenario import DEFAULT_DATA_DIR

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">'
                   "OpenStreetMap</a> contributors")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    online_tiles: bool
    tile_url: str = OSM_TILES
    tile_attribution: str = OSM_ATTRIBUTION
    geocoder: str = ""  # a Nominatim URL, "off", or "" for the public Nominatim
    offline_map: Path | None = None  # an MBTiles or PMTiles file the traveller brought


def settings_from(argv: Sequence[str], environ: Mapping[str, str]) -> Settings:
    """``streamlit run dashboard/app.py -- --data DIR`` wins over ``DASHBOARD_DATA``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    parser.add_argument("--online-tiles", action="store_true")
    parser.add_argument("--tile-url")
    parser.add_argument("--tile-attribution")
    parser.add_argument("--geocoder")
    parser.add_argument("--offline-map")
    args, _ = parser.parse_known_args(list(argv))
    data = args.data or environ.get("DASHBOARD_DATA") or str(DEFAULT_DATA_DIR)
    tiles = args.online_tiles or environ.get("DASHBOARD_TILES", "").lower() in ("1", "online")
    url = args.tile_url or environ.get("DASHBOARD_TILE_URL") or OSM_TILES
    if url == OSM_TILES:
        attribution = OSM_ATTRIBUTION
    else:
        attribution = (args.tile_attribution or environ.get("DASHBOARD_TILE_ATTRIBUTION")
                       or f"Tiles: {urlsplit(url).hostname or url}")
    geocoder = args.geocoder or environ.get("DASHBOARD_GEOCODER") or ""
    offline = args.offline_map or environ.get("DASHBOARD_OFFLINE_MAP") or ""
    return Settings(Path(data).expanduser(), tiles, url, attribution, geocoder,
                    Path(offline).expanduser() if offline.strip() else None)


def current_settings() -> Settings:
    import sys

    return settings_from(sys.argv[1:], os.environ)
