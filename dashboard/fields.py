"""Parsing one field of a row: each parser returns the value or raises FieldError with a
message that says what is wrong; the tables (`tables.py`) name a parser per column."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date


class FieldError(ValueError):
    """A field's value is wrong; the message says how."""


def _quote(value: object, limit: int = 60) -> str:
    """repr() of a value from the data, cut short: a message stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 5]}...{text[-1]}"


def _quote_all(values: Iterable[object], most: int = 5) -> str:
    values = list(values)
    more = f" and {len(values) - most} more" if len(values) > most else ""
    return ", ".join(_quote(v) for v in values[:most]) + more


def _text(value: str) -> str:
    return value.strip()


def _required(value: str) -> str:
    value = value.strip()
    if not value:
        raise FieldError("is required")
    return value


# What an id may not hold: whitespace (``\s`` is exactly str.isspace), ; | , < > and quotes.
_NOT_IN_ID = re.compile(r"[\s;|,<>\"']")


def _ident(value: str) -> str:
    value = _required(value)
    if not value.isprintable() or _NOT_IN_ID.search(value):
        raise FieldError(f"{_quote(value)} is not a valid id (printable, no spaces or "
                         "; | , < > quotes)")
    return value


def _id_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _required_id_list(value: str) -> tuple[str, ...]:
    items = _id_list(value)
    if not items:
        raise FieldError("needs at least one id")
    return items


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _float(value: str) -> float:
    value = _required(value)
    try:
        number = float(value)
    except ValueError:
        raise FieldError(f"{_quote(value)} is not a number") from None
    if not math.isfinite(number):
        raise FieldError(f"{_quote(value)} is not a finite number")
    return number


def _optional_float(value: str) -> float:
    return _float(value) if value.strip() else 0.0


def _int_in(allowed: Iterable[int]) -> Callable[[str], int]:
    allowed = tuple(allowed)

    def parse(value: str) -> int:
        value = _required(value)
        try:
            number = int(value)
        except ValueError:
            raise FieldError(f"{_quote(value)} is not a whole number") from None
        if number not in allowed:
            raise FieldError(f"{number} is not one of {', '.join(map(str, allowed))}")
        return number

    return parse


def _count(value: str) -> int:
    value = _required(value).replace("_", "")
    try:
        number = int(value)
    except ValueError:
        raise FieldError(f"{_quote(value)} is not a whole number") from None
    if number < 0:
        raise FieldError(f"{number} is negative")
    return number


def _enum(allowed: frozenset[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = _required(value)
        if value not in allowed:
            raise FieldError(f"{_quote(value)} is not one of: {', '.join(sorted(allowed))}")
        return value

    return parse


def _bool(value: str) -> bool:
    value = value.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("", "no", "false", "0"):
        return False
    raise FieldError(f"{_quote(value)} is not yes or no")


_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: str) -> date:
    value = _required(value)
    if _DATE_FORM.fullmatch(value):  # date.fromisoformat alone takes 20220105 and 2022-W01-3
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldError(f"{_quote(value)} is not a date in the form YYYY-MM-DD")


def _optional_date(value: str) -> date | None:
    return _date(value) if value.strip() else None


def _time(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
        raise FieldError(f"{_quote(value)} is not a time in the form HH:MM")
    if int(parts[0]) > 23 or int(parts[1]) > 59:
        raise FieldError(f"{_quote(value)} is not a time of day")
    return value


def _hours(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    start, sep, end = value.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise FieldError(f"{_quote(value)} is not hours in the form HH:MM-HH:MM")
    _time(start)
    _time(end)
    return value

