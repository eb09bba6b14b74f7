"""Loading and validation: every kind of bad input is named by file, row and field."""

from __future__ import annotations

import pytest

from dashboard.scenario import Problem


def problem_keys(scenario):
    return {(p.file, p.row, p.field) for p in scenario.problems}


def test_minimal_scenario_is_clean(mini):
    scenario = mini.load()
    assert scenario.problems == ()
    assert set(scenario.places) == {"city", "square", "airport"}
    assert [e.id for e in scenario.events] == ["e1", "e2"]
    assert scenario.places["city"].aliases == ("Testograd", "Test-City")
    assert scenario.places["airport"].sources == ("s1", "s2")


# (file, row index to edit, field values, expected (file, line, field))
BAD_CELLS = [
    ("places.csv", 0, {"name": ""}, ("places.csv", 2, "name")),
    ("places.csv", 0, {"lat": "north"}, ("places.csv", 2, "lat")),
    ("places.csv", 0, {"lat": "nan"}, ("places.csv", 2, "lat")),
    ("places.csv", 1, {"lat": "12.0", "lon": "76.9"}, ("places.csv", 3, "lat")),
    ("places.csv", 1, {"lat": "95.0"}, ("places.csv", 3, "lat")),
    ("places.csv", 1, {"lat": "76.945", "lon": "43.238"}, ("places.csv", 3, "lat,lon")),
    ("places.csv", 0, {"kind": "volcano"}, ("places.csv", 2, "kind")),
    ("places.csv", 0, {"geo_precision": "4"}, ("places.csv", 2, "geo_precision")),
    ("places.csv", 1, {"radius_m": "0"}, ("places.csv", 3, "radius_m")),
    ("places.csv", 0, {"sources": "nope"}, ("places.csv", 2, "sources")),
    ("places.csv", 0, {"sources": ""}, ("places.csv", 2, "sources")),
    ("places.csv", 0, {"coord_source": ""}, ("places.csv", 2, "coord_source")),
    ("places.csv", 0, {"id": "has space"}, ("places.csv", 2, "id")),
    ("events.csv", 0, {"date": "2022-01-20"}, ("events.csv", 2, "date")),
    ("events.csv", 0, {"date": "4 January"}, ("events.csv", 2, "date")),
    ("events.csv", 0, {"place_id": "atlantis"}, ("events.csv", 2, "place_id")),
    ("events.csv", 0, {"category": "party"}, ("events.csv", 2, "category")),
    ("events.csv", 1, {"time": "25:00"}, ("events.csv", 3, "time")),
    ("events.csv", 1, {"time_precision": "3"}, ("events.csv", 3, "time_precision")),
    ("statuses.csv", 0, {"status": "flying"}, ("statuses.csv", 2, "status")),
    ("statuses.csv", 0, {"kind": "weather"}, ("statuses.csv", 2, "kind")),
    ("statuses.csv", 0, {"subject": "nowhere"}, ("statuses.csv", 2, "subject")),
    ("statuses.csv", 0, {"valid_to": "2022-01-01"}, ("statuses.csv", 2, "valid_to")),
    ("statuses.csv", 0, {"valid_from": "2023-05-01", "valid_to": ""},
     ("statuses.csv", 2, "valid_from")),
    ("statuses.csv", 0, {"valid_to": "2022-01-03"}, ("statuses.csv", 3, "valid_from")),
    ("restrictions.csv", 0, {"area": "MARS"}, ("restrictions.csv", 2, "area")),
    ("restrictions.csv", 0, {"kind": "fog"}, ("restrictions.csv", 2, "kind")),
    ("restrictions.csv", 0, {"hours": "late"}, ("restrictions.csv", 2, "hours")),
    ("figures.csv", 0, {"value": "-3"}, ("figures.csv", 2, "value")),
    ("figures.csv", 0, {"value": "ten"}, ("figures.csv", 2, "value")),
    ("figures.csv", 0, {"metric": "happiness"}, ("figures.csv", 2, "metric")),
    ("figures.csv", 0, {"reported_on": "2021-12-31"}, ("figures.csv", 2, "reported_on")),
    ("figures.csv", 0, {"preferred": "maybe"}, ("figures.csv", 2, "preferred")),
    ("flights.csv", 0, {"airport": "nope"}, ("flights.csv", 2, "airport")),
    ("flights.csv", 0, {"scope": "galactic"}, ("flights.csv", 2, "scope")),
    ("advice.csv", 0, {"applies_to": "XX"}, ("advice.csv", 2, "applies_to")),
    ("sources.csv", 0, {"title": ""}, ("sources.csv", 2, "title")),
]


@pytest.mark.parametrize("file, index, values, expected", BAD_CELLS,
                         ids=[f"{c[0]}:{next(iter(c[2]))}={next(iter(c[2].values()))!r}"
                              for c in BAD_CELLS])
def test_bad_cell_is_named_and_row_set_aside(mini, file, index, values, expected):
    before = mini.load()
    mini.set(file, index, **values)
    scenario = mini.load()
    assert expected in problem_keys(scenario), [str(p) for p in scenario.problems]
    # Every message names its file and row and says something.
    assert all(p.file and p.field and p.message for p in scenario.problems)
    # The valid rest still loads: the number of rows lost is bounded by the one bad row
    # (and rows that reference it).
    assert len(scenario.places) >= len(before.places) - 1


def test_duplicate_id_keeps_the_first(mini):
    mini.append("events.csv", id="e1", summary="A copy.")
    scenario = mini.load()
    assert ("events.csv", 4, "id") in problem_keys(scenario)
    assert [e.summary for e in scenario.events if e.id == "e1"] == ["Protest begins."]


def test_unknown_source_reference_sets_row_aside_rest_loads(mini):
    mini.set("events.csv", 1, sources="s2;ghost")
    scenario = mini.load()
    assert [str(p) for p in scenario.problems] == [
        "events.csv:3: sources: unknown source id 'ghost'"]
    assert [e.id for e in scenario.events] == ["e1"]


def test_missing_required_file_is_reported(mini):
    (mini.path / "events.csv").unlink()
    scenario = mini.load()
    assert ("events.csv", 0, "-") in problem_keys(scenario)
    assert scenario.events == ()
    assert len(scenario.places) == 3


def test_missing_column_is_reported(mini):
    mini.write("figures.csv", "id,metric,value\nf1,deaths,3\n")
    scenario = mini.load()
    assert ("figures.csv", 1, "qualifier,reported_on,scope,preferred,detail,sources") in \
        problem_keys(scenario)


def test_empty_file_is_reported(mini):
    mini.write("advice.csv", "")
    assert ("advice.csv", 1, "-") in problem_keys(mini.load())


def test_row_with_wrong_cell_count(mini):
    text = (mini.path / "events.csv").read_text() + "e9,2022-01-03,,3,city\n"
    mini.write("events.csv", text)
    scenario = mini.load()
    assert ("events.csv", 4, "-") in problem_keys(scenario)
    assert len(scenario.events) == 2


def test_non_utf8_line_is_set_aside_and_others_load(mini):
    raw = (mini.path / "events.csv").read_bytes()
    raw += "e3,2022-01-04,,3,city,protest,Caf\u00e9 protest,s1\n".encode("latin-1")
    mini.write("events.csv", raw)
    scenario = mini.load()
    assert ("events.csv", 4, "-") in problem_keys(scenario)
    assert [e.id for e in scenario.events] == ["e1", "e2"]


BAD_GEOJSON = [
    ("not json", ("regions.geojson", 1, "-")),
    ('{"type": "Feature"}', ("regions.geojson", 0, "type")),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "R1",'
     ' "name": "x"}, "geometry": {"type": "Polygon", "coordinates": [[[1, "a"]]]}}]}',
     ("regions.geojson", 1, "geometry")),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "R1",'
     ' "name": "x"}, "geometry": {"type": "Circle", "coordinates": [1, 2]}}]}',
     ("regions.geojson", 1, "geometry")),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": '
     '"x"}, "geometry": {"type": "Point", "coordinates": [76, 43]}}]}',
     ("regions.geojson", 1, "properties.id")),
    ('{"type": "FeatureCollection", "features": [7]}', ("regions.geojson", 1, "type")),
]


@pytest.mark.parametrize("content, expected", BAD_GEOJSON)
def test_broken_geojson_is_named(mini, content, expected):
    mini.write("regions.geojson", content)
    scenario = mini.load()
    assert expected in problem_keys(scenario), [str(p) for p in scenario.problems]
    # The restriction that referred to the lost region is set aside, the rest loads.
    assert [e.id for e in scenario.events] == ["e1", "e2"]


def test_place_geometry_outside_neighbourhood(mini):
    mini.write("places.geojson", '{"type": "FeatureCollection", "features": [{"type": '
               '"Feature", "properties": {"id": "square"}, "geometry": {"type": "LineString", '
               '"coordinates": [[2.35, 48.85], [2.36, 48.86]]}}]}')
    scenario = mini.load()
    assert ("places.geojson", 1, "geometry") in problem_keys(scenario)
    assert scenario.places["square"].geometry is None


def test_place_geometry_joins_its_place(mini):
    mini.write("places.geojson", '{"type": "FeatureCollection", "features": [{"type": '
               '"Feature", "properties": {"id": "square"}, "geometry": {"type": "LineString", '
               '"coordinates": [[76.94, 43.23], [76.95, 43.24]]}}]}')
    scenario = mini.load()
    assert scenario.problems == ()
    assert scenario.places["square"].geometry["type"] == "LineString"


def test_problem_formats_as_file_row_field_message():
    assert str(Problem("events.csv", 7, "date", "bad")) == "events.csv:7: date: bad"


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    from dashboard.scenario import load_scenario

    scenario = load_scenario(tmp_path / "nowhere")
    assert scenario.problems
    assert scenario.places == {}
    assert len(scenario.days) == 9


def test_bundled_geodata_is_clean(scenario):
    assert [str(p) for p in scenario.problems] == []


def test_bundled_places_have_sources_and_honest_precision(scenario):
    for place in scenario.places.values():
        assert place.sources and place.coord_source, place.id
        if place.geo_precision > 1:
            assert place.radius_m > 0 or place.geometry, place.id
    # Checkpoint positions are not public: never a precise pin.
    assert scenario.places["almaty-checkpoints"].geo_precision == 3


def test_bundled_regions_cover_the_state_of_emergency_areas(scenario):
    ids = scenario.region_ids()
    assert {"KZ-ALA", "KZ-MAN", "KZ-AST", "KZ-ALM", "KZ-KZY"} <= ids
    assert len(ids) >= 16


def test_every_source_is_a_seed_file_or_public_page(scenario):
    import os

    seeds = set(os.listdir(os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                        "seeds"))) if os.path.isdir(os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "seeds")) else None
    for source in scenario.sources.values():
        assert source.file or source.url.startswith(("https://", "http://")), source.id
        if source.file and seeds is not None:
            assert source.file in seeds, source.id


# Every regional centre and city with documented unrest, 2-10 January (geodata/README.md,
# "Coverage: the crisis city by city"): each holds events of its own, with sources.
CITIES = ("almaty", "nur-sultan", "shymkent", "taraz", "aktobe", "kyzylorda", "oral", "atyrau",
          "karaganda", "zhezkazgan", "taldykorgan", "semey", "oskemen", "pavlodar", "kostanay",
          "petropavl", "turkestan", "aktau", "zhanaozen")


@pytest.mark.parametrize("city", CITIES)
def test_every_city_of_the_unrest_has_its_documented_days(scenario, city):
    place = scenario.places[city]
    assert place.kind == "city"
    names = {place.name.split(" (")[0].lower(), city}
    mine = [e for e in scenario.events
            if e.place_id == city or scenario.places[e.place_id].city.lower() in names]
    assert mine, city
    assert all(e.sources for e in mine)


def test_every_airport_of_the_country_is_a_place_with_a_precise_position(scenario):
    airports = [p for p in scenario.places.values() if p.kind == "airport"]
    assert len(airports) == 20  # "18 of the country's 20 airports", the minister, 11 January
    assert all(p.geo_precision == 1 and p.coord_source for p in airports)


# --------------------------------------------------------------------------- limits and streaming

def _many_events(count: int, summary: str, first: int = 3) -> str:
    return "".join(f"e{n},2022-01-03,,3,city,protest,{summary},s1\n"
                   for n in range(first, first + count))


def test_a_csv_file_over_32_mb_of_valid_rows_loads_whole(mini):
    """A CSV file has no size limit: 140,000 rows of 250-character summaries (about 40 MB)."""
    header_and_rows = (mini.path / "events.csv").read_text(encoding="utf-8")
    mini.write("events.csv", header_and_rows + _many_events(140_000, "x" * 250))
    assert (mini.path / "events.csv").stat().st_size > 32 * 2**20
    scenario = mini.load()
    assert scenario.problems == ()
    assert len(scenario.events) == 140_002


def test_an_unclosed_quote_costs_one_row_and_the_rest_loads(mini):
    """An unclosed quote on line 11 of 1,002 lines: line 11 alone is set aside."""
    header_and_rows = (mini.path / "events.csv").read_text(encoding="utf-8")
    rows = _many_events(1_000, "Protest").splitlines(keepends=True)
    rows[7] = rows[7].replace(",Protest,", ',"Protest,')  # line 11 (header, e1, e2, e3...)
    mini.write("events.csv", header_and_rows + "".join(rows))
    scenario = mini.load()
    assert problem_keys(scenario) == {("events.csv", 11, "-")}
    assert "quote" in scenario.problems[0].message
    assert len(scenario.events) == 1_001


def test_a_line_longer_than_the_row_limit_is_set_aside_alone(mini):
    from dashboard.scenario import MAX_ROW_CHARS

    header_and_rows = (mini.path / "events.csv").read_text(encoding="utf-8")
    mini.write("events.csv", header_and_rows + _many_events(1, "x" * (MAX_ROW_CHARS + 10))
               + _many_events(1, "fine", first=9))
    scenario = mini.load()
    assert problem_keys(scenario) == {("events.csv", 4, "-")}
    assert [e.id for e in scenario.events] == ["e1", "e2", "e9"]


def test_a_scenario_over_ten_years_keeps_its_days_and_year_one_does_not(mini):
    import json
    from datetime import date

    meta = json.loads((mini.path / "scenario.json").read_text(encoding="utf-8"))
    mini.write("scenario.json", json.dumps({**meta, "start": "2012-01-01", "end": "2022-12-31"}))
    scenario = mini.load()
    assert not [p for p in scenario.problems if p.file == "scenario.json"]
    assert scenario.days[0] == date(2012, 1, 1) and scenario.days[-1] == date(2022, 12, 31)
    mini.write("scenario.json", json.dumps({**meta, "start": "0001-01-01"}))
    assert ("scenario.json", 0, "start") in problem_keys(mini.load())
