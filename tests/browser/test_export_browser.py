"""The exported day page opened from disk in Chromium, and the PNG frames made from it."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from PIL import Image

from dashboard import frames
from dashboard.export import day_html
from dashboard.frames import render_frames
from dashboard.mapview import AIRPORT_COLOURS, LAYER_KEYS, day_label, layer_features
from dashboard.scenario import DEFAULT_DATA_DIR
from dashboard.timeline import as_of
from tests.browser.conftest import open_exported_file

LAYER_COUNTS = """() => {
  const out = {};
  window.kzMap.eachLayer(l => { if (l.options && l.options.kzLayer) {
    out[l.options.kzLayer] = (out[l.options.kzLayer] || 0) + 1; } });
  return out;
}"""
FILL_COLOURS = """() => {
  const out = {};
  window.kzMap.eachLayer(l => { if (l.options && l.options.kzLayer === 'airports') {
    out[l.options.kzId] = l.options.fillColor; } });
  return out;
}"""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def exported_page(browser, scenario, tmp_path):
    state = as_of(scenario, date(2022, 1, 7))
    path = tmp_path / "kazakhstan-2022-01-07.html"
    path.write_text(day_html(state, scenario), encoding="utf-8")
    context, page, requests, errors = open_exported_file(browser, path)
    yield page, state, requests, errors, path
    context.close()


def test_exported_page_draws_every_layer_offline(exported_page, scenario):
    page, state, requests, errors, path = exported_page
    expected = {key: len(layer_features(state, scenario, key)) for key in LAYER_KEYS}
    drawn = page.evaluate(LAYER_COUNTS)
    assert {key: drawn.get(key, 0) for key in LAYER_KEYS} == expected
    assert sum(expected.values()) > 20
    colours = page.evaluate(FILL_COLOURS)
    assert colours["airport-nqz"] == AIRPORT_COLOURS["limited"]
    assert colours["airport-ala"] == AIRPORT_COLOURS["closed"]
    assert page.locator(".kz-legend").is_visible()
    if page.locator(".kz-legend-toggle").get_attribute("aria-expanded") == "false":
        page.locator(".kz-legend-toggle").click()  # folded on a map narrower than 1000 px
    assert "Limited flights" in page.locator(".kz-legend").inner_text()
    headline = page.locator(".kz-headline")
    assert headline.is_visible()
    assert day_label(state.day) in headline.inner_text()
    assert state.headline.headline in headline.inner_text()
    assert page.locator(".kz-city", has_text="Almaty").count() == 1
    assert "Global Guardian" in page.locator("[data-source='gg-jan07']").inner_text()
    assert errors == []
    # Nothing was asked of any server: only the file itself and data: URLs (the basemap).
    assert requests and requests[0] == path.as_uri()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_exported_page_draws_the_lakes_and_credits_them(exported_page, scenario):
    page, state, requests, errors, path = exported_page
    page.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    water = page.evaluate("() => Array.from(document.querySelectorAll("
                          "'.leaflet-basemap-pane path[stroke=\"#6baed6\"]'))"
                          ".map(p => p.getAttribute('fill'))")
    assert water and set(water) == {"#c6dbef"}
    assert len(water) == len(scenario.water["features"])
    credit = page.locator(".leaflet-control-attribution")
    assert credit.is_visible()
    assert "Lakes © OpenStreetMap contributors (ODbL)" in credit.inner_text()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_exported_page_popups_cite_sources(exported_page):
    page, *_ = exported_page
    page.evaluate("""() => window.kzMap.eachLayer(l => {
      if (l.options && l.options.kzLayer === 'airports' && l.options.kzId === 'airport-nqz') {
        l.openPopup(); } })""")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    text = popup.inner_text()
    assert "limited" in text and "Sources" in text and "Global Guardian" in text


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_render_frames_makes_full_hd_pngs(tmp_path):
    out = tmp_path / "frames"
    # The session's `browser` fixture keeps Playwright's loop running in this thread:
    # render_frames then starts its own Playwright and Chromium in a thread of its own.
    paths = render_frames(DEFAULT_DATA_DIR, out, ["2022-01-05", date(2022, 1, 7)])
    assert [p.name for p in paths] == ["2022-01-05.png", "2022-01-07.png"]
    assert sorted(out.iterdir()) == paths
    pixels = []
    for path in paths:
        data = path.read_bytes()
        assert png_size(data) == (1920, 1080)
        with Image.open(path) as image:
            image.load()
            counts = {colour: n for n, colour in
                      image.convert("RGB").getcolors(maxcolors=1 << 21)}
        assert len(counts) > 100  # not blank: a drawn map, text, a legend
        pixels.append(counts)
    # The legend shows every airport colour on both days; the markers make the difference:
    # Almaty airport seized on 5 January, five airports with limited flights on 7 January.
    seized, limited = rgb(AIRPORT_COLOURS["seized"]), rgb(AIRPORT_COLOURS["limited"])
    assert pixels[0].get(seized, 0) > pixels[1].get(seized, 0) + 50
    assert pixels[1].get(limited, 0) > pixels[0].get(limited, 0) + 200
    assert paths[0].read_bytes() != paths[1].read_bytes()


def test_render_frames_reports_a_chromium_that_does_not_start(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", "/bin/false")
    with pytest.raises(frames.FramesError, match="did not start"):
        render_frames(DEFAULT_DATA_DIR, tmp_path / "frames", ["2022-01-07"])


def test_each_frame_shows_its_date_and_headline_at_the_top(browser, scenario, tmp_path):
    """The animation draws nothing over the PNGs: the exported page's header, with the day's
    date and headline, lies within the 1920x1080 frame on every day."""
    context = browser.new_context(viewport=frames.FRAME_SIZE, device_scale_factor=1)
    page = context.new_page()
    try:
        for day in scenario.days:
            state = as_of(scenario, day)
            path = tmp_path / f"{day.isoformat()}.html"
            path.write_text(day_html(state, scenario), encoding="utf-8")
            page.goto(path.as_uri())
            page.wait_for_function(frames.DRAWN)
            date_line = page.locator(".kz-top .kz-headline .kz-date")
            assert date_line.inner_text() == day_label(day)
            title = page.locator(".kz-top .kz-headline .kz-title")
            assert title.inner_text() == state.headline.headline
            for element in (date_line, title):
                box = element.bounding_box()
                assert box["y"] >= 0 and box["y"] + box["height"] <= 200
                assert box["x"] >= 0 and box["x"] + box["width"] <= 1920
    finally:
        context.close()


def test_cli_frames_animate_makes_a_gif_of_the_days(tmp_path, capsys):
    from dashboard.cli import main as cli

    out = tmp_path / "slides"
    assert cli(["frames", "--out", str(out), "--day", "2022-01-05", "--day", "2022-01-07",
                "--animate", "--seconds-per-day", "3"]) == 0
    target = out / "replay-2022-01-05-2022-01-07.gif"
    assert capsys.readouterr().out.split()[-1] == str(target)
    with Image.open(target) as gif:
        assert gif.size == (1920, 1080) and gif.n_frames == 2
        shown = []
        for i in range(gif.n_frames):
            gif.seek(i)
            gif.load()
            assert gif.info["duration"] == 3000
            shown.append(gif.convert("RGB").tobytes())
    assert shown[0] != shown[1]
    assert sorted(p.name for p in out.iterdir()) == [
        "2022-01-05.png", "2022-01-07.png", target.name]
