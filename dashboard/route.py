"""From A to B on a day: what the straight line between two places meets. Pure: no
Streamlit, no folium.

The line is the geodesic (the shortest line on the WGS84 ellipsoid), not a road route. For
the day it lists the active dangers it crosses (where it enters them, in km from the start)
and those it passes within `near_km` of (the closest distance), the cities on the way with
their entry and exit bans and checkpoints, the regions it runs through with how much this
data holds of them, and at each end the traveller's answer (`travel.report`): curfew, state
of emergency, airports near. Between an airport of the country and a destination abroad
reached by the resumed flights, the answer is the flight's, not a ground route.

Dangers are the traveller's (`travel.day_dangers`), measured with `geo.measure_line`. No
answer says "clear": the levels are travel.py's (danger, caution, restricted, no_reports),
and every part says when this data holds nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import coverage
from .caveats import set_aside
from .gazetteer import Gazetteer, normalise
from .geo import (
    GeodesicPath,
    distance_bearing,
    geodesic_path,
    measure_line,
    region_at,
)
from .scenario import Flight, Scenario
from .timeline import DayState, as_of
from .travel import (
    NEAR_KM,
    AirportInfo,
    Resolved,
    RuleInfo,
    TravelReport,
    day_dangers,
    report,
    resolve,
    rules_at,
)

DEFAULT_NEAR_KM = 10.0
AIRPORT_KM = 50.0  # the airports "near" an end
LEVELS = ("danger", "caution", "restricted", "no_reports")  # gravest first; never "clear"
NOT_A_ROAD = ("This is the straight line between the two places (the shortest line on the "
              "Earth's surface), not a road route: roads may run elsewhere and be longer.")
FLIGHT_NOTE = ("A flight between an airport of the country and a destination abroad: the "
               "answer is the flight's and the airports', not a ground route.")
NO_DANGER_WORDS = ("No active danger within {km:g} km of the line is reported in this data "
                   "for this day. That is an absence of reports, not a sign of safety.")


# --------------------------------------------------------------------------- the two ends


@dataclass(frozen=True)
class End:
    """A resolved end: a place with coordinates, or a destination abroad named by the
    flights data (no coordinates: the data gives none)."""

    name: str
    lat: float | None
    lon: float | None
    matched_by: str  # gazetteer, geocoder, coordinates, map, flight destination
    detail: str = ""
    place_id: str | None = None

    @classmethod
    def of(cls, place: Resolved) -> End:
        return cls(place.name, place.lat, place.lon, place.matched_by, place.detail,
                   place.place_id)

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    def resolved(self) -> Resolved:
        return Resolved(self.name, self.lat, self.lon, self.matched_by, self.detail,
                        self.place_id)


@dataclass(frozen=True)
class Found:
    end: End | None
    notice: str = ""
    error: str = ""


def _destination_key(name: str) -> str:
    """'Moscow (Vnukovo)' and 'Kutaisi (Georgia)' are found as Moscow and Kutaisi."""
    return normalise(name.split(" (")[0])


def _abroad(scenario: Scenario) -> dict[str, str]:
    """The flights' destinations abroad (no place of the scenario), by their key."""
    found: dict[str, str] = {}
    for flight in scenario.flights:
        if flight.scope == "international" and not flight.destination_place:
            found.setdefault(_destination_key(flight.destination),
                             flight.destination.split(" (")[0])
    return found


def resolve_end(text: str, scenario: Scenario, gazetteer: Gazetteer, geocoder=None) -> Found:
    """A destination abroad that the flights data names (Dubai, Moscow, ...), else what the
    traveller's search finds first (coordinates, the gazetteer, the online geocoder)."""
    key = _destination_key(text or "")
    abroad = _abroad(scenario)
    if key and key in abroad:
        return Found(End(abroad[key], None, None, "flight destination",
                         "a destination abroad named by the flights data (no coordinates)"))
    found = resolve(text, gazetteer, geocoder)
    if found.best is None:
        return Found(None, found.notice, found.error)
    return Found(End.of(found.best), found.notice)


# --------------------------------------------------------------------------- the answer


@dataclass(frozen=True)
class Met:
    """An active danger (one place, every kind reported there this day) that the line
    crosses or passes near."""

    id: str
    name: str
    kinds: tuple[str, ...]
    reasons: tuple[str, ...]
    sources: tuple[str, ...]
    approximate: bool
    distance_km: float  # from the line to its edge; 0 when crossed
    along_km: float  # where on the line it is closest (crossed: where the line enters)
    enters_km: float | None
    leaves_km: float | None
    lat: float  # the point of the line closest to it
    lon: float

    @property
    def crossed(self) -> bool:
        return self.enters_km is not None


@dataclass(frozen=True)
class Checkpoints:
    id: str
    name: str
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Unlocated:
    """A danger reported in a city without a known position: no distance is given."""

    id: str
    name: str
    kind: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CityOnTheWay:
    id: str | None
    name: str
    distance_km: float  # from the line to the city's drawn extent; 0 when it passes through
    along_km: float
    movement: tuple[RuleInfo, ...]  # entry and exit bans, checkpoints (restrictions)
    checkpoints: tuple[Checkpoints, ...]  # checkpoints with a status this day
    unlocated: tuple[Unlocated, ...]

    @property
    def through(self) -> bool:
        return self.distance_km == 0.0

    @property
    def note(self) -> str:
        if self.movement or self.checkpoints:
            return ""
        return (f"No entry or exit ban or checkpoint is reported in this data for {self.name} "
                "on this day: an absence of reports, not a sign that the roads were open.")


@dataclass(frozen=True)
class RegionOnTheWay:
    id: str
    name: str
    along_km: float  # where the line enters it (to the nearest km)
    movement: tuple[RuleInfo, ...]
    coverage: str


@dataclass(frozen=True)
class EndAnswer:
    end: End
    report: TravelReport | None  # the traveller's answer there; None without coordinates
    airports: tuple[AirportInfo, ...]  # within AIRPORT_KM
    country: str  # the scenario's country id, a neighbour's id, or "" when not known

    @property
    def gaps(self) -> tuple[str, ...]:
        if self.report is None:
            return (f"{self.end.name}: this data gives no position and holds no report of it; "
                    "nothing is said of curfew or safety there.",)
        out = []
        if not self.airports:
            out.append(f"{self.end.name}: no airport of this data lies within "
                       f"{AIRPORT_KM:g} km.")
        out += [f"{a.name}: no status reported for this day (not a sign that it was open)."
                for a in self.airports if a.status == "no report"]
        if not self.report.curfews:
            out.append(f"{self.end.name}: no curfew is reported in this data for this day.")
        return tuple(out)


@dataclass(frozen=True)
class FlightAnswer:
    airport_id: str | None  # the country's airport at one end, None when none was found
    airport_name: str
    destination: str
    outbound: bool  # from the airport to the destination, as the data records flights
    status: str  # recorded, none_recorded, no_airport
    words: str
    airport_status: str  # open, limited, closed, seized, no report
    airport_detail: str
    airport_sources: tuple[str, ...]
    services: tuple[Flight, ...]  # in force this day
    other_days: tuple[Flight, ...]  # the same route on other days


@dataclass(frozen=True)
class RouteAnswer:
    day: date
    near_km: float
    start: EndAnswer
    end: EndAnswer
    distance_km: float | None  # along the straight line; None for a flight to a named place
    level: str  # danger, caution, restricted, no_reports: never "clear"
    verdict: str
    reasons: tuple[str, ...]
    note: str
    crossed: tuple[Met, ...]
    near: tuple[Met, ...]
    on_the_way: tuple[CityOnTheWay, ...]
    regions: tuple[RegionOnTheWay, ...]
    flight: FlightAnswer | None
    gaps: tuple[str, ...]  # what this data does not say
    data_problems: str
    sources: dict[str, dict] = field(default_factory=dict)  # every source cited, by id
    path: GeodesicPath | None = None

    def to_json(self) -> dict:
        return answer_json(self)


def _country(scenario: Scenario, end: End) -> str:
    if not end.located:
        return ""
    if region_at(scenario, end.lat, end.lon):
        return scenario.meta.country
    from shapely.geometry import Point, shape

    here = Point(end.lon, end.lat)
    for feature in scenario.neighbours.get("features", []):
        geometry = feature.get("geometry")
        if feature["properties"].get("id") != scenario.meta.country_outline and geometry \
                and shape(geometry).covers(here):
            return feature["properties"]["id"]
    return ""


def _end_answer(end: End, state: DayState, scenario: Scenario, near_km: float) -> EndAnswer:
    if not end.located:
        return EndAnswer(end, None, (), "")
    rep = report(end.resolved(), state, scenario, near_km)
    return EndAnswer(end, rep, tuple(a for a in rep.airports if a.distance_km <= AIRPORT_KM),
                     _country(scenario, end))


def _gravest(levels) -> str:
    return min(levels, key=LEVELS.index, default="no_reports")


def route(scenario: Scenario, day: date, start: End | Resolved | str, end: End | Resolved | str,
          near_km: float = DEFAULT_NEAR_KM, *, gazetteer: Gazetteer | None = None,
          geocoder=None) -> RouteAnswer:
    """The answer for the straight line from `start` to `end` on `day` (a scenario day).

    The ends may be text (resolved with `resolve_end`; raises ValueError when a text finds
    nothing), a traveller's `Resolved` place, or an `End`."""
    if not near_km >= 0:
        raise ValueError("near_km must be a distance of 0 km or more")
    state = as_of(scenario, day)
    a, b = (_as_end(x, scenario, gazetteer, geocoder) for x in (start, end))
    ends = (_end_answer(a, state, scenario, near_km), _end_answer(b, state, scenario, near_km))
    problems = _problems(scenario)
    flight = _flight(ends, state, scenario)
    if flight is not None or not (a.located and b.located):
        return _flight_answer(ends, flight, state, scenario, near_km, problems)
    path = geodesic_path(a.lat, a.lon, b.lat, b.lon,
                         step_km=max(0.25, min(1.0, near_km / 4 or 0.25)))
    met = _met(state, scenario, path, near_km)
    crossed = tuple(sorted((m for m in met if m.crossed), key=lambda m: (m.along_km, m.name)))
    near = tuple(sorted((m for m in met if not m.crossed),
                        key=lambda m: (m.distance_km, m.along_km, m.name)))
    cities = tuple(_cities(state, scenario, path, near_km))
    regions = tuple(_regions(state, scenario, path))
    level, verdict, reasons = _verdict(crossed, near, cities, ends, near_km)
    gaps = [] if (crossed or near) else [NO_DANGER_WORDS.format(km=near_km)]
    if not any(c.movement or c.checkpoints for c in cities):
        gaps.append("No entry or exit ban or checkpoint is reported in this data for a city "
                    f"within {near_km:g} km of the line on this day: an absence of reports, "
                    "not a sign that the roads were open.")
    gaps += [r.coverage for r in regions if coverage.cell(scenario, r.id, day).empty]
    gaps += [g for e in ends for g in e.gaps]
    cited = [s for m in (*crossed, *near) for s in m.sources]
    cited += [s for c in cities for s in (*(x for r in c.movement for x in r.sources),
                                         *(x for k in c.checkpoints for x in k.sources),
                                         *(x for u in c.unlocated for x in u.sources))]
    cited += [s for r in regions for m in r.movement for s in m.sources]
    cited += _end_sources(ends)
    return RouteAnswer(day, near_km, ends[0], ends[1], round(path.length_km, 3), level, verdict,
                       tuple(reasons), NOT_A_ROAD, crossed, near, cities, regions, None,
                       tuple(dict.fromkeys(gaps)), problems, _sources(scenario, cited), path)


def _as_end(value, scenario: Scenario, gazetteer: Gazetteer | None, geocoder) -> End:
    if isinstance(value, End):
        return value
    if isinstance(value, Resolved):
        return End.of(value)
    if gazetteer is None:
        from .gazetteer import build

        gazetteer = build(scenario)
    found = resolve_end(str(value), scenario, gazetteer, geocoder)
    if found.end is None:
        raise ValueError(found.error)
    return found.end


def _problems(scenario: Scenario) -> str:
    return set_aside(scenario)


def _met(state: DayState, scenario: Scenario, path: GeodesicPath, near_km: float) -> list[Met]:
    """The located dangers the line crosses or passes within `near_km` of, one per place."""
    by_place: dict[str, list] = {}
    for danger in day_dangers(state, scenario):
        if not danger.city:
            by_place.setdefault(danger.place.id, []).append(danger)
    out = []
    for dangers in by_place.values():
        place = dangers[0].place
        m = measure_line(place, path, near_km, ring=place.kind == "checkpoint")
        if m is None:
            continue
        out.append(Met(place.id, place.name, tuple(d.kind for d in dangers),
                       tuple(d.reason for d in dangers),
                       tuple(dict.fromkeys(s for d in dangers for s in d.sources)),
                       place.approximate, m.edge_km, m.along_km, m.enters_km, m.leaves_km,
                       m.lat, m.lon))
    return out


def _cities(state: DayState, scenario: Scenario, path: GeodesicPath,
            near_km: float) -> list[CityOnTheWay]:
    """The cities whose drawn extent the line passes through or within `near_km` of, along
    the line: their entry and exit bans and checkpoints this day, and the dangers reported
    there without a known position."""
    unlocated: dict[str, list] = {}
    for danger in day_dangers(state, scenario):
        if danger.city:
            unlocated.setdefault(danger.city, []).append(danger)
    checkpoints = [(ps.place, status) for ps, status in state.with_status("checkpoint")]
    cities: dict[str, tuple] = {}  # name -> (place, measure)
    for place in scenario.places.values():
        if place.kind == "city":
            m = measure_line(place, path, near_km)
            if m is not None:
                cities[place.name] = (place, m)
    for name, dangers in unlocated.items():  # a city with no place of its own
        if name not in cities:
            m = measure_line(dangers[0].place, path, near_km)
            if m is not None:
                cities[name] = (dangers[0].place, m)
    out = []
    for name, (place, m) in cities.items():
        movement = tuple(r for r in rules_at(state, scenario, place.lat, place.lon)
                         if r.kind == "movement")
        here = tuple(Checkpoints(cp.id, cp.name, status.detail, tuple(status.sources))
                     for cp, status in checkpoints
                     if cp.city == name or distance_bearing(
                         cp.lat, cp.lon, place.lat, place.lon)[0] * 1000 <= place.radius_m)
        dangers = tuple(Unlocated(d.place.id, d.place.name, d.kind, d.sources)
                        for d in unlocated.get(name, ()))
        out.append(CityOnTheWay(place.id if place.kind == "city" else None, name, m.edge_km,
                                m.along_km, movement, here, dangers))
    return sorted(out, key=lambda c: (c.along_km, c.name))


def _regions(state: DayState, scenario: Scenario, path: GeodesicPath) -> list[RegionOnTheWay]:
    """The scenario's regions the line runs through (tested at its vertices), in order."""
    seen: dict[str, RegionOnTheWay] = {}
    for lat, lon, km in path.points:
        region = region_at(scenario, lat, lon)
        if region is None or region["id"] in seen:
            continue
        movement = tuple(r for r in rules_at(state, scenario, lat, lon) if r.kind == "movement"
                         and r.where != "" and not _city_rule(scenario, r))
        seen[region["id"]] = RegionOnTheWay(
            region["id"], region["name"], round(km), movement,
            coverage.coverage_words(scenario, region["id"], region["name"], state.day))
    return list(seen.values())


def _city_rule(scenario: Scenario, rule: RuleInfo) -> bool:
    """A rule named for a city (its place), listed under that city rather than the region."""
    return any(p.name == rule.where for p in scenario.places.values() if p.kind == "city")


def _verdict(crossed, near, cities, ends, near_km: float) -> tuple[str, str, list[str]]:
    reasons = [f"Crosses {m.name} ({', '.join(m.kinds)}) at km {m.along_km:.1f}"
               + (" (location approximate)" if m.approximate else "") for m in crossed]
    reasons += [f"Passes {m.distance_km:.1f} km from {m.name} ({', '.join(m.kinds)}) at km "
                f"{m.along_km:.1f}" + (" (location approximate)" if m.approximate else "")
                for m in near]
    reasons += [f"{c.name} ({'on the line' if c.through else f'{c.distance_km:.1f} km off'}): "
                f"{', '.join(dict.fromkeys(u.kind for u in c.unlocated))} reported without a "
                "known position" for c in cities if c.unlocated]
    reasons += [f"{c.name}: " + "; ".join([*(f"{r.label.lower()}: {r.status} ({r.where})"
                                             for r in c.movement),
                                           *(f"{k.name} active" for k in c.checkpoints)])
                for c in cities if c.movement or c.checkpoints]
    levels = [e.report.level for e in ends if e.report is not None]
    if crossed:
        first = crossed[0]
        return ("danger", f"The straight line crosses {len(crossed)} active danger area(s) "
                f"this day; the first, {first.name} ({', '.join(first.kinds)}), at km "
                f"{first.along_km:.1f}.", reasons)
    if near and near[0].distance_km <= NEAR_KM:
        m = near[0]
        return ("danger", f"The straight line passes within 1 km of an active danger: {m.name} "
                f"({', '.join(m.kinds)}, {m.distance_km:.1f} km).", reasons)
    if near:
        m = near[0]
        return (_gravest(["caution", *levels]),
                f"The straight line passes {m.distance_km:.1f} km from an active danger: "
                f"{m.name} ({', '.join(m.kinds)}); {len(near)} within {near_km:g} km.",
                reasons)
    words = NO_DANGER_WORDS.format(km=near_km)
    if any(c.unlocated for c in cities):
        names = ", ".join(c.name for c in cities if c.unlocated)
        return (_gravest(["caution", *levels]),
                f"On the way, in or near {names}, dangers were reported this day without a "
                f"known position: no distance can be given. {words}", reasons)
    level = _gravest(levels)
    if any(c.movement or c.checkpoints for c in cities):
        level = _gravest([level, "restricted"])
        return (level, f"{words} Entry and exit bans or checkpoints on the way.", reasons)
    if level == "restricted":
        return level, f"{words} A state of emergency or curfew at one end or both.", reasons
    return level, words, reasons


def _end_sources(ends) -> list[str]:
    out = []
    for e in ends:
        if e.report is None:
            continue
        out += [s for r in (*e.report.curfews, *e.report.emergency) for s in r.sources]
        out += [s for a in e.airports for s in a.sources]
        out += [s for d in e.report.dangers for s in d.sources]
    return out


def _sources(scenario: Scenario, ids) -> dict[str, dict]:
    out = {}
    for sid in dict.fromkeys(ids):
        src = scenario.sources.get(sid)
        if src is not None:
            out[sid] = {"publisher": src.publisher, "title": src.title, "date": src.date,
                        "url": src.url or None, "file": src.file or None}
    return out


# --------------------------------------------------------------------------- a flight


def _flight(ends, state: DayState, scenario: Scenario) -> FlightAnswer | None:
    """The flight between the country's airport at one end and a destination abroad at the
    other (named by the flights data), or None when the two ends are not that."""
    home, away, outbound = None, None, True
    for i, (x, y) in enumerate((ends, ends[::-1])):
        if not y.end.located and y.end.matched_by == "flight destination" and x.end.located:
            home, away, outbound = x, y, i == 0
            break
    if home is None:
        return None
    key = _destination_key(away.end.name)
    rows = [f for f in scenario.flights
            if f.scope == "international" and _destination_key(f.destination) == key]
    airports = {a.id: a for a in home.airports}
    if home.end.place_id and home.end.place_id in {p.id for p in scenario.places.values()
                                                    if p.kind == "airport"}:
        airports = {k: v for k, v in airports.items() if k == home.end.place_id}
    served = [a for a in airports.values() if any(f.airport == a.id for f in rows)]
    airport = (served or list(airports.values()) or [None])[0]
    if airport is None:
        return FlightAnswer(None, "", away.end.name, outbound, "no_airport",
                            f"No airport of this data lies within {AIRPORT_KM:g} km of "
                            f"{home.end.name}, so no flight to {away.end.name} can be named.",
                            "no report", "", (), (), ())
    today = tuple(f for f in state.flights if f in rows and f.airport == airport.id)
    others = tuple(f for f in rows if f.airport == airport.id and f not in today)
    where = f"from {airport.name} to {away.end.name}"
    status_words = ("no status reported for this day" if airport.status == "no report"
                    else f"status this day: {airport.status}")
    if today:
        words = (f"Flights {where} are recorded in this data for this day "
                 f"({'; '.join(f.operator or 'airline not named' for f in today)}). "
                 f"{airport.name}: {status_words}.")
        status = "recorded"
    else:
        words = (f"No flight {where} is recorded in this data for this day: an absence of "
                 f"reports, not a sign that none flew. {airport.name}: {status_words}.")
        status = "none_recorded"
    if not outbound:
        words += (f" You asked for {away.end.name} to {airport.name}: the data records "
                  "flights leaving from the airport, and does not say whether they ran the "
                  "other way, except where a row's detail says so.")
    return FlightAnswer(airport.id, airport.name, away.end.name, outbound, status, words,
                        airport.status, airport.detail, airport.sources, today, others)


def _flight_answer(ends, flight: FlightAnswer | None, state: DayState, scenario: Scenario,
                   near_km: float, problems: str) -> RouteAnswer:
    levels = [e.report.level for e in ends if e.report is not None]
    level = _gravest(levels)
    if flight is None:  # an end without coordinates and no airport to fly from
        names = " and ".join(e.end.name for e in ends if not e.end.located)
        verdict = (f"No position is known for {names} in this data, and no flight between the "
                   "two is recorded: no straight line can be drawn.")
        note = NOT_A_ROAD
    else:
        verdict = flight.words
        note = FLIGHT_NOTE
    gaps = [g for e in ends for g in e.gaps]
    cited = [s for f in ((*flight.services, *flight.other_days) if flight else ())
             for s in f.sources]
    cited += list(flight.airport_sources) if flight else []
    cited += _end_sources(ends)
    return RouteAnswer(state.day, near_km, ends[0], ends[1], None, level, verdict, (), note,
                       (), (), (), (), flight, tuple(dict.fromkeys(gaps)), problems,
                       _sources(scenario, cited), None)


# --------------------------------------------------------------------------- JSON, GeoJSON


def _end_json(e: EndAnswer) -> dict:
    out = {"name": e.end.name, "lat": e.end.lat, "lon": e.end.lon,
           "matched_by": e.end.matched_by, "detail": e.end.detail, "place_id": e.end.place_id,
           "country": e.country or None}
    if e.report is None:
        out.update(level=None, verdict=None, curfew=[], state_of_emergency=[], airports=[],
                   coverage="This data gives no position for this place and holds no report "
                            "of it.")
        return out
    rep = e.report
    out.update(
        region=rep.region or None, level=rep.level, basis=rep.basis, verdict=rep.verdict,
        context=list(rep.context), coverage=rep.coverage,
        curfew=[_rule_json(r) for r in rep.curfews],
        state_of_emergency=[_rule_json(r) for r in rep.emergency],
        airports=[{"id": a.id, "name": a.name, "status": a.status, "detail": a.detail,
                   "distance_km": round(a.distance_km, 2), "direction": a.direction,
                   "flights": list(a.flights), "sources": list(a.sources)}
                  for a in e.airports])
    return out


def _rule_json(rule: RuleInfo) -> dict:
    return {"kind": rule.kind, "label": rule.label, "hours": rule.hours or None,
            "where": rule.where, "status": rule.status, "detail": rule.detail,
            "until": rule.until.isoformat() if rule.until else None,
            "sources": list(rule.sources)}


def _met_json(m: Met) -> dict:
    return {"id": m.id, "name": m.name, "kinds": list(m.kinds),
            "distance_km": round(m.distance_km, 2), "along_km": round(m.along_km, 2),
            "enters_km": None if m.enters_km is None else round(m.enters_km, 2),
            "leaves_km": None if m.leaves_km is None else round(m.leaves_km, 2),
            "closest_point": {"lat": round(m.lat, 6), "lon": round(m.lon, 6)},
            "approximate": m.approximate, "reasons": list(m.reasons),
            "sources": list(m.sources)}


def _flight_row(f: Flight) -> dict:
    return {"id": f.id, "airport": f.airport, "destination": f.destination,
            "operator": f.operator or None, "valid_from": f.valid_from.isoformat(),
            "valid_to": f.valid_to.isoformat() if f.valid_to else None, "detail": f.detail,
            "sources": list(f.sources)}


def answer_json(a: RouteAnswer) -> dict:
    """The `route` command's answer."""
    flight = None
    if a.flight is not None:
        f = a.flight
        flight = {"airport": f.airport_id, "airport_name": f.airport_name or None,
                  "destination": f.destination,
                  "direction": "outbound" if f.outbound else "inbound",
                  "status": f.status, "words": f.words, "airport_status": f.airport_status,
                  "airport_detail": f.airport_detail,
                  "airport_sources": list(f.airport_sources),
                  "services": [_flight_row(x) for x in f.services],
                  "other_days": [_flight_row(x) for x in f.other_days]}
    return {
        "day": a.day.isoformat(),
        "near_km": a.near_km,
        "start": _end_json(a.start),
        "end": _end_json(a.end),
        "distance_km": None if a.distance_km is None else round(a.distance_km, 2),
        "level": a.level,
        "verdict": a.verdict,
        "reasons": list(a.reasons),
        "note": a.note,
        "crossed": [_met_json(m) for m in a.crossed],
        "near": [_met_json(m) for m in a.near],
        "on_the_way": [{"id": c.id, "name": c.name, "distance_km": round(c.distance_km, 2),
                        "along_km": round(c.along_km, 2), "through": c.through,
                        "movement": [_rule_json(r) for r in c.movement],
                        "checkpoints": [{"id": k.id, "name": k.name, "detail": k.detail,
                                         "sources": list(k.sources)} for k in c.checkpoints],
                        "somewhere_in_city": [{"id": u.id, "name": u.name, "kind": u.kind,
                                               "sources": list(u.sources)}
                                              for u in c.unlocated],
                        "note": c.note or None}
                       for c in a.on_the_way],
        "regions": [{"id": r.id, "name": r.name, "enters_km": r.along_km,
                     "movement": [_rule_json(m) for m in r.movement], "coverage": r.coverage}
                    for r in a.regions],
        "flight": flight,
        "gaps": list(a.gaps),
        "data_problems": a.data_problems or None,
        "sources": a.sources,
    }


def route_geojson(answer: RouteAnswer, *, max_vertices: int = 257) -> dict:
    """The answer for the map: the straight line as a geodesic polyline (kind `route`, at
    most `max_vertices` vertices, never fewer than the line needs to bend), the two ends
    (kind `start` and `end`) and the points where the line meets each danger (kind
    `crossed` or `near`). Coordinates are [lon, lat]. A flight without a position for the
    destination has only the located end."""
    features = []
    if answer.path is not None:
        pts = answer.path.points
        step = max(1, -(-(len(pts) - 1) // (max_vertices - 1)))
        chosen = list(pts[::step])
        if chosen[-1] is not pts[-1]:
            chosen.append(pts[-1])
        features.append({"type": "Feature",
                         "geometry": {"type": "LineString",
                                      "coordinates": [[round(lon, 6), round(lat, 6)]
                                                      for lat, lon, _ in chosen]},
                         "properties": {"kind": "route", "level": answer.level,
                                        "name": f"{answer.start.end.name} → "
                                                f"{answer.end.end.name}",
                                        "distance_km": answer.distance_km,
                                        "note": answer.note}})
    for kind, e in (("start", answer.start), ("end", answer.end)):
        if e.end.located:
            features.append({"type": "Feature",
                             "geometry": {"type": "Point",
                                          "coordinates": [round(e.end.lon, 6),
                                                          round(e.end.lat, 6)]},
                             "properties": {"kind": kind, "name": e.end.name,
                                            "level": e.report.level if e.report else None}})
    for kind, items in (("crossed", answer.crossed), ("near", answer.near)):
        for m in items:
            features.append({"type": "Feature",
                             "geometry": {"type": "Point",
                                          "coordinates": [round(m.lon, 6), round(m.lat, 6)]},
                             "properties": {"kind": kind, "name": m.name, "id": m.id,
                                            "distance_km": round(m.distance_km, 2),
                                            "along_km": round(m.along_km, 2)}})
    return {"type": "FeatureCollection", "features": features}


def publishers_of(answer: RouteAnswer, ids) -> tuple[str, ...]:
    """The publishers of the cited sources `ids` (as the panel names them)."""
    return tuple(dict.fromkeys(answer.sources[s]["publisher"] for s in ids
                               if s in answer.sources))


__all__ = ["AIRPORT_KM", "DEFAULT_NEAR_KM", "LEVELS", "CityOnTheWay", "End", "EndAnswer",
           "FlightAnswer", "Found", "Met", "RegionOnTheWay", "RouteAnswer", "answer_json",
           "publishers_of", "resolve_end", "route", "route_geojson"]
