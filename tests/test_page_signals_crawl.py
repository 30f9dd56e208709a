"""A page's own signals — its TDMRep meta tag and its canonical URL — are read by the text
stage in its one parse of the page and applied by the crawl: real `scrapy crawl` runs
against a small local site, judged by what reached MongoDB, the crawl stats and what the
site was asked for."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.hostile_site import run_scrapy
from tests.newsroom.registry import dump_registry
from tests.support import send

PARAGRAPHS = (
    "Posłowie przyjęli w piątek ustawę o ochronie ludności, która trafi teraz do Senatu.",
    "Za głosowało większość obecnych na sali, przeciw była część opozycji, kilku wstrzymało się od głosu.",
    "Nowe przepisy mają uporządkować zasady budowy schronów i obowiązki samorządów w razie kryzysu.",
    "Minister zapowiedział, że pierwsze pieniądze na ten cel gminy dostaną jeszcze w tym roku.",
)
ARTICLES = 40


def article_page(number: int, head: str = "") -> bytes:
    title = f"Sejm przyjął ustawę numer {number}"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


class Site:
    """``/feed.xml`` lists ``/a/<n>-stary.html`` (n < ARTICLES); each page's ``<head>`` comes
    from ``head(n)``; every request path is logged."""

    def __init__(self, head) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.paths.append(self.path)
                base = site.base
                if self.path == "/feed.xml":
                    items = "".join(f"<item><title>A{n}</title><link>{base}/a/{n}-stary.html</link></item>"
                                    for n in range(ARTICLES))
                    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
                            "</channel></rss>").encode()
                    ctype = "application/rss+xml"
                elif self.path.startswith("/a/") and self.path.endswith(".html"):
                    number = int(self.path[3:].split("-")[0].split(".")[0])
                    body, ctype = article_page(number, site.head(number)), "text/html; charset=utf-8"
                elif self.path == "/":
                    body, ctype = b"<html><head><title>Portal</title></head><body>ok</body></html>", "text/html"
                else:
                    send(self, 404, {}, b"")
                    return
                send(self, 200, {"Content-Type": ctype}, body)

        self.head = head
        self.paths: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def registry(self, path: Path) -> Path:
        path.write_text(dump_registry({"local": {
            "name": "Local", "domains": ["127.0.0.1"], "home": self.base + "/", "feeds": [self.base + "/feed.xml"],
            "robots_sitemaps": False, "article_patterns": [r"/a/\d+(-stary)?\.html$"], "verified": "newsroom"}}))
        return path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site_with(tmp_path):
    sites = []

    def make(head) -> Site:
        sites.append(Site(head))
        return sites[-1]

    yield make
    for site in sites:
        site.close()


def crawl(site: Site, tmp_path: Path, mongo_uri: str, db, **settings: str):
    result, stats = run_scrapy("local", mongo_uri, db.name, site.registry(tmp_path / "outlets.toml"), tmp_path,
                               # every page has the same paragraphs: nothing to learn here
                               settings={"CONCURRENT_REQUESTS": "2", "NEWSCRAWL_LEARN_BOILERPLATE": "0", **settings})
    assert result.returncode == 0, result.stderr[-3000:]
    return result, stats


META = '<meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="https://example.pl/p.json">'


@pytest.mark.parametrize("workers", ["2", "0"])
def test_a_tdm_meta_tag_on_article_pages_stops_the_outlet(site_with, tmp_path, mongo_uri, mongo_db, workers):
    site = site_with(lambda n: META)
    result, stats = crawl(site, tmp_path, mongo_uri, mongo_db, NEWSCRAWL_WORKERS=workers)
    assert ("stopping local: its pages reserve text and data mining "
            "(tdm-reservation meta tag (policy https://example.pl/p.json))") in result.stderr
    assert mongo_db.articles.count_documents({}) == 0 and mongo_db.pages.count_documents({}) == 0
    assert stats["newscrawl/tdm/local"] == {"reserved": True, "skipped": True,
                                            "source": "tdm-reservation meta tag (policy https://example.pl/p.json)"}
    fetched = [p for p in site.paths if p.startswith("/a/")]
    assert stats["newscrawl/discovery/tdm_reserved_pages"] == len(fetched)
    assert "newscrawl/dropped/tdm_reserved" not in stats and "newscrawl/outlet/local/dropped" not in stats
    if workers == "0":
        # The text stage in the crawl process decides on the first page, before more are
        # fetched: the queued requests are dropped. (With a pool, pages fetched while the
        # first one is in a worker are dropped when they come back.)
        assert len(fetched) < ARTICLES // 2 and stats["newscrawl/discovery/cancelled"] >= ARTICLES // 2


def test_pages_after_the_outlet_is_stopped_are_not_stored_either(site_with, tmp_path, mongo_uri, mongo_db):
    # Only even pages carry the tag: the first one that does stops the outlet, and pages
    # without it that were already fetched are not stored after that.
    site = site_with(lambda n: META if n % 2 == 0 else "")
    _, stats = crawl(site, tmp_path, mongo_uri, mongo_db)
    assert stats["newscrawl/tdm/local"]["reserved"] is True
    fetched = [p for p in site.paths if p.startswith("/a/")]
    stored = mongo_db.articles.count_documents({})
    dropped = stats["newscrawl/discovery/tdm_reserved_pages"]
    assert stored + dropped == len(fetched)
    tagged = [p for p in fetched if int(p[3:].split("-")[0]) % 2 == 0]
    assert dropped > len(tagged)                    # untagged pages were dropped too
    for doc in mongo_db.articles.find({}, {"tdm": 1}):
        assert doc["tdm"] == {"reserved": False, "source": ""}


def test_a_tdm_meta_tag_crawled_on_request_marks_records_and_pages(site_with, tmp_path, mongo_uri, mongo_db):
    site = site_with(lambda n: META)
    result, stats = crawl(site, tmp_path, mongo_uri, mongo_db, NEWSCRAWL_SKIP_TDM_RESERVED="0")
    assert "stopping local" not in result.stderr
    assert mongo_db.articles.count_documents({}) == ARTICLES
    assert stats["newscrawl/tdm/local"]["reserved"] is True and stats["newscrawl/tdm/local"]["skipped"] is False
    for doc in mongo_db.articles.find({}, {"tdm": 1}):
        assert doc["tdm"]["reserved"] is True and "tdm-reservation meta tag" in doc["tdm"]["source"]
    for page in mongo_db.pages.find({}, {"headers": 1}):
        assert page["headers"]["x-newscrawl-tdm-reserved"] == "1"
        assert "tdm-reservation meta tag" in page["headers"]["x-newscrawl-tdm-source"]


def test_records_are_stored_under_the_pages_canonical_article_url(site_with, tmp_path, mongo_uri, mongo_db):
    def head(n: int) -> str:
        if n < 30:
            return f'<link rel="canonical" href="/a/{n}.html">'        # relative, another article URL
        if n < 35:
            return '<link rel="canonical" href="/tag/sejm/">'          # not an article URL: kept
        return f'<link rel="canonical" href="http://example.invalid/a/{n}.html">'  # another site: kept

    site = site_with(head)
    _, stats = crawl(site, tmp_path, mongo_uri, mongo_db)
    expected = ({f"{site.base}/a/{n}.html" for n in range(30)}
                | {f"{site.base}/a/{n}-stary.html" for n in range(30, ARTICLES)})
    assert {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})} == expected
    assert {d["_id"] for d in mongo_db.pages.find({}, {"_id": 1})} == expected
    assert stats["newscrawl/discovery/canonical_rewritten"] == 30
    record = mongo_db.articles.find_one({"_id": f"{site.base}/a/3.html"})
    assert record["url"] == record["_id"] and record["domain"] == "127.0.0.1"
    assert record["canonical_url"] == "/a/3.html"                     # as the page states it
