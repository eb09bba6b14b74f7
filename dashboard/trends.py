"""The nine days at a glance: figures at the days they were reported, events per day, and the
internet blackout that thinned the reports. Pure: data rows and Altair chart specifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt

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

    @property
    def text(self) -> str:
        return f"{self.headline} {self.detail}"


def blackout_caveat(state: DayState, scenario: Scenario) -> Caveat | None:
    found = blackout(scenario, state.day)
    if found is None:
        return None
    publishers = tuple(dict.fromkeys(scenario.sources[s].publisher for s in found.sources
                                     if s in scenario.sources))
    return Caveat(found.status, found.detail, publishers)


def _day_axis(scenario: Scenario) -> alt.X:
    days = [d.isoformat() for d in scenario.days]
    return alt.X("day:O", sort=days, scale=alt.Scale(domain=days), title=None,
                 axis=alt.Axis(labelExpr="timeFormat(toDate(datum.value + 'T00:00'), '%-d %b')",
                               labelAngle=0))


def _marks(scenario: Scenario, day: date) -> tuple[list[alt.Chart], alt.Chart]:
    """The blackout days shaded (drawn under the data) and the slider's day (over it)."""
    shaded = [{"day": d.isoformat()} for d in scenario.days if blackout(scenario, d)]
    under = [alt.Chart(alt.Data(values=shaded)).mark_bar(color="#9e9e9e", opacity=0.18)
             .encode(x=_day_axis(scenario))] if shaded else []
    rule = alt.Chart(alt.Data(values=[{"day": day.isoformat()}])).mark_rule(
        color="#1f2328", strokeWidth=2).encode(x=_day_axis(scenario))
    return under, rule


def figures_chart(scenario: Scenario, day: date) -> alt.LayerChart:
    points = figure_points(scenario)
    colour = alt.Color("metric:N", title=None, legend=alt.Legend(orient="top"),
                       scale=alt.Scale(domain=[METRIC_LABELS[m] for m in TREND_METRICS],
                                       range=[METRIC_COLOURS[m] for m in TREND_METRICS]))
    base = alt.Chart(alt.Data(values=points)).encode(
        x=_day_axis(scenario),
        y=alt.Y("value:Q", scale=alt.Scale(type="log"), title="reported (log scale)",
                axis=alt.Axis(values=[10, 100, 1000, 10000, 100000], format="~s")),
        color=colour,
        tooltip=[alt.Tooltip("metric:N"), alt.Tooltip("figure:N", title="figure"),
                 alt.Tooltip("day:N", title="reported on"), alt.Tooltip("reported:N"),
                 alt.Tooltip("sources:N")])
    preferred = alt.datum.reported == "preferred figure"
    lines = base.transform_filter(preferred).mark_line(point=alt.OverlayMarkDef(size=60))
    others = base.transform_filter(~preferred).mark_point(size=60, filled=False)
    under, rule = _marks(scenario, day)
    return alt.layer(*under, lines, others, rule).properties(height=190)


def events_chart(scenario: Scenario, day: date) -> alt.LayerChart:
    bars = alt.Chart(alt.Data(values=events_per_day(scenario))).mark_bar().encode(
        x=_day_axis(scenario),
        y=alt.Y("events:Q", title="events recorded", stack="zero"),
        color=alt.Color("group:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(EVENT_GROUPS), range=list(GROUP_COLOURS))),
        order=alt.Order("group:N"),
        tooltip=[alt.Tooltip("day:N"), alt.Tooltip("group:N"), alt.Tooltip("events:Q")])
    under, rule = _marks(scenario, day)
    return alt.layer(*under, bars, rule).properties(height=150)
