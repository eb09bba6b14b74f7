"""The data's vocabulary, one entry per kind of thing: status kinds and their values, event
categories, restriction kinds. Every surface reads these entries (the loader's checks, the map's
colours and legend, the panel, the brief, the traveller's dangers, the trends), so a new kind
is one entry here plus its test. Pure data: imports nothing of the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- colours
# The status colours, chosen to stay apart for the common colour-vision deficiencies
# (protanopia, deuteranopia, tritanopia: tests/test_colours.py simulates them), and never the
# only cue: each status value and event category also has a marker shape, and every tooltip,
# accessible name and legend row says it in words. Blue is the usual state, orange a warning,
# red the gravest, purple a site seized.
BLUE = "#2166ac"
ORANGE = "#e69f00"
AMBER = "#f39c12"  # limited flights: apart from the protests' orange on the same map
RED = "#b2182b"
VERMILION = "#cc3311"
DARK_RED = "#661100"
PURPLE = "#40004b"
GREY = "#8c8c8c"
# The shapes a point marker can take (static/kz/map.js draws them, the legend too).
SHAPES = ("circle", "square", "triangle", "diamond")

# --------------------------------------------------------------------------- statuses


@dataclass(frozen=True)
class Value:
    """One status a subject can be in."""

    key: str
    label: str  # the words every surface shows: "limited flights", "held by protesters"
    colour: str
    danger: str = ""  # the traveller's word when the status is an active danger, else ""
    shape: str = "circle"  # the marker's shape where the place is a point (SHAPES)


@dataclass(frozen=True)
class StatusKind:
    key: str
    heading: str  # the legend's heading for its values
    values: tuple[Value, ...]
    layer: str  # the map layer that draws it
    # how the legend draws it: dot, sq (an area), ring (a line around), hatch (an area in
    # stripes of its colour: the map draws the kind's areas so, static/kz/map.js kz.hatch)
    mark: str = "dot"
    headline_of: tuple[str, ...] = ()  # the place kinds whose headline status this is

    def value(self, key: str) -> Value | None:
        return next((v for v in self.values if v.key == key), None)


AVOID_COLOUR = "#d7301f"
CHECKPOINT_COLOUR = "#253494"
GUARD_COLOUR = "#6a3d9a"

STATUS_KINDS: tuple[StatusKind, ...] = (
    StatusKind("airport", "Airports", (
        Value("open", "open", BLUE),
        Value("limited", "limited flights", AMBER, shape="triangle"),
        Value("closed", "closed", RED, shape="square"),
        Value("seized", "seized", PURPLE, danger="seized site", shape="diamond"),
    ), layer="airports", headline_of=("airport",)),
    # Who held a site or a city.
    StatusKind("control", "Who held it", (
        Value("protesters", "held by protesters", RED, danger="site held by protesters",
              shape="triangle"),
        Value("contested", "contested", ORANGE, danger="site contested", shape="diamond"),
        Value("authorities", "held by the authorities", BLUE, shape="square"),
    ), layer="control", mark="sq"),
    StatusKind("avoid", "Zones", (
        Value("avoid", "avoid-zone", AVOID_COLOUR, danger="avoid-zone"),
        Value("closed_to_public", "closed to the public", AVOID_COLOUR,
              danger="site closed to the public"),
    ), layer="zones", mark="hatch"),
    StatusKind("checkpoint", "Zones", (
        Value("active", "checkpoints active", CHECKPOINT_COLOUR, danger="checkpoint"),
    ), layer="checkpoints", mark="ring", headline_of=("checkpoint",)),
    StatusKind("guard", "Zones", (
        Value("guarded", "guarded", GUARD_COLOUR, danger="guarded site"),
    ), layer="guarded", mark="ring", headline_of=("strategic_site",)),
)
STATUS_KIND = {kind.key: kind for kind in STATUS_KINDS}
# The loader's check: the statuses each kind allows.
STATUS_VALUES: dict[str, frozenset[str]] = {
    kind.key: frozenset(v.key for v in kind.values) for kind in STATUS_KINDS}
# Which status kind is a place's headline status, by the kind of place.
PRIMARY_STATUS = {place_kind: kind.key for kind in STATUS_KINDS
                  for place_kind in kind.headline_of}
NO_REPORT_COLOUR = GREY


def status_value(kind: str, value: str) -> Value | None:
    entry = STATUS_KIND.get(kind)
    return entry.value(value) if entry else None


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str
    group: str  # the trends' group: Unrest, Security & arrests, Other
    danger: bool = False  # on the map's unrest layer, and an active danger for a traveller
    legend: str = ""  # the legend row it is shown under ("" for none)
    shape: str = "circle"  # the marker's shape where the place is a point (SHAPES)


UNREST, SECURITY, OTHER = "Unrest", "Security & arrests", "Other"
EVENT_GROUPS = (UNREST, SECURITY, OTHER)
GROUP_COLOURS = (ORANGE, "#34495e", "#b0b0b0")

CATEGORIES: tuple[Category, ...] = (
    Category("protest", "protest", ORANGE, UNREST, True, "Protest"),
    Category("clash", "clash", VERMILION, UNREST, True, "Clash / security operation",
             shape="triangle"),
    Category("arson", "arson", DARK_RED, UNREST, True, "Arson / explosion", shape="diamond"),
    Category("seizure", "seizure", PURPLE, UNREST, True, shape="diamond"),
    Category("recapture", "recapture", "#2c7fb8", UNREST, True, shape="square"),
    Category("looting", "looting", "#a04000", UNREST, True),
    Category("explosion", "explosion", "#000000", UNREST, True, shape="diamond"),
    Category("security_operation", "security operation", "#34495e", SECURITY, True,
             shape="triangle"),
    Category("arrest", "arrest", "#5d6d7e", SECURITY, True),
    Category("deployment", "deployment", "#6a3d9a", SECURITY),
    Category("political", "political", "#7f8c8d", OTHER),
    Category("communications", "communications", "#7f8c8d", OTHER),
    Category("economy", "economy", "#7f8c8d", OTHER),
    Category("transport", "transport", "#2c7fb8", OTHER),
    Category("advisory", "advisory", "#7f8c8d", OTHER),
)
CATEGORY = {c.key: c for c in CATEGORIES}
EVENT_CATEGORIES = frozenset(CATEGORY)
# The categories that are "protests and clashes of the day": on the map, and active dangers.
UNREST_CATEGORIES = frozenset(c.key for c in CATEGORIES if c.danger)


# --------------------------------------------------------------------------- restrictions


@dataclass(frozen=True)
class RestrictionKind:
    key: str
    label: str
    on_map: bool = False  # drawn on the map's emergency layer over the areas it applies to
    legend: str = ""  # the legend row it is shown under ("" for none)


SOE_COLOUR = "#fdae61"

RESTRICTION_KINDS_ALL: tuple[RestrictionKind, ...] = (
    RestrictionKind("state_of_emergency", "State of emergency", on_map=True,
                    legend="State of emergency"),
    RestrictionKind("curfew", "Curfew", on_map=True),
    RestrictionKind("internet", "Internet"),
    RestrictionKind("banks", "Banks"),
    RestrictionKind("movement", "Movement restricted"),
    RestrictionKind("terror_alert", "Terror alert"),
    RestrictionKind("mourning", "Day of mourning"),
    RestrictionKind("counter_terrorist_operation", "Counter-terrorist operation"),
)
RESTRICTION_KIND = {k.key: k for k in RESTRICTION_KINDS_ALL}
RESTRICTION_KINDS = frozenset(RESTRICTION_KIND)
RESTRICTION_LABELS = {k.key: k.label for k in RESTRICTION_KINDS_ALL}
