"""A copy of the bundled scenario with markup and script in every text field that reaches a
page: the text must be shown as text and nothing in it may run."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from dashboard.scenario import DEFAULT_DATA_DIR

MARK = "__kzPwned"


def payload(tag: str) -> str:
    """Markup that would record ``tag`` in the top window's MARK if it ever ran."""
    run = f"top.{MARK}=(top.{MARK}||[]).concat(['{tag}'])"
    return (f"{tag} <img src=x onerror=\"{run}\"><script>{run}</script>"
            f"<a href=\"javascript:{run}\">link</a> {{{{7*7}}}} **bold** [md](javascript:{run})")


# Texts outside the tables that reach a page or a label: scenario.json's, and the name of
# every feature of the outline files.
META_FIELDS = ("title", "utc_offset")
OUTLINES = ("neighbours.geojson", "regions.geojson")

# (file, column): each row's value gets a payload tagged file.column.row
FIELDS = (
    ("places.csv", "name"), ("places.csv", "detail"),
    ("events.csv", "summary"),
    ("statuses.csv", "detail"),
    ("restrictions.csv", "detail"),
    ("figures.csv", "detail"), ("figures.csv", "scope"),
    ("flights.csv", "destination"), ("flights.csv", "detail"),
    ("advice.csv", "text"),
    ("headlines.csv", "headline"),
    ("sources.csv", "title"), ("sources.csv", "publisher"), ("sources.csv", "note"),
)


def hostile_copy(target: Path) -> Path:
    """geodata/ copied to ``target`` with a payload appended to every field of FIELDS."""
    shutil.copytree(DEFAULT_DATA_DIR, target)
    by_file: dict[str, list[str]] = {}
    for file, column in FIELDS:
        by_file.setdefault(file, []).append(column)
    for file, columns in by_file.items():
        path = target / file
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        for number, row in enumerate(rows, start=2):
            for column in columns:
                row[column] = f"{row[column]} {payload(f'{file}.{column}.{number}')}"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    _hostile_json(target)
    return target


def _hostile_json(target: Path) -> None:
    """scenario.json's texts and every feature name of the two outline files get a payload."""
    meta_path = target / "scenario.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for key in META_FIELDS:
        meta[key] = f"{meta[key]} {payload(f'scenario.json.{key}')}"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    for file in OUTLINES:
        path = target / file
        data = json.loads(path.read_text(encoding="utf-8"))
        for number, feature in enumerate(data["features"]):
            props = feature["properties"]
            props["name"] = f"{props['name']} {payload(f'{file}.name.{number}')}"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
