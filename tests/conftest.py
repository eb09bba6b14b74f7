"""Shared fixtures: the bundled scenario, loaded once, and editable copies of a tiny one."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from dashboard.scenario import DEFAULT_DATA_DIR, load_scenario

MINIMAL = Path(__file__).parent / "data" / "minimal"

# No test reaches the internet: the online geocoder is off unless a test points it at a local
# stand-in (the app and `streamlit run` subprocesses inherit this).
os.environ["DASHBOARD_GEOCODER"] = "off"


@pytest.fixture(scope="session")
def scenario():
    """The bundled geodata/ scenario."""
    return load_scenario(DEFAULT_DATA_DIR)


class ScenarioCopy:
    """A scratch copy of a scenario folder that a test may break on purpose."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, file: str) -> list[dict[str, str]]:
        with open(self.path / file, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def write_rows(self, file: str, rows: list[dict[str, str]]) -> None:
        with open(self.path / file, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        with open(self.path / file, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def set(self, file: str, index: int, **values: str) -> None:
        rows = self.rows(file)
        rows[index].update(values)
        self.write_rows(file, rows)

    def append(self, file: str, **values: str) -> None:
        rows = self.rows(file)
        template = dict(rows[0])
        template.update(values)
        rows.append(template)
        self.write_rows(file, rows)

    def write(self, file: str, content: str | bytes) -> None:
        target = self.path / file
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def load(self):
        return load_scenario(self.path)


@pytest.fixture
def mini(tmp_path) -> ScenarioCopy:
    target = tmp_path / "scenario"
    shutil.copytree(MINIMAL, target)
    return ScenarioCopy(target)


@pytest.fixture
def bundled_copy(tmp_path) -> ScenarioCopy:
    target = tmp_path / "geodata"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return ScenarioCopy(target)
