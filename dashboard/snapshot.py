"""A DayState as plain JSON-ready data: the snapshot contract documented in README.md."""

from __future__ import annotations

from typing import Any

from .caveats import data_json
from .scenario import Scenario
from .timeline import DayState, dispute_text


def disputes(scenario: Scenario, row_id: str) -> list[dict[str, Any]]:
    """Who denied, retracted or corrected the row, when, and the sources saying so."""
    return [{"kind": d.kind, "by": d.by, "reported_on": d.reported_on.isoformat(),
             "detail": d.detail, "text": dispute_text(d), "sources": list(d.sources)}
            for d in scenario.disputes.get(row_id, ())]


def _figure(fig, scenario: Scenario) -> dict[str, Any]:
    return {"id": fig.id, "value": fig.value, "qualifier": fig.qualifier,
            "as_of": fig.reported_on.isoformat(), "scope": fig.scope, "detail": fig.detail,
            "sources": list(fig.sources), "disputes": disputes(scenario, fig.id)}


def _place(ps, scenario: Scenario) -> dict[str, Any]:
    place = ps.place
    primary = ps.primary
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "geo_precision": place.geo_precision,
        "radius_m": place.radius_m,
        "city": place.city or None,
        "status": primary.status if primary else None,
        "statuses": [
            {"id": s.id, "kind": s.kind, "status": s.status, "detail": s.detail,
             "valid_from": s.valid_from.isoformat(),
             "valid_to": s.valid_to.isoformat() if s.valid_to else None,
             "disputes": disputes(scenario, s.id), "sources": list(s.sources)}
            for s in ps.statuses
        ],
        "detail": (primary.detail if primary and primary.detail else place.detail),
        "sources": sorted(set(place.sources) | {x for s in ps.statuses for x in s.sources}),
    }


def snapshot(state: DayState, scenario: Scenario) -> dict[str, Any]:
    """The day's state in the documented JSON shape."""
    return {
        "date": state.day.isoformat(),
        "data": data_json(scenario),
        "headline": ({"text": state.headline.headline, "sources": list(state.headline.sources)}
                     if state.headline else None),
        "places": [_place(ps, scenario) for ps in state.places],
        "events": [
            {"id": e.id, "date": e.date.isoformat(), "time": e.time or None,
             "time_precision": e.time_precision, "place_id": e.place_id,
             "category": e.category, "summary": e.summary, "sources": list(e.sources)}
            for e in state.events
        ],
        "restrictions": [
            {"id": r.id, "kind": r.kind, "area": list(r.area), "status": r.status,
             "hours": r.hours or None, "detail": r.detail,
             "valid_from": r.valid_from.isoformat(),
             "valid_to": r.valid_to.isoformat() if r.valid_to else None,
             "sources": list(r.sources)}
            for r in state.restrictions
        ],
        "figures": {
            metric: {**_figure(fs.figure, scenario),
                     "also_reported": [_figure(f, scenario) for f in fs.also_reported]}
            for metric, fs in sorted(state.figures.items())
        },
        "regional_figures": [{"metric": f.metric, **_figure(f, scenario)}
                             for f in state.regional],
        "control": [
            {"place_id": ps.place.id, "name": ps.place.name, "status": s.status,
             "since": s.valid_from.isoformat(),
             "until": s.valid_to.isoformat() if s.valid_to else None,
             "detail": s.detail, "disputes": disputes(scenario, s.id),
             "sources": list(s.sources)}
            for ps, s in state.with_status("control")
        ],
        "followed": [{"metric": f.metric, **_figure(f, scenario)} for f in scenario.followed],
        "flights": [
            {"id": f.id, "airport": f.airport, "destination": f.destination,
             "scope": f.scope, "operator": f.operator or None, "sources": list(f.sources)}
            for f in state.flights
        ],
        "advice": [
            {"id": a.id, "applies_to": list(a.applies_to), "text": a.text,
             "sources": list(a.sources)}
            for a in state.advice
        ],
        "changes": [
            {"kind": c.kind, "subject": c.subject, "what": c.what, "before": c.before,
             "after": c.after, "text": c.text, "sources": list(c.sources)}
            for c in state.changes
        ],
        "sources": {
            sid: {"title": s.title, "publisher": s.publisher, "date": s.date,
                  "file": s.file or None, "url": s.url or None}
            for sid, s in sorted(scenario.sources.items())
            if sid in _cited(state, scenario)
        },
    }


def _cited(state: DayState, scenario: Scenario) -> set[str]:
    cited: set[str] = set()
    for ps in state.places:
        cited.update(ps.place.sources)
        for s in ps.statuses:
            cited.update(s.sources)
    if state.headline:
        cited.update(state.headline.sources)
    for group in (state.events, state.restrictions, state.flights, state.advice, state.changes):
        for item in group:
            cited.update(item.sources)
    for fs in state.figures.values():
        cited.update(fs.figure.sources)
        for f in fs.also_reported:
            cited.update(f.sources)
    for fig in (*scenario.followed, *state.regional):
        cited.update(fig.sources)
    shown = ({fs.figure.id for fs in state.figures.values()}
             | {f.id for fs in state.figures.values() for f in fs.also_reported}
             | {f.id for f in (*scenario.followed, *state.regional)}
             | {s.id for ps in state.places for s in ps.statuses}
             | {e.id for e in state.events} | {r.id for r in state.restrictions})
    for row_id in shown & set(scenario.disputes):
        for d in scenario.disputes[row_id]:
            cited.update(d.sources)
    return cited
