"""`scrapy outlets` and `scrapy outlets --probe`, against the offline newsroom's test-only registry."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from datetime import timezone

import pytest

from newscrawl.outlets import load_registry
from tests.newsroom.registry import dump_registry, read_entries
from tests.support import ROOT
from tools.localmongo import free_port


def outlets_cmd(*args, registry=None, timeout=120, private="127.0.0.0/8"):
    # The newsroom is on loopback: the probe's fence lets it through only when allowed.
    env = {"PATH": "/usr/bin:/bin", "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": private}
    if registry is not None:
        env["NEWSCRAWL_OUTLETS_FILE"] = str(registry)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "scrapy", "outlets", *args], cwd=ROOT, capture_output=True,
                            text=True, env=env, timeout=timeout)
    return result, time.monotonic() - started


def test_lists_every_shipped_outlet_with_sources_and_tdm_status():
    result, _ = outlets_cmd()
    assert result.returncode == 0, result.stderr
    for key, outlet in load_registry().items():
        assert f"{key} " in result.stdout
    assert "https://tvn24.pl/najnowsze.xml" in result.stdout
    assert "pap" in result.stdout and "reserved (skipped by default)" in result.stdout
    rows = [json.loads(line) for line in outlets_cmd("--json")[0].stdout.splitlines()]
    assert {r["outlet"] for r in rows} == set(load_registry())


@pytest.fixture(scope="module")
def probe(newsroom, newsroom_registry):
    result, elapsed = outlets_cmd("--probe", "--json", registry=newsroom_registry)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return result, rows


def sources(rows, outlet, kind=None):
    return [r for r in rows if r["outlet"] == outlet and "kind" in r and (kind is None or r["kind"] == kind)]


def test_probe_reports_feeds_with_entries_and_newest_date(newsroom, probe):
    result, rows = probe
    assert result.returncode == 0, result.stdout + result.stderr
    for outlet, path in (("nr-kurier", "/rss.xml"), ("nr-kresy", "/feed/"), ("nr-gazeta", "/atom.xml")):
        (feed,) = sources(rows, outlet, "feed")
        assert feed["url"] == newsroom.base_url(outlet) + path
        assert feed["reachable"] and feed["status"] == 200 and feed["entries"] == 20
        newest = max(a.published_at for a in newsroom.articles(outlet)).astimezone(timezone.utc)
        assert feed["newest"] == newest.isoformat()


def test_probe_reports_sitemaps_robots_and_sections(newsroom, probe):
    _, rows = probe
    news = [s for s in sources(rows, "nr-kurier", "sitemap") if s["url"].endswith("/news-sitemap.xml")]
    assert news[0]["entries"] == len(newsroom.articles("nr-kurier"))
    # An index reports its child sitemaps, and the newest child is probed too.
    child = sources(rows, "nr-gazeta", "sitemap-child")
    assert child and child[0]["url"].endswith(".xml.gz") and child[0]["entries"] > 0
    # nr-kresy announces its sitemaps only in robots.txt.
    (robots,) = sources(rows, "nr-kresy", "robots")
    assert robots["reachable"] and robots["entries"] == 1
    assert sources(rows, "nr-kresy", "robots-sitemap")[0]["url"].endswith("/wp-sitemap.xml")
    assert all(s["entries"] > 0 for s in sources(rows, "nr-kurier", "section"))


def test_probe_reports_crawl_delay_and_tdm_status(newsroom, probe):
    _, rows = probe
    summary = {r["outlet"]: r for r in rows if "tdm" in r}
    assert summary["nr-gazeta"]["crawl_delay"] == newsroom.room.crawl_delay
    assert summary["nr-zastrzezone"]["tdm"]["reserved"] is True
    assert "robots.txt" in summary["nr-zastrzezone"]["tdm"]["source"]
    assert summary["nr-kurier"]["tdm"] == {"reserved": False, "source": ""}


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    sock.close()


def test_probe_of_stale_sources_is_bounded_and_fails(newsroom, newsroom_registry, tmp_path, silent_server):
    entries = read_entries(newsroom_registry)
    kurier = entries["nr-kurier"]
    kurier["feeds"] = [kurier["home"] + "stary-kanal.xml", f"http://127.0.0.1:{free_port()}/feed"]
    kurier["sitemaps"] = [silent_server + "/sitemap.xml"]
    registry = tmp_path / "stale.toml"
    registry.write_text(dump_registry({"nr-kurier": kurier}), encoding="utf-8")
    result, elapsed = outlets_cmd("--probe", "--json", "--timeout", "1", registry=registry)
    assert result.returncode == 1
    assert elapsed < 15
    rows = {r["url"]: r for r in map(json.loads, result.stdout.splitlines()) if "kind" in r}
    assert rows[kurier["feeds"][0]]["status"] == 404 and rows[kurier["feeds"][0]]["reachable"]
    assert not rows[kurier["feeds"][1]]["reachable"]
    assert rows[silent_server + "/sitemap.xml"]["error"]
    # Text output names the failures.
    text, _ = outlets_cmd("--probe", "--timeout", "1", registry=registry)
    assert "FAIL feed" in text.stdout and "HTTP 404" in text.stdout


def test_probe_fetches_nothing_the_crawl_fence_would_refuse(newsroom, newsroom_registry):
    newsroom.clear_log()
    result, _ = outlets_cmd("--probe", "--json", registry=newsroom_registry, private="")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    sources = [r for r in rows if "kind" in r]
    assert sources and all(r["error"].startswith("refused by the fence (private_address: loopback address 127.0.0.")
                           for r in sources)
    assert newsroom.request_log == []
    assert result.returncode == 1


def test_probe_refuses_a_redirect_off_the_outlet():
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from newscrawl.fence import Fence, parse_networks
    from newscrawl.outlets import outlet_from_mapping
    from newscrawl.probe import Prober

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(f"{self.server.server_address[0]}{self.path}")
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.32:{elsewhere.server_address[1]}/admin/")
            self.end_headers()

        def log_message(self, *args):
            pass

    home, elsewhere = ThreadingHTTPServer(("127.0.0.31", 0), Handler), ThreadingHTTPServer(("127.0.0.32", 0), Handler)
    for server in (home, elsewhere):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.31:{home.server_address[1]}"
        outlet = outlet_from_mapping("probed", {"name": "P", "domains": ["127.0.0.31"], "home": f"{base}/",
                                                "feeds": [f"{base}/feed"], "verified": "newsroom"})
        allowed = parse_networks("127.0.0.0/8")
        prober = Prober("test", 5.0, 2, fence=Fence({"probed": outlet}, allowed), allowed=allowed)
        result, _ = prober._source(outlet, "feed", f"{base}/feed")
    finally:
        home.shutdown()
        elsewhere.shutdown()
    assert result.error.startswith("refused redirect to http://127.0.0.32:")
    assert hits == ["127.0.0.31/feed"]
