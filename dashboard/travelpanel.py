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




# --------------------------------------------------------------------------- from A to B


def _route_sources(answer, ids) -> str:
    from .route import publishers_of

    names = publishers_of(answer, ids)
    return f" <span class='kz-muted'>— {esc(', '.join(names))}</span>" if names else ""


def _end_html(label: str, e, answer) -> str:
    end = e.end
    where = (f"{esc(end.lat)}, {esc(end.lon)}; " if end.located else "no position in this "
             "data; ") + f"found by {esc(end.matched_by)}"
    parts = [f"<div class='kz-th'>{label}: {esc(end.name)} <span class='kz-muted'>({where})"
             "</span></div>"]
    if e.report is None:
        parts.append("<div class='kz-muted'>This data holds no report of this place.</div>")
        return "".join(parts)
    rep = e.report
    parts.append(f"<div class='kz-verdict {LEVEL_CLASS[rep.level]}' data-level='{rep.level}'>"
                 f"{esc(rep.verdict)}</div>")
    items = [f"<li><b>{esc(r.label)}</b> ({esc(r.where)})"
             + (f": {esc(r.hours)} local time" if r.hours else "")
             + _route_sources(answer, r.sources) + "</li>"
             for r in (*rep.curfews, *rep.emergency)]
    if not rep.curfews:
        items.append("<li class='kz-muted'>No curfew reported here in this data for this day."
                     "</li>")
    items += [f"<li data-airport='{esc(a.id)}' data-status='{esc(a.status)}'>{esc(a.name)}: "
              f"{esc(AIRPORT_WORDS.get(a.status, a.status))}, {a.distance_km:.0f} km "
              f"{esc(a.direction)}" + _route_sources(answer, a.sources) + "</li>"
              for a in e.airports]
    if not e.airports:
        items.append("<li class='kz-muted'>No airport of this data within 50 km.</li>")
    parts.append(f"<ul class='kz-travel-list'>{''.join(items)}</ul>")
    if rep.coverage:
        parts.append(f"<div class='kz-muted'>{esc(rep.coverage)}</div>")
    return "".join(parts)


def route_html(answer) -> str:
    """The answer for the straight line from A to B (route.RouteAnswer), in plain words with
    its sources; a flight abroad as the flight's answer."""
    out = [f"<div class='kz-verdict {LEVEL_CLASS[answer.level]}' data-testid='kz-route-verdict' "
           f"data-level='{answer.level}'>"
           + (f"<div class='kz-verdict-place'>{esc(answer.start.end.name)} → "
              f"{esc(answer.end.end.name)}"
              + (f" <span class='kz-muted'>({answer.distance_km:.0f} km in a straight line)"
                 "</span>" if answer.distance_km is not None else "") + "</div>")
           + f"<div class='kz-verdict-text'>{esc(answer.verdict)}</div>"
           f"<div class='kz-verdict-basis' data-testid='kz-route-note'>{esc(answer.note)}</div>"
           "</div>"]
    if answer.data_problems:
        out.append(f"<div class='kz-muted'>{esc(answer.data_problems)}</div>")
    if answer.flight is not None:
        f = answer.flight
        rows = "".join(f"<li data-flight='{esc(x.id)}'>{esc(x.destination)}"
                       + (f" ({esc(x.operator)})" if x.operator else "")
                       + f": {esc(x.detail)}" + _route_sources(answer, x.sources) + "</li>"
                       for x in f.services)
        out.append(f"<div class='kz-th'>The flight</div><div data-testid='kz-route-flight' "
                   f"data-status='{esc(f.status)}'>{esc(f.words)}"
                   + _route_sources(answer, f.airport_sources) + "</div>"
                   + (f"<ul class='kz-travel-list'>{rows}</ul>" if rows else ""))
    for title, items in (("Active dangers the line crosses", answer.crossed),
                         (f"Active dangers within {answer.near_km:g} km of the line",
                          answer.near)):
        if items:
            rows = "".join(
                f"<li data-route-danger='{esc(m.id)}'><b>{esc(m.name)}</b>: "
                f"{esc(', '.join(m.kinds))}, "
                + (f"entered at km {m.enters_km:.1f}" if m.crossed
                   else f"{m.distance_km:.1f} km from the line at km {m.along_km:.1f}")
                + (" <span class='kz-muted'>(location approximate)</span>" if m.approximate
                   else "") + _route_sources(answer, m.sources) + "</li>"
                for m in items[:12])
            more = (f"<div class='kz-muted'>and {len(items) - 12} more</div>"
                    if len(items) > 12 else "")
            out.append(f"<div class='kz-th'>{esc(title)}</div>"
                       f"<ul class='kz-travel-list'>{rows}</ul>{more}")
    if answer.on_the_way:
        rows = []
        for c in answer.on_the_way:
            said = [f"{esc(r.label)}: {esc(r.status)} ({esc(r.where)})"
                    + _route_sources(answer, r.sources) for r in c.movement]
            said += [f"{esc(k.name)}" + _route_sources(answer, k.sources)
                     for k in c.checkpoints]
            said += [f"{esc(u.name)}: {esc(u.kind)}, somewhere in the city (position not "
                     "known)" + _route_sources(answer, u.sources) for u in c.unlocated]
            if c.note:
                said.append(f"<span class='kz-muted'>{esc(c.note)}</span>")
            where = ("the line passes through" if c.through
                     else f"{c.distance_km:.1f} km from the line")
            rows.append(f"<li data-route-city='{esc(c.id or c.name)}'><b>{esc(c.name)}</b> "
                        f"<span class='kz-muted'>({where})</span><ul>"
                        + "".join(f"<li>{s}</li>" for s in said) + "</ul></li>")
        out.append("<div class='kz-th'>Cities on the way</div>"
                   f"<ul class='kz-travel-list'>{''.join(rows)}</ul>")
    out.append(_end_html("Start", answer.start, answer))
    out.append(_end_html("Destination", answer.end, answer))
    if answer.gaps:
        out.append("<div class='kz-th'>What this data does not say</div>"
                   "<ul class='kz-travel-list'>"
                   + "".join(f"<li class='kz-muted'>{esc(g)}</li>" for g in answer.gaps)
                   + "</ul>")
    return f"<div class='kz-travel' data-testid='kz-route'>{''.join(out)}</div>"
