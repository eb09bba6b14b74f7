"""Small SVG charts over a run of days, drawn on the server as text: no chart library runs in
the page, so a slider step only swaps a few kilobytes of markup. Pure; every text escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

FONT = "font-family='system-ui, sans-serif' font-size='11' fill='#3d4450'"
INK = "#1f2328"
GRID = "#e3e6ea"
SHADE = "#9e9e9e"
MAX_LABELS = 10  # day labels under a chart, at most


def esc(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Frame:
    """A chart's size (in viewBox units) and the margins around its plot."""

    width: int = 520
    height: int = 200
    left: int = 44
    right: int = 10
    top: int = 28
    bottom: int = 22

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_bottom(self) -> float:
        return self.height - self.bottom


@dataclass(frozen=True)
class DayAxis:
    """The chart's days, one band each, left to right."""

    days: tuple[date, ...]
    frame: Frame

    def band(self) -> float:
        return self.frame.plot_width / max(len(self.days), 1)

    def start(self, index: int) -> float:
        return self.frame.left + index * self.band()

    def centre(self, index: int) -> float:
        return self.start(index) + self.band() / 2

    def index(self, day: date) -> int | None:
        first = self.days[0] if self.days else None
        if first is None:
            return None
        offset = (day - first).days
        if 0 <= offset < len(self.days) and self.days[offset] == day:
            return offset
        try:
            return self.days.index(day)
        except ValueError:
            return None


def day_text(day: date) -> str:
    """'7 Jan 2022'."""
    return f"{day.day} {day:%b %Y}"


def svg(frame: Frame, label: str, body: Sequence[str], testid: str, role: str = "img",
        css_class: str = "kz-chart") -> str:
    """The chart: scales with its container's width; `label` is read by screen readers (a
    chart whose parts are controls is a `group`, not an `img`)."""
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='{esc(css_class)}' "
            f"data-testid='{esc(testid)}' role='{esc(role)}' "
            f"aria-label='{esc(label)}' viewBox='0 0 {frame.width} {frame.height}' "
            f"width='100%' preserveAspectRatio='xMidYMid meet' {FONT}>"
            f"<title>{esc(label)}</title>{''.join(body)}</svg>")


def runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Consecutive runs of true flags as (first, last) indexes."""
    out: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def shading(axis: DayAxis, flags: Sequence[bool], title: str, colour: str = SHADE,
            opacity: float = 0.18) -> list[str]:
    """A band (grey unless told) over each run of flagged days, from the frame's top to its
    plot's bottom, beneath everything else."""
    f = axis.frame
    return [f"<rect class='kz-shade' x='{axis.start(a):.1f}' y='{f.top}' "
            f"width='{axis.band() * (b - a + 1):.1f}' height='{f.plot_bottom - f.top:.1f}' "
            f"fill='{colour}' fill-opacity='{opacity:g}'><title>{esc(title)}</title></rect>"
            for a, b in runs(flags)]


def day_rule(axis: DayAxis, day: date) -> list[str]:
    """The slider's day: a dark line across the plot."""
    index = axis.index(day)
    if index is None:
        return []
    f, x = axis.frame, axis.centre(index)
    return [f"<line class='kz-day-rule' data-day='{day.isoformat()}' x1='{x:.1f}' "
            f"x2='{x:.1f}' y1='{f.top - 4}' y2='{f.plot_bottom:.1f}' stroke='{INK}' "
            "stroke-width='2'/>"]


def day_labels(axis: DayAxis, day: date | None) -> list[str]:
    """'7 Jan' under the bands, thinned to at most MAX_LABELS; the slider's day (if any) in
    bold."""
    f, count = axis.frame, len(axis.days)
    every = max(1, math.ceil(count / MAX_LABELS))
    chosen = axis.index(day) if day is not None else None
    out = [f"<line x1='{f.left}' x2='{f.width - f.right}' y1='{f.plot_bottom:.1f}' "
           f"y2='{f.plot_bottom:.1f}' stroke='{INK}' stroke-width='1'/>"]
    for i, d in enumerate(axis.days):
        if i % every and i != chosen:
            continue
        if i != chosen and chosen is not None and abs(i - chosen) < every:
            continue  # the slider's day label takes this place
        weight = " font-weight='700' fill='#1f2328'" if i == chosen else ""
        out.append(f"<text x='{axis.centre(i):.1f}' y='{f.height - 6}' text-anchor='middle'"
                   f"{weight}>{d.day} {d:%b}</text>")
    return out


def short_number(value: float) -> str:
    """10, 100, 1k, 10k, 1.5k, 2M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:.0f}{suffix}" if scaled == int(scaled) else f"{scaled:.1f}{suffix}"
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Scale:
    """Values to heights in the plot, linear or logarithmic, with its tick values."""

    low: float
    high: float
    log: bool
    ticks: tuple[float, ...]

    def y(self, value: float, frame: Frame) -> float:
        lo, hi, v = self.low, self.high, value
        if self.log:
            lo, hi, v = math.log10(lo), math.log10(hi), math.log10(max(value, self.low))
        share = 0.0 if hi == lo else (v - lo) / (hi - lo)
        return frame.plot_bottom - share * (frame.plot_bottom - frame.top)


def log_scale(values: Sequence[float]) -> Scale:
    """Whole powers of ten around the positive values, at least 10 to 1,000."""
    positive = [v for v in values if v > 0]
    lo = min([10.0, *positive])
    hi = max([1000.0, *positive])
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return Scale(10.0 ** first, 10.0 ** last, True,
                 tuple(10.0 ** p for p in range(first, last + 1)))


def linear_scale(maximum: float, ticks: int = 4) -> Scale:
    """From zero to a round maximum, with about `ticks` round steps."""
    if maximum <= 0:
        return Scale(0, 1, False, (0, 1))
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = step * math.ceil(maximum / step)
    count = round(top / step)
    return Scale(0, top, False, tuple(step * i for i in range(count + 1)))


def y_axis(scale: Scale, frame: Frame, title: str) -> list[str]:
    out = []
    for tick in scale.ticks:
        y = scale.y(tick, frame)
        out.append(f"<line x1='{frame.left}' x2='{frame.width - frame.right}' y1='{y:.1f}' "
                   f"y2='{y:.1f}' stroke='{GRID}' stroke-width='1'/>"
                   f"<text x='{frame.left - 5}' y='{y + 4:.1f}' text-anchor='end'>"
                   f"{short_number(tick)}</text>")
    out.append(f"<text x='{frame.left}' y='{frame.top - 14}' font-size='10'>"
               f"{esc(title)}</text>")
    return out


def legend(items: Sequence[tuple[str, str, bool]], frame: Frame) -> list[str]:
    """(label, colour, filled) swatches in a row at the top right."""
    out, x = [], float(frame.width - frame.right)
    for label, colour, filled in reversed(items):
        x -= 7 * len(label) + 22
        fill = colour if filled else "#ffffff"
        out.append(f"<circle cx='{x + 5:.1f}' cy='{frame.top - 17}' r='4' fill='{fill}' "
                   f"stroke='{colour}' stroke-width='1.5'/>"
                   f"<text x='{x + 13:.1f}' y='{frame.top - 13}'>{esc(label)}</text>")
    return out
