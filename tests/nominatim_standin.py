"""A local stand-in for a Nominatim server's ``/search``, for tests (plain Python, no pytest).

    standin = NominatimStandIn()          # listens on 127.0.0.1, a free port
    geocoder = geocoder_from_setting(standin.url)
    standin.mode = "slow"                 # how the next requests are answered
    standin.requests[-1].params["q"]      # what the server received
    standin.close()

Modes: ``"ok"`` (the hits in ``results``, or, when it is ``None``, one stand-in hit named after
the query), ``"empty"`` (``[]``), ``"slow"`` (``"ok"`` after ``delay`` seconds), ``"http500"``
or any ``"http<status>"`` (that status; ``retry_after`` adds a Retry-After header),
``"badjson"`` (not JSON), ``"notlist"`` (a JSON object), ``"garbage"`` (``results`` if set,
else hits with broken coordinates and names next to one good hit), ``"drop"`` (close the
connection without answering). Any path ending in ``/search`` is served, so a base URL with a
path prefix (``standin.url + "/base"``) works too; other paths answer 404.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def place(name: str, lat: object, lon: object, cls: str = "place", typ: str = "city",
          place_id: int = 1) -> dict:
    """One hit shaped like Nominatim's ``format=json`` (coordinates as strings, as it sends)."""
    return {
        "place_id": place_id,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": place_id,
        "lat": lat if not isinstance(lat, float) else repr(lat),
        "lon": lon if not isinstance(lon, float) else repr(lon),
        "class": cls,
        "type": typ,
        "place_rank": 16,
        "importance": 0.5,
        "addresstype": typ,
        "name": name.split(",")[0],
        "display_name": name,
        "boundingbox": ["0", "0", "0", "0"],
    }


def echo_results(query: str) -> list[dict]:
    """The default answer: one stand-in hit named after the query."""
    return [place(f"{query} (stand-in result)", "48.0", "67.0", place_id=1)]


def garbage_results() -> list[dict]:
    """One good hit among hits that a careful client must drop."""
    good = place("Good stand-in hit", "48.5", "68.25", "highway", "primary", place_id=1)
    bad = [
        place("Latitude not a number", "abc", "67.0", place_id=2),
        place("Latitude out of range", "95.0", "67.0", place_id=3),
        place("Longitude out of range", "48.0", "181", place_id=4),
        place("Latitude NaN", "nan", "67.0", place_id=5),
        place("Longitude infinite", "48.0", "inf", place_id=6),
        place("Latitude boolean", True, "67.0", place_id=7),
        place("Latitude a list", ["48"], "67.0", place_id=8),
        place("", "48.0", "67.0", place_id=9),
        place("   ", "48.0", "67.0", place_id=10),
    ]
    no_lon = place("Longitude missing", "48.0", "67.0", place_id=11)
    del no_lon["lon"]
    name_not_text = place("x", "48.0", "67.0", place_id=12)
    name_not_text["display_name"] = {"en": "Not a string"}
    return [bad[0], good, *bad[1:], no_lon, name_not_text]


@dataclass
class SeenRequest:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class NominatimStandIn:
    """A threaded HTTP server on 127.0.0.1 answering like Nominatim's ``/search``."""

    def __init__(self, mode: str = "ok", *, delay: float = 1.5, port: int = 0):
        self.mode = mode
        self.delay = delay
        self.results: list | None = None
        self.retry_after: str | None = None
        self.requests: list[SeenRequest] = []
        self._closing = threading.Event()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - the name http.server calls
                standin._handle(self)

            def log_message(self, format, *args):  # noqa: A002 - silence the access log
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def __enter__(self) -> NominatimStandIn:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def queries(self) -> list[str]:
        return [r.params.get("q", "") for r in self.requests]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.requests.append(SeenRequest(parts.path, params, dict(handler.headers.items())))
        if not parts.path.endswith("/search"):
            self._send(handler, 404, b'{"error": "not found"}')
            return
        mode = self.mode
        if mode == "drop":
            handler.close_connection = True
            return
        if mode == "slow" and self._closing.wait(self.delay):
            return
        if mode.startswith("http") and mode[4:].isdigit():
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            self._send(handler, int(mode[4:]), b"<html>error</html>", "text/html", headers)
            return
        if mode == "badjson":
            self._send(handler, 200, b'[{"lat": "43.2", "lon": ')
            return
        query = params.get("q", "")
        if mode == "empty":
            body: object = []
        elif mode == "notlist":
            body = {"place_id": 1, "lat": "48.0", "lon": "67.0", "display_name": query}
        elif mode == "garbage":
            body = self.results if self.results is not None else garbage_results()
        else:
            body = self.results if self.results is not None else echo_results(query)
        self._send(handler, 200, json.dumps(body).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes,
              content_type: str = "application/json; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test): nothing to answer


if __name__ == "__main__":  # a stand-in for manual runs: python -m tests.nominatim_standin
    import sys

    server = NominatimStandIn(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8089)
    print(f"Nominatim stand-in at {server.url} (Ctrl+C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.close()
