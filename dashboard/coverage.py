"""How much this data says about each region on each day: events and the sources behind them.

A region with no event on a day is shown as "no reports", never as calm: during the internet
blackout most regions went quiet in the record, not on the ground. Pure: data and HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .geo import region_at
from .mapview import esc
from .scenario import Scenario
from .timeline import events_by_day, per_scenario


@dataclass(frozen=True)
class Cell:
    events: int
    sources: int

    @property
    def empty(self) -> bool:
        return self.events == 0


NO_REPORTS = Cell(0, 0)


def _place_regions(scenario: Scenario) -> dict[str, str | None]:
    """Each place's region id (None for the country and places outside every region)."""
    found: dict[str, str | None] = {}
    for place in scenario.places.values():
        region = None if place.kind == "country" else region_at(scenario, place.lat, place.lon)
        found[place.id] = region["id"] if region else None
    return found


def place_regions(scenario: Scenario) -> dict[str, str | None]:
    return per_scenario(scenario, "place_regions", _place_regions)


def _table(scenario: Scenario) -> dict[date, dict[str, Cell]]:
    regions = place_regions(scenario)
    table: dict[date, dict[str, Cell]] = {}
    for day, events in events_by_day(scenario).items():
        counts: dict[str, tuple[int, set[str]]] = {}
        for event in events:
            rid = regions.get(event.place_id)
            if rid is None:
                continue
            n, sources = counts.get(rid, (0, set()))
            counts[rid] = (n + 1, sources | set(event.sources))
        table[day] = {rid: Cell(n, len(src)) for rid, (n, src) in counts.items()}
    return table


def coverage_table(scenario: Scenario) -> dict[date, dict[str, Cell]]:
    """Per day and region id: the events this data holds there and their distinct sources."""
    return per_scenario(scenario, "coverage", _table)


def cell(scenario: Scenario, region_id: str | None, day: date) -> Cell:
    if region_id is None:
        return NO_REPORTS
    return coverage_table(scenario).get(day, {}).get(region_id, NO_REPORTS)


def coverage_words(scenario: Scenario, region_id: str | None, region_name: str,
                   day: date) -> str:
    """One sentence on how well the data covers a region that day."""
    if region_id is None:
        return "This place lies outside the scenario's regions: this data says nothing of it."
    c = cell(scenario, region_id, day)
    if c.empty:
        return (f"This data holds no report from {region_name} on this day: that is an "
                "absence of reports, not a sign of calm.")
    return (f"This data holds {c.events} report(s) from {region_name} on this day, from "
            f"{c.sources} source(s).")


def coverage_html(scenario: Scenario, day: date) -> str:
    """A table of regions by days: events · sources per cell, "—" where no report is held;
    the shown day's column is marked."""
    table = coverage_table(scenario)
    regions = sorted(((f["properties"]["id"], f["properties"]["name"])
                      for f in scenario.regions.get("features", [])), key=lambda r: r[1])
    if not regions:
        return "<p class='kz-muted'>The scenario has no regions to count reports by.</p>"
    days = scenario.days
    if len(days) > 31:  # a long import: the month around the shown day
        i = days.index(day)
        days = days[max(0, i - 15):max(0, i - 15) + 31]
    head = "".join(f"<th class='{'kz-cov-day' if d == day else ''}'>{d.day}</th>" for d in days)
    rows = []
    for rid, name in regions:
        cells = []
        for d in days:
            c = table.get(d, {}).get(rid, NO_REPORTS)
            mark = " kz-cov-day" if d == day else ""
            if c.empty:
                cells.append(f"<td class='kz-cov-none{mark}' title='no reports in this data'>"
                             "—</td>")
            else:
                cells.append(f"<td class='kz-cov-some{mark}' data-events='{c.events}' "
                             f"title='{c.events} event(s), {c.sources} source(s)'>"
                             f"{c.events}·{c.sources}</td>")
        rows.append(f"<tr data-region='{esc(rid)}'><th>{esc(name)}</th>{''.join(cells)}</tr>")
    return (f"<table class='kz-cov' data-testid='kz-coverage'><thead><tr><th>Region</th>{head}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<p class='kz-note'>Events · sources this data holds per region and day. "
            "“—” means no reports in this data, not calm.</p>")


