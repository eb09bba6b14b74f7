"""Online place search through a Nominatim server, for travellers looking up where they are.

Pure Python (geopy underneath): :class:`OnlineGeocoder` never raises on a bad network or a bad
answer; it returns a :class:`GeocodeAnswer` whose ``reason`` tells a traveller in one sentence
why there is no answer. Answers are cached; after a connectivity failure the geocoder stays
quiet for a cooldown so that a search during a blackout fails at once instead of waiting again.

The public server at nominatim.openstreetmap.org has a usage policy: at most one request per
second, a specific User-Agent, visible attribution (:data:`ATTRIBUTION`), and no
search-as-you-type. Search on an explicit submit, not on every keystroke.
"""

from __future__ import annotations

import math
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, RequestsAdapter, URLLibAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
DEFAULT_USER_AGENT = "kz-crisis-map/0.1 (offline-first crisis dashboard)"
ATTRIBUTION = "Search: Nominatim · Data © OpenStreetMap contributors (ODbL)"
MAX_NAME_CHARS = 200
MAX_LIMIT = 40  # Nominatim never returns more than 40 results
OFF_WORDS = frozenset({"off", "0", "none"})

REASON_OFF = "The online geocoder is switched off."
REASON_UNREACHABLE = "The online geocoder is unreachable (no internet?)."
REASON_UNREADABLE = "The online geocoder sent an answer that could not be read."
REASON_RATE_LIMITED = "The online geocoder is rate-limiting requests (HTTP 429)."
REASON_FAILED = "The online geocoder request failed."


def reason_timeout(timeout: float) -> str:
    return f"The online geocoder did not answer within {timeout:g} s."


def reason_http(status: int) -> str:
    return f"The online geocoder answered with an error (HTTP {status})."


@dataclass(frozen=True)
class GeocodeHit:
    name: str
    lat: float
    lon: float
    kind: str  # Nominatim's "class/type", e.g. "highway/primary"; may be ""


@dataclass(frozen=True)
class GeocodeAnswer:
    hits: tuple[GeocodeHit, ...]
    ok: bool
    reason: str = ""


OFF_ANSWER = GeocodeAnswer(hits=(), ok=False, reason=REASON_OFF)


def normalise_query(query: str) -> str:
    """The cache key of a query: case-folded, with runs of white space collapsed."""
    return " ".join(query.split()).casefold()


class _RawNominatim(Nominatim):
    """Nominatim whose parsing step hands back the decoded JSON untouched.

    geopy's own parser turns every hit into a ``Location`` and fails the whole answer on one
    hit with unreadable coordinates (or crashes on a JSON string); here each hit is checked
    on its own by :func:`parse_hits`.
    """

    def _parse_json(self, places, exactly_one):
        return places


def _adapter_factory(*, proxies, ssl_context):
    # requests' adapter retries a failed connection twice by default: three connect timeouts
    # in a row during a blackout. One attempt per search is enough.
    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


def _coordinate(value: object, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(number) or abs(number) > bound:
        return None
    return number


def _clean_name(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    text = " ".join(text.split())
    if len(text) > MAX_NAME_CHARS:
        text = text[: MAX_NAME_CHARS - 1].rstrip() + "…"
    return text


def _kind(place: dict) -> str:
    parts = [place.get("class", place.get("category")), place.get("type")]
    return "/".join(p.strip() for p in parts if isinstance(p, str) and p.strip())[:100]


def parse_hits(places: object) -> tuple[GeocodeHit, ...] | None:
    """Hits from Nominatim's JSON; ``None`` when it is not a list of objects.

    A hit without a usable name or with coordinates that are not finite numbers in range is
    dropped; the other hits are kept.
    """
    if places is None:
        return ()
    if not isinstance(places, list) or not all(isinstance(p, dict) for p in places):
        return None
    hits = []
    for place in places:
        lat = _coordinate(place.get("lat"), 90.0)
        lon = _coordinate(place.get("lon"), 180.0)
        name = _clean_name(place.get("display_name"))
        if lat is None or lon is None or not name:
            continue
        hits.append(GeocodeHit(name=name, lat=lat, lon=lon, kind=_kind(place)))
    return tuple(hits)


class OnlineGeocoder:
    """A cached, rate-limited Nominatim search that answers even when the network does not."""

    def __init__(
        self,
        domain: str = DEFAULT_DOMAIN,
        scheme: str = "https",
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 3.0,
        min_delay_seconds: float = 1.0,
        country_codes: str | None = "kz",
        cache_size: int = 256,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.timeout = float(timeout)
        self.country_codes = country_codes
        self.cache_size = max(0, int(cache_size))
        self.cooldown_s = float(cooldown_s)
        self._clock = clock
        self._nominatim = _RawNominatim(
            domain=domain,
            scheme=scheme,
            user_agent=user_agent,
            timeout=self.timeout,
            adapter_factory=_adapter_factory,
        )
        self._geocode = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            error_wait_seconds=min_delay_seconds,
            swallow_exceptions=False,
        )
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int], GeocodeAnswer] = OrderedDict()
        self._quiet_until: float | None = None
        self._quiet_reason = ""

    @property
    def endpoint(self) -> str:
        """The search URL that requests go to, e.g. ``https://nominatim.openstreetmap.org/search``."""
        return self._nominatim.api

    def search(self, query: str, limit: int = 5) -> GeocodeAnswer:
        """Up to ``limit`` (1 to 40) places matching ``query``; never raises."""
        text = " ".join(query.split()) if isinstance(query, str) else ""
        if not text:
            return GeocodeAnswer(hits=(), ok=True)
        try:
            limit = max(1, min(int(limit), MAX_LIMIT))
        except (TypeError, ValueError):
            limit = 5
        key = (normalise_query(text), limit)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            if self._quiet_until is not None:
                if self._clock() < self._quiet_until:
                    return GeocodeAnswer(hits=(), ok=False, reason=self._quiet_reason)
                self._quiet_until = None
        answer, quiet_for = self._ask(text, limit)
        with self._lock:
            if answer.ok:
                if self.cache_size:
                    self._cache[key] = answer
                    self._cache.move_to_end(key)
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
            elif quiet_for is not None and quiet_for > 0:
                self._quiet_until = self._clock() + quiet_for
                self._quiet_reason = answer.reason
        return answer

    def _ask(self, text: str, limit: int) -> tuple[GeocodeAnswer, float | None]:
        """One request; the answer and how long to stay quiet afterwards (None: not at all)."""
        try:
            places = self._geocode(
                text, exactly_one=False, limit=limit, country_codes=self.country_codes or None
            )
        except GeopyError as error:
            return _failure(error, self.timeout, self.cooldown_s)
        except (ValueError, TypeError, KeyError):
            return GeocodeAnswer(hits=(), ok=False, reason=REASON_UNREADABLE), None
        except OSError:
            return GeocodeAnswer(hits=(), ok=False, reason=REASON_UNREACHABLE), self.cooldown_s
        hits = parse_hits(places)
        if hits is None:
            return GeocodeAnswer(hits=(), ok=False, reason=REASON_UNREADABLE), None
        return GeocodeAnswer(hits=hits[:limit], ok=True), None


def _failure(error: GeopyError, timeout: float, cooldown_s: float
             ) -> tuple[GeocodeAnswer, float | None]:
    """The traveller's reason for a geopy error, and how long to stay quiet after it."""
    cause = error.__cause__
    status = cause.status_code if isinstance(cause, AdapterHTTPError) else None
    if isinstance(error, GeocoderRateLimited):
        # Nominatim's policy: back off. Honour Retry-After (up to an hour) when it is sent.
        wait = cooldown_s if error.retry_after is None else min(error.retry_after, 3600.0)
        return GeocodeAnswer(hits=(), ok=False, reason=REASON_RATE_LIMITED), wait
    if status is not None:
        # geopy maps HTTP 408/503/504 to GeocoderTimedOut: the server did answer, with an error.
        return GeocodeAnswer(hits=(), ok=False, reason=reason_http(status)), None
    if isinstance(error, GeocoderTimedOut):
        return GeocodeAnswer(hits=(), ok=False, reason=reason_timeout(timeout)), cooldown_s
    if isinstance(error, GeocoderUnavailable):
        return GeocodeAnswer(hits=(), ok=False, reason=REASON_UNREACHABLE), cooldown_s
    if isinstance(error, (GeocoderParseError, GeocoderQueryError)):
        return GeocodeAnswer(hits=(), ok=False, reason=REASON_UNREADABLE), None
    return GeocodeAnswer(hits=(), ok=False, reason=REASON_FAILED), None


def geocoder_from_setting(value: str | None, **options) -> OnlineGeocoder | None:
    """The geocoder a setting asks for.

    ``None`` or ``""``: the public Nominatim. ``"off"``, ``"0"``, ``"none"``: switched off
    (``None``). A base URL such as ``http://127.0.0.1:8089`` or
    ``https://nominatim.example.org/base``: that server (requests go to ``<base>/search``;
    a trailing ``/search`` in the setting is accepted). ``options`` go to
    :class:`OnlineGeocoder`. Anything else raises ``ValueError``.
    """
    if value is None or not value.strip():
        return OnlineGeocoder(**options)
    text = value.strip()
    if text.casefold() in OFF_WORDS:
        return None
    hint = ("give a base URL such as https://nominatim.example.org or http://127.0.0.1:8089, "
            "or 'off'")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Geocoder setting {value!r} is not an http(s) URL: {hint}.")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"Geocoder setting {value!r} must not have a query or fragment: {hint}.")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"Geocoder setting {value!r} must not carry credentials: {hint}.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(f"Geocoder setting {value!r} has an invalid port: {hint}.") from None
    if any(ch.isspace() for ch in text):
        raise ValueError(f"Geocoder setting {value!r} contains white space: {hint}.")
    path = parts.path.rstrip("/")
    if path.endswith("/search"):
        path = path[: -len("/search")]
    return OnlineGeocoder(domain=parts.netloc + path, scheme=parts.scheme.lower(), **options)


__all__ = [
    "ATTRIBUTION",
    "DEFAULT_DOMAIN",
    "DEFAULT_USER_AGENT",
    "OFF_ANSWER",
    "GeocodeAnswer",
    "GeocodeHit",
    "OnlineGeocoder",
    "geocoder_from_setting",
    "normalise_query",
    "parse_hits",
]
