"""The CSV files of a scenario, one `Table` each: its file name, its columns and the parser of
each (`fields.py`), whether it must exist. Writers (the ACLED importer) read the columns here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fields import (
    _aliases,
    _bool,
    _count,
    _date,
    _enum,
    _float,
    _hours,
    _ident,
    _int_in,
    _optional_date,
    _optional_float,
    _required,
    _required_id_list,
    _text,
    _time,
)
from .records import DISPUTE_KINDS, FIGURE_METRICS, PLACE_KINDS, QUALIFIERS, SCOPES
from .vocab import EVENT_CATEGORIES, RESTRICTION_KINDS, STATUS_VALUES


@dataclass(frozen=True)
class Table:
    file: str
    columns: dict[str, Callable[[str], Any]]
    required: bool = True
    # Columns whose values repeat from row to row (days, categories, place and source ids):
    # each distinct text is parsed once and its value shared by the rows (csvfile.iter_table).
    repeated: frozenset[str] = frozenset()


TABLES: dict[str, Table] = {
    "sources": Table("sources.csv", {
        # Only a bad id sets a source aside: a source missing its title is reported but kept,
        # so that the rows citing it are not lost with it.
        "id": _ident, "title": _text, "publisher": _text, "date": _text,
        "file": _text, "url": _text, "note": _text,
    }),
    "places": Table("places.csv", {
        "id": _ident, "name": _required, "aliases": _aliases, "kind": _enum(PLACE_KINDS),
        "city": _text, "lat": _float, "lon": _float, "geo_precision": _int_in((1, 2, 3)),
        "radius_m": _optional_float, "detail": _text, "sources": _required_id_list,
        "coord_source": _required,
    }, repeated=frozenset({"kind", "geo_precision", "radius_m", "sources"})),
    "events": Table("events.csv", {
        "id": _ident, "date": _date, "time": _time, "time_precision": _int_in((1, 2, 3)),
        "place_id": _ident, "category": _enum(EVENT_CATEGORIES), "summary": _required,
        "sources": _required_id_list,
    }, repeated=frozenset({"date", "time", "time_precision", "place_id", "category",
                           "sources"})),
    "statuses": Table("statuses.csv", {
        "id": _ident, "subject": _ident, "kind": _enum(frozenset(STATUS_VALUES)),
        "valid_from": _date, "valid_to": _optional_date, "status": _required,
        "detail": _text, "sources": _required_id_list,
    }),
    "restrictions": Table("restrictions.csv", {
        "id": _ident, "kind": _enum(RESTRICTION_KINDS), "area": _required_id_list,
        "valid_from": _date, "valid_to": _optional_date, "status": _required,
        "hours": _hours, "detail": _text, "sources": _required_id_list,
    }),
    "figures": Table("figures.csv", {
        "id": _ident, "metric": _enum(FIGURE_METRICS), "value": _count,
        "qualifier": _enum(QUALIFIERS), "reported_on": _date, "scope": _required,
        "preferred": _bool, "detail": _text, "sources": _required_id_list,
    }),
    "flights": Table("flights.csv", {
        "id": _ident, "airport": _ident, "destination": _required,
        "destination_place": _text, "scope": _enum(SCOPES), "valid_from": _date,
        "valid_to": _optional_date, "operator": _text, "detail": _text,
        "sources": _required_id_list,
    }, required=False),
    "advice": Table("advice.csv", {
        "id": _ident, "valid_from": _date, "valid_to": _optional_date,
        "applies_to": _required_id_list, "text": _required, "sources": _required_id_list,
    }, required=False),
    "headlines": Table("headlines.csv", {
        "id": _date, "headline": _required, "sources": _required_id_list,
    }, required=False),
    "disputes": Table("disputes.csv", {
        "id": _ident, "target": _ident, "kind": _enum(DISPUTE_KINDS), "by": _required,
        "reported_on": _date, "detail": _text, "sources": _required_id_list,
    }, required=False),
}

