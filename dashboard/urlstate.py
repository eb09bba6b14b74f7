"""The address bar's view of the page: ``?day=&layers=&view=&present=``, read and written.

Reading never fails: a value that is unknown, out of range or garbage falls back to the
default, with a short notice that quotes a cleaned, shortened form of what was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

PARAMS = ("day", "layers", "view", "present")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
_SHOWN = re.compile(r"[^0-9A-Za-z ,.:-]")
MAX_SHOWN = 24


@dataclass(frozen=True)
class UrlState:
    day: date
    layers: tuple[str, ...]
    view: str | None = None
    present: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)


def shown(raw: str) -> str:
    """A given value as a notice may quote it: plain characters only, and short."""
    text = _SHOWN.sub("?", raw)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def _one(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):  # a repeated parameter: the last one counts
        value = value[-1] if value else ""
    return str(value)


def read(params: Mapping[str, object], days: Sequence[date], layer_keys: Sequence[str],
         views: Sequence[str], *, day_label=lambda d: d.isoformat()) -> UrlState:
    """The state a link asks for; defaults (first day, every layer, no camera, no
    presentation) for anything missing or wrong, each wrong value named in a notice."""
    notices = []
    day = days[0]
    raw = _one(params, "day")
    if raw is not None:
        try:
            asked = date.fromisoformat(raw.strip())
        except ValueError:
            asked = None
        if asked in days:
            day = asked
        else:
            notices.append(f"Unknown day in the link ({shown(raw)}): showing {day_label(day)}.")

    layers = tuple(layer_keys)
    raw = _one(params, "layers")
    if raw is not None:
        asked_layers = [part.strip().lower() for part in raw.split(",") if part.strip()]
        known = [k for k in layer_keys if k in asked_layers]
        unknown = [part for part in asked_layers if part not in layer_keys]
        if unknown:
            notices.append(f"Unknown map layer(s) in the link ({shown(','.join(unknown))}); "
                           f"known: {', '.join(layer_keys)}.")
        if known or raw.strip() in ("", "none"):
            layers = tuple(known)
        elif unknown:
            notices[-1] += " Showing every layer."

    view = None
    raw = _one(params, "view")
    if raw is not None and raw.strip():
        if raw.strip().lower() in views:
            view = raw.strip().lower()
        else:
            notices.append(f"Unknown view in the link ({shown(raw)}); "
                           f"known: {', '.join(views)}.")

    present = False
    raw = _one(params, "present")
    if raw is not None:
        if raw.strip().lower() in TRUE:
            present = True
        elif raw.strip().lower() not in FALSE:
            notices.append(f"Unknown presentation setting in the link ({shown(raw)}): "
                           "use present=1 or present=0.")
    return UrlState(day, layers, view, present, tuple(notices))


def write(state: UrlState, layer_keys: Sequence[str]) -> dict[str, str]:
    """The parameters of a link that reopens ``state``; defaults are left out."""
    params = {"day": state.day.isoformat()}
    if tuple(state.layers) != tuple(layer_keys):
        params["layers"] = ",".join(state.layers) if state.layers else "none"
    if state.view:
        params["view"] = state.view
    if state.present:
        params["present"] = "1"
    return params
