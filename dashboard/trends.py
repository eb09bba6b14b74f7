"""The nine days at a glance: figures at the days they were reported, events per day, and the
internet blackout that thinned the reports. Pure: data rows and SVG charts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from . import charts
from .scenario import Restriction, Scenario
from .timeline import (
    CONTROL_LABELS,
    METRIC_LABELS,
    QUALIFIER_WORDS,
    DayState,
    events_by_day,
    national,
    per_scenario,
    publishers,
    retracted,
)
from .vocab import CATEGORY, EVENT_GROUPS, GROUP_COLOURS

TREND_METRICS = ("deaths", "injured", "detained")
METRIC_COLOURS = {"deaths": "#b2182b", "injured": "#ef8a62", "detained": "#2166ac"}
# Internet statuses under which far fewer reports got out.
BLACKOUT_STATUSES = frozenset({"blackout", "partly restored"})


def event_group(category: str) -> str:
    """The trends' group of an event category (vocab.py: `Category.group`)."""
    entry = CATEGORY.get(category)
    return entry.group if entry else EVENT_GROUPS[-1]


def figure_points(scenario: Scenario) -> list[dict]:
    """Every reported deaths, injured and detained figure, at the day it was reported."""
    points = []
    for fig in sorted(scenario.figures, key=lambda f: (f.metric, f.reported_on, f.value)):
        if fig.metric not in TREND_METRICS or not national(scenario, fig):
            continue
        points.append({
            "metric": METRIC_LABELS.get(fig.metric, fig.metric), "key": fig.metric,
            "day": fig.reported_on.isoformat(), "value": fig.value,
            "figure": f"{QUALIFIER_WORDS.get(fig.qualifier, '')}{fig.value:,}",
            "reported": ("retracted" if retracted(scenario, fig.id) else "preferred figure"
                         if fig.preferred else "also reported"),
            "scope": fig.scope,
            "sources": ", ".join(publishers(scenario, fig.sources)),
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
    return Caveat(found.status, found.detail, publishers(scenario, found.sources))


# --------------------------------------------------------------------------- charts

FIGURES_FRAME = charts.Frame(height=200)
EVENTS_FRAME = charts.Frame(height=160)
MAX_BARS = 92  # longer scenarios are drawn a few days to a bar
BLACKOUT_NOTE = "Shaded: days of the internet blackout, when far fewer reports got out."

def _axis(scenario: Scenario, frame: charts.Frame) -> charts.DayAxis:
    return charts.DayAxis(tuple(scenario.days), frame)


def blackout_days(scenario: Scenario) -> list[bool]:
    """Per day of the scenario, whether few reports got out (built once per scenario)."""
    return per_scenario(scenario, "blackout",
                        lambda s: [blackout(s, d) is not None for d in s.days])


def _shading(scenario: Scenario, axis: charts.DayAxis) -> list[str]:
    return charts.shading(axis, blackout_days(scenario),
                          "Internet blackout: far fewer reports got out")


def _figures_body(scenario: Scenario) -> tuple[list[str], list[str]]:
    """The day-independent part of the figures chart: beneath the rule, and above it."""
    frame = FIGURES_FRAME
    axis = _axis(scenario, frame)
    points = [p for p in figure_points(scenario) if p["value"] > 0]
    scale = charts.log_scale([p["value"] for p in points])
    under = [*_shading(scenario, axis),
             *charts.y_axis(scale, frame, "reported (log scale)")]
    over: list[str] = []
    for key in TREND_METRICS:
        colour = METRIC_COLOURS[key]
        mine = [(axis.index(date.fromisoformat(p["day"])), p) for p in points
                if p["key"] == key]
        mine = [(i, p) for i, p in mine if i is not None]
        line = [(axis.centre(i), scale.y(p["value"], frame)) for i, p in mine
                if p["reported"] == "preferred figure"]
        if len(line) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            over.append(f"<polyline points='{path}' fill='none' stroke='{colour}' "
                        "stroke-width='2'/>")
        # Figures also reported first: a preferred figure is never hidden beneath one.
        for i, p in sorted(mine, key=lambda ip: ip[1]["reported"] == "preferred figure"):
            filled = p["reported"] == "preferred figure"
            title = (f"{p['metric']}: {p['figure']}, reported on "
                     f"{charts.day_text(scenario.days[i])} ({p['reported']}; {p['scope']}). "
                     f"Sources: {p['sources'] or 'none'}")
            over.append(f"<circle class='kz-point' data-metric='{charts.esc(key)}' "
                        f"data-reported='{'preferred' if filled else 'also'}' "
                        f"cx='{axis.centre(i):.1f}' cy='{scale.y(p['value'], frame):.1f}' "
                        f"r='4.5' fill='{colour if filled else '#ffffff'}' stroke='{colour}' "
                        f"stroke-width='2'><title>{charts.esc(title)}</title></circle>")
    over.extend(charts.legend([*((METRIC_LABELS.get(k, k), METRIC_COLOURS[k], True)
                                 for k in TREND_METRICS),
                               ("also reported", "#6e7781", False)], frame))
    return under, over


def figures_svg(scenario: Scenario, day: date) -> str:
    """Deaths, injured and detained at the days they were reported (log scale); a hollow
    point is a figure also reported but not preferred. The slider's day is marked."""
    under, over = per_scenario(scenario, "figures", _figures_body)
    axis = _axis(scenario, FIGURES_FRAME)
    return charts.svg(FIGURES_FRAME, "Deaths, injured and detained at the days they were "
                      "reported, log scale", [*under, *charts.day_rule(axis, day), *over,
                                              *charts.day_labels(axis, day)], "kz-figures-chart")


def day_counts(scenario: Scenario) -> list[tuple[int, ...]]:
    """Per day, the events in each of EVENT_GROUPS."""
    rows = events_per_day(scenario)
    width = len(EVENT_GROUPS)
    return [tuple(r["events"] for r in rows[i:i + width]) for i in range(0, len(rows), width)]


def _bars_body(scenario: Scenario, frame: charts.Frame, counts: list[tuple[int, ...]],
               groups: tuple[str, ...], colours: tuple[str, ...],
               y_title: str) -> tuple[list[str], list[str]]:
    """Stacked bars of ``counts`` (per day, one number per group), a few days to a bar for a
    long scenario: the day-independent part of a bar chart, beneath the rule and above it."""
    axis = _axis(scenario, frame)
    per_bar = max(1, math.ceil(len(counts) / MAX_BARS))
    bars = [(i, min(i + per_bar, len(counts)) - 1,
             tuple(map(sum, zip(*counts[i:i + per_bar], strict=True))))
            for i in range(0, len(counts), per_bar)]
    scale = charts.linear_scale(max((sum(c) for _, _, c in bars), default=0))
    under = [*_shading(scenario, axis), *charts.y_axis(scale, frame, y_title)]
    over: list[str] = []
    for first, last, totals in bars:
        span = axis.band() * (last - first + 1)
        width = max(span * 0.72, 0.8)
        x = axis.start(first) + (span - width) / 2
        days = scenario.days
        when = (charts.day_text(days[first]) if first == last
                else f"{charts.day_text(days[first])} – {charts.day_text(days[last])}")
        base = 0
        for group, colour, n in zip(groups, colours, totals, strict=True):
            if not n:
                continue
            top, bottom = scale.y(base + n, frame), scale.y(base, frame)
            over.append(f"<rect class='kz-bar' data-day='{days[first].isoformat()}' "
                        f"data-group='{charts.esc(group)}' data-events='{n}' x='{x:.1f}' "
                        f"y='{top:.1f}' width='{width:.1f}' height='{bottom - top:.1f}' "
                        f"fill='{colour}'><title>{when}: {charts.esc(group)} {n:,}"
                        "</title></rect>")
            base += n
    over.extend(charts.legend([(g, c, True) for g, c in zip(groups, colours, strict=True)],
                              frame))
    return under, over


def _events_body(scenario: Scenario) -> tuple[list[str], list[str]]:
    return _bars_body(scenario, EVENTS_FRAME, day_counts(scenario), EVENT_GROUPS,
                      GROUP_COLOURS, "events recorded")


def events_svg(scenario: Scenario, day: date) -> str:
    """The events recorded each day, stacked by group; the slider's day marked."""
    under, over = per_scenario(scenario, "events", _events_body)
    axis = _axis(scenario, EVENTS_FRAME)
    return charts.svg(EVENTS_FRAME, "Events recorded each day, by group",
                      [*under, *over, *charts.day_rule(axis, day),
                       *charts.day_labels(axis, day)], "kz-events-chart")


# The curve of the crisis: sites and cities held by protesters, or fought over, each day.
CONTROL_GROUPS = ("protesters", "contested")
CONTROL_FRAME = charts.Frame(height=140)


def control_counts(scenario: Scenario) -> list[tuple[int, ...]]:
    """Per day, the sites and cities with a control status of each of CONTROL_GROUPS."""
    rows = []
    for day in scenario.days:
        held = [s.status for s in scenario.statuses if s.kind == "control" and s.in_force(day)]
        rows.append(tuple(held.count(group) for group in CONTROL_GROUPS))
    return rows


def _control_body(scenario: Scenario) -> tuple[list[str], list[str]]:
    from .mapview import CONTROL_COLOURS

    return _bars_body(scenario, CONTROL_FRAME, control_counts(scenario),
                      tuple(CONTROL_LABELS[g].capitalize() for g in CONTROL_GROUPS),
                      tuple(CONTROL_COLOURS[g] for g in CONTROL_GROUPS), "sites")


def control_svg(scenario: Scenario, day: date) -> str:
    """Sites and cities held by protesters or contested, each day; the slider's day marked.
    Empty (no chart) when the scenario holds no control statuses."""
    if not any(s.kind == "control" for s in scenario.statuses):
        return ""
    under, over = per_scenario(scenario, "control", _control_body)
    axis = _axis(scenario, CONTROL_FRAME)
    return charts.svg(CONTROL_FRAME, "Sites and cities held by protesters or contested, "
                      "each day", [*under, *over, *charts.day_rule(axis, day),
                                   *charts.day_labels(axis, day)], "kz-control-chart")


def trends_html(scenario: Scenario, day: date) -> str:
    """The panel's trends: a heading, the charts and, if any, the blackout note."""
    first, last = scenario.days[0], scenario.days[-1]
    note = f"<p class='kz-note'>{BLACKOUT_NOTE}</p>" if any(blackout_days(scenario)) else ""
    return (f"<section class='kz-trends' data-testid='kz-trends'>"
            f"<h4>Trends, {first.day} {first:%b} – {last.day} {last:%b %Y}</h4>"
            f"{figures_svg(scenario, day)}{events_svg(scenario, day)}"
            f"{control_svg(scenario, day)}{note}</section>")
