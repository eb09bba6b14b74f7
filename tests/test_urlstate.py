"""The address bar's state: read with fallbacks and notices, written back without defaults."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import urlstate
from dashboard.mapview import LAYER_KEYS

DAYS = [date(2022, 1, d) for d in range(2, 11)]
VIEWS = ["kazakhstan", "almaty", "nur-sultan", "mangystau"]


def read(**params):
    return urlstate.read(params, DAYS, LAYER_KEYS, VIEWS)


def test_a_full_link_is_read():
    state = read(day="2022-01-07", layers="airports,zones", view="almaty", present="1")
    assert state.day == date(2022, 1, 7)
    assert state.layers == ("zones", "airports")  # in the map's drawing order
    assert state.view == "almaty" and state.present is True
    assert state.notices == ()


def test_no_link_gives_the_defaults():
    state = read()
    assert (state.day, state.layers, state.view, state.present) == (DAYS[0], LAYER_KEYS,
                                                                     None, False)
    assert state.notices == ()


def test_write_then_read_is_the_same_state():
    state = urlstate.UrlState(date(2022, 1, 9), ("emergency", "airports"), "mangystau", True)
    params = urlstate.write(state, LAYER_KEYS)
    assert params == {"day": "2022-01-09", "layers": "emergency,airports",
                      "view": "mangystau", "present": "1"}
    assert urlstate.read(params, DAYS, LAYER_KEYS, VIEWS) == state


def test_defaults_are_left_out_and_no_layer_is_written_as_none():
    assert urlstate.write(urlstate.UrlState(DAYS[0], LAYER_KEYS), LAYER_KEYS) == {
        "day": "2022-01-02"}
    params = urlstate.write(urlstate.UrlState(DAYS[0], ()), LAYER_KEYS)
    assert params["layers"] == "none"
    assert read(**params).layers == ()


def test_bad_values_fall_back_each_with_a_notice():
    state = read(day="2022-01-30", layers="airports,bogus", view="paris", present="maybe")
    assert state.day == DAYS[0]
    assert state.layers == ("airports",)  # the known layer is kept
    assert state.view is None and state.present is False
    assert len(state.notices) == 4
    assert "Unknown day in the link (2022-01-30)" in state.notices[0]
    assert "bogus" in state.notices[1] and "paris" in state.notices[2]


def test_only_unknown_layers_show_every_layer():
    state = read(layers="zzz")
    assert state.layers == LAYER_KEYS
    assert "Showing every layer" in state.notices[0]


def test_a_repeated_parameter_takes_its_last_value():
    assert read(day=["2022-01-03", "2022-01-04"]).day == date(2022, 1, 4)


def test_notices_quote_a_cleaned_short_value():
    state = read(day="<script>alert(1)</script>" + "x" * 500)
    notice = state.notices[0]
    assert "<" not in notice and ">" not in notice and "(" not in notice.split("(", 1)[1][:30]
    assert len(notice) < 120


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["day", "layers", "view", "present", "other"]),
                       st.one_of(st.text(max_size=3000),
                                 st.lists(st.text(max_size=50), max_size=3))))
def test_any_parameters_give_a_sane_state(params):
    state = urlstate.read(params, DAYS, LAYER_KEYS, VIEWS)
    assert state.day in DAYS
    assert set(state.layers) <= set(LAYER_KEYS)
    assert state.view in [None, *VIEWS]
    assert isinstance(state.present, bool)
    for notice in state.notices:
        assert len(notice) < 200
        assert not set(notice) & set("<>&\"'`*_[]!\\")
