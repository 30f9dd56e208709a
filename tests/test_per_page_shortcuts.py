"""Work the crawl process no longer does for every page gives the same results: meta-refresh
redirects without decoding every page, log records below LOG_LEVEL never built, the MinHash
fingerprint made by the text stage (in a worker) equal to the writer's."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.corpus.minhash import MinHashParams, fingerprint
from newscrawl.items import Article, FetchedPage
from newscrawl.logs import BoundedLogLines
from newscrawl.middlewares import MetaRefreshMiddleware
from newscrawl.text.article import TextOptions, build_article
from tests.newsroom import Newsroom

REFRESH = '<html><head><meta http-equiv="{word}" content="0; url=/nowy-adres"></head><body>{filler}</body></html>'


def refreshed(body: bytes, encoding: str = "utf-8") -> str | None:
    """The URL the meta-refresh middleware redirects to, or None when it lets the page through."""
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler())
    request = Request("https://portal.example/artykul/1")
    response = HtmlResponse(request.url, body=body, encoding=encoding, request=request)
    result = middleware.process_response(request, response)
    return None if result is response else result.url


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "utf-16-le", "utf-32-be"])
def test_a_meta_refresh_still_redirects_in_any_encoding(encoding):
    body = REFRESH.format(word="Refresh", filler="Zażółć gęślą jaźń. " * 50).encode(encoding)
    assert refreshed(body, encoding) == "https://portal.example/nowy-adres"


def test_a_page_without_meta_refresh_passes_untouched():
    assert refreshed(REFRESH.format(word="content-type", filler="refreshing news " * 5).encode()) is None
    assert refreshed(b"<html><body><p>Zwykly artykul</p></body></html>") is None


def test_log_records_below_the_crawl_level_are_not_built_and_the_level_comes_back():
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.NOTSET)  # as Scrapy leaves it: every record is built, the handler filters
    try:
        crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO", "NEWSCRAWL_LOG_MAX_LINE": 1000})
        extension = BoundedLogLines.from_crawler(crawler)
        assert not logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("newscrawl.pipelines").isEnabledFor(logging.INFO)
        extension.restore_level()
        assert root.level == logging.NOTSET
    finally:
        root.setLevel(before)


def test_the_text_stage_gives_the_fingerprint_the_writer_would_make():
    room = Newsroom(articles_per_outlet=3, seed=0)
    fetched = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    params = MinHashParams()
    for entry in room.all_articles()[:6]:
        page = FetchedPage(entry.url, entry.outlet, room.page_bytes(entry), 200, {}, fetched)
        article = build_article(page, TextOptions(fingerprint=params))
        assert isinstance(article, Article)
        expected = fingerprint(article.lead, article.text, params)
        assert (article.minhash, article.lsh) == (expected.minhash, list(expected.lsh))
        assert build_article(page, TextOptions()).minhash is None  # not asked: the writer makes it


def test_a_fingerprint_that_fails_costs_no_record(monkeypatch):
    import newscrawl.text.article as article_module

    def broken(*args, **kwargs):
        raise MemoryError("no room for the shingles")

    monkeypatch.setattr(article_module, "fingerprint", broken)
    room = Newsroom(articles_per_outlet=1, seed=0)
    entry = room.all_articles()[0]
    page = FetchedPage(entry.url, entry.outlet, room.page_bytes(entry), 200, {}, datetime.now(timezone.utc))
    article = build_article(page, TextOptions(fingerprint=MinHashParams()))
    assert isinstance(article, Article) and article.text == build_article(page, TextOptions()).text
    assert article.minhash is None and "fingerprint_error" in article.cleaning["events"]
