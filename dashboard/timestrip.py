"""The crisis at a glance, under the day's controls: every day of the scenario with its events
as marks by group, the internet blackout and the state of emergency as labelled bands, and the
shown day highlighted. Pure SVG text drawn with charts.py's helpers; the page's
`static/kz/timestrip.js` asks for the day clicked. A long scenario (an ACLED import of years)
is drawn a few days to a column with at most `charts.MAX_LABELS` day labels. What does not
depend on the day is built once per scenario; a step adds only the highlight and the labels.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

from . import charts, trends
from .caveats import NOT_IN_DATA, has_kind
from .records import Scenario
from .timeline import events_by_day, per_scenario
from .vocab import CATEGORY, EVENT_GROUPS, GROUP_COLOURS, RESTRICTION_LABELS, SOE_COLOUR

FRAME = charts.Frame(width=960, height=124, left=132, right=10, top=42, bottom=20)
LANE_HEIGHT = 12
LANE_TOPS = {"internet": 6, "state_of_emergency": 22}
LANE_LABELS = {"internet": "Internet blackout",
               "state_of_emergency": RESTRICTION_LABELS["state_of_emergency"]}
TESTID = "kz-timestrip"
MAX_COLUMNS = trends.MAX_BARS  # a longer scenario is drawn a few days to a column
SHAPES = ("circle", "square", "diamond")  # one per event group, so colour is never alone
LABEL = "Timeline of the crisis: events per day by group, the internet blackout and the " \
        "state of emergency; choose a day to show it"


@dataclass(frozen=True)
class Column:
    """One column of the strip: a day, or a run of days in a long scenario."""

    first: int  # index of its first day in scenario.days
    last: int
    counts: tuple[int, ...]  # events per group of EVENT_GROUPS
    categories: tuple[tuple[tuple[str, int], ...], ...]  # per group: (category, events)

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def axis(scenario: Scenario) -> charts.DayAxis:
    return charts.DayAxis(tuple(scenario.days), FRAME)


def columns(scenario: Scenario) -> list[Column]:
    """The strip's columns, each with its events by group and category (once per scenario)."""
    return per_scenario(scenario, "timestrip_columns", _columns)


def _columns(scenario: Scenario) -> list[Column]:
    days = scenario.days
    index = events_by_day(scenario)
    per_column = max(1, math.ceil(len(days) / MAX_COLUMNS))
    out = []
    for first in range(0, len(days), per_column):
        last = min(first + per_column, len(days)) - 1
        found = {group: Counter() for group in EVENT_GROUPS}
        for day in days[first:last + 1]:
            for event in index.get(day, ()):
                found[trends.event_group(event.category)][event.category] += 1
        out.append(Column(first, last,
                          tuple(sum(found[g].values()) for g in EVENT_GROUPS),
                          tuple(tuple(sorted(found[g].items(), key=lambda kv: (-kv[1], kv[0])))
                                for g in EVENT_GROUPS)))
    return out


def lanes(scenario: Scenario) -> dict[str, list[str | None]]:
    """Per lane, per day, what the band says that day (None for no band): the internet's
    blackout status, and the state of emergency ("nationwide" or "regional")."""
    return per_scenario(scenario, "timestrip_lanes", _lanes)


def _lanes(scenario: Scenario) -> dict[str, list[str | None]]:
    internet = []
    emergency: list[str | None] = []
    country = scenario.meta.country
    soe = [r for r in scenario.restrictions if r.kind == "state_of_emergency"]
    for day in scenario.days:
        found = trends.blackout(scenario, day)
        internet.append(found.status if found else None)
        areas = [area for r in soe if r.in_force(day) for area in r.area]
        emergency.append(None if not areas else "nationwide" if country in areas
                         else "regional")
    return {"internet": internet, "state_of_emergency": emergency}


def _soe_areas(scenario: Scenario, first: int, last: int) -> list[str]:
    days = scenario.days[first:last + 1]
    areas = {area for r in scenario.restrictions if r.kind == "state_of_emergency"
             and any(r.in_force(d) for d in days) for area in r.area}
    return sorted(areas)


def when(scenario: Scenario, first: int, last: int) -> str:
    """'7 Jan 2022', or '5 Jan 2022 – 10 Jan 2022' for a run of days."""
    days = scenario.days
    if first == last:
        return charts.day_text(days[first])
    return f"{charts.day_text(days[first])} – {charts.day_text(days[last])}"


def _lane_title(scenario: Scenario, lane: str, value: str, first: int, last: int) -> str:
    span = when(scenario, first, last)
    if lane == "internet":
        return f"Internet {value}, {span}: far fewer reports got out"
    if value == "nationwide":
        return f"State of emergency nationwide, {span}"
    return (f"State of emergency in part of the country, {span}: "
            f"{', '.join(_soe_areas(scenario, first, last))}")


def _lane(scenario: Scenario, ax: charts.DayAxis, lane: str) -> list[str]:
    """The lane's label and its bands, one per run of days with the same value."""
    top = LANE_TOPS[lane]
    frame = FRAME
    out = [f"<text class='kz-lane-label' x='{frame.left - 8}' y='{top + 10}' "
           f"text-anchor='end' font-size='10'>{charts.esc(LANE_LABELS[lane])}</text>"]
    kind = "internet" if lane == "internet" else "state_of_emergency"
    if not has_kind(scenario, kind):
        return [*out, f"<text class='kz-lane-none' x='{frame.left + 4}' y='{top + 10}' "
                      f"font-size='10' font-style='italic'>{NOT_IN_DATA}</text>"]
    values = lanes(scenario)[lane]
    lane_frame = charts.Frame(width=frame.width, height=frame.height, left=frame.left,
                              right=frame.right, top=top,
                              bottom=frame.height - top - LANE_HEIGHT)
    lane_axis = charts.DayAxis(ax.days, lane_frame)
    colour = charts.SHADE if lane == "internet" else SOE_COLOUR
    bands = []
    for value in sorted({v for v in values if v}):
        for first, last in charts.runs([v == value for v in values]):
            title = _lane_title(scenario, lane, value, first, last)
            opacity = 0.45 if value in ("blackout", "nationwide") else 0.25
            flags = [first <= i <= last for i in range(len(values))]
            bands.extend(charts.shading(lane_axis, flags, title, colour, opacity))
    return [*out, f"<g class='kz-band' data-lane='{lane}'>{''.join(bands)}</g>"]


def _shape(shape: str, x: float, y: float, r: float, colour: str) -> str:
    paint = f"fill='{colour}' stroke='#ffffff' stroke-width='0.8'"
    if shape == "square":
        return (f"<rect x='{x - r:.1f}' y='{y - r:.1f}' width='{2 * r:.1f}' "
                f"height='{2 * r:.1f}' {paint}/>")
    if shape == "diamond":
        d = r * 1.25
        return (f"<polygon points='{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} "
                f"{x - d:.1f},{y:.1f}' {paint}/>")
    return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' {paint}/>"


def _row_centre(group_index: int) -> float:
    height = (FRAME.plot_bottom - FRAME.top) / len(EVENT_GROUPS)
    return FRAME.top + height * (group_index + 0.5)


def _marks(scenario: Scenario, ax: charts.DayAxis) -> list[str]:
    """Each column: a target for a click or a key, and a mark per group with events (its
    shape, colour and count; its <title> says the day, the group and the categories)."""
    cols = columns(scenario)
    biggest = max((n for c in cols for n in c.counts), default=0)
    days = scenario.days
    out = []
    for col in cols:
        x0 = ax.start(col.first)
        width = ax.band() * col.size
        centre = x0 + width / 2
        counted = width >= 30  # room for the count beside the mark
        r_max = max(1.5, min(7.0, width / 2 - 1 if not counted else 7.0))
        total = sum(col.counts)
        span = when(scenario, col.first, col.last)
        name = f"{span}: {total:,} event{'s' if total != 1 else ''}"
        parts = [f"<g class='kz-strip-col' data-day='{days[col.first].isoformat()}' "
                 f"data-days='{col.size}' role='button' tabindex='0' "
                 f"aria-label='{charts.esc(name)}'>"
                 f"<rect class='kz-strip-hit' x='{x0:.1f}' y='{FRAME.top - 2}' "
                 f"width='{width:.1f}' height='{FRAME.plot_bottom - FRAME.top + 2:.1f}' "
                 f"fill='#ffffff' fill-opacity='0'><title>{charts.esc(name)}</title></rect>"]
        for g, (group, n) in enumerate(zip(EVENT_GROUPS, col.counts, strict=True)):
            if not n:
                continue
            r = 2.5 + (r_max - 2.5) * math.sqrt(n / biggest) if r_max > 2.5 else r_max
            y = _row_centre(g)
            x = centre - 7 if counted else centre
            what = ", ".join(f"{CATEGORY[c].label if c in CATEGORY else c} {k:,}"
                             for c, k in col.categories[g])
            title = f"{span}: {group}, {n:,} event{'s' if n != 1 else ''} ({what})"
            count = (f"<text x='{x + 9:.1f}' y='{y + 3.5:.1f}' font-size='10'>{n:,}</text>"
                     if counted else "")
            parts.append(f"<g class='kz-mark' data-group='{charts.esc(group)}' "
                         f"data-events='{n}'><title>{charts.esc(title)}</title>"
                         f"{_shape(SHAPES[g % len(SHAPES)], x, y, r, GROUP_COLOURS[g])}"
                         f"{count}</g>")
        parts.append("</g>")
        out.append("".join(parts))
    return out


def _row_labels() -> list[str]:
    out = []
    for g, group in enumerate(EVENT_GROUPS):
        y = _row_centre(g)
        out.append(f"<text class='kz-row-label' x='{FRAME.left - 18}' y='{y + 3.5:.1f}' "
                   f"text-anchor='end' font-size='10'>{charts.esc(group)}</text>"
                   + _shape(SHAPES[g % len(SHAPES)], FRAME.left - 10, y, 4,
                            GROUP_COLOURS[g]))
    return out


def _body(scenario: Scenario) -> list[str]:
    """Everything that does not depend on the day."""
    ax = axis(scenario)
    return [*_lane(scenario, ax, "internet"), *_lane(scenario, ax, "state_of_emergency"),
            *_row_labels(), *_marks(scenario, ax)]


def highlight(ax: charts.DayAxis, day: date, title: str = "") -> list[str]:
    """The shown day: a frame around its place in the strip, through the lanes too."""
    index = ax.index(day)
    if index is None:
        return []
    width = max(ax.band(), 3.0)
    x = ax.centre(index) - width / 2
    top = min(LANE_TOPS.values()) - 3
    title = title or f"Shown: {charts.day_text(day)}"
    return [f"<rect class='kz-strip-selected' x='{x:.1f}' y='{top}' width='{width:.1f}' "
            f"height='{FRAME.plot_bottom - top + 1:.1f}' fill='#1f2328' fill-opacity='0.07' "
            f"stroke='{charts.INK}' stroke-width='1.5' pointer-events='none'>"
            f"<title>{charts.esc(title)}</title></rect>"]


def strip_svg(scenario: Scenario, day: date) -> str:
    """The strip of one day, whole: the scenario's part (cached), the day's frame and its
    label in bold."""
    body = per_scenario(scenario, "timestrip", _body)
    ax = axis(scenario)
    return charts.svg(FRAME, LABEL, [*body, *highlight(ax, day), *charts.day_labels(ax, day)],
                      TESTID, role="group", css_class="kz-timestrip")


def static_svg(scenario: Scenario) -> str:
    """The strip as the app sends it, the same on every day (so the page is sent it once and
    then only a reference to it): the frame stands on the first day, and `day_style` moves it
    to the shown day."""
    return per_scenario(scenario, "timestrip_static", _static_svg)


def _static_svg(scenario: Scenario) -> str:
    ax = axis(scenario)
    return charts.svg(FRAME, LABEL, [*per_scenario(scenario, "timestrip", _body),
                                     *highlight(ax, scenario.days[0], "The day shown"),
                                     *charts.day_labels(ax, None)],
                      TESTID, role="group", css_class="kz-timestrip")


def offset(scenario: Scenario, day: date) -> float:
    """How far the frame moves from the first day to ``day``, in the strip's units."""
    ax = axis(scenario)
    index = ax.index(day)
    return 0.0 if index is None else ax.centre(index) - ax.centre(0)


def day_style(scenario: Scenario, day: date) -> str:
    """The one part of the app's strip that follows the day: a style that moves its frame."""
    return (f"<style>[data-testid='{TESTID}'] .kz-strip-selected"
            f"{{transform:translateX({offset(scenario, day):.1f}px)}}</style>")
