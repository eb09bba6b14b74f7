"""The ACLED-shaped benchmark data has the shape it claims, and the product's import-acled
turns it into a folder that loads with nothing set aside."""

from __future__ import annotations

import csv
import statistics
from collections import Counter

from benchmarks import acled_shaped
from benchmarks.acled_shaped import SHAPE
from benchmarks.run import TARGETS
from dashboard.scenario import load_scenario


def test_rows_have_the_shape_the_generator_claims():
    rows = list(acled_shaped.rows(10_000, seed=2))
    assert len(rows) == 10_000 and len({r["event_id_cnty"] for r in rows}) == 10_000
    days = Counter(r["event_date"] for r in rows)
    peak, held = days.most_common(1)[0]
    assert peak == f"{SHAPE['peak_day']:%d %B %Y}" and abs(held - 10_000 / 3) <= 1
    assert len(days) <= SHAPE["days"] - SHAPE["empty_days"]  # some days have no event
    assert len({(r["location"], r["latitude"], r["longitude"]) for r in rows}) >= 2_000
    precisions = Counter(r["geo_precision"] for r in rows)
    assert set(precisions) == {1, 2, 3} and precisions[1] > precisions[2] > precisions[3]
    notes = [len(r["notes"]) for r in rows]
    low, high = SHAPE["notes_chars"]
    assert min(notes) >= low - 1 and max(notes) <= high and 240 <= statistics.mean(notes) <= 260
    cited = [len(r["source"].split("; ")) for r in rows]
    assert set(cited) == {1, 2, 3, 4}
    assert all(r["notes"].startswith("SYNTHETIC") for r in rows)
    assert {r["event_type"] for r in rows} >= {"Protests", "Riots", "Battles"}


def test_an_acled_shaped_export_imports_with_nothing_set_aside(tmp_path):
    folder = acled_shaped.scenario(1_000, tmp_path / "acled-1k", seed=3,
                                   export=tmp_path / "export.csv")
    acled_shaped.check(folder, 1_000)
    scenario = load_scenario(folder)
    assert scenario.problems == () and len(scenario.events) == 1_000
    assert {p.geo_precision for p in scenario.places.values()} == {1, 2, 3}
    assert len(scenario.places) > 300
    with open(tmp_path / "export.csv", encoding="utf-8", newline="") as handle:
        cells = {r["source"] for r in csv.DictReader(handle)}
    publishers = {part for cell in cells for part in cell.split("; ")}
    assert len(scenario.sources) == len(publishers) + 1  # and the export itself
    peak = Counter(e.date for e in scenario.events)[SHAPE["peak_day"]]
    assert abs(peak - 1_000 / 3) <= 1


def test_the_benchmark_runs_each_acled_shaped_size():
    sizes = {t.acled for t in TARGETS if t.acled}
    assert sizes == {1_000, 10_000, 100_000, 1_000_000}


def test_each_goal_is_printed_with_its_figure_ratio_and_verdict():
    from benchmarks.run import GOALS, goal_lines

    targets = {g[0] for g in GOALS}
    assert targets <= {t.name for t in TARGETS}  # every goal names a target that runs
    base = {"median": 40.0, "page_median": 40.0, "cold_later": 1000.0, "p95": 50.0,
            "page_p95": 50.0}
    summaries = {"floor": base,
                 "dashboard": {**base, "median": 30.0, "page_median": 90.0,
                               "cold_later": 1600.0},
                 "dashboard-acled-100k": {**base, "page_p95": 1200.0, "p95": 300.0}}
    table = "\n".join(goal_lines(summaries))
    assert "| dashboard | map drawn | 30 ms | 0.75× (40 ms) | ≤ 1× floor | met |" in table
    assert "| dashboard | whole page follows | 90 ms | 2.25× (40 ms) | ≤ 2× floor | not met |" \
        in table
    assert "| dashboard | first paint | 1,600 ms | 1.60× (1,000 ms) | ≤ 1.5× floor's | " \
        "not met |" in table
    assert "| dashboard-acled-100k | whole page follows, p95 | 1,200 ms | — | < 1 s at p95 | " \
        "not met |" in table
    assert "| dashboard-acled-100k | map drawn, p95 | 300 ms | — | < 1 s at p95 | met |" in table
    assert "acled-10k" not in table  # a target that did not run has no line
    assert goal_lines({"floor": base}) == []


def test_the_benchmarks_own_apps_run():
    """The floor and the naive map are apps of their own that borrow the dashboard's day
    selector: each runs and steps a day without an exception."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    for app in ("floor.py", "naive.py"):
        at = AppTest.from_file(str(root / "benchmarks" / "apps" / app), default_timeout=60)
        at.run()
        assert not at.exception, app
        at.button(key="next").click().run()
        assert not at.exception, app
    # The naive map's frame loads its scripts and styles from that app's own static folder.
    import json

    args = json.loads(at.get("component_instance")[0].proto.json_args)
    served = [link.split("app/static/", 1)[1].split("?")[0]
              for link in args["js_links"] + args["css_links"] if "app/static/" in link]
    assert any(path.startswith("kz/") for path in served)
    for path in served:
        assert (root / "benchmarks" / "apps" / "static" / path).is_file(), path
