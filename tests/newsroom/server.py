"""Serving the newsroom: one ThreadingHTTPServer per outlet, each on its own loopback IP."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

from .model import ExpectedArticle, Newsroom, strip_tracking
from .registry import registry_toml


class RequestLogEntry(NamedTuple):
    outlet: str
    method: str
    path: str          # path with query, exactly as requested
    timestamp: float   # time.monotonic()
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "NewsroomFixture/1.0"
    sys_version = ""
    timeout = 30

    def log_message(self, format, *args):  # quiet: no per-request stderr lines
        pass

    def do_GET(self):
        self._serve(send_body=True)

    def do_HEAD(self):
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        server: _OutletServer = self.server  # type: ignore[assignment]
        live = server.live
        live._record(server.outlet_key, self.command, self.path, self.headers.get("User-Agent", ""))
        try:
            status, headers, body = live.room.render(server.outlet_key, self.path, live.base_url(server.outlet_key))
        except Exception:  # a renderer bug: answer 500, show the traceback once
            traceback.print_exc(file=sys.stderr)
            status, headers, body = 500, {"Content-Type": "text/plain; charset=utf-8"}, b"internal error\n"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, live: "RunningNewsroom", outlet_key: str):
        self.live = live
        self.outlet_key = outlet_key
        super().__init__(addr, _Handler)


class BoundNewsroom:
    """A Newsroom seen at live addresses: ``articles``/``render``/``default_base_url`` use the live base URLs;
    everything else is delegated to the underlying Newsroom."""

    def __init__(self, room: Newsroom, bases: dict[str, str]):
        self._room = room
        self._bases = bases

    def __getattr__(self, name):
        return getattr(self._room, name)

    def default_base_url(self, outlet: str) -> str:
        return self._bases[outlet]

    def articles(self, outlet: str, base_url: str | None = None) -> list[ExpectedArticle]:
        return self._room.articles(outlet, base_url or self._bases[outlet])

    def all_articles(self, base_urls: dict[str, str] | None = None) -> list[ExpectedArticle]:
        return self._room.all_articles(base_urls or self._bases)

    def render(self, outlet: str, path_with_query: str, base_url: str | None = None):
        return self._room.render(outlet, path_with_query, base_url or self._bases[outlet])


class RunningNewsroom:
    """The newsroom served over HTTP. Use as a context manager: ``with Newsroom().serve() as live:``."""

    def __init__(self, room: Newsroom, port: int = 0, host_for: dict[str, str] | None = None):
        self.room = room
        self.outlet_keys = list(room.outlet_keys)
        self._log: list[RequestLogEntry] = []
        self._lock = threading.Lock()
        self._servers: dict[str, _OutletServer] = {}
        self._threads: list[threading.Thread] = []
        self._bases: dict[str, str] = {}
        self._expected: dict[str, ExpectedArticle] | None = None
        host_for = host_for or {}
        try:
            for key in self.outlet_keys:
                host = host_for.get(key, room.infos[key].ip)
                srv = _OutletServer((host, port), self, key)
                self._servers[key] = srv
                self._bases[key] = f"http://{host}:{srv.server_address[1]}"
        except Exception:
            self.stop()
            raise
        for key, srv in self._servers.items():
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                 name=f"newsroom-{key}", daemon=True)
            t.start()
            self._threads.append(t)

    # ---- addresses and expectations
    @property
    def newsroom(self) -> BoundNewsroom:
        """The newsroom with live base URLs (``live.newsroom.articles(k)`` == ``live.articles(k)``)."""
        return BoundNewsroom(self.room, self._bases)

    def base_url(self, outlet: str) -> str:
        return self._bases[outlet]

    @property
    def base_urls(self) -> dict[str, str]:
        return dict(self._bases)

    def articles(self, outlet: str) -> list[ExpectedArticle]:
        return self.room.articles(outlet, self._bases[outlet])

    def all_articles(self) -> list[ExpectedArticle]:
        return [a for key in self.outlet_keys for a in self.articles(key)]

    def expected(self, url: str) -> ExpectedArticle | None:
        """The expected record for a canonical article URL (tracking params and fragment are ignored)."""
        if self._expected is None:
            self._expected = {a.url: a for a in self.all_articles()}
        return self._expected.get(url) or self._expected.get(strip_tracking(url))

    def page_bytes(self, article: ExpectedArticle) -> bytes:
        return self.room.page_bytes(article)

    # ---- request log
    def _record(self, outlet: str, method: str, path: str, ua: str) -> None:
        entry = RequestLogEntry(outlet, method, path, time.monotonic(), ua)
        with self._lock:
            self._log.append(entry)

    @property
    def request_log(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # ---- registry
    def registry_toml(self) -> str:
        return registry_toml(self.room, self._bases)

    def write_registry(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.registry_toml(), encoding="utf-8")
        return path

    # ---- lifecycle
    def stop(self) -> None:
        servers, self._servers = self._servers, {}
        started = bool(self._threads)
        for srv in servers.values():
            if started:
                srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._threads = []

    def __enter__(self) -> "RunningNewsroom":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
