"""The day's map layers, one ``LAYERS`` entry each (key, label, builder, drawn by region or
not): add a layer here. Each builder turns a DayState into features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium

from ..scenario import Scenario, Status
from ..timeline import (
    DayState,
    dispute_text,
    status_label,
)
from ..vocab import (
    RESTRICTION_KIND,
    RESTRICTION_LABELS,
    SOE_COLOUR,
    STATUS_KIND,
    UNREST_CATEGORIES,
)
from .elements import GeoJsonLayer, Group, esc
from .features import (
    AIRPORT_COLOURS,
    AIRPORT_SHAPES,
    AVOID_COLOUR,
    CHECKPOINT_COLOUR,
    CONTROL_COLOURS,
    CONTROL_SHAPES,
    EVENT_COLOURS,
    EVENT_SHAPES,
    GUARD_COLOUR,
    place_feature,
    popup_html,
    precision_note,
)

# --------------------------------------------------------------------------- day layers

def _status_line(status: Status) -> str:
    until = f" until {status.valid_to:%d %b}" if status.valid_to else ""
    return (f"<span>Status: <b>{esc(status_label(status))}</b> since "
            f"{status.valid_from:%d %b}{until}</span><br>{esc(status.detail)}")


def _emergency_features(state: DayState, scenario: Scenario) -> list[dict]:
    """The restrictions the vocabulary draws on the map (`on_map`: the state of emergency and
    the curfew), over the regions, and the cities, they apply to."""
    rows = [r for r in state.restrictions
            if r.kind in RESTRICTION_KIND and RESTRICTION_KIND[r.kind].on_map]
    if not rows:
        return []
    features = []
    for region in scenario.regions.get("features", []):
        rid = region["properties"]["id"]
        applying = [r for r in rows if rid in r.area or scenario.meta.country in r.area]
        if not applying:
            continue
        soe = [r for r in applying if r.kind == "state_of_emergency"]
        name = region["properties"]["name"]
        bits = list(dict.fromkeys(
            f"{RESTRICTION_LABELS[r.kind].lower()} {r.hours} local time" if r.hours
            else RESTRICTION_LABELS[r.kind] for r in applying))
        bits = [bits[0][:1].upper() + bits[0][1:], *bits[1:]]
        tooltip = f"{esc(name)}: {esc(', '.join(bits[:2]))}"
        lines = [f"{esc(RESTRICTION_LABELS[r.kind])}: {esc(r.detail)}" for r in applying]
        popup = popup_html(scenario, name, lines, [s for r in applying for s in r.sources])
        features.append({"type": "Feature", "geometry": region["geometry"], "properties": {
            "id": rid, "region": rid, "tooltip": tooltip, "popup": popup,
            "style": {"color": "#d94801", "weight": 1, "fillColor": SOE_COLOUR,
                      "fillOpacity": 0.28 if soe else 0.12}}})
    # A city's own state of emergency or curfew: its extent, outlined over the region.
    by_place: dict[str, list] = {}
    for r in rows:
        for area in r.area:
            place = scenario.places.get(area)
            if place is not None and place.kind != "country":
                by_place.setdefault(area, []).append(r)
    for pid, applying in by_place.items():
        place = scenario.places[pid]
        words = [f"curfew {r.hours} local time" if r.kind == "curfew" and r.hours
                 else RESTRICTION_LABELS[r.kind] for r in applying]
        lines = [f"{esc(RESTRICTION_LABELS[r.kind])}"
                 f"{' ' + esc(r.hours) if r.hours else ''}: {esc(r.detail)}" for r in applying]
        popup = popup_html(scenario, place.name, lines, [s for r in applying for s in r.sources])
        features.append(place_feature(place, tooltip=f"{esc(place.name)}: {esc(', '.join(words))}",
                                 popup=popup, px=14, style={
                                     "color": "#d94801", "weight": 2, "dashArray": "6 3",
                                     "fillColor": SOE_COLOUR, "fillOpacity": 0.2}))
    return features


def _zone_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    hatch = STATUS_KIND["avoid"].mark == "hatch"  # stripes, not a plain fill (kz.hatch)
    for ps, status in state.with_status("avoid"):
        place = ps.place
        words = "Closed to the public" if status.status == "closed_to_public" else "Avoid-zone"
        tooltip = f"{esc(words)}: {esc(place.name)}"
        popup = popup_html(scenario, place.name,
                       [_status_line(status), esc(place.detail), precision_note(place)],
                       list(status.sources) + list(place.sources))
        feature = place_feature(place, tooltip=tooltip, popup=popup, px=10, style={
            "color": AVOID_COLOUR, "weight": 2, "dashArray": "5 4", "fillColor": AVOID_COLOUR,
            "fillOpacity": 0.5 if hatch else 0.18})
        if hatch:  # told from the other areas by shape, not colour alone
            feature["properties"]["hatch"] = AVOID_COLOUR
        features.append(feature)
    return features


POPUP_EVENTS = 10  # events listed in one place's popup; the rest are counted


def _unrest_features(state: DayState, scenario: Scenario) -> list[dict]:
    by_place: dict[str, list] = {}
    for event in state.events:
        place = scenario.places.get(event.place_id)
        if event.category in UNREST_CATEGORIES and place is not None and place.kind != "country":
            by_place.setdefault(place.id, []).append(event)
    features = []
    for place_id, events in by_place.items():
        place = scenario.places[place_id]
        colour = EVENT_COLOURS[events[0].category]
        cats = ", ".join(dict.fromkeys(e.category.replace("_", " ") for e in events))
        tooltip = f"{esc(place.name)}: {esc(cats)}"
        shown = events[:POPUP_EVENTS]
        lines = [f"<b>{esc(e.category.replace('_', ' ').capitalize())}</b>"
                 f"{' at ' + esc(e.time) if e.time else ''}: {esc(e.summary)}" for e in shown]
        if len(events) > len(shown):
            lines.append(f"<i>and {len(events) - len(shown):,} more event(s) here this day: "
                         "the day's list and the downloads hold them all</i>")
        lines.append(precision_note(place))
        popup = popup_html(scenario, place.name, lines, [s for e in shown for s in e.sources])
        features.append(place_feature(place, tooltip=tooltip, popup=popup, px=9,
                                      shape=EVENT_SHAPES[events[0].category], style={
            "color": "#ffffff" if place.geo_precision == 1 else colour, "weight": 2,
            "fillColor": colour, "fillOpacity": 0.9 if place.geo_precision == 1 else 0.22}))
    return features


def _control_features(state: DayState, scenario: Scenario) -> list[dict]:
    """Sites and cities coloured by who held them this day."""
    features = []
    order = [v.key for v in STATUS_KIND["control"].values]  # gravest first
    for ps, status in sorted(state.with_status("control"),
                             key=lambda pair: order.index(pair[1].status)):
        place = ps.place
        colour = CONTROL_COLOURS.get(status.status, "#8c8c8c")
        disputes = [f"<i>{esc(dispute_text(d, state.day))}</i>"
                    for d in scenario.disputes.get(status.id, ())]
        popup = popup_html(scenario, place.name,
                       [_status_line(status), *disputes, esc(place.detail),
                        precision_note(place)],
                       list(status.sources) + list(place.sources))
        feature = place_feature(place, tooltip=f"{esc(place.name)}: {esc(status_label(status))}",
                           popup=popup, px=10, shape=CONTROL_SHAPES[status.status], style={
                               "color": colour, "weight": 3, "fillColor": colour,
                               "fillOpacity": 0.25 if place.geo_precision > 1 else 0.9})
        feature["properties"]["status"] = status.status
        features.append(feature)
    return features


def _airport_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    flights_by_airport: dict[str, list[str]] = {}
    for flight in state.flights:
        flights_by_airport.setdefault(flight.airport, []).append(flight.destination)
        if flight.destination_place:
            flights_by_airport.setdefault(flight.destination_place, []).append(
                f"from {scenario.places[flight.airport].name}")
    for ps in state.places:
        if ps.place.kind != "airport":
            continue
        status = ps.status_of("airport")
        value = status.status if status else None
        colour = AIRPORT_COLOURS.get(value, AIRPORT_COLOURS[None])
        label = value or "no report"
        tooltip = f"{esc(ps.place.name)}: {esc(label)}"
        lines = [_status_line(status) if status else "<span>No report for this day</span>"]
        if ps.place.id in flights_by_airport:
            lines.append("Flights: " + esc(", ".join(flights_by_airport[ps.place.id])))
        guard = ps.status_of("guard")
        if guard:
            lines.append(f"Guarded: {esc(guard.detail)}")
        popup = popup_html(scenario, ps.place.name, lines,
                       list(ps.place.sources) + [s for st in ps.statuses for s in st.sources])
        feature = place_feature(ps.place, tooltip=tooltip, popup=popup, px=9,
                                shape=AIRPORT_SHAPES.get(value, "circle"), style={
            "color": "#ffffff", "weight": 2, "fillColor": colour, "fillOpacity": 1})
        feature["properties"]["status"] = label
        features.append(feature)
    return features


def _checkpoint_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    for ps, status in state.with_status("checkpoint"):
        place = ps.place
        popup = popup_html(scenario, place.name, [_status_line(status), esc(place.detail),
                                              precision_note(place)],
                       list(status.sources) + list(place.sources))
        features.append(place_feature(place, tooltip=f"{esc(place.name)} (positions not public)",
                                 popup=popup, px=12, style={
                                     "color": CHECKPOINT_COLOUR, "weight": 4,
                                     "dashArray": "2 8", "fill": False}))
    return features


def _guarded_features(state: DayState, scenario: Scenario) -> list[dict]:
    features = []
    for ps in state.places:
        guard = ps.status_of("guard")
        if guard is None and ps.place.kind != "strategic_site":
            continue
        place = ps.place
        lines = [_status_line(guard) if guard else "<span>No guard reported this day</span>",
                 esc(place.detail), precision_note(place)]
        popup = popup_html(scenario, place.name, lines,
                       list(place.sources) + (list(guard.sources) if guard else []))
        words = "guarded" if guard else "not reported guarded"
        features.append(place_feature(place, tooltip=f"{esc(place.name)}: {words}", popup=popup,
                                 px=15, style={
                                     "color": GUARD_COLOUR if guard else "#8c8c8c",
                                     "weight": 3, "fill": place.approximate,
                                     "fillColor": GUARD_COLOUR, "fillOpacity": 0.12}))
    return features


@dataclass(frozen=True)
class Layer:
    """A map layer, one entry each: read by the map (drawing order: areas first, points on
    top), the sidebar's toggles, the link's `layers`, the exports and the page's day keeper."""

    key: str
    label: str
    build: Callable[[DayState, Scenario], list[dict]]
    by_region: bool = False  # features are whole regions, whose outlines the basemap holds


LAYERS: tuple[Layer, ...] = (
    Layer("emergency", "State of emergency & curfew", _emergency_features, by_region=True),
    Layer("zones", "Avoid-zones", _zone_features),
    Layer("unrest", "Protests & clashes of the day", _unrest_features),
    Layer("control", "Who held sites & cities", _control_features),
    Layer("airports", "Airports", _airport_features),
    Layer("checkpoints", "Checkpoints", _checkpoint_features),
    Layer("guarded", "Guarded sites & CSTO", _guarded_features),
)
LAYER = {layer.key: layer for layer in LAYERS}
LAYER_KEYS = tuple(layer.key for layer in LAYERS)


def layer_features(state: DayState, scenario: Scenario, key: str) -> list[dict]:
    return merge_rings(LAYER[key].build(state, scenario))


def merge_rings(features: list[dict]) -> list[dict]:
    """Sites known only by their city all sit on its point: one ring there, not a stack of
    rings of which only the top one could be pointed at. Its tooltip and popup hold each site
    in the order built (a layer puts its gravest first); `ids` names them all."""
    merged: list[dict] = []
    rings: dict[tuple, dict] = {}
    for feature in features:
        props = feature["properties"]
        if props.get("somewhere") and feature["geometry"]["type"] == "Point":
            key = tuple(feature["geometry"]["coordinates"])
            first = rings.get(key)
            if first is not None:
                head = first["properties"]
                head["ids"].append(props["id"])
                head["tooltip"] += f"<br>{props['tooltip']}"
                head["popup"] += props["popup"]
                continue
            feature = {**feature, "properties": {**props, "ids": [props["id"]]}}
            rings[key] = feature
        merged.append(feature)
    return merged


def day_layers(state: DayState, scenario: Scenario,
               keys: tuple[str, ...] | None = None) -> list[folium.FeatureGroup]:
    """One FeatureGroup per chosen layer (all by default), in drawing order (areas first,
    points on top)."""
    keys = LAYER_KEYS if keys is None else keys
    groups = []
    for spec in LAYERS:
        if spec.key not in keys:
            continue
        group = Group(name=spec.label)
        group.add_child(GeoJsonLayer(layer_features(state, scenario, spec.key), spec.key,
                                     by_region=spec.by_region))
        groups.append(group)
    return groups
