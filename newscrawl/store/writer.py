"""The one writer: durable, batched MongoDB writes off the reactor thread.

``StoreWriter`` runs a single thread that takes records from a queue (``submit`` returns
at once), groups them into batches (``batch_size`` records or ``flush_interval`` seconds)
and hands each batch to ``BatchStorer.write_batch``, which runs the stages of one flush:

1. **validate** — documents built; every datetime BSON cannot hold or no page can carry is
   nulled and counted; a document over MongoDB's 16 MiB limit is failed (``too_large``);
   two records of one URL in a batch: the newer one wins.
2. **look up** — one ``_id $in`` query for the stored version of every record
   (``ArticleStore.stored_versions``) → ``new`` / ``changed`` / ``unchanged``, or for a
   replayed record ``stale`` (the database already holds this fetch or a newer one: a
   replayed record never overwrites a newer one, and a record replayed twice is one).
3. **annotate** — the annotators (e.g. duplicate detection), called once per batch with the
   documents to be written and the stored versions.
4. **build** — one update per page and per article, built once and resent as is on retries.
5. **write pages**, then **write articles** — an article is written only after its raw page
   is acknowledged, so no article lacks its page.
6. **index** — the indexers (e.g. FerretDB's emulated dedup index), called once per batch
   with the new and changed articles the server acknowledged, after them: a crash or an
   error before this stage loses no record, only index entries. Tried once; an indexer
   reports its own failures (it is never retried, and never spills a written record).

Transient errors (connection lost, timeouts, a stepping-down primary) are retried with
backoff for up to ``retry_seconds`` per batch (less when more than ``MAX_BACKLOG_BATCHES``
batches wait in the queue); then the records not yet acknowledged are appended to the
spill file (one log line when spilling starts, one when it stops), and
while MongoDB stays down later batches go straight to the spill file, with a retry every
``PROBE_SECONDS``. A document the server (or the client) rejects is isolated by splitting
its chunk in halves until it stands alone; it is failed with a reason and its URL is
logged, and the rest of the batch is written. No exception leaves ``write_batch``.

Results (``BatchReport``) go to ``on_report`` from the writer thread; the Scrapy pipeline
forwards them to the reactor thread for the stats.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    DocumentTooLarge,
    ExecutionTimeout,
    OperationFailure,
    PyMongoError,
    WriteConcernError,
)

from newscrawl.items import Article, FetchedPage
from newscrawl.store.mongo import (
    VERSION_FIELDS,
    ArticleStore,
    StorageUnavailable,
    article_document,
    content_fingerprint,
    in_chunks,
    null_implausible_dates,
    oversized,
    page_document,
    utcnow,
)
from newscrawl.store.spill import (
    SpillError,
    SpillFile,
    SpillReader,
    claim,
    record_entry,
    run_entry,
    spill_files,
)

logger = logging.getLogger(__name__)

PROBE_SECONDS = 5.0  # while spilling, how often a batch tries MongoDB again
# Records waiting in the writer's queue, in batches, beyond which a batch MongoDB does not
# take is spilled at once instead of retried for the whole window: memory stays bounded
# when the crawl produces records faster than an outage lets them out.
MAX_BACKLOG_BATCHES = 20
MAX_BACKOFF = 2.0
# Server error codes that say "try again later", not "this document is wrong".
TRANSIENT_CODES = {6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}
REJECTION_REASONS = {10334: "too_large", 17419: "too_large", 17420: "too_large", 11000: "duplicate_key",
                     52: "invalid_field_name", 2: "bad_value"}

# Statuses of a record after a flush.
NEW, CHANGED, UNCHANGED, STALE, FAILED, SPILLED = "new", "changed", "unchanged", "stale", "failed", "spilled"
STORED = (NEW, CHANGED, UNCHANGED)
REPROCESS = "reprocess"


class Annotator(Protocol):
    """A batch stage between the lookup and the building of the writes (e.g. dedup)."""

    def __call__(self, articles: Collection, docs: list[dict[str, Any]], existing: dict[str, dict[str, Any]]) -> None: ...


class Indexer(Protocol):
    """A batch stage after the articles are written (e.g. the emulated dedup index)."""

    def __call__(self, articles: Collection, docs: list[dict[str, Any]]) -> None: ...


class _GiveUp(Exception):
    """MongoDB stayed unavailable for the retry window (or is known to be down)."""


@dataclass
class StoreRecord:
    """One article (and its raw page) on its way into MongoDB."""

    article: dict[str, Any]
    page: dict[str, Any] | None = None
    origin: str = "crawl"  # or "replay", or REPROCESS (made again from its stored page)
    status: str = ""
    reason: str = ""
    dates_nulled: list[str] = field(default_factory=list)
    stored: dict[str, Any] | None = None
    article_op: UpdateOne | None = None
    page_op: UpdateOne | None = None
    page_done: bool = False
    article_done: bool = False

    @property
    def url(self) -> str:
        return str(self.article["_id"])

    @property
    def outlet(self) -> str:
        return str(self.article.get("outlet") or "")

    def fail(self, reason: str) -> None:
        self.status, self.reason = FAILED, reason


class RecordResult(NamedTuple):
    url: str
    outlet: str
    origin: str
    status: str        # new | changed | unchanged | stale | failed | spilled
    reason: str        # why failed or spilled
    page: str          # "" (no page) | stored | failed | spilled | skipped
    dates_nulled: tuple[str, ...]


@dataclass
class BatchReport:
    results: list[RecordResult] = field(default_factory=list)
    retries: int = 0
    spill_file: str = ""  # where records of this batch were spilled


def is_transient(exc: BaseException) -> bool:
    """True for errors worth retrying: the server is away, slow or changing primaries."""
    if isinstance(exc, (ConnectionFailure, ExecutionTimeout, WriteConcernError)):
        return True
    if isinstance(exc, OperationFailure):
        return exc.has_error_label("RetryableWriteError") or exc.code in TRANSIENT_CODES
    return False


def rejection_reason(exc: BaseException) -> str:
    """A short name for why a document cannot be written (for ``store_failed/<reason>``)."""
    if isinstance(exc, DocumentTooLarge):
        return "too_large"
    if isinstance(exc, OperationFailure):
        return REJECTION_REASONS.get(exc.code or 0, f"server_error_{exc.code}")
    if isinstance(exc, PyMongoError):
        return "invalid_document"
    if isinstance(exc, (OverflowError, UnicodeError, TypeError, ValueError)):
        return "invalid_document"
    return "rejected"  # e.g. FerretDB's unparsable reply to a refused document


def _one_line(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0][:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class BatchStorer:
    """Runs the stages of one flush (see the module docstring) with retries and spilling.

    ``spill``: where records go when MongoDB stays unavailable; ``None`` (replays) makes
    ``write_batch`` raise ``StorageUnavailable`` instead, so the caller keeps its input.
    """

    def __init__(
        self,
        store: ArticleStore,
        retry_seconds: float = 120.0,
        spill: SpillFile | None = None,
        annotators: Sequence[Annotator] = (),
        lookup_fields: Sequence[str] = (),
        indexers: Sequence[Indexer] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        write_unchanged: bool = True,
        dry_run: bool = False,
    ) -> None:
        self.store = store
        # `scrapy reprocess --changed-only` leaves unchanged records as they are; --dry-run
        # classifies and annotates (reads only) and writes nothing.
        self.write_unchanged = write_unchanged
        self.dry_run = dry_run
        # True when too many records wait behind this batch (set by StoreWriter).
        self.backlog: Callable[[], bool] = lambda: False
        self.retry_seconds = retry_seconds
        self.spill = spill
        self.annotators = list(annotators)
        self.indexers = list(indexers)
        self.lookup_fields = tuple(dict.fromkeys([*VERSION_FIELDS, *lookup_fields]))
        self.clock = clock
        self.sleep = sleep
        self._outage = ""        # the error of the current outage ("" = none)
        self._spilling = False
        self._probe_at = 0.0
        self._spilled_in_outage = 0

    # --- one flush -------------------------------------------------------------------------
    def write_batch(self, records: list[StoreRecord]) -> BatchReport:
        report = BatchReport()
        now = utcnow()
        live = self._validate(records, now)
        try:
            self._retrying(lambda: self._prepare(live, now), report)
            if not self.dry_run:
                self._retrying(lambda: self._write(live), report)
                self._index(live)
        except _GiveUp:
            self._spill_records(_unwritten(live), report)
        except Exception as exc:  # a bug must not lose the batch: keep what is not written
            logger.error("storage error (%s); keeping the batch in the spill file", _one_line(exc))
            self._spill_records(_unwritten(live), report)
        for record in records:
            report.results.append(self._result(record))
        return report

    def _validate(self, records: list[StoreRecord], now: datetime) -> list[StoreRecord]:
        newest: dict[str, StoreRecord] = {}
        for record in records:
            try:
                record.dates_nulled = null_implausible_dates(record.article, now)
                if record.page is not None:
                    record.dates_nulled += ["page." + p for p in null_implausible_dates(record.page, now)]
                if oversized(record.article):
                    record.fail("too_large")
                elif record.page is not None and oversized(record.page):
                    record.fail("page_too_large")
            except Exception as exc:  # e.g. a value bson cannot encode at all
                record.fail(rejection_reason(exc))
            if record.status == FAILED:
                logger.error("not stored (%s): %s", record.reason, record.url)
                continue
            other = newest.get(record.url)
            if other is not None and _fetched(other) > _fetched(record):
                record.status, record.reason = STALE, "a newer fetch of the URL is in the same batch"
                continue
            if other is not None:
                other.status, other.reason = STALE, "a newer fetch of the URL is in the same batch"
            newest[record.url] = record
        return list(newest.values())

    def _prepare(self, live: list[StoreRecord], now: datetime) -> None:
        """Look up, classify, annotate, build the writes. Reads only: safe to repeat."""
        stored = self.store.stored_versions([r.url for r in live], self.lookup_fields)
        for record in live:
            record.stored = stored.get(record.url)
            record.article["content_fingerprint"] = content_fingerprint(record.article)
            record.status, record.reason = _classify(record), ""
        to_write = [r for r in live if r.status in (NEW, CHANGED)]
        for annotate in self.annotators:  # the dedup stage goes here
            try:
                annotate(self.store.articles, [r.article for r in to_write], stored)
            except Exception as exc:
                if is_transient(exc):
                    raise
                logger.error("annotation %s failed for a batch (%s); records stored without it",
                             getattr(annotate, "__name__", annotate), _one_line(exc))
        for record in live:
            if record.status not in STORED:
                continue
            if record.status == UNCHANGED and not self.write_unchanged:
                record.article_done = True  # nothing to write
                continue
            fetched = _fetched(record)
            record.article_op = self.store.article_update(record.article, record.status, record.stored, fetched, now,
                                                          reprocessed=record.origin == REPROCESS)
            record.page_op = self.store.page_update(record.page, now) if record.page is not None else None

    def _write(self, live: list[StoreRecord]) -> None:
        pages = [r for r in live if r.status in STORED and r.page_op is not None and not r.page_done]
        self._write_ops(self.store.pages, pages, "page")
        articles = [r for r in live if r.status in STORED and not r.article_done
                    and (r.page_op is None or r.page_done)]
        self._write_ops(self.store.articles, articles, "article")

    def _index(self, live: list[StoreRecord]) -> None:
        written = [r.article for r in live if r.article_done and r.status in (NEW, CHANGED)]
        for index in self.indexers:
            try:
                index(self.store.articles, written)
            except Exception as exc:  # the records are stored: never spill or fail them for this
                logger.error("indexer %s failed for a batch (%s); its records are stored",
                             getattr(index, "__name__", index), _one_line(exc))

    def _write_ops(self, collection: Collection, records: list[StoreRecord], kind: str) -> None:
        for chunk in in_chunks(records, self.store.ops_per_command):
            self._bulk(collection, chunk, kind)

    def _bulk(self, collection: Collection, chunk: list[StoreRecord], kind: str) -> None:
        """Write one chunk; isolate documents the server or the client rejects."""
        ops = [r.page_op if kind == "page" else r.article_op for r in chunk]
        try:
            collection.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            errors = {e.get("index"): e for e in exc.details.get("writeErrors", [])}
            if any(e.get("code") in TRANSIENT_CODES for e in errors.values()):
                raise
            for index, record in enumerate(chunk):
                error = errors.get(index)
                if error is None:
                    self._done(record, kind)
                else:
                    reason = REJECTION_REASONS.get(error.get("code") or 0, f"server_error_{error.get('code')}")
                    self._reject(record, kind, reason, str(error.get("errmsg", ""))[:300])
            return
        except Exception as exc:
            if is_transient(exc):
                raise
            if len(chunk) == 1:
                self._reject(chunk[0], kind, rejection_reason(exc), _one_line(exc))
                return
            middle = len(chunk) // 2  # which document? split until it stands alone
            self._bulk(collection, chunk[:middle], kind)
            self._bulk(collection, chunk[middle:], kind)
            return
        for record in chunk:
            self._done(record, kind)

    @staticmethod
    def _done(record: StoreRecord, kind: str) -> None:
        if kind == "page":
            record.page_done = True
        else:
            record.article_done = True

    @staticmethod
    def _reject(record: StoreRecord, kind: str, reason: str, message: str) -> None:
        record.fail(reason if kind == "article" else f"page_{reason}")
        logger.error("MongoDB refused the %s of %s (%s): %s", kind, record.url, reason, message)

    # --- retries and spilling ---------------------------------------------------------------
    def probe_now(self) -> None:
        """Let the next write try MongoDB even while spilling (the crawl is ending: one
        more real attempt before records and the run's end go to the spill file)."""
        self._probe_at = 0.0

    def _retrying(self, step: Callable[[], None], report: BatchReport) -> None:
        started = self.clock()
        delay = 0.5
        while True:
            if self._spilling and self.clock() < self._probe_at:
                raise _GiveUp()
            try:
                step()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                report.retries += 1
                if not self._outage:
                    logger.warning("MongoDB unavailable (%s); retrying for up to %gs, downloads go on",
                                   _one_line(exc), self.retry_seconds)
                self._outage = _one_line(exc)
                if self._spilling or self.backlog() or self.clock() - started + delay > self.retry_seconds:
                    self._probe_at = self.clock() + PROBE_SECONDS
                    raise _GiveUp() from None
                self.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            self._recovered()
            return

    def _recovered(self) -> None:
        if self._spilling and self.spill is not None:
            logger.warning("MongoDB is back: spilling stopped (%d record(s) spilled to %s; "
                           "`scrapy replay-spill` or the next crawl loads them)",
                           self._spilled_in_outage, self.spill.path)
        elif self._outage:
            logger.info("MongoDB is back; writes resumed")
        self._outage, self._spilling, self._spilled_in_outage = "", False, 0

    def _spill_records(self, records: list[StoreRecord], report: BatchReport) -> None:
        if not records:
            return
        if self.spill is None:
            raise StorageUnavailable(f"MongoDB unavailable for {self.retry_seconds:g}s ({self._outage})")
        reason = self._outage or "storage error"
        try:
            self.spill.append([record_entry(r.article, r.page, reason) for r in records])
        except SpillError as exc:
            logger.error("%d record(s) lost: %s", len(records), exc)
            for record in records:
                record.fail("spill_failed")
            return
        if not self._spilling:
            logger.warning("spilling to %s: MongoDB unavailable for %gs (%s)",
                           self.spill.path, self.retry_seconds, reason)
        self._spilling = True
        self._spilled_in_outage += len(records)
        report.spill_file = str(self.spill.path)
        for record in records:
            record.status, record.reason = SPILLED, reason

    @staticmethod
    def _result(record: StoreRecord) -> RecordResult:
        if record.page is None:
            page = ""
        elif record.page_done:
            page = "stored"
        elif record.status == SPILLED:
            page = "spilled"
        elif record.status == FAILED:
            page = "failed"
        else:
            page = "skipped"
        return RecordResult(record.url, record.outlet, record.origin, record.status, record.reason, page,
                            tuple(record.dates_nulled))

    # --- run records -----------------------------------------------------------------------
    def update_run(self, run_id: str, fields: dict[str, Any], final: bool = False) -> bool:
        """``$set`` fields of a run document. A heartbeat tries once (False: not written,
        the caller merges it into the next one); the final update is retried, then spilled."""
        def step() -> None:
            self.store.runs.update_one({"_id": run_id}, {"$set": fields}, upsert=True)

        report = BatchReport()
        try:
            if final:
                self.probe_now()
                self._retrying(step, report)
                return True
            if self._spilling and self.clock() < self._probe_at:
                return False
            step()
        except _GiveUp:
            return self._spill_run(run_id, fields)
        except Exception as exc:
            if final:
                logger.error("run record %s not updated: %s", run_id, _one_line(exc))
            return False
        self._recovered()
        return True

    def _spill_run(self, run_id: str, fields: dict[str, Any]) -> bool:
        if self.spill is None:
            raise StorageUnavailable(f"MongoDB unavailable for {self.retry_seconds:g}s ({self._outage})")
        try:
            self.spill.append([run_entry(run_id, fields)])
        except SpillError as exc:
            logger.error("run record %s not saved: %s", run_id, exc)
            return False
        return True


def _unwritten(records: list[StoreRecord]) -> list[StoreRecord]:
    return [r for r in records if r.status not in (FAILED, STALE) and not r.article_done]


def _fetched(record: StoreRecord) -> datetime:
    value = record.article.get("fetched_at") or (record.page or {}).get("fetched_at")
    return value if isinstance(value, datetime) else utcnow()


def _classify(record: StoreRecord) -> str:
    stored = record.stored
    if stored is None:
        return NEW
    # Only a replayed record can be older than what is stored (a crawl's fetch is current;
    # comparing it with another machine's clock could skip a real update).
    last = stored.get("last_fetched_at") or stored.get("fetched_at")
    if record.origin == "replay" and isinstance(last, datetime) and _fetched(record) <= last:
        return STALE
    if stored.get("content_fingerprint") == record.article["content_fingerprint"]:
        return UNCHANGED
    return CHANGED


# --- replay ---------------------------------------------------------------------------------
@dataclass
class ReplayResult:
    path: Path
    results: list[RecordResult] = field(default_factory=list)
    runs: int = 0
    corrupt_lines: list[int] = field(default_factory=list)
    corrupt_kept: Path | None = None


def replay_spill_file(
    path: Path,
    storer: BatchStorer,
    batch_size: int = 100,
    on_report: Callable[[BatchReport], None] | None = None,
) -> ReplayResult:
    """Load one spill file into MongoDB through the writer's stages, then remove it.

    Idempotent: a record already stored (same or newer fetch) is skipped as ``stale``.
    ``SpillError`` (missing, in use) and ``StorageUnavailable`` (MongoDB went away: the
    file is kept whole, to be replayed again) are raised to the caller.
    """
    result = ReplayResult(path)
    with claim(path) as handle:
        reader = SpillReader(path)
        for batch in reader.batches(handle, batch_size):
            records = [StoreRecord(e["article"], e.get("page"), origin="replay") for e in batch if e["kind"] == "record"]
            report = storer.write_batch(records)
            result.results += report.results
            if on_report is not None:
                on_report(report)
            for entry in batch:
                if entry["kind"] == "run":
                    storer.update_run(entry["run_id"], entry["set"], final=True)
                    result.runs += 1
        result.corrupt_lines = reader.corrupt_lines
        result.corrupt_kept = reader.finish()
    return result


# --- the writer thread ------------------------------------------------------------------------
class StoreWriter:
    """A single background thread that owns every MongoDB write of a crawl.

    ``submit``, ``update_run`` return at once (any thread); ``drain`` and ``close`` block
    until the work queued before them is done (call them off the reactor thread).
    ``busy_seconds`` is the time the thread has spent on its work (not waiting for any).
    """

    def __init__(
        self,
        storer: BatchStorer,
        batch_size: int = 100,
        flush_interval: float = 5.0,
        on_report: Callable[[BatchReport], None] = lambda report: None,
        replay_from: Path | None = None,
        replay_storer: BatchStorer | None = None,
    ) -> None:
        self.storer = storer
        self.batch_size = max(1, batch_size)
        self.flush_interval = max(0.05, flush_interval)
        self.on_report = on_report
        self.replay_from = replay_from
        self.replay_storer = replay_storer
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        storer.backlog = lambda: self._queue.qsize() > MAX_BACKLOG_BATCHES * self.batch_size
        self._thread = threading.Thread(target=self._main, name="newscrawl-store-writer", daemon=True)
        self._run_pending: dict[str, dict[str, Any]] = {}
        # Seconds the thread spent writing (batches, run records, replays): written by the
        # writer thread only, read by anyone (for the stats).
        self.busy_seconds = 0.0

    def start(self) -> None:
        self._thread.start()

    def submit(self, article: Article, page: FetchedPage | None = None) -> None:
        self._queue.put(("record", article, page))

    def update_run(self, run_id: str, fields: dict[str, Any], final: bool = False) -> None:
        self._queue.put(("run", run_id, fields, final))

    def drain(self) -> None:
        """Block until every record submitted before is written, spilled or failed."""
        done = threading.Event()
        self._queue.put(("drain", done))
        while not done.wait(1.0):
            if not self._thread.is_alive():
                return

    def close(self) -> None:
        """Drain, write the pending run updates, stop the thread."""
        self._queue.put(("stop",))
        if self._thread.is_alive():
            self._thread.join()

    # --- the thread -------------------------------------------------------------------------
    def _main(self) -> None:
        started = time.monotonic()
        self._replay_waiting()
        self.busy_seconds += time.monotonic() - started
        batch: list[StoreRecord] = []
        first = 0.0
        while True:
            timeout = None if not batch else max(0.0, first + self.flush_interval - time.monotonic())
            try:
                message = self._queue.get(timeout=timeout)
            except queue.Empty:
                message = ("flush",)
            started = time.monotonic()
            try:
                batch, first, stop = self._handle(message, batch, first)
            except Exception as exc:  # never let the writer thread die: records would wait for ever
                logger.error("storage writer error: %s", _one_line(exc))
                batch, stop = [], message[0] == "stop"
                if message[0] == "drain":
                    message[1].set()
            self.busy_seconds += time.monotonic() - started
            if stop:
                return

    def _handle(self, message: tuple, batch: list[StoreRecord], first: float) -> tuple[list[StoreRecord], float, bool]:
        kind = message[0]
        if kind == "record":
            record = self._record(message[1], message[2])
            if record is not None:
                if not batch:
                    first = time.monotonic()
                batch.append(record)
            if len(batch) >= self.batch_size or (batch and time.monotonic() - first >= self.flush_interval):
                batch = self._flush(batch)
        elif kind == "flush":
            batch = self._flush(batch)
        elif kind == "run":
            self._run_update(message[1], message[2], message[3])
        elif kind == "drain":
            self.storer.probe_now()
            batch = self._flush(batch)
            message[1].set()
        elif kind == "stop":
            self.storer.probe_now()
            self._flush(batch)
            for run_id in list(self._run_pending):
                self._run_update(run_id, {}, final=True)
            if self.storer.spill is not None:
                self.storer.spill.close()
            return [], first, True
        return batch, first, False

    def _record(self, article: Article, page: FetchedPage | None) -> StoreRecord | None:
        try:
            return StoreRecord(article_document(article), page_document(page) if page is not None else None)
        except Exception as exc:
            url = getattr(article, "url", "?")
            logger.error("cannot store %s (%s)", url, _one_line(exc))
            result = RecordResult(url, getattr(article, "outlet", ""), "crawl", FAILED, "invalid_document",
                                  "failed" if page is not None else "", ())
            self._deliver(BatchReport(results=[result]))
            return None

    def _flush(self, batch: list[StoreRecord]) -> list[StoreRecord]:
        if batch:
            self._deliver(self.storer.write_batch(batch))
        return []

    def _deliver(self, report: BatchReport) -> None:
        try:
            self.on_report(report)
        except Exception as exc:
            logger.error("storage results not counted: %s", _one_line(exc))

    def _run_update(self, run_id: str, fields: dict[str, Any], final: bool) -> None:
        pending = self._run_pending.setdefault(run_id, {})
        pending.update(fields)
        try:
            written = self.storer.update_run(run_id, pending, final=final)
        except Exception as exc:
            logger.error("run record %s not updated: %s", run_id, _one_line(exc))
            written = final
        if written:
            del self._run_pending[run_id]

    def _replay_waiting(self) -> None:
        """Replay spill files left by earlier runs (not our own) before our first batch."""
        if self.replay_from is None or self.replay_storer is None:
            return
        own = self.storer.spill.path if self.storer.spill is not None else None
        for path in spill_files(self.replay_from, exclude=own):
            try:
                result = replay_spill_file(path, self.replay_storer, self.batch_size, self._deliver)
            except SpillError as exc:
                logger.info("not replayed: %s", exc)
                continue
            except StorageUnavailable as exc:
                logger.warning("replay of %s stopped, the file is kept: %s", path, exc)
                return
            except Exception as exc:
                logger.error("replay of %s failed, the file is kept: %s", path, _one_line(exc))
                continue
            stored = sum(1 for r in result.results if r.status in STORED)
            logger.info("replayed spill file %s: %d record(s) stored, %d already stored%s", path, stored,
                        sum(1 for r in result.results if r.status == STALE),
                        f"; {len(result.corrupt_lines)} unreadable line(s) kept in {result.corrupt_kept}"
                        if result.corrupt_lines else "")
