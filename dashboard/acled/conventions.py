"""What this importer takes from ACLED and how it reads it: the columns an export must have,
ACLED's codes (geo_precision, time_precision, event and sub-event types) and what each becomes
in a scenario, and the names this command writes. No reading or writing here."""

from __future__ import annotations

from ..tables import TABLES

REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "location", "latitude",
    "longitude", "geo_precision", "source", "fatalities",
)
# Drawing radius of an approximate place, in metres: a convention of this importer (ACLED gives
# a point and a precision code, no extent).
RADIUS_M = {1: 0.0, 2: 10_000.0, 3: 50_000.0}
# The scenario has no "settlement" kind: a located town or spot is a district-level place (so
# the base map does not label thousands of them as cities), a region-only place a region.
PLACE_KIND = {1: "district", 2: "district", 3: "region"}
PRECISION_WORDS = {
    1: "ACLED geo_precision 1: the sources name this town or spot.",
    2: "ACLED geo_precision 2: the event was near this town or in part of the area around it; "
       "drawn as a {km:g} km circle.",
    3: "ACLED geo_precision 3: only the region is known; this is the point ACLED coded for it; "
       "drawn as a {km:g} km circle.",
}
DATE_PRECISION_WORDS = {
    2: "Date approximate: ACLED time_precision 2 (the sources give only the week).",
    3: "Date approximate: ACLED time_precision 3 (the sources give only the month).",
}
# ACLED sub-event types -> scenario event categories (matched without regard to case).
SUB_EVENT_CATEGORIES = {
    "Armed clash": "clash",
    "Government regains territory": "recapture",
    "Non-state actor overtakes territory": "seizure",
    "Chemical weapon": "explosion",
    "Air/drone strike": "explosion",
    "Suicide bomb": "explosion",
    "Shelling/artillery/missile attack": "explosion",
    "Remote explosive/landmine/IED": "explosion",
    "Grenade": "explosion",
    "Sexual violence": "clash",
    "Attack": "clash",
    "Abduction/forced disappearance": "clash",
    "Peaceful protest": "protest",
    "Protest with intervention": "protest",
    "Excessive force against protesters": "protest",
    "Violent demonstration": "clash",
    "Mob violence": "clash",
    "Agreement": "political",
    "Arrests": "arrest",
    "Change to group/activity": "political",
    "Disrupted weapons use": "security_operation",
    "Headquarters or base established": "deployment",
    "Looting/property destruction": "looting",
    "Non-violent transfer of territory": "seizure",
    "Other": "political",
}
# When the sub-event type is empty or unknown: ACLED event types -> categories.
EVENT_TYPE_CATEGORIES = {
    "Battles": "clash",
    "Explosions/Remote violence": "explosion",
    "Violence against civilians": "clash",
    "Protests": "protest",
    "Riots": "clash",
    "Strategic developments": "political",
}
_SUB_EVENTS = {k.lower(): v for k, v in SUB_EVENT_CATEGORIES.items()}
_SUB_EVENTS["excessive force against protestors"] = "protest"  # ACLED spells it both ways
_EVENT_TYPES = {k.lower(): v for k, v in EVENT_TYPE_CATEGORIES.items()}
MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
     ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
     ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for name in names}
EXPORT_SOURCE_ID = "acled-export"
# The file that marks a folder this command wrote: --force replaces only such a folder.
MARKER = ".import-acled"
# Every name this command may write into its folder.
OWN_FILES = frozenset(t.file for t in TABLES.values()) | {
    "scenario.json", "places.geojson", "regions.geojson", "neighbours.geojson", "README.md",
    MARKER}
