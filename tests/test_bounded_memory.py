"""Bounded memory: sitemaps read as streams with a URL cap, filters applied before a request
exists, and an outlet's article requests fed from a backlog a few at a time (the spider's
callbacks called directly; the million-URL figure is in bench/faults_crawl.py)."""

from __future__ import annotations

import asyncio
import gzip
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawl import discovery
from newscrawl.spiders.news import NewsSpider
from newscrawl.tdm import TdmStatus
from tests.newsroom.registry import dump_registry

BASE = "https://example.pl"


def urlset(n: int, start: int = 0, day: int = 20) -> bytes:
    items = "".join(f"<url><loc>{BASE}/a/{i}.html</loc><lastmod>2026-11-{day:02d}</lastmod></url>"
                    for i in range(start, start + n))
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'.encode()


def index(children: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<sitemap><loc>{BASE}{path}</loc><lastmod>{date}</lastmod></sitemap>" for path, date in children)
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'.encode()


def test_a_sitemap_is_read_as_a_stream_up_to_the_cap():
    reader = discovery.EntryReader(gzip.compress(urlset(300)), f"{BASE}/s.xml.gz", max_entries=100)
    assert reader.kind == "urlset"
    entries = list(reader)
    assert [e.url for e in entries] == [f"{BASE}/a/{i}.html" for i in range(100)]
    assert reader.cut and not reader.error
    exact = discovery.EntryReader(urlset(100), BASE, max_entries=100)
    assert len(list(exact)) == 100 and not exact.cut


def test_a_broken_stream_keeps_the_entries_before_the_break():
    data = gzip.compress(urlset(5000))
    reader = discovery.EntryReader(data[: len(data) // 2] + b"\x00garbage" * 40, BASE)
    entries = list(reader)
    assert 0 < len(entries) < 5000 and reader.error.startswith(("gzip data is cut off", "corrupt gzip data"))
    assert discovery.EntryReader(b"<html><body>404</body></html>", BASE).kind == "html"
    assert discovery.EntryReader(b"", BASE).kind == ""


@pytest.fixture
def spider(tmp_path):
    registry = tmp_path / "outlets.toml"
    registry.write_text(dump_registry({"ex": {
        "name": "Example", "domains": ["example.pl"], "home": f"{BASE}/", "sitemaps": [f"{BASE}/index.xml"],
        "article_patterns": [r"^https://example\.pl/a/\d+\.html$"]}}), encoding="utf-8")
    return make_spider(registry)


def make_spider(registry, **arguments) -> NewsSpider:
    """A spider without a database: refresh=1 turns the known-URL check off (it is
    tested against a real server in test_incremental.py)."""
    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_OUTLETS_FILE": str(registry), "NEWSCRAWL_SITEMAP_MAX_URLS": 100,
                                       "NEWSCRAWL_MAX_PENDING_REQUESTS": 5, "NEWSCRAWL_SKIP_TDM_RESERVED": True})
    spider = NewsSpider.from_crawler(crawler, outlets="ex", refresh="1", **arguments)
    crawler.spider = spider
    crawler.engine = SimpleNamespace(crawl=lambda request: crawled.append(request))
    crawled: list[Request] = []
    spider.crawled = crawled
    spider.runs["ex"].status = TdmStatus(False, "")
    return spider


def sitemap(spider, path: str, body: bytes) -> list:
    request = Request(f"{BASE}{path}", meta={"source": "sitemap"}, cb_kwargs={"outlet": "ex"})
    return collect(spider.parse_sitemap(XmlResponse(request.url, body=body, request=request), outlet="ex"))


def collect(requests) -> list:
    """The items of an async callback (discovery callbacks await the known-URL check)."""
    async def gather() -> list:
        return [request async for request in requests]
    return asyncio.run(gather())


def article(spider, request: Request) -> list:
    body = b"<html><head><title>T</title></head><body><p>x</p></body></html>"
    return list(spider.parse_article(HtmlResponse(request.url, body=body, request=request), outlet="ex"))


def stat(spider, key: str) -> int:
    return spider.crawler.stats.get_value(f"newscrawl/discovery/{key}", 0)


def test_a_huge_sitemap_becomes_a_capped_backlog_and_a_few_requests(spider):
    requests = sitemap(spider, "/s.xml", urlset(300))
    run = spider.runs["ex"]
    assert [r.url for r in requests] == [f"{BASE}/a/{i}.html" for i in range(5)]
    assert len(run.backlog) == 95 and run.in_flight == 5
    assert stat(spider, "max_urls_cut") == 1
    # Each finished article request lets one more in, never more than 5 at a time.
    out = article(spider, requests[0])
    assert [type(o).__name__ for o in out] == ["FetchedPage", "Request"] and out[1].url == f"{BASE}/a/5.html"
    failure = Failure(TimeoutError("slow"))
    failure.request = requests[1]
    assert [r.url for r in spider.article_failed(failure)] == [f"{BASE}/a/6.html"]
    assert run.in_flight == 5 and len(run.backlog) == 93
    assert spider.crawler.stats.get_value("newscrawl/outlet/ex/requests_failed") == 1


def test_requests_the_dupefilter_drops_free_their_place(spider):
    requests = sitemap(spider, "/s.xml", urlset(20))
    spider._request_dropped(requests[0])
    assert spider.runs["ex"].in_flight == 4
    # When nothing is left in flight, the idle spider feeds the scheduler from the backlog.
    with pytest.raises(DontCloseSpider):
        spider._idle()
    assert len(spider.crawled) == 5 and spider.runs["ex"].in_flight == 5
    spider.runs["ex"].backlog.clear()
    spider._idle()                                   # nothing waits: the spider may close


def test_child_sitemaps_are_fetched_one_at_a_time_and_since_applies_first(spider):
    spider.since = datetime(2026, 11, 10, tzinfo=timezone.utc)
    requests = sitemap(spider, "/index.xml", index([("/s-old.xml", "2026-10-01"), ("/s-1.xml", "2026-11-20"),
                                                    ("/s-2.xml", "2026-11-21")]))
    run = spider.runs["ex"]
    assert [r.url for r in requests] == [f"{BASE}/s-1.xml"]
    assert list(run.sitemaps) == [f"{BASE}/s-2.xml"] and stat(spider, "sitemaps_older_than_since") == 1
    # Its entries are dated before `since`: no request for them; the next sitemap follows.
    requests = sitemap(spider, "/s-1.xml", urlset(3, day=1))
    assert [r.url for r in requests] == [f"{BASE}/s-2.xml"] and stat(spider, "older_than_since") == 3
    requests = sitemap(spider, "/s-2.xml", urlset(3, start=10))
    assert [r.url for r in requests] == [f"{BASE}/a/{i}.html" for i in (10, 11, 12)]


def test_limit_applies_before_a_request_exists(spider):
    spider.limit = 3
    requests = sitemap(spider, "/s.xml", urlset(50))
    assert len(requests) == 3 and not spider.runs["ex"].backlog
    assert stat(spider, "over_limit") == 47
