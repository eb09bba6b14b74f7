"""The ACLED importer: awkward rows, the folder it writes, the command line and the app on it.

``tests/data/acled/awkward.csv`` is a small hand-made export (SYNTHETIC rows) whose bad rows
sit on known lines; bigger exports are generated here with a seeded generator.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import acled
from dashboard.cli import main
from dashboard.daypanel import events_html, figures_html
from dashboard.mapview import day_label, layer_features
from dashboard.scenario import EVENT_CATEGORIES, load_scenario
from dashboard.snapshot import snapshot
from dashboard.timeline import as_of
from tests.apppage import page_html

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
AWKWARD = Path(__file__).parent / "data" / "acled" / "awkward.csv"

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
TYPES = [
    ("Protests", "Peaceful protest"), ("Protests", "Protest with intervention"),
    ("Riots", "Mob violence"), ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"), ("Explosions/Remote violence", "Grenade"),
    ("Strategic developments", "Arrests"), ("Strategic developments", "Other"),
]
PUBLISHERS = ["Synthetic Wire", "Synthetic Daily", "Test Radio", "Пример Новости"]


def acled_rows(count: int, *, seed: int = 7, start: date = date(2022, 1, 2), days: int = 9,
               iso: str = "398", country: str = "Kazakhstan", centre=(47.0, 70.0),
               towns: int = 40):
    """``count`` ACLED-shaped rows, all usable: row 1 on the first day, row 2 on the last."""
    rng = random.Random(seed)
    places = [(f"Synthetic Town {n}", f"Synthetic Region {n % 7}",
               round(centre[0] + rng.uniform(-4, 4), 4), round(centre[1] + rng.uniform(-8, 8), 4),
               rng.choice("1112223"))
              for n in range(towns)]
    for number in range(1, count + 1):
        day = {1: start, 2: start + timedelta(days=days - 1)}.get(
            number, start + timedelta(days=rng.randrange(days)))
        kind, sub = rng.choice(TYPES)
        town, admin1, lat, lon, precision = rng.choice(places)
        yield {
            "event_id_cnty": f"SYN{number}", "year": str(day.year),
            "event_date": day.isoformat() if number % 5 == 0 else f"{day:%d} {day:%B %Y}",
            "time_precision": rng.choice("1112"), "disorder_type": "Synthetic",
            "event_type": kind, "sub_event_type": sub, "actor1": "Synthetic actor",
            "inter1": "6", "interaction": "60", "iso": iso, "region": "Synthetic",
            "country": country, "admin1": admin1, "location": town, "latitude": str(lat),
            "longitude": str(lon), "geo_precision": precision,
            "source": "; ".join(rng.sample(PUBLISHERS, rng.randint(1, 2))),
            "source_scale": "National", "notes": f"SYNTHETIC test event {number}, not a report.",
            "fatalities": rng.choice(["0", "0", "0", "1", "3"]), "timestamp": "1642000000",
        }


def write_export(path: Path, rows, columns=COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def events_by_id(scenario):
    return {e.id: e for e in scenario.events}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    """The awkward sample imported once: (AcledImport, folder, loaded scenario)."""
    out = tmp_path_factory.mktemp("acled") / "awkward"
    imported = acled.read_export(AWKWARD)
    acled.write_scenario(imported, out)
    return imported, out, load_scenario(out)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A clean generated export of 400 rows and its imported folder."""
    base = tmp_path_factory.mktemp("generated")
    export = write_export(base / "export.csv", acled_rows(400))
    out = base / "scenario"
    assert main(["import-acled", str(export), "--out", str(out)]) == 0
    return export, out


# --------------------------------------------------------------------------- fields

@pytest.mark.parametrize("text", ["02 January 2022", "2 January 2022", " 02 Jan 2022 ",
                                  "2022-01-02", "02-January-2022", "02 january 2022"])
def test_dates_in_acled_and_iso_form(text):
    assert acled.parse_date(text) == date(2022, 1, 2)


@pytest.mark.parametrize("text", ["", "31 February 2022", "02 Janvier 2022", "02/01/2022",
                                  "2022-13-01", "tomorrow", "January 2022"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        acled.parse_date(text)


@pytest.mark.parametrize(("event_type", "sub", "expected"), [
    ("Protests", "Peaceful protest", "protest"),
    ("Protests", "Excessive force against protestors", "protest"),
    ("Riots", "Violent demonstration", "clash"),
    ("Battles", "Armed clash", "clash"),
    ("Battles", "Government regains territory", "recapture"),
    ("Violence against civilians", "Attack", "clash"),
    ("Explosions/Remote violence", "Air/drone strike", "explosion"),
    ("Strategic developments", "Arrests", "arrest"),
    ("Strategic developments", "Looting/property destruction", "looting"),
    ("PROTESTS", "", "protest"),  # no sub-event type: the event type decides, any case
    ("Riots", "A sub-event type ACLED may add later", "clash"),
])
def test_event_types_map_to_scenario_categories(event_type, sub, expected):
    assert acled.category(event_type, sub) == expected


def test_every_mapped_category_is_one_the_scenario_accepts():
    used = set(acled.SUB_EVENT_CATEGORIES.values()) | set(acled.EVENT_TYPE_CATEGORIES.values())
    assert used <= EVENT_CATEGORIES
    with pytest.raises(ValueError, match="not an ACLED event type"):
        acled.category("Parade", "")


# --------------------------------------------------------------------------- the awkward sample

def test_awkward_rows_are_reported_by_line_and_field(awkward):
    imported, _, _ = awkward
    found = {(p.line, p.field) for p in imported.problems}
    assert found == {
        (8, "latitude"),             # empty
        (9, "latitude"),             # not a number
        (10, "latitude,longitude"),  # 0, 0
        (11, "event_date"),          # 31 February
        (12, "event_type"),          # not an ACLED type
        (13, "event_id_cnty"),       # duplicate of line 2
        (14, "geo_precision"),       # 4
        (16, "-"),                   # too few cells
    }
    assert imported.rows == 13 and imported.set_aside == 8
    assert "first on line 2" in next(p.message for p in imported.problems if p.line == 13)


def test_awkward_sample_makes_a_clean_scenario(awkward):
    imported, out, scenario = awkward
    assert scenario.problems == ()
    assert set(events_by_id(scenario)) == {"TST1", "TST2", "TST3", "TST4", "TST11"}
    assert len(scenario.places) == 3  # Testtown exact, Testtown near (precision 2), Regiontown
    # The slider's days run from the first to the last event date.
    assert scenario.days[0] == date(2022, 1, 3) and scenario.days[-1] == date(2022, 1, 8)
    assert {f.name for f in out.iterdir()} >= {
        "scenario.json", "sources.csv", "places.csv", "events.csv", "statuses.csv",
        "restrictions.csv", "figures.csv", "regions.geojson", "README.md"}


def test_approximate_places_are_drawn_as_areas(awkward):
    _, _, scenario = awkward
    events = events_by_id(scenario)

    def feature(event_id):
        event = events[event_id]
        features = layer_features(as_of(scenario, event.date), scenario, "unrest")
        return next(f for f in features if f["properties"]["id"] == event.place_id)

    region = feature("TST3")  # geo_precision 3
    assert scenario.places[events["TST3"].place_id].geo_precision == 3
    assert region["geometry"]["type"] == "Point"
    assert region["properties"]["r"] == acled.RADIUS_M[3] and "px" not in region["properties"]
    near = feature("TST2")  # geo_precision 2
    assert near["properties"]["r"] == acled.RADIUS_M[2] and "px" not in near["properties"]
    exact = feature("TST1")  # geo_precision 1: a pin
    assert "r" not in exact["properties"] and exact["properties"]["px"] > 0
    assert scenario.places[events["TST1"].place_id].radius_m == 0


def test_zero_fatalities_are_never_a_reported_zero(awkward):
    _, out, scenario = awkward
    events = events_by_id(scenario)
    assert "fatalit" not in events["TST1"].summary.lower()  # fatalities 0
    assert "fatalit" not in events["TST11"].summary.lower()  # fatalities empty
    assert "ACLED estimate: 5 fatalities" in events["TST3"].summary
    assert scenario.figures == ()
    for day in scenario.days:
        state = as_of(scenario, day)
        assert snapshot(state, scenario)["figures"] == {}
        assert "No figures reported yet" in figures_html(state, scenario)
    assert "figures.csv` is empty" in (out / "README.md").read_text(encoding="utf-8")


def test_csv_text_stays_plain_and_is_escaped_on_the_page(awkward):
    _, _, scenario = awkward
    event = events_by_id(scenario)["TST4"]
    assert ('"quoted", with a comma,\nnew line <script>alert(1)</script>\n& {{ braces }}'
            in event.summary)
    html = events_html(as_of(scenario, event.date), scenario)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_every_fact_cites_the_export_and_its_publishers(awkward):
    _, _, scenario = awkward
    export = scenario.sources[acled.EXPORT_SOURCE_ID]
    assert export.file == "awkward.csv" and "awkward.csv" in export.title
    for event in scenario.events:
        assert acled.EXPORT_SOURCE_ID in event.sources
        assert len(event.sources) >= 2  # the export and at least one publisher
    for place in scenario.places.values():
        assert place.sources == (acled.EXPORT_SOURCE_ID,)
        assert "awkward.csv, line" in place.coord_source
    publishers = {s.publisher for s in scenario.sources.values()}
    assert {"Test Wire", "Other Daily"} <= publishers
    two = events_by_id(scenario)["TST2"]  # source "Test Wire; Other Daily"
    assert {scenario.sources[s].publisher for s in two.sources} >= {"Test Wire", "Other Daily"}
    for source in scenario.sources.values():
        assert source.file == "awkward.csv"
        assert source.id == acled.EXPORT_SOURCE_ID or "ACLED export awkward.csv" in source.note


def test_date_precision_is_said_in_the_summary(awkward):
    _, _, scenario = awkward
    events = events_by_id(scenario)
    assert "only the week" in events["TST3"].summary  # time_precision 2
    assert "approximate" not in events["TST1"].summary


def test_ids_are_stable_whatever_the_row_order(tmp_path, awkward):
    imported, _, _ = awkward
    with open(AWKWARD, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [r for r in reader if len(r) == len(header)]
    reversed_file = tmp_path / "reversed.csv"
    with open(reversed_file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(reversed(rows))
    again = acled.read_export(reversed_file)
    assert {e.id: e.place_id for e in again.events if e.id != "TST1"} == \
        {e.id: e.place_id for e in imported.events if e.id != "TST1"}
    assert set(again.sources) == set(imported.sources)


def test_export_not_in_kazakhstan_gets_its_own_map_and_time(tmp_path):
    rows = acled_rows(50, iso="76", country="Brazil", centre=(-15.0, -50.0))
    export = write_export(tmp_path / "brazil.csv", rows)
    out = tmp_path / "brazil"
    assert main(["import-acled", str(export), "--out", str(out), "--title", "Test <title>"]) == 0
    meta = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Test <title>"
    assert meta["country"] == "BR" and meta["country_outline"] == "BRA"
    assert "+06:00" not in meta["utc_offset"] and "-03:00" in meta["utc_offset"]
    scenario = load_scenario(out)
    assert scenario.problems == ()
    assert scenario.regions["features"] == [] and not (out / "neighbours.geojson").exists()
    south, west, north, east = scenario.meta.neighbourhood
    assert all(south <= p.lat <= north and west <= p.lon <= east
               for p in scenario.places.values())


@pytest.mark.parametrize("iso", ["1e400", "inf", "-1e309", "nan", "KZ"])
def test_a_country_code_that_is_no_number_falls_back_to_the_name(tmp_path, iso):
    """ACLED's iso is a number; one that overflows or is text is not a traceback: the
    country is found by its name."""
    export = write_export(tmp_path / "odd.csv", acled_rows(20, iso=iso))
    out = tmp_path / "odd"
    assert main(["import-acled", str(export), "--out", str(out)]) == 0
    meta = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert meta["country"] == "KZ"


def test_kazakhstan_export_reuses_the_bundled_basemap(awkward):
    _, _, scenario = awkward
    assert len(scenario.regions["features"]) == 16
    assert scenario.neighbours["features"]
    assert scenario.meta.utc_offset == "+05:00/+06:00"  # Kazakhstan's zones in January 2022


# --------------------------------------------------------------------------- command line

def test_clean_export_exits_0_and_validates(generated, capsys):
    export, out = generated
    scenario = load_scenario(out)
    assert scenario.problems == ()
    assert len(scenario.events) == 400
    assert scenario.days[0] == date(2022, 1, 2) and scenario.days[-1] == date(2022, 1, 10)
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().out == ""


def test_some_rows_set_aside_exits_1_with_line_numbers(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["import-acled", str(AWKWARD), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{AWKWARD}:8: latitude: is empty; row set aside" in err
    assert any(line.startswith(f"{AWKWARD}:11: event_date: ") for line in err)
    assert any(line.startswith(f"{AWKWARD}:16: -: has 3 cells") for line in err)
    assert err[-1].startswith(f"wrote {out}: 5 events") and "8 of 13 rows set aside" in err[-1]
    assert main(["validate", str(out)]) == 0


def test_module_entry_point_exit_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard", "import-acled", str(AWKWARD),
                           "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 1
    assert f"{AWKWARD}:9: latitude: 'abc' is not a number" in done.stderr


def _error_of(args, capsys) -> str:
    assert main(args) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


def test_missing_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "nowhere.csv"
    line = _error_of(["import-acled", str(missing), "--out", str(tmp_path / "o")], capsys)
    assert str(missing) in line and "no such file" in line
    assert not (tmp_path / "o").exists()


def test_empty_file_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    line = _error_of(["import-acled", str(empty), "--out", str(tmp_path / "o")], capsys)
    assert str(empty) in line and "empty" in line


def test_file_without_acled_columns_exits_2(tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("id,name,lat\n1,x,2\n", encoding="utf-8")
    line = _error_of(["import-acled", str(other), "--out", str(tmp_path / "o")], capsys)
    assert str(other) in line and "not an ACLED export" in line and "event_date" in line
    assert not (tmp_path / "o").exists()


def test_folder_instead_of_file_exits_2(tmp_path, capsys):
    line = _error_of(["import-acled", str(tmp_path), "--out", str(tmp_path / "o")], capsys)
    assert str(tmp_path) in line and "folder" in line


def test_binary_file_exits_2(tmp_path, capsys):
    binary = tmp_path / "export.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\xa1\xb2\xc3\xd4\xff\xfe" * 20)
    line = _error_of(["import-acled", str(binary), "--out", str(tmp_path / "o")], capsys)
    assert str(binary) in line and "header" in line


def test_output_that_is_a_file_exits_2(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    line = _error_of(["import-acled", str(AWKWARD), "--out", str(taken)], capsys)
    assert str(taken) in line and "is a file" in line
    assert taken.read_text(encoding="utf-8") == "x"


def test_header_only_or_only_bad_rows_exit_2_and_write_nothing(tmp_path, capsys):
    header_only = write_export(tmp_path / "header.csv", [])
    assert main(["import-acled", str(header_only), "--out", str(tmp_path / "a")]) == 2
    assert "no usable rows (0 of 0 set aside)" in capsys.readouterr().err
    rows = list(acled_rows(3))
    for row in rows:
        row["latitude"] = ""
    bad = write_export(tmp_path / "bad.csv", rows)
    assert main(["import-acled", str(bad), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: latitude: is empty" in err and "nothing written" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_bom_uppercase_header_and_non_utf8_row(tmp_path, capsys):
    rows = list(acled_rows(3))
    path = tmp_path / "latin.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        handle.write(",".join(c.upper() for c in COLUMNS) + "\n")
        writer.writerows(rows)
    latin = dict(rows[0], event_id_cnty="SYN9", notes="SYNTHETIC caf\xe9")
    with open(path, "ab") as handle:  # line 5: Latin-1, not UTF-8
        handle.write((",".join(latin.get(c, "") for c in COLUMNS) + "\n").encode("latin-1"))
    assert main(["import-acled", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"{path}:5: -: not UTF-8 text" in err
    assert len(load_scenario(tmp_path / "o").events) == 3


def test_non_empty_output_folder_needs_force_and_force_replaces_only_an_import(
        tmp_path, generated, capsys):
    export, _ = generated
    out = tmp_path / "scenario"
    out.mkdir()
    (out / "flights.csv").write_text("left over from another scenario\n", encoding="utf-8")
    line = _error_of(["import-acled", str(export), "--out", str(out)], capsys)
    assert "not empty" in line and "--force" in line
    line = _error_of(["import-acled", str(export), "--out", str(out), "--force"], capsys)
    assert "not written by import-acled" in line and "nothing in it was changed" in line
    assert (out / "flights.csv").read_text(encoding="utf-8").startswith("left over")
    (out / "flights.csv").unlink()
    assert main(["import-acled", str(export), "--out", str(out)]) == 0  # an empty folder
    assert (out / acled.MARKER).is_file()
    assert main(["import-acled", str(export), "--out", str(out), "--force"]) == 0
    assert load_scenario(out).problems == ()


def test_an_import_of_100000_rows_always_opens(tmp_path):
    """100,000 rows with ordinary 250-character notes: an events.csv over the 32 MB that once
    set every event aside. The import checks its folder by loading it; so does this test."""
    filler = "SYNTHETIC notes of an ordinary length, not a report. " * 5

    def rows():
        for row in acled_rows(100_000, seed=3, days=400, towns=3_000):
            yield {**row, "notes": (row["notes"] + " " + filler)[:250]}

    export = write_export(tmp_path / "big.csv", rows())
    out = tmp_path / "big"
    assert main(["import-acled", str(export), "--out", str(out)]) == 0
    assert (out / "events.csv").stat().st_size > 32 * 2**20
    scenario = load_scenario(out)
    assert scenario.problems == () and scenario.set_aside_count() == 0
    assert len(scenario.events) == 100_000 and len(scenario.days) == 400


# --------------------------------------------------------------------------- the app

def test_app_opens_the_imported_folder(generated):
    _, out = generated
    scenario = load_scenario(out)
    old = os.environ.get("DASHBOARD_DATA")
    os.environ["DASHBOARD_DATA"] = str(out)
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert not at.warning  # no rows set aside
        slider = at.select_slider[0]
        assert slider.options == [day_label(d) for d in scenario.days]
        assert slider.value == scenario.days[0]
        last = scenario.days[-1]
        at.select_slider[0].set_value(last).run()
        assert not at.exception
        html = page_html(at)
        assert day_label(last) in html
        assert html.count("data-event=") == len(as_of(scenario, last).events)
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DATA", None)
        else:
            os.environ["DASHBOARD_DATA"] = old


# ------------------------------------------------------------------ dates as people write them

@pytest.mark.parametrize("text", ["2022-01-02T00:00:00Z", "2022-01-02 00:00:00",
                                  "2022-01-02T23:30:00+05:00", "2022-01-02T00:30-03:00",
                                  "2022-01-02 08:15:00.250+0600", "2022-01-02t00:00:00z"])
def test_iso_date_times_are_their_own_day(text):
    assert acled.parse_date(text) == date(2022, 1, 2)


@pytest.mark.parametrize(("text", "why"), [
    ("1641081600", "a number, not a date"),  # unix seconds: was read as 16 August 1641
    ("01/02/2022", "ambiguous"),
    ("1/2/2022", "ambiguous"),
    ("0001-01-01", "mistyped year"),
    ("01 January 0001", "mistyped year"),
    ("2022-01-02T25:00:00", "not a real date"),
])
def test_numbers_ambiguous_dates_and_mistyped_years_are_refused_saying_why(text, why):
    with pytest.raises(ValueError, match=why):
        acled.parse_date(text)


@pytest.mark.parametrize(("text", "seconds"), [
    ("1641081600", 1641081600), ("1641081600.0", 1641081600), ("", None),
    ("2022-01-02T00:00:00Z", 1641081600), ("2022-01-02T05:00:00+05:00", 1641081600),
])
def test_timestamps_are_unix_seconds_or_iso_date_times(text, seconds):
    assert acled.parse_timestamp(text) == seconds


def import_rows(tmp_path, rows, *args, name="export.csv", delimiter=","):
    """Write an export and import it with the command; (exit code, stderr lines, folder)."""
    export = tmp_path / name
    with open(export, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="", lineterminator="\n",
                                delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "dashboard", "import-acled", str(export),
                           "--out", str(out), *args], cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stderr.splitlines(), out


def test_millisecond_timestamps_are_refused_by_line_and_the_rest_imports(tmp_path):
    rows = list(acled_rows(20))
    for row in rows:
        row["timestamp"] = "1641081600"
    rows[5]["timestamp"] = "1641081600000"  # line 7
    code, err, out = import_rows(tmp_path, rows)
    assert code == 1, err
    assert any(line.endswith(":7: timestamp: '1641081600000' is not unix seconds (milliseconds? "
                             "it would be after 2099); write seconds, like 1641081600; row set "
                             "aside") for line in err), err
    assert "Traceback" not in "\n".join(err)
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 19
    assert scenario.sources[acled.EXPORT_SOURCE_ID].date == "2022-01-02"  # the upload day


def test_a_mistyped_year_is_set_aside_and_does_not_stretch_the_days(tmp_path):
    rows = list(acled_rows(30))
    rows[10]["event_date"] = "0001-01-01"  # line 12
    code, err, out = import_rows(tmp_path, rows)
    assert code == 1
    assert any(":12: event_date: '0001-01-01' is outside 1900-2099" in line for line in err), err
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 29
    assert scenario.days[0] == date(2022, 1, 2) and scenario.days[-1] == date(2022, 1, 10)


def test_an_export_of_eleven_years_keeps_its_days(tmp_path):
    rows = acled_rows(2_000, start=date(2012, 1, 1), days=11 * 365 + 3)
    code, err, out = import_rows(tmp_path, rows)
    assert code == 0, err
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 2_000
    assert scenario.days[0] == date(2012, 1, 1)
    assert scenario.days[-1] == date(2012, 1, 1) + timedelta(days=11 * 365 + 2)


# ---------------------------------------------------------------- CSV as spreadsheets write it

def test_a_stray_quote_costs_one_row_and_the_rows_after_it_import(tmp_path):
    rows = list(acled_rows(100))
    for row in rows:  # no quoted cell after the stray quote to close it
        row["notes"] = row["notes"].replace(",", "")
    export = write_export(tmp_path / "export.csv", rows)
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace(",Synthetic actor,", ',"Synthetic actor,')  # line 11
    export.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "dashboard", "import-acled", str(export),
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    err = done.stderr.splitlines()
    assert [line for line in err if line.startswith(str(export))] == [
        next(line for line in err if line.startswith(f"{export}:11: -: "))]
    assert "quote" in err[0]
    assert err[-1].endswith("1 of 100 rows set aside")
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 99
    assert "SYN10" not in events_by_id(scenario) and "SYN100" in events_by_id(scenario)


def test_semicolon_export_with_decimal_commas_is_recognised(tmp_path):
    rows = list(acled_rows(40))
    plain = {r["event_id_cnty"]: (float(r["latitude"]), float(r["longitude"])) for r in rows}
    for row in rows:
        row["latitude"] = row["latitude"].replace(".", ",")
        row["longitude"] = row["longitude"].replace(".", ",")
    code, err, out = import_rows(tmp_path, rows, delimiter=";")
    assert code == 0, err
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 40
    for event in scenario.events:
        place = scenario.places[event.place_id]
        assert (place.lat, place.lon) == pytest.approx(plain[event.id])


def test_a_semicolon_file_that_is_not_acled_names_the_separator(tmp_path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("event_id_cnty;event_date;latitude\n1;2022-01-02;43,2\n", encoding="utf-8")
    line = _error_of(["import-acled", str(other), "--out", str(tmp_path / "o")], capsys)
    assert "semicolon-separated" in line and "event_type" in line


def test_text_the_loader_would_drop_is_refused_at_import_by_line(tmp_path):
    rows = list(acled_rows(12))
    rows[2]["notes"] = "SYNTHETIC notes with a NUL \x00 inside"  # line 4
    rows[6]["event_id_cnty"] = "SYN7\u200b"  # line 8: a zero-width space
    code, err, out = import_rows(tmp_path, rows)
    assert code == 1, err
    assert any(":4: -: holds a NUL byte" in line for line in err), err
    assert any(":8: event_id_cnty: " in line and "U+200B" in line for line in err), err
    assert err[-1].endswith("2 of 12 rows set aside")
    scenario = load_scenario(out)
    assert scenario.problems == () and len(scenario.events) == 10


# --------------------------------------------------------------------- writes: whole or nothing

def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def no_scratch_left(parent: Path) -> bool:
    return not [p for p in parent.iterdir() if ".importing-" in p.name or ".replaced-" in p.name]


@pytest.fixture
def good_import(tmp_path, generated):
    """A folder written by a good import, and its bytes."""
    export, _ = generated
    out = tmp_path / "scenario"
    assert main(["import-acled", str(export), "--out", str(out)]) == 0
    return out, folder_bytes(out)


def test_force_never_replaces_a_users_folder(tmp_path, generated, capsys):
    export, _ = generated
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "README.md").write_text("my own notes\n", encoding="utf-8")
    line = _error_of(["import-acled", str(export), "--out", str(mine), "--force"], capsys)
    assert "not written by import-acled" in line
    assert folder_bytes(mine) == {"README.md": b"my own notes\n"}


def test_force_never_replaces_files_added_to_an_import(good_import, generated, capsys):
    export, _ = generated
    out, before = good_import
    (out / "my-notes.txt").write_text("mine\n", encoding="utf-8")
    line = _error_of(["import-acled", str(export), "--out", str(out), "--force"], capsys)
    assert "did not write (my-notes.txt)" in line
    assert folder_bytes(out) == {**before, "my-notes.txt": b"mine\n"}


def test_an_export_inside_the_output_folder_is_never_overwritten(tmp_path, capsys):
    folder = tmp_path / "DIR"
    folder.mkdir()
    export = write_export(folder / "events.csv", acled_rows(30))
    before = export.read_bytes()
    line = _error_of(["import-acled", str(export), "--out", str(folder), "--force"], capsys)
    assert "holds the export" in line
    assert export.read_bytes() == before and folder_bytes(folder) == {"events.csv": before}


def test_a_failed_reimport_leaves_the_previous_import_intact(good_import, tmp_path, capsys):
    """Every timestamp in milliseconds: nothing usable, and the good folder is untouched."""
    out, before = good_import
    rows = list(acled_rows(20))
    for row in rows:
        row["timestamp"] = "1642000000000"
    bad = write_export(tmp_path / "millis.csv", rows)
    assert main(["import-acled", str(bad), "--out", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: timestamp: " in err and "milliseconds" in err and "Traceback" not in err
    assert folder_bytes(out) == before and no_scratch_left(out.parent)


def test_a_full_disk_leaves_the_previous_import_intact_and_nothing_half_written(
        good_import, generated, monkeypatch, capsys):
    import errno

    export, _ = generated
    out, before = good_import
    real = acled._write_table

    def full_disk(folder, name, rows):
        if name == "events":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(folder, name, rows)

    monkeypatch.setattr(acled.folder, "_write_table", full_disk)
    line = _error_of(["import-acled", str(export), "--out", str(out), "--force"], capsys)
    assert "No space left on device" in line and "nothing written" in line
    assert folder_bytes(out) == before and no_scratch_left(out.parent)
    fresh = out.parent / "fresh"
    line = _error_of(["import-acled", str(export), "--out", str(fresh)], capsys)
    assert not fresh.exists() and no_scratch_left(out.parent)


def test_a_folder_that_would_not_load_cleanly_is_never_swapped_in(
        good_import, generated, monkeypatch, capsys):
    """The import's own check: the written folder is loaded; anything set aside fails it."""
    export, _ = generated
    out, before = good_import
    real = acled._summary
    monkeypatch.setattr(acled.convert, "_summary", lambda row, *args: "" if row["event_id_cnty"] ==
                        "SYN7" else real(row, *args))
    line = _error_of(["import-acled", str(export), "--out", str(out), "--force"], capsys)
    assert "would not load cleanly" in line and "events.csv:" in line and "summary" in line
    assert "nothing was replaced" in line
    assert folder_bytes(out) == before and no_scratch_left(out.parent)


def test_tables_are_written_by_column_name(tmp_path, monkeypatch):
    """A table whose columns are reordered, with one added, still gets each value in its own
    column: rows are written as dicts keyed by column name."""
    from dashboard.tables import Table

    events = acled.TABLES["events"]
    moved = dict(reversed(list(events.columns.items())))
    moved["added_later"] = str
    monkeypatch.setitem(acled.TABLES, "events", Table(events.file, moved))
    imported = acled.read_export(AWKWARD)
    folder = tmp_path / "moved"
    folder.mkdir()
    acled._write_files(imported, folder, None, acled.DEFAULT_DATA_DIR)
    with open(folder / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(moved)
    written = {r[rows[0].index("id")]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    first = next(e for e in imported.events if e.id == "TST1")
    assert written["TST1"]["date"] == first.date.isoformat()
    assert written["TST1"]["place_id"] == first.place_id
    assert written["TST1"]["category"] == first.category
    assert written["TST1"]["time_precision"] == "3" and written["TST1"]["added_later"] == ""
    monkeypatch.setitem(acled.TABLES, "events", events)
    assert [e.id for e in load_scenario(folder).events] == [e.id for e in sorted(
        imported.events, key=lambda e: (e.date, e.id))]
