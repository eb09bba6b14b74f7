"""Online tiles: drawn from a tile server when one answers, and the map still works when none does.

A stand-in tile server on localhost plays the internet; no test reaches a real one.
"""

from __future__ import annotations

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import external_requests, map_frame, wait_for_app


def solid_png(size: int = 256, rgb: tuple[int, int, int] = (120, 180, 120)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size))
            + chunk(b"IEND", b""))


class TileServer:
    """Answers /z/x/y.png with a solid tile and remembers what was asked."""

    def __init__(self) -> None:
        tile, asked = solid_png(), []
        self.asked = asked

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                asked.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def tile_server():
    server = TileServer()
    yield server
    server.close()


def _closed_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"


def _open(page, server):
    page.goto(f"{server.url}/?day=2022-01-07")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    frame.wait_for_function("() => { let n = 0; map_div.eachLayer(l => { "
                            "if (l.options && l.options.kzId) n++; }); return n > 0; }")
    return frame


def test_tiles_drawn_over_the_basemap_with_attribution(page, streamlit_server, tile_server):
    server = streamlit_server(args=("--online-tiles", "--tile-url", tile_server.url,
                                    "--tile-attribution", "Stand-in tiles"))
    frame = _open(page, server)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert tile_server.asked and all(p.endswith(".png") for p in tile_server.asked)
    assert frame.locator(".leaflet-control-attribution", has_text="Stand-in tiles").is_visible()
    # The tiles' pane lies above the vector basemap and below the day's layers.
    z = frame.evaluate("() => [map_div.getPane('basemap').style.zIndex, "
                       "map_div.getPane('tiles').style.zIndex, "
                       "getComputedStyle(map_div.getPane('overlayPane')).zIndex]")
    assert int(z[0]) < int(z[1]) < int(z[2])
    assert external_requests(page) == []  # the stand-in is on this machine


def test_unreachable_tiles_leave_the_offline_map_working(page, streamlit_server):
    server = streamlit_server(args=("--online-tiles", "--tile-url", _closed_port_url()))
    frame = _open(page, server)
    page.wait_for_timeout(500)
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-tile-loaded').length") == 0
    assert frame.locator(".kz-legend").is_visible()
    assert frame.locator(".kz-city", has_text="Almaty").count() == 1


def test_tiles_toggle_is_off_by_default(page, app_server):
    frame = _open(page, app_server)
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-tile').length") == 0
    assert external_requests(page) == []
