"""A DayState as plain JSON-ready data: the snapshot contract documented in README.md."""

from __future__ import annotations

from typing import Any

from .scenario import Scenario
from .timeline import DayState


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
            {"kind": s.kind, "status": s.status, "detail": s.detail,
             "valid_from": s.valid_from.isoformat(),
             "valid_to": s.valid_to.isoformat() if s.valid_to else None,
             "sources": list(s.sources)}
            for s in ps.statuses
        ],
        "detail": (primary.detail if primary and primary.detail else place.detail),
        "sources": sorted(set(place.sources) | {x for s in ps.statuses for x in s.sources}),
    }


def snapshot(state: DayState, scenario: Scenario) -> dict[str, Any]:
    """The day's state in the documented JSON shape."""
    return {
        "date": state.day.isoformat(),
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
            metric: {
                "value": fs.figure.value,
                "qualifier": fs.figure.qualifier,
                "as_of": fs.figure.reported_on.isoformat(),
                "scope": fs.figure.scope,
                "detail": fs.figure.detail,
                "sources": list(fs.figure.sources),
                "also_reported": [
                    {"value": f.value, "qualifier": f.qualifier,
                     "as_of": f.reported_on.isoformat(), "detail": f.detail,
                     "sources": list(f.sources)}
                    for f in fs.also_reported
                ],
            }
            for metric, fs in sorted(state.figures.items())
        },
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
    return cited
