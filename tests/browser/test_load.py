"""Many viewers at once: 30 concurrent sessions on one server, each on its own day.

One `streamlit run` server of its own and one Chromium with a browser context (an independent
Streamlit session) per viewer. Each viewer opens `?day=` another day (every day of 2-10
January is somebody's; a few pages open at a time); once all 30 are open they all step at
once with "Next ▶" / "◀ Previous", each waiting for its own new day. Every viewer must end on
its own day (slider, headline, link and map layers) with no page error, no Streamlit
exception and no request leaving this machine; the server must log no traceback; and its
memory must stay bounded over two waves of viewers. Behaviour, not speed: the figures under
load come from `benchmarks/run.py --only load`.
"""

from __future__ import annotations

import pytest

from harness.browser import (
    DEFAULT_APP,
    OPENING_TOGETHER,
    ServerError,
    SessionOutcome,
    expected_views,
    load_plans,
    run_load,
    start_server,
    tree_rss_kb,
)

SESSIONS = 30
STEPS = 3  # per viewer and wave

# Generous bounds: other test runs share this 2-core machine, and each page costs Chromium
# about 3 s of CPU to open.
OPEN_TIMEOUT_S = 240.0  # from a page's navigation until it shows its day
STEP_TIMEOUT_S = 120.0  # from a click until the new day is shown
TOTAL_TIMEOUT_S = 480.0  # both waves, start to end

MAX_GROWTH_KB = 400 * 1024  # the server with 30 viewers, over the server before any viewer
SECOND_WAVE_FACTOR = 1.5  # after a second wave, the growth at most this times the first's


def test_thirty_viewers_each_see_their_own_day_and_memory_stays_bounded():
    views = expected_views()
    days = sorted(views)
    plans = load_plans(SESSIONS, STEPS, days)
    assert {plan.start for plan in plans} == set(days)  # every day is somebody's at once
    assert {plan.days(days)[-1] for plan in plans} == set(days)

    try:
        server = start_server(DEFAULT_APP)
    except ServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        pid = server.process.pid
        idle_kb = tree_rss_kb(pid)
        open_kb: list[int] = []  # after each wave, with its 30 viewers still connected

        def after_wave(index: int, outcomes: list[SessionOutcome]) -> None:
            open_kb.append(tree_rss_kb(pid))

        waves = run_load(server.url, [plans, plans], views, timeout_s=TOTAL_TIMEOUT_S,
                         open_timeout_s=OPEN_TIMEOUT_S, step_timeout_s=STEP_TIMEOUT_S,
                         opening_together=OPENING_TOGETHER, after_wave=after_wave)
        alive = server.process.poll() is None
        log = server.log_tail(lines=2000)
    finally:
        server.stop()

    assert alive, f"the server died under load:\n{log}"
    assert [len(wave.sessions) for wave in waves] == [SESSIONS, SESSIONS]
    problems = [f"wave {number + 1}, viewer {problem}"
                for number, wave in enumerate(waves)
                for outcome in wave.sessions for problem in outcome.problems(views)]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])
    assert "Traceback" not in log, log

    first, second = (kb - idle_kb for kb in open_kb)
    assert first < MAX_GROWTH_KB, f"30 viewers took the server from {idle_kb} to {open_kb} kB"
    assert second <= SECOND_WAVE_FACTOR * first, (
        f"a second wave left the server at {open_kb[1]} kB after {open_kb[0]} kB "
        f"(idle {idle_kb} kB)")
