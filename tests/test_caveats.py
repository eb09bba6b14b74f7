"""No answer from missing data: every answer says when rows were set aside, a kind of
restriction the scenario holds no data about is "not in this data" (never "none"), and a
distance that is not a distance is refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dashboard import cli, travel
from dashboard.brief import day_brief
from dashboard.caveats import NOT_IN_DATA
from dashboard.daypanel import badges
from dashboard.export import day_geojson, day_html
from dashboard.gazetteer import build
from dashboard.snapshot import snapshot
from dashboard.timeline import as_of

DAY = date(2022, 1, 6)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken(bundled_copy):
    """The bundled data with one event whose date is not a date: one row set aside."""
    bundled_copy.set("events.csv", 0, date="the fifth")
    return bundled_copy


def test_whole_data_is_said_to_be_whole(scenario):
    shot = snapshot(as_of(scenario, DAY), scenario)
    assert shot["data"] == {"complete": True, "files_missing": [], "rows_set_aside": 0,
                            "problems": [], "note": None}
    assert "Data incomplete" not in day_brief(as_of(scenario, DAY), scenario)


def test_every_answer_says_rows_were_set_aside(broken, capsys):
    scenario = broken.load()
    state = as_of(scenario, DAY)
    shot = snapshot(state, scenario)
    assert shot["data"]["complete"] is False and shot["data"]["rows_set_aside"] == 1
    assert "events.csv" in shot["data"]["problems"][0]
    assert "The data is incomplete: 1 row(s) set aside" in shot["data"]["note"]
    assert "> **The data is incomplete: 1 row(s) set aside" in day_brief(state, scenario)
    assert "data-testid='kz-set-aside'" in day_html(state, scenario)
    assert day_geojson(state, scenario)["data"]["rows_set_aside"] == 1
    place = travel.resolve("Almaty", build(scenario)).best
    rep = travel.report(place, state, scenario)
    assert rep.data["complete"] is False
    code, out, err = _run(capsys, "near", "Almaty", "--day", "2022-01-06", "--data",
                          str(broken.path))
    assert code == 0 and json.loads(out)["data"]["rows_set_aside"] == 1
    assert "warning: events.csv" in err


def test_a_kind_without_data_is_not_in_this_data_never_none(bundled_copy, capsys):
    """An imported ACLED scenario records no restrictions: its state of emergency and curfew
    are unknown, not "none"."""
    bundled_copy.write_rows("restrictions.csv", [])
    scenario = bundled_copy.load()
    state = as_of(scenario, DAY)
    shown = {b.key: b.value for b in badges(state, scenario)}
    assert shown["soe"] == shown["curfew"] == shown["internet"] == NOT_IN_DATA
    brief = day_brief(state, scenario)
    assert "State of emergency: none" not in brief and "Curfew: none" not in brief
    assert NOT_IN_DATA in brief
    code, out, _ = _run(capsys, "near", "Almaty", "--day", "2022-01-06", "--data",
                        str(bundled_copy.path))
    context = json.loads(out)["context"]
    assert any(line.startswith(f"Curfew: {NOT_IN_DATA}") for line in context)
    assert any(line.startswith(f"State of emergency: {NOT_IN_DATA}") for line in context)


def test_with_the_data_a_day_without_a_curfew_says_none(scenario):
    shown = {b.key: b.value for b in badges(as_of(scenario, date(2022, 1, 2)), scenario)}
    assert shown["soe"] == shown["curfew"] == "none"


@pytest.mark.parametrize("radius", ["inf", "-inf", "nan", "0", "-3", "1e400", "ten", "20001"])
def test_a_radius_that_is_not_a_distance_is_refused(radius, capsys):
    code = cli.main(["near", "Almaty", "--day", "2022-01-06", f"--radius-km={radius}"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "is not a distance" in err


def test_json_answers_are_strict_json(capsys):
    """Python's json writes Infinity and NaN unless told not to; the answers never do."""
    code, out, _ = _run(capsys, "near", "Almaty", "--day", "2022-01-06", "--radius-km",
                        "20000")
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the answer"))
    with pytest.raises(ValueError):
        cli.print_json({"x": float("inf")})


@pytest.mark.parametrize("answers", [0, 1, 2])
def test_a_file_that_goes_while_the_folder_is_read_is_skipped(tmp_path, monkeypatch, answers):
    """The app lists the data folder, then reads each file's size: an editor's lock file that
    disappears in between (after 0, 1 or 2 questions about it) must not break the page."""
    from dashboard import ui

    (tmp_path / "events.csv").write_text("x")
    (tmp_path / ".~lock.events.csv#").write_text("x")
    real_stat = Path.stat
    asked: list[str] = []

    def vanishing(self, *args, **kwargs):
        if self.name.startswith(".~lock"):
            asked.append(self.name)
            if len(asked) > answers:
                raise FileNotFoundError(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", vanishing)
    names = [name for name, *_ in ui._signature(tmp_path)]
    assert "events.csv" in names
    if answers == 0:  # gone before its first question: not part of the data
        assert names == ["events.csv"]


def test_a_deleted_file_is_said_to_be_missing_not_a_row_set_aside(bundled_copy, monkeypatch):
    (bundled_copy.path / "events.csv").unlink()
    scenario = bundled_copy.load()
    data = snapshot(as_of(scenario, DAY), scenario)["data"]
    assert data["files_missing"] == ["events.csv"]
    # Rows elsewhere that name an event are set aside too; the file itself is not "a row".
    rows = scenario.rows_set_aside()
    assert all(p.file != "events.csv" or p.row == 0 for p in scenario.problems)
    assert data["note"].startswith("The data is incomplete: file(s) missing: events.csv; "
                                   f"{rows} row(s) set aside")
    from tests.test_app import run_app

    monkeypatch.setenv("DASHBOARD_DATA", str(bundled_copy.path))
    at = run_app({"day": "2022-01-06"})
    assert not at.exception
    assert f"file(s) missing: events.csv; {rows} row(s) set aside" in at.warning[0].value
