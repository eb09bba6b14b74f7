"""Why the server's memory levels off above where it started: rounds of sessions, then the
server's resident memory once they have gone, with and without handing freed memory back.
The readings: `idle` (the server before any visit: the app's modules not yet imported),
`one_session` (after one visit has closed), then after each round of sessions has closed.

    .venv/bin/python benchmarks/memory_rounds.py [--rounds 3] [--sessions 20] [--steps 5]

Two servers in turn, each with the bundled scenario: `plain` as the app runs, and `trim`, where
benchmarks/serverhook (KZ_BENCH_TRIM=1) runs a full garbage collection and glibc's
malloc_trim(0) every two seconds. After each round the sessions' browser contexts are closed
and the script waits for the server to drop them, then reads the server's RSS. If `trim` comes
back near its one-session figure while `plain` does not, the memory `plain` keeps is free
memory the allocator holds, not objects that live on. `arenas2` runs the server with
MALLOC_ARENA_MAX=2 (glibc gives each thread that allocates at once an arena of its own, up to
8 per core, and Streamlit runs each session's script in a thread of its own).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.browser import (  # noqa: E402
    expected_views,
    load_plans,
    run_load,
    start_server,
    tree_rss_kb,
)

HOOK = ROOT / "benchmarks" / "serverhook"
SETTLE_S = 8.0  # the server drops a closed session's state within a few seconds


def one(mode: str, rounds: int, sessions: int, steps: int) -> dict:
    env = {"PYTHONPATH": str(HOOK)}
    if mode == "trim":
        env["KZ_BENCH_TRIM"] = "1"
    elif mode == "arenas2":
        env["MALLOC_ARENA_MAX"] = "2"
    servers: list = []
    server = start_server("dashboard/app.py", (), env, servers)
    try:
        views = expected_views()
        time.sleep(SETTLE_S)
        readings = {"idle": tree_rss_kb(server.process.pid) // 1024, "rounds": []}
        # One session first: the app's modules, the scenario and its caches are then in memory.
        run_load(server.url, [load_plans(1, steps, sorted(views))], views, timeout_s=300)
        time.sleep(SETTLE_S)
        readings["one_session"] = tree_rss_kb(server.process.pid) // 1024
        for number in range(rounds):
            plans = load_plans(sessions, steps, sorted(views))
            waves = run_load(server.url, [plans], views, timeout_s=900)
            errors = sum(1 for wave in waves for o in wave.sessions if o.errors)
            time.sleep(SETTLE_S)
            readings["rounds"].append({"round": number + 1,
                                       "rss_mb": tree_rss_kb(server.process.pid) // 1024,
                                       "sessions_with_errors": errors})
        return readings
    finally:
        for s in servers:
            s.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--modes", default="plain,trim,arenas2",
                        help="comma-separated: plain, trim, arenas2 (default: all three)")
    args = parser.parse_args()
    out = {mode: one(mode, args.rounds, args.sessions, args.steps)
           for mode in args.modes.split(",")}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
