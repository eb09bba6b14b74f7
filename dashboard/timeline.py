"""Pure day logic: what was in force on a day, what happened, the figures, what changed.

``as_of(scenario, day)`` is the one question every screen asks; it returns a frozen
:class:`DayState` that the map, the panels, the command line and the exports all read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .scenario import (
    Advice,
    Dispute,
    Event,
    Figure,
    Flight,
    Headline,
    Place,
    Restriction,
    Scenario,
    Status,
)
from .vocab import (
    PRIMARY_STATUS,
    RESTRICTION_LABELS,
    STATUS_KIND,
    status_value,
)

METRIC_LABELS = {
    "deaths": "Deaths",
    "security_deaths": "Security personnel killed",
    "police_killed": "Police officers killed",
    "injured": "Injured",
    "police_injured": "Police officers injured",
    "hospitalized": "Hospitalised",
    "icu": "In intensive care",
    "detained": "Detained",
    "damage_usd": "Damage (US$)",
    "troops_csto": "CSTO troops",
}


# Who held a site or city: the words every surface uses for a `control` status (vocab.py).
CONTROL_LABELS = {v.key: v.label for v in STATUS_KIND["control"].values}


class DayOutOfRange(ValueError):
    """The day is not one of the scenario's days."""


@dataclass(frozen=True)
class PlaceState:
    place: Place
    statuses: tuple[Status, ...]

    @property
    def primary(self) -> Status | None:
        """An airport's airport status, a checkpoint's, a strategic site's guard (or None
        when that kind has no status this day: who held it is not its headline); any other
        place's first status."""
        wanted = PRIMARY_STATUS.get(self.place.kind)
        if wanted is not None:
            return self.status_of(wanted)
        return self.statuses[0] if self.statuses else None

    def status_of(self, kind: str) -> Status | None:
        return next((s for s in self.statuses if s.kind == kind), None)


@dataclass(frozen=True)
class FigureState:
    metric: str
    figure: Figure
    also_reported: tuple[Figure, ...]
    # Disputes of the headline figure and of the rows also reported, by row id.
    disputes: dict[str, tuple[Dispute, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return METRIC_LABELS.get(self.metric, self.metric)


@dataclass(frozen=True)
class Change:
    kind: str  # appeared, ended, status_changed, figure_rose, figure_changed
    subject: str  # a place id, a restriction kind, or a metric
    what: str  # status kind, restriction kind or metric
    before: str | None
    after: str | None
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DayState:
    day: date
    places: tuple[PlaceState, ...]
    events: tuple[Event, ...]
    restrictions: tuple[Restriction, ...]
    figures: dict[str, FigureState]
    flights: tuple[Flight, ...]
    advice: tuple[Advice, ...]
    changes: tuple[Change, ...]
    headline: Headline | None = None
    regional: tuple[Figure, ...] = ()  # the latest figure of each region or city and metric

    def place_state(self, place_id: str) -> PlaceState | None:
        return next((p for p in self.places if p.place.id == place_id), None)

    def with_status(self, kind: str) -> list[tuple[PlaceState, Status]]:
        found = []
        for ps in self.places:
            status = ps.status_of(kind)
            if status is not None:
                found.append((ps, status))
        return found

    def restriction(self, kind: str) -> list[Restriction]:
        return [r for r in self.restrictions if r.kind == kind]


def check_day(scenario: Scenario, day: date) -> date:
    if not scenario.meta.start <= day <= scenario.meta.end:
        raise DayOutOfRange(
            f"{day.isoformat()} is outside the scenario: choose a day from "
            f"{scenario.meta.start.isoformat()} to {scenario.meta.end.isoformat()}"
        )
    return day


def parse_day(scenario: Scenario, text: str) -> date:
    """Parse YYYY-MM-DD and check it is a scenario day; raises DayOutOfRange with a message."""
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        raise DayOutOfRange(f"{text!r} is not a date in the form YYYY-MM-DD") from None
    return check_day(scenario, day)


def _in_force(scenario: Scenario, day: date):
    places = tuple(
        PlaceState(place, tuple(s for s in scenario.statuses
                                if s.subject == place.id and s.in_force(day)))
        for place in scenario.places.values()
    )
    restrictions = tuple(r for r in scenario.restrictions if r.in_force(day))
    flights = tuple(f for f in scenario.flights if f.in_force(day))
    advice = tuple(a for a in scenario.advice if a.in_force(day))
    return places, restrictions, flights, advice


def _national_ids(scenario: Scenario) -> frozenset[str]:
    names = {scenario.meta.country} | {p.name for p in scenario.places.values()
                                       if p.kind == "country"}
    return frozenset(f.id for f in (*scenario.figures, *scenario.followed)
                     if f.scope.split(" (")[0].strip() in names)


def national(scenario: Scenario, fig: Figure) -> bool:
    """Whether a figure counts the whole country (its scope is the country, with or without a
    qualifier in brackets: "Kazakhstan (protesters)") rather than one region or city."""
    return fig.id in per_scenario(scenario, "national_ids", _national_ids)


def _national(scenario: Scenario) -> tuple[Figure, ...]:
    return tuple(f for f in scenario.figures if national(scenario, f))


def regional_figures(scenario: Scenario, day: date) -> tuple[Figure, ...]:
    """Figures for one region or city, reported on or before the day: the latest of each
    metric and scope, by scope then metric. Never a national headline."""
    latest: dict[tuple[str, str], Figure] = {}
    for fig in scenario.figures:
        if fig.reported_on <= day and not national(scenario, fig) \
                and not retracted(scenario, fig.id):
            key = (fig.scope, fig.metric)
            old = latest.get(key)
            if old is None or (fig.reported_on, fig.preferred) >= (old.reported_on,
                                                                   old.preferred):
                latest[key] = fig
    return tuple(latest[k] for k in sorted(latest))


def figures_as_of(scenario: Scenario, day: date) -> dict[str, FigureState]:
    """The latest figure of each metric reported on or before the day; never interpolated.

    Of the rows reported on the latest date, a preferred row wins; the others, and any
    preferred row's rivals reported since, are kept as ``also_reported``. A retracted row is
    never the headline while another row is there: it stays among ``also_reported`` with its
    retraction. Only national figures count here; a region's are ``regional_figures``.
    """
    result: dict[str, FigureState] = {}
    by_metric: dict[str, list[Figure]] = {}
    for fig in per_scenario(scenario, "national_figures", _national):
        if fig.reported_on <= day:
            by_metric.setdefault(fig.metric, []).append(fig)
    for metric, figs in by_metric.items():
        figs.sort(key=lambda f: (f.reported_on, f.preferred, f.value))
        standing = [f for f in figs if not retracted(scenario, f.id)] or figs
        preferred = [f for f in standing if f.preferred]
        chosen = preferred[-1] if preferred else standing[-1]
        others = tuple(f for f in figs if f is not chosen
                       and (f.reported_on >= chosen.reported_on or retracted(scenario, f.id)))
        disputes = {f.id: scenario.disputes[f.id] for f in (chosen, *others)
                    if f.id in scenario.disputes}
        result[metric] = FigureState(metric, chosen, others, disputes)
    return result


def retracted(scenario: Scenario, row_id: str) -> bool:
    return any(d.kind == "retracted" for d in scenario.disputes.get(row_id, ()))


def dispute_text(dispute: Dispute, day: date | None = None) -> str:
    """'Retracted by the Health Ministry on 9 Jan 2022: ...': the words every surface shows;
    seen from a ``day`` before the dispute, 'Later corrected by ...'."""
    detail = f": {dispute.detail}" if dispute.detail else ""
    later = day is not None and dispute.reported_on > day
    label = f"Later {dispute.kind}" if later else dispute.kind.capitalize()
    return (f"{label} by {dispute.by} on "
            f"{dispute.reported_on.day} {dispute.reported_on:%b %Y}{detail}")


def _status_changes(prev_places, cur_places, scenario: Scenario) -> list[Change]:
    def index(places):
        return {(ps.place.id, s.kind): s for ps in places for s in ps.statuses}

    before, after = index(prev_places), index(cur_places)
    changes = []
    for key in sorted(set(before) | set(after)):
        place = scenario.places[key[0]]
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            changes.append(Change("appeared", place.id, key[1], None, new.status,
                                  f"{place.name}: {status_label(new)}", new.sources))
        elif new is None and old is not None:
            changes.append(Change("ended", place.id, key[1], old.status, None,
                                  f"{place.name}: no longer {status_label(old)}", old.sources))
        elif old is not None and new is not None and old.status != new.status:
            changes.append(Change("status_changed", place.id, key[1], old.status, new.status,
                                  f"{place.name}: {status_label(old)} → {status_label(new)}",
                                  new.sources))
    return changes


def _dispute_changes(scenario: Scenario, day: date) -> list[Change]:
    """Figures, statuses, events or restrictions denied, retracted or corrected on the day."""
    changes = []
    for target, disputes in scenario.disputes.items():
        for d in disputes:
            if d.reported_on == day:
                changes.append(Change(d.kind, target, "dispute", None, d.kind,
                                      f"{_row_words(scenario, target)}: {dispute_text(d)}",
                                      d.sources))
    return sorted(changes, key=lambda c: c.subject)


def _row_words(scenario: Scenario, row_id: str) -> str:
    """What a disputed row says, in a few words: 'Deaths 164 (reported 9 Jan)'."""
    for fig in (*scenario.figures, *scenario.followed):
        if fig.id == row_id:
            return (f"{METRIC_LABELS.get(fig.metric, fig.metric)} {format_figure(fig)} "
                    f"(reported {fig.reported_on.day} {fig.reported_on:%b})")
    for status in scenario.statuses:
        if status.id == row_id:
            name = scenario.places[status.subject].name
            return f"{name}: {status_label(status)} from {status.valid_from.day} " \
                   f"{status.valid_from:%b}"
    for restriction in scenario.restrictions:
        if restriction.id == row_id:
            return f"{RESTRICTION_LABELS.get(restriction.kind, restriction.kind)} " \
                   f"({area_names(scenario, restriction.area)})"
    for event in scenario.events:
        if event.id == row_id:
            return f"Report of {event.date.day} {event.date:%b}"
    return row_id


def status_label(status: Status) -> str:
    """A status in words, as vocab.py names it: 'held by protesters', 'limited flights'."""
    value = status_value(status.kind, status.status)
    return value.label if value else status.status.replace("_", " ")


def area_names(scenario: Scenario, areas) -> str:
    """'nationwide', or the names of the regions and places an item applies to."""
    if scenario.meta.country in areas:
        return "nationwide"
    names = {f["properties"]["id"]: f["properties"]["name"]
             for f in scenario.regions.get("features", [])}
    return ", ".join(names.get(a) or (scenario.places[a].name if a in scenario.places else a)
                     for a in areas)


def _restriction_changes(prev: tuple[Restriction, ...], cur: tuple[Restriction, ...],
                         scenario: Scenario) -> list[Change]:
    def index(items):
        return {(r.kind, r.area): r for r in items}

    before, after = index(prev), index(cur)
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        label = RESTRICTION_LABELS.get(key[0], key[0])
        where = area_names(scenario, key[1])
        if old is None and new is not None:
            # A different row of the same kind for an overlapping area is a change of status.
            rival = next((r for r in prev if r.kind == new.kind and set(r.area) & set(new.area)
                          and (r.kind, r.area) not in after), None)
            if rival is not None and rival.status != new.status:
                changes.append(Change("status_changed", key[0], key[0], rival.status, new.status,
                                      f"{label} ({where}): {rival.status} → {new.status}",
                                      new.sources))
            else:
                changes.append(Change("appeared", key[0], key[0], None, new.status,
                                      f"{label} ({where}): {new.status}", new.sources))
        elif new is None and old is not None:
            successor = next((r for r in cur if r.kind == old.kind and set(r.area) & set(old.area)
                              and (r.kind, r.area) not in before), None)
            if successor is None:
                changes.append(Change("ended", key[0], key[0], old.status, None,
                                      f"{label} ({where}) ended", old.sources))
        elif old is not None and new is not None and old.status != new.status:
            changes.append(Change("status_changed", key[0], key[0], old.status, new.status,
                                  f"{label} ({where}): {old.status} → {new.status}", new.sources))
    return changes


def _figure_changes(prev: dict[str, FigureState], cur: dict[str, FigureState]) -> list[Change]:
    changes = []
    for metric in sorted(cur):
        new = cur[metric].figure
        old = prev[metric].figure if metric in prev else None
        if old is not None and old.id == new.id:
            continue
        label = METRIC_LABELS.get(metric, metric)
        if old is None:
            changes.append(Change("figure_rose", metric, metric, None, str(new.value),
                                  f"{label}: first reported, {format_figure(new)}", new.sources))
        elif new.value > old.value:
            changes.append(Change("figure_rose", metric, metric, str(old.value), str(new.value),
                                  f"{label}: {format_figure(old)} → {format_figure(new)}",
                                  new.sources))
        elif new.value != old.value:
            changes.append(Change("figure_changed", metric, metric, str(old.value),
                                  str(new.value),
                                  f"{label}: newer report {format_figure(new)} "
                                  f"(earlier {format_figure(old)})", new.sources))
    return changes


QUALIFIER_WORDS = {"exact": "", "at_least": "at least ", "more_than": "more than ",
                   "about": "about "}


def publishers(scenario: Scenario, ids) -> tuple[str, ...]:
    """The publishers of the sources `ids`, each once, in the order first cited; an id with no
    source is left out."""
    return tuple(dict.fromkeys(scenario.sources[s].publisher for s in ids
                               if s in scenario.sources))


def format_figure(fig: Figure) -> str:
    return f"{QUALIFIER_WORDS.get(fig.qualifier, '')}{fig.value:,}"


_PER_SCENARIO: dict[tuple[int, str], tuple[Scenario, object]] = {}


def per_scenario(scenario: Scenario, name: str, build):
    """``build(scenario)``, computed once per scenario and kept under ``name`` for a few
    scenarios at a time: what every day of a scenario reads again."""
    key = (id(scenario), name)
    cached = _PER_SCENARIO.get(key)
    if cached is not None and cached[0] is scenario:
        return cached[1]
    value = build(scenario)
    if len(_PER_SCENARIO) >= 24:  # drop the oldest
        del _PER_SCENARIO[next(iter(_PER_SCENARIO))]
    _PER_SCENARIO[key] = (scenario, value)
    return value


def _index_events(scenario: Scenario) -> dict[date, tuple]:
    index: dict[date, list] = {}
    for event in scenario.events:
        index.setdefault(event.date, []).append(event)
    return {day: tuple(events) for day, events in index.items()}


def events_by_day(scenario: Scenario) -> dict[date, tuple]:
    """The scenario's events grouped by day, in their order; built once per scenario."""
    return per_scenario(scenario, "events_by_day", _index_events)


class DayMemo:
    """What a scenario's day (or a day's state) always gives, computed once and shared by every
    viewer: at most ``limit`` entries, the least recently used dropped first. A value is kept
    with the objects it was computed from and used only for those same objects, so a reloaded
    scenario (a new object) never reads an old scenario's entries."""

    def __init__(self, limit: int):
        self.limit = limit
        self._entries: OrderedDict[tuple, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owners: tuple, key: tuple, build, keep=None):
        """``build()`` for these owners and key, from the memo when it holds it; a value that
        ``keep`` refuses is returned without being held."""
        full = (*map(id, owners), *key)
        with self._lock:
            hit = self._entries.get(full)
            if hit is not None and all(a is b for a, b in zip(hit[0], owners, strict=True)):
                self._entries.move_to_end(full)
                return hit[1]
        value = build()
        if keep is not None and not keep(value):
            return value
        with self._lock:
            self._entries[full] = (owners, value)
            self._entries.move_to_end(full)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# A scenario's day states: every panel, the map and the exports of a day read the same one.
_DAYS = DayMemo(limit=64)


def as_of(scenario: Scenario, day: date) -> DayState:
    """What was in force on ``day``, its events and figures, and what changed since then.
    Computed once per scenario and day (DayMemo); a DayState is never changed."""
    check_day(scenario, day)
    return _DAYS.get((scenario,), (day,), lambda: _as_of(scenario, day))


def _as_of(scenario: Scenario, day: date) -> DayState:
    places, restrictions, flights, advice = _in_force(scenario, day)
    prev_day = day - timedelta(days=1)
    prev_places, prev_restrictions, _, _ = _in_force(scenario, prev_day)
    figures = figures_as_of(scenario, day)
    changes = (
        _status_changes(prev_places, places, scenario)
        + _restriction_changes(prev_restrictions, restrictions, scenario)
        + _figure_changes(figures_as_of(scenario, prev_day), figures)
        + _dispute_changes(scenario, day)
    )
    events = events_by_day(scenario).get(day, ())
    return DayState(day, places, events, restrictions, figures, flights, advice, tuple(changes),
                    scenario.headlines.get(day), regional_figures(scenario, day))
