"""One PNG per day: the exported day page (``export.day_html``) drawn by a headless Chromium.

Playwright and Chromium are needed only here, and are looked for only when frames are made:
the executable is $CHROMIUM_PATH, else /usr/bin/chromium.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from .export import day_html
from .scenario import load_scenario
from .timeline import as_of, check_day, parse_day

FRAME_SIZE = {"width": 1920, "height": 1080}
DRAW_TIMEOUT_MS = 30_000
DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
]

# Every layer is on the map (export.ExportReady ran) and the inlined basemap is drawn.
DRAWN = """() => document.documentElement.dataset.kzReady === '1'
  && document.querySelector('.leaflet-container').dataset.basemap === 'ready'"""
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
# The page is self-contained; anything asked of a network is refused rather than waited for.
NETWORK_URL = re.compile(r"^(https?|wss?|ftp)://", re.IGNORECASE)


class FramesError(RuntimeError):
    """Frames cannot be made here: Playwright or Chromium is missing, or a page never drew."""


def chromium_executable() -> str:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise FramesError(
            f"Chromium not found at {path}: set CHROMIUM_PATH to a Chromium executable, or "
            "install Debian's `chromium` (apt-get install chromium)")
    return path


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise FramesError("frames need Playwright: pip install playwright "
                          "(it drives the Chromium at $CHROMIUM_PATH)") from exc
    return sync_playwright


def _days(scenario, days: Iterable[date | str] | None) -> list[date]:
    if days is None:
        return scenario.days
    return [parse_day(scenario, d) if isinstance(d, str) else check_day(scenario, d)
            for d in days]


def render_frames(scenario_dir: str | Path | None, out_dir: str | Path,
                  days: Iterable[date | str] | None = None) -> list[Path]:
    """Write ``<out_dir>/<YYYY-MM-DD>.png`` (1920x1080) for each day; returns the paths.

    ``days`` defaults to every day of the scenario; a day outside it raises
    ``timeline.DayOutOfRange`` before anything is drawn. Called where an asyncio loop runs
    (which Playwright's sync API refuses), the work moves to a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _render(scenario_dir, out_dir, days)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render, scenario_dir, out_dir, days).result()


def _render(scenario_dir, out_dir, days) -> list[Path]:
    sync_playwright = _sync_playwright()
    executable = chromium_executable()
    scenario = load_scenario(scenario_dir)
    chosen = _days(scenario, days)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kz-frames-") as tmp, sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, headless=True,
                                         args=CHROMIUM_ARGS)
        except Exception as exc:  # playwright's Error, imported lazily
            raise FramesError(f"Chromium at {executable} did not start: {exc}") from exc
        try:
            context = browser.new_context(viewport=FRAME_SIZE, device_scale_factor=1)
            context.route(NETWORK_URL, lambda route: route.abort())
            page = context.new_page()
            for day in chosen:
                source = Path(tmp) / f"{day.isoformat()}.html"
                source.write_text(day_html(as_of(scenario, day), scenario), encoding="utf-8")
                page.goto(source.as_uri())
                try:
                    page.wait_for_function(DRAWN, timeout=DRAW_TIMEOUT_MS)
                except Exception as exc:  # playwright's TimeoutError, imported lazily
                    raise FramesError(f"the map of {day.isoformat()} was not drawn within "
                                      f"{DRAW_TIMEOUT_MS / 1000:.0f} s: {exc}") from exc
                page.evaluate(TWO_FRAMES)
                target = out / f"{day.isoformat()}.png"
                page.screenshot(path=str(target))
                written.append(target)
        finally:
            browser.close()
    return written
