"""Hostile and broken data: every case of the corpus (tests/hostile/cases.py) loads without an
exception, names the file, row and field of each problem, and loses nothing valid; rows made up
by hypothesis do the same; the app runs on the rest and says how much it set aside."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.brief import md
from dashboard.caveats import what_is_missing
from dashboard.cli import main as cli
from dashboard.scenario import (
    DEFAULT_DATA_DIR,
    EVENT_CATEGORIES,
    FIGURE_METRICS,
    PLACE_KINDS,
    QUALIFIERS,
    Event,
    Figure,
    Place,
    load_scenario,
)
from dashboard.snapshot import snapshot
from dashboard.timeline import as_of
from tests.apppage import page_html
from tests.hostile.cases import ALL, CASES, LAST, NEW, NON_ASCII, Case

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "sources.csv": "sources", "places.csv": "places", "events.csv": "events",
    "statuses.csv": "statuses", "restrictions.csv": "restrictions", "figures.csv": "figures",
    "flights.csv": "flights", "advice.csv": "advice", "headlines.csv": "headlines",
    "disputes.csv": "disputes",
    "regions.geojson": "regions", "neighbours.geojson": "neighbours", "water.geojson": "water",
}
FILE_OF = {table: file for file, table in TABLES.items()}
SCENARIO_FILES = {*TABLES, "scenario.json", "places.geojson"}
WITH_SOURCES = ("places", "events", "statuses", "restrictions", "figures", "flights", "advice",
                "headlines", "disputes")


# --------------------------------------------------------------------------- the clean data

def records(scenario) -> dict[str, dict[str, object]]:
    """Every loaded record by table and id (headlines by their day)."""
    def by_id(items):
        return {item.id: item for item in items}

    def features(collection):
        return {f["properties"]["id"]: f for f in collection["features"]}

    return {
        "sources": dict(scenario.sources), "places": dict(scenario.places),
        "events": by_id(scenario.events), "statuses": by_id(scenario.statuses),
        "restrictions": by_id(scenario.restrictions),
        "figures": by_id((*scenario.figures, *scenario.followed)),
        "flights": by_id(scenario.flights), "advice": by_id(scenario.advice),
        "headlines": {day.isoformat(): h for day, h in scenario.headlines.items()},
        "disputes": by_id(d for items in scenario.disputes.values() for d in items),
        "regions": features(scenario.regions), "neighbours": features(scenario.neighbours),
        "water": features(scenario.water),
    }


def row_numbers(file: str) -> dict[str, int]:
    """The line of each row of a bundled CSV file, the number of each GeoJSON feature."""
    path = DEFAULT_DATA_DIR / file
    if file.endswith(".geojson"):
        data = json.loads(path.read_text(encoding="utf-8"))
        return {f["properties"]["id"]: n for n, f in enumerate(data["features"], start=1)}
    numbers = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        line = reader.line_num
        for cells in reader:
            numbers[cells[0]] = line + 1
            line = reader.line_num
    return numbers


NUMBERS = {file: row_numbers(file) for file in TABLES}


def new_row(file: str) -> int:
    if file.endswith(".geojson"):
        return len(NUMBERS[file]) + 1
    return (DEFAULT_DATA_DIR / file).read_bytes().count(b"\n") + 1


def non_ascii_ids(file: str) -> list[str]:
    lines = (DEFAULT_DATA_DIR / file).read_text(encoding="utf-8").split("\n")
    return [rid for rid, number in NUMBERS[file].items() if not lines[number - 1].isascii()]


def ids_of(case: Case, named) -> list[str]:
    """The ids a case names: ALL, NON_ASCII, or a tuple of ids and LAST."""
    numbers = NUMBERS.get(case.file, {})
    if named == ALL:
        return list(numbers)
    if named == NON_ASCII:
        return non_ascii_ids(case.file)
    return [list(numbers)[-1] if rid == LAST else rid for rid in named]


def expected_problems(case: Case) -> set[tuple[int, str]]:
    numbers = NUMBERS.get(case.file, {})
    expected = set()
    for row, field in case.expect:
        if isinstance(row, int):
            expected.add((row, field))
        elif row == NEW:
            expected.add((new_row(case.file), field))
        else:
            rows = row if row == NON_ASCII else (row,)
            expected.update((numbers[rid], field) for rid in ids_of(case, rows))
    return expected


def referrers(clean, table: str, rid: str) -> list[tuple[str, str, str]]:
    """(table, id, field) of every clean row that refers to this row."""
    found = []
    if table == "places":
        found += [("events", e.id, "place_id") for e in clean.events if e.place_id == rid]
        found += [("statuses", s.id, "subject") for s in clean.statuses if s.subject == rid]
        found += [("flights", f.id, "airport") for f in clean.flights if f.airport == rid]
        found += [("flights", f.id, "destination_place") for f in clean.flights
                  if f.destination_place == rid]
    if table in ("figures", "statuses", "events", "restrictions"):
        found += [("disputes", d.id, "target") for items in clean.disputes.values()
                  for d in items if d.target == rid]
    if table in ("places", "regions"):
        found += [("restrictions", r.id, "area") for r in clean.restrictions if rid in r.area]
        found += [("advice", a.id, "applies_to") for a in clean.advice if rid in a.applies_to]
    if table == "sources":
        everything = records(clean)
        found += [(t, key, "sources") for t in WITH_SOURCES
                  for key, item in everything[t].items() if rid in item.sources]
    return found


def cascade(clean, lost: set[tuple[str, str]]):
    """Everything set aside with the lost rows, and the problem each of those rows reports."""
    lost, queue, problems = set(lost), list(lost), set()
    while queue:
        for table, rid, field in referrers(clean, *queue.pop()):
            problems.add((FILE_OF[table], NUMBERS[FILE_OF[table]][rid], field))
            if (table, rid) not in lost:
                lost.add((table, rid))
                queue.append((table, rid))
    # A lost place's real-extent geometry in places.geojson is reported as naming no place.
    shapes = row_numbers("places.geojson")
    problems |= {("places.geojson", shapes[rid], "properties.id")
                 for table, rid in lost if table == "places" and rid in shapes}
    return lost, problems


def check_problems(problems) -> None:
    """Each problem names a file of the folder, a row (0: the whole file) and a field, on one
    short line."""
    for p in problems:
        assert isinstance(p.row, int) and p.row >= 0, p
        assert p.file in SCENARIO_FILES or p.row == 0, p
        assert isinstance(p.field, str) and p.field and p.message, p
        assert str(p) == f"{p.file}:{p.row}: {p.field}: {p.message}"
        assert "\n" not in str(p) and "\r" not in str(p) and "Traceback" not in str(p), p
        assert len(p.message) < 400, p


def copy_of_bundled(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("*.md", "*.py"))
    return folder


def broken(case: Case, tmp_path: Path) -> Path:
    folder = copy_of_bundled(tmp_path)
    case.mutate(folder / case.file)
    return folder


# --------------------------------------------------------------------------- the corpus

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case(case, tmp_path, scenario, capsys):
    folder = broken(case, tmp_path)
    path = folder / case.file
    assert not path.exists() or path.read_bytes() != (DEFAULT_DATA_DIR / case.file).read_bytes()
    loaded = load_scenario(folder)
    listing = "\n".join(map(str, loaded.problems))
    check_problems(loaded.problems)

    own = {(p.row, p.field) for p in loaded.problems if p.file == case.file}
    assert own == expected_problems(case), listing

    table = TABLES.get(case.file)
    lost = {(table, rid) for rid in ids_of(case, case.lost)} if table else set()
    lost, knock_on = cascade(scenario, lost)
    others = {(p.file, p.row, p.field) for p in loaded.problems if p.file != case.file}
    assert others == knock_on, listing

    # Nothing valid is lost: every row the case did not touch loads exactly as before.
    clean, got = records(scenario), records(loaded)
    for name, rows in clean.items():
        kept = {rid for rid in rows if (name, rid) not in lost}
        assert set(got[name]) == kept, (name, listing)
        touched = set(case.changed) if name == table else set()
        for rid in kept - touched:
            assert got[name][rid] == rows[rid], (name, rid)
    assert (loaded.meta.start, loaded.meta.end) == (scenario.meta.start, scenario.meta.end)
    assert loaded.meta.neighbourhood == scenario.meta.neighbourhood
    assert len(loaded.regions["features"]) == len(got["regions"])  # ids stay unique
    for day in (loaded.days[0], loaded.days[-1]):  # the day's state is built from the rest
        json.dumps(snapshot(as_of(loaded, day), loaded))

    code = cli(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert code == (1 if loaded.problems else 0)
    assert out == "".join(f"{p}\n" for p in loaded.problems)
    assert "Traceback" not in out + err


def test_the_corpus_covers_every_file_of_a_scenario():
    files = {case.file for case in CASES}
    assert files == set(TABLES) | {"scenario.json"}
    for file in files:
        names = {case.name for case in CASES if case.file == file}
        stem = file.split(".")[0]
        assert f"{stem}-missing" in names and f"{stem}-empty" in names, file
        assert any("duplicate" in n for n in names) or file == "scenario.json", file
        assert any("trunc" in n for n in names), file


SUBPROCESS_CASES = ("places-unclosed-quote-mid-file", "scenario-nested-too-deep",
                    "sources-missing")


def test_validate_command_names_every_problem_and_never_a_traceback(tmp_path):
    """The real `python -m dashboard validate DIR`, run on a handful of the cases at once."""
    by_name = {case.name: case for case in CASES}
    runs = []
    for name in SUBPROCESS_CASES:
        folder = broken(by_name[name], tmp_path / name)
        runs.append((name, folder, subprocess.Popen(
            [sys.executable, "-m", "dashboard", "validate", str(folder)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for name, folder, run in runs:
        out, err = run.communicate(timeout=120)
        loaded = load_scenario(folder)
        assert run.returncode == 1, (name, err)
        assert out.splitlines() == [str(p) for p in loaded.problems], name
        assert "Traceback" not in out + err, (name, err)
        assert err.strip().endswith(f"{loaded.rows_set_aside()} row(s) set aside"), name


def test_a_scenario_in_year_one_falls_back_instead_of_overflowing(tmp_path):
    """Year one has no day before its first: the days fall back to the default ones, and a
    row dated 0001-01-01 is set aside instead of overflowing the date arithmetic."""
    from tests.hostile.cases import cells, json_edit

    folder = copy_of_bundled(tmp_path)
    json_edit(lambda d: d.update(start="0001-01-01", end="0001-01-09"))(folder / "scenario.json")
    cells("st-sco-closed-0507", valid_from="0001-01-01", valid_to="0001-01-01")(
        folder / "statuses.csv")
    loaded = load_scenario(folder)
    keys = {(p.file, p.row, p.field) for p in loaded.problems}
    assert keys == {("scenario.json", 0, "start"),
                    ("statuses.csv", NUMBERS["statuses.csv"]["st-sco-closed-0507"], "valid_from")}
    assert loaded.days == BUNDLED.days
    assert [as_of(loaded, day).day for day in loaded.days] == loaded.days


# --------------------------------------------------------------------------- generated rows

ALIAS_TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00|")
TEXT_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
ID_CHARS = st.one_of(st.characters(categories=("L", "Nd")), st.sampled_from("-_.:/"))
BUNDLED = load_scenario(DEFAULT_DATA_DIR)
SOURCE_IDS = sorted(BUNDLED.sources)
PLACE_IDS = sorted(BUNDLED.places)
DAYS = BUNDLED.days


def texts(min_size: int = 0) -> st.SearchStrategy[str]:
    """Any text a cell may hold (quotes, commas, line breaks, any script), now and then long."""
    short = st.text(TEXT_CHARS, min_size=min_size, max_size=40)
    long = st.integers(1, 40_000).map(lambda n: "\u0416\"," * n)  # below the cell limit
    return st.one_of(short, long).filter(lambda t: len(t.strip()) >= min_size)


def new_ids(taken) -> st.SearchStrategy[str]:
    return st.text(ID_CHARS, min_size=1, max_size=30).filter(
        lambda t: t not in taken and t.isprintable())


def source_lists() -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(SOURCE_IDS), min_size=1, max_size=3, unique=True).map(tuple)


def number_text(value: float) -> st.SearchStrategy[str]:
    return st.sampled_from([repr(value), f"{value:.5f}", f" {value} "])


@st.composite
def valid_places(draw):
    precision = draw(st.integers(1, 3))
    lat = draw(st.floats(40.0, 56.0))
    lon = draw(st.floats(46.0, 88.0))
    radius = draw(st.floats(1.0, 50_000.0)) if precision > 1 else 0.0
    aliases = draw(st.lists(st.text(ALIAS_TEXT, max_size=20), max_size=4))
    row = {
        "id": draw(new_ids(PLACE_IDS)), "name": draw(texts(1)), "aliases": "|".join(aliases),
        "kind": draw(st.sampled_from(sorted(PLACE_KINDS))), "city": draw(texts()),
        "lat": draw(number_text(lat)), "lon": draw(number_text(lon)),
        "geo_precision": str(precision), "radius_m": repr(radius) if radius else "",
        "detail": draw(texts()), "sources": ";".join(draw(source_lists())),
        "coord_source": draw(texts(1)),
    }
    expected = Place(
        id=row["id"], name=row["name"].strip(),
        aliases=tuple(a.strip() for a in aliases if a.strip()), kind=row["kind"],
        city=row["city"].strip(), lat=float(row["lat"]), lon=float(row["lon"]),
        geo_precision=precision, radius_m=radius, detail=row["detail"].strip(),
        sources=tuple(row["sources"].split(";")), coord_source=row["coord_source"].strip())
    return "places", row, expected


@st.composite
def valid_events(draw):
    time = draw(st.one_of(st.just(""), st.times().map(lambda t: f"{t:%H:%M}")))
    row = {
        "id": draw(new_ids({e.id for e in BUNDLED.events})),
        "date": draw(st.sampled_from(DAYS)).isoformat(), "time": time,
        "time_precision": str(draw(st.integers(1, 2 if time else 3))),
        "place_id": draw(st.sampled_from(PLACE_IDS)),
        "category": draw(st.sampled_from(sorted(EVENT_CATEGORIES))),
        "summary": draw(texts(1)), "sources": ";".join(draw(source_lists())),
    }
    expected = Event(
        id=row["id"], date=date.fromisoformat(row["date"]), time=time,
        time_precision=int(row["time_precision"]), place_id=row["place_id"],
        category=row["category"], summary=row["summary"].strip(),
        sources=tuple(row["sources"].split(";")))
    return "events", row, expected


@st.composite
def valid_figures(draw):
    value = draw(st.integers(0, 10**15))
    preferred = draw(st.sampled_from(["yes", "no", "", "TRUE", "false", "1", "0"]))
    row = {
        "id": draw(new_ids({f.id for f in BUNDLED.figures})),
        "metric": draw(st.sampled_from(sorted(FIGURE_METRICS))),
        "value": draw(st.sampled_from([str(value), f"{value:_}"])),
        "qualifier": draw(st.sampled_from(sorted(QUALIFIERS))),
        "reported_on": draw(st.sampled_from(DAYS)).isoformat(), "scope": draw(texts(1)),
        "preferred": preferred, "detail": draw(texts()),
        "sources": ";".join(draw(source_lists())),
    }
    expected = Figure(
        id=row["id"], metric=row["metric"], value=value, qualifier=row["qualifier"],
        reported_on=date.fromisoformat(row["reported_on"]), scope=row["scope"].strip(),
        preferred=preferred.lower() in ("yes", "true", "1"), detail=row["detail"].strip(),
        sources=tuple(row["sources"].split(";")))
    return "figures", row, expected


HOSTILE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),  # NULs, controls, any script
    st.integers(100_000, 300_000).map(lambda n: "A" * n),  # beyond the CSV module's cell limit
    st.sampled_from(['"', '""', '"a', 'a"b"', ",", ";", "|", "\n", "\r", "\r\n", '"\n"', "\t",
                     "\ufeff", "\u2028", "<script>alert(1)</script>", "{{ 7 * 7 }}"]),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-0", "43,2", "\u0664\u0663.\u0662",
                     "0x1F", "1_000", "9" * 5000, "-1", "1.5", "  "]),
    st.sampled_from(["2022-02-30", "20220105", "2022-W01-2", "5 Jan", "9999-12-31",
                     "0001-01-01", "2022-1-5", "2022-01-05T10:00", "tomorrow"]),
    st.sampled_from([*PLACE_IDS[:5], *SOURCE_IDS[:5], "a b", "x;y", "KZ", "kazakhstan"]),
)


@st.composite
def hostile_rows(draw):
    """A row of places, events or figures whose cells are each valid or hostile text."""
    table, row, _ = draw(st.one_of(valid_places(), valid_events(), valid_figures()))
    for column in row:
        if draw(st.booleans()):
            row[column] = draw(HOSTILE_TEXT)
    return table, row, draw(st.booleans())  # raw: joined with commas, unquoted


class Workspace:
    """One scratch copy of the bundled data; each example rewrites one file from its clean
    text plus generated lines (so the copy is made once, not once per example)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.clean = {f: (DEFAULT_DATA_DIR / f).read_bytes() for f in TABLES}

    def restore(self) -> None:
        for file, raw in self.clean.items():
            (self.folder / file).write_bytes(raw)

    def append(self, file: str, extra: bytes) -> int:
        """Append after the clean text; returns the line the extra text starts on."""
        self.restore()
        (self.folder / file).write_bytes(self.clean[file] + extra)
        return self.clean[file].count(b"\n") + 1


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return Workspace(copy_of_bundled(tmp_path_factory.mktemp("hypothesis")))


def csv_row(row: dict[str, str], raw: bool = False) -> bytes:
    if raw:
        return (",".join(row.values()) + "\n").encode("utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(row.values())
    return buffer.getvalue().encode("utf-8")


def check_bundled_rows_intact(loaded) -> None:
    clean, got = records(BUNDLED), records(loaded)
    for name, rows in clean.items():
        for rid, record in rows.items():
            assert got[name].get(rid) == record, (name, rid)


GENERATED = settings(max_examples=60, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.filter_too_much])


@GENERATED
@given(generated=st.one_of(valid_places(), valid_events(), valid_figures()))
def test_a_valid_generated_row_loads_as_written(workspace, generated):
    table, row, expected = generated
    file = FILE_OF[table]
    header = workspace.clean[file].split(b"\n", 1)[0].decode().split(",")
    assert list(row) == header
    workspace.append(file, csv_row(row))
    loaded = load_scenario(workspace.folder)
    assert [str(p) for p in loaded.problems] == []
    assert records(loaded)[table][expected.id] == expected
    check_bundled_rows_intact(loaded)


@GENERATED
@given(generated=hostile_rows())
def test_a_hostile_generated_row_is_loaded_or_named_never_a_crash(workspace, generated):
    table, row, raw = generated
    file = FILE_OF[table]
    line = workspace.append(file, csv_row(row, raw))
    loaded = load_scenario(workspace.folder)
    check_problems(loaded.problems)
    check_bundled_rows_intact(loaded)
    assert {p.file for p in loaded.problems} <= {file}
    added = set(records(loaded)[table]) - set(records(BUNDLED)[table])
    named = [p for p in loaded.problems if p.row >= line]
    assert all(p.row >= line for p in loaded.problems)
    if not raw:  # one row, on one line or quoted over several: loaded, or named at its line
        blank = not any(v.strip() for v in row.values())
        assert blank or len(added) == 1 or any(p.row == line for p in named), named
        assert len(added) <= 1
    for rid in added:  # whatever loads satisfies the rules
        record = records(loaded)[table][rid]
        assert rid.isprintable() and rid.strip() == rid
        if table == "places":
            assert 35 <= record.lat <= 60 and 40 <= record.lon <= 95
        if table in ("events", "figures"):
            day = record.date if table == "events" else record.reported_on
            assert DAYS[0] <= day <= DAYS[-1]


@GENERATED
@given(file=st.sampled_from(["places.csv", "events.csv", "figures.csv"]),
       junk=st.binary(max_size=300))
def test_random_bytes_after_the_rows_never_crash(workspace, file, junk):
    line = workspace.append(file, junk)
    loaded = load_scenario(workspace.folder)
    check_problems(loaded.problems)
    check_bundled_rows_intact(loaded)
    assert all(p.file == file and p.row >= line for p in loaded.problems)


# --------------------------------------------------------------------------- the app

APP = str(ROOT / "dashboard" / "app.py")
APP_CASES = ("places-lat-as-word", "events-empty", "regions-missing", "scenario-not-an-object",
             "scenario-starts-in-year-one")


@pytest.mark.parametrize("name", APP_CASES)
def test_the_app_runs_on_the_rest_and_counts_what_it_set_aside(name, tmp_path):
    from streamlit.testing.v1 import AppTest

    folder = broken(next(c for c in CASES if c.name == name), tmp_path)
    loaded = load_scenario(folder)
    old = os.environ.get("DASHBOARD_DATA")
    os.environ["DASHBOARD_DATA"] = str(folder)
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DATA")
        else:
            os.environ["DASHBOARD_DATA"] = old
    assert not at.exception, at.exception
    assert loaded.problems
    assert at.warning[0].value == (  # Markdown: the folder's name is escaped
        f"The data in {md(folder)} is incomplete: {md(what_is_missing(loaded))}; the map "
        "shows the rest.")
    assert at.text[0].value.splitlines() == [str(p) for p in loaded.problems]
    # The map and the day's panel are there, built from what loaded.
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert "L.map(" in args["script"] and "kz.dayKeeper(" in args["script"]
    assert "kz.dayStep(" in args["feature_group"]  # the day's layers, drawn by the page
    first = loaded.days[0]
    state = as_of(loaded, first)
    html = page_html(at)
    assert f"<h4 class='kz-h'>Events ({len(state.events)})</h4>" in html
    assert "kz-headline" in html and f"{first:%a} {first.day} {first:%b %Y}" in html
    assert html.count("data-event=") == len(state.events)
    assert loaded.days == BUNDLED.days
