"""MongoDB schema, indexes and batched idempotent writes.

Collections:
- ``articles``: one document per canonical URL (``_id`` = ``url``), see ``Article``.
- ``pages``: the raw HTML (zlib-compressed) of each article page, for reprocessing.
- ``runs``: one report per finished crawl (counts, drops by reason).

Works with MongoDB and FerretDB 1.24 (SQLite backend): only plain CRUD, ``bulk_write``
with ``UpdateOne`` upserts, simple and compound indexes, and ``$group`` aggregations.

FerretDB 1.24 incompatibility: its SQLite backend keeps one pooled SQLite connection busy
per update statement until the whole ``update`` command ends, and the pool holds 100
connections per database. One bulk of more than 100 updates of existing documents — or
a few concurrent bulks adding up to that — deadlocks the server for good (every later
command hangs). ``bulk_write_chunked`` therefore sends at most ``FERRETDB_OPS_PER_COMMAND``
statements per command when the server is FerretDB.
"""

from __future__ import annotations

import dataclasses
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pymongo import ASCENDING, DESCENDING, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, PyMongoError

from newscrawl.items import Article, FetchedPage
from newscrawl.store.corpus import BatchDedup, ensure_corpus_indexes

ARTICLES = "articles"
FERRETDB_OPS_PER_COMMAND = 25
MONGODB_OPS_PER_COMMAND = 1000
PAGES = "pages"
RUNS = "runs"


class StorageUnavailable(RuntimeError):
    """MongoDB cannot be reached or refused the connection; the message is one line."""


def redact_uri(uri: str) -> str:
    """``uri`` with any password replaced by ``***`` (safe to log)."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def connect(uri: str, database: str, timeout: float = 5.0) -> Database:
    """Connect and ping; raise ``StorageUnavailable`` within about ``timeout`` seconds."""
    ms = max(int(timeout * 1000), 100)
    try:
        client: MongoClient = MongoClient(
            uri,
            serverSelectionTimeoutMS=ms,
            connectTimeoutMS=ms,
            # A server that stops answering fails the write (counted) instead of
            # hanging the crawl for ever.
            socketTimeoutMS=60_000,
            tz_aware=True,
            appname="newscrawl",
        )
        client.admin.command("ping")
    except (PyMongoError, ValueError) as exc:
        first_line = str(exc).split("\n", 1)[0].split(", Timeout:", 1)[0].split(" (configured timeouts", 1)[0]
        raise StorageUnavailable(
            f"cannot reach MongoDB at MONGO_URI={redact_uri(uri)} within {timeout:g}s "
            f"({first_line}); set MONGO_URI to a running MongoDB"
        ) from None
    return client[database]


def ops_per_command(db: Database) -> int:
    """How many write statements one command may carry on this server (see above)."""
    try:
        info = db.client.admin.command("buildInfo")
    except PyMongoError:
        return FERRETDB_OPS_PER_COMMAND
    return FERRETDB_OPS_PER_COMMAND if "ferretdbFeatures" in info else MONGODB_OPS_PER_COMMAND


def in_chunks(ops: list[UpdateOne], size: int) -> list[list[UpdateOne]]:
    """``ops`` split into lists of at most ``size`` (one write command each)."""
    return [ops[start : start + size] for start in range(0, len(ops), size)]


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    failed: int = 0

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.failed += other.failed


def article_document(article: Article) -> dict[str, Any]:
    doc = dataclasses.asdict(article)
    doc["_id"] = article.url
    return doc


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ArticleStore:
    """Schema and queries of the newscrawl database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.articles = db[ARTICLES]
        self.pages = db[PAGES]
        self.runs = db[RUNS]
        self.ops_per_command = ops_per_command(db)
        self.errors: list[str] = []  # last write errors, for the log

    def ensure_indexes(self) -> None:
        """Create the indexes (idempotent: safe at every spider start)."""
        self.articles.create_index([("url", ASCENDING)], unique=True, name="url_unique")
        self.articles.create_index(
            [("outlet", ASCENDING), ("published_at", DESCENDING)], name="outlet_published"
        )
        self.articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        self.articles.create_index([("language", ASCENDING)], name="language")
        self.runs.create_index([("finished_at", DESCENDING)], name="finished")
        ensure_corpus_indexes(self.articles)  # corpus (issue 10): lsh, story_published

    def article_upsert(self, article: Article, now: datetime) -> UpdateOne:
        """Re-crawling a URL updates its record; ``first_seen_at`` keeps the first time."""
        doc = article_document(article)
        doc["updated_at"] = now
        return UpdateOne(
            {"_id": article.url},
            {"$set": doc, "$setOnInsert": {"first_seen_at": now}},
            upsert=True,
        )

    def page_upsert(self, page: FetchedPage, now: datetime) -> UpdateOne:
        doc = {
            "url": page.url,
            "outlet": page.outlet,
            "status": page.status,
            "headers": page.headers,
            "fetched_at": page.fetched_at,
            "html_zlib": zlib.compress(page.body, 6),
            "updated_at": now,
        }
        return UpdateOne({"_id": page.url}, {"$set": doc}, upsert=True)

    def bulk_write_chunked(self, collection: Collection, ops: list[UpdateOne]) -> WriteCounts:
        """Unordered bulk write in server-safe chunks; failures are counted, not raised."""
        counts = WriteCounts()
        for chunk in in_chunks(ops, self.ops_per_command):
            counts.add(self._bulk(collection, chunk))
        return counts

    def _bulk(self, collection: Collection, ops: list[UpdateOne]) -> WriteCounts:
        try:
            result = collection.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            details = exc.details
            write_errors = details.get("writeErrors", [])
            self.errors.extend(e.get("errmsg", "") for e in write_errors[:5])
            return WriteCounts(
                inserted=details.get("nUpserted", 0),
                updated=details.get("nMatched", 0),
                failed=len(write_errors),
            )
        except PyMongoError as exc:
            self.errors.append(str(exc).split("\n", 1)[0])
            return WriteCounts(failed=len(ops))
        return WriteCounts(inserted=result.upserted_count, updated=result.matched_count)

    def record_run(self, report: dict[str, Any]) -> None:
        self.runs.insert_one(dict(report))

    def outlet_summary(self, outlets: list[str]) -> list[dict[str, Any]]:
        """Per outlet: stored articles, newest titles, and its last run's drops and TDM status."""
        summary = []
        for outlet in outlets:
            titles = [
                d["title"]
                for d in self.articles.find({"outlet": outlet}, {"title": 1})
                .sort("published_at", DESCENDING)
                .limit(3)
            ]
            last_run = self.runs.find_one({"outlets": outlet}, sort=[("finished_at", DESCENDING)]) or {}
            summary.append(
                {
                    "outlet": outlet,
                    "articles": self.articles.count_documents({"outlet": outlet}),
                    "titles": titles,
                    "dropped": last_run.get("dropped", {}),
                    "tdm": last_run.get("tdm", {}).get(outlet, {}),
                }
            )
        return summary


class BatchWriter:
    """Buffers upserts and sends them with one ``bulk_write`` per collection.

    Flushes when ``batch_size`` operations are waiting, when ``flush_interval`` seconds
    have passed since the last flush (checked on ``add`` and ``flush_if_due``), and on
    ``close``.
    """

    def __init__(
        self,
        store: ArticleStore,
        batch_size: int = 100,
        flush_interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.clock = clock
        self._articles: list[UpdateOne] = []
        self._pages: list[UpdateOne] = []
        self._last_flush = clock()
        self.totals = WriteCounts()
        self.dedup: BatchDedup | None = None  # corpus (issue 10): set by MongoPipeline

    def add(self, article: Article, page: FetchedPage | None = None) -> WriteCounts | None:
        """Queue one record (and its raw page); returns counts when this caused a flush."""
        now = _utcnow()
        self._articles.append(self.store.article_upsert(article, now))
        if page is not None:
            self._pages.append(self.store.page_upsert(page, now))
        if len(self._articles) >= self.batch_size:
            return self.flush()
        return self.flush_if_due()

    def flush_if_due(self) -> WriteCounts | None:
        if self._articles and self.clock() - self._last_flush >= self.flush_interval:
            return self.flush()
        return None

    def flush(self) -> WriteCounts:
        counts = WriteCounts()
        self._last_flush = self.clock()
        articles, self._articles = self._articles, []
        pages, self._pages = self._pages, []
        if articles:
            if self.dedup is not None:  # corpus (issue 10): dedup fields
                self.dedup.annotate_upserts(self.store.articles, articles)
            counts = self.store.bulk_write_chunked(self.store.articles, articles)
        if pages:
            counts.failed += self.store.bulk_write_chunked(self.store.pages, pages).failed
        self.totals.add(counts)
        return counts
