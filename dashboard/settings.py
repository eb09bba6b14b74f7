"""Where the app reads its data and how it starts: from the command line and the environment."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .scenario import DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    online_tiles: bool


def settings_from(argv: Sequence[str], environ: Mapping[str, str]) -> Settings:
    """``streamlit run dashboard/app.py -- --data DIR`` wins over ``DASHBOARD_DATA``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    parser.add_argument("--online-tiles", action="store_true")
    args, _ = parser.parse_known_args(list(argv))
    data = args.data or environ.get("DASHBOARD_DATA") or str(DEFAULT_DATA_DIR)
    tiles = args.online_tiles or environ.get("DASHBOARD_TILES", "").lower() in ("1", "online")
    return Settings(Path(data).expanduser(), tiles)


def current_settings() -> Settings:
    import sys

    return settings_from(sys.argv[1:], os.environ)
