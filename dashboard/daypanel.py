"""Pure builders for the day's panel: plain data and escaped HTML, no Streamlit calls."""

from __future__ import annotations

from dataclasses import dataclass

from .caveats import none_word
from .mapview import esc, sources_html
from .scenario import Scenario
from .timeline import (
    CONTROL_LABELS,
    METRIC_LABELS,
    DayState,
    area_names,
    dispute_text,
    format_figure,
    publishers,
    status_label,
)
from .vocab import RESTRICTION_LABELS

# Figures shown in the panel, in this order.
PANEL_METRICS = ("deaths", "security_deaths", "police_killed", "injured", "hospitalized",
                 "detained")


@dataclass(frozen=True)
class Badge:
    key: str
    label: str
    value: str
    tone: str  # "bad", "warn", "ok", "none"
    detail: str


def _publishers(scenario: Scenario, ids) -> str:
    return ", ".join(publishers(scenario, ids))


def badges(state: DayState, scenario: Scenario) -> list[Badge]:
    """National status at a glance: internet, banks, state of emergency, curfew, alert."""
    result = []
    internet = state.restriction("internet")
    if internet:
        r = internet[-1]
        tone = "bad" if r.status == "blackout" else "warn"
        result.append(Badge("internet", "Internet", r.status, tone, r.detail))
    else:
        result.append(Badge("internet", "Internet", none_word(
            scenario, "internet", "no disruption reported"), "none", ""))
    banks = state.restriction("banks")
    result.append(Badge("banks", "Banks", banks[0].status, "bad", banks[0].detail) if banks else
                  Badge("banks", "Banks", none_word(scenario, "banks", "no closure reported"),
                        "none", ""))
    soe = state.restriction("state_of_emergency")
    if soe:
        areas = sorted({a for r in soe for a in r.area})
        result.append(Badge("soe", "State of emergency", area_names(scenario, areas), "bad",
                            f"Until {max(r.valid_to for r in soe if r.valid_to):%d %B} "
                            "(ends at 00:00 the next day)" if any(r.valid_to for r in soe)
                            else ""))
    else:
        result.append(Badge("soe", "State of emergency",
                            none_word(scenario, "state_of_emergency", "none"), "none", ""))
    curfew = [r for r in state.restriction("curfew") if r.hours]
    if curfew:
        hours = sorted({r.hours for r in curfew})
        areas = sorted({a for r in curfew for a in r.area})
        result.append(Badge("curfew", "Curfew", f"{' / '.join(hours)} local time", "bad",
                            f"{area_names(scenario, areas)} (UTC{scenario.meta.utc_offset})"))
    else:
        result.append(Badge("curfew", "Curfew", none_word(scenario, "curfew", "none"), "none",
                            ""))
    alert = state.restriction("terror_alert")
    if alert:
        result.append(Badge("alert", "Terror alert", alert[0].status, "bad", alert[0].detail))
    # Every other kind in force (vocab.py): one badge a kind, its statuses and areas.
    shown = {"internet", "banks", "state_of_emergency", "curfew", "terror_alert"}
    others: dict[str, list] = {}
    for r in state.restrictions:
        if r.kind not in shown:
            others.setdefault(r.kind, []).append(r)
    for kind, rows in others.items():
        result.append(Badge(kind, RESTRICTION_LABELS.get(kind, kind.replace("_", " ")),
                            "; ".join(dict.fromkeys(r.status for r in rows)), "warn",
                            " · ".join(f"{area_names(scenario, r.area)}: {r.detail}"
                                       for r in rows)))
    return result


def badges_html(items: list[Badge]) -> str:
    cells = "".join(
        f"<div class='kz-badge kz-{b.tone}' data-badge='{esc(b.key)}' title='{esc(b.detail)}'>"
        f"<span class='kz-badge-label'>{esc(b.label)}</span>"
        f"<span class='kz-badge-value'>{esc(b.value)}</span></div>"
        for b in items
    )
    return f"<div class='kz-badges'>{cells}</div>"


def figures_rows(state: DayState, scenario: Scenario,
                 metrics: tuple[str, ...] = PANEL_METRICS) -> list[dict]:
    rows = []
    for metric in metrics:
        fs = state.figures.get(metric)
        if fs is None:
            continue
        fig = fs.figure
        rows.append({
            "metric": metric,
            "label": fs.label,
            "value": format_figure(fig),
            "as_of": f"{fig.reported_on.day} {fig.reported_on:%b}",
            "scope": fig.scope,
            "sources": _publishers(scenario, fig.sources),
            "disputes": [dispute_text(d, state.day) for d in fs.disputes.get(fig.id, ())],
            "also": [f"{format_figure(f)} ({_publishers(scenario, f.sources)}, reported "
                     f"{f.reported_on.day} {f.reported_on:%b})"
                     + "".join(f" — {dispute_text(d, state.day)}"
                               for d in fs.disputes.get(f.id, ()))
                     for f in fs.also_reported],
        })
    return rows


def regional_html(state: DayState, scenario: Scenario) -> str:
    """Figures given for one region or city, the latest of each, under their scope: never
    mixed with the national headline."""
    if not state.regional:
        return ""
    by_scope: dict[str, list[str]] = {}
    for fig in state.regional:
        disputes = "".join(f" — {dispute_text(d, state.day)}"
                           for d in scenario.disputes.get(fig.id, ()))
        by_scope.setdefault(fig.scope, []).append(
            f"<li data-regional='{esc(fig.id)}'>{esc(METRIC_LABELS.get(fig.metric, fig.metric))}"
            f": <b>{esc(format_figure(fig))}</b>{esc(disputes)} <span class='kz-muted'>reported "
            f"{fig.reported_on.day} {fig.reported_on:%b} · "
            f"{esc(_publishers(scenario, fig.sources))}</span></li>")
    items = "".join(f"<li><b>{esc(scope)}</b><ul>{''.join(rows)}</ul></li>"
                    for scope, rows in by_scope.items())
    return (f"<details class='kz-more' data-testid='kz-regional'><summary>By region and city "
            f"({len(state.regional)})</summary><ul class='kz-advice'>{items}</ul></details>")


def figures_html(state: DayState, scenario: Scenario,
                 metrics: tuple[str, ...] = PANEL_METRICS, css_class: str = "kz-figs") -> str:
    rows = figures_rows(state, scenario, metrics)
    if not rows:
        return "<p class='kz-muted'>No figures reported yet.</p>"
    cells = []
    for row in rows:
        also = (f"<div class='kz-also'>Also reported: {esc('; '.join(row['also']))}</div>"
                if row["also"] else "")
        disputed = "".join(f"<div class='kz-dispute' data-dispute>{esc(text)}</div>"
                           for text in row["disputes"])
        cells.append(
            f"<div class='kz-fig' data-metric='{esc(row['metric'])}'>"
            f"<div class='kz-fig-value'>{esc(row['value'])}</div>"
            f"<div class='kz-fig-label'>{esc(row['label'])}</div>"
            f"<div class='kz-fig-asof'>reported {esc(row['as_of'])} · "
            f"{esc(row['sources'])}</div>{disputed}{also}</div>")
    return f"<div class='{css_class}'>{''.join(cells)}</div>"


KEY_METRICS = ("deaths", "injured", "detained")


def key_figures_html(state: DayState, scenario: Scenario) -> str:
    """The figures a room reads from afar, large."""
    return figures_html(state, scenario, KEY_METRICS, "kz-figs kz-key-figs")


def caveat_html(caveat) -> str:
    """The blackout's warning that fewer reports does not mean less unrest."""
    if caveat is None:
        return ""
    by = f" <span class='kz-muted'>— {esc(', '.join(caveat.publishers))}</span>" \
        if caveat.publishers else ""
    return (f"<div class='kz-caveat' data-testid='kz-caveat' role='note'>"
            f"<b>{esc(caveat.headline)}</b><details><summary>What the sources say</summary>"
            f"{esc(caveat.detail)}{by}</details></div>")


PRESENT_CSS = """
<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"],[data-testid="stHeader"],[data-testid="stToolbar"],
[data-testid="stDecoration"]{display:none!important}
.block-container,[data-testid="stMainBlockContainer"]{padding:.8rem 1.6rem 0!important;
  max-width:100%!important}
iframe[title="streamlit_folium.st_folium"]{height:calc(100vh - 6rem)!important}
.kz-headline .kz-date{font-size:1.5rem}
.kz-headline .kz-title{font-size:2rem;line-height:1.2}
.kz-key-figs{grid-template-columns:1fr;margin:.5rem 0}
.kz-key-figs .kz-fig-value{font-size:2.4rem}
.kz-key-figs .kz-fig-label{font-size:1.25rem}
.kz-key-figs .kz-fig-asof{font-size:1rem}
.kz-caveat{font-size:1.1rem}.kz-caveat details{display:none}
.kz-badge .kz-badge-label{font-size:.85rem}.kz-badge .kz-badge-value{font-size:1.15rem}
</style>
"""


CHANGE_ICONS = {"appeared": "+", "ended": "–", "status_changed": "→", "figure_rose": "▲",
                "figure_changed": "≠", "disputed": "?", "retracted": "✗", "corrected": "✎"}


def changes_html(state: DayState) -> str:
    if not state.changes:
        return "<p class='kz-muted'>No change since the day before.</p>"
    items = "".join(
        f"<li data-change='{esc(c.kind)}'><span class='kz-ch'>{CHANGE_ICONS.get(c.kind, '•')}"
        f"</span>{esc(c.text)}</li>" for c in state.changes)
    return f"<ul class='kz-changes'>{items}</ul>"


def events_html(state: DayState, scenario: Scenario, start: int = 0,
                limit: int | None = None) -> str:
    """The day's events, all of them, or ``limit`` of them from ``start`` (a page)."""
    if not state.events:
        return "<p class='kz-muted'>No events recorded for this day.</p>"
    shown = state.events[start:] if limit is None else state.events[start:start + limit]
    items = []
    for event in shown:
        place = scenario.places.get(event.place_id)
        where = place.name if place and place.kind != "country" else "Nationwide"
        when = f"{event.time} · " if event.time else ""
        items.append(
            f"<li data-event='{esc(event.id)}'><div class='kz-ev-head'>{esc(when)}"
            f"<b>{esc(where)}</b> · {esc(event.category.replace('_', ' '))}</div>"
            f"<div>{esc(event.summary)}</div>"
            f"<details><summary>Sources</summary>{sources_html(scenario, event.sources)}"
            f"</details></li>")
    return f"<ol class='kz-events' start='{start + 1}'>{''.join(items)}</ol>"


def control_rows(state: DayState, scenario: Scenario) -> list[dict]:
    """Who held which site or city this day: protesters first, then contested, then the
    authorities; each with the day it began and its sources."""
    order = list(CONTROL_LABELS)
    rows = []
    for ps, status in state.with_status("control"):
        rows.append({"place": ps.place.id, "name": ps.place.name, "city": ps.place.city,
                     "status": status.status, "label": status_label(status),
                     "since": f"{status.valid_from.day} {status.valid_from:%b}",
                     "detail": status.detail,
                     "disputes": [dispute_text(d, state.day)
                                  for d in scenario.disputes.get(status.id, ())],
                     "sources": _publishers(scenario, status.sources)})
    return sorted(rows, key=lambda r: (order.index(r["status"]), r["name"]))


def control_html(state: DayState, scenario: Scenario) -> str:
    rows = control_rows(state, scenario)
    if not rows:
        return ("<p class='kz-muted'>No site or city is reported held by anyone on this day in "
                "this data.</p>")
    items = "".join(
        f"<li data-control='{esc(r['status'])}'><b>{esc(r['name'])}</b>: {esc(r['label'])} "
        f"since {esc(r['since'])}"
        + "".join(f" <span class='kz-dispute'>{esc(t)}</span>" for t in r["disputes"])
        + f" <span class='kz-muted'>— {esc(r['sources'])}</span></li>" for r in rows)
    return f"<ul class='kz-control'>{items}</ul>"


def followed_html(scenario: Scenario) -> str:
    """Figures reported after the scenario's last day: what followed, with their dates."""
    if not scenario.followed:
        return ""
    items = "".join(
        f"<li data-followed='{esc(f.id)}'><b>{esc(METRIC_LABELS.get(f.metric, f.metric))}:</b> "
        f"{esc(format_figure(f))} ({esc(f.scope)}), reported {f.reported_on.day} "
        f"{f.reported_on:%B %Y}"
        + "".join(f" <span class='kz-dispute'>{esc(dispute_text(d))}</span>"
                  for d in scenario.disputes.get(f.id, ()))
        + f" <span class='kz-muted'>— {esc(_publishers(scenario, f.sources))}</span></li>"
        for f in scenario.followed)
    return (f"<details class='kz-more'><summary>What followed (after "
            f"{scenario.meta.end.day} {scenario.meta.end:%B})</summary>"
            f"<ul class='kz-advice'>{items}</ul></details>")


def headline_html(state: DayState, scenario: Scenario, label: str) -> str:
    text = state.headline.headline if state.headline else "No headline recorded for this day"
    return (f"<div class='kz-headline'><div class='kz-date'>{esc(label)}</div>"
            f"<div class='kz-title' data-testid='kz-headline'>{esc(text)}</div></div>")


def section_html(title: str, body: str) -> str:
    return f"<h4 class='kz-h'>{esc(title)}</h4>{body}"


def summary_html(state: DayState, scenario: Scenario) -> str:
    """The panel's top: the figures, what changed, and the heading of the day's events."""
    return (section_html("Figures as of this day", figures_html(state, scenario)
                         + regional_html(state, scenario))
            + section_html("What changed since the day before", changes_html(state))
            + section_html("Who held what", control_html(state, scenario))
            + section_html(f"Events ({len(state.events):,})", ""))


def advice_details_html(state: DayState, scenario: Scenario) -> str:
    """The sources' advice, folded away under its heading."""
    return (f"<details class='kz-more'><summary>Advice from the sources</summary>"
            f"{advice_html(state, scenario)}</details>")


def advice_html(state: DayState, scenario: Scenario) -> str:
    if not state.advice:
        return "<p class='kz-muted'>No advice from the sources in force on this day.</p>"
    items = "".join(
        f"<li>{esc(a.text)} <span class='kz-muted'>— "
        f"{esc(_publishers(scenario, a.sources))}, "
        f"{esc(area_names(scenario, a.applies_to))}</span></li>" for a in state.advice)
    return f"<ul class='kz-advice'>{items}</ul>"


