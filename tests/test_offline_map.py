"""The offline street map: `offline-map` fetching from a local stand-in tile server (counts,
resume, a refused host, a failing server), the MBTiles reader, the tiles written for the app,
and the tiles carried in the HTML export. No request leaves the machine."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dashboard import cli, tilearchive, tilefetch
from dashboard.assets import offline_map_layer
from dashboard.export import check_self_contained, day_html
from dashboard.settings import settings_from
from dashboard.timeline import as_of
from tests.tile_standin import TileStandIn, tile_png

ALMATY = (43.20, 76.85, 43.30, 76.98)  # S, W, N, E: the centre of Almaty
FAST = 1000.0  # requests a second: the stand-in is on this machine


@pytest.fixture
def standin():
    server = TileStandIn()
    yield server
    server.close()


def plan(standin, out: Path, zooms=(10, 12), bbox=ALMATY) -> tilefetch.Plan:
    return tilefetch.Plan(standin.url, bbox, zooms, out, "Almaty", "Tiles: stand-in",
                          rate=FAST)


def stored(path: Path) -> dict[tuple[int, int, int], bytes]:
    with sqlite3.connect(path) as db:
        return {(z, x, 2 ** z - 1 - r): bytes(d) for z, x, r, d in db.execute(
            "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")}


def make_archive(standin, tmp_path, zooms=(10, 12)) -> tilearchive.TileArchive:
    out = tmp_path / "almaty.mbtiles"
    tilefetch.fetch(plan(standin, out, zooms))
    return tilearchive.open_archive(out)


# --------------------------------------------------------------------------- fetching

def test_fetch_asks_each_tile_once_and_stores_it_at_its_place(standin, tmp_path):
    out = tmp_path / "almaty.mbtiles"
    expected = set(tilefetch.tiles_of(ALMATY, (10, 13)))
    outcome = tilefetch.fetch(plan(standin, out, (10, 13)))
    asked = [(z, x, y) for z, x, y, _ in standin.requests]
    assert sorted(asked) == sorted(expected) and len(asked) == len(set(asked))
    assert outcome.fetched == len(expected) == tilefetch.count_tiles(ALMATY, (10, 13))
    tiles = stored(out)  # rows flipped back from TMS: each tile is the one asked at z/x/y
    assert tiles == {key: tile_png(*key) for key in expected}
    assert all(ua == tilefetch.USER_AGENT for *_, ua in standin.requests)
    assert not out.with_name(out.name + ".part").exists()
    archive = tilearchive.open_archive(out)
    assert (archive.min_zoom, archive.max_zoom, archive.tiles) == (10, 13, len(expected))
    assert archive.attribution == "Tiles: stand-in" and archive.format == "png"
    s, w, n, e = archive.bounds  # the tiles held cover the area asked for
    assert s <= ALMATY[0] and w <= ALMATY[1] and n >= ALMATY[2] and e >= ALMATY[3]


def test_rate_limit_waits_between_requests(standin, tmp_path):
    waits: list[float] = []
    slow = plan(standin, tmp_path / "a.mbtiles", (10, 11))
    slow.rate = 2.0
    tilefetch.fetch(slow, sleep=waits.append)
    # Every request after the first waited for its turn (the fake sleep returns at once).
    assert len(waits) == len(standin.requests) - 1
    assert all(0 < w <= 0.5 for w in waits)


def test_an_interrupted_run_keeps_its_tiles_and_the_next_goes_on(standin, tmp_path):
    out = tmp_path / "almaty.mbtiles"
    total = tilefetch.count_tiles(ALMATY, (10, 14))

    def interrupt(done, total, outcome):
        if outcome.fetched == 30:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tilefetch.fetch(plan(standin, out, (10, 14)), interrupt)
    part = out.with_name(out.name + ".part")
    assert not out.exists() and part.exists()
    assert len(stored(part)) == 30  # nothing fetched is lost
    standin.requests.clear()
    outcome = tilefetch.fetch(plan(standin, out, (10, 14)))
    assert (outcome.kept, outcome.fetched) == (30, total - 30)
    assert len(standin.requests) == total - 30  # none asked twice
    assert len(stored(out)) == total and not part.exists()


def test_a_finished_map_grows_by_the_zooms_added(standin, tmp_path):
    out = tmp_path / "almaty.mbtiles"
    tilefetch.fetch(plan(standin, out, (10, 12)))
    standin.requests.clear()
    tilefetch.fetch(plan(standin, out, (10, 13)))
    assert {z for z, *_ in standin.requests} == {13}
    assert len(stored(out)) == tilefetch.count_tiles(ALMATY, (10, 13))


def test_a_failing_server_stops_the_run_and_keeps_what_was_fetched(standin, tmp_path):
    out = tmp_path / "almaty.mbtiles"
    fetched = []

    def fail_midway(done, total, outcome):
        fetched.append(outcome.fetched)
        if outcome.fetched == 10:
            standin.mode = "http500"

    with pytest.raises(tilefetch.FetchFailed, match="run the same command again"):
        tilefetch.fetch(plan(standin, out, (10, 14)), fail_midway, sleep=lambda s: None)
    failed = len(standin.requests) - 10
    assert failed == tilefetch.GIVE_UP_AFTER * (tilefetch.RETRIES + 1)  # bounded, then stops
    assert not out.exists() and len(stored(out.with_name(out.name + ".part"))) == 10
    standin.mode = "ok"
    outcome = tilefetch.fetch(plan(standin, out, (10, 14)))
    assert outcome.kept == 10 and len(stored(out)) == tilefetch.count_tiles(ALMATY, (10, 14))


def test_tiles_the_server_lacks_are_counted_not_stored(standin, tmp_path):
    standin.mode = "missing"
    out = tmp_path / "almaty.mbtiles"
    outcome = tilefetch.fetch(plan(standin, out, (10, 12)))
    assert outcome.missing == sum(1 for _, x, _ in tilefetch.tiles_of(ALMATY, (10, 12)) if x % 2)
    assert all(x % 2 == 0 for _, x, _ in stored(out))


def test_an_answer_that_is_not_a_tile_is_a_failure(standin, tmp_path):
    standin.mode = "notimage"
    out = tmp_path / "almaty.mbtiles"
    with pytest.raises(tilefetch.FetchFailed, match="not an image"):
        tilefetch.fetch(plan(standin, out, (12, 12)), sleep=lambda s: None)
    assert not out.exists()


@pytest.mark.parametrize("url", [
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "https://a.tile.openstreetmap.org/{z}/{x}/{y}.png",
    "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    "http://TILE.OSM.ORG/{z}/{x}/{y}.png",
])
def test_openstreetmaps_own_servers_are_refused(url, tmp_path, capsys):
    out = tmp_path / "almaty.mbtiles"
    code = cli.main(["offline-map", "--area", "almaty", "--from", url, "--out", str(out),
                     "--yes"])
    err = capsys.readouterr().err
    assert code == 2 and "forbids bulk downloading" in err and "vector extract" in err
    assert not out.exists() and not out.with_name(out.name + ".part").exists()


@pytest.mark.parametrize("url", ["ftp://tiles.example/{z}/{x}/{y}.png",
                                 "https://tiles.example/tiles.png"])
def test_an_address_that_is_no_tile_template_is_refused(url):
    with pytest.raises(tilefetch.FetchRefused):
        tilefetch.check_url(url)


def test_a_file_this_command_did_not_write_is_never_touched(standin, tmp_path):
    out = tmp_path / "notes.mbtiles"
    out.write_text("my notes")
    with pytest.raises(tilefetch.FetchRefused, match="not an offline map this command wrote"):
        tilefetch.fetch(plan(standin, out))
    assert out.read_text() == "my notes" and standin.requests == []


def test_command_says_count_and_size_first_and_asks(standin, tmp_path, capsys, monkeypatch):
    out = tmp_path / "almaty.mbtiles"
    args = ["offline-map", "--area", "Almaty", "--zoom", "10-12", "--from", standin.url,
            "--out", str(out), "--rate", "1000"]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(args) == 2  # not asked (no terminal) and no --yes: nothing fetched
    err = capsys.readouterr().err
    box = tilefetch.around(43.2775, 76.89583, 18.0)  # Almaty's 15 km radius + 3
    count = tilefetch.count_tiles(box, (10, 12))
    assert f"{count:,} tiles at zoom 10-12" in err and "MB" in err and "--yes" in err
    assert standin.requests == [] and not out.exists()
    assert cli.main([*args, "--yes"]) == 0
    err = capsys.readouterr().err
    assert f"{count:,}/{count:,} tiles (100%)" in err  # progress on standard error
    assert f"wrote {out}" in err and len(standin.requests) == count


def test_command_refuses_unknown_areas_bad_zooms_and_too_many_tiles(standin, tmp_path, capsys):
    base = ["--from", standin.url, "--out", str(tmp_path / "x.mbtiles"), "--yes"]
    assert cli.main(["offline-map", "--area", "Atlantis", *base]) == 2
    assert "almaty" in capsys.readouterr().err
    assert cli.main(["offline-map", "--bbox", "43.3,76.9,43.2,77", *base]) == 2
    assert cli.main(["offline-map", "--area", "aktau", "--zoom", "16-10", *base]) == 2
    assert cli.main(["offline-map", "--area", "almaty", "--zoom", "18",
                     "--max-tiles", "1000", *base]) == 2
    assert "--max-tiles" in capsys.readouterr().err
    assert standin.requests == []


def test_command_by_bbox_and_a_failing_server_exit_1(standin, tmp_path, capsys):
    out = tmp_path / "box.mbtiles"
    standin.mode = "http500"
    args = ["offline-map", "--bbox", "43.2,76.85,43.3,76.98", "--zoom", "11", "--from",
            standin.url, "--out", str(out), "--yes", "--rate", "1000"]
    assert cli.main(args) == 1
    assert "run the same command again" in capsys.readouterr().err and not out.exists()
    standin.mode = "ok"
    assert cli.main(args) == 0 and out.exists()


# --------------------------------------------------------------------------- reading

def test_files_that_are_no_raster_mbtiles_are_refused_with_their_reason(tmp_path):
    with pytest.raises(tilearchive.TileArchiveError, match="no such file"):
        tilearchive.open_archive(tmp_path / "none.mbtiles")
    text = tmp_path / "text.mbtiles"
    text.write_text("hello")
    with pytest.raises(tilearchive.TileArchiveError,
                       match=f"{text}: neither an MBTiles file .* nor a PMTiles archive"):
        tilearchive.open_archive(text)
    vector = tmp_path / "vector.mbtiles"
    with sqlite3.connect(vector) as db:
        db.executescript(tilefetch.SCHEMA)
        db.execute("INSERT INTO metadata VALUES ('format', 'pbf')")
        db.execute("INSERT INTO tiles VALUES (1, 0, 0, ?)", (b"\x1a\x00",))
    with pytest.raises(tilearchive.TileArchiveError, match="bring it as PMTiles"):
        tilearchive.open_archive(vector)
    empty = tmp_path / "empty.mbtiles"
    with sqlite3.connect(empty) as db:
        db.executescript(tilefetch.SCHEMA)
    with pytest.raises(tilearchive.TileArchiveError, match="no tiles"):
        tilearchive.open_archive(empty)


def test_settings_name_the_offline_map():
    assert settings_from([], {}).offline_map is None
    assert settings_from(["--offline-map", "a.mbtiles"], {}).offline_map == Path("a.mbtiles")
    env = {"DASHBOARD_OFFLINE_MAP": "b.mbtiles"}
    assert settings_from([], env).offline_map == Path("b.mbtiles")
    assert settings_from(["--offline-map", "a.mbtiles"], env).offline_map == Path("a.mbtiles")


# --------------------------------------------------------------------------- the app's tiles

def test_tiles_written_for_the_app_at_their_xyz_place(standin, tmp_path):
    archive = make_archive(standin, tmp_path)
    vendor = tmp_path / "vendor"
    with ThreadPoolExecutor(4) as pool:  # several servers starting at once
        layers = list(pool.map(lambda _: offline_map_layer(archive, vendor), range(4)))
    assert len({layer.url for layer in layers}) == 1
    folder = vendor / "offline-map" / archive.digest
    assert layers[0].url.endswith(f"offline-map/{archive.digest}/{{z}}/{{x}}/{{y}}.png")
    written = {p.relative_to(folder) for p in folder.rglob("*.png")}
    assert len(written) == archive.tiles
    for z, x, y in tilefetch.tiles_of(ALMATY, (10, 12)):
        assert (folder / f"{z}/{x}/{y}.png").read_bytes() == tile_png(z, x, y)
    assert [p.name for p in (vendor / "offline-map").iterdir()] == [archive.digest]
    assert (layers[0].min_zoom, layers[0].max_zoom) == (10, 12)


def test_only_the_newest_few_archives_stay_extracted(standin, tmp_path):
    vendor = tmp_path / "vendor"
    digests = []
    for zoom in range(8, 13):
        folder = tmp_path / str(zoom)
        folder.mkdir()
        archive = make_archive(standin, folder, (zoom, zoom))
        offline_map_layer(archive, vendor)
        digests.append(archive.digest)
    kept = {p.name for p in (vendor / "offline-map").iterdir()}
    assert len(kept) == tilearchive.EXTRACT_KEEP and digests[-1] in kept


# --------------------------------------------------------------------------- the export

def test_export_carries_the_tiles_in_view_and_stays_self_contained(standin, tmp_path, scenario):
    archive = make_archive(standin, tmp_path)
    page = day_html(as_of(scenario, scenario.days[3]), scenario, archive)
    check_self_contained(page)
    assert "kz.offlineMap(" in page and "Tiles: stand-in" in page
    assert page.count("data:image/png;base64,") >= archive.tiles
    assert "Streets: Almaty" in page and "zoom 10–12" in page


def test_export_leaves_out_the_zooms_over_the_cap_and_refuses_when_none_fit(
        standin, tmp_path, scenario):
    archive = make_archive(standin, tmp_path, (10, 13))
    view = scenario.meta.view
    low = sum(len(tile_png(*t)) for t in tilefetch.tiles_of(archive.bounds, (10, 11)))
    carried = tilearchive.inline_tiles(archive, view, cap=low + 1)
    assert carried.zooms == (10, 11) and carried.left_out == (12, 13)
    assert carried.tiles["10/" + "/".join(map(str, tilearchive.tile_range(ALMATY, 10)[:2]))]
    with pytest.raises(tilearchive.ExportTooLarge, match="zoom 10 alone"):
        tilearchive.inline_tiles(archive, view, cap=10)


def test_export_command_with_an_offline_map(standin, tmp_path, capsys):
    archive = make_archive(standin, tmp_path)
    out = tmp_path / "day.html"
    assert cli.main(["export", "2022-01-05", "--out", str(out), "--offline-map",
                     str(archive.path)]) == 0
    assert "kz.offlineMap(" in out.read_text() and "offline map" in capsys.readouterr().err
    bad = tmp_path / "bad.mbtiles"
    bad.write_text("x")
    assert cli.main(["export", "2022-01-05", "--out", str(tmp_path / "b.html"),
                     "--offline-map", str(bad)]) == 2
    assert "neither an MBTiles file" in capsys.readouterr().err
    assert not (tmp_path / "b.html").exists()
