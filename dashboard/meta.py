"""Reading `scenario.json`: the scenario's title, days, time zone, country and map frame, each
checked, a bad value reported and its default used."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from .csvfile import read_bytes
from .fields import FieldError, _date
from .geojsonfile import _is_number
from .records import DEFAULT_NEIGHBOURHOOD, FIRST_DAY, LAST_DAY, Collector, Meta

_DEFAULT_META = Meta(
    title="Kazakhstan unrest, January 2022",
    start=date(2022, 1, 2),
    end=date(2022, 1, 10),
    utc_offset="+06:00",
    country="KZ",
    neighbourhood=DEFAULT_NEIGHBOURHOOD,
    center=(48.0, 67.0),
    zoom=5,
)


def _box(value: Any) -> tuple[float, float, float, float] | None:
    """[south, west, north, east] in degrees with south < north and west < east, or None."""
    if not (isinstance(value, list) and len(value) == 4 and all(map(_is_number, value))):
        return None
    south, west, north, east = value
    if -90 <= south < north <= 90 and -180 <= west < east <= 180:
        return float(south), float(west), float(north), float(east)
    return None


def _within(inner: tuple[float, ...], box: tuple[float, float, float, float]) -> bool:
    """A [lat, lon] point or a [south, west, north, east] box lies inside the box."""
    south, west, north, east = box
    lats, lons = inner[0::2], inner[1::2]
    return all(south <= v <= north for v in lats) and all(west <= v <= east for v in lons)


def read_meta(data_dir: Path, out: Collector) -> Meta:
    file = "scenario.json"
    path = data_dir / file
    if not path.is_file():
        out.add(file, 0, "-", "file is missing; using the default 2-10 January 2022 scenario")
        return _DEFAULT_META
    data = read_bytes(path, file, out, "using the default scenario")
    if data is None:
        return _DEFAULT_META
    repeated: list[str] = []

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        raw = json.loads(data.decode("utf-8-sig"), object_pairs_hook=no_repeats)
    except json.JSONDecodeError as exc:
        out.add(file, exc.lineno, "-", f"not valid JSON: {exc.msg} (column {exc.colno}); "
                "using the default scenario")
        return _DEFAULT_META
    except UnicodeDecodeError as exc:
        out.add(file, 0, "-", f"not UTF-8 text: {exc.reason}; using the default scenario")
        return _DEFAULT_META
    except RecursionError:
        out.add(file, 0, "-", "nested too deeply; using the default scenario")
        return _DEFAULT_META
    if not isinstance(raw, dict):
        out.add(file, 0, "-", "is not a JSON object; using the default scenario")
        return _DEFAULT_META
    for key in dict.fromkeys(k for k in repeated if k in raw):
        out.add(file, 0, key, "is given more than once; the last one is used")
    values: dict[str, Any] = {}
    for key in ("start", "end"):
        if key in raw:
            try:
                values[key] = _date(str(raw[key]))
            except FieldError as exc:
                out.add(file, 0, key, f"{exc}; using the default")
    for key in ("title", "utc_offset", "country", "country_outline"):
        if key in raw:
            if isinstance(raw[key], str) and raw[key].strip():
                values[key] = raw[key].strip()
            else:
                out.add(file, 0, key, "must be a non-empty text; using the default")
    for key in ("neighbourhood", "view"):
        if raw.get(key) is not None:
            box = _box(raw[key])
            if box is None:
                out.add(file, 0, key, "must be [south, west, north, east] in degrees, south "
                        "below north and west of east; using the default")
            else:
                values[key] = box
    if "center" in raw:
        centre = raw["center"]
        if (isinstance(centre, list) and len(centre) == 2 and all(map(_is_number, centre))
                and -90 <= centre[0] <= 90 and -180 <= centre[1] <= 180):
            values["center"] = (float(centre[0]), float(centre[1]))
        else:
            out.add(file, 0, "center", "must be [latitude, longitude] in degrees; using the "
                    "default")
    if "zoom" in raw:
        zoom = raw["zoom"]
        if isinstance(zoom, int) and not isinstance(zoom, bool) and 1 <= zoom <= 18:
            values["zoom"] = zoom
        else:
            out.add(file, 0, "zoom", "must be a whole number from 1 to 18; using the default")
    meta = Meta(**{**_DEFAULT_META.__dict__, **values})
    for key in ("center", "view"):  # both must show the neighbourhood, not somewhere else
        if key in values and not _within(values[key], meta.neighbourhood):
            out.add(file, 0, key, f"lies outside the neighbourhood {list(meta.neighbourhood)} "
                    "(latitude and longitude swapped?); using the default")
            meta = Meta(**{**meta.__dict__, key: getattr(_DEFAULT_META, key)})
    default_days = {"start": _DEFAULT_META.start, "end": _DEFAULT_META.end}
    if meta.end < meta.start:
        out.add(file, 0, "end", "is before start; using the default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    elif meta.start < FIRST_DAY:
        out.add(file, 0, "start", f"{meta.start} is before {FIRST_DAY}: a mistyped year? "
                "using the default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    elif meta.end > LAST_DAY:
        out.add(file, 0, "end", f"{meta.end} is after {LAST_DAY}: a mistyped year? using the "
                "default days")
        meta = Meta(**{**meta.__dict__, **default_days})
    return meta

