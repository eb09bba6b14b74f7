"""Drive `streamlit run` in a real headless Chromium: used by the browser tests and benchmarks.

Plain functions, no pytest: `start_server`, `wait_for_app`, `map_frame`, `external_requests`,
`chromium_path`, `launch_chromium`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Frame, Page, Playwright, expect

from dashboard.frames import CHROMIUM_ARGS as FRAMES_CHROMIUM_ARGS

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
FAILURES = ARTIFACTS / "failures"
DEFAULT_APP = "dashboard/app.py"
DEFAULT_VIEWPORT = (1400, 900)

SERVER_START_TIMEOUT_S = 60.0
APP_RUN_TIMEOUT_MS = 30_000
MAP_TIMEOUT_MS = 30_000

# One list of flags for the product's frames and the tests: see dashboard/frames.py.
CHROMIUM_ARGS = FRAMES_CHROMIUM_ARGS

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
IGNORED_SCHEMES = frozenset({"data", "blob", "about", "chrome-extension"})

FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
FOLIUM_URL_PART = "/component/streamlit_folium.st_folium/"

# Streamlit 1.67 publishes its state on the root element (the same attributes streamlit's
# own e2e suite waits on): data-test-connection-state CONNECTED, and data-test-script-state
# going initial -> running -> notRunning on every (re)run.
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
APP_NOT_RUNNING = '[data-testid="stApp"][data-test-script-state="notRunning"]'


# --------------------------------------------------------------------------- helpers


def chromium_path() -> str | None:
    """$CHROMIUM_PATH if set, else /usr/bin/chromium if present, else `chromium` on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def external_requests(page: Page) -> list[str]:
    """URLs the page's context requested from anywhere other than this machine."""
    external = []
    for url in page.requests:  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in IGNORED_SCHEMES:
            continue
        if (parts.hostname or "") not in LOCAL_HOSTS:
            external.append(url)
    return external


def wait_for_app(page: Page, timeout_ms: int = APP_RUN_TIMEOUT_MS, settle_ms: int = 250) -> None:
    """Block until Streamlit is connected and its script has finished (re)running.

    Call after `page.goto(...)` and after every interaction that triggers a rerun. The
    short `settle_ms` pause first lets a just-triggered rerun (widgets debounce ~200 ms)
    flip the script state to "running" before we wait for "notRunning".
    """
    page.wait_for_timeout(settle_ms)
    page.locator('[data-testid="stApp"]').wait_for(state="attached", timeout=timeout_ms)
    page.locator(APP_CONNECTED).wait_for(state="attached", timeout=timeout_ms)
    page.locator(APP_NOT_RUNNING).wait_for(state="attached", timeout=timeout_ms)
    # The top-right "Running..." indicator and any element skeletons must be gone too.
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=timeout_ms)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout_ms)


def map_frame(page: Page, timeout_ms: int = MAP_TIMEOUT_MS) -> Frame:
    """The Frame of the (first) streamlit-folium map, once Leaflet has rendered in it."""
    page.locator(FOLIUM_IFRAME).first.wait_for(state="attached", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    frame = None
    while frame is None:
        frame = next((f for f in page.frames if FOLIUM_URL_PART in f.url), None)
        if frame is None:
            if time.monotonic() > deadline:
                urls = [f.url for f in page.frames]
                raise AssertionError(f"no streamlit-folium frame (frames: {urls})")
            page.wait_for_timeout(100)
    remaining = max(1000.0, (deadline - time.monotonic()) * 1000)
    frame.locator(".leaflet-container").first.wait_for(state="visible", timeout=remaining)
    return frame


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Health checks go straight to 127.0.0.1, never through an http_proxy from the environment.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(url: str) -> bool:
    try:
        with _NO_PROXY_OPENER.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    """A running `streamlit run` subprocess."""

    url: str
    port: int
    app: str
    args: tuple[str, ...]
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def log_tail(self, lines: int = 60) -> str:
        if not self._log.closed:
            self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


class ServerError(RuntimeError):
    """`streamlit run` died or never became healthy; the message carries its log's tail."""


def start_server(
    app: str, args: Sequence[str] = (), env: Mapping[str, str] | None = None,
    servers: list[Server] | None = None,
) -> Server:
    """Start `streamlit run APP -- ARGS` on a free port and wait for /_stcore/health."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *(["--", *args] if args else []),
    ]  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{Path(app).stem}-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed by Server.stop()
    log.write(f"$ {' '.join(cmd)}\n".encode())
    log.flush()
    process = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", port, app, tuple(args), process, log_path, log)
    if servers is not None:
        servers.append(server)

    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not _healthy(server.url):
        try:
            # Doubles as the poll interval: returns at once if streamlit died.
            code = process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None:
            raise ServerError(
                f"streamlit run {app} exited with code {code} before serving "
                f"(log: {log_path}):\n{server.log_tail()}"
            )
        if time.monotonic() > deadline:
            server.stop()
            raise ServerError(
                f"streamlit run {app} not healthy at {server.url}/_stcore/health after "
                f"{SERVER_START_TIMEOUT_S:.0f}s (log: {log_path}):\n{server.log_tail()}"
            )
    return server




def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with the flags this closed network needs."""
    executable = chromium_path()
    if executable is None or not os.access(executable, os.X_OK):
        raise FileNotFoundError(
            "Chromium not found: set CHROMIUM_PATH, or install Debian's `chromium` "
            "(apt-get install chromium) so that /usr/bin/chromium exists")
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS)
