"""Thin Scrapy adapters: call text/ and store/, and count every drop in the stats.

Stats keys: ``newscrawl/dropped/<reason>`` for every page that gave no record,
``newscrawl/stored/new`` and ``newscrawl/stored/updated`` for writes,
``newscrawl/store_failed`` for records MongoDB refused.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet import task

from newscrawl.items import Article, FetchedPage
from newscrawl.store import ArticleStore, BatchWriter, StorageUnavailable, WriteCounts, connect
from newscrawl.text.article import Rejected, TextOptions, build_article

logger = logging.getLogger(__name__)

# Finish reasons that mean the crawl could not do its job (the crawl command exits 1).
FATAL_FINISH_REASONS = {"mongodb_unavailable"}


class ExtractPipeline:
    """FetchedPage → Article (extract, clean, enrich), or a counted drop."""

    def __init__(self, crawler: Crawler, options: TextOptions) -> None:
        self.crawler = crawler
        self.options = options

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        s = crawler.settings
        options = TextOptions(
            languages=tuple(s.getlist("NEWSCRAWL_LANGUAGES")),
            min_text_chars=s.getint("NEWSCRAWL_MIN_TEXT_CHARS"),
        )
        return cls(crawler, options)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        result = build_article(item, self.options)
        if isinstance(result, Rejected):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"newscrawl/dropped/{result.reason}")
            raise DropItem(f"{result.reason}: {item.url} {result.detail}".rstrip())
        return {"article": result, "page": item}


class MongoPipeline:
    """Batched idempotent upserts of records (and their raw pages) into MongoDB."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.uri = s.get("MONGO_URI")
        self.database = s.get("MONGO_DATABASE")
        self.timeout = s.getfloat("NEWSCRAWL_MONGO_TIMEOUT")
        self.batch_size = s.getint("NEWSCRAWL_BATCH_SIZE")
        self.flush_interval = s.getfloat("NEWSCRAWL_FLUSH_INTERVAL")
        self.store_raw = s.getbool("NEWSCRAWL_STORE_RAW_HTML")
        self.store: ArticleStore | None = None
        self.writer: BatchWriter | None = None
        self._ticker: task.LoopingCall | None = None
        self.started_at = datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    @property
    def stats(self):
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def open_spider(self) -> None:
        try:
            db = connect(self.uri, self.database, self.timeout)
            self.store = ArticleStore(db)
            self.store.ensure_indexes()
        except StorageUnavailable as exc:
            logger.error("%s", exc)
            self.stats.set_value("newscrawl/fatal", str(exc))
            # Close once the spider is fully open (closing from inside open_spider
            # breaks Scrapy's own stats); no item can be stored meanwhile.
            self.crawler.signals.connect(self._close_unavailable, signal=signals.spider_opened)
            return
        self.writer = BatchWriter(self.store, self.batch_size, self.flush_interval)
        # Flush on time even when no new item arrives (a slow tail of a crawl).
        self._ticker = task.LoopingCall(self._flush_if_due)
        self._ticker.start(max(self.flush_interval, 0.5), now=False)

    async def _close_unavailable(self) -> None:
        assert self.crawler.engine is not None
        await self.crawler.engine.close_spider_async(reason="mongodb_unavailable")

    def process_item(self, item: Any) -> Any:
        if not (isinstance(item, dict) and isinstance(item.get("article"), Article)):
            return item
        if self.writer is None:
            self.stats.inc_value("newscrawl/dropped/storage_unavailable")
            raise DropItem(f"storage_unavailable: {item['article'].url}")
        page = item["page"] if self.store_raw else None
        self._count(self.writer.add(item["article"], page))
        return item["article"]

    def _flush_if_due(self) -> None:
        if self.writer is not None:
            self._count(self.writer.flush_if_due())

    def _count(self, counts: WriteCounts | None) -> None:
        if counts is None:
            return
        self.stats.inc_value("newscrawl/stored/new", counts.inserted)
        self.stats.inc_value("newscrawl/stored/updated", counts.updated)
        if counts.failed:
            self.stats.inc_value("newscrawl/store_failed", counts.failed)
            assert self.writer is not None
            logger.error("MongoDB refused %d record(s): %s", counts.failed, "; ".join(self.writer.errors[-3:]))

    def close_spider(self) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self.writer is None or self.store is None:
            return
        self._count(self.writer.flush())
        self.store.record_run(self._run_report())

    def _run_report(self) -> dict[str, Any]:
        stats = self.stats.get_stats()
        spider = self.crawler.spider
        prefix = "newscrawl/dropped/"
        return {
            "spider": getattr(spider, "name", ""),
            "outlets": list(getattr(spider, "outlet_keys", [])),
            "started_at": self.started_at,
            "finished_at": datetime.now(timezone.utc),
            "stored_new": stats.get("newscrawl/stored/new", 0),
            "stored_updated": stats.get("newscrawl/stored/updated", 0),
            "store_failed": stats.get("newscrawl/store_failed", 0),
            "dropped": {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)},
            "requests": stats.get("downloader/request_count", 0),
        }
