"""Thin Scrapy adapters: call text/ and store/, and count every drop in the stats.

Stats keys: ``newscrawl/dropped/<reason>`` for every page that gave no record; the
storage keys are listed on ``MongoPipeline``.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from pymongo.errors import PyMongoError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads

from newscrawl.corpus.stories import DedupParams
from newscrawl.envsettings import SettingError
from newscrawl.items import Article, FetchedPage
from newscrawl.outcomes import TDM_STATS, run_outcomes
from newscrawl.store import ArticleStore, StorageUnavailable, connect
from newscrawl.store.corpus import BatchDedup
from newscrawl.store.mongo import utcnow
from newscrawl.store.runs import new_run_id, start_document, status_for
from newscrawl.store.spill import SpillFile
from newscrawl.store.writer import FAILED, SPILLED, STALE, STORED, BatchReport, BatchStorer, StoreWriter
from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.store import BoilerplateStore, open_boilerplate_store
from newscrawl.tdm import TdmStatus
from newscrawl.text.article import TDM_RESERVED_HEADER, TDM_SOURCE_HEADER, Rejected, TextOptions
from newscrawl.text.fingerprint import LearnedBoilerplate, LearnedBoilerplatePolicy
from newscrawl.workers import InProcessText, TextOutcome, TextWorkerPool, available_cores, start_text_stage

logger = logging.getLogger(__name__)
# Stats prefix of the text stage's events (Article.cleaning["events"]), one key per event.
TEXT_EVENTS = "newscrawl/text/"


def text_options(settings: Any) -> TextOptions:
    """The text stage's options from the settings (an outlet's phrases and learned
    boilerplate are added per outlet)."""
    return TextOptions(
        languages=tuple(settings.getlist("NEWSCRAWL_LANGUAGES")),
        min_text_chars=settings.getint("NEWSCRAWL_MIN_TEXT_CHARS"),
        dedup_threshold=settings.getfloat("NEWSCRAWL_DEDUP_THRESHOLD", 0.8),
        fingerprint=DedupParams.from_settings(settings).minhash,
    )


class PageRejected(DropItem):
    """A page the text stage gave no record for; ``reason`` is its stats key (the
    incremental crawl remembers lasting reasons, see ``knownurls.py``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ExtractPipeline:
    """FetchedPage → Article (extract, clean, enrich) in a pool of worker processes, or a
    counted drop.

    ``process_item`` is a coroutine: the reactor keeps downloading and writing while
    ``build_article`` runs in ``NEWSCRAWL_WORKERS`` processes (``newscrawl/workers.py``;
    ``0`` runs it here, for debugging). It awaits the pool's futures on the asyncio
    reactor (``TWISTED_REACTOR`` in settings.py). At most twice as many pages as workers
    are in the pool; pages waiting for it stay in Scrapy's scraper slot, whose size Scrapy
    bounds (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) by pausing downloads.

    Each outlet's registry phrases and learned boilerplate travel to the pure
    ``build_article`` in its (picklable) ``TextOptions``. The short paragraphs of every
    record are counted towards learned boilerplate (``text/fingerprint.py``); only those
    seen in two or more articles are persisted (``store/boilerplate.py``), on a thread of
    their own, and a failing MongoDB is counted, never waited for: learning goes on in
    memory.

    The page's own signals come from the text stage's one parse of it (the spider parses
    no article page): a TDMRep meta tag reserving text and data mining stops the outlet as
    the spider's header check does (the page is dropped and counted, unless
    ``NEWSCRAWL_SKIP_TDM_RESERVED=0``, which stores it marked), and a canonical URL that is
    another article URL of the outlet becomes the record's URL.

    Stats: ``newscrawl/dropped/<reason>`` and ``newscrawl/outlet/<key>/dropped`` for every
    page that gave no record (``worker_failed`` when its worker crashed or hung twice,
    ``text_error`` when the text stage raised); ``newscrawl/workers/crashed`` and
    ``…/timed_out`` for every worker lost; ``newscrawl/text/<event>`` for the text stage's
    events; ``newscrawl/cleaning/<rule>`` (paragraphs removed by each rule);
    ``newscrawl/boilerplate/learned`` (paragraphs that became known), ``…/writes`` (write
    statements to the ``boilerplate`` collection), ``…/store_failed`` (its failed calls);
    ``newscrawl/discovery/tdm_reserved_pages`` and ``…/canonical_rewritten``.
    """

    def __init__(
        self,
        crawler: Crawler,
        options: TextOptions,
        outlet_phrases: dict[str, tuple[str, ...]] | None = None,
        policy: LearnedBoilerplatePolicy | None = None,
        learn: bool = False,
        workers: int = 0,
        text_timeout: float = 60.0,
        outlets: dict[str, Outlet] | None = None,
        skip_tdm_reserved: bool = True,
    ) -> None:
        self.crawler = crawler
        self.options = options
        self.outlet_phrases = outlet_phrases or {}
        self.outlets = outlets or {}
        self.skip_tdm_reserved = skip_tdm_reserved
        self.policy = policy or LearnedBoilerplatePolicy()
        self.learner = LearnedBoilerplate(self.policy)
        self.learn = learn
        self.workers = workers
        self.text_timeout = text_timeout
        self.text: TextWorkerPool | InProcessText | None = None
        self.store: BoilerplateStore | None = None
        self._in_pool = asyncio.Semaphore(max(1, 2 * workers))
        self._io: ThreadPoolExecutor | None = None  # the boilerplate store's one thread
        self._loads: dict[str, asyncio.Future[None]] = {}
        self._indexed = False
        self._saving: asyncio.Future[None] | None = None
        self._save_again = False
        self._writes_counted = 0
        self._options: dict[str, tuple[frozenset[str], TextOptions]] = {}
        self._batch = max(1, crawler.settings.getint("NEWSCRAWL_BATCH_SIZE", 100))
        self._unsaved = 0  # articles observed since the last save of counts
        self._announced = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        s = crawler.settings
        options = text_options(s)
        try:
            registry = load_registry(s.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            logger.warning("outlet boilerplate phrases not loaded: %s", exc)
            registry = {}
        policy = LearnedBoilerplatePolicy(
            min_articles=s.getint("NEWSCRAWL_BOILERPLATE_MIN_ARTICLES", 8),
            max_chars=s.getint("NEWSCRAWL_BOILERPLATE_MAX_CHARS", 300),
            window=s.getint("NEWSCRAWL_BOILERPLATE_WINDOW", 20_000),
        )
        workers = s.getint("NEWSCRAWL_WORKERS", available_cores())
        timeout = s.getfloat("NEWSCRAWL_TEXT_TIMEOUT", 60.0)
        for name, value in (("NEWSCRAWL_WORKERS", workers), ("NEWSCRAWL_TEXT_TIMEOUT", timeout)):
            if value < 0:
                raise SettingError(f"{name}={value} is not valid: expected 0 or more")
        return cls(
            crawler,
            options,
            {key: outlet.boilerplate for key, outlet in registry.items()},
            policy,
            learn=s.getbool("NEWSCRAWL_LEARN_BOILERPLATE", True),
            workers=workers,
            text_timeout=timeout,
            outlets=registry,
            skip_tdm_reserved=s.getbool("NEWSCRAWL_SKIP_TDM_RESERVED", True),
        )

    @property
    def stats(self):
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        self._start_text_stage()
        if self.learn:
            s = self.crawler.settings
            with StorageTime.of(self.crawler).waiting():
                self.store = open_boilerplate_store(
                    s.get("MONGO_URI"), s.get("MONGO_DATABASE"), s.getfloat("NEWSCRAWL_MONGO_TIMEOUT"),
                    self.policy.min_articles,
                    max_candidates=s.getint("NEWSCRAWL_BOILERPLATE_MAX_CANDIDATES", 10_000),
                    expire_days=s.getfloat("NEWSCRAWL_BOILERPLATE_EXPIRE_DAYS", 90.0),
                )
            self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newscrawl-boilerplate")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        assert self.text is not None
        if not self._announced:
            self._announce_text_stage()
        async with self._in_pool:
            options = await self.options_for(item.outlet)
            try:
                outcome = await asyncio.wrap_future(self.text.submit(item, options))
            except Exception as exc:  # noqa: BLE001 - counted like any page the pool could not run
                outcome = TextOutcome(Rejected("worker_failed", f"text stage unavailable: {exc!r}"[:200]))
        return self._record(item, outcome)

    def _start_text_stage(self) -> None:
        """Started when the spider opens. The workers start and warm up in the background
        (the text stage's imports, language model and MinHash permutations: 1–2 s of one
        core) while robots.txt, feeds and sitemaps are fetched, so the first pages do not
        wait for them; a crawl that fetches no article pays that once."""
        self.text = start_text_stage(self.workers, self.text_timeout)

    def _announce_text_stage(self) -> None:
        """One log line, with the first page (a crawl that fetches none stays short)."""
        self._announced = True
        if isinstance(self.text, TextWorkerPool):
            logger.info("text stage: %d worker processes (%s), %gs per page at most",
                        self.text.size, self.text.method, self.text_timeout)
        else:
            logger.info("text stage: in the crawl process (NEWSCRAWL_WORKERS=0)")

    def _record(self, page: FetchedPage, outcome: TextOutcome) -> dict[str, Any]:
        for incident in outcome.incidents:
            self.stats.inc_value(f"newscrawl/workers/{incident}")
        result = outcome.result
        page = self._apply_page_tdm(page, result)
        if isinstance(result, Article):
            result, page = self._apply_canonical(result, page)
        if isinstance(result, Rejected):
            self.stats.inc_value(f"newscrawl/dropped/{result.reason}")
            self.stats.inc_value(f"newscrawl/outlet/{page.outlet}/dropped")
            if result.reason in ("worker_failed", "text_error"):
                logger.error("%s: %s: %s", result.reason, page.url, result.detail)
            raise PageRejected(result.reason, f"{result.reason}: {page.url} {result.detail}".rstrip())
        for rule, removed in Counter(r["rule"] for r in result.cleaning.get("removed", [])).items():
            self.stats.inc_value(f"newscrawl/cleaning/{rule}", removed)
        for event in result.cleaning.get("events", []):
            self.stats.inc_value(f"{TEXT_EVENTS}{event}")
        if self.learn:
            self._observe(result)
        return {"article": result, "page": page}

    # --- the page's own signals, read by the text stage ---------------------------------
    def _apply_page_tdm(self, page: FetchedPage, result: Article | Rejected) -> FetchedPage:
        """A page whose TDMRep meta tag reserves text and data mining makes its outlet
        reserved (the spider stops it, unless NEWSCRAWL_SKIP_TDM_RESERVED=0); while the outlet
        is stopped its pages are dropped, counted as ``newscrawl/discovery/tdm_reserved_pages``
        as the spider counts those it drops itself. Returns the page, its kept TDM headers
        saying what the record's ``tdm`` says."""
        status = result.tdm
        newly = status.get("reserved") is True and page.headers.get(TDM_RESERVED_HEADER) != "1"
        spider = self.crawler.spider
        if newly:
            reserves = getattr(spider, "page_reserves_tdm", None)
            if reserves is not None:
                reserves(page.outlet, TdmStatus(True, str(status.get("source", ""))))
        if self.skip_tdm_reserved:
            stopped = getattr(spider, "outlet_stopped", None)
            if status.get("reserved") is True or (stopped is not None and stopped(page.outlet)):
                self.stats.inc_value("newscrawl/discovery/tdm_reserved_pages")
                raise DropItem(f"tdm_reserved: {page.url}", log_level="DEBUG")
        if newly:
            page = replace(page, headers={**page.headers, TDM_RESERVED_HEADER: "1",
                                          TDM_SOURCE_HEADER: str(status.get("source", ""))})
        return page

    def _apply_canonical(self, article: Article, page: FetchedPage) -> tuple[Article, FetchedPage]:
        """The record (and its raw page) under the page's canonical URL when that is another
        article URL of the outlet (``newscrawl/discovery/canonical_rewritten``)."""
        outlet = self.outlets.get(page.outlet)
        if outlet is None or not article.canonical_url:
            return article, page
        url = outlet.record_url(page.url, article.canonical_url, page.response_url or page.url)
        if url == page.url:
            return article, page
        self.stats.inc_value("newscrawl/discovery/canonical_rewritten")
        return replace(article, url=url, domain=urlsplit(url).hostname or article.domain), replace(page, url=url)

    # --- learned boilerplate ------------------------------------------------------------
    async def options_for(self, outlet: str) -> TextOptions:
        """The outlet's options: registry phrases and currently known learned boilerplate
        (the store's, loaded once per outlet before its first page)."""
        if self.store is not None:
            load = self._loads.get(outlet)
            if load is None:
                load = self._loads[outlet] = asyncio.ensure_future(self._load(outlet))
            if not load.done():
                with StorageTime.of(self.crawler).waiting():
                    await load
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

    async def _store_call(self, what: str, function: Any, *args: Any) -> Any:
        """``function(*args)`` on the store's thread; a failure is counted and logged (None)."""
        assert self._io is not None
        busy = [0.0]

        def timed() -> Any:
            started = time.monotonic()
            try:
                return function(*args)
            finally:
                busy[0] = time.monotonic() - started

        try:
            return await asyncio.get_running_loop().run_in_executor(self._io, timed)
        except Exception as exc:  # noqa: BLE001 - the store must never stop the crawl
            self.stats.inc_value("newscrawl/boilerplate/store_failed")
            logger.warning("learned boilerplate: %s failed, learning goes on in memory: %s",
                           what, str(exc).split("\n", 1)[0][:200])
            return None
        finally:
            StorageTime.of(self.crawler).add_busy(busy[0])
            self._count_writes()

    async def _load(self, outlet: str) -> None:
        assert self.store is not None
        if not self._indexed:
            self._indexed = True
            await self._store_call("creating indexes", self.store.ensure_indexes)
        loaded = await self._store_call(f"loading {outlet}", self.store.load, outlet)
        if loaded is not None:
            self.learner.load(outlet, *loaded)

    def _observe(self, article: Article) -> None:
        # The paragraphs removed as learned boilerplate are passed too: they are not
        # counted again, but keep their stored document from expiring.
        paragraphs = article.text.split("\n\n") + [
            r["text"] for r in article.cleaning.get("removed", []) if r.get("rule") == "learned_boilerplate"
        ]
        newly = self.learner.observe(article.outlet, article.url, paragraphs)
        if newly:
            self.stats.inc_value("newscrawl/boilerplate/learned", len(newly))
        self._unsaved += 1
        if self._unsaved >= self._batch:
            self._unsaved = 0
            self._start_save()

    def _start_save(self) -> None:
        if self.store is None:
            return
        if self._saving is not None and not self._saving.done():
            self._save_again = True
        else:
            self._saving = asyncio.ensure_future(self._save())

    async def _save(self) -> None:
        assert self.store is not None
        while True:
            self._save_again = False
            updates = self.learner.take_updates()
            if updates:
                stored = await self._store_call("saving counts", self.store.save, updates)
                if stored is None:
                    self.learner.unsaved(updates)
                else:
                    newly = self.learner.saved(stored)
                    if newly:
                        self.stats.inc_value("newscrawl/boilerplate/learned", len(newly))
            if not self._save_again:
                return

    def _count_writes(self) -> None:
        if self.store is not None and self.store.writes != self._writes_counted:
            self.stats.inc_value("newscrawl/boilerplate/writes", self.store.writes - self._writes_counted)
            self._writes_counted = self.store.writes

    async def close_spider(self) -> None:
        try:
            if self.store is not None:
                with StorageTime.of(self.crawler).waiting():
                    if self._saving is not None:
                        await self._saving
                    await self._save()
                    for outlet in self._loads:
                        await self._store_call(f"pruning {outlet}", self.store.prune, outlet)
        finally:
            if self.text is not None:
                self.text.close()
            if self._io is not None:
                self._io.shutdown(wait=False)


class MongoPipeline:
    """Hands each record to the store writer (a thread) and returns at once; keeps the run
    record; counts what the writer reports, on the reactor thread.

    Stats: ``newscrawl/stored/new|changed|unchanged`` (articles written by this crawl),
    ``newscrawl/store_failed`` and ``newscrawl/store_failed/<reason>`` (refused, logged with
    the URL), ``newscrawl/spilled`` (in the spill file, named by ``newscrawl/spill_file``),
    ``newscrawl/store/stale`` (a newer fetch of the URL came in the same batch),
    ``newscrawl/pages/stored|failed|spilled|skipped`` (raw pages),
    ``newscrawl/store/date_nulled/<field>``,
    ``newscrawl/store/retries``, ``newscrawl/replay/<status>`` (spill files of earlier runs
    loaded at start), per outlet ``newscrawl/outlet/<key>/stored|store_failed|spilled``;
    ``newscrawl/run_id`` and ``newscrawl/run_status``; ``newscrawl/fatal_error`` (one line)
    when the crawl could not run; ``newscrawl/store/busy_seconds`` and ``…/wait_seconds``
    (see StorageTime).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.uri = s.get("MONGO_URI")
        self.database = s.get("MONGO_DATABASE")
        self.timeout = s.getfloat("NEWSCRAWL_MONGO_TIMEOUT")
        self.socket_timeout = s.getfloat("NEWSCRAWL_MONGO_SOCKET_TIMEOUT", 60.0)
        self.batch_size = s.getint("NEWSCRAWL_BATCH_SIZE")
        self.flush_interval = s.getfloat("NEWSCRAWL_FLUSH_INTERVAL")
        self.store_raw = s.getbool("NEWSCRAWL_STORE_RAW_HTML")
        self.retry_seconds = s.getfloat("NEWSCRAWL_STORE_RETRY_SECONDS", 120.0)
        self.spill_dir = Path(s.get("NEWSCRAWL_SPILL_DIR") or "var/spill")
        self.heartbeat_interval = max(0.5, s.getfloat("NEWSCRAWL_HEARTBEAT_INTERVAL", 30.0))
        self.run_id = new_run_id()
        self.writer: StoreWriter | None = None
        self.dedup: BatchDedup | None = None
        self._heartbeat: task.LoopingCall | None = None
        self._reports: queue.SimpleQueue[BatchReport] = queue.SimpleQueue()
        self.started_at = utcnow()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    @property
    def stats(self):
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def open_spider(self) -> None:
        with StorageTime.of(self.crawler).waiting():  # the crawl waits until the run is started
            self._open()

    def _open(self) -> None:
        try:
            store = ArticleStore(connect(self.uri, self.database, self.timeout, self.socket_timeout))
            store.ensure_indexes()
        except (StorageUnavailable, PyMongoError) as exc:
            message = str(exc).split("\n", 1)[0][:500]
            logger.error("%s", message)
            self.stats.set_value("newscrawl/fatal", "mongodb_unavailable")
            self.stats.set_value("newscrawl/fatal_error", message)
            # Close once the spider is fully open (closing from inside open_spider
            # breaks Scrapy's own stats); no item can be stored meanwhile.
            self.crawler.signals.connect(self._close_unavailable, signal=signals.spider_opened)
            return
        spill = SpillFile(self.spill_dir / f"{self.run_id}.jsonl")
        # Exact and near duplicates (story_id) are found in the writer's annotate stage,
        # one query per batch (two on FerretDB), for new and changed records only; on
        # FerretDB its index stage then adds their keys to the emulated index.
        self.dedup = BatchDedup.for_articles(store.articles, DedupParams.from_settings(self.crawler.settings))
        dedup = self.dedup.stages()
        self.writer = StoreWriter(
            BatchStorer(store, self.retry_seconds, spill=spill, **dedup),
            self.batch_size,
            self.flush_interval,
            on_report=self._report_from_writer,
            replay_from=self.spill_dir,
            replay_storer=BatchStorer(store, self.retry_seconds, **dedup),
        )
        spider = self.crawler.spider
        start = start_document(self.run_id, getattr(spider, "name", ""), self._outlets(),
                               _spider_arguments(spider), self.started_at, self.heartbeat_interval)
        # Written now (MongoDB has just answered), before any spill file of an earlier run
        # is replayed; when that fails, the writer keeps trying.
        if not self.writer.storer.update_run(self.run_id, start):
            self.writer.update_run(self.run_id, start)
        self.writer.start()
        self.stats.set_value("newscrawl/run_id", self.run_id)
        self.crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(self.heartbeat_interval, now=False)

    async def _close_unavailable(self) -> None:
        assert self.crawler.engine is not None
        await self.crawler.engine.close_spider_async(reason="mongodb_unavailable")

    def _outlets(self) -> list[str]:
        return list(getattr(self.crawler.spider, "outlet_keys", []))

    def process_item(self, item: Any) -> Any:
        if not (isinstance(item, dict) and isinstance(item.get("article"), Article)):
            return item
        if self.writer is None:
            self.stats.inc_value("newscrawl/dropped/storage_unavailable")
            raise DropItem(f"storage_unavailable: {item['article'].url}")
        page = item.get("page") if self.store_raw else None
        self.writer.submit(item["article"], page if isinstance(page, FetchedPage) else None)
        return item["article"]

    # --- results, on the reactor thread ------------------------------------------------------
    def _report_from_writer(self, report: BatchReport) -> None:
        """Called on the writer thread: hand the report to the reactor thread."""
        from twisted.internet import reactor  # the installed one (importing it early would install a default)

        self._reports.put(report)
        reactor.callFromThread(self._apply_reports)

    def _apply_reports(self) -> None:
        while True:
            try:
                report = self._reports.get_nowait()
            except queue.Empty:
                return
            self._count(report)

    def _count(self, report: BatchReport) -> None:
        inc = self.stats.inc_value
        for result in report.results:
            if result.origin == "replay":
                inc(f"newscrawl/replay/{result.status}")
                continue
            outlet = f"newscrawl/outlet/{result.outlet}/"
            if result.status in STORED:
                inc(f"newscrawl/stored/{result.status}")
                inc(outlet + "stored")
            elif result.status == FAILED:
                inc("newscrawl/store_failed")
                inc(f"newscrawl/store_failed/{result.reason}")
                inc(outlet + "store_failed")
            elif result.status == SPILLED:
                inc("newscrawl/spilled")
                inc(outlet + "spilled")
            elif result.status == STALE:
                inc("newscrawl/store/stale")
            if result.page:
                inc(f"newscrawl/pages/{result.page}")
            for name in result.dates_nulled:
                inc(f"newscrawl/store/date_nulled/{name}")
        if report.retries:
            inc("newscrawl/store/retries", report.retries)
        if report.spill_file:
            self.stats.set_value("newscrawl/spill_file", report.spill_file)

    def _counts(self) -> dict[str, Any]:
        """The run record's counts, from the stats."""
        stats = self.stats.get_stats()
        get = lambda key: stats.get(key, 0)  # noqa: E731
        dropped, replay = "newscrawl/dropped/", "newscrawl/replay/"
        return {
            "stored_new": get("newscrawl/stored/new"),
            "stored_changed": get("newscrawl/stored/changed"),
            "stored_unchanged": get("newscrawl/stored/unchanged"),
            "stored_updated": get("newscrawl/stored/changed") + get("newscrawl/stored/unchanged"),
            "store_failed": get("newscrawl/store_failed"),
            "spilled": get("newscrawl/spilled"),
            "pages": {k: get(f"newscrawl/pages/{k}") for k in ("stored", "failed", "spilled")},
            "dates_nulled": sum(v for k, v in stats.items() if k.startswith("newscrawl/store/date_nulled/")),
            "replayed": {k[len(replay):]: v for k, v in stats.items() if k.startswith(replay)},
            "dropped": {k[len(dropped):]: v for k, v in stats.items() if k.startswith(dropped)},
            # What the text stage counted: fallbacks, implausible dates, encoding fallbacks, …
            "text_events": {k[len(TEXT_EVENTS):]: v for k, v in stats.items() if k.startswith(TEXT_EVENTS)},
            # Per outlet: {"reserved", "source", "skipped"} from the spider's TDM checks.
            "tdm": {k[len(TDM_STATS):]: v for k, v in stats.items() if k.startswith(TDM_STATS)},
            "requests": get("downloader/request_count"),
            # Incremental crawls: discovered URLs not downloaded as already known.
            "known_skipped": get("newscrawl/discovery/known_skipped"),
            "outlet_stats": _outlet_stats(stats, self._outlets()),
            "since_by_outlet": {k[len(SINCE_STATS):]: v for k, v in stats.items() if k.startswith(SINCE_STATS)},
        }

    def _beat(self) -> None:
        try:
            self._apply_reports()
            if self.writer is not None:
                self.writer.update_run(self.run_id, {"heartbeat_at": utcnow(), **self._counts()})
        except Exception as exc:  # a heartbeat must never stop the crawl
            logger.error("run heartbeat failed: %s", str(exc).split("\n", 1)[0][:300])

    # --- the end -----------------------------------------------------------------------------
    async def close_spider(self) -> None:
        """Wait until every record is written, spilled or failed (bounded by the retry window)."""
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self.writer is None:
            return
        try:
            with StorageTime.of(self.crawler).waiting():
                await maybe_deferred_to_future(threads.deferToThread(self.writer.drain))
        except Exception as exc:
            logger.error("storage drain failed: %s", str(exc).split("\n", 1)[0][:300])
        self._apply_reports()
        if self.dedup is not None:  # newscrawl/dedup/* (the writer thread is idle now)
            self.dedup.counts.to_stats(self.stats)

    async def _spider_closed(self, reason: str) -> None:
        """End the run record (the finish reason is known only now) and stop the writer."""
        if self.writer is None:
            return
        try:
            self._apply_reports()
            status, why = status_for(reason)
            spill_file = self.stats.get_value("newscrawl/spill_file", "")
            outcomes = run_outcomes(self.stats.get_stats(), self._outlets(), spill_file)
            now = utcnow()
            self.writer.update_run(self.run_id, {
                "status": status, "reason": why, "finished_at": now, "heartbeat_at": now, **self._counts(),
                "outcomes": {o.outlet: o.as_dict() for o in outcomes}, "spill_file": spill_file or None,
            }, final=True)
            self.stats.set_value("newscrawl/run_status", status)
            with StorageTime.of(self.crawler).waiting():
                await maybe_deferred_to_future(threads.deferToThread(self.writer.close))
        except Exception as exc:
            logger.error("run record not ended: %s", str(exc).split("\n", 1)[0][:300])
        StorageTime.of(self.crawler).add_busy(self.writer.busy_seconds)
        self._apply_reports()


STORE_BUSY = "newscrawl/store/busy_seconds"
STORE_WAIT = "newscrawl/store/wait_seconds"


class StorageTime:
    """The crawl's time on storage, in its stats: ``newscrawl/store/busy_seconds`` — storage
    threads at work on MongoDB, off the reactor (summed over threads); and
    ``newscrawl/store/wait_seconds`` — wall time the crawl was held up by storage (the
    connection, indexes and run record at the start, the learned boilerplate an outlet's first
    page waits for, the writer's drain, the run record and the boilerplate saved at the end),
    overlapping waits counted once. One per crawl: ``StorageTime.of(crawler)``."""

    _of: WeakKeyDictionary[Crawler, StorageTime] = WeakKeyDictionary()

    @classmethod
    def of(cls, crawler: Crawler) -> StorageTime:
        if crawler not in cls._of:
            assert crawler.stats is not None
            cls._of[crawler] = cls(crawler.stats)
        return cls._of[crawler]

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self._waits = 0             # waits in progress (all on the reactor thread)
        self._since = 0.0

    def add_busy(self, seconds: float) -> None:
        self.stats.set_value(STORE_BUSY, self.stats.get_value(STORE_BUSY, 0.0) + seconds)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around code during which the crawl waits for storage."""
        if not self._waits:
            self._since = time.monotonic()
        self._waits += 1
        try:
            yield
        finally:
            self._waits -= 1
            if not self._waits:
                waited = time.monotonic() - self._since
                self.stats.set_value(STORE_WAIT, self.stats.get_value(STORE_WAIT, 0.0) + waited)


def _spider_arguments(spider: Any) -> dict[str, Any]:
    """The spider arguments of the run, as recorded in ``runs.arguments``."""
    since = "last" if getattr(spider, "since_last", False) else getattr(spider, "since", None)
    return {
        "outlets": list(getattr(spider, "outlet_keys", [])),
        "since": since.isoformat() if hasattr(since, "isoformat") else since,
        "limit": getattr(spider, "limit", None) or None,
        "refresh": bool(getattr(spider, "refresh", False)),
    }


# Per-outlet counts kept in the run record (`runs.outlet_stats`), from newscrawl/outlet/<key>/<fact>.
OUTLET_COUNTS = ("found", "known_skipped", "articles_scheduled", "fetched", "stored", "dropped",
                 "store_failed", "spilled", "requests_failed", "sources_ok", "sources_failed")
# `-a since=last`: the date each outlet's entries were taken from (spider stats).
SINCE_STATS = "newscrawl/since/"


def _outlet_stats(stats: dict[str, Any], outlets: list[str]) -> dict[str, dict[str, int]]:
    return {outlet: {name: int(stats.get(f"newscrawl/outlet/{outlet}/{name}", 0) or 0) for name in OUTLET_COUNTS}
            for outlet in outlets}
