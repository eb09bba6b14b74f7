"""Side-by-side benchmark of the dashboard against a floor and a naive baseline.

    .venv/bin/python benchmarks/run.py [--quick] [--steps N] [--only NAMES] [--load N]

Each target runs under `streamlit run` and is driven by headless Chromium (the harness of the
browser tests). The table is printed and written to benchmarks/results/latest.md, the raw
samples to benchmarks/results/latest.json. benchmarks/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Browser, BrowserContext, Frame, Page, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from benchmarks.acled_shaped import check as acled_check  # noqa: E402
from benchmarks.acled_shaped import scenario as acled_scenario  # noqa: E402
from benchmarks.generate import check, generate  # noqa: E402
from dashboard.mapview import LAYER_KEYS, layer_features  # noqa: E402
from dashboard.scenario import DEFAULT_DATA_DIR, load_scenario  # noqa: E402
from dashboard.timeline import as_of  # noqa: E402
from harness.browser import (  # noqa: E402
    DEFAULT_VIEWPORT,
    FOLIUM_URL_PART,
    OPENING_TOGETHER,
    REPO_ROOT,
    Server,
    SessionOutcome,
    expected_views,
    launch_chromium,
    load_plans,
    run_load,
    start_server,
    tree_rss_kb,
    wait_for_app,
)

RESULTS = REPO_ROOT / "benchmarks" / "results"
DAYS = [date(2022, 1, 2) + timedelta(days=n) for n in range(9)]
NEXT, PREVIOUS = "Next ▶", "◀ Previous"
QUIET_MS = 300  # no new day layer for this long: the step's drawing is over
BUNDLED_EVENTS = 0  # the bundled scenario, no synthetic events


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # floor, naive, dashboard, or load (many concurrent sessions of the dashboard)
    app: str
    synthetic: int | None = None  # dashboard only: events added to geodata/ (0: bundled)
    sessions: bool = False  # measure the server's memory with many sessions
    # dashboard only: False empties the page's kept days before each click, so the server's
    # step draws every day (the path of a slider jump to a day the page does not hold)
    held: bool = True
    # dashboard only: the data is an ACLED-shaped export of this many events imported with
    # import-acled (benchmarks/acled_shaped.py), not geodata/
    acled: int | None = None
    # the most sessions opened at once for the memory figures (the run's counts above it are
    # left out, this count added): a server of a million events is not opened 30 times over
    sessions_cap: int | None = None

    def session_counts(self, counts: tuple[int, ...]) -> tuple[int, ...]:
        if self.sessions_cap is None:
            return counts
        kept = [n for n in counts if n < self.sessions_cap]
        return (*kept, self.sessions_cap) if counts else ()


TARGETS = (
    Target("floor", "floor", "benchmarks/apps/floor.py", sessions=True),
    Target("naive", "naive", "benchmarks/apps/naive.py", sessions=True),
    Target("dashboard", "dashboard", "dashboard/app.py", BUNDLED_EVENTS, sessions=True),
    Target("dashboard-server", "dashboard", "dashboard/app.py", BUNDLED_EVENTS, held=False),
    Target("dashboard-1k", "dashboard", "dashboard/app.py", 1_000, sessions=True),
    Target("dashboard-10k", "dashboard", "dashboard/app.py", 10_000, sessions=True),
    Target("dashboard-100k", "dashboard", "dashboard/app.py", 100_000, sessions=True),
    Target("dashboard-acled-1k", "dashboard", "dashboard/app.py", acled=1_000, sessions=True),
    Target("dashboard-acled-10k", "dashboard", "dashboard/app.py", acled=10_000, sessions=True),
    Target("dashboard-acled-100k", "dashboard", "dashboard/app.py", acled=100_000,
           sessions=True),
    Target("dashboard-acled-1m", "dashboard", "dashboard/app.py", acled=1_000_000,
           sessions=True, sessions_cap=5),
    Target("load", "load", "dashboard/app.py", BUNDLED_EVENTS),
)


@dataclass
class Settings:
    steps: int
    warmup: int
    cold_runs: int
    sessions: tuple[int, ...]
    step_timeout_s: float
    step_budget_s: float
    load_timeout_s: float
    server_env: dict[str, str] = field(default_factory=dict)  # added to every server's env
    load_sessions: int = 30  # the `load` target: concurrent sessions
    load_steps: int = 5  # the `load` target: steps per session


# --------------------------------------------------------------------------- in-page probes

# Runs in the top page before the page's own scripts (context.add_init_script): notes the time
# of each click (capture phase, before Streamlit sees it) and, for the floor, the first
# animation frame in which the day's text is in the page. For the dashboard it hooks every
# iframe as it is inserted: once a map frame has loaded, it polls each animation frame for
# the first one with the day's layers on the map, then installs a `layeradd` listener that
# notes when each day layer is added and the animation frame that follows it. (The hook
# comes from the top page because the component's frame reuses the window of its first,
# blank document, in which an init script has already run.) It also wraps WebSocket to note
# the time and size of every frame, and observes main-thread long tasks.
PROBE_JS = """
(() => {
  if (window !== window.top) { return; }
  const KIND = %(kind)s;
  const now = () => performance.timeOrigin + performance.now();
  window.addEventListener('click', e => {
    window.__kzClick = performance.timeOrigin + e.timeStamp; }, true);
  // Every websocket frame with its time and size, in order (sent 's', received 'r').
  window.__kzWire = [];
  const size = d => d == null ? 0 : (d.byteLength !== undefined ? d.byteLength
    : (d.size !== undefined ? d.size : new TextEncoder().encode(String(d)).length));
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => { window.__kzWire.push(['r', now(), size(e.data)]); });
    }
    send(data) { window.__kzWire.push(['s', now(), size(data)]); return super.send(data); }
  };
  // Main-thread tasks over 50 ms (the page and its same-origin map frame share the thread).
  window.__kzLong = [];
  try {
    new PerformanceObserver(list => { for (const e of list.getEntries()) {
      window.__kzLong.push([performance.timeOrigin + e.startTime, e.duration]); } })
      .observe({type: 'longtask'});
  } catch (err) { /* no long task timing in this browser */ }
  if (KIND === 'floor') {
    const floorText = () => [...document.querySelectorAll(
      '[data-testid="stMarkdownContainer"]')].some(el => el.textContent.startsWith('Showing '));
    const poll = () => { if (floorText()) { window.__kzFirstPaint = now(); return; }
                         requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
    return;
  }
  if (KIND !== 'dashboard') { return; }
  const install = w => {
    const poll = () => {
      const m = w.map_div;
      if (m && m._loaded) {
        let n = 0;
        m.eachLayer(l => { if (l.options && l.options.kzLayer) { n++; } });
        if (n > 0) {
          w.__kzFirstPaint = now();
          w.__kzAdds = 0; w.__kzFirstAdd = 0; w.__kzLast = 0; w.__kzPaint = 0;
          w.__kzPending = false;
          m.on('layeradd', e => {
            if (!(e.layer.options && e.layer.options.kzLayer)) { return; }
            w.__kzLast = now();
            if (!w.__kzFirstAdd) { w.__kzFirstAdd = w.__kzLast; }
            w.__kzAdds++;
            if (!w.__kzPending) {
              w.__kzPending = true;
              w.requestAnimationFrame(() => { w.__kzPending = false; w.__kzPaint = now(); });
            }
          });
          return;
        }
      }
      w.requestAnimationFrame(poll);
    };
    w.requestAnimationFrame(poll);
  };
  const hook = frame => {
    if (frame.__kzHooked) { return; }
    frame.__kzHooked = true;
    frame.addEventListener('load', () => {
      const w = frame.contentWindow;
      try {
        if (w && w.location.pathname.includes('streamlit_folium')) { install(w); }
      } catch (err) { /* another origin: not a map frame */ }
    });
  };
  new MutationObserver(records => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeName === 'IFRAME') { hook(node); }
        else if (node.querySelectorAll) { node.querySelectorAll('iframe').forEach(hook); }
      }
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""

ARM_FLOOR = """label => {
  window.__kzDone = 0;
  const hit = () => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .some(el => el.textContent === 'Showing ' + label);
  const obs = new MutationObserver(() => {
    if (hit()) { obs.disconnect(); requestAnimationFrame(() => {
      window.__kzDone = performance.timeOrigin + performance.now(); }); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# The run's end: the first animation frame after the app's script state is back to notRunning
# (every message of the step received and rendered).
ARM_RUN = """() => {
  window.__kzRunDone = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  let started = false;
  const obs = new MutationObserver(records => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running' || records.some(r => r.oldValue === 'running')) { started = true; }
    if (started && state === 'notRunning') { obs.disconnect(); requestAnimationFrame(() => {
      window.__kzRunDone = performance.timeOrigin + performance.now(); }); }
  });
  obs.observe(app, {attributes: true, attributeOldValue: true,
                    attributeFilter: ['data-test-script-state']});
}"""

# The whole page follows: the first animation frame in which the headline names the new day.
ARM_PAGE = """label => {
  window.__kzPageDone = 0;
  const hit = () => { const el = document.querySelector('.kz-headline .kz-date');
                      return el && el.textContent === label; };
  const obs = new MutationObserver(() => {
    if (hit()) { obs.disconnect(); requestAnimationFrame(() => {
      window.__kzPageDone = performance.timeOrigin + performance.now(); }); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# Forget the days the page keeps beside the one shown: the next step is drawn by the server.
FORGET_HELD = """() => { const d = window.__kzDays;
  if (!d || !d.shown) { return; }
  for (const k of Object.keys(d.cache)) { if (k !== d.shown) { delete d.cache[k]; } }
  d.order = [d.shown]; }"""

# A day with nothing on the map (an export's empty day): the first animation frame after the
# click in which the map holds no day layer.
ARM_EMPTY = """() => { window.__kzEmptyAt = 0; window.top.__kzClick = 0;
  const check = () => {
    const clicked = window.top.__kzClick;
    let n = 0;
    map_div.eachLayer(l => { if (l.options && l.options.kzLayer) { n++; } });
    const now = performance.timeOrigin + performance.now();
    if (clicked && now > clicked && n === 0) { window.__kzEmptyAt = now; return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check); }"""

ARM_DASHBOARD = """() => { window.__kzAdds = 0; window.__kzFirstAdd = 0; window.__kzLast = 0;
  window.__kzPaint = 0; }"""

DASHBOARD_DONE = f"""() => window.__kzPaint > 0 && !window.__kzPending &&
  performance.timeOrigin + performance.now() - window.__kzLast > {QUIET_MS}"""

DASHBOARD_LAYERS = """() => { const out = [];
  map_div.eachLayer(l => { if (l.options && l.options.kzLayer) {
    out.push([l.options.kzLayer, String(l.options.kzId)]); } });
  return {layers: out, adds: window.__kzAdds, first: window.__kzFirstAdd, last: window.__kzLast,
          paint: window.__kzPaint}; }"""



def frame_heap(context: BrowserContext, page: Page) -> dict | None:
    """The page's JS heap (the page and its same-origin map frame share it) after a full
    garbage collection, and how many feature groups streamlit-folium keeps in
    window.feature_group."""
    frames = _map_frames(page)
    if not frames:
        return None
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    finally:
        cdp.detach()
    return {"heap": used,
            "groups": _eval(frames[0], "() => (window.feature_group || []).length")}


class StepTimeout(Exception):
    pass


def _poll(page: Page, probe: Callable[[], object], timeout_s: float, what: str,
          interval_ms: int = 20) -> object:
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepTimeout(f"{what}: nothing after {timeout_s:.0f} s")
        page.wait_for_timeout(interval_ms)


def _map_frames(page: Page) -> list[Frame]:
    return [f for f in page.frames if FOLIUM_URL_PART in f.url and not f.is_detached()]


def _eval(frame: Frame | Page, script: str, arg: object = None) -> object:
    """Evaluate, or None if the frame went away meanwhile (the naive map reloads its frame)."""
    try:
        return frame.evaluate(script, arg)
    except PlaywrightError:
        return None


def _frame_value(page: Page, script: str) -> object:
    for frame in _map_frames(page):
        value = _eval(frame, script)
        if value:
            return value
    return None


def first_paint(page: Page, target: Target, timeout_s: float) -> float:
    """Absolute time (ms) of the first animation frame showing the day: text or map layers."""
    if target.kind == "floor":
        probe = lambda: _eval(page, "() => window.__kzFirstPaint || 0")  # noqa: E731
    elif target.kind == "naive":
        probe = lambda: _frame_value(page, "() => window.__kzDrawn && window.__kzDrawn.t")  # noqa: E731
    else:
        probe = lambda: _frame_value(page, "() => window.__kzFirstPaint || 0")  # noqa: E731
    return float(_poll(page, probe, timeout_s, "first paint"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- one page


@dataclass
class Mark:
    sent: int
    received: int
    page: int
    cpu: float
    log: int


HOOK_DIR = REPO_ROOT / "benchmarks" / "serverhook"


def start(target: Target, args: list[str], workdir: Path,
          extra_env: dict[str, str] | None = None) -> Server:
    """`streamlit run` with benchmarks/serverhook on PYTHONPATH: every script run is timed
    into the file `server.rerun_log` (see serverhook/sitecustomize.py)."""
    handle, name = tempfile.mkstemp(prefix=f"{target.name}-", suffix=".jsonl", dir=workdir)
    os.close(handle)
    log = Path(name)
    path = os.pathsep.join(p for p in (str(HOOK_DIR), os.environ.get("PYTHONPATH")) if p)
    env = {**(extra_env or {}), "PYTHONPATH": path, "KZ_BENCH_RERUN_LOG": str(log)}
    server = start_server(target.app, args, env)
    server.rerun_log = log  # type: ignore[attr-defined]
    return server


def rerun_times(server: Server, offset: int = 0) -> list[float]:
    """Wall times (ms) of the script runs logged since byte `offset` of the server's log."""
    with open(server.rerun_log, encoding="utf-8") as log:  # type: ignore[attr-defined]
        log.seek(offset)
        return [json.loads(line)["ms"] for line in log.read().splitlines() if line.strip()]


@dataclass
class Wire:
    """The page's websocket frames: their types and sizes from Playwright's websocket events,
    their times from the page's own WebSocket wrapper (the same frames, in the same order)."""

    sent: list[tuple[str, int]] = field(default_factory=list)  # (BackMsg type, bytes)
    received: list[tuple[str, int]] = field(default_factory=list)  # (ForwardMsg type, bytes)

    def attach(self, page: Page) -> None:
        def on_websocket(ws) -> None:
            ws.on("framesent", lambda p: self.sent.append((_msg_type(p, BackMsg), _size(p))))
            ws.on("framereceived",
                  lambda p: self.received.append((_msg_type(p, ForwardMsg), _size(p))))

        page.on("websocket", on_websocket)

    def mark(self, page: Page, server: Server) -> Mark:
        return Mark(len(self.sent), len(self.received),
                    page.evaluate("() => window.__kzWire.length"),
                    cpu_seconds(server.process.pid),
                    server.rerun_log.stat().st_size)  # type: ignore[attr-defined]

    def since(self, page: Page, mark: Mark, step: Step, server: Server) -> None:
        """Fill the step's bytes, reruns, server times and the page's rerun time (request
        sent to `script_finished` handled) from what happened since the mark."""
        step.server_cpu_ms = (cpu_seconds(server.process.pid) - mark.cpu) * 1000
        runs = rerun_times(server, mark.log)
        step.server_ms = sum(runs) if runs else None
        sent, received = self.sent[mark.sent:], self.received[mark.received:]
        step.bytes = sum(n for _, n in received)
        step.reruns = sum(1 for kind, _ in sent if kind == "rerun_script")
        timed = page.evaluate("n => window.__kzWire.slice(n)", mark.page)
        page_sent = [(t, n) for d, t, n in timed if d == "s"]
        page_received = [(t, n) for d, t, n in timed if d == "r"]
        if ([n for _, n in page_sent] != [n for _, n in sent]
                or [n for _, n in page_received] != [n for _, n in received]):
            step.note = "websocket frames seen by Playwright and the page differ"
            return
        starts = [t for (t, _), (kind, _) in zip(page_sent, sent, strict=True)
                  if kind == "rerun_script"]
        if not starts:
            return
        ends = [t for (t, _), (kind, _) in zip(page_received, received, strict=True)
                if kind == "script_finished" and t >= starts[0]]
        if ends:
            step.page_rerun_ms = ends[0] - starts[0]
            step.run_end_at = ends[0]
        maps = [t for (t, _), (kind, _) in zip(page_received, received, strict=True)
                if kind == "map" and t >= starts[0]]
        if maps:
            step.map_delta_at = maps[0]


def _size(payload: bytes | str) -> int:
    return len(payload) if isinstance(payload, bytes) else len(payload.encode())


def _msg_type(payload: bytes | str, proto) -> str:
    """The message's type; "map" for the delta that carries the st_folium component."""
    try:
        raw = payload if isinstance(payload, bytes) else payload.encode()
        msg = proto.FromString(raw)
        kind = msg.WhichOneof("type") or ""
        if (kind == "delta" and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "component_instance"
                and "st_folium" in msg.delta.new_element.component_instance.component_name):
            return "map"
        return kind
    except Exception:  # noqa: BLE001 - a frame we cannot read is counted, not typed
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_page(browser: Browser, target: Target) -> tuple[BrowserContext, Page]:
    width, height = DEFAULT_VIEWPORT
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(PROBE_JS % {"kind": json.dumps(target.kind)})
    return context, context.new_page()


def open_app(page: Page, server: Server, target: Target, timeout_s: float) -> float:
    """Navigate; return ms from navigation start to the first paint of the day."""
    page.goto(server.url, timeout=timeout_s * 1000)
    painted = first_paint(page, target, timeout_s)
    origin = page.evaluate("() => performance.timeOrigin")
    wait_for_app(page, timeout_ms=int(timeout_s * 1000))
    return painted - origin


# --------------------------------------------------------------------------- expected map


def expected_layers(data_dir: Path) -> dict[date, list[tuple[str, str]]]:
    """Per day, the (layer, id) of every feature the dashboard should draw (all layers on)."""
    scenario = load_scenario(data_dir)
    out = {}
    for day in scenario.days:
        state = as_of(scenario, day)
        out[day] = sorted((key, str(f["properties"]["id"])) for key in LAYER_KEYS
                          for f in layer_features(state, scenario, key))
    return out


def expected_naive_counts() -> dict[date, int]:
    """Per day, the markers the naive map should hold: every place and every event."""
    scenario = load_scenario(DEFAULT_DATA_DIR)
    return {day: len(as_of(scenario, day).places) + len(as_of(scenario, day).events)
            for day in scenario.days}


# --------------------------------------------------------------------------- the steps


@dataclass
class Step:
    number: int
    day: str
    ms: float | None = None
    server_ms: float | None = None  # wall time of the step's script run(s) in the server
    page_rerun_ms: float | None = None  # rerun request sent -> script_finished handled (page)
    map_delta_at: float | None = None  # when the page got the map's delta (absolute, ms)
    to_map_delta_ms: float | None = None  # click -> the map's delta handled by the page
    server_cpu_ms: float | None = None  # CPU time of the server process during the step
    long_tasks_ms: float | None = None  # main-thread tasks over 50 ms during the step
    bytes: int = 0
    reruns: int = 0
    valid: bool | None = None
    note: str = ""
    layer_span_ms: float | None = None  # first to last day layer added in the step
    page_ms: float | None = None  # click -> the whole page shows the new day (its headline)
    run_ms: float | None = None  # click -> the step's run ended and its page was drawn
    run_end_at: float | None = None  # when the page got script_finished (absolute, ms)


def run_steps(browser: Browser, server: Server, target: Target, cfg: Settings,
              expected: dict | None, log: Callable[[str], None]) -> dict:
    context, page = new_page(browser, target)
    wire = Wire()
    wire.attach(page)
    steps: list[Step] = []
    heap: list[dict | None] = []
    try:
        open_app(page, server, target, cfg.load_timeout_s)
        if target.kind == "dashboard":
            heap.append(frame_heap(context, page))
        # The scenario's days (an imported export has its own), else the bundled 2-10 January.
        days = sorted(expected) if target.kind == "dashboard" and expected else DAYS
        index, direction = 0, 1
        started = time.monotonic()
        total = cfg.warmup + cfg.steps
        timeouts = 0
        for number in range(total):
            if number >= cfg.warmup and time.monotonic() - started > cfg.step_budget_s:
                log(f"  step budget of {cfg.step_budget_s:.0f} s used up after "
                    f"{len(steps)} measured steps")
                break
            if not 0 <= index + direction < len(days):
                direction = -direction
            new_index = index + direction
            day = days[new_index]
            step = Step(number - cfg.warmup + 1, day.isoformat())
            try:
                _one_step(page, server, target, day, direction, wire, step, expected, cfg)
                index = new_index
            except (StepTimeout, PlaywrightError) as exc:
                timeouts += 1
                step.note = f"timeout: {str(exc).splitlines()[0][:120]}"
                log(f"  step {step.number}: {step.note}")
                index, direction = _recover(page, server, target, day, days, cfg)
            if number >= cfg.warmup:
                steps.append(step)
            if timeouts >= 3:
                log("  three steps timed out: stopping this target's steps")
                break
        if target.kind == "dashboard":
            heap.append(frame_heap(context, page))
    finally:
        context.close()
    return {"steps": steps, "frame_heap": heap}


def _one_step(page: Page, server: Server, target: Target, day: date, direction: int,
              wire: Wire, step: Step, expected: dict | None, cfg: Settings) -> None:
    frame = _map_frames(page)[0] if target.kind == "dashboard" else None
    if target.kind == "floor":
        page.evaluate(ARM_FLOOR, day_label(day))
    elif frame is not None:
        frame.evaluate(ARM_DASHBOARD)
        page.evaluate(ARM_PAGE, day_label(day))
        empty_day = expected is not None and not expected[day]
        if empty_day:
            frame.evaluate(ARM_EMPTY)
        if not target.held:
            frame.evaluate(FORGET_HELD)
    if target.kind in ("floor", "dashboard"):
        page.evaluate(ARM_RUN)
    mark = wire.mark(page, server)
    # A CSS locator on the few buttons: a role locator would compute accessible names over
    # the whole page on its main thread, which is heavy with 11,000 events in the day panel.
    page.locator("button", has_text=NEXT if direction > 0 else PREVIOUS).click(
        timeout=cfg.step_timeout_s * 1000)
    timeout = cfg.step_timeout_s
    if target.kind == "floor":
        done = _poll(page, lambda: _eval(page, "() => window.__kzDone || 0"), timeout, "text")
        step.valid = True  # the probe matched the new day's exact text
    elif target.kind == "naive":
        drawn = _poll(page, lambda: _frame_value(
            page, f"() => window.__kzDrawn && window.__kzDrawn.day === '{day.isoformat()}' "
                  "&& window.__kzDrawn"), timeout, "naive map")
        done = drawn["t"]  # type: ignore[index]
        if expected is not None:
            step.valid = drawn["count"] == expected[day]  # type: ignore[index]
    elif empty_day:  # nothing to draw: done in the first frame the map holds no day layer
        assert frame is not None and expected is not None
        done = _poll(page, lambda: _frame_value(page, "() => window.__kzEmptyAt || 0"),
                     timeout, "empty map")
        on_map = [(k, i) for k, i in frame.evaluate(DASHBOARD_LAYERS)["layers"]
                  if k in LAYER_KEYS]
        step.valid = on_map == []
    else:
        assert frame is not None
        frame.wait_for_function(DASHBOARD_DONE, timeout=timeout * 1000, polling=50)
        seen = frame.evaluate(DASHBOARD_LAYERS)
        done = seen["paint"]
        step.layer_span_ms = seen["last"] - seen["first"]
        # Only the scenario's day layers: any other layer (none by default) is not compared.
        on_map = sorted((k, i) for k, i in seen["layers"] if k in LAYER_KEYS)
        counted = seen["adds"] == len(seen["layers"])
        step.valid = counted and (expected is None or on_map == expected[day])
        if not step.valid:
            step.note = (f"adds {seen['adds']}, on map {len(seen['layers'])}, "
                         f"expected {len(expected[day]) if expected else '?'}")
    wait_for_app(page, timeout_ms=int(cfg.step_timeout_s * 1000))
    clicked = page.evaluate("() => window.__kzClick")
    step.ms = float(done) - float(clicked)  # type: ignore[arg-type]
    if target.kind == "floor":
        step.page_ms = step.ms
    elif target.kind == "dashboard":
        page_done = _poll(page, lambda: _eval(page, "() => window.__kzPageDone || 0"),
                          timeout, "headline")
        step.page_ms = float(page_done) - float(clicked)  # type: ignore[arg-type]
    wire.since(page, mark, step, server)
    if target.kind in ("floor", "dashboard"):
        # wait_for_app saw the run end; when the page went from running to notRunning within
        # one of its renders the attribute never showed running, and the run's end is the
        # page's receipt of script_finished instead.
        run_done = page.evaluate("() => window.__kzRunDone || 0") or step.run_end_at
        if run_done:
            step.run_ms = float(run_done) - float(clicked)  # type: ignore[arg-type]
    if step.map_delta_at is not None:
        step.to_map_delta_ms = step.map_delta_at - float(clicked)
    step.long_tasks_ms = page.evaluate(
        "t => window.__kzLong.filter(([s]) => s >= t).reduce((a, [, d]) => a + d, 0)", clicked)


def _recover(page: Page, server: Server, target: Target, day: date, days: list[date],
             cfg: Settings) -> tuple[int, int]:
    """After a timeout: reload the page on a known day and carry on from there."""
    url = server.url + (f"/?day={day.isoformat()}" if target.kind == "dashboard" else "")
    try:
        page.goto(url, timeout=cfg.load_timeout_s * 1000)
        first_paint(page, target, cfg.load_timeout_s)
        wait_for_app(page, timeout_ms=int(cfg.load_timeout_s * 1000))
    except (StepTimeout, PlaywrightError):
        pass
    if target.kind == "dashboard":
        index = days.index(day)
        return index, (1 if index < len(days) - 1 else -1)
    return 0, 1


# --------------------------------------------------------------------------- cold start, memory


def cold_starts(browser: Browser, server: Server, target: Target, cfg: Settings,
                log: Callable[[str], None]) -> list[float | None]:
    """First visit after the server started, then visits from new browser contexts."""
    out: list[float | None] = []
    for _ in range(cfg.cold_runs):
        context, page = new_page(browser, target)
        try:
            out.append(open_app(page, server, target, cfg.load_timeout_s))
        except (StepTimeout, PlaywrightError) as exc:
            log(f"  cold start failed: {str(exc).splitlines()[0][:160]}")
            out.append(None)
        finally:
            context.close()
    return out


def proc_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def session_memory(browser: Browser, target: Target, args: list[str], cfg: Settings,
                   workdir: Path, log: Callable[[str], None]) -> dict:
    """A fresh server; open 1, then 10, then 30 sessions (one browser context each)."""
    server = start(target, args, workdir, cfg.server_env)
    contexts: list[BrowserContext] = []
    result: dict = {"idle": proc_memory(server.process.pid), "sessions": {}}
    try:
        for wanted in cfg.sessions:
            pages = []
            while len(contexts) < wanted:
                context, page = new_page(browser, target)
                contexts.append(context)
                page.goto(server.url, wait_until="commit", timeout=cfg.load_timeout_s * 1000)
                pages.append(page)
            for page in pages:  # loaded together, then each one waited for
                first_paint(page, target, cfg.load_timeout_s * 3)
                wait_for_app(page, timeout_ms=int(cfg.load_timeout_s * 3000))
            time.sleep(1.0)
            result["sessions"][str(wanted)] = proc_memory(server.process.pid)
    except (StepTimeout, PlaywrightError) as exc:
        log(f"  sessions: {str(exc).splitlines()[0][:160]}")
        result["error"] = str(exc).splitlines()[0]
    finally:
        for context in contexts:
            context.close()
        server.stop()
    return result


# --------------------------------------------------------------------------- many viewers


class RssSampler:
    """Samples the resident memory of a process and its descendants every `interval_s` in a
    thread of its own; `peak_kb` is the highest reading."""

    def __init__(self, pid: int, interval_s: float = 0.25):
        self.pid, self.interval_s, self.peak_kb = pid, interval_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def run_load_target(target: Target, cfg: Settings, workdir: Path,
                    log: Callable[[str], None]) -> dict:
    """`cfg.load_sessions` viewers on one fresh server: they open their pages (each on another
    starting day, OPENING_TOGETHER at a time), then all step at once, `cfg.load_steps` steps
    each; every page is checked to end on its own day (harness.run_load)."""
    views = expected_views(DEFAULT_DATA_DIR)
    plans = load_plans(cfg.load_sessions, cfg.load_steps, sorted(views))
    result: dict = {"name": target.name, "kind": target.kind, "app": target.app,
                    "events": len(load_scenario(DEFAULT_DATA_DIR).events), "steps": []}
    began = time.monotonic()
    server = start(target, [], workdir, cfg.server_env)
    pid = server.process.pid
    memory: dict = {"idle": proc_memory(pid), "idle_tree_kb": tree_rss_kb(pid)}
    cpu_before = cpu_seconds(pid)
    log(f"  {cfg.load_sessions} sessions, {cfg.load_steps} steps each")
    try:
        with RssSampler(pid) as sampler:
            def after_wave(index: int, done: list[SessionOutcome]) -> None:
                memory["open_tree_kb"] = tree_rss_kb(pid)

            waves = run_load(
                server.url, [plans], views,
                timeout_s=cfg.load_timeout_s * 2 + cfg.step_timeout_s * cfg.load_steps + 60,
                open_timeout_s=cfg.load_timeout_s * 2, step_timeout_s=cfg.step_timeout_s,
                opening_together=OPENING_TOGETHER, after_wave=after_wave)
        memory["peak_tree_kb"] = sampler.peak_kb
        memory["end"] = proc_memory(pid)
        result["server_cpu_s"] = cpu_seconds(pid) - cpu_before
        result["server_runs_ms"] = rerun_times(server)
        result["server_alive"] = server.process.poll() is None
    finally:
        server.stop()
    outcomes = waves[0].sessions
    problems = {o.number: o.problems(views) for o in outcomes}
    result["load"] = {
        "sessions": cfg.load_sessions,
        "steps_per_session": cfg.load_steps,
        "opening_together": OPENING_TOGETHER,
        "planned_steps": sum(len(p.moves) for p in plans),
        "steps_done": sum(o.steps_done for o in outcomes),
        "sessions_with_problems": sum(1 for found in problems.values() if found),
        "problems": [p for found in problems.values() for p in found][:50],
        "open_ms": [o.open_ms for o in outcomes],
        "step_ms": [ms for o in outcomes for ms in o.step_ms],
        "sessions_detail": [{"start": o.plan.start.isoformat(),
                             "expected": o.expected.isoformat(), "open_ms": o.open_ms,
                             "step_ms": o.step_ms, "errors": o.errors} for o in outcomes],
        "memory": memory,
        "wall_s": waves[0].seconds,
    }
    if any(problems.values()):
        log(f"  {result['load']['sessions_with_problems']} session(s) with problems, e.g. "
            f"{result['load']['problems'][0]}")
    result["seconds"] = time.monotonic() - began
    return result


def summarise_load(result: dict) -> dict:
    load = result.get("load") or {}
    steps = load.get("step_ms") or []
    opens = [ms for ms in load.get("open_ms") or [] if ms is not None]
    runs = result.get("server_runs_ms") or []
    memory = load.get("memory") or {}
    return {
        "sessions": load.get("sessions"),
        "steps_done": load.get("steps_done"),
        "planned_steps": load.get("planned_steps"),
        "sessions_with_problems": load.get("sessions_with_problems"),
        "open_median": median(opens),
        "open_p95": percentile(opens, 95),
        "step_median": median(steps),
        "step_p95": percentile(steps, 95),
        "server_run_median": median(runs),
        "server_run_p95": percentile(runs, 95),
        "server_runs": len(runs),
        "server_cpu_s": result.get("server_cpu_s"),
        "rss_idle_mb": (memory.get("idle_tree_kb") or 0) / 1024 or None,
        "rss_open_mb": (memory.get("open_tree_kb") or 0) / 1024 or None,
        "rss_peak_mb": (memory.get("peak_tree_kb") or 0) / 1024 or None,
        "vmhwm_mb": ((memory.get("end") or {}).get("VmHWM") or 0) / 1024 or None,
        "wall_s": load.get("wall_s"),
    }


# --------------------------------------------------------------------------- one target


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_target(browser: Browser, target: Target, data_dir: Path | None, cfg: Settings,
               workdir: Path, log: Callable[[str], None]) -> dict:
    args = ["--data", str(data_dir)] if data_dir is not None else []
    result: dict = {"name": target.name, "kind": target.kind, "app": target.app,
                    "synthetic_events": target.synthetic}
    began = time.monotonic()
    if target.kind == "dashboard":
        expected = expected_layers(data_dir or DEFAULT_DATA_DIR)
        result["events"] = len(load_scenario(data_dir or DEFAULT_DATA_DIR).events)
    elif target.kind == "naive":
        expected = expected_naive_counts()
        result["events"] = len(load_scenario(DEFAULT_DATA_DIR).events)
    else:
        expected = None
    server = start(target, args, workdir, cfg.server_env)
    try:
        log(f"  cold start ({cfg.cold_runs} visits)")
        result["cold_ms"] = cold_starts(browser, server, target, cfg, log)
        log(f"  {cfg.steps} steps (+{cfg.warmup} warm-up)")
        ran = run_steps(browser, server, target, cfg, expected, log)
        result["server_rss_after_steps_kb"] = proc_memory(server.process.pid)
        result["first_run_ms"] = (rerun_times(server) or [None])[0]
    finally:
        server.stop()
    steps: list[Step] = ran["steps"]
    result["steps"] = [vars(s) for s in steps]
    result["frame_heap"] = ran["frame_heap"]
    counts = target.session_counts(cfg.sessions)
    if target.sessions and counts:
        log(f"  memory with {', '.join(map(str, counts))} sessions")
        result["memory"] = session_memory(browser, target, args,
                                          replace(cfg, sessions=counts), workdir, log)
    result["seconds"] = time.monotonic() - began
    return result


def summarise(result: dict) -> dict:
    steps = result["steps"]
    ms = [s["ms"] for s in steps if s["ms"] is not None]
    server = [s["server_ms"] for s in steps if s["server_ms"] is not None]
    cpu = [s["server_cpu_ms"] for s in steps
           if s["ms"] is not None and s["server_cpu_ms"] is not None]
    page_rerun = [s["page_rerun_ms"] for s in steps if s["page_rerun_ms"] is not None]
    to_map = [s["to_map_delta_ms"] for s in steps if s["to_map_delta_ms"] is not None]
    whole = [s.get("page_ms") for s in steps if s.get("page_ms") is not None]
    ended = [s.get("run_ms") for s in steps if s.get("run_ms") is not None]
    long_tasks = [s["long_tasks_ms"] for s in steps if s["long_tasks_ms"] is not None]
    sizes = [s["bytes"] for s in steps if s["ms"] is not None]
    cold = result.get("cold_ms") or []
    return {
        "n": len(ms),
        "timeouts": sum(1 for s in steps if s["ms"] is None),
        "invalid": sum(1 for s in steps if s["valid"] is False),
        "median": median(ms),
        "p95": percentile(ms, 95),
        "page_median": median(whole),
        "page_p95": percentile(whole, 95),
        "run_median": median(ended),
        "run_p95": percentile(ended, 95),
        "server_median": median(server),
        "server_p95": percentile(server, 95),
        "cpu_median": median(cpu),
        "page_rerun_median": median(page_rerun),
        "to_map_median": median(to_map),
        "page_rerun_p95": percentile(page_rerun, 95),
        "long_median": median(long_tasks),
        "long_p95": percentile(long_tasks, 95),
        "kb_median": statistics.median(sizes) / 1024 if sizes else None,
        "kb_max": max(sizes) / 1024 if sizes else None,
        "cold_first": cold[0] if cold else None,
        "cold_later": (statistics.median([c for c in cold[1:] if c is not None])
                       if any(c is not None for c in cold[1:]) else None),
        "extra_reruns": sum(max(0, s["reruns"] - 1) for s in steps),
    }


# --------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


# The goals, each a figure of one target measured against the floor's in the same run (or
# against a fixed limit). Printed beside the figures, never asserted.
# (target, figure, summary key, floor key or None, ratio or None, limit in ms or None, text)
GOALS = (
    ("dashboard", "map drawn", "median", "median", 1.0, None, "≤ 1× floor"),
    ("dashboard-acled-1k", "map drawn", "median", "median", 1.0, None, "≤ 1× floor"),
    ("dashboard-acled-10k", "map drawn", "median", "median", 1.0, None, "≤ 1× floor"),
    ("dashboard", "whole page follows", "page_median", "median", 2.0, None, "≤ 2× floor"),
    ("dashboard", "step's run ends", "run_median", "run_median", 2.0, None, "≤ 2× floor"),
    ("dashboard-acled-10k", "whole page follows", "page_median", "median", 3.0, None,
     "≤ 3× floor"),
    ("dashboard-acled-10k", "step's run ends", "run_median", "run_median", 3.0, None,
     "≤ 3× floor"),
    ("dashboard-acled-100k", "whole page follows, p95", "page_p95", None, None, 1000.0,
     "< 1 s at p95"),
    ("dashboard-acled-100k", "map drawn, p95", "p95", None, None, 1000.0, "< 1 s at p95"),
    ("dashboard", "first paint", "cold_later", "cold_later", 1.5, None, "≤ 1.5× floor's"),
    ("dashboard-acled-10k", "first paint", "cold_later", "cold_later", 1.5, None,
     "≤ 1.5× floor's"),
)
# "usable" (the step table's goal column for the largest targets): every step drew the new
# day's map, and in 95 % of the steps the map was drawn and the page had handled the whole
# rerun within 2 s.
USABLE = ("dashboard-100k", "dashboard-acled-100k", "dashboard-acled-1m")
USABLE_P95_MS = 2000


def _goal(name: str, summary: dict, floor: float | None) -> tuple[str, str]:
    """The step table's goal column: map drawn against the floor, or "usable"."""
    if name in USABLE:
        ok = (summary["timeouts"] == 0 and summary["invalid"] == 0
              and summary["p95"] is not None and summary["p95"] < USABLE_P95_MS
              and (summary["page_rerun_p95"] or 0) < USABLE_P95_MS)
        return "usable", "met" if ok else "not met"
    goal = next((g for g in GOALS if g[0] == name and g[2] == "median"), None)
    if goal is None:
        return "", ""
    if summary["median"] is None:
        return goal[6], "not met (no step completed)"
    if floor is None:
        return goal[6], "? (no floor)"
    return goal[6], "met" if summary["median"] <= goal[4] * floor else "not met"


def goal_lines(summaries: dict) -> list[str]:
    """One line per goal whose target ran: the figure, its ratio to the floor's, the verdict."""
    floor = summaries.get("floor", {})
    rows = []
    for target, figure, key, floor_key, ratio, limit, text in GOALS:
        s = summaries.get(target)
        if s is None:
            continue
        value = s.get(key)
        if value is None:
            rows.append(f"| {target} | {figure} | — | — | {text} | not met (no figure) |")
            continue
        if limit is not None:
            rows.append(f"| {target} | {figure} | {value:,.0f} ms | — | {text} | "
                        f"{'met' if value < limit else 'not met'} |")
            continue
        base = floor.get(floor_key)
        if not base:
            rows.append(f"| {target} | {figure} | {value:,.0f} ms | — | {text} | ? (no floor) |")
            continue
        verdict = "met" if value <= ratio * base else "not met"
        rows.append(f"| {target} | {figure} | {value:,.0f} ms | {value / base:.2f}× "
                    f"({base:,.0f} ms) | {text} | {verdict} |")
    if not rows:
        return []
    return ["", "Goals, each against the floor measured in this run (floor: its step median; "
            "for first paint, its cold visits' median):", "",
            "| target | figure | value | × floor (floor) | goal | verdict |",
            "|---|---|--:|--:|---|---|", *rows]


def report(results: list[dict], machine: dict, elapsed_s: float, cfg: Settings) -> str:
    loads = [r for r in results if r["kind"] == "load"]
    results = [r for r in results if r["kind"] != "load"]
    summaries = {r["name"]: summarise(r) for r in results}
    floor = summaries.get("floor", {}).get("median")
    lines = [
        f"# Benchmark run {machine['date']}",
        "",
        f"Machine: {machine['cpus']} cores ({machine['cpu']}), {machine['memory_gb']} GB RAM, "
        f"{machine['os']}; Python {machine['python']}, Streamlit {machine['streamlit']}, "
        f"streamlit-folium {machine['streamlit_folium']}, Chromium {machine['chromium']} "
        f"(headless). Code: {machine['commit']}.",
        f"Settings: {cfg.steps} measured steps per target (+{cfg.warmup} warm-up), "
        f"{cfg.cold_runs} cold visits, step timeout {cfg.step_timeout_s:.0f} s, step budget "
        f"{cfg.step_budget_s:.0f} s per target"
        + (f", server environment {cfg.server_env}" if cfg.server_env else "")
        + (f", load: {cfg.load_sessions} sessions × {cfg.load_steps} steps" if loads else "")
        + f". Whole run: {elapsed_s / 60:.1f} min.",
    ]
    if results:
        lines += _step_table(results, summaries, floor)
        lines += goal_lines(summaries)
    if loads:
        lines += _load_table(loads)
    memory = [r for r in results if r.get("memory")]
    if memory:
        counts = sorted({int(n) for r in memory for n in r["memory"]["sessions"]}
                        | set(cfg.sessions))
        lines += ["", "Server memory (MB): RSS after all sessions drew their page / peak "
                  "(VmHWM) so far, fresh server per target.", "",
                  "| target | idle | " + " | ".join(f"{n} session{'s' * (n > 1)}"
                                                    for n in counts) + " |",
                  "|---|--:|" + "--:|" * len(counts)]
        for result in memory:
            mem = result["memory"]
            cells = []
            for n in counts:
                got = mem["sessions"].get(str(n))
                cells.append(f"{got['VmRSS'] / 1024:.0f} / {got['VmHWM'] / 1024:.0f}"
                             if got else "—")
            idle = mem["idle"]["VmRSS"] / 1024
            lines.append(f"| {result['name']} | {idle:.0f} | " + " | ".join(cells) + " |")
            if mem.get("error"):
                lines.append(f"|  | ({mem['error'][:80]}) |" + " |" * len(counts))
    notes = []
    for result in results + loads:
        s = summaries.get(result["name"])
        if s and s["extra_reruns"]:
            notes.append(f"- {result['name']}: {s['extra_reruns']} step(s) asked for more "
                         "than one rerun.")
        for step in result["steps"]:
            if step["note"]:
                notes.append(f"- {result['name']} step {step['number']} ({step['day']}): "
                             f"{step['note']}")
        if result.get("error"):
            notes.append(f"- {result['name']}: {result['error']}")
        for problem in (result.get("load") or {}).get("problems", [])[:10]:
            notes.append(f"- {result['name']}: session {problem}")
        heap = result.get("frame_heap") or []
        if len(heap) == 2 and all(h and h["heap"] for h in heap):
            before, after = heap
            notes.append(
                f"- {result['name']}: page JS heap after a full GC "
                f"{before['heap'] / 2**20:.1f} MB before the steps, "
                f"{after['heap'] / 2**20:.1f} MB after {cfg.warmup + len(result['steps'])} "
                "steps; "
                f"window.feature_group held {before['groups']} groups, then {after['groups']}.")
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def _step_table(results: list[dict], summaries: dict, floor: float | None) -> list[str]:
    lines = [
        "",
        "Times in ms, medians unless marked p95. step: click to the new day drawn (text, or "
        "map layers) · page: click to the whole page showing the new day (its headline) · run"
        " end: click to the first frame after the step's run ended (every message received "
        "and rendered) · map delta: click to the map's message handled by the page · server "
        "run: wall time of the step's script run in the server · server CPU: CPU time of the "
        "server process per step · page rerun: rerun request sent to `script_finished` "
        "handled by the page · long tasks: main-thread tasks over 50 ms per step · KB/step: "
        "websocket payload received per step (KB = 1024 bytes) · cold: navigation to the "
        "first paint of the day (first: first visit after the server started; then the median"
        " of new browser contexts). benchmarks/README.md has the details.",
        "",
        "| target | events | steps | step median | step p95 | × floor | goal | page | "
        "page p95 | run end | run end p95 | map delta | "
        "server run | server run p95 | server CPU | page rerun | long tasks | KB/step | "
        "cold first | cold |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results:
        s = summaries[result["name"]]
        ratio = (f"{s['median'] / floor:.2f}" if floor and s["median"] is not None else "—")
        goal, verdict = _goal(result["name"], s, floor)
        steps = f"{s['n']}" + (f" ({s['timeouts']} timed out)" if s["timeouts"] else "")
        if s["invalid"]:
            steps += f" ({s['invalid']} invalid)"
        events = result.get("events")
        lines.append(
            f"| {result['name']} | {'—' if events is None else f'{events:,}'} | {steps} | "
            f"{_ms(s['median'])} | {_ms(s['p95'])} | {ratio} | "
            f"{goal + ': ' + verdict if goal else ''} | {_ms(s.get('page_median'))} | "
            f"{_ms(s.get('page_p95'))} | {_ms(s.get('run_median'))} | "
            f"{_ms(s.get('run_p95'))} | {_ms(s['to_map_median'])} | "
            f"{_ms(s['server_median'])} | "
            f"{_ms(s['server_p95'])} | {_ms(s['cpu_median'])} | "
            f"{_ms(s['page_rerun_median'])} | {_ms(s['long_median'])} | "
            f"{_num(s['kb_median'])} | {_ms(s['cold_first'])} | {_ms(s['cold_later'])} |")
    return lines


def _load_table(loads: list[dict]) -> list[str]:
    lines = [
        "",
        "Many viewers: concurrent sessions on one fresh server (bundled data), each opening "
        "another starting day (a few pages at a time), then all stepping at once; every "
        "session checked to end on its own day. Times in ms: open: navigation to the day "
        "drawn · step: click to the new day drawn (slider, headline and map layers), under "
        "the load of all the others · server run: every script run in the server during the "
        "load · server CPU: the server process's CPU seconds in all · RSS (MB) of the server "
        "and its children: idle, with every session open, and the highest sampled every "
        "0.25 s; VmHWM: the server's own peak. Chromium drives every page on the same "
        "machine, so under load it competes with the server for the cores.",
        "",
        "| target | sessions | steps done | sessions with errors | open median | open p95 | "
        "step median | step p95 | server run | server run p95 | server CPU s | RSS idle | "
        "RSS all open | RSS peak | VmHWM | wall s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in loads:
        if not result.get("load"):
            lines.append(f"| {result['name']} | failed: {result.get('error', '?')[:120]} |")
            continue
        s = summarise_load(result)
        lines.append(
            f"| {result['name']} | {s['sessions']} | {s['steps_done']} of "
            f"{s['planned_steps']} | {s['sessions_with_problems']} | "
            f"{_ms(s['open_median'])} | {_ms(s['open_p95'])} | {_ms(s['step_median'])} | "
            f"{_ms(s['step_p95'])} | {_ms(s['server_run_median'])} | "
            f"{_ms(s['server_run_p95'])} | {_num(s['server_cpu_s'])} | "
            f"{_ms(s['rss_idle_mb'])} | {_ms(s['rss_open_mb'])} | {_ms(s['rss_peak_mb'])} | "
            f"{_ms(s['vmhwm_mb'])} | {_num(s['wall_s'], 0)} |")
    return lines


def machine_info(browser_version: str) -> dict:
    from importlib.metadata import version

    import streamlit
    import streamlit_folium  # noqa: F401

    cpu = "unknown CPU"
    memory_kb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "dashboard", "benchmarks")
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit + (" + uncommitted changes in dashboard/ or benchmarks/"
                            if dirty else ""),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 2**20, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "streamlit_folium": version("streamlit-folium"),
        "chromium": browser_version,
    }


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the dashboard against a floor "
                                     "and a naive baseline, side by side.")
    parser.add_argument("--quick", action="store_true",
                        help="8 steps, 2 cold visits, 1 and 10 sessions: a few minutes")
    parser.add_argument("--steps", type=int, help="measured steps per target (default 30)")
    parser.add_argument("--only", action="append", default=[],
                        help="comma-separated target names: "
                             + ", ".join(t.name for t in TARGETS))
    parser.add_argument("--sessions", help="session counts for the memory figures, e.g. "
                        "1,10,30 (0: skip)")
    parser.add_argument("--step-timeout", type=float, default=60.0,
                        help="seconds before a step counts as timed out")
    parser.add_argument("--step-budget", type=float,
                        help="seconds of stepping per target before it stops early")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment for every `streamlit run`, e.g. "
                             "STREAMLIT_RUNNER_POST_SCRIPT_GC=false (repeatable)")
    parser.add_argument("--load", type=int, metavar="N",
                        help="concurrent sessions for the `load` target (default 30, "
                             "--quick 10)")
    parser.add_argument("--load-steps", type=int, metavar="N",
                        help="steps per session for the `load` target (default 5, --quick 3)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = [n.strip() for chunk in args.only for n in chunk.split(",") if n.strip()]
    unknown = set(wanted) - {t.name for t in TARGETS}
    if unknown:
        print(f"unknown target(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    targets = [t for t in TARGETS if not wanted or t.name in wanted]
    sessions = ((1, 10) if args.quick else (1, 10, 30)) if args.sessions is None else tuple(
        int(n) for n in args.sessions.split(",") if int(n) > 0)
    cfg = Settings(
        steps=args.steps or (8 if args.quick else 30),
        warmup=1 if args.quick else 2,
        cold_runs=2 if args.quick else 3,
        sessions=sessions,
        step_timeout_s=args.step_timeout,
        step_budget_s=args.step_budget or (60.0 if args.quick else 240.0),
        load_timeout_s=120.0,
        server_env=dict(item.split("=", 1) for item in args.server_env if "=" in item),
        load_sessions=args.load or (10 if args.quick else 30),
        load_steps=args.load_steps or (3 if args.quick else 5),
    )

    began = time.monotonic()

    def log(text: str) -> None:
        print(f"[{time.monotonic() - began:6.0f} s] {text}", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-"))
    results = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            machine = machine_info(browser.version)
            for target in targets:
                log(f"{target.name}: {target.app}")
                data_dir = None
                try:
                    if target.synthetic:
                        data_dir = workdir / f"geodata-{target.synthetic}"
                        base = len(load_scenario(DEFAULT_DATA_DIR).events)
                        generate(target.synthetic, data_dir)
                        check(data_dir, base + target.synthetic)
                        log(f"  generated {target.synthetic:,} synthetic events in {data_dir}")
                    if target.acled:
                        data_dir = workdir / f"acled-{target.acled}"
                        acled_scenario(target.acled, data_dir)
                        acled_check(data_dir, target.acled)
                        log(f"  imported an ACLED-shaped export of {target.acled:,} events "
                            f"into {data_dir}")
                    if target.kind == "load":
                        results.append(run_load_target(target, cfg, workdir, log))
                    else:
                        results.append(
                            run_target(browser, target, data_dir, cfg, workdir, log))
                except Exception as exc:  # noqa: BLE001 - one target's failure is a result
                    log(f"  failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                    results.append({"name": target.name, "kind": target.kind, "steps": [],
                                    "error": f"{type(exc).__name__}: {exc}"[:500]})
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - began
    text = report(results, machine, elapsed, cfg)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(text, encoding="utf-8")
    (args.out / "latest.json").write_text(json.dumps(
        {"machine": machine, "settings": vars(cfg), "elapsed_s": elapsed,
         "summaries": {r["name"]: summarise_load(r) if r["kind"] == "load" else summarise(r)
                       for r in results}, "results": results},
        indent=1, default=str), encoding="utf-8")
    print()
    print(text)
    print(f"written: {args.out / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
