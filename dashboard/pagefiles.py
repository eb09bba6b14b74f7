"""The page's own files (`static/kz/`: map.js, map.css, panel.css, export.css), read once and
ready to inline. The app serves the folder at /app/static/kz/; the offline export writes the
files into the page. Python only wires them: no script or style lives in a Python string."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

KZ_DIR = Path(__file__).resolve().parent / "static" / "kz"
# The map frame lives at /component/streamlit_folium.st_folium/index.html: this climbs to the
# app's static folder.
KZ_URL = "../../app/static/kz"


class PageFileError(RuntimeError):
    """A page file cannot be inlined safely."""


@lru_cache(maxsize=8)
def text(name: str) -> str:
    """A page file's text. A script or style that would end its own tag is refused."""
    body = (KZ_DIR / name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if re.search(closing + r"|<!--", body, re.IGNORECASE):
        raise PageFileError(f"{name} cannot be inlined: it contains '{closing}' or '<!--'")
    return body


@lru_cache(maxsize=8)
def digest(name: str) -> str:
    """A short digest of a page file's text, to tell its versions apart in an address."""
    return hashlib.sha256(text(name).encode("utf-8")).hexdigest()[:12]


def style(name: str) -> str:
    return f"<style>\n{text(name)}</style>"


def script(name: str) -> str:
    return f"<script>\n{text(name)}</script>"
