"""The nine days at a glance: figures at the days they were reported, events per day, and the
internet blackout that thinned the reports. Pure: data rows and Vega-Lite specifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .scenario import Restriction, Scenario
from .timeline import METRIC_LABELS, QUALIFIER_WORDS, UNREST_CATEGORIES, DayState, events_by_day

TREND_METRICS = ("deaths", "injured", "detained")
METRIC_COLOURS = {"deaths": "#b2182b", "injured": "#ef8a62", "detained": "#2166ac"}
SECURITY_CATEGORIES = frozenset({"security_operation", "arrest", "deployment"})
EVENT_GROUPS = ("Unrest", "Security & arrests", "Other")
GROUP_COLOURS = ("#e67e22", "#34495e", "#b0b0b0")
# Internet statuses under which far fewer reports got out.
BLACKOUT_STATUSES = frozenset({"blackout", "partly restored"})


def event_group(category: str) -> str:
    if category in SECURITY_CATEGORIES:
        return EVENT_GROUPS[1]
    if category in UNREST_CATEGORIES:
        return EVENT_GROUPS[0]
    return EVENT_GROUPS[2]


def figure_points(scenario: Scenario) -> list[dict]:
    """Every reported deaths, injured and detained figure, at the day it was reported."""
    points = []
    for fig in sorted(scenario.figures, key=lambda f: (f.metric, f.reported_on, f.value)):
        if fig.metric not in TREND_METRICS:
            continue
        publishers = sorted({scenario.sources[s].publisher for s in fig.sources
                             if s in scenario.sources})
        points.append({
            "metric": METRIC_LABELS.get(fig.metric, fig.metric), "key": fig.metric,
            "day": fig.reported_on.isoformat(), "value": fig.value,
            "figure": f"{QUALIFIER_WORDS.get(fig.qualifier, '')}{fig.value:,}",
            "reported": "preferred figure" if fig.preferred else "also reported",
            "sources": ", ".join(publishers),
        })
    return points


def events_per_day(scenario: Scenario) -> list[dict]:
    """How many events each day holds, by group, for every day of the scenario."""
    index = events_by_day(scenario)
    rows = []
    for day in scenario.days:
        counts = dict.fromkeys(EVENT_GROUPS, 0)
        for event in index.get(day, ()):
            counts[event_group(event.category)] += 1
        rows.extend({"day": day.isoformat(), "group": group, "events": n}
                    for group, n in counts.items())
    return rows


def blackout(scenario: Scenario, day: date) -> Restriction | None:
    """The internet restriction in force that day under which few reports got out, if any."""
    for restriction in scenario.restrictions:
        if (restriction.kind == "internet" and restriction.status in BLACKOUT_STATUSES
                and restriction.in_force(day)):
            return restriction
    return None


@dataclass(frozen=True)
class Caveat:
    status: str
    detail: str
    publishers: tuple[str, ...]

    @property
    def headline(self) -> str:
        return f"Internet {self.status} on this day: fewer reports does not mean less unrest."


def blackout_caveat(state: DayState, scenario: Scenario) -> Caveat | None:
    found = blackout(scenario, state.day)
    if found is None:
        return None
    publishers = tuple(dict.fromkeys(scenario.sources[s].publisher for s in found.sources
                                     if s in scenario.sources))
    return Caveat(found.status, found.detail, publishers)


def _day_axis(scenario: Scenario) -> dict:
    days = [d.isoformat() for d in scenario.days]
    return {"field": "day", "type": "ordinal", "sort": days, "scale": {"domain": days},
            "title": None, "axis": {"labelAngle": 0, "labelExpr":
                                    "timeFormat(toDate(datum.value + 'T00:00'), '%-d %b')"}}


def _marks(scenario: Scenario, day: date) -> tuple[list[dict], dict]:
    """The blackout days shaded (drawn under the data) and the slider's day (over it)."""
    shaded = [{"day": d.isoformat()} for d in scenario.days if blackout(scenario, d)]
    under = [{"data": {"values": shaded}, "mark": {"type": "bar", "color": "#9e9e9e",
                                                     "opacity": 0.18},
              "encoding": {"x": _day_axis(scenario)}}] if shaded else []
    rule = {"data": {"values": [{"day": day.isoformat()}]},
            "mark": {"type": "rule", "color": "#1f2328", "strokeWidth": 2},
            "encoding": {"x": _day_axis(scenario)}}
    return under, rule


# Vega-Lite specifications as plain data: Streamlit draws them with its bundled Vega-Lite.


def figures_chart(scenario: Scenario, day: date) -> dict:
    """Deaths, injured and detained at the days they were reported; hollow: also reported."""
    colour = {"field": "metric", "type": "nominal", "title": None,
              "legend": {"orient": "top"},
              "scale": {"domain": [METRIC_LABELS[m] for m in TREND_METRICS],
                        "range": [METRIC_COLOURS[m] for m in TREND_METRICS]}}
    encoding = {
        "x": _day_axis(scenario),
        "y": {"field": "value", "type": "quantitative", "scale": {"type": "log"},
              "title": "reported (log scale)",
              "axis": {"values": [10, 100, 1000, 10000, 100000], "format": "~s"}},
        "color": colour,
        "tooltip": [{"field": "metric", "type": "nominal"},
                    {"field": "figure", "type": "nominal", "title": "figure"},
                    {"field": "day", "type": "nominal", "title": "reported on"},
                    {"field": "reported", "type": "nominal"},
                    {"field": "sources", "type": "nominal"}]}
    preferred = "datum.reported === 'preferred figure'"
    under, rule = _marks(scenario, day)
    # Each layer carries its own small data: Streamlit would turn a top-level data set
    # into a dataframe on every run.
    data = {"values": figure_points(scenario)}
    return {"height": 190,
            "layer": [*under,
                      {"data": data, "transform": [{"filter": preferred}],
                       "encoding": encoding, "mark": {"type": "line", "point": {"size": 60}}},
                      {"data": data, "transform": [{"filter": f"!({preferred})"}],
                       "encoding": encoding,
                       "mark": {"type": "point", "size": 60, "filled": False}},
                      rule]}


def events_chart(scenario: Scenario, day: date) -> dict:
    """The events recorded each day, stacked by group."""
    encoding = {
        "x": _day_axis(scenario),
        "y": {"field": "events", "type": "quantitative", "title": "events recorded",
              "stack": "zero"},
        "color": {"field": "group", "type": "nominal", "title": None,
                  "legend": {"orient": "top"},
                  "scale": {"domain": list(EVENT_GROUPS), "range": list(GROUP_COLOURS)}},
        "order": {"field": "group", "type": "nominal"},
        "tooltip": [{"field": "day", "type": "nominal"}, {"field": "group", "type": "nominal"},
                    {"field": "events", "type": "quantitative"}]}
    bars = {"data": {"values": events_per_day(scenario)}, "mark": {"type": "bar"},
            "encoding": encoding}
    under, rule = _marks(scenario, day)
    return {"height": 150, "layer": [*under, bars, rule]}
