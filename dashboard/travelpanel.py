"""Pure HTML of the traveller's answer: the verdict, the dangers near, the airports, the curfew,
the state of emergency and the sources' advice. Every text from the data or the search is
escaped."""

from __future__ import annotations

from .mapview import esc
from .scenario import Scenario
from .timeline import publishers
from .travel import Resolution, TravelReport
from .vocab import STATUS_KIND

# No level is green: the data can report danger, never establish safety.
LEVEL_CLASS = {"danger": "kz-bad", "caution": "kz-warn", "restricted": "kz-noreports",
               "no_reports": "kz-noreports"}
BASIS_WORDS = {
    "inside": "inside a located danger",
    "near": "a located danger within the radius",
    "city": "dangers in this city without a known position",
    "rules": "a state of emergency or curfew here, no report of danger nearby",
    "none": "no report in this data",
}
AIRPORT_WORDS = {**{v.key: v.label for v in STATUS_KIND["airport"].values},
                 "no report": "no report for this day"}


def _sources(scenario: Scenario, ids) -> str:
    return esc(", ".join(publishers(scenario, ids)))


def notice_html(found: Resolution) -> str:
    parts = []
    if found.notice:
        parts.append(f"<div class='kz-muted' data-testid='kz-search-notice'>"
                     f"{esc(found.notice)}</div>")
    if found.error:
        parts.append(f"<div class='kz-travel-error' data-testid='kz-search-error'>"
                     f"{esc(found.error)}</div>")
    return "".join(parts)


def verdict_html(rep: TravelReport) -> str:
    place = rep.place
    where = f"{esc(place.name)}" + (f" · {esc(rep.region)}" if rep.region else "")
    curfew = "; ".join(f"{esc(c.hours)} ({esc(c.where)})" for c in rep.curfews if c.hours)
    return (
        f"<div class='kz-verdict {LEVEL_CLASS[rep.level]}' data-testid='kz-verdict' "
        f"data-level='{rep.level}' data-basis='{rep.basis}'>"
        f"<div class='kz-verdict-place'>{where} <span class='kz-muted'>"
        f"({esc(place.lat)}, {esc(place.lon)}; found by {esc(place.matched_by)}"
        f"{': ' + esc(place.detail) if place.detail else ''})</span></div>"
        f"<div class='kz-verdict-text'>{esc(rep.verdict)}</div>"
        f"<div class='kz-verdict-basis'>Why: {esc(BASIS_WORDS[rep.basis])}</div>"
        + (f"<div class='kz-verdict-curfew'>Curfew: {curfew} local time</div>" if curfew else "")
        + "".join(f"<div class='kz-verdict-context'>{esc(line)}</div>" for line in rep.context
                  if not line.startswith("Curfew "))
        + (f"<div class='kz-verdict-coverage' data-testid='kz-coverage-note'>"
           f"{esc(rep.coverage)}</div>" if rep.coverage else "")
        + (f"<div class='kz-verdict-coverage' data-testid='kz-set-aside'>"
           f"{esc(rep.data['note'])}</div>" if rep.data.get("note") else "")
        + "</div>")


def details_html(rep: TravelReport, scenario: Scenario) -> str:
    out = []
    if rep.dangers:
        rows = "".join(
            f"<li data-danger='{esc(d.id)}'><b>{esc(d.name)}</b>: {esc(d.kind)}, "
            + ("inside its area" if d.inside and d.approximate else "here" if d.inside
               else f"{d.distance_km:.1f} km {esc(d.direction)}")
            + (" <span class='kz-muted'>(location approximate)</span>" if d.approximate else "")
            + f" <span class='kz-muted'>— {_sources(scenario, d.sources)}</span></li>"
            for d in rep.dangers[:12])
        more = (f"<div class='kz-muted'>and {len(rep.dangers) - 12} more</div>"
                if len(rep.dangers) > 12 else "")
        out.append(f"<div class='kz-th'>Active dangers within {rep.radius_km:g} km</div>"
                   f"<ul class='kz-travel-list'>{rows}</ul>{more}")
    if rep.unlocated:
        rows = "".join(
            f"<li data-unlocated='{esc(d.id)}'><b>{esc(d.name)}</b>: {esc(d.kind)}, "
            f"somewhere in {esc(d.city)}"
            + (" (you are in this city)" if d.in_city else
               f" ({d.centre_km:.0f} km to the city's centre)")
            + f" <span class='kz-muted'>— {_sources(scenario, d.sources)}</span></li>"
            for d in rep.unlocated[:12])
        out.append("<div class='kz-th'>Reported without a known position</div>"
                   f"<ul class='kz-travel-list'>{rows}</ul>")
    if rep.control:
        rows = "".join(
            f"<li data-control='{esc(d.id)}'><b>{esc(d.name)}</b>: {esc(d.kind)}, "
            + (f"somewhere in {esc(d.city)}" if not d.located
               else "here" if d.inside and not d.approximate
               else f"{d.distance_km:.1f} km {esc(d.direction)}")
            + (" <span class='kz-muted'>(location approximate)</span>" if d.approximate else "")
            + f" <span class='kz-muted'>— {_sources(scenario, d.sources)}</span></li>"
            for d in rep.control[:12])
        out.append(f"<div class='kz-th'>Who held sites within {rep.radius_km:g} km</div>"
                   f"<ul class='kz-travel-list'>{rows}</ul>")
    airports = "".join(
        f"<li data-airport='{esc(a.id)}' data-status='{esc(a.status)}'><b>{esc(a.name)}</b>: "
        f"{esc(AIRPORT_WORDS.get(a.status, a.status))}, {a.distance_km:.0f} km "
        f"{esc(a.direction)}"
        + (f"<div class='kz-muted'>Flights: {esc('; '.join(a.flights))}</div>" if a.flights
           else "")
        + "</li>"
        for a in rep.airports)
    out.append(f"<div class='kz-th'>Airports this day</div><ul class='kz-travel-list'>"
               f"{airports}</ul>")
    rules = [*rep.curfews, *rep.emergency]
    if rules:
        items = "".join(
            f"<li><b>{esc(r.label.capitalize())}</b> ({esc(r.where)}): "
            + (f"{esc(r.hours)} local time. " if r.hours else "")
            + f"{esc(r.detail)} <span class='kz-muted'>— {_sources(scenario, r.sources)}"
            "</span></li>" for r in rules)
        out.append(f"<div class='kz-th'>Curfew and state of emergency here</div>"
                   f"<ul class='kz-travel-list'>{items}</ul>")
    else:
        out.append("<div class='kz-th'>Curfew and state of emergency here</div>"
                   "<div class='kz-muted'>None in force here this day.</div>")
    if rep.advice:
        items = "".join(f"<li>“{esc(text)}” <span class='kz-muted'>— "
                        f"{_sources(scenario, src)}</span></li>" for text, src in rep.advice)
        out.append(f"<div class='kz-th'>What the sources advise</div>"
                   f"<ul class='kz-travel-list'>{items}</ul>")
    return f"<div class='kz-travel' data-testid='kz-travel'>{''.join(out)}</div>"


