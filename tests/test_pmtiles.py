"""Offline street maps as PMTiles archives, raster and vector, made here over Almaty
(tests/pmtiles_fixture.py): reading them, told apart from MBTiles by their content, the errors
for files that cannot be drawn, the app's copy under the static folder, the renderer of vector
tiles, and the tiles the HTML export carries."""

from __future__ import annotations

import base64
import gzip
import re
import shutil
import sqlite3

import mapbox_vector_tile
import pytest
from pmtiles.tile import Compression, TileType, deserialize_header, serialize_header

from dashboard import assets, cli, tilearchive, tilefetch
from dashboard.assets import RendererMissing, ensure_renderer, offline_map_layer
from dashboard.export import check_self_contained, day_html
from dashboard.pmtilesfile import PMTilesFile
from dashboard.timeline import as_of
from harness.browser import renderer_script
from tests.pmtiles_fixture import ALMATY, raster_pmtiles, tiles_over, vector_pmtiles
from tests.tile_standin import tile_png


@pytest.fixture(scope="module")
def raster(tmp_path_factory):
    return raster_pmtiles(tmp_path_factory.mktemp("raster") / "almaty-raster.pmtiles")


@pytest.fixture(scope="module")
def vector(tmp_path_factory):
    return vector_pmtiles(tmp_path_factory.mktemp("vector") / "almaty.pmtiles")


@pytest.fixture(scope="module")
def renderer():
    """protomaps-leaflet's package folder (installed from npm by dev.py when missing)."""
    return renderer_script().parent.parent


def covers(bounds, box) -> bool:
    s, w, n, e = bounds
    return s <= box[0] and w <= box[1] and n >= box[2] and e >= box[3]


# --------------------------------------------------------------------------- reading

def test_a_raster_pmtiles_archive_is_read_like_an_mbtiles_file(raster):
    archive = tilearchive.open_archive(raster)
    expected = tiles_over(ALMATY, (9, 13))
    assert (archive.container, archive.format, archive.vector) == ("pmtiles", "png", False)
    assert (archive.min_zoom, archive.max_zoom, archive.tiles) == (9, 13, len(expected))
    assert archive.kind == "raster PMTiles" and archive.name == "Almaty raster"
    assert archive.attribution == "Tiles: raster stand-in"
    assert covers(archive.bounds, ALMATY)
    tiles = {(z, x, y): data for z, x, y, data in tilearchive.tiles_of(archive)}
    assert tiles == {key: tile_png(*key) for key in expected}  # each at its XYZ place
    x0, y0, x1, y1 = tilearchive.tile_range(ALMATY, 12)
    some = {(z, x, y) for z, x, y, _ in tilearchive.tiles_of(archive, 12, (x0, y0, x0, y0))}
    assert some == {(12, x0, y0)}


def test_a_vector_extract_is_read_with_its_layers_and_openstreetmap_credit(vector):
    archive = tilearchive.open_archive(vector)
    assert (archive.container, archive.format, archive.vector) == ("pmtiles", "mvt", True)
    assert archive.kind == "vector PMTiles" and (archive.min_zoom, archive.max_zoom) == (8, 13)
    assert "vector PMTiles" in archive.describe()
    # The file's HTML link as plain text, escaped wherever it is shown.
    assert archive.attribution == "© OpenStreetMap"
    assert covers(archive.bounds, ALMATY)
    z, x, y, data = next(tilearchive.tiles_of(archive, 12))
    layers = mapbox_vector_tile.decode(gzip.decompress(data))  # as stored: gzip
    assert {"earth", "water", "roads", "places"} <= set(layers)


def test_a_vector_extract_is_drawn_from_the_zoom_its_tiles_stay_near_its_area(vector, raster,
                                                                            tmp_path):
    # pmtiles extract keeps whole low-zoom tiles (a country at zoom 5): not drawn over the
    # basemap. Almaty's tiles (0.31 degrees wide) from zoom 10, where a tile is 0.35 degrees.
    archive = tilearchive.open_archive(vector)
    assert archive.min_zoom == 8 and archive.first_zoom == 10
    assert tilearchive.open_archive(raster).first_zoom == 9  # raster: its lowest zoom
    coarse = tilearchive.open_archive(vector_pmtiles(tmp_path / "coarse.pmtiles", (0, 6)))
    # Its area is its zoom-6 tiles (5.6 degrees): from zoom 5 (11.25), below its highest.
    assert coarse.min_zoom == 0 and coarse.first_zoom == 5


def test_an_extract_stating_no_attribution_still_credits_openstreetmap(tmp_path):
    archive = tilearchive.open_archive(vector_pmtiles(tmp_path / "a.pmtiles", (10, 11),
                                                      attribution=None))
    assert archive.attribution == tilearchive.OSM_CREDIT
    other = tilearchive.open_archive(vector_pmtiles(tmp_path / "b.pmtiles", (10, 11),
                                                    attribution="Protomaps"))
    assert other.attribution == f"Protomaps; {tilearchive.OSM_CREDIT}"


def test_the_kind_is_told_from_the_content_not_the_name(raster, standin_mbtiles, tmp_path):
    misnamed = tmp_path / "streets.mbtiles"
    shutil.copyfile(raster, misnamed)
    assert tilearchive.open_archive(misnamed).container == "pmtiles"
    other = tmp_path / "streets.pmtiles"
    shutil.copyfile(standin_mbtiles, other)
    assert tilearchive.open_archive(other).container == "mbtiles"


@pytest.fixture
def standin_mbtiles(tmp_path):
    out = tmp_path / "s.mbtiles"
    with sqlite3.connect(out) as db:
        db.executescript(tilefetch.SCHEMA)
        db.execute("INSERT INTO metadata VALUES ('format', 'png')")
        db.execute("INSERT INTO tiles VALUES (10, 716, 646, ?)", (tile_png(10, 716, 377),))
    return out


# --------------------------------------------------------------------------- bad files

def rewrite_header(source, target, **changes):
    data = bytearray(source.read_bytes())
    header = deserialize_header(bytes(data[:127]))
    header.update(changes)
    data[:127] = serialize_header(header)
    target.write_bytes(bytes(data))
    return target


def refused(path, pattern: str) -> None:
    with pytest.raises(tilearchive.TileArchiveError) as caught:
        tilearchive.open_archive(path)
    message = str(caught.value)
    assert message.startswith(f"{path.resolve()}:") or message.startswith(f"{path}:"), message
    assert re.search(pattern, message), message


def test_bad_pmtiles_files_are_refused_naming_the_file_and_why(raster, vector, tmp_path):
    cut = tmp_path / "cut.pmtiles"
    cut.write_bytes(raster.read_bytes()[:raster.stat().st_size // 2])
    refused(cut, "past the end|cut short")
    short = tmp_path / "short.pmtiles"
    short.write_bytes(b"PMTiles\x03" + bytes(20))
    refused(short, "shorter than a PMTiles header")
    old = tmp_path / "old.pmtiles"
    old.write_bytes(b"PMTiles\x02" + raster.read_bytes()[8:])
    refused(old, "PMTiles version 2; the app reads version 3")
    garbage = tmp_path / "garbage.pmtiles"
    data = bytearray(raster.read_bytes())
    header = deserialize_header(bytes(data[:127]))
    start = header["root_offset"]
    data[start:start + header["root_length"]] = b"\x00" * header["root_length"]
    garbage.write_bytes(bytes(data))
    refused(garbage, "cannot be decompressed|unreadable")
    refused(rewrite_header(raster, tmp_path / "avif.pmtiles", tile_type=TileType.AVIF),
            "PMTiles archive of avif tiles")
    refused(rewrite_header(raster, tmp_path / "liar.pmtiles", tile_type=TileType.JPEG),
            "its header says jpg tiles but they are png")
    refused(rewrite_header(vector, tmp_path / "brotli.pmtiles",
                           tile_compression=Compression.BROTLI),
            "compressed with brotli; the app reads gzip")
    metadata = tmp_path / "meta.pmtiles"
    data = bytearray(vector.read_bytes())
    header = deserialize_header(bytes(data[:127]))
    plain = b"[1, 2]"
    start = header["metadata_offset"]
    data[start:start + header["metadata_length"]] = gzip.compress(plain, mtime=0).ljust(
        header["metadata_length"], b"\x00")[:header["metadata_length"]]
    metadata.write_bytes(bytes(data))
    refused(metadata, "metadata")


def test_a_vector_archive_of_another_schema_is_refused(tmp_path):
    other = vector_pmtiles(tmp_path / "omt.pmtiles", (10, 11),
                           layers=("transportation", "waterway", "building"))
    refused(other, "vector layers building, transportation, waterway; the app draws "
                   "OpenStreetMap extracts in the Protomaps basemap schema")


def test_an_archive_with_no_tiles_is_refused(raster, tmp_path):
    from pmtiles.tile import serialize_directory

    empty = tmp_path / "empty.pmtiles"
    root = serialize_directory([])
    header = deserialize_header(raster.read_bytes()[:127])
    header.update(root_offset=127, root_length=len(root), metadata_offset=127 + len(root),
                  metadata_length=0, leaf_directory_offset=127 + len(root),
                  leaf_directory_length=0, tile_data_offset=127 + len(root),
                  tile_data_length=0)
    empty.write_bytes(serialize_header(header) + root)
    refused(empty, "holds no tiles")


def test_the_reader_closes_the_file_it_refused(tmp_path):
    bad = tmp_path / "bad.pmtiles"
    bad.write_bytes(b"PMTiles\x07" + bytes(200))
    with pytest.raises(tilearchive.TileArchiveError, match="version 7"):
        tilearchive.open_archive(bad)
    bad.unlink()  # nothing holds it open


# --------------------------------------------------------------------------- the app's copy

def test_raster_pmtiles_tiles_are_written_for_the_app_at_their_xyz_place(raster, tmp_path):
    archive = tilearchive.open_archive(raster)
    layer = offline_map_layer(archive, tmp_path / "vendor", package=tmp_path / "none")
    folder = tmp_path / "vendor" / "offline-map" / archive.digest
    assert layer.url.endswith(f"offline-map/{archive.digest}/{{z}}/{{x}}/{{y}}.png")
    assert not layer.vector and layer.renderer is None
    for z, x, y in tiles_over(ALMATY, (9, 13)):
        assert (folder / f"{z}/{x}/{y}.png").read_bytes() == tile_png(z, x, y)


def test_a_vector_archive_is_copied_whole_with_its_renderer(vector, renderer, tmp_path):
    archive = tilearchive.open_archive(vector)
    layer = offline_map_layer(archive, tmp_path / "vendor", package=renderer)
    folder = tmp_path / "vendor" / "offline-map" / archive.digest
    assert (folder / "map.pmtiles").read_bytes() == vector.read_bytes()
    assert layer.vector and layer.url.endswith(f"offline-map/{archive.digest}/map.pmtiles")
    assert layer.renderer.startswith("../../app/static/vendor/protomaps-leaflet/"
                                     "protomaps-leaflet.js?v=")
    copied = (tmp_path / "vendor" / "protomaps-leaflet" / "protomaps-leaflet.js").read_text()
    assert "protomapsL" in copied and "sourceMappingURL" not in copied
    assert layer.attribution == "© OpenStreetMap"
    assert (layer.min_zoom, layer.max_zoom) == (archive.first_zoom, 13)


def test_a_vector_archive_without_the_renderer_says_what_it_needs(vector, tmp_path):
    archive = tilearchive.open_archive(vector)
    with pytest.raises(RendererMissing) as caught:
        offline_map_layer(archive, tmp_path / "vendor", package=tmp_path / "not-installed")
    message = str(caught.value)
    assert "almaty.pmtiles is a vector PMTiles archive" in message
    assert "protomaps-leaflet" in message and "npm" in message
    assert "Raster archives" in message and "without it" in message
    assert not (tmp_path / "vendor" / "offline-map").exists()
    assert ensure_renderer(tmp_path / "vendor", tmp_path / "not-installed") is None


def test_a_vector_archive_larger_than_the_static_server_serves_is_refused(
        vector, renderer, tmp_path, monkeypatch):
    monkeypatch.setattr(tilearchive, "STATIC_FILE_MAX_BYTES", 1000)
    archive = tilearchive.open_archive(vector)
    with pytest.raises(tilearchive.TileArchiveError, match="the app serves in one file"):
        offline_map_layer(archive, tmp_path / "vendor", package=renderer)


def test_the_static_size_limit_is_streamlits():
    from streamlit.web.server.starlette.starlette_server_config import MAX_APP_STATIC_FILE_SIZE

    assert tilearchive.STATIC_FILE_MAX_BYTES == MAX_APP_STATIC_FILE_SIZE


def test_dev_installs_the_renderer_where_the_app_looks_for_it():
    import dev

    assert dev.RENDERER_SCRIPT == assets.RENDERER_PACKAGE / "dist" / assets.RENDERER_FILE
    assert dev.RENDERER_DIR != dev.NODE_DIR  # npm would remove axe-core from a shared folder


def test_run_goes_on_without_npm_and_the_tests_ask_for_it(tmp_path, monkeypatch, capsys):
    import dev

    monkeypatch.setattr(dev, "RENDERER_SCRIPT", tmp_path / "missing.js")
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    assert dev.ensure_renderer(required=False) is None
    assert "npm not found: vector PMTiles offline maps will not be drawn (raster ones are)" \
        in capsys.readouterr().out
    with pytest.raises(SystemExit, match="npm is required to install protomaps-leaflet"):
        dev.ensure_renderer(required=True)


# --------------------------------------------------------------------------- the export

def test_export_carries_raster_pmtiles_tiles(raster, scenario):
    archive = tilearchive.open_archive(raster)
    page = day_html(as_of(scenario, scenario.days[3]), scenario, archive)
    check_self_contained(page)
    assert "kz.offlineMap(" in page and page.count("data:image/png;base64,") >= archive.tiles
    assert "Streets: Almaty raster (raster PMTiles)" in page and "protomapsL" not in page


def carried_archive(page: str, tmp_path):
    found = re.search(r'kz\.vectorMap\(map_\w+, (\{.*?\})\);', page, re.DOTALL)
    assert found, "no vector map in the page"
    data = re.search(r'"data": ?"([A-Za-z0-9+/=]+)"', found.group(1)).group(1)
    path = tmp_path / "carried.pmtiles"
    path.write_bytes(base64.b64decode(data))
    return path


def test_export_carries_the_vector_archive_and_its_renderer(vector, renderer, scenario,
                                                             tmp_path):
    archive = tilearchive.open_archive(vector)
    page = day_html(as_of(scenario, scenario.days[3]), scenario, archive)
    check_self_contained(page)
    assert "protomapsL" in page and "kz.vectorMap = function" in page
    assert "sourceMappingURL" not in page
    # From the first zoom drawn: one tile at most twice as wide as the area (zoom 10 here).
    stored = {(z, x, y): d for z, x, y, d in tilearchive.tiles_of(archive) if z >= 10}
    assert f"Streets: Almaty extract (vector PMTiles), {len(stored)} tiles at zoom 10–13" \
        in page
    carried = tilearchive.open_archive(carried_archive(page, tmp_path))
    assert carried.vector and carried.tiles == len(stored)
    with PMTilesFile(carried.path) as source:
        assert source.header["tile_compression"] == Compression.GZIP
        assert source.metadata["attribution"] == PMTilesFile(vector).metadata["attribution"]
    assert {(z, x, y): d for z, x, y, d in tilearchive.tiles_of(carried)} == stored


def test_export_of_a_vector_archive_leaves_out_zooms_over_the_cap(vector, renderer, scenario,
                                                                  tmp_path, monkeypatch):
    archive = tilearchive.open_archive(vector)
    low = sum(len(d) for z, _, _, d in tilearchive.tiles_of(archive) if 10 <= z <= 11)
    monkeypatch.setattr(tilearchive, "EXPORT_CAP_BYTES", low + 1)
    page = day_html(as_of(scenario, scenario.days[3]), scenario, archive)
    assert "zoom 10–11 (zoom 12–13 left out: over the 25 MB a single file carries)" in page
    carried = tilearchive.open_archive(carried_archive(page, tmp_path))
    assert (carried.min_zoom, carried.max_zoom) == (10, 11)


def test_export_of_a_vector_archive_without_the_renderer_is_refused(vector, scenario,
                                                                    tmp_path, monkeypatch,
                                                                    capsys):
    monkeypatch.setattr(assets, "RENDERER_PACKAGE", tmp_path / "not-installed")
    archive = tilearchive.open_archive(vector)
    with pytest.raises(RendererMissing, match="protomaps-leaflet"):
        day_html(as_of(scenario, scenario.days[3]), scenario, archive)
    out = tmp_path / "day.html"
    assert cli.main(["export", "2022-01-05", "--out", str(out), "--offline-map",
                     str(vector)]) == 2
    assert "needs the protomaps-leaflet renderer" in capsys.readouterr().err
    assert not out.exists()


def test_export_command_with_a_vector_archive(vector, renderer, tmp_path, capsys):
    out = tmp_path / "day.html"
    assert cli.main(["export", "2022-01-05", "--out", str(out), "--offline-map",
                     str(vector)]) == 0
    assert "kz.vectorMap(" in out.read_text()
    assert "vector PMTiles" in capsys.readouterr().err



# --------------------------------------------------------------------------- the sidebar

def sidebar_text(vector_path, monkeypatch, package=None) -> str:
    from streamlit.testing.v1 import AppTest

    if package is not None:
        monkeypatch.setattr(assets, "RENDERER_PACKAGE", package)
    monkeypatch.setenv("DASHBOARD_OFFLINE_MAP", str(vector_path))
    at = AppTest.from_file(str(assets.STATIC_DIR.parent / "app.py"), default_timeout=60).run()
    assert not at.exception
    return "\n".join([el.value for el in at.sidebar.markdown]
                     + [el.value for el in at.sidebar.warning])


def test_the_sidebar_says_a_vector_archive_needs_the_renderer(tmp_path, monkeypatch):
    path = vector_pmtiles(tmp_path / "no-renderer.pmtiles", (10, 11))
    text = sidebar_text(path, monkeypatch, package=tmp_path / "not-installed")
    assert "The offline map cannot be drawn" in text
    assert "no-renderer.pmtiles is a vector PMTiles archive; drawing it needs the " \
           "protomaps-leaflet renderer" in text
    assert "Raster archives" in text


def test_the_sidebar_says_a_vector_archive_is_loaded(renderer, tmp_path, monkeypatch):
    path = vector_pmtiles(tmp_path / "loaded.pmtiles", (10, 11))
    text = sidebar_text(path, monkeypatch)
    assert "**Loaded:** Almaty extract (loaded.pmtiles, vector PMTiles)" in text
    assert "Drawn on this machine by protomaps-leaflet" in text
    assert "cannot be drawn" not in text
