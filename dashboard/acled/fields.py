"""One cell of an ACLED row: dates (ISO or "02 January 2022"), upload timestamps, coordinates,
codes, fatalities, the event category; and the stable ids of places and sources. A parser
returns the value or raises _Bad, whose message says what is wrong with the cell."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date, datetime, timedelta, timezone

from ..scenario import FIRST_DAY, LAST_DAY
from .conventions import _EVENT_TYPES, _SUB_EVENTS, EVENT_TYPE_CATEGORIES, MONTHS

_BAD_ID_CHARS = re.compile(r"[\s;|,<>\"']")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{4})")


class _Bad(ValueError):
    """One field of a row is unusable; the message says why."""


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"(Z|[+-]\d{2}(?::?\d{2})?)?)?", re.IGNORECASE)
_SECONDS = re.compile(r"\d+(\.\d*)?")
_SLASHED = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")
# Unix seconds of 2100-01-01: a later upload time is not seconds (milliseconds, say).
_LAST_SECOND = 4_102_444_800


def _iso(value: str) -> datetime | None:
    """An ISO date or date-time as written (its own day, whatever the zone), or None when the
    text is not one; raises _Bad for an impossible one (2022-02-31, 25:00)."""
    match = _ISO.fullmatch(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    offset = timezone.utc
    if zone and zone.upper() != "Z":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise _Bad(f"{value!r} has an impossible UTC offset {zone}")
        offset = timezone((1 if zone[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        min(int(second or 0), 59), tzinfo=offset)
    except ValueError:
        raise _Bad(f"{value!r} is not a real date or time") from None


def _in_years(day: date, value: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _Bad(f"{value!r} is outside {FIRST_DAY.year}-{LAST_DAY.year}: a mistyped year?")
    return day


def parse_date(text: str) -> date:
    """The event's day as written: ISO ("2022-01-02", or a date-time such as
    "2022-01-02T00:00:00Z", "2022-01-02 00:00:00" or "...+05:00": its own day, not moved to
    another zone) or ACLED's "02 January 2022" (also "2 Jan 2022", "02-January-2022")."""
    value = text.strip()
    if not value:
        raise _Bad("is empty")
    stamp = _iso(value)
    if stamp is not None:
        return _in_years(stamp.date(), value)
    match = _DAY_MONTH_YEAR.fullmatch(value)
    if match and match.group(2).lower() in MONTHS:
        try:
            day = date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            raise _Bad(f"{value!r} is not a real date") from None
        return _in_years(day, value)
    if value.isascii() and value.isdigit():
        raise _Bad(f"{value!r} is a number, not a date (unix seconds belong in timestamp); "
                   "write '2022-01-02' or '02 January 2022'")
    if _SLASHED.fullmatch(value):
        raise _Bad(f"{value!r} is ambiguous (day/month or month/day?); write '2022-01-02' or "
                   "'02 January 2022'")
    raise _Bad(f"{value!r} is not a date like '02 January 2022' or '2022-01-02'")


def parse_timestamp(text: str) -> int | None:
    """ACLED's ``timestamp``, when the row was uploaded (not the event's day): unix seconds,
    or an ISO date-time (UTC unless it says its zone). None when empty."""
    value = text.strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):
        seconds = int(float(value))
        if seconds > _LAST_SECOND:
            raise _Bad(f"{value!r} is not unix seconds (milliseconds? it would be after "
                       f"{LAST_DAY.year}); write seconds, like 1641081600")
        return seconds
    stamp = _iso(value)
    if stamp is None:
        raise _Bad(f"{value!r} is not unix seconds (like 1641081600) or an ISO date-time")
    _in_years(stamp.date(), value)
    return int(stamp.timestamp())


def category(event_type: str, sub_event_type: str) -> str:
    """The scenario event category of an ACLED event (sub-event type first)."""
    sub = " ".join(sub_event_type.split()).lower()
    if sub in _SUB_EVENTS:
        return _SUB_EVENTS[sub]
    kind = " ".join(event_type.split()).lower()
    if kind in _EVENT_TYPES:
        return _EVENT_TYPES[kind]
    raise _Bad(f"{event_type.strip()!r} is not an ACLED event type "
               f"({', '.join(EVENT_TYPE_CATEGORIES)})")


def _coordinate(text: str, low: float, high: float, decimal_comma: bool = False) -> float:
    value = text.strip()
    if not value:
        raise _Bad("is empty")
    if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", value):
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise _Bad(f"{value!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _Bad(f"{value!r} is not between {low:g} and {high:g}")
    return number


def _code(text: str, allowed: tuple[int, ...]) -> int:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if number not in allowed:
        raise _Bad(f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return int(number)


def _fatalities(text: str) -> int | None:
    """ACLED's estimate; None when the cell is empty."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (number >= 0 and number.is_integer()):
        raise _Bad(f"{value!r} is not a whole number of 0 or more")
    return int(number)


def _slug(text: str, limit: int = 32) -> str:
    from unidecode import unidecode

    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")[:limit].strip("-")


def _stable_id(prefix: str, name: str, key: str, taken: dict) -> str:
    """prefix-name-hash: the same key gives the same id in every import of any file."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    slug = _slug(name)
    base = f"{prefix}-{slug}-" if slug else f"{prefix}-"
    for size in (10, 16, 40):
        candidate = base + digest[:size]
        if candidate not in taken:
            return candidate
    raise ValueError(f"id clash for {key!r}")  # needs a SHA-1 collision


