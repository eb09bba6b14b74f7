"""One feature of the map: a place drawn as a point, circle, ring, line or polygon, with its
tooltip and popup (sources cited, disputes said); the colours the vocabulary gives.
"""

from __future__ import annotations

import json

from ..geo import unlocated
from ..scenario import Place, Scenario
from ..vocab import (
    CATEGORIES,
    NO_REPORT_COLOUR,
    STATUS_KIND,
)
from .elements import esc

# Colours, from the vocabulary (vocab.py): one entry per status value and event category.
AIRPORT_COLOURS = {**{v.key: v.colour for v in STATUS_KIND["airport"].values},
                   None: NO_REPORT_COLOUR}
CONTROL_COLOURS = {v.key: v.colour for v in STATUS_KIND["control"].values}
EVENT_COLOURS = {c.key: c.colour for c in CATEGORIES}
# The marker shapes (a second cue beside the colour), from the vocabulary too.
AIRPORT_SHAPES = {v.key: v.shape for v in STATUS_KIND["airport"].values}
CONTROL_SHAPES = {v.key: v.shape for v in STATUS_KIND["control"].values}
EVENT_SHAPES = {c.key: c.shape for c in CATEGORIES}
AVOID_COLOUR = STATUS_KIND["avoid"].values[0].colour
CHECKPOINT_COLOUR = STATUS_KIND["checkpoint"].values[0].colour
GUARD_COLOUR = STATUS_KIND["guard"].values[0].colour

# --------------------------------------------------------------------------- popups

def source_item(source) -> str:
    """One source as the inside of a list item: title, publisher, date, and where it is."""
    where = source.file or source.url
    return (f"{esc(source.title)} — {esc(source.publisher)}, {esc(source.date)}"
            f"<br><span class='src-where'>{esc(where)}</span>")


def sources_html(scenario: Scenario, ids) -> str:
    items = [f"<li>{source_item(scenario.sources[sid])}</li>" for sid in dict.fromkeys(ids)
             if sid in scenario.sources]
    return f"<ul class='src'>{''.join(items)}</ul>" if items else ""


def source_refs_html(scenario: Scenario, ids) -> str:
    """A popup's sources by reference: their ids, which the page fills from the table of
    sources it holds (``source_table``, in the basemap file it fetches once), so that a step
    does not send the same lists over and over."""
    known = [sid for sid in dict.fromkeys(ids) if sid in scenario.sources]
    return (f"<ul class='src' data-kz-src='{esc(json.dumps(known, ensure_ascii=False))}'></ul>"
            if known else "")


def source_table(scenario: Scenario) -> dict[str, str]:
    """Every source's list item (``source_item``) by id: the page's table for the popups."""
    return {sid: source_item(source) for sid, source in scenario.sources.items()}


def popup_html(scenario: Scenario, title: str, lines: list[str], source_ids) -> str:
    body = "".join(f"<div>{line}</div>" for line in lines if line)
    return (f"<div class='kzpop'><b>{esc(title)}</b>{body}"
            f"<div class='src-h'>Sources</div>{source_refs_html(scenario, source_ids)}</div>")


def precision_note(place: Place) -> str:
    if place.geo_precision == 1:
        return ""
    if unlocated(place):
        return (f"<i>Position not known: somewhere in {esc(place.city or place.name)}; drawn "
                "on the city's centre</i>")
    words = {2: "approximate: near or part of an area", 3: "approximate: only the city or "
             "region is known"}[place.geo_precision]
    return f"<i>Location {esc(words)} (±{place.radius_m / 1000:.1f} km)</i>"


def _geometry(place: Place) -> dict:
    if place.geometry is not None:
        return place.geometry
    return {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}


def place_feature(place: Place, *, tooltip: str, popup: str, style: dict, px: int = 0,
                  shape: str = "circle") -> dict:
    """A GeoJSON feature: precise places are points drawn in pixels (in the status's `shape`),
    approximate ones areas, and a site known only by its city a dashed ring on the city (never
    an area that would put the whole city "inside" it)."""
    props = {"id": place.id, "tooltip": tooltip, "popup": popup, "style": style}
    if unlocated(place):
        props["px"] = max(px, 10)
        props["style"] = {**style, "dashArray": "4 4",
                          "fillOpacity": min(style.get("fillOpacity", 0.2), 0.25)}
        props["tooltip"] = (f"{tooltip} (somewhere in {esc(place.city or place.name)}: "
                            "position not known)")
        props["somewhere"] = place.city or place.name
    elif place.geometry is None and place.geo_precision > 1:
        props["r"] = place.radius_m  # metres: an area, never a pin
    else:
        props["px"] = px or 8
        if shape != "circle":
            props["shape"] = shape
    return {"type": "Feature", "geometry": _geometry(place), "properties": props}
