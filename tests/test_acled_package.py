"""The ACLED importer is a package split by job; `dashboard.acled` keeps its public names."""

from __future__ import annotations

from pathlib import Path

import dashboard.acled as acled

PUBLIC = (
    "REQUIRED_COLUMNS", "RADIUS_M", "PLACE_KIND", "PRECISION_WORDS", "DATE_PRECISION_WORDS",
    "SUB_EVENT_CATEGORIES", "EVENT_TYPE_CATEGORIES", "MONTHS", "EXPORT_SOURCE_ID", "MARKER",
    "OWN_FILES", "SEPARATORS", "UnusableExport", "RowProblem", "AcledPlace", "AcledSource",
    "AcledEvent", "AcledImport", "ImportCheckFailed", "parse_date", "parse_timestamp",
    "category", "sniff_separator", "read_export", "scenario_meta", "utc_offsets",
    "check_output", "write_scenario", "TABLES", "DEFAULT_DATA_DIR",
)


def test_the_package_keeps_the_public_names():
    missing = [name for name in PUBLIC if not hasattr(acled, name)]
    assert missing == []
    assert set(PUBLIC) <= set(acled.__all__)


def test_each_module_has_one_job_and_stays_short():
    folder = Path(acled.__file__).parent
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    for stem in modules:  # every module is named in the package's table of jobs
        assert f"``{stem}``" in acled.__doc__, stem
    for path in folder.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 250, path.name
