"""Control of sites and cities, disputed and retracted rows, what followed the window, the
coverage of each region, and answers that never read "no data" as safety."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pytest

from dashboard import coverage, daypanel, gazetteer, mapview, travel, trends
from dashboard.brief import day_brief
from dashboard.export import day_csv, day_geojson, day_html
from dashboard.snapshot import snapshot
from dashboard.timeline import as_of, figures_as_of

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def D(day: int) -> date:
    return date(2022, 1, day)


DISPUTES_HEADER = "id,target,kind,by,reported_on,detail,sources\n"


@pytest.fixture
def disputed(bundled_copy):
    """The bundled data with its control statuses replaced by two periods of one site, and
    its disputes by those of a figure, a status and a figure reported after the window."""
    bundled_copy.write_rows("statuses.csv", [r for r in bundled_copy.rows("statuses.csv")
                                             if r["kind"] != "control"])
    figures = bundled_copy.rows("figures.csv")
    for row in figures:  # the 164 as it was first posted: the headline of its day
        if row["id"] == "fi-deaths-0109":
            row["preferred"] = "yes"
    bundled_copy.write_rows("figures.csv", figures)
    bundled_copy.append("statuses.csv", id="st-akimat-held", subject="almaty-akimat",
                        kind="control", valid_from="2022-01-05", valid_to="2022-01-06",
                        status="protesters", detail="Seized <b>by</b> protesters.",
                        sources="tass-1384061")
    bundled_copy.append("statuses.csv", id="st-akimat-retaken", subject="almaty-akimat",
                        kind="control", valid_from="2022-01-07", valid_to="",
                        status="authorities", detail="Retaken.", sources="dezshira-roll")
    bundled_copy.append("figures.csv", id="fi-deaths-later", metric="deaths", value="225",
                        qualifier="exact", reported_on="2022-01-15", scope="Kazakhstan",
                        preferred="yes", detail="Prosecutor General's Office.",
                        sources="wp-unrest")
    bundled_copy.write("disputes.csv", DISPUTES_HEADER
                       + "di-164,fi-deaths-0109,retracted,the Health Ministry,2022-01-09,"
                         "Called a technical error; the post was deleted.,wp-unrest\n"
                       + "di-held,st-akimat-held,disputed,the city police,2022-01-06,"
                         "Said the building was never fully taken.,meduza-jan06\n"
                       + "di-225,fi-deaths-later,corrected,the Prosecutor General's Office,"
                         "2022-01-16,Revised later.,wp-unrest\n")
    return bundled_copy


# --------------------------------------------------------------------------- disputes


def test_disputes_load_by_their_target_and_bad_ones_are_set_aside(disputed):
    disputed.write("disputes.csv", (disputed.path / "disputes.csv").read_text()
                   + "di-bad,no-such-row,retracted,someone,2022-01-09,,wp-unrest\n"
                   + "di-kind,fi-deaths-0109,denied,someone,2022-01-09,,wp-unrest\n")
    loaded = disputed.load()
    problems = {(p.file, p.row, p.field) for p in loaded.problems}
    assert problems == {("disputes.csv", 5, "target"), ("disputes.csv", 6, "kind")}
    assert [d.id for d in loaded.disputes["fi-deaths-0109"]] == ["di-164"]
    assert loaded.disputes["st-akimat-held"][0].by == "the city police"


def test_a_retracted_figure_is_never_the_headline_but_stays_visible(disputed):
    loaded = disputed.load()
    deaths = figures_as_of(loaded, D(9))["deaths"]
    assert deaths.figure.id == "fi-deaths-0108-44"  # the last official total that stands
    assert "fi-deaths-0109" in [f.id for f in deaths.also_reported]
    assert deaths.disputes["fi-deaths-0109"][0].kind == "retracted"
    # Without the dispute, 164 is the headline: the dispute is what changes it.
    disputed.write("disputes.csv", DISPUTES_HEADER)
    assert figures_as_of(disputed.load(), D(9))["deaths"].figure.id == "fi-deaths-0109"


def test_a_dispute_shows_on_its_day_in_changes_panel_brief_snapshot_and_exports(disputed):
    loaded = disputed.load()
    state = as_of(loaded, D(9))
    change = next(c for c in state.changes if c.kind == "retracted")
    assert change.subject == "fi-deaths-0109"
    assert "Retracted by the Health Ministry on 9 Jan 2022" in change.text
    assert "164" in change.text
    panel = daypanel.figures_html(state, loaded)
    assert "164" in panel and "Retracted by the Health Ministry" in panel
    brief = day_brief(state, loaded)
    assert "Retracted by the Health Ministry on 9 Jan 2022" in brief
    snap = snapshot(state, loaded)
    also = snap["figures"]["deaths"]["also_reported"]
    retracted = next(f for f in also if f["id"] == "fi-deaths-0109")
    assert retracted["disputes"][0]["kind"] == "retracted"
    assert retracted["disputes"][0]["by"] == "the Health Ministry"
    features = day_geojson(state, loaded)["features"]
    figure = next(f for f in features if f["id"] == "figure:fi-deaths-0109")
    assert figure["properties"]["headline"] is False
    assert figure["properties"]["disputes"][0]["reported_on"] == "2022-01-09"
    rows = list(csv.DictReader(io.StringIO(day_csv(state, loaded))))
    row = next(r for r in rows if r["id"] == "fi-deaths-0109")
    assert row["type"] == "figure" and "Retracted by the Health Ministry" in row["detail"]
    assert "Retracted by the Health Ministry" in day_html(state, loaded)


def test_a_disputed_status_is_shown_with_it(disputed):
    loaded = disputed.load()
    state = as_of(loaded, D(6))
    place = next(p for p in snapshot(state, loaded)["places"] if p["id"] == "almaty-akimat")
    control = next(s for s in place["statuses"] if s["kind"] == "control")
    assert control["disputes"][0]["by"] == "the city police"
    assert "Disputed by the city police" in daypanel.control_html(state, loaded)
    popup = mapview.layer_features(state, loaded, "control")[0]["properties"]["popup"]
    assert "Disputed by the city police" in popup


def test_figures_after_the_window_are_what_followed_never_a_day(disputed):
    loaded = disputed.load()
    assert "fi-deaths-later" in [f.id for f in loaded.followed]
    assert all(f.reported_on > D(10) for f in loaded.followed)
    assert all(f.id != "fi-deaths-later" for f in loaded.figures)
    state = as_of(loaded, D(10))
    assert state.figures["deaths"].figure.id != "fi-deaths-later"
    html = daypanel.followed_html(loaded)
    assert "What followed (after 10 January)" in html and "225" in html
    assert "Corrected by the Prosecutor General" in html
    assert "What followed (after 10 January 2022)" in day_brief(state, loaded)
    followed = next(f for f in snapshot(state, loaded)["followed"] if f["id"] == "fi-deaths-later")
    assert followed["value"] == 225 and followed["as_of"] == "2022-01-15"


# --------------------------------------------------------------------------- control


def test_control_statuses_replay_day_by_day_with_changes(disputed):
    loaded = disputed.load()
    assert as_of(loaded, D(4)).with_status("control") == []
    held = as_of(loaded, D(5)).with_status("control")
    assert [(ps.place.id, s.status) for ps, s in held] == [("almaty-akimat", "protesters")]
    seventh = as_of(loaded, D(7))
    change = next(c for c in seventh.changes if c.what == "control")
    assert change.kind == "status_changed"
    assert change.text == ("Almaty city akimat (mayor's office): held by protesters → held by "
                           "the authorities")
    snap = snapshot(seventh, loaded)
    assert snap["control"][0]["status"] == "authorities"
    assert snap["control"][0]["since"] == "2022-01-07"


def test_control_status_values_are_checked(bundled_copy):
    bundled_copy.append("statuses.csv", id="st-bad", subject="almaty-akimat", kind="control",
                        valid_from="2022-01-05", valid_to="", status="rebels",
                        sources="tass-1384061")
    loaded = bundled_copy.load()
    assert any(p.field == "status" and "protesters" in p.message for p in loaded.problems)


def test_control_layer_colours_sites_by_who_held_them(disputed):
    loaded = disputed.load()
    fifth = mapview.layer_features(as_of(loaded, D(5)), loaded, "control")
    seventh = mapview.layer_features(as_of(loaded, D(7)), loaded, "control")
    assert fifth[0]["properties"]["status"] == "protesters"
    assert fifth[0]["properties"]["style"]["fillColor"] == mapview.CONTROL_COLOURS["protesters"]
    assert seventh[0]["properties"]["style"]["fillColor"] == (
        mapview.CONTROL_COLOURS["authorities"])
    assert "held by the authorities" in seventh[0]["properties"]["tooltip"]
    assert "&lt;b&gt;by&lt;/b&gt;" in fifth[0]["properties"]["popup"]  # data text escaped
    legend = mapview.legend_html()
    for words in ("Held by protesters", "Contested", "Held by the authorities"):
        assert words in legend


def test_a_site_known_only_by_its_city_is_a_ring_not_an_area(disputed):
    rows = disputed.rows("places.csv")
    akimat = next(r for r in rows if r["id"] == "almaty-akimat")
    akimat.update(geo_precision="3", radius_m="15000", lat="43.2775", lon="76.89583")
    disputed.write_rows("places.csv", rows)
    loaded = disputed.load()
    feature = mapview.layer_features(as_of(loaded, D(5)), loaded, "control")[0]
    assert "r" not in feature["properties"]  # never a circle of the whole city
    assert feature["properties"]["px"] > 0
    assert feature["properties"]["style"]["dashArray"]
    assert "somewhere in Almaty" in feature["properties"]["tooltip"]


def test_the_control_trend_counts_sites_held_each_day(disputed):
    loaded = disputed.load()
    counts = dict(zip(loaded.days, trends.control_counts(loaded), strict=True))
    assert counts[D(4)] == (0, 0) and counts[D(5)] == (1, 0) and counts[D(7)] == (0, 0)
    svg = trends.control_svg(loaded, D(5))
    assert "kz-control-chart" in svg and "data-day='2022-01-05'" in svg


def test_the_brief_and_panel_list_who_held_what(disputed):
    loaded = disputed.load()
    state = as_of(loaded, D(5))
    assert "held by protesters since 5 Jan" in daypanel.control_html(state, loaded)
    brief = day_brief(state, loaded)
    assert "## Who held what" in brief and "held by protesters since 5 Jan" in brief


def test_a_site_held_by_protesters_is_a_danger_for_a_traveller(disputed):
    loaded = disputed.load()
    gaz = gazetteer.build(loaded)
    place = travel.resolve("43.2365, 76.9456", gaz).best
    rep = travel.report(place, as_of(loaded, D(5)), loaded)
    assert any(d.kind == "site held by protesters" for d in rep.dangers)
    assert rep.control[0].id == "almaty-akimat"
    later = travel.report(place, as_of(loaded, D(7)), loaded)
    assert not any(d.kind.startswith("site held") for d in later.dangers)
    assert later.control[0].kind == "held by the authorities"
    assert travel.report_json(later)["control"][0]["held"] == "held by the authorities"


# --------------------------------------------------------------------------- coverage


def test_coverage_counts_events_and_sources_per_region_and_day(scenario):
    table = coverage.coverage_table(scenario)
    mangystau = table[D(2)]["KZ-MAN"]
    events = [e for e in scenario.events if e.date == D(2)
              and coverage.place_regions(scenario)[e.place_id] == "KZ-MAN"]
    assert mangystau.events == len(events) > 0
    assert mangystau.sources == len({s for e in events for s in e.sources})
    assert coverage.cell(scenario, "KZ-ZZZ", D(2)).empty
    html = coverage.coverage_html(scenario, D(2))
    assert "data-region='KZ-MAN'" in html and "no reports in this data" in html


@pytest.mark.parametrize(("place", "day"), [
    ("Taraz", 5), ("Aktobe", 5), ("Kyzylorda", 5), ("Semey", 7), ("48.5, 61.0", 6),
    ("Pavlodar", 8), ("Oral", 9), ("Karaganda", 5), ("Nur-Sultan", 10), ("Almaty", 10),
])
def test_no_answer_is_clear_during_the_state_of_emergency(scenario, place, day):
    gaz = gazetteer.build(scenario)
    rep = travel.report(travel.resolve(place, gaz).best, as_of(scenario, D(day)), scenario)
    assert rep.level in ("danger", "caution", "restricted")  # never no_reports under a SoE
    assert any(line.startswith("State of emergency in force") for line in rep.context)
    assert rep.coverage
    if rep.level == "restricted":
        assert "not a sign of safety" in rep.verdict


def test_before_the_state_of_emergency_no_reports_still_is_not_clear(scenario):
    gaz = gazetteer.build(scenario)
    rep = travel.report(travel.resolve("48.5, 61.0", gaz).best, as_of(scenario, D(3)),
                        scenario)
    assert rep.level == "no_reports" and rep.basis == "none" and rep.context == ()
    assert "absence of reports" in rep.verdict


# --------------------------------------------------------------------------- missing data


@pytest.mark.parametrize("args", [
    ["snapshot", "2022-01-05"], ["near", "Almaty", "--day", "2022-01-05"],
    ["brief", "2022-01-05"], ["export", "2022-01-05", "--out", "-", "--format", "csv"],
    ["validate"],
])
def test_a_missing_data_folder_is_an_error_in_every_command(args, tmp_path):
    typo = str(tmp_path / "typo")
    extra = [typo] if args == ["validate"] else ["--data", typo]
    done = subprocess.run([sys.executable, "-m", "dashboard", *args, *extra],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 2, done.stdout
    assert "does not exist" in done.stderr and "typo" in done.stderr
    assert done.stdout == ""


def test_near_reports_the_data_problems(bundled_copy):
    (bundled_copy.path / "events.csv").unlink()
    done = subprocess.run([sys.executable, "-m", "dashboard", "near", "Almaty", "--day",
                           "2022-01-05", "--data", str(bundled_copy.path), "--geocoder", "off"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0
    assert "warning: events.csv:0: -: file is missing" in done.stderr
    assert json.loads(done.stdout)["level"] != "clear"


def test_a_dispute_seen_from_an_earlier_day_says_later(scenario):
    """On 6 January the ministry's 18 security deaths stand; its correction came on the 9th:
    the panel and the brief say so as what came later, with its date."""
    sixth = as_of(scenario, D(6))
    panel = daypanel.figures_html(sixth, scenario)
    assert "Later corrected by Interior Ministry" in panel and "on 9 Jan 2022" in panel
    assert "Later corrected by Interior Ministry" in day_brief(sixth, scenario)
    ninth = daypanel.figures_html(as_of(scenario, D(9)), scenario)
    # On the 9th the ministry's 16 is the headline; only the Prosecutor General's 19 of the
    # 15th came later.
    assert "Later corrected by Interior Ministry" not in ninth
    assert "Later corrected by Prosecutor General" in ninth
