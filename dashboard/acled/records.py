"""What an import holds: the places, events and sources built from the export's rows, the rows
set aside (one RowProblem each) and the counts the folder's README and scenario.json need."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str


@dataclass
class AcledPlace:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    geo_precision: int
    radius_m: float
    detail: str
    line: int


@dataclass
class AcledSource:
    id: str
    publisher: str
    line: int
    first: date
    last: date


@dataclass(frozen=True)
class AcledEvent:
    id: str
    date: date
    place_id: str
    category: str
    summary: str
    sources: tuple[str, ...]


@dataclass
class AcledImport:
    file: str  # the export's file name, as cited by the sources
    path: str = ""  # where it was read from
    places: dict[str, AcledPlace] = field(default_factory=dict)
    events: list[AcledEvent] = field(default_factory=list)
    sources: dict[str, AcledSource] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0  # data rows read (blank lines not counted)
    countries: Counter = field(default_factory=Counter)  # (iso, country name) -> events
    last_timestamp: int | None = None
    # Every event converted, also when they were written as they came and not kept in events.
    count: int = 0
    first: date | None = None
    last: date | None = None

    @property
    def set_aside(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def start(self) -> date:
        if self.first is None:
            raise ValueError("no events")
        return self.first

    @property
    def end(self) -> date:
        if self.last is None:
            raise ValueError("no events")
        return self.last

