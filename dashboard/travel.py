"""For a traveller: resolve a place, then the day's active dangers near it, the airports, the
curfew and state of emergency there, and the sources' advice. Pure: no Streamlit, no folium.

Distances are geodesic (WGS84), to the edge of a danger's real extent (`geo.measure`): a street's
line, a square's polygon, an approximate place's circle, the checkpoints' ring. A danger known
only by its city ("somewhere in Taraz") has no distance: it says the city, never "0 km".

The verdict says which of five bases applies, from the most specific: inside a located danger
(`inside`), within the radius of one (`near`), in a city where dangers without a known position
were reported that day (`city`), in a region under a state of emergency or curfew (`rules`), or
no report in this data (`none`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import coverage
from .caveats import NOT_IN_DATA, data_json, has_kind
from .gazetteer import Gazetteer, parse_coordinates
from .geo import compass, distance_bearing, measure, region_at, unlocated
from .scenario import Place, Scenario
from .timeline import DayState, area_names, status_label
from .vocab import RESTRICTION_LABELS, UNREST_CATEGORIES, status_value

DEFAULT_RADIUS_KM = 25.0
AT_KM = 0.05  # at a precise site: within 50 m of its point
NEAR_KM = 1.0  # "within 1 km": danger
CAUTION_KM = 5.0
LOCAL_SEARCH_LIMIT = 5


@dataclass(frozen=True)
class Resolved:
    name: str
    lat: float
    lon: float
    matched_by: str  # gazetteer, geocoder, coordinates, map
    detail: str = ""  # what matched, or the place's kind
    place_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.name}|{self.lat:.5f}|{self.lon:.5f}|{self.matched_by}"


@dataclass(frozen=True)
class Resolution:
    candidates: tuple[Resolved, ...]
    notice: str = ""  # e.g. the online geocoder was not reachable
    error: str = ""  # why nothing was found

    @property
    def best(self) -> Resolved | None:
        return self.candidates[0] if self.candidates else None


def resolve(query: str, gazetteer: Gazetteer, geocoder=None) -> Resolution:
    """Coordinates typed directly, else the offline gazetteer, plus the online geocoder if any.

    `geocoder` has ``search(query, limit) -> answer`` with ``hits``, ``ok`` and ``reason``
    (see geocode.py); it may fail in any way without breaking the answer.
    """
    text = (query or "").strip()
    if not text:
        return Resolution((), error="Type a place, or coordinates as 'lat, lon'.")
    try:
        coords = parse_coordinates(text)
    except ValueError as exc:
        return Resolution((), error=f"Not a place on Earth: {exc}.")
    if coords is not None:
        lat, lon = coords
        return Resolution((Resolved(f"{lat:.5f}, {lon:.5f}", lat, lon, "coordinates",
                                    "typed coordinates"),))
    local = [Resolved(m.entry.name, m.entry.lat, m.entry.lon, "gazetteer",
                      _match_detail(m), m.entry.place_id)
             for m in gazetteer.find(text, limit=LOCAL_SEARCH_LIMIT)]
    notice = ""
    online: list[Resolved] = []
    if geocoder is None:
        notice = ("Offline search: the built-in gazetteer answered alone. The online geocoder "
                  "is switched off.")
    else:
        try:
            answer = geocoder.search(text, limit=LOCAL_SEARCH_LIMIT)
            if answer.ok:
                online = [Resolved(h.name, h.lat, h.lon, "geocoder",
                                   "online geocoder (OpenStreetMap Nominatim)")
                          for h in answer.hits]
            else:
                notice = f"Offline search: the built-in gazetteer answered alone. {answer.reason}"
        except Exception as exc:  # noqa: BLE001 - a geocoder must never break the page
            notice = ("Offline search: the built-in gazetteer answered alone. The online "
                      f"geocoder failed ({type(exc).__name__}).")
    candidates = local + [o for o in online if not _duplicate(o, local)]
    if not candidates:
        return Resolution((), notice, f"No place called {text!r} was found.")
    return Resolution(tuple(candidates), notice)


def _match_detail(match) -> str:
    entry = match.entry
    kind = "settlement (GeoNames)" if entry.origin == "geonames" else entry.kind.replace("_", " ")
    if match.how == "fuzzy":
        return f"{kind}; the closest spelling, {match.matched!r}"
    if match.matched == entry.name:
        return kind
    return f"{kind}; matched {match.matched!r}"


def _duplicate(candidate: Resolved, others: list[Resolved]) -> bool:
    return any(distance_bearing(candidate.lat, candidate.lon, o.lat, o.lon)[0] < 1.0
               for o in others)


# --------------------------------------------------------------------------- the day's report


@dataclass(frozen=True)
class Danger:
    id: str  # the place id
    name: str
    kind: str  # avoid-zone, closed to the public, clash, protest, ..., seized site, guarded site
    distance_km: float  # to the edge of its area; 0 when inside
    centre_km: float
    bearing: float
    direction: str  # compass point
    lat: float
    lon: float
    approximate: bool
    radius_m: float
    reason: str
    sources: tuple[str, ...]
    city: str = ""  # for a danger known only by its city: that city ("somewhere in CITY")
    in_city: bool = False  # the point lies within that city's drawn extent

    @property
    def located(self) -> bool:
        return not self.city

    @property
    def inside(self) -> bool:
        """Inside its area, or at a precise site (within AT_KM of its point)."""
        return self.located and (self.distance_km == 0.0
                                 or (not self.approximate and self.distance_km <= AT_KM))


@dataclass(frozen=True)
class AirportInfo:
    id: str
    name: str
    status: str  # open, limited, closed, seized, or "no report"
    detail: str
    distance_km: float
    direction: str
    flights: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RuleInfo:
    kind: str  # curfew, state_of_emergency, movement, ...
    label: str
    where: str
    hours: str
    status: str
    detail: str
    until: date | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TravelReport:
    place: Resolved
    day: date
    radius_km: float
    region: str  # region name, "" when outside the country's regions
    verdict: str
    # danger, caution, restricted or no_reports: never "clear", since no data says a place is
    # safe.
    level: str
    reasons: tuple[str, ...]
    dangers: tuple[Danger, ...]  # within the radius, nearest first
    airports: tuple[AirportInfo, ...]  # nearest first
    curfews: tuple[RuleInfo, ...]
    emergency: tuple[RuleInfo, ...]
    other_rules: tuple[RuleInfo, ...]
    advice: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())  # (text, sources)
    # What is in force here and how well the data covers the region this day: shown with
    # every verdict, so that "no report" is never read as "safe".
    context: tuple[str, ...] = field(default=())
    coverage: str = ""
    control: tuple[Danger, ...] = field(default=())  # sites with a control status, nearest
    basis: str = "none"  # inside, near, city, rules, none: which verdict applies (module doc)
    # Dangers known only by their city, for the cities the point lies in or near.
    unlocated: tuple[Danger, ...] = field(default=())
    # Whether the data loaded whole (caveats.data_json): an answer from part of the data says so.
    data: dict = field(default_factory=dict, compare=False)


def _danger_kind(status) -> str:
    """The traveller's word for a status that is an active danger, "" for one that is not
    (vocab.py: `Value.danger`)."""
    value = status_value(status.kind, status.status)
    return value.danger if value else ""


def _somewhere(place) -> str:
    """The city of a danger known only by its city, else "": a site drawn on its city's
    point (`geo.unlocated`), or a whole city where something was reported without a place."""
    if unlocated(place):
        return place.city or place.name
    if place.kind == "city" and place.geo_precision == 3 and place.geometry is None:
        return place.name
    return ""


def _danger(place, kind: str, reason: str, sources, lat: float, lon: float) -> Danger:
    """A place as seen from the point: measured to its extent (checkpoints: their ring), or
    known only by its city."""
    m = measure(place, lat, lon, ring=place.kind == "checkpoint")
    city = _somewhere(place)
    return Danger(place.id, place.name, kind, m.edge_km, m.centre_km, m.bearing,
                  compass(m.bearing), m.lat, m.lon, place.approximate, place.radius_m or 0.0,
                  reason, tuple(sources), city, bool(city) and m.edge_km == 0.0)


def _nearest_first(dangers) -> list[Danger]:
    """Located dangers nearest first (ties: name), then those known only by their city."""
    return sorted(dangers, key=lambda d: (not d.located, d.distance_km, d.centre_km, d.name))


@dataclass(frozen=True)
class DayDanger:
    """One active danger of the day, before it is measured from anywhere: the place, the
    traveller's word for it, why, and the sources."""

    place: Place
    kind: str
    reason: str
    sources: tuple[str, ...]

    @property
    def city(self) -> str:
        """Its city when it is known only by its city ("somewhere in CITY"), else ""."""
        return _somewhere(self.place)


def day_dangers(state: DayState, scenario: Scenario) -> list[DayDanger]:
    """Every active danger of the day, once per place and kind: a status that is a danger
    (vocab.py), then an unrest event at a place."""
    found: dict[tuple[str, str], DayDanger] = {}

    def add(place, kind: str, reason: str, sources) -> None:
        if (place.id, kind) not in found:
            found[(place.id, kind)] = DayDanger(place, kind, reason, tuple(sources))

    for ps in state.places:
        for status in ps.statuses:
            kind = _danger_kind(status)
            if kind:
                add(ps.place, kind, f"{kind}: {status.detail}".strip(": "), status.sources)
    for event in state.events:
        place = scenario.places.get(event.place_id)
        if event.category in UNREST_CATEGORIES and place is not None and place.kind != "country":
            kind = event.category.replace("_", " ")
            add(place, kind, f"{kind} reported this day: {event.summary}", event.sources)
    return list(found.values())


def active_dangers(state: DayState, scenario: Scenario, lat: float, lon: float) -> list[Danger]:
    """Every active danger of the day: located ones nearest first (ties: name), then those
    known only by their city, nearest city first."""
    return _nearest_first(_danger(d.place, d.kind, d.reason, d.sources, lat, lon)
                          for d in day_dangers(state, scenario))


def _within_place(scenario: Scenario, area: str, lat: float, lon: float) -> bool:
    """Whether the point lies within a place that a restriction names as its area (a city:
    its extent, the radius drawn around it)."""
    place = scenario.places.get(area)
    if place is None or place.kind == "country":
        return False
    return distance_bearing(lat, lon, place.lat, place.lon)[0] * 1000.0 <= place.radius_m


def rules_at(state: DayState, scenario: Scenario, lat: float, lon: float) -> list[RuleInfo]:
    """The restrictions in force at a point this day (nationwide, its region's, a city's it
    lies within), the most specific first."""
    region = region_at(scenario, lat, lon)
    return _rules(state, scenario, region["id"] if region else None, lat, lon)


def _rules(state: DayState, scenario: Scenario, region_id: str | None, lat: float,
           lon: float) -> list[RuleInfo]:
    country = scenario.meta.country
    out = []
    for r in state.restrictions:
        if (country in r.area or (region_id and region_id in r.area)
                or any(_within_place(scenario, a, lat, lon) for a in r.area)):
            out.append(RuleInfo(r.kind, RESTRICTION_LABELS.get(r.kind, r.kind),
                                area_names(scenario, r.area),
                                r.hours, r.status, r.detail, r.valid_to, r.sources))
    # The most specific first: a city's or region's own rule before the nationwide one.
    out.sort(key=lambda r: (r.where == "nationwide", r.kind))
    return out


def _airports(state: DayState, scenario: Scenario, lat: float, lon: float) -> list[AirportInfo]:
    flights: dict[str, list[str]] = {}
    for flight in state.flights:
        words = flight.destination + (f" ({flight.operator})" if flight.operator else "")
        flights.setdefault(flight.airport, []).append(words)
    out = []
    for ps in state.places:
        if ps.place.kind != "airport":
            continue
        status = ps.status_of("airport")
        km, bearing = distance_bearing(lat, lon, ps.place.lat, ps.place.lon)
        out.append(AirportInfo(
            ps.place.id, ps.place.name, status.status if status else "no report",
            status.detail if status else "", round(km, 3), compass(bearing),
            tuple(flights.get(ps.place.id, ())),
            tuple(status.sources) if status else tuple(ps.place.sources)))
    return sorted(out, key=lambda a: a.distance_km)


def _verdict(dangers: list[Danger], radius_km: float,
             rules: list[RuleInfo]) -> tuple[str, str, str, list[str]]:
    """(verdict, level, basis, reasons), from the most specific basis that applies."""
    located = [d for d in dangers if d.located and d.distance_km <= radius_km]
    here = [d for d in dangers if not d.located and d.in_city]
    reasons = [f"{d.name}: {d.kind}, {_km_words(d)}"
               + (" (location approximate)" if d.approximate else "")
               for d in located if d.distance_km <= max(CAUTION_KM, located[0].distance_km)
               ][:6] if located else []
    reasons += [f"{d.name}: {d.kind}, somewhere in {d.city} (position not known)"
                for d in here][:6]
    if located:
        nearest = located[0]
        if nearest.inside:
            if nearest.approximate:
                return (f"Inside the area of an active {nearest.kind}: {nearest.name} (its "
                        "location is approximate).", "danger", "inside", reasons)
            return f"At an active {nearest.kind}: {nearest.name}.", "danger", "inside", reasons
        if nearest.distance_km <= NEAR_KM:
            return (f"Within 1 km of an active {nearest.kind}: {nearest.name} "
                    f"({nearest.distance_km:.1f} km {nearest.direction}).", "danger", "near",
                    reasons)
        if nearest.distance_km <= CAUTION_KM:
            return (f"Within 5 km of an active {nearest.kind}: {nearest.name} "
                    f"({nearest.distance_km:.1f} km {nearest.direction}).", "caution", "near",
                    reasons)
        return (f"Nearest active danger {nearest.distance_km:.1f} km {nearest.direction}: "
                f"{nearest.name} ({nearest.kind}).", "caution", "near", reasons)
    if here:
        cities = ", ".join(dict.fromkeys(d.city for d in here))
        kinds = ", ".join(dict.fromkeys(d.kind for d in here))
        return (f"In {cities}, where dangers were reported this day without a known position "
                f"({kinds}): no distance can be given.", "caution", "city", reasons)
    # The most specific of each (a city's or region's own before the nationwide one).
    soe = next((r for r in rules if r.kind == "state_of_emergency"), None)
    curfew = next((r for r in rules if r.kind == "curfew"), None)
    if soe or curfew:
        words = " and ".join(
            ["a state of emergency"] * bool(soe)
            + ([f"a curfew ({curfew.hours} local time)" if curfew.hours else "a curfew"]
               if curfew else []))
        return (f"No report of active danger within {radius_km:g} km in this data for this "
                f"day, in an area under {words}. That is an absence of reports, not a sign of "
                "safety.", "restricted", "rules", [])
    return (f"No report of active danger within {radius_km:g} km in this data for this "
            "day. That is an absence of reports, not a sign of safety.", "no_reports", "none", [])


def _km_words(danger: Danger) -> str:
    if danger.inside:
        return "inside its area" if danger.approximate else "here"
    return f"{danger.distance_km:.1f} km {danger.direction}"


def report(place: Resolved, state: DayState, scenario: Scenario,
           radius_km: float = DEFAULT_RADIUS_KM) -> TravelReport:
    dangers = active_dangers(state, scenario, place.lat, place.lon)
    region = region_at(scenario, place.lat, place.lon)
    rules = _rules(state, scenario, region["id"] if region else None, place.lat, place.lon)
    verdict, level, basis, reasons = _verdict(dangers, radius_km, rules)
    applies = {scenario.meta.country} | ({region["id"]} if region else set())
    if place.place_id:
        applies.add(place.place_id)
    advice = tuple((a.text, tuple(a.sources)) for a in state.advice
                   if set(a.applies_to) & applies)
    region_id, region_name = (region["id"], region["name"]) if region else (None, "")
    return TravelReport(
        place=place, day=state.day, radius_km=radius_km,
        region=region["name"] if region else "",
        verdict=verdict, level=level, reasons=tuple(reasons),
        dangers=tuple(d for d in dangers if d.located and d.distance_km <= radius_km),
        airports=tuple(_airports(state, scenario, place.lat, place.lon)),
        curfews=tuple(r for r in rules if r.kind == "curfew"),
        emergency=tuple(r for r in rules if r.kind == "state_of_emergency"),
        other_rules=tuple(r for r in rules if r.kind not in ("curfew", "state_of_emergency")),
        advice=advice,
        context=tuple(_context(state, rules) + _unknown_kinds(scenario)),
        coverage=coverage.coverage_words(scenario, region_id, region_name, state.day),
        control=tuple(_control(state, scenario, place.lat, place.lon, radius_km)),
        basis=basis,
        unlocated=tuple(d for d in dangers if not d.located
                        and (d.in_city or d.centre_km <= radius_km)),
        data=data_json(scenario),
    )


def _context(state: DayState, rules: list[RuleInfo]) -> list[str]:
    """What is in force at the place this day, in a sentence each: the state of emergency,
    the curfew, the internet, the terror alert, movement limits."""
    lines = []
    for rule in rules:
        if rule.kind == "state_of_emergency":
            lines.append(f"State of emergency in force ({rule.where}).")
        elif rule.kind == "curfew" and rule.hours:
            lines.append(f"Curfew {rule.hours} local time ({rule.where}).")
        elif rule.kind == "internet":
            lines.append(f"Internet: {rule.status} ({rule.where}); reports from many places "
                         "were thin.")
        elif rule.kind != "curfew":  # every other kind in force (vocab.py)
            lines.append(f"{rule.label}: {rule.status} ({rule.where}).")
    return list(dict.fromkeys(lines))


def _unknown_kinds(scenario: Scenario) -> list[str]:
    """The traveller's rules this scenario holds no data about: said, never taken as none."""
    return [f"{RESTRICTION_LABELS[kind]}: {NOT_IN_DATA}, so nothing can be said of it here."
            for kind in ("state_of_emergency", "curfew") if not has_kind(scenario, kind)]


def _control(state: DayState, scenario: Scenario, lat: float, lon: float,
             radius_km: float) -> list[Danger]:
    """Sites and cities within the radius with a control status this day, nearest first."""
    found = [_danger(ps.place, status_label(status), status.detail, status.sources, lat, lon)
             for ps, status in state.with_status("control")]
    return _nearest_first(d for d in found if d.distance_km <= radius_km
                          or (not d.located and d.centre_km <= radius_km))


def report_json(rep: TravelReport) -> dict:
    """The `near` command's answer."""
    return {
        "day": rep.day.isoformat(),
        "place": {"name": rep.place.name, "lat": rep.place.lat, "lon": rep.place.lon,
                  "matched_by": rep.place.matched_by, "detail": rep.place.detail,
                  "place_id": rep.place.place_id, "region": rep.region or None},
        "radius_km": rep.radius_km,
        "verdict": rep.verdict,
        "level": rep.level,
        "basis": rep.basis,
        "reasons": list(rep.reasons),
        "context": list(rep.context),
        "coverage": rep.coverage,
        "data": rep.data,
        "dangers": [{"id": d.id, "name": d.name, "kind": d.kind,
                     "distance_km": round(d.distance_km, 2),
                     "centre_distance_km": round(d.centre_km, 2),
                     "bearing": round(d.bearing, 1), "direction": d.direction,
                     "approximate": d.approximate, "sources": list(d.sources)}
                    for d in rep.dangers],
        "somewhere_in_city": [{"id": d.id, "name": d.name, "kind": d.kind, "city": d.city,
                               "in_city": d.in_city,
                               "city_centre_km": round(d.centre_km, 2),
                               "sources": list(d.sources)}
                              for d in rep.unlocated],
        "airports": [{"id": a.id, "name": a.name, "status": a.status,
                      "distance_km": round(a.distance_km, 2), "direction": a.direction,
                      "flights": list(a.flights), "sources": list(a.sources)}
                     for a in rep.airports],
        "curfew": [_rule_json(r) for r in rep.curfews],
        "state_of_emergency": [_rule_json(r) for r in rep.emergency],
        "advice": [{"text": text, "sources": list(src)} for text, src in rep.advice],
        "control": [{"id": d.id, "name": d.name, "held": d.kind,
                     "distance_km": round(d.distance_km, 2) if d.located else None,
                     "direction": d.direction if d.located else None,
                     "city": d.city or None, "approximate": d.approximate,
                     "sources": list(d.sources)}
                    for d in rep.control],
    }


def _rule_json(rule: RuleInfo) -> dict:
    return {"hours": rule.hours or None, "where": rule.where, "status": rule.status,
            "detail": rule.detail, "until": rule.until.isoformat() if rule.until else None,
            "sources": list(rule.sources)}
