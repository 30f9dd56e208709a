"""Incremental crawls: article URLs the database knows are not downloaded again (knownurls.py)."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from pymongo.database import Database

from newscrawl.knownurls import CHANGED, NEW, RECHECK, SKIP_KNOWN, SKIP_REJECTED, decide
from newscrawl.store.known import ALIAS, ARTICLE, LOOKUP_BATCH, REJECTED, KnownUrlStore, StoredUrl, UrlNote
from tests.newsroom import Newsroom
from tests.newsroom.registry import dump_registry
from tests.support import ReplyingHandler, crawl_stat, run_crawl

OUTLET = "nr-kurier"
NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
WEEK = timedelta(days=7)


# --- the decision -----------------------------------------------------------------------------
def test_a_stored_url_is_skipped_unless_its_source_dates_it_after_the_stored_copy():
    stored = StoredUrl(ARTICLE, NOW - timedelta(days=1), "u")
    assert decide(None, None, NOW, WEEK) == NEW
    assert decide(None, stored, NOW, WEEK) == SKIP_KNOWN
    assert decide(NOW - timedelta(days=2), stored, NOW, WEEK) == SKIP_KNOWN
    assert decide(NOW - timedelta(hours=1), stored, NOW, WEEK) == CHANGED
    # A source date far in the future (9999-12-31) is no real date: it would re-fetch every run.
    assert decide(datetime(9999, 12, 31, tzinfo=timezone.utc), stored, NOW, WEEK) == SKIP_KNOWN


def test_a_rejected_page_is_skipped_within_the_recheck_window_only():
    rejected = StoredUrl(REJECTED, NOW - timedelta(days=2), reason="text_too_short")
    assert decide(None, rejected, NOW, WEEK) == SKIP_REJECTED
    assert decide(None, rejected, NOW, timedelta(days=1)) == RECHECK
    assert decide(NOW - timedelta(days=1), rejected, NOW, WEEK) == RECHECK   # updated since


# --- the batched lookup, on a real server -------------------------------------------------------
def test_lookup_answers_for_records_aliases_and_rejections_in_few_queries(mongo_uri, mongo_db: Database):
    modified = datetime(2026, 11, 20, tzinfo=timezone.utc)
    fetched = datetime(2026, 11, 25, tzinfo=timezone.utc)
    mongo_db.articles.insert_many([
        {"_id": "https://x.pl/a", "modified_at": modified, "last_fetched_at": fetched},
        {"_id": "https://x.pl/%C5%BC", "published_at": modified},
    ])
    store = KnownUrlStore(mongo_uri, mongo_db.name)

    async def scenario():
        noted = await store.note([UrlNote("https://x.pl/alias", "x", ALIAS, target="https://x.pl/a"),
                                  UrlNote("https://x.pl/orphan", "x", ALIAS, target="https://x.pl/gone"),
                                  UrlNote("https://x.pl/short", "x", REJECTED, reason="text_too_short")], NOW)
        queries = store.queries
        urls = ["https://x.pl/a", "https://x.pl/%C5%BC", "https://x.pl/alias", "https://x.pl/orphan",
                "https://x.pl/short"] + [f"https://x.pl/new/{i}" for i in range(LOOKUP_BATCH + 500)]
        found = await store.lookup(urls)
        used = store.queries - queries
        await store.close()
        return noted, found, used

    noted, found, used = asyncio.run(scenario())
    assert noted == 3
    assert found == {
        "https://x.pl/a": StoredUrl(ARTICLE, fetched, "https://x.pl/a"),
        "https://x.pl/%C5%BC": StoredUrl(ARTICLE, modified, "https://x.pl/%C5%BC"),
        "https://x.pl/alias": StoredUrl(ARTICLE, fetched, "https://x.pl/a"),   # the record's dates
        "https://x.pl/short": StoredUrl(REJECTED, NOW, reason="text_too_short"),
    }   # an alias of a record that is gone is not known
    assert used <= 2 * 3     # two chunks of URLs, at most three queries each — never one per URL


def test_rejections_older_than_the_window_are_forgotten(mongo_uri, mongo_db: Database):
    store = KnownUrlStore(mongo_uri, mongo_db.name)

    async def scenario():
        await store.note([UrlNote("https://x.pl/old", "x", REJECTED, reason="language")], NOW - 2 * WEEK)
        await store.note([UrlNote("https://x.pl/recent", "x", REJECTED, reason="language"),
                          UrlNote("https://y.pl/old", "y", REJECTED, reason="language")], NOW - timedelta(days=1))
        forgotten = await store.forget_rejected(["x"], NOW - WEEK)
        await store.close()
        return forgotten

    assert asyncio.run(scenario()) == 1
    assert sorted(d["_id"] for d in mongo_db.known_urls.find()) == ["https://x.pl/recent", "https://y.pl/old"]


# --- whole crawls of the offline newsroom --------------------------------------------------------
@pytest.fixture(scope="module")
def room():
    """A newsroom of its own: a test here changes an article's modification date."""
    with Newsroom(articles_per_outlet=24, seed=3).serve() as live:
        yield live


@pytest.fixture(scope="module")
def registry(room, tmp_path_factory):
    return room.write_registry(tmp_path_factory.mktemp("incremental") / "outlets.toml")


def crawl(room, registry, mongo_uri, db: Database, args=None, **env):
    """One crawl of OUTLET: (article pages downloaded, all requests the outlet saw, its run record)."""
    room.clear_log()
    result = run_crawl(OUTLET, mongo_uri, db.name, registry, args, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    articles = {urlsplit(a.url).path for a in room.articles(OUTLET)}
    log = [e for e in room.request_log if e.outlet == OUTLET]
    fetched = [e.path for e in log if e.path in articles]
    run = db.runs.find_one(sort=[("started_at", -1)])
    return fetched, log, run, result


def test_second_run_downloads_only_what_changed_and_refresh_downloads_all(room, registry, mongo_uri, mongo_db):
    first, first_log, first_run, _ = crawl(room, registry, mongo_uri, mongo_db)
    assert len(first) == len(set(first)) == 24 == mongo_db.articles.count_documents({})
    assert first_run["known_skipped"] == 0

    second, second_log, second_run, result = crawl(room, registry, mongo_uri, mongo_db)
    assert second == []
    assert len(second_log) < len(first_log)
    # Every article is listed by a feed, a sitemap or a section: skipped once per listing.
    assert second_run["known_skipped"] >= 24
    assert crawl_stat(result.stderr, "newscrawl/discovery/known_skipped") == second_run["known_skipped"]
    assert second_run["outlet_stats"][OUTLET]["known_skipped"] == second_run["known_skipped"]
    assert second_run["stored_new"] == second_run["stored_updated"] == 0
    assert second_run["status"] == "finished"   # nothing new is not a failure
    assert f"{OUTLET}: no_articles ({second_run['known_skipped']} known), 0 articles" in result.stderr

    # The outlet updates one story: its sitemap lastmod moves past the stored copy.
    art = room.room.arts(OUTLET)[5]
    art.modified, original = datetime.now(timezone.utc) + timedelta(minutes=1), art.modified
    try:
        third, _, third_run, result = crawl(room, registry, mongo_uri, mongo_db)
    finally:
        updated, art.modified = art.modified, original   # the other tests see the room unchanged
    assert third == [art.path]
    assert crawl_stat(result.stderr, "newscrawl/discovery/known_changed") >= 1
    assert third_run["stored_updated"] == 1
    stored = mongo_db.articles.find_one({"_id": {"$regex": f"{art.path}$"}})
    assert stored["modified_at"] >= updated - timedelta(seconds=1)

    everything, _, refresh_run, _ = crawl(room, registry, mongo_uri, mongo_db, {"refresh": "1"})
    assert sorted(everything) == sorted(first)
    assert refresh_run["known_skipped"] == 0 and refresh_run["arguments"]["refresh"] is True



def test_rejected_pages_wait_for_the_recheck_window(room, registry, mongo_uri, mongo_db):
    # A text stage that rejects everything (too short): the pages are remembered, not stored.
    rejecting = {"NEWSCRAWL_MIN_TEXT_CHARS": "1000000"}
    first, _, run, _ = crawl(room, registry, mongo_uri, mongo_db, **rejecting)
    assert len(first) == 24 and mongo_db.articles.count_documents({}) == 0
    assert mongo_db.known_urls.count_documents({"kind": "rejected", "reason": "text_too_short"}) == 24

    second, _, _, result = crawl(room, registry, mongo_uri, mongo_db)
    assert second == []
    assert crawl_stat(result.stderr, "newscrawl/discovery/known_skipped_rejected") >= 24

    # With no recheck window they are tried again, and stored now that the text stage takes them.
    third, _, _, result = crawl(room, registry, mongo_uri, mongo_db, NEWSCRAWL_REJECTED_RECHECK_DAYS="0")
    assert len(third) == 24 == mongo_db.articles.count_documents({})
    assert mongo_db.known_urls.count_documents({"kind": "rejected"}) == 0   # forgotten at the end


def test_since_last_starts_from_the_outlets_last_complete_run(room, registry, mongo_uri, mongo_db):
    # No earlier run: a warning, and the crawl goes on without since.
    _, _, first_run, result = crawl(room, registry, mongo_uri, mongo_db, {"since": "last"})
    assert "since=last: no complete earlier run; crawling without since" in result.stderr
    assert first_run["arguments"]["since"] == "last" and first_run["since_by_outlet"] == {OUTLET: None}
    # A limited run is not complete: since=last goes back to the first run.
    crawl(room, registry, mongo_uri, mongo_db, {"limit": "2"})
    _, _, run, result = crawl(room, registry, mongo_uri, mongo_db, {"since": "last"})
    expected = first_run["started_at"].replace(tzinfo=timezone.utc) - timedelta(hours=1)
    assert datetime.fromisoformat(run["since_by_outlet"][OUTLET]) == expected
    # Every newsroom story is dated before that run: all of them are left out by date.
    assert crawl_stat(result.stderr, "newscrawl/discovery/older_than_since") >= 24


class AliasSite(ThreadingHTTPServer):
    """A feed listing two URLs whose records get other URLs: /a/1.html redirects to
    /a/2.html; /a/3.html names /a/4.html as its canonical URL."""

    daemon_threads = True

    def __init__(self) -> None:
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), AliasHandler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def alias_article(title: str, canonical: str = "") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in (
        "Radni przyjęli w piątek uchwałę budżetową miasta na przyszły rok po długiej i burzliwej debacie.",
        "Za projektem głosowało dwudziestu radnych, przeciw było siedmiu, a trzech wstrzymało się od głosu.",
        "Najwięcej pieniędzy trafi na remonty szkół, budowę nowych ścieżek rowerowych i komunikację miejską.",
        "Opozycja krytykowała wysokie zadłużenie i zapowiedziała, że złoży skargę do regionalnej izby obrachunkowej.",
        "Prezydent miasta zapewniał, że inwestycje są konieczne, a spłata kredytów nie zagrozi płynności finansów.",
        "Mieszkańcy, którzy przyszli na sesję, pytali głównie o plany dotyczące nowego basenu na osiedlu Północ.",
    ))
    return f"<html><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1>{paragraphs}" \
           f"</article></body></html>".encode()


class AliasHandler(ReplyingHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        site: AliasSite = self.server  # type: ignore[assignment]
        site.paths.append(self.path)
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>{n}</title><link>{site.base}/a/{n}.html</link></item>" for n in (1, 3))
            self._send(200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
                            f"</channel></rss>".encode(), {"Content-Type": "application/rss+xml"})
        elif self.path == "/":
            self._send(200, b"<html><head><title>Portal</title></head><body>ok</body></html>",
                       {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/a/1.html":
            self._send(301, b"", {"Location": f"{site.base}/a/2.html"})
        elif self.path == "/a/2.html":
            self._send(200, alias_article("Budżet miasta przyjęty"), {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/a/3.html":
            self._send(200, alias_article("Komisja zbierze się znowu", f"{site.base}/a/4.html"),
                       {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._send(404, b"", {})


def test_redirected_and_canonical_rewritten_urls_are_known_by_their_discovered_form(tmp_path, mongo_uri, mongo_db):
    site = AliasSite()
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        registry = tmp_path / "outlets.toml"
        registry.write_text(dump_registry({"local": {
            "name": "Local", "domains": ["127.0.0.1"], "home": site.base + "/", "feeds": [site.base + "/feed.xml"],
            "robots_sitemaps": False, "article_patterns": [r"/a/\d+\.html$"], "verified": "newsroom"}}))
        first = run_crawl("local", mongo_uri, mongo_db.name, registry)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sorted(d["_id"] for d in mongo_db.articles.find()) == [f"{site.base}/a/2.html", f"{site.base}/a/4.html"], first.stderr[-4000:]
        assert {d["_id"]: d["target"] for d in mongo_db.known_urls.find({"kind": "alias"})} == {
            f"{site.base}/a/1.html": f"{site.base}/a/2.html", f"{site.base}/a/3.html": f"{site.base}/a/4.html"}

        site.paths.clear()
        second = run_crawl("local", mongo_uri, mongo_db.name, registry)
        assert second.returncode == 0, second.stderr[-3000:]
        assert [p for p in site.paths if p.startswith("/a/")] == []
        assert crawl_stat(second.stderr, "newscrawl/discovery/known_skipped") == 2
    finally:
        site.shutdown()
        site.server_close()
