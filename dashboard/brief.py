"""A day on one page of Markdown: headline, national status, figures, changes, events, sources.

Every text from the data is escaped (``md``) so that it reads as text in any Markdown viewer:
it cannot open a link, an image, raw HTML, emphasis or a table cell.
"""

from __future__ import annotations

import re
from datetime import timedelta

from .caveats import set_aside
from .daypanel import PANEL_METRICS, badges, control_rows
from .export import web_url
from .scenario import Scenario
from .timeline import (
    METRIC_LABELS,
    DayState,
    area_names,
    dispute_text,
    format_figure,
)
from .vocab import RESTRICTION_LABELS

# Characters that open emphasis, code, links, images, raw HTML, entities or table cells. Data
# text never starts a line (newlines are folded), so block markers (# - + 1.) stay as they are.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>|~&])")
# Bare web addresses that GitHub-flavoured Markdown would turn into links.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)://|\b(www)\.")


def md(text: object) -> str:
    """Data text made inert in Markdown: one line, every active character backslash-escaped."""
    one_line = " ".join(str(text).split())
    escaped = _MD_ACTIVE.sub(r"\\\1", one_line)
    return _AUTOLINK.sub(lambda m: f"{m.group(1)}\\://" if m.group(1) else f"{m.group(2)}\\.",
                         escaped)


def _day(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _cited(state: DayState) -> list[str]:
    """Source ids in the order the brief cites them."""
    ids: list[str] = []
    if state.headline:
        ids.extend(state.headline.sources)
    for r in state.restrictions:
        ids.extend(r.sources)
    for fs in state.figures.values():
        for f in (fs.figure, *fs.also_reported):
            ids.extend(f.sources)
            for d in fs.disputes.get(f.id, ()):
                ids.extend(d.sources)
    for fig in state.regional:
        ids.extend(fig.sources)
    for _, status in state.with_status("control"):
        ids.extend(status.sources)
    for c in state.changes:
        ids.extend(c.sources)
    for e in state.events:
        ids.extend(e.sources)
    return list(dict.fromkeys(ids))


def _refs(numbers: dict[str, int], ids) -> str:
    refs = [f"S{numbers[s]}" for s in dict.fromkeys(ids) if s in numbers]
    return f" \\[{', '.join(refs)}\\]" if refs else ""


def _status_section(state: DayState, scenario: Scenario, numbers: dict[str, int]) -> list[str]:
    kinds = {"internet": "internet", "banks": "banks", "soe": "state_of_emergency",
             "curfew": "curfew", "alert": "terror_alert"}
    lines = ["## National status", ""]
    for badge in badges(state, scenario):
        kind = kinds.get(badge.key, badge.key)
        ids = [s for r in state.restriction(kind) for s in r.sources]
        detail = f" — {md(badge.detail)}" if badge.detail else ""
        lines.append(f"- **{md(badge.label)}:** {md(badge.value)}{detail}{_refs(numbers, ids)}")
    shown = {*kinds.values(), *(b.key for b in badges(state, scenario))}
    for r in state.restrictions:  # the rest in force: movement limits, checkpoints
        if r.kind not in shown:
            lines.append(f"- **{md(RESTRICTION_LABELS.get(r.kind, r.kind))}** "
                         f"({md(area_names(scenario, r.area))}): {md(r.status)} — "
                         f"{md(r.detail)}{_refs(numbers, r.sources)}")
    return lines


def _disputes(fs, fig, numbers: dict[str, int], day) -> str:
    return "".join(f" — *{md(dispute_text(d, day))}*{_refs(numbers, d.sources)}"
                   for d in fs.disputes.get(fig.id, ()))


def _figures_section(state: DayState, scenario: Scenario,
                     numbers: dict[str, int]) -> list[str]:
    lines = ["## Figures as of this day", ""]
    order = [m for m in PANEL_METRICS if m in state.figures]
    order += sorted(m for m in state.figures if m not in PANEL_METRICS)
    if not order:
        return [*lines, "No figures reported yet."]
    for metric in order:
        fs = state.figures[metric]
        fig = fs.figure
        also = "; ".join(f"{md(format_figure(f))} (reported {f.reported_on.isoformat()})"
                         f"{_refs(numbers, f.sources)}{_disputes(fs, f, numbers, state.day)}"
                         for f in fs.also_reported)
        lines.append(
            f"- **{md(fs.label)}:** {md(format_figure(fig))}, reported on "
            f"{fig.reported_on.isoformat()} ({md(fig.scope)})"
            f"{_refs(numbers, fig.sources)}{_disputes(fs, fig, numbers, state.day)}"
            + (f". Also reported: {also}" if also else ""))
    if state.regional:
        lines += ["", "By region and city:", ""]
        lines += [f"- {md(f.scope)}: {md(METRIC_LABELS.get(f.metric, f.metric))} "
                  f"{md(format_figure(f))}, reported on {f.reported_on.isoformat()}"
                  f"{_refs(numbers, f.sources)}"
                  + "".join(f" — *{md(dispute_text(d, state.day))}*"
                            for d in scenario.disputes.get(f.id, ()))
                  for f in state.regional]
    return lines


def _control_section(state: DayState, scenario: Scenario,
                     numbers: dict[str, int]) -> list[str]:
    lines = ["## Who held what", ""]
    rows = control_rows(state, scenario)
    if not rows:
        return [*lines, "No site or city is reported held by anyone on this day in this data."]
    statuses = {ps.place.id: s for ps, s in state.with_status("control")}
    for row in rows:
        refs = _refs(numbers, statuses[row["place"]].sources)
        disputes = "".join(f" — *{md(t)}*" for t in row["disputes"])
        lines.append(f"- **{md(row['name'])}:** {md(row['label'])} since {md(row['since'])}"
                     f"{disputes}{refs}")
    return lines


def _followed_section(scenario: Scenario) -> list[str]:
    if not scenario.followed:
        return []
    end = scenario.meta.end
    lines = [f"## What followed (after {end.day} {end:%B %Y})", ""]
    for fig in scenario.followed:
        where = "; ".join(
            s.url or s.file for s in (scenario.sources.get(i) for i in fig.sources) if s)
        disputes = "".join(f" — *{md(dispute_text(d))}*"
                           for d in scenario.disputes.get(fig.id, ()))
        lines.append(f"- **{md(METRIC_LABELS.get(fig.metric, fig.metric))}:** "
                     f"{md(format_figure(fig))} ({md(fig.scope)}), reported on "
                     f"{fig.reported_on.isoformat()}{disputes} ({md(where)})")
    return lines


def _changes_section(state: DayState, numbers: dict[str, int]) -> list[str]:
    before = state.day - timedelta(days=1)
    lines = [f"## What changed since {_day(before)}", ""]
    if not state.changes:
        return [*lines, "No change since the day before."]
    lines += [f"- {md(c.text)}{_refs(numbers, c.sources)}" for c in state.changes]
    return lines


def _events_section(state: DayState, scenario: Scenario, numbers: dict[str, int]) -> list[str]:
    lines = [f"## Events ({len(state.events)})", ""]
    if not state.events:
        return [*lines, "No events recorded for this day."]
    for event in state.events:
        place = scenario.places.get(event.place_id)
        where = place.name if place and place.kind != "country" else "Nationwide"
        when = f"{md(event.time)} · " if event.time else ""
        lines.append(f"- {when}**{md(where)}** · {md(event.category.replace('_', ' '))}: "
                     f"{md(event.summary)}{_refs(numbers, event.sources)}")
    return lines


def _sources_section(scenario: Scenario, cited: list[str]) -> list[str]:
    lines = ["## Sources", ""]
    if not cited:
        return [*lines, "No sources cited on this day."]
    for number, sid in enumerate(cited, 1):
        source = scenario.sources.get(sid)
        if source is None:
            lines.append(f"- S{number}: {md(sid)} (unknown source)")
            continue
        where = []
        if source.file:
            where.append(f"file {md(source.file)}")
        if source.url:
            link = web_url(source.url)
            where.append(f"<{link}>" if link and not re.search(r"[<>]", link)
                         else md(source.url))
        lines.append(f"- S{number}: {md(source.title)} — {md(source.publisher)}, "
                     f"{md(source.date)}" + (f"; {'; '.join(where)}" if where else "")
                     + f" (id {md(sid)})")
    return lines


def day_brief(state: DayState, scenario: Scenario) -> str:
    """One page of Markdown for the day; sources are numbered S1, S2… in the order cited."""
    cited = _cited(state)
    numbers = {sid: n for n, sid in enumerate(cited, 1) if sid in scenario.sources}
    headline = state.headline.headline if state.headline else "No headline recorded for this day"
    head_refs = _refs(numbers, state.headline.sources) if state.headline else ""
    lines = [f"# {md(scenario.meta.title)}: {_day(state.day)}", "",
             f"**{md(headline)}**{head_refs}", "",
             f"Times are local (UTC{md(scenario.meta.utc_offset)}).", ""]
    if scenario.problems:
        lines += [f"> **{md(set_aside(scenario))}**", ""]
    for section in (_status_section(state, scenario, numbers),
                    _figures_section(state, scenario, numbers),
                    _control_section(state, scenario, numbers),
                    _changes_section(state, numbers),
                    _events_section(state, scenario, numbers),
                    _followed_section(scenario),
                    _sources_section(scenario, cited)):
        if section:
            lines += [*section, ""]
    return "\n".join(lines)
