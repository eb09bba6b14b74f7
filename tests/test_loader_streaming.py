"""The loader streams events.csv and parses repeated texts once: the problems are the same,
each bad row still gets its own, and the import's check finds what load_scenario finds."""

from __future__ import annotations

import re
import shutil
import sys

from dashboard.fields import _NOT_IN_ID
from dashboard.scenario import DEFAULT_DATA_DIR, check_scenario, load_scenario


def _broken(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    good = load_scenario(folder)
    place = next(iter(good.places))
    source = next(iter(good.sources))
    rows = [
        f"bad-1,2022-13-01,,3,{place},protest,A summary,{source}",  # bad date
        f"bad-2,2022-13-01,,3,{place},protest,A summary,{source}",  # the same bad date again
        f"bad-3,2022-01-05,,3,nowhere,protest,A summary,{source}",  # unknown place
        f"bad-3,2022-01-05,,3,{place},protest,A summary,{source}",  # duplicate id
    ]
    with open(folder / "events.csv", "a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(rows) + "\n")
    return folder, len(good.events)


def test_each_bad_row_gets_its_own_problem_and_the_check_finds_the_same(tmp_path):
    folder, before = _broken(tmp_path)
    loaded = load_scenario(folder)
    assert len(loaded.events) == before
    dates = [p for p in loaded.problems if p.field == "date"]
    assert len(dates) == 2 and dates[0].row != dates[1].row
    assert any(p.field == "place_id" and "nowhere" in p.message for p in loaded.problems)
    assert any(p.field == "id" and "duplicate" in p.message for p in loaded.problems)
    assert check_scenario(folder) == loaded.problems


def test_the_events_own_problems_come_before_the_checks_across_tables(tmp_path):
    folder, _ = _broken(tmp_path)
    problems = [(p.file, p.field) for p in load_scenario(folder).problems]
    assert problems.index(("events.csv", "date")) < problems.index(("events.csv", "place_id"))


def test_the_id_pattern_finds_exactly_what_isspace_and_the_listed_characters_find():
    spaces = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    found = {chr(i) for i in range(sys.maxunicode + 1) if _NOT_IN_ID.search(chr(i))}
    assert found == spaces | set(";|,<>\"'")
    assert re.compile(r"\s").pattern in _NOT_IN_ID.pattern
