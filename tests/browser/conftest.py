"""Reusable Playwright harness for driving `streamlit run` in a real (headless) Chromium.

Fixtures
    browser            session   one headless Chromium (Debian's, see `chromium_path()`)
    streamlit_server   session   factory: ``start(app=..., args=(), env=None) -> Server``
    app_server         session   the default app (dashboard/app.py), started once
    page               function  a fresh context + page; ``page.requests`` lists every URL

Helpers live in harness/browser.py (shared with benchmarks/) and are re-exported here:
    chromium_path, external_requests, wait_for_app, map_frame, Server

Marker
    ``@pytest.mark.viewport(width, height)`` overrides the default 1400x900 viewport.

Streamlit logs go to ``test-artifacts/streamlit-*.log``; a failing test leaves a screenshot
in ``test-artifacts/failures/<test name>.png``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from harness.browser import (  # noqa: F401 - re-exported for the tests
    ARTIFACTS,
    DEFAULT_APP,
    DEFAULT_VIEWPORT,
    FAILURES,
    Server,
    ServerError,
    chromium_path,
    external_requests,
    launch_chromium,
    map_frame,
    start_server,
    wait_for_app,
)

# --------------------------------------------------------------------------- pytest hooks


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "viewport(width, height): browser viewport for the `page` fixture"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/browser/ carries the project's `browser` marker."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --------------------------------------------------------------------------- fixtures

StartServer = Callable[..., Server]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            instance = launch_chromium(playwright)
        except FileNotFoundError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[StartServer]:
    """Factory: ``start(app="dashboard/app.py", args=(), env=None) -> Server``.

    Each call starts a new server on a free port; all are stopped at session end.
    `app` is relative to the repository root (or absolute); `args` go after ``--``
    to the script; `env` is merged over os.environ.
    """
    servers: list[Server] = []

    def start(
        app: str = DEFAULT_APP,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> Server:
        try:
            return start_server(str(app), args, env, servers)
        except ServerError as exc:
            pytest.fail(str(exc), pytrace=False)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def app_server(streamlit_server: StartServer) -> Server:
    """The default app, started once per session."""
    return streamlit_server()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else DEFAULT_VIEWPORT
    context = browser.new_context(viewport={"width": width, "height": height})
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    new_page = context.new_page()
    new_page.requests = requests  # type: ignore[attr-defined]
    try:
        yield new_page
    finally:
        failed = any(
            getattr(request.node, f"rep_{when}", None) is not None
            and getattr(request.node, f"rep_{when}").failed
            for when in ("setup", "call")
        )
        if failed:
            FAILURES.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.\-\[\]]+", "_", request.node.name)
            try:
                new_page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
            except Exception as exc:  # noqa: BLE001 - a screenshot must not mask the failure
                print(f"could not save failure screenshot: {exc}", file=sys.stderr)
        context.close()


def open_exported_file(browser: Browser, path: Path) -> tuple:
    """An exported day's HTML opened from disk in a fresh context, its map drawn: (context,
    page, every request's URL, the page's script errors)."""
    from dashboard import frames

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function(frames.DRAWN)
    return context, page, requests, errors


# A page file mounted in a bare page (no Streamlit) as Streamlit mounts a v2 component: its
# default export is called with the host element, the data and the setters; `render(data)`
# calls it again, as a rerun does, and `sent` holds the triggers it sent ([name, value]).
MOUNT_COMPONENT = """async ([code, name, data]) => {
  const url = 'data:text/javascript;charset=utf-8,' + encodeURIComponent(code);
  const mod = await import(url);
  window.sent = [];
  const host = document.getElementById('host');
  window.render = (data) => mod.default({parentElement: host, data, key: 'k', name,
    setStateValue: () => {}, setTriggerValue: (n, value) => sent.push([n, value])});
  render(data);
}"""


def component_page(browser: Browser, width: int, height: int,
                   host_style: str = "") -> Iterator[Page]:
    """A bare page with one host element for a component, for a fixture to yield from; the
    page's script errors fail the test."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(f"<!DOCTYPE html><html><body><div id='host' style='{host_style}'></div>"
                     "</body></html>")
    yield page
    context.close()
    assert errors == []


def mount_component(page: Page, file: str, name: str, data: dict) -> None:
    """Mount static/kz/`file` in a component_page as the component `name`, with `data`."""
    from dashboard import pagefiles

    page.evaluate(MOUNT_COMPONENT, [pagefiles.text(file), name, data])
