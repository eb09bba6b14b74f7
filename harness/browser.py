"""Drive `streamlit run` in a real headless Chromium: used by the browser tests and benchmarks.

Plain functions, no pytest: `start_server`, `wait_for_app`, `map_frame`, `external_requests`,
`chromium_path`, `launch_chromium`, `axe_script`, `renderer_script`; for many concurrent
viewers `run_load` (with `expected_views`, `load_plans`) and the server's memory
`tree_rss_kb`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from playwright.async_api import Browser as AsyncBrowser
from playwright.async_api import BrowserContext as AsyncBrowserContext
from playwright.async_api import Error as AsyncPlaywrightError
from playwright.async_api import Frame as AsyncFrame
from playwright.async_api import Page as AsyncPage
from playwright.async_api import Playwright as AsyncPlaywright
from playwright.async_api import async_playwright
from playwright.sync_api import Browser, Frame, Page, Playwright, expect

from dashboard.frames import CHROMIUM_ARGS as FRAMES_CHROMIUM_ARGS

REPO_ROOT = Path(__file__).resolve().parents[1]
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
    return external_urls(page.requests)  # type: ignore[attr-defined]


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




def axe_script() -> Path:
    """axe-core's script (the accessibility checker the browser tests inject), installed from
    npm into the git-ignored .node/ by dev.py, or here when it is missing."""
    import dev

    try:
        return dev.ensure_axe()
    except SystemExit as exc:  # dev.py's message: npm missing
        raise FileNotFoundError(str(exc)) from None


def renderer_script() -> Path:
    """protomaps-leaflet's script (the vector PMTiles renderer), installed from npm into the
    git-ignored .node/renderer/ by dev.py, or here when it is missing."""
    import dev

    try:
        return dev.ensure_renderer(required=True)
    except SystemExit as exc:  # dev.py's message: npm missing or the install failed
        raise FileNotFoundError(str(exc)) from None


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with the flags this closed network needs."""
    executable = chromium_path()
    if executable is None or not os.access(executable, os.X_OK):
        raise FileNotFoundError(
            "Chromium not found: set CHROMIUM_PATH, or install Debian's `chromium` "
            "(apt-get install chromium) so that /usr/bin/chromium exists")
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------- many viewers
#
# Many concurrent sessions on one server, driven by Playwright's async API: one event loop, one
# Chromium, one browser context (an independent Streamlit session) per viewer. `run_load` runs
# the loop in a thread of its own, so it can be called while a sync Playwright is active in the
# calling thread (the benchmarks' Chromium, pytest's `browser` fixture).

NEXT_LABEL, PREVIOUS_LABEL = "Next ▶", "◀ Previous"
LOAD_VIEWPORT = (800, 600)  # narrower, the columns stack and the header covers "◀ Previous"
LOAD_POLL_MS = 50
# Pages opening at the same time: opening all 30 at once cost Chromium (on the same 2 cores
# as the server) about 40 % more CPU in all than 5 at a time (233 against 163 CPU seconds in
# one run). The steps are taken all at once either way.
OPENING_TOGETHER = 5

# The page shows the day: the slider's label and the headline's date and text are the day's,
# Streamlit is connected and idle, nothing is left in a loading state. Returns the time.
_PAGE_SHOWS_DAY = """view => {
  const text = sel => { const el = document.querySelector(sel);
                        return el ? el.textContent.trim() : null; };
  const ok = text('[data-testid="stSliderThumbValue"]') === view.label
    && text('.kz-headline .kz-date') === view.label
    && text('[data-testid="kz-headline"]') === view.headline
    && document.querySelector(view.connected) !== null
    && document.querySelector(view.idle) !== null
    && document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') === null
    && document.querySelector('[data-testid="stSkeleton"]') === null;
  return ok ? performance.timeOrigin + performance.now() : 0;
}"""

# Sorts rows of [layer, id, color, fillColor] (JS and Python sort strings alike only in ASCII,
# so the map's rows and the expected ones are both sorted in the page).
_ROW_SORT = """rows => { const key = r => r.map(v => v === null ? '' : String(v)).join('\\u0000');
  return rows.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0); }"""

# Run inside the map frame: the day layers on the map, as sorted [layer, id, color, fillColor].
DAY_LAYERS_JS = """() => {
  const m = window.map_div;  // the map's div until Leaflet made it the map
  if (!m || typeof m.eachLayer !== 'function') { return null; }
  const out = [];
  m.eachLayer(l => { if (l.options && l.options.kzLayer) {
    out.push([String(l.options.kzLayer), String(l.options.kzId),
              l.options.color === undefined ? null : l.options.color,
              l.options.fillColor === undefined ? null : l.options.fillColor]); } });
  return (""" + _ROW_SORT + """)(out);
}"""

# Run inside the map frame: the time at which the map holds exactly the expected layers.
MAP_SHOWS_DAY = """expected => {
  const got = (""" + DAY_LAYERS_JS + """)();
  const want = (""" + _ROW_SORT + """)(expected.slice());
  return got !== null && JSON.stringify(got) === JSON.stringify(want)
    ? performance.timeOrigin + performance.now() : 0;
}"""

# Notes the time of every click (capture phase, before Streamlit sees it).
_CLICK_PROBE = """(() => { if (window !== window.top) { return; }
  window.addEventListener('click', e => {
    window.__kzClick = performance.timeOrigin + e.timeStamp; }, true); })();"""


@dataclass(frozen=True)
class DayView:
    """What a viewer must see on a day: the slider's label (the headline's date too), the
    headline's text, and the map's day layers as sorted [layer, id, color, fillColor]."""

    day: date
    label: str
    headline: str
    layers: tuple[tuple[str, str, str | None, str | None], ...]


def expected_views(data_dir: Path | None = None) -> dict[date, DayView]:
    """Per day of the scenario, what the dashboard shows (all layers on)."""
    from dashboard.mapview import LAYER_KEYS, day_label, layer_features
    from dashboard.scenario import DEFAULT_DATA_DIR, load_scenario
    from dashboard.timeline import as_of

    scenario = load_scenario(data_dir or DEFAULT_DATA_DIR)
    views = {}
    for day in scenario.days:
        state = as_of(scenario, day)
        rows = []
        for key in LAYER_KEYS:
            for feature in layer_features(state, scenario, key):
                style = feature["properties"]["style"]
                rows.append((key, str(feature["properties"]["id"]), style.get("color"),
                             style.get("fillColor")))
        rows.sort(key=lambda r: ["" if v is None else v for v in r])
        headline = (state.headline.headline if state.headline
                    else "No headline recorded for this day")
        views[day] = DayView(day, day_label(day), headline, tuple(rows))
    return views


@dataclass(frozen=True)
class SessionPlan:
    """One viewer: opens `?day=start`, then clicks Next (+1) or Previous (-1) per move."""

    start: date
    moves: tuple[int, ...]

    def days(self, days: Sequence[date]) -> list[date]:
        """The day shown after opening and after each move."""
        index = days.index(self.start)
        out = [self.start]
        for move in self.moves:
            index += move
            out.append(days[index])
        return out


def load_plans(sessions: int, steps: int, days: Sequence[date]) -> list[SessionPlan]:
    """`sessions` viewers with starting days spread over `days`, each making `steps` moves that
    bounce between the first and the last day; even viewers set off forwards, odd backwards."""
    plans = []
    for number in range(sessions):
        index = (number * 4) % len(days)  # 4 and 9 are coprime: every day, evenly spread
        direction = 1 if number % 2 == 0 else -1
        start = days[index]
        moves = []
        for _ in range(steps):
            if not 0 <= index + direction < len(days):
                direction = -direction
            index += direction
            moves.append(direction)
        plans.append(SessionPlan(start, tuple(moves)))
    return plans


@dataclass
class SessionOutcome:
    """What one viewer saw."""

    number: int
    plan: SessionPlan
    expected: date  # the day the plan ends on
    open_ms: float | None = None  # navigation start -> the first day drawn
    step_ms: list[float] = field(default_factory=list)  # click -> the new day drawn
    errors: list[str] = field(default_factory=list)  # a failed wait, a page error...
    final: dict | None = None  # what the page showed at the end (label, headline, layers...)
    requests: list[str] = field(default_factory=list)

    @property
    def steps_done(self) -> int:
        return len(self.step_ms)

    def problems(self, views: Mapping[date, DayView]) -> list[str]:
        """Everything wrong with what this viewer saw; empty when it saw its own day, all of
        its steps went through, nothing failed and nothing was fetched from elsewhere."""
        out = [f"{self.number}: {error}" for error in self.errors]
        if self.steps_done != len(self.plan.moves):
            out.append(f"{self.number}: {self.steps_done} of {len(self.plan.moves)} steps")
        want = views[self.expected]
        seen = self.final or {}
        if self.final is not None:
            wanted = {"label": want.label, "date": want.label, "headline": want.headline,
                      "url_day": want.day.isoformat(), "exceptions": 0}
            for key, value in wanted.items():
                if seen.get(key) != value:
                    out.append(f"{self.number}: {key} {seen.get(key)!r}, expected {value!r}")
            if sorted(_row_key(r) for r in seen.get("layers", [])) != sorted(
                    _row_key(r) for r in want.layers):
                out.append(f"{self.number}: the map does not hold {want.label}'s layers")
        elif not self.errors:
            out.append(f"{self.number}: nothing read from the page")
        out += [f"{self.number}: requested {url}" for url in external_urls(self.requests)]
        return out


def _row_key(row: Sequence[str | None]) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def external_urls(urls: Iterable[str]) -> list[str]:
    """The URLs, of those given, that point anywhere other than this machine."""
    external = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in IGNORED_SCHEMES:
            continue
        if (parts.hostname or "") not in LOCAL_HOSTS:
            external.append(url)
    return external


@dataclass
class LoadWave:
    sessions: list[SessionOutcome]
    seconds: float


def process_tree(pid: int) -> list[int]:
    """`pid` and every process descended from it (from /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def tree_rss_kb(pid: int) -> int:
    """Resident memory (VmRSS, kB) of a process and all its descendants."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total


def run_load(
    url: str,
    waves: Sequence[Sequence[SessionPlan]],
    views: Mapping[date, DayView],
    *,
    timeout_s: float,
    open_timeout_s: float = 180.0,
    step_timeout_s: float = 60.0,
    opening_together: int | None = None,
    after_wave: Callable[[int, list[SessionOutcome]], None] | None = None,
    viewport: tuple[int, int] = LOAD_VIEWPORT,
) -> list[LoadWave]:
    """Drive waves of concurrent viewers against the server at `url`, one Chromium for all.

    In each wave every viewer opens its page (all at once, or `opening_together` at a time)
    and waits for its day to be drawn (`views`); once all are open, they all make their moves
    at the same time, each waiting after every click for its new day. `after_wave(index,
    outcomes)` is called while the wave's sessions are still connected; then their browser
    contexts are closed and the next wave begins.

    A viewer's own failure (its day not drawn within `open_timeout_s` of opening or
    `step_timeout_s` of a click, a page error) is recorded in its outcome and that viewer
    stops; the run goes on. The whole run must end within `timeout_s` (TimeoutError).
    """
    run = _LoadRun(url, views, sorted(views), open_timeout_s, step_timeout_s, viewport,
                   opening_together)
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["waves"] = asyncio.run(asyncio.wait_for(_load(run, waves, after_wave),
                                                        timeout_s))
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            box["error"] = exc

    thread = threading.Thread(target=work, name="kz-load", daemon=True)
    thread.start()
    thread.join(timeout_s + 60)
    if thread.is_alive():
        raise TimeoutError(f"load driver still running after {timeout_s + 60:.0f} s")
    if "error" in box:
        error = box["error"]
        if isinstance(error, asyncio.TimeoutError | TimeoutError):
            raise TimeoutError(f"load did not finish within {timeout_s:.0f} s") from error
        raise error  # type: ignore[misc]
    return box["waves"]  # type: ignore[return-value]


@dataclass(frozen=True)
class _LoadRun:
    url: str
    views: Mapping[date, DayView]
    days: list[date]
    open_timeout_s: float
    step_timeout_s: float
    viewport: tuple[int, int]
    opening_together: int | None


async def _launch_chromium_async(playwright: AsyncPlaywright) -> AsyncBrowser:
    executable = chromium_path()
    if executable is None or not os.access(executable, os.X_OK):
        raise FileNotFoundError("Chromium not found: set CHROMIUM_PATH, or install Debian's "
                                "`chromium` (apt-get install chromium)")
    return await playwright.chromium.launch(executable_path=executable, headless=True,
                                            args=CHROMIUM_ARGS)


async def _load(run: _LoadRun, waves: Sequence[Sequence[SessionPlan]],
                after_wave: Callable[[int, list[SessionOutcome]], None] | None
                ) -> list[LoadWave]:
    out = []
    async with async_playwright() as playwright:
        browser = await _launch_chromium_async(playwright)
        try:
            for index, plans in enumerate(waves):
                began = time.monotonic()
                gate = asyncio.Semaphore(run.opening_together or max(1, len(plans)))
                sessions = [await _new_session(browser, run, number, plan)
                            for number, plan in enumerate(plans)]
                try:
                    await asyncio.gather(*(_open(run, page, outcome, gate)
                                           for _, page, outcome in sessions))
                    await asyncio.gather(*(_steps(run, page, outcome)
                                           for _, page, outcome in sessions))
                    await asyncio.gather(*(_read_final(page, outcome)
                                           for _, page, outcome in sessions))
                    outcomes = [outcome for _, _, outcome in sessions]
                    if after_wave is not None:
                        after_wave(index, outcomes)
                finally:
                    for context, _, _ in sessions:
                        await context.close()
                out.append(LoadWave(outcomes, time.monotonic() - began))
        finally:
            await browser.close()
    return out


async def _new_session(browser: AsyncBrowser, run: _LoadRun, number: int, plan: SessionPlan
                       ) -> tuple[AsyncBrowserContext, AsyncPage, SessionOutcome]:
    width, height = run.viewport
    context = await browser.new_context(viewport={"width": width, "height": height})
    await context.add_init_script(_CLICK_PROBE)
    outcome = SessionOutcome(number, plan, plan.days(run.days)[-1])
    context.on("request", lambda request: outcome.requests.append(request.url))
    page = await context.new_page()
    page.on("pageerror", lambda error: outcome.errors.append(f"page error: {error}"))
    return context, page, outcome


async def _map_frame_async(page: AsyncPage, timeout_s: float) -> AsyncFrame:
    deadline = time.monotonic() + timeout_s
    while True:
        frame = next((f for f in page.frames
                      if FOLIUM_URL_PART in f.url and not f.is_detached()), None)
        if frame is not None:
            return frame
        if time.monotonic() > deadline:
            raise AssertionError(f"no map frame after {timeout_s:.0f} s")
        await asyncio.sleep(LOAD_POLL_MS / 1000)


async def _shows_day(page: AsyncPage, view: DayView, timeout_s: float) -> float:
    """Wait until the page and its map show the day; the time (ms, in-page clock) when the
    later of the two was first seen."""
    deadline = time.monotonic() + timeout_s
    frame = await _map_frame_async(page, timeout_s)
    remaining = max(1.0, deadline - time.monotonic()) * 1000
    expected = [list(row) for row in view.layers]
    wanted = {"label": view.label, "headline": view.headline, "connected": APP_CONNECTED,
              "idle": APP_NOT_RUNNING}
    waits = [asyncio.ensure_future(page.wait_for_function(
                 _PAGE_SHOWS_DAY, arg=wanted, polling=LOAD_POLL_MS, timeout=remaining)),
             asyncio.ensure_future(frame.wait_for_function(
                 MAP_SHOWS_DAY, arg=expected, polling=LOAD_POLL_MS, timeout=remaining))]
    try:
        on_page, on_map = await asyncio.gather(*waits)
    finally:
        for wait in waits:  # one failed: the other stops waiting too
            wait.cancel()
    return max(await on_page.json_value(), await on_map.json_value())


async def _open(run: _LoadRun, page: AsyncPage, outcome: SessionOutcome,
                gate: asyncio.Semaphore) -> None:
    async with gate:
        try:
            await page.goto(f"{run.url}/?day={outcome.plan.start.isoformat()}",
                            wait_until="commit", timeout=run.open_timeout_s * 1000)
            drawn = await _shows_day(page, run.views[outcome.plan.start], run.open_timeout_s)
            outcome.open_ms = drawn - await page.evaluate("() => performance.timeOrigin")
        except (AssertionError, AsyncPlaywrightError) as exc:
            outcome.errors.append(f"opening: {_first_line(exc)}")


async def _steps(run: _LoadRun, page: AsyncPage, outcome: SessionOutcome) -> None:
    if outcome.open_ms is None:
        return  # it never showed its first day
    try:
        for move, day in zip(outcome.plan.moves, outcome.plan.days(run.days)[1:], strict=True):
            label = NEXT_LABEL if move > 0 else PREVIOUS_LABEL
            await page.locator("button", has_text=label).click(
                timeout=run.step_timeout_s * 1000)
            drawn = await _shows_day(page, run.views[day], run.step_timeout_s)
            outcome.step_ms.append(drawn - await page.evaluate("() => window.__kzClick"))
    except (AssertionError, AsyncPlaywrightError) as exc:
        outcome.errors.append(f"step {outcome.steps_done + 1}: {_first_line(exc)}")


async def _read_final(page: AsyncPage, outcome: SessionOutcome) -> None:
    try:
        outcome.final = await _what_page_shows(page)
    except (AssertionError, AsyncPlaywrightError) as exc:
        outcome.errors.append(f"reading the page: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"


async def _what_page_shows(page: AsyncPage) -> dict:
    shown = await page.evaluate("""() => {
      const text = sel => { const el = document.querySelector(sel);
                            return el ? el.textContent.trim() : null; };
      return {label: text('[data-testid="stSliderThumbValue"]'),
              date: text('.kz-headline .kz-date'),
              headline: text('[data-testid="kz-headline"]'),
              exceptions: document.querySelectorAll('[data-testid="stException"]').length,
              url_day: new URLSearchParams(location.search).get('day')};
    }""")
    frame = await _map_frame_async(page, 5.0)
    layers = await frame.evaluate(DAY_LAYERS_JS)
    shown["layers"] = [tuple(row) for row in layers or []]
    return shown
