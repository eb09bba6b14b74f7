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


def test_import_export_writes_the_events_without_keeping_them(tmp_path):
    from dashboard.scenario import load_scenario

    export = Path(__file__).parent / "data" / "acled" / "awkward.csv"
    whole = acled.read_export(export)
    streamed = acled.AcledImport(file=export.name, path=str(export))
    meta = acled.import_export(streamed, tmp_path / "out")
    assert streamed.events == [] and streamed.count == len(whole.events) > 0
    assert (streamed.start, streamed.end) == (min(e.date for e in whole.events),
                                              max(e.date for e in whole.events))
    assert streamed.problems == whole.problems and streamed.places == whole.places
    scenario = load_scenario(tmp_path / "out")
    assert scenario.problems == () and len(scenario.events) == streamed.count
    assert meta["start"] == streamed.start.isoformat()
