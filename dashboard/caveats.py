"""What an answer cannot know: the rows of the data that were set aside, and the kinds of
restriction the scenario holds no data about. Every answer (panel, brief, exports, snapshot,
the traveller's) says these instead of answering as if the data were whole."""

from __future__ import annotations

from .records import Scenario

NOT_IN_DATA = "not in this data"
SHOWN_PROBLEMS = 20


def set_aside(scenario: Scenario) -> str:
    """A sentence when rows were set aside, else ''."""
    if not scenario.problems:
        return ""
    return (f"{scenario.set_aside_count()} row(s) of the data were set aside "
            f"({len(scenario.problems)} problem(s)); this answer is from the rest and may miss "
            "what they held.")


def data_json(scenario: Scenario) -> dict:
    """The same for a JSON answer: whether the data loaded whole, and the first problems."""
    return {"complete": not scenario.problems,
            "rows_set_aside": scenario.set_aside_count(),
            "problems": [str(p) for p in scenario.problems[:SHOWN_PROBLEMS]],
            "note": set_aside(scenario) or None}


def has_kind(scenario: Scenario, kind: str) -> bool:
    """Whether the scenario records any restriction of this kind on any day: without one,
    "none in force" would be a claim the data cannot make."""
    return any(r.kind == kind for r in scenario.restrictions)


def none_word(scenario: Scenario, kind: str, none: str) -> str:
    """``none`` when the scenario records this kind, else "not in this data"."""
    return none if has_kind(scenario, kind) else NOT_IN_DATA
