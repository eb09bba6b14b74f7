"""as_of(day) against facts that the source documents state (seed file named per case)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.timeline import DayOutOfRange, as_of, figures_as_of, parse_day, publishers

D = lambda d: date(2022, 1, d)  # noqa: E731


def airport_status(scenario, day, airport):
    return as_of(scenario, day).place_state(airport).primary.status


# (day, airport, status, seed that says so)
AIRPORTS = [
    (4, "airport-ala", "open", "Interfax: shut down after being seized on 5 Jan"),
    (5, "airport-ala", "seized", "003: rioters took it; 002: driven out late 5 Jan"),
    (6, "airport-nqz", "closed", "000: no commercial or private flights until Air Astana resumed"),
    (5, "airport-sco", "closed", "Sputnik: Aktau airport ceased operations on 5 Jan"),
    (7, "airport-ala", "closed", "000: under Russian military control, no commercial flights"),
    (7, "airport-nqz", "limited", "000: Air Astana resumes services from Nur-Sultan"),
    (7, "airport-guw", "limited", "000: domestic flights to Atyrau"),
    (8, "airport-cit", "limited", "000: domestic flights to Shymkent"),
    (8, "airport-hsa", "limited", "000: domestic flights to Turkestan"),
    (9, "airport-hsa", "open", "Qazaq TV, 9 Jan: all but Almaty and Taldykorgan work normally"),
    (6, "airport-akx", "seized", "Kazinform, 6 Jan: Aktobe airport freed from those who held it"),
    (7, "airport-akx", "open", "Kazinform, 6 Jan evening: back to normal operations"),
    (7, "airport-sco", "closed", "TASS, 7 Jan: Aktau airport closed"),
    (8, "airport-tdk", "closed", "TASS, 8 Jan: Taldykorgan airport closed"),
    (10, "airport-tdk", "closed", "Qazaq TV, 9 Jan: Taldykorgan remains closed"),
]


def test_an_airport_without_a_report_has_no_status(scenario):
    # The Civil Aviation Committee's word of 9 January is the first on the regional airports.
    assert as_of(scenario, D(8)).place_state("airport-kgf").primary is None
    assert airport_status(scenario, D(9), "airport-kgf") == "open"


@pytest.mark.parametrize("day, airport, status, why", AIRPORTS)
def test_airport_status_by_day(scenario, day, airport, status, why):
    assert airport_status(scenario, D(day), airport) == status, why


def test_every_airport_status_is_one_of_the_four(scenario):
    for day in scenario.days:
        for ps in as_of(scenario, day).places:
            if ps.place.kind == "airport" and ps.primary is not None:
                assert ps.primary.status in {"open", "limited", "closed", "seized"}


def restriction_status(scenario, day, kind, area="KZ"):
    found = [r for r in as_of(scenario, day).restriction(kind) if area in r.area]
    return found[0].status if found else None


def test_state_of_emergency_starts_in_almaty_and_mangystau(scenario):
    # 003: "states of emergency in Almaty, and Mangystau Province until January 19"
    state = as_of(scenario, D(5))
    areas = {a for r in state.restriction("state_of_emergency") for a in r.area}
    assert {"KZ-ALA", "KZ-MAN"} <= areas
    assert as_of(scenario, D(4)).restriction("state_of_emergency") == []


def test_state_of_emergency_nationwide_until_19_january(scenario):
    # 003 (6 Jan update) and 004: nationwide; 001 and 004: until 19 January; the decrees
    # (Kazinform) end it at 00:00 on 19 January, so 18 January is its last full day.
    state = as_of(scenario, D(6))
    areas = {a for r in state.restriction("state_of_emergency") for a in r.area}
    assert "KZ" in areas
    assert {"KZ-ALA", "KZ-MAN", "KZ-ALM", "KZ-AST"} <= areas
    national = [r for r in state.restriction("state_of_emergency")
                if set(r.area) & {"KZ", "KZ-ALA", "KZ-MAN", "KZ-ALM", "KZ-AST"}]
    assert {r.valid_to for r in national} == {date(2022, 1, 18)}


@pytest.mark.parametrize("region, last_day", [
    ("KZ-ZAP", 13),  # lifted from 07:00 on 13 January (Akorda decree): its last, partial day
    ("KZ-AKT", 16),  # lifted from 07:00 on 16 January
    ("KZ-YUZ", 14),  # Turkistan region: lifted on 14 January
    ("KZ-ZHA", 18),  # Jambyl kept it to the end, 00:00 on 19 January
])
def test_regional_states_of_emergency_end_where_they_were_lifted(scenario, region, last_day):
    rows = [r for r in scenario.restrictions
            if r.kind == "state_of_emergency" and region in r.area]
    assert rows and rows[0].valid_to == date(2022, 1, last_day)
    if last_day < 18:  # the national row to 19 January is marked corrected, with sources
        corrections = scenario.disputes["re-soe-other-regions"]
        assert corrections and all(d.kind == "corrected" and d.sources for d in corrections)


def test_curfew_hours_are_23_to_07_local_with_tighter_local_hours(scenario):
    # 001: "2300-0700 local time (1700-0100 UTC) curfew"; 003: 11:00 pm to 7:00 am.
    curfews = as_of(scenario, D(8)).restriction("curfew")
    national = [c for c in curfews if "KZ" in c.area]
    assert national and {c.hours for c in national} == {"23:00-07:00"}
    local = {c.area: c.hours for c in curfews if "KZ" not in c.area}
    assert local[("taraz",)] == "19:00-07:00"  # Kazinform, 8 Jan: from 19:00 in Taraz
    assert local[("KZ-ALM",)] == "20:00-07:00"  # Sputnik, 8 Jan: Almaty region
    assert local[("KZ-AKT",)] == "22:00-06:00"  # Interior Ministry, 8 Jan: Aktobe


@pytest.mark.parametrize("day, status", [
    (4, "disrupted"),  # 002: third consecutive day of faltering access on 6 Jan
    (5, "blackout"),  # 002: broadband disabled completely on 5 January
    (7, "blackout"),  # 000: an internet blackout continues
    (9, "blackout"),
    (10, "partly restored"),  # 004: restored in Almaty and some regions on Monday 10 Jan
])
def test_internet_by_day(scenario, day, status):
    assert restriction_status(scenario, D(day), "internet") == status


def test_banks_closed_from_6_january(scenario):
    # 002: all banks suspended operations, announced on Thursday 6 January.
    assert restriction_status(scenario, D(5), "banks") is None
    assert restriction_status(scenario, D(6), "banks") == "closed"


def test_checkpoints_around_almaty(scenario):
    # TASS (8 Jan): "Almaty is fully surrounded by checkpoints";
    # 004: "On Sunday ... all 13 checkpoints" (Sunday = 9 January).
    assert as_of(scenario, D(7)).place_state("almaty-checkpoints").primary is None
    state = as_of(scenario, D(8))
    assert state.place_state("almaty-checkpoints").primary.status == "active"
    assert any(c.kind == "appeared" and c.subject == "almaty-checkpoints"
               for c in state.changes)
    ninth = as_of(scenario, D(9)).place_state("almaty-checkpoints").primary
    assert "13 checkpoints" in ninth.detail and ninth.sources == ("sputnik-jan10",)


def test_baikonur_guarded_from_the_csto_deployment(scenario):
    # 002: CSTO guarding the Baikonur Cosmodrome; 003 (10 Jan): Russian soldiers in charge.
    assert as_of(scenario, D(5)).place_state("baikonur-cosmodrome").primary is None
    for day in (6, 10):
        ps = as_of(scenario, D(day)).place_state("baikonur-cosmodrome")
        assert ps.primary.status == "guarded"
    assert scenario.places["baikonur-cosmodrome"].kind == "strategic_site"


@pytest.mark.parametrize("day, metric, value, as_of_day", [
    (6, "injured", 1000, 6),  # 002: more than 1,000 injured (Health Ministry)
    (7, "deaths", 26, 7),  # Interior Ministry: 26 armed attackers killed (000's 130 beside)
    (8, "deaths", 44, 8),  # the official total: 26 attackers and 18 security personnel
    (9, "deaths", 44, 8),  # 004's 164 was withdrawn the same day: the 8 Jan total stands
    (10, "deaths", 44, 8),  # 001's "more than 160" rests on the 164: kept beside it
    (6, "detained", 2298, 6),  # Interior Ministry counts, day by day
    (9, "detained", 5969, 9),
    (10, "detained", 7939, 10),  # 004: Interior Ministry, 7,939 detained
    (5, "police_killed", 8, 5),  # 002: eight police officers killed (5 Jan evening)
])
def test_figures_as_of_day(scenario, day, metric, value, as_of_day):
    fig = figures_as_of(scenario, D(day))[metric]
    assert fig.figure.value == value
    assert fig.figure.reported_on == D(as_of_day)


def test_figures_never_interpolate(scenario):
    assert "deaths" not in figures_as_of(scenario, D(6))
    assert "detained" not in figures_as_of(scenario, D(4))
    assert figures_as_of(scenario, D(8))["detained"].figure.reported_on == D(8)


def test_disagreeing_figures_are_kept_with_their_sources(scenario):
    detained = figures_as_of(scenario, D(10))["detained"]
    others = {f.value: f.sources for f in detained.also_reported}
    assert others[8000] == ("sec-jan10",)
    assert others[20000] == ("dezshira-roll",)
    deaths = figures_as_of(scenario, D(10))["deaths"]
    assert [f.value for f in deaths.also_reported] == [164, 160]
    assert deaths.disputes["fi-deaths-0109"][0].kind == "retracted"
    assert deaths.disputes["fi-deaths-0110"][0].kind == "disputed"


def test_regional_figures_never_make_the_national_headline(scenario):
    state = as_of(scenario, D(9))
    assert state.figures["detained"].figure.scope == "Kazakhstan"
    almaty = [f for f in state.regional if f.scope == "Almaty" and f.metric == "detained"]
    assert [f.value for f in almaty] == [852]
    assert all(f.scope != "Kazakhstan" for f in state.regional)


def test_changes_on_10_january(scenario):
    changes = as_of(scenario, D(10)).changes
    kinds = {(c.kind, c.subject) for c in changes}
    assert ("status_changed", "republic-square-almaty") in kinds  # 001: square closed
    assert ("status_changed", "internet") in kinds
    assert ("figure_rose", "detained") in kinds


def test_changes_report_figures_rising(scenario):
    changes = as_of(scenario, D(9)).changes
    rose = [c for c in changes if c.subject == "detained"]
    assert rose and rose[0].before == "4404" and rose[0].after == "5969"
    withdrawn = next(c for c in changes if c.subject == "fi-deaths-0109")
    assert withdrawn.kind == "retracted" and "164" in withdrawn.text


def test_events_of_5_january(scenario):
    # 003: mayor's office burned, airport taken; 002: troops retook the airport.
    ids = {e.place_id: e.category for e in as_of(scenario, D(5)).events}
    assert ids["almaty-akimat"] == "arson"
    assert {e.category for e in as_of(scenario, D(5)).events
            if e.place_id == "airport-ala"} == {"seizure", "recapture"}


def test_every_day_has_events_and_sources(scenario):
    for day in scenario.days:
        state = as_of(scenario, day)
        assert state.events, day
        for event in state.events:
            assert all(s in scenario.sources for s in event.sources)


@pytest.mark.parametrize("text", ["2022-01-01", "2022-01-11", "yesterday", "2022-13-01", ""])
def test_days_outside_the_scenario_are_refused(scenario, text):
    with pytest.raises(DayOutOfRange):
        parse_day(scenario, text)


def test_the_nine_days(scenario):
    assert scenario.days[0] == D(2) and scenario.days[-1] == D(10)
    assert len(scenario.days) == 9


def test_events_by_day_matches_a_scan_and_is_built_once(scenario):
    from dashboard.timeline import events_by_day

    index = events_by_day(scenario)
    for day in scenario.days:
        assert index.get(day, ()) == tuple(e for e in scenario.events if e.date == day)
        assert as_of(scenario, day).events == index.get(day, ())
    assert events_by_day(scenario) is index


def test_publishers_are_listed_once_in_the_order_first_cited(scenario):
    ids = ["sec-jan10", "gg-jan07", "missing-id", "gg-jan07", "sec-jan10"]
    assert publishers(scenario, ids) == (
        "Security bulletin (publisher not named in the text)", "Global Guardian")
    assert publishers(scenario, []) == ()


def test_a_day_state_is_computed_once_per_scenario_and_day_and_shared(scenario):
    from dashboard.scenario import load_scenario

    day = date(2022, 1, 6)
    first = as_of(scenario, day)
    assert as_of(scenario, day) is first  # every viewer of the day reads the same state
    assert as_of(scenario, date(2022, 1, 7)) is not first
    # A reloaded scenario (a new object, perhaps edited files) never reads the old state.
    again = load_scenario(scenario.data_dir)
    fresh = as_of(again, day)
    assert fresh is not first and fresh == first


def test_the_day_memo_is_bounded_checks_its_owners_and_can_refuse_a_value():
    from dashboard.timeline import DayMemo

    memo = DayMemo(limit=2)
    a, b = object(), object()
    built = []

    def build(value):
        def make():
            built.append(value)
            return value
        return make

    assert memo.get((a,), (1,), build("a1")) == "a1"
    assert memo.get((a,), (1,), build("again")) == "a1"  # held
    assert memo.get((b,), (1,), build("b1")) == "b1"  # another owner, another entry
    memo.get((a,), (2,), build("a2"))  # a third entry drops the least recently used, (a, 1)
    assert memo.get((a,), (1,), build("a1 again")) == "a1 again"
    assert memo.get((a,), (3,), build("big"), keep=lambda v: v != "big") == "big"
    assert memo.get((a,), (3,), build("big, built again")) == "big, built again"
    assert built == ["a1", "b1", "a2", "a1 again", "big", "big, built again"]
