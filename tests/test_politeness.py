"""Politeness: Retry-After honoured (a real crawl against a tiny local server), delay floors
from Crawl-delay, dedup by canonical URL. (Crawl-delay itself is measured against the
newsroom in test_discovery_crawl.py.)"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer

import pytest
from scrapy import Request

from newscrawl.middlewares import CanonicalRequestFingerprinter, apply_delay_floor, parse_retry_after
from tests.newsroom.registry import dump_registry
from tests.support import ReplyingHandler, run_crawl

ARTICLE = ("<html><head><title>Sejm przyjął ustawę</title></head><body><article><h1>Sejm przyjął ustawę</h1>"
           + "<p>Posłowie przyjęli w piątek ustawę o ochronie ludności, która trafi teraz do Senatu.</p>" * 8
           + "</article></body></html>").encode()


class ThrottlingSite(ThreadingHTTPServer):
    """Answers the article with 429 + Retry-After the first time, then with the page."""

    daemon_threads = True

    def __init__(self, retry_after: str):
        self.retry_after = retry_after
        self.log: list[tuple[str, float]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(ReplyingHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        site: ThrottlingSite = self.server  # type: ignore[assignment]
        with site.lock:
            site.log.append((self.path, time.monotonic()))
            hits = sum(1 for p, _ in site.log if p == self.path)
        if self.path == "/feed.xml":
            body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                    f"<item><title>A</title><link>{site.base}/a/1.html</link></item></channel></rss>").encode()
            self._send(200, body, {"Content-Type": "application/rss+xml"})
        elif self.path == "/a/1.html" and hits == 1:
            self._send(429, b"slow down", {"Retry-After": site.retry_after})
        elif self.path == "/a/1.html":
            self._send(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._send(404, b"", {})


@pytest.fixture
def throttling_site(request):
    site = ThrottlingSite(getattr(request, "param", "1"))
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    site.shutdown()
    site.server_close()


def registry_for(site, tmp_path):
    path = tmp_path / "outlets.toml"
    path.write_text(dump_registry({"local": {
        "name": "Local", "domains": ["127.0.0.1"], "home": site.base + "/", "feeds": [site.base + "/feed.xml"],
        "robots_sitemaps": False, "article_patterns": [r"/a/\d+\.html$"], "verified": "newsroom"}}))
    return path


def article_hits(site):
    return [t for p, t in site.log if p == "/a/1.html"]


@pytest.mark.parametrize("throttling_site", ["1"], indirect=True)
def test_retry_after_is_honoured(throttling_site, tmp_path, mongo_uri, mongo_db):
    result = run_crawl("local", mongo_uri, mongo_db.name, registry_for(throttling_site, tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = article_hits(throttling_site)
    assert second - first >= 0.95


@pytest.mark.parametrize("throttling_site", ["3600"], indirect=True)
def test_retry_after_longer_than_the_cap_gives_up(throttling_site, tmp_path, mongo_uri, mongo_db):
    started = time.monotonic()
    result = run_crawl("local", mongo_uri, mongo_db.name, registry_for(throttling_site, tmp_path),
                       NEWSCRAWL_RETRY_AFTER_MAX="60")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(article_hits(throttling_site)) == 1
    assert time.monotonic() - started < 60
    assert "giving up" in result.stderr


def test_parse_retry_after():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now) == 0.0     # in the past: now
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after((now + timedelta(seconds=5)).strftime("%a, %d %b %Y %H:%M:%S GMT"), now) == 5.0


class FakeSlot:
    def __init__(self, delay, jitter):
        self.delay, self.jitter = delay, jitter


@pytest.mark.parametrize("delay, jitter, floor, expected", [
    (0.0, 0.5, 0.25, (0.25, 0.0)),     # no delay configured: exactly the Crawl-delay
    (1.0, 0.5, 0.25, (1.0, 0.5)),      # already slower than asked: unchanged
    (1.0, 0.5, 0.8, (1.0, 0.2)),       # jitter narrowed so the shortest draw is the floor
    (1.0, 0.0, 2.0, (2.0, 0.0)),
])
def test_delay_floor(delay, jitter, floor, expected):
    slot = FakeSlot(delay, jitter)
    apply_delay_floor(slot, floor)
    assert (slot.delay, round(slot.jitter, 6)) == expected
    assert slot.delay * (1 - slot.jitter) >= floor - 1e-9


def test_requests_are_deduplicated_by_canonical_url():
    fp = CanonicalRequestFingerprinter().fingerprint
    plain = fp(Request("https://k.pl/kraj/a,1.html"))
    assert fp(Request("https://k.pl/kraj/a,1.html?utm_source=rss&utm_medium=feed#komentarze")) == plain
    assert fp(Request("https://k.pl/amp/kraj/a,1.html")) == plain
    assert fp(Request("https://k.pl/kraj/a,2.html")) != plain
