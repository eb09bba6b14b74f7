"""The command line: validate and snapshot, their output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_validate_clean_bundled_data(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == ""


def test_validate_reports_file_row_field(mini, capsys):
    mini.set("events.csv", 0, date="2022-02-30")
    mini.set("places.csv", 2, lat="")
    assert main(["validate", str(mini.path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "events.csv:2: date: '2022-02-30' is not a date in the form YYYY-MM-DD" in lines
    assert "places.csv:4: lat: is required" in lines


@pytest.mark.parametrize("day", [f"2022-01-{d:02d}" for d in range(2, 11)])
def test_snapshot_answers_for_each_day(day, capsys):
    assert main(["snapshot", day]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == day
    assert {"date", "places", "events", "restrictions", "figures", "changes"} <= set(data)
    place = data["places"][0]
    assert {"id", "name", "kind", "lat", "lon", "geo_precision", "status", "detail",
            "sources"} <= set(place)
    for event in data["events"]:
        assert {"id", "place_id", "category", "summary", "sources"} <= set(event)
    for restriction in data["restrictions"]:
        assert {"kind", "area", "status", "hours", "sources"} <= set(restriction)
    for figure in data["figures"].values():
        assert {"value", "as_of", "sources"} <= set(figure)
        assert figure["as_of"] <= day


def test_snapshot_airports_and_kinds(capsys):
    main(["snapshot", "2022-01-07"])
    data = json.loads(capsys.readouterr().out)
    by_id = {p["id"]: p for p in data["places"]}
    assert by_id["airport-nqz"]["kind"] == "airport"
    assert by_id["airport-nqz"]["status"] == "limited"
    assert by_id["baikonur-cosmodrome"]["kind"] == "strategic_site"
    assert by_id["almaty-checkpoints"]["kind"] == "checkpoint"
    curfew = [r for r in data["restrictions"] if r["kind"] == "curfew"]
    assert curfew and curfew[0]["hours"] == "23:00-07:00"


@pytest.mark.parametrize("day", ["2022-01-01", "2022-01-11", "tomorrow", "2022/01/05"])
def test_snapshot_bad_day_exits_2(day, capsys):
    assert main(["snapshot", day]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error:" in captured.err


def test_snapshot_with_other_data_folder(mini, capsys):
    assert main(["snapshot", "2022-01-03", "--data", str(mini.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in data["events"]] == ["e2"]


def test_module_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "dashboard", "snapshot", "2022-01-09"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    deaths = json.loads(out.stdout)["figures"]["deaths"]
    assert deaths["value"] == 44  # the official total of 8 January
    withdrawn = next(f for f in deaths["also_reported"] if f["value"] == 164)
    assert withdrawn["disputes"][0]["kind"] == "retracted"


def test_readme_documents_the_snapshot_shape_as_it_is(scenario):
    """The README's example snapshot has every key the snapshot has, no more, at the top, on
    a place's status, and on a figure."""
    import re
    from datetime import date

    from dashboard.snapshot import snapshot
    from dashboard.timeline import as_of

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### The snapshot's shape\n\n```json\n(.*?)\n```", text, re.S).group(1)
    documented = json.loads(block)
    real = snapshot(as_of(scenario, date(2022, 1, 9)), scenario)
    assert set(documented) == set(real)
    status = next(s for p in real["places"] for s in p["statuses"])
    assert set(documented["places"][0]["statuses"][0]) == set(status)
    assert set(documented["figures"]["deaths"]) == set(real["figures"]["deaths"])
    assert set(documented["control"][0]) == set(real["control"][0])


def test_validate_says_a_missing_file_is_missing_not_a_row_set_aside(mini, capsys):
    (mini.path / "events.csv").unlink()
    assert main(["validate", str(mini.path)]) == 1
    captured = capsys.readouterr()
    assert "events.csv:0: -: file is missing" in captured.out
    assert captured.err.strip() == "1 problem(s); file(s) missing: events.csv; 0 row(s) set aside"
