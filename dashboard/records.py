"""The scenario's records: frozen dataclasses, one per kind of row, the problems found while
reading them, and the scenario they make up. No reading or checking here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .vocab import EVENT_CATEGORIES, RESTRICTION_KINDS, STATUS_VALUES  # noqa: F401 (re-exported)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "geodata"

PLACE_KINDS = frozenset(
    {
        "country", "region", "city", "district", "square", "street", "landmark",
        "government_building", "energy_site", "airport", "checkpoint", "strategic_site",
    }
)
# The status kinds and values, event categories and restriction kinds: vocab.py.
# How a figure, status, event or restriction was later called into question.
DISPUTE_KINDS = frozenset({"disputed", "retracted", "corrected"})
FIGURE_METRICS = frozenset(
    {"deaths", "security_deaths", "police_killed", "injured", "police_injured",
     "hospitalized", "icu", "detained", "damage_usd", "troops_csto"}
)
QUALIFIERS = frozenset({"exact", "at_least", "more_than", "about"})
SCOPES = frozenset({"domestic", "international"})
# Kazakhstan's neighbourhood: anything outside is a typo (swapped or signless coordinates).
DEFAULT_NEIGHBOURHOOD = (35.0, 40.0, 60.0, 95.0)  # south, west, north, east
# A JSON or GeoJSON file larger than this is set aside unread: the basemap alone goes to
# every viewer, and one geometry of that size is no drawing.
MAX_FILE_BYTES = 32 * 1024 * 1024
# A CSV file is read row by row and has no size limit; what no table can hold is limited: a
# row of more than a million characters, a quoted cell running on over more than 200 lines
# (a stray quote), more than five million rows in one file. Each costs its rows alone.
MAX_ROW_CHARS = 1024 * 1024
MAX_ROW_LINES = 200
MAX_ROWS = 5_000_000
# A scenario's days lie within these: earlier or later is a mistyped year, not a crisis.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2099, 12, 31)
MAX_DAYS = (LAST_DAY - FIRST_DAY).days + 1  # the longest scenario: one slider step per day


class Period:
    """A row with a validity period (statuses, restrictions, flights, advice): inclusive at
    both ends; no `valid_to` means no source ends it."""

    valid_from: date
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Meta:
    title: str
    start: date
    end: date
    utc_offset: str
    country: str
    neighbourhood: tuple[float, float, float, float]
    center: tuple[float, float]
    zoom: int
    view: tuple[float, float, float, float] | None = None  # south, west, north, east
    country_outline: str = "KAZ"  # id of the country's own feature in neighbours.geojson


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    file: str
    url: str
    note: str


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    city: str
    lat: float
    lon: float
    geo_precision: int
    radius_m: float
    detail: str
    sources: tuple[str, ...]
    coord_source: str
    geometry: dict | None = None

    @property
    def approximate(self) -> bool:
        return self.geo_precision > 1


@dataclass(frozen=True, slots=True)  # slots: a scenario may hold a million events
class Event:
    id: str
    date: date
    time: str
    time_precision: int
    place_id: str
    category: str
    summary: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Status(Period):
    id: str
    subject: str
    kind: str
    valid_from: date
    valid_to: date | None
    status: str
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Restriction(Period):
    id: str
    kind: str
    area: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    status: str
    hours: str
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    id: str
    metric: str
    value: int
    qualifier: str
    reported_on: date
    scope: str
    preferred: bool
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Flight(Period):
    id: str
    airport: str
    destination: str
    destination_place: str
    scope: str
    valid_from: date
    valid_to: date | None
    operator: str
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Advice(Period):
    id: str
    valid_from: date
    valid_to: date | None
    applies_to: tuple[str, ...]
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Dispute:
    """A row of figures, statuses, events or restrictions that someone denied, retracted or
    corrected: who, when, and the source saying so."""

    id: str
    target: str
    kind: str  # disputed, retracted, corrected
    by: str
    reported_on: date
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Headline:
    date: date
    headline: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    meta: Meta
    sources: dict[str, Source]
    places: dict[str, Place]
    events: tuple[Event, ...]
    statuses: tuple[Status, ...]
    restrictions: tuple[Restriction, ...]
    figures: tuple[Figure, ...]
    flights: tuple[Flight, ...]
    advice: tuple[Advice, ...]
    headlines: dict[date, Headline] = field(default_factory=dict)
    # Disputes by the id of the row they question, in the order they were reported.
    disputes: dict[str, tuple[Dispute, ...]] = field(default_factory=dict)
    # Figures reported after the scenario's last day: what followed, never part of a day.
    followed: tuple[Figure, ...] = ()
    regions: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    neighbours: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    water: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    problems: tuple[Problem, ...] = ()
    data_dir: str = ""

    @property
    def days(self) -> list[date]:
        n = (self.meta.end - self.meta.start).days
        return [self.meta.start + timedelta(days=i) for i in range(n + 1)]

    def region_ids(self) -> set[str]:
        return {f["properties"]["id"] for f in self.regions.get("features", [])}

    def set_aside_count(self) -> int:
        return len({(p.file, p.row) for p in self.problems})

    def missing_files(self) -> list[str]:
        """The files that are not there (a required table, scenario.json, regions.geojson)."""
        return sorted({p.file for p in self.problems
                       if p.row == 0 and p.message.startswith("file is missing")})

    def rows_set_aside(self) -> int:
        """Rows (lines, features) set aside, not counting problems of a file as a whole."""
        return len({(p.file, p.row) for p in self.problems if p.row > 0})



class Collector:
    """Collects the problems of one load."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(file, row, field_name, message))
