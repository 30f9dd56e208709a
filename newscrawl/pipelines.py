"""Thin Scrapy adapters: call text/ and store/, and count every drop in the stats.

Stats keys: ``newscrawl/dropped/<reason>`` for every page that gave no record,
``newscrawl/stored/new`` and ``newscrawl/stored/updated`` for writes,
``newscrawl/store_failed`` for records MongoDB refused.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from dataclasses import replace
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from pymongo.errors import PyMongoError
from twisted.internet import task

from newscrawl.corpus.stories import DedupParams
from newscrawl.items import Article, FetchedPage
from newscrawl.store.corpus import BatchDedup
from newscrawl.store import ArticleStore, BatchWriter, StorageUnavailable, WriteCounts, connect
from newscrawl.outlets import RegistryError, load_registry
from newscrawl.store import BoilerplateStore, open_boilerplate_store
from newscrawl.text.article import Rejected, TextOptions, build_article
from newscrawl.text.fingerprint import (
    LearnedBoilerplate,
    LearnedBoilerplatePolicy,
    paragraph_fingerprint,
    url_fingerprint,
)

logger = logging.getLogger(__name__)

# Finish reasons that mean the crawl could not do its job (the crawl command exits 1).
FATAL_FINISH_REASONS = {"mongodb_unavailable"}
TDM_STATS = "newscrawl/tdm/"


class ExtractPipeline:
    """FetchedPage → Article (extract, clean, enrich), or a counted drop.

    Passes each outlet's registry phrases and learned-boilerplate fingerprints to the
    pure ``build_article`` in its (picklable) ``TextOptions``; counts the short paragraphs
    of every stored article towards learned boilerplate, flushed to MongoDB in batches.
    Stats: ``newscrawl/dropped/<reason>``, ``newscrawl/cleaning/<rule>`` (paragraphs removed
    by each rule), ``newscrawl/boilerplate/learned`` (paragraphs that became known).
    """

    def __init__(
        self,
        crawler: Crawler,
        options: TextOptions,
        outlet_phrases: dict[str, tuple[str, ...]] | None = None,
        policy: LearnedBoilerplatePolicy | None = None,
        learn: bool = False,
    ) -> None:
        self.crawler = crawler
        self.options = options
        self.outlet_phrases = outlet_phrases or {}
        self.policy = policy or LearnedBoilerplatePolicy()
        self.learner = LearnedBoilerplate(self.policy)
        self.learn = learn
        self.store: BoilerplateStore | None = None
        self._loaded: set[str] = set()
        self._options: dict[str, tuple[frozenset[str], TextOptions]] = {}
        self._batch = max(1, crawler.settings.getint("NEWSCRAWL_BATCH_SIZE", 100))
        self._unflushed = 0  # articles observed since the last flush of counts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        s = crawler.settings
        options = TextOptions(
            languages=tuple(s.getlist("NEWSCRAWL_LANGUAGES")),
            min_text_chars=s.getint("NEWSCRAWL_MIN_TEXT_CHARS"),
            dedup_threshold=s.getfloat("NEWSCRAWL_DEDUP_THRESHOLD", 0.8),
        )
        try:
            registry = load_registry(s.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            logger.warning("outlet boilerplate phrases not loaded: %s", exc)
            registry = {}
        policy = LearnedBoilerplatePolicy(
            min_articles=s.getint("NEWSCRAWL_BOILERPLATE_MIN_ARTICLES", 8),
            max_chars=s.getint("NEWSCRAWL_BOILERPLATE_MAX_CHARS", 300),
        )
        return cls(
            crawler,
            options,
            {key: outlet.boilerplate for key, outlet in registry.items()},
            policy,
            learn=s.getbool("NEWSCRAWL_LEARN_BOILERPLATE", True),
        )

    @property
    def stats(self):
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        if self.learn:
            s = self.crawler.settings
            self.store = open_boilerplate_store(
                s.get("MONGO_URI"), s.get("MONGO_DATABASE"), s.getfloat("NEWSCRAWL_MONGO_TIMEOUT"),
                self.policy.min_articles,
            )

    def _disable_learning(self, exc: Exception) -> None:
        # The storage pipeline reports an unreachable database; one warning here is enough.
        logger.warning("learned boilerplate disabled for this run: %s", str(exc).split("\n", 1)[0][:200])
        self.stats.inc_value("newscrawl/boilerplate/unavailable")
        self.store = None

    def options_for(self, outlet: str) -> TextOptions:
        """The outlet's options: registry phrases and currently known learned boilerplate."""
        if self.store is not None and outlet not in self._loaded:
            self._loaded.add(outlet)
            try:
                self.learner.set_base(outlet, self.store.known(outlet))
            except PyMongoError as exc:
                self._disable_learning(exc)
        known = self.learner.known(outlet) if self.learn else frozenset()
        cached = self._options.get(outlet)
        if cached is None or cached[0] is not known:  # replaced only when it changes
            options = replace(
                self.options,
                outlet_phrases=self.outlet_phrases.get(outlet, ()),
                learned_boilerplate=known,
            )
            cached = self._options[outlet] = (known, options)
        return cached[1]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        result = build_article(item, self.options_for(item.outlet))
        if isinstance(result, Rejected):
            self.stats.inc_value(f"newscrawl/dropped/{result.reason}")
            raise DropItem(f"{result.reason}: {item.url} {result.detail}".rstrip())
        for removal in result.cleaning.get("removed", []):
            self.stats.inc_value(f"newscrawl/cleaning/{removal['rule']}")
        if self.learn:
            self._observe(result)
        return {"article": result, "page": item}

    def _observe(self, article: Article) -> None:
        paragraphs = [p for p in article.text.split("\n\n") if self.policy.candidate(p)]
        newly = self.learner.observe(article.outlet, article.url, paragraphs)
        if newly:
            self.stats.inc_value("newscrawl/boilerplate/learned", len(newly))
        if self.store is None:
            return
        self.store.observe(
            article.outlet, url_fingerprint(article.url), ((paragraph_fingerprint(p), p) for p in paragraphs)
        )
        self._unflushed += 1
        if self._unflushed >= self._batch:
            self._flush()

    def _flush(self) -> None:
        self._unflushed = 0
        if self.store is None:
            return
        try:
            for outlet, counts in self.store.flush().items():
                newly = self.learner.flushed(outlet, counts)
                if newly:
                    self.stats.inc_value("newscrawl/boilerplate/learned", len(newly))
        except PyMongoError as exc:
            self._disable_learning(exc)

    def close_spider(self) -> None:
        self._flush()


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
            self.stats.set_value("newscrawl/fatal", "mongodb_unavailable")
            # Close once the spider is fully open (closing from inside open_spider
            # breaks Scrapy's own stats); no item can be stored meanwhile.
            self.crawler.signals.connect(self._close_unavailable, signal=signals.spider_opened)
            return
        self.writer = BatchWriter(self.store, self.batch_size, self.flush_interval)
        self.writer.dedup = BatchDedup.for_database(db, DedupParams.from_settings(self.crawler.settings))  # corpus (issue 10)
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
            assert self.store is not None
            logger.error("MongoDB refused %d write(s): %s", counts.failed, "; ".join(self.store.errors[-3:]))

    def close_spider(self) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self.writer is None or self.store is None:
            return
        self._count(self.writer.flush())
        if self.writer.dedup is not None:  # corpus (issue 10): newscrawl/dedup/* stats
            self.writer.dedup.counts.to_stats(self.stats)
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
            # Per outlet: {"reserved", "source", "skipped"} from the spider's TDM checks.
            "tdm": {k[len(TDM_STATS):]: v for k, v in stats.items() if k.startswith(TDM_STATS)},
            "requests": stats.get("downloader/request_count", 0),
        }
