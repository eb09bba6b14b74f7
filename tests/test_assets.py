"""The files the app serves itself, written safely when several servers start at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from dashboard.assets import ensure_leaflet, write_basemap
from dashboard.mapview import basemap_geojson


def test_basemap_written_by_many_at_once(scenario, tmp_path):
    with ThreadPoolExecutor(8) as pool:
        urls = list(pool.map(lambda _: write_basemap(scenario, tmp_path), range(16)))
    assert len(set(urls)) == 1
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == [urls[0].rsplit("/", 1)[1]]  # no temporary file left
    assert json.loads(files[0].read_text()) == json.loads(json.dumps(basemap_geojson(scenario)))


def test_leaflet_copied_by_many_at_once(tmp_path):
    import xstatic.pkg.leaflet as leaflet

    with ThreadPoolExecutor(6) as pool:
        targets = list(pool.map(lambda _: ensure_leaflet(tmp_path), range(6)))
    target = targets[0]
    assert (target / ".version").read_text() == leaflet.VERSION
    source = (leaflet.BASE_DIR + "/leaflet.js")
    assert (target / "leaflet.js").read_bytes() == open(source, "rb").read()
    assert [p.name for p in tmp_path.iterdir()] == ["leaflet"]  # no staging folder left
    assert ensure_leaflet(tmp_path) == target  # already there: nothing to do
