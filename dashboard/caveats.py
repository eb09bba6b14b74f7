"""What an answer cannot know: the rows of the data that were set aside, and the kinds of
restriction the scenario holds no data about. Every answer (panel, brief, exports, snapshot,
the traveller's) says these instead of answering as if the data were whole."""

from __future__ import annotations

from .records import Scenario

NOT_IN_DATA = "not in this data"
SHOWN_PROBLEMS = 20


def what_is_missing(scenario: Scenario) -> str:
    """'' when the data loaded whole, else what is not there: the files missing, the rows set
    aside, and the count of problems ("file(s) missing: events.csv; 0 row(s) set aside")."""
    if not scenario.problems:
        return ""
    missing = scenario.missing_files()
    said = f"file(s) missing: {', '.join(missing)}; " if missing else ""
    return (f"{said}{scenario.rows_set_aside()} row(s) set aside "
            f"({len(scenario.problems)} problem(s))")


def set_aside(scenario: Scenario) -> str:
    """A sentence for an answer when the data is not whole, else ''."""
    missing = what_is_missing(scenario)
    if not missing:
        return ""
    return (f"The data is incomplete: {missing}; this answer is from the rest and may miss "
            "what they held.")


def data_json(scenario: Scenario) -> dict:
    """The same for a JSON answer: whether the data loaded whole, and the first problems."""
    return {"complete": not scenario.problems,
            "files_missing": scenario.missing_files(),
            "rows_set_aside": scenario.rows_set_aside(),
            "problems": [str(p) for p in scenario.problems[:SHOWN_PROBLEMS]],
            "note": set_aside(scenario) or None}


def has_kind(scenario: Scenario, kind: str) -> bool:
    """Whether the scenario records any restriction of this kind on any day: without one,
    "none in force" would be a claim the data cannot make."""
    return any(r.kind == kind for r in scenario.restrictions)


def none_word(scenario: Scenario, kind: str, none: str) -> str:
    """``none`` when the scenario records this kind, else "not in this data"."""
    return none if has_kind(scenario, kind) else NOT_IN_DATA
