"""A local stand-in for a raster tile server, for tests (plain Python, no pytest).

    standin = TileStandIn()               # listens on 127.0.0.1, a free port
    standin.url                           # http://127.0.0.1:PORT/{z}/{x}/{y}.png
    standin.mode = "http500"              # how the next requests are answered
    standin.requests                      # [(z, x, y, user_agent), ...] received
    standin.close()

Each tile is a small PNG whose colour encodes its z, x and y (``tile_png``), so a test can tell
that a tile was stored and served at its own place. Modes: ``"ok"``, ``"http500"`` (every
request fails), ``"missing"`` (404 for tiles whose x is odd, the rest as ``"ok"``),
``"notimage"`` (200 with an HTML page).
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def tile_png(z: int, x: int, y: int, size: int = 8) -> bytes:
    """A size x size PNG of one colour: red z*10, green x % 256, blue y % 256."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((z * 10 % 256, x % 256, y % 256)) * size
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size))
            + chunk(b"IEND", b""))


class TileStandIn:
    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[tuple[int, int, int, str]] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                found = PATH.match(self.path)
                if not found:
                    self.send_error(404)
                    return
                z, x, y = (int(v) for v in found.groups())
                standin.requests.append((z, x, y, self.headers.get("User-Agent", "")))
                mode = standin.mode
                if mode == "http500":
                    self.send_error(500)
                    return
                if mode == "missing" and x % 2:
                    self.send_error(404)
                    return
                body = b"<html>not a tile</html>" if mode == "notimage" else tile_png(z, x, y)
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if mode == "notimage"
                                 else "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
