"""The online geocoder against a real HTTP server on 127.0.0.1 that answers like Nominatim."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import urllib3.util.connection

from dashboard.geocode import (
    DEFAULT_USER_AGENT,
    MAX_NAME_CHARS,
    OFF_ANSWER,
    GeocodeAnswer,
    GeocodeHit,
    OnlineGeocoder,
    geocoder_from_setting,
    normalise_query,
    parse_hits,
    reason_timeout,
)
from tests.nominatim_standin import NominatimStandIn, place

UNREACHABLE = "The online geocoder is unreachable (no internet?)."
UNREADABLE = "The online geocoder sent an answer that could not be read."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def standin() -> Iterator[NominatimStandIn]:
    server = NominatimStandIn()
    yield server
    server.close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that is bound but not listening: connections are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def local(server: NominatimStandIn, **options) -> OnlineGeocoder:
    options.setdefault("min_delay_seconds", 0.0)
    return OnlineGeocoder(f"127.0.0.1:{server.port}", "http", **options)


def test_success_parses_hits_and_sends_a_proper_request(standin):
    standin.results = [
        place("Abai Avenue, Almaty", "43.2", "76.9", "highway", "primary", place_id=7),
        place("Second hit", -12.5, 170.25, "amenity", "hospital", place_id=8),
    ]
    answer = local(standin).search("  Abai   Avenue ", limit=3)

    assert answer == GeocodeAnswer(
        hits=(GeocodeHit("Abai Avenue, Almaty", 43.2, 76.9, "highway/primary"),
              GeocodeHit("Second hit", -12.5, 170.25, "amenity/hospital")),
        ok=True,
    )
    (request,) = standin.requests
    assert request.path == "/search"
    assert request.params["q"] == "Abai Avenue"
    assert request.params["format"] == "json"
    assert request.params["limit"] == "3"
    assert request.params["countrycodes"] == "kz"
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT


def test_country_codes_and_user_agent_are_configurable(standin):
    geocoder = local(standin, country_codes="kz,kg", user_agent="test-agent/1.0")
    assert geocoder.search("Bishkek").ok
    request = standin.requests[-1]
    assert request.params["countrycodes"] == "kz,kg"
    assert request.headers["User-Agent"] == "test-agent/1.0"
    assert local(standin, country_codes=None).search("anywhere").ok
    assert "countrycodes" not in standin.requests[-1].params


def test_an_answer_longer_than_the_limit_is_cut(standin):
    standin.results = [place(f"Hit {i}", "48.0", "67.0", place_id=i) for i in range(6)]
    answer = local(standin).search("hit", limit=2)
    assert [h.name for h in answer.hits] == ["Hit 0", "Hit 1"]


def test_the_limit_is_kept_within_what_nominatim_accepts(standin):
    geocoder = local(standin)
    geocoder.search("low", limit=0)
    geocoder.search("high", limit=500)
    assert [r.params["limit"] for r in standin.requests] == ["1", "40"]


def test_empty_result_is_ok_with_no_hits(standin):
    standin.mode = "empty"
    assert local(standin).search("nowhere at all") == GeocodeAnswer(hits=(), ok=True)


def test_blank_query_makes_no_request(standin):
    geocoder = local(standin)
    for query in ("", "   ", "\t\n"):
        assert geocoder.search(query) == GeocodeAnswer(hits=(), ok=True)
    assert standin.requests == []


def test_slow_server_gives_the_timeout_reason(standin):
    standin.mode = "slow"
    standin.delay = 1.5
    answer = local(standin, timeout=0.5).search("Almaty")
    assert answer == GeocodeAnswer(
        hits=(), ok=False, reason="The online geocoder did not answer within 0.5 s.")
    assert len(standin.requests) == 1


def test_the_timeout_reason_names_the_timeout():
    assert reason_timeout(3.0) == "The online geocoder did not answer within 3 s."
    assert reason_timeout(0.25) == "The online geocoder did not answer within 0.25 s."


@pytest.mark.parametrize("status", [500, 502, 503, 504, 403, 400])
def test_http_error_names_the_status(standin, status):
    # geopy reports 503/504 as a timeout; the traveller is told the server answered an error.
    standin.mode = f"http{status}"
    answer = local(standin).search("Almaty")
    assert answer == GeocodeAnswer(
        hits=(), ok=False, reason=f"The online geocoder answered with an error (HTTP {status}).")
    assert len(standin.requests) == 1, "no retry"


def test_http_429_gives_the_rate_limit_reason(standin):
    standin.mode = "http429"
    answer = local(standin).search("Almaty")
    assert answer == GeocodeAnswer(
        hits=(), ok=False, reason="The online geocoder is rate-limiting requests (HTTP 429).")
    assert len(standin.requests) == 1, "no retry"


def test_http_429_backs_off_for_the_retry_after_time(standin):
    clock = FakeClock()
    geocoder = local(standin, clock=clock, cooldown_s=60)
    standin.mode = "http429"
    standin.retry_after = "5"
    first = geocoder.search("Almaty")
    standin.mode = "ok"
    clock.now += 4.9
    assert geocoder.search("Astana") == first
    assert len(standin.requests) == 1
    clock.now += 0.2
    assert geocoder.search("Astana").ok
    assert len(standin.requests) == 2


def test_invalid_json_cannot_be_read(standin):
    standin.mode = "badjson"
    assert local(standin).search("Almaty") == GeocodeAnswer(hits=(), ok=False, reason=UNREADABLE)


@pytest.mark.parametrize("body", [
    {"place_id": 1, "lat": "48.0", "lon": "67.0", "display_name": "An object"},
    "a string",
    42,
    [1, 2],
    [place("Fine", "48.0", "67.0"), "not an object"],
    {"error": {"code": 400, "message": "Bad request"}},
])
def test_json_that_is_not_a_list_of_objects_cannot_be_read(standin, body):
    standin.results = body
    assert local(standin).search("Almaty") == GeocodeAnswer(hits=(), ok=False, reason=UNREADABLE)


def test_notlist_mode_cannot_be_read(standin):
    standin.mode = "notlist"
    assert local(standin).search("Almaty") == GeocodeAnswer(hits=(), ok=False, reason=UNREADABLE)


def test_hits_with_garbage_are_dropped_and_the_good_one_kept(standin):
    standin.mode = "garbage"
    answer = local(standin).search("anything", limit=40)
    assert answer == GeocodeAnswer(
        hits=(GeocodeHit("Good stand-in hit", 48.5, 68.25, "highway/primary"),), ok=True)


def test_absurdly_long_names_are_cut_and_control_characters_removed(standin):
    long_name = "Very long street name " * 50
    standin.results = [place(long_name, "48.0", "67.0"),
                       place("Line\nbreak\x00and\ttab", "48.0", "67.0")]
    first, second = local(standin).search("long").hits
    assert len(first.name) == MAX_NAME_CHARS
    assert first.name.startswith("Very long street name Very") and first.name.endswith("…")
    assert second.name == "Line break and tab"


def test_kind_is_empty_when_nominatim_gives_no_class():
    bare = {"lat": "48.0", "lon": "67.0", "display_name": "Bare"}
    typed = {"lat": "48.0", "lon": "67.0", "display_name": "Typed", "type": "city"}
    assert [h.kind for h in parse_hits([bare, typed])] == ["", "city"]


def test_boundary_coordinates_are_kept():
    hits = parse_hits([place("Pole", "90", "-180"), place("Other pole", -90.0, 180.0)])
    assert [(h.lat, h.lon) for h in hits] == [(90.0, -180.0), (-90.0, 180.0)]


def test_refused_connection_is_unreachable_after_a_single_attempt(closed_port, monkeypatch):
    attempts = []
    real = urllib3.util.connection.create_connection

    def counting(*args, **kwargs):
        attempts.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    geocoder = OnlineGeocoder(f"127.0.0.1:{closed_port}", "http", min_delay_seconds=0)
    assert geocoder.search("Almaty") == GeocodeAnswer(hits=(), ok=False, reason=UNREACHABLE)
    assert attempts == [("127.0.0.1", closed_port)], "geopy's default would try three times"


def test_a_dropped_connection_is_unreachable(standin):
    standin.mode = "drop"
    assert local(standin).search("Almaty") == GeocodeAnswer(hits=(), ok=False, reason=UNREACHABLE)


def test_circuit_breaker_after_a_timeout(standin):
    clock = FakeClock()
    geocoder = local(standin, timeout=0.5, cooldown_s=60, clock=clock)
    standin.mode = "slow"
    standin.delay = 1.5
    failed = geocoder.search("Almaty")
    assert not failed.ok and len(standin.requests) == 1

    standin.mode = "ok"
    clock.now += 59.0
    for query in ("Astana", "Almaty", "Shymkent"):
        assert geocoder.search(query) == failed
    assert len(standin.requests) == 1, "no request during the cooldown"

    clock.now += 1.5
    answer = geocoder.search("Astana")
    assert answer.ok and answer.hits
    assert standin.queries()[1:] == ["Astana"]


def test_circuit_breaker_after_a_refused_connection(closed_port, monkeypatch):
    attempts = []
    real = urllib3.util.connection.create_connection

    def counting(*args, **kwargs):
        attempts.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    clock = FakeClock()
    geocoder = OnlineGeocoder(f"127.0.0.1:{closed_port}", "http", min_delay_seconds=0,
                              cooldown_s=30, clock=clock)
    assert geocoder.search("Almaty").reason == UNREACHABLE
    clock.now += 29
    assert geocoder.search("Astana").reason == UNREACHABLE
    assert len(attempts) == 1, "no connection attempt during the cooldown"
    clock.now += 2
    assert geocoder.search("Astana").reason == UNREACHABLE
    assert len(attempts) == 2


def test_server_errors_do_not_trip_the_breaker_and_are_not_cached(standin):
    geocoder = local(standin, clock=FakeClock())
    standin.mode = "http500"
    assert not geocoder.search("Almaty").ok
    standin.mode = "ok"
    assert geocoder.search("Almaty").ok
    assert len(standin.requests) == 2


def test_cache_answers_a_repeated_query_without_a_request(standin):
    geocoder = local(standin)
    first = geocoder.search("Almaty airport")
    again = geocoder.search("  ALMATY   airport ")
    assert again == first and first.ok
    assert len(standin.requests) == 1


def test_cache_keeps_empty_results(standin):
    standin.mode = "empty"
    geocoder = local(standin)
    geocoder.search("nowhere")
    standin.mode = "ok"
    assert geocoder.search("Nowhere") == GeocodeAnswer(hits=(), ok=True)
    assert len(standin.requests) == 1


def test_cache_still_answers_during_the_cooldown(standin):
    clock = FakeClock()
    geocoder = local(standin, timeout=0.5, clock=clock)
    known = geocoder.search("Almaty")
    standin.mode = "slow"
    assert not geocoder.search("Astana").ok
    assert geocoder.search("almaty") == known
    assert len(standin.requests) == 2


def test_cache_is_bounded_and_least_recently_used_goes_first(standin):
    geocoder = local(standin, cache_size=2)
    geocoder.search("a")
    geocoder.search("b")
    geocoder.search("a")  # a is now the most recent
    geocoder.search("c")  # evicts b
    assert standin.queries() == ["a", "b", "c"]
    geocoder.search("a")
    geocoder.search("b")
    assert standin.queries() == ["a", "b", "c", "b"]


def test_the_limit_is_part_of_the_cache_key(standin):
    geocoder = local(standin)
    geocoder.search("Almaty", limit=1)
    geocoder.search("Almaty", limit=5)
    assert [r.params["limit"] for r in standin.requests] == ["1", "5"]


def test_rate_limiter_spaces_requests(standin):
    geocoder = local(standin, min_delay_seconds=0.3)
    assert geocoder.search("first").ok
    assert geocoder.search("second").ok
    first, second = standin.requests
    # The limiter waits 0.3 s between the starts of two calls; allow for scheduling jitter
    # in when the server records each arrival.
    assert second.at - first.at >= 0.25


def test_normalise_query():
    assert normalise_query("  Almaty \t Airport\n") == "almaty airport"
    assert normalise_query("STRASSE") == normalise_query("straße")


def test_setting_default_is_the_public_nominatim():
    for value in (None, "", "   "):
        geocoder = geocoder_from_setting(value)
        assert isinstance(geocoder, OnlineGeocoder)
        assert geocoder.endpoint == "https://nominatim.openstreetmap.org/search"


@pytest.mark.parametrize("value", ["off", "OFF", " 0 ", "none", "None"])
def test_setting_switched_off(value):
    assert geocoder_from_setting(value) is None
    assert OFF_ANSWER == GeocodeAnswer(hits=(), ok=False,
                                       reason="The online geocoder is switched off.")


@pytest.mark.parametrize("value, endpoint", [
    ("http://127.0.0.1:8089", "http://127.0.0.1:8089/search"),
    ("https://nominatim.example.org/base", "https://nominatim.example.org/base/search"),
    ("https://nominatim.example.org/base/", "https://nominatim.example.org/base/search"),
    ("HTTPS://nominatim.example.org/search", "https://nominatim.example.org/search"),
    ("http://[::1]:8089/nominatim/search/", "http://[::1]:8089/nominatim/search"),
])
def test_setting_url(value, endpoint):
    assert geocoder_from_setting(value).endpoint == endpoint


@pytest.mark.parametrize("value", [
    "nominatim.example.org",
    "ftp://nominatim.example.org",
    "http://",
    "http://:8089",
    "http://127.0.0.1:99999",
    "http://127.0.0.1:port",
    "https://nominatim.example.org/search?format=json",
    "https://nominatim.example.org/#top",
    "https://user:secret@nominatim.example.org",
    "https://nominatim.example.org/my base",
    "yes",
])
def test_setting_invalid(value):
    with pytest.raises(ValueError, match="Geocoder setting"):
        geocoder_from_setting(value)


def test_setting_url_with_a_path_prefix_reaches_the_server(standin):
    geocoder = geocoder_from_setting(standin.url + "/base", min_delay_seconds=0)
    answer = geocoder.search("Almaty")
    assert answer.ok and answer.hits[0].name == "Almaty (stand-in result)"
    assert [r.path for r in standin.requests] == ["/base/search"]


def test_setting_options_reach_the_geocoder(standin):
    geocoder = geocoder_from_setting(standin.url, timeout=0.5, min_delay_seconds=0)
    standin.mode = "slow"
    assert geocoder.search("Almaty").reason == "The online geocoder did not answer within 0.5 s."
