"""MongoDB schema, indexes, documents and the batched lookups of the newscrawl database.

Collections:
- ``articles``: one document per canonical URL (``_id`` = ``url``), see ``Article``; change
  aware (``updated_at`` moves only when the content changes, see ``content_fingerprint``).
- ``pages``: the raw HTML (zlib-compressed) of each article page, for reprocessing.
- ``runs``: one document per crawl, from its start to its end (see ``store/runs.py``).
- ``known_urls``: discovered URLs that are not a record's ``_id`` — pages the text stage
  rejected, and aliases of stored records (see ``store/known.py``).

All writes go through the one writer (``store/writer.py``); this module builds the
documents and operations it sends, and answers its batched lookups.

Works with MongoDB and FerretDB 1.24 (SQLite backend): only plain CRUD, ``bulk_write``
with ``UpdateOne`` upserts, ``find`` with ``$in``, simple and compound indexes, and
``$group`` aggregations.

FerretDB 1.24 incompatibilities:
- its SQLite backend keeps one pooled SQLite connection busy per update statement until
  the whole ``update`` command ends, and the pool holds 100 connections per database. One
  bulk of more than 100 updates of existing documents — or a few concurrent bulks adding
  up to that — deadlocks the server for good (every later command hangs). Writes are
  therefore sent in chunks of at most ``FERRETDB_OPS_PER_COMMAND`` statements (``in_chunks``).
- it stores documents over 16 MiB that MongoDB rejects, so the writer checks the size
  itself (``oversized``) and both servers behave the same;
- a document it refuses (e.g. a ``$``-prefixed field name) fails the whole command with a
  reply pymongo cannot parse (``KeyError: 'nModified'``) instead of a per-document write
  error, so the writer isolates the document by splitting the batch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import bson
from pymongo import ASCENDING, DESCENDING, MongoClient, UpdateOne
from pymongo.database import Database
from pymongo.errors import ConfigurationError, InvalidName, PyMongoError

from newscrawl.items import Article, FetchedPage
from newscrawl.store.corpus import ensure_corpus_indexes

ARTICLES = "articles"
FERRETDB_OPS_PER_COMMAND = 25
MONGODB_OPS_PER_COMMAND = 1000
PAGES = "pages"
RUNS = "runs"
# Discovered URLs that are not a record's _id: rejected pages and aliases (store/known.py).
KNOWN_URLS = "known_urls"
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # MongoDB's maxBsonObjectSize
# Fields whose change is a change of the record ("updated_at" moves only then).
CONTENT_FIELDS = ("title", "lead", "text", "published_at", "modified_at", "authors")
# Fields an unchanged record keeps when it is reprocessed (its content, and when it was fetched).
UNCHANGED_BY_REPROCESSING = frozenset({"_id", "url", "fetched_at", "content_fingerprint", *CONTENT_FIELDS})
# Stored fields the writer needs to tell new, changed, unchanged and stale records apart.
VERSION_FIELDS = ("content_fingerprint", "content_hash", "revisions", "last_fetched_at", "fetched_at")
# Dates outside this window are not a page's real dates (BSON itself stops at year 9999).
EARLIEST_PLAUSIBLE_DATE = datetime(1900, 1, 1, tzinfo=timezone.utc)
FUTURE_TOLERANCE = timedelta(days=2)
# Query options of a MongoDB URI whose values are secrets (besides the userinfo password).
SECRET_OPTION_WORDS = ("password", "secret", "token", "authmechanismproperties")


class StorageUnavailable(RuntimeError):
    """MongoDB cannot be reached or refused the connection; the message is one line."""


class MongoSettingError(ValueError):
    """``MONGO_URI`` or ``MONGO_DATABASE`` cannot be used at all; the message is one line."""


def redact_uri(uri: str) -> str:
    """``uri`` with its password and secret query options replaced by ``***`` (safe to log).

    Also for malformed URIs (an unescaped ``@`` or ``:`` in the password): everything
    between ``scheme://`` and the last ``@`` of the host part counts as userinfo.
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "(unparsable URI)"
    netloc = parts.netloc
    userinfo, at, hosts = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:***@{hosts}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_is_secret_option(name) for name, _ in pairs):
            query = "&".join(
                f"{name}={'***' if _is_secret_option(name) else quote(value, safe=',:/')}" for name, value in pairs
            )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _is_secret_option(name: str) -> bool:
    low = name.lower()
    return any(word in low for word in SECRET_OPTION_WORDS)


def _one_line(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0]
    return text.split(", Timeout:", 1)[0].split(" (configured timeouts", 1)[0][:300]


def validate_mongo_settings(uri: str, database: str) -> None:
    """Raise ``MongoSettingError`` (one line, secrets redacted) when ``uri`` is not a
    MongoDB URI or ``database`` not a database name. No network round trip."""
    try:
        client: MongoClient = MongoClient(uri, connect=False)
    except (ConfigurationError, ValueError, TypeError) as exc:
        raise MongoSettingError(f"MONGO_URI={redact_uri(uri)} is not a valid MongoDB URI: {_one_line(exc)}") from None
    try:
        if not database or len(database.encode()) > 63:
            raise InvalidName("database names must be 1 to 63 bytes long")
        client[database]
    except InvalidName as exc:
        raise MongoSettingError(f"MONGO_DATABASE={database!r} is not a valid database name: {exc}") from None
    finally:
        client.close()


def connect(uri: str, database: str, timeout: float = 5.0, socket_timeout: float = 60.0) -> Database:
    """Connect and ping; raise ``StorageUnavailable`` within about ``timeout`` seconds.

    ``socket_timeout``: a command that takes longer fails (and the writer retries it),
    so a frozen server cannot hang the crawl.
    """
    ms = max(int(timeout * 1000), 100)
    try:
        client: MongoClient = MongoClient(
            uri,
            serverSelectionTimeoutMS=ms,
            connectTimeoutMS=ms,
            socketTimeoutMS=max(int(socket_timeout * 1000), 100),
            tz_aware=True,
            appname="newscrawl",
        )
        client.admin.command("ping")
    except (PyMongoError, ValueError) as exc:
        raise StorageUnavailable(
            f"cannot reach MongoDB at MONGO_URI={redact_uri(uri)} within {timeout:g}s "
            f"({_one_line(exc)}); set MONGO_URI to a running MongoDB"
        ) from None
    return client[database]


def ops_per_command(db: Database) -> int:
    """How many write statements one command may carry on this server (see above)."""
    try:
        info = db.client.admin.command("buildInfo")
    except PyMongoError:
        return FERRETDB_OPS_PER_COMMAND
    return FERRETDB_OPS_PER_COMMAND if "ferretdbFeatures" in info else MONGODB_OPS_PER_COMMAND


def in_chunks(ops: list, size: int) -> list[list]:
    """``ops`` split into lists of at most ``size`` (one write command each)."""
    return [ops[start : start + size] for start in range(0, len(ops), size)]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- documents ----------------------------------------------------------------------------
def article_document(article: Article) -> dict[str, Any]:
    doc = dataclasses.asdict(article)
    doc["_id"] = article.url
    return doc


def fetched_page(doc: dict[str, Any]) -> FetchedPage:
    """The ``FetchedPage`` a ``pages`` document was made from (``scrapy reprocess``)."""
    return FetchedPage(url=doc["url"], outlet=doc.get("outlet") or "", body=zlib.decompress(doc["html_zlib"]),
                       status=int(doc.get("status") or 200), headers=dict(doc.get("headers") or {}),
                       fetched_at=doc["fetched_at"])


def page_document(page: FetchedPage) -> dict[str, Any]:
    """The ``pages`` document of a fetched page (its shape is read by reprocessing)."""
    return {
        "_id": page.url,
        "url": page.url,
        "outlet": page.outlet,
        "status": page.status,
        "headers": page.headers,
        "fetched_at": page.fetched_at,
        "html_zlib": zlib.compress(page.body, 6),
    }


def _ms(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat()  # BSON keeps ms


def content_fingerprint(doc: dict[str, Any]) -> str:
    """sha1 of the fields whose change is a change of the record (``CONTENT_FIELDS``)."""
    values = [
        _ms(doc.get(name)) if name.endswith("_at") else doc.get(name) or ("" if name != "authors" else [])
        for name in CONTENT_FIELDS
    ]
    return hashlib.sha1(json.dumps(values, ensure_ascii=False, default=str).encode()).hexdigest()


def null_implausible_dates(doc: dict[str, Any], now: datetime, path: str = "") -> list[str]:
    """Set every datetime that BSON cannot hold, or that no page can carry (before 1900,
    more than two days ahead), to ``None`` in place; return the dotted paths nulled."""
    nulled = []
    items: Iterable[tuple[Any, Any]] = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for key, value in items:
        where = f"{path}{key}"
        if isinstance(value, datetime):
            try:
                utc = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
                plausible = EARLIEST_PLAUSIBLE_DATE <= utc <= now + FUTURE_TOLERANCE
            except (OverflowError, ValueError):
                plausible = False
            if not plausible:
                doc[key] = None
                nulled.append(where)
        elif isinstance(value, (dict, list)):
            nulled += null_implausible_dates(value, now, where + ".")
    return nulled


def _size_bound(value: Any) -> int:
    """An upper bound of ``value``'s BSON size, cheap to compute."""
    if isinstance(value, str):
        return 4 * len(value) + 8
    if isinstance(value, (bytes, bytearray)):
        return len(value) + 8
    if isinstance(value, dict):
        return sum(_size_bound(k) + _size_bound(v) for k, v in value.items()) + 8
    if isinstance(value, (list, tuple)):
        return sum(_size_bound(v) + 8 for v in value) + 8
    return 24


def oversized(doc: dict[str, Any], limit: int = MAX_DOCUMENT_BYTES) -> bool:
    """True when ``doc`` is larger than MongoDB's document limit (encoded only when near it)."""
    if _size_bound(doc) <= limit:
        return False
    return len(bson.encode(doc)) > limit


# --- the database -------------------------------------------------------------------------
class ArticleStore:
    """Schema, documents and batched queries of the newscrawl database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.articles = db[ARTICLES]
        self.pages = db[PAGES]
        self.runs = db[RUNS]
        self.ops_per_command = ops_per_command(db)

    def ensure_indexes(self) -> None:
        """Create the indexes (idempotent: safe at every spider start)."""
        self.articles.create_index([("url", ASCENDING)], unique=True, name="url_unique")
        self.articles.create_index(
            [("outlet", ASCENDING), ("published_at", DESCENDING)], name="outlet_published"
        )
        self.articles.create_index([("content_hash", ASCENDING)], name="content_hash")
        self.articles.create_index([("language", ASCENDING)], name="language")
        self.articles.create_index([("updated_at", ASCENDING)], name="updated_at")
        self.runs.create_index([("finished_at", DESCENDING)], name="finished")
        self.runs.create_index([("started_at", DESCENDING)], name="started")
        self.db[KNOWN_URLS].create_index([("outlet", ASCENDING), ("noted_at", ASCENDING)], name="outlet_noted")
        ensure_corpus_indexes(self.articles)  # lsh (multikey), story_published

    def stored_versions(self, urls: list[str], fields: Iterable[str] = VERSION_FIELDS) -> dict[str, dict[str, Any]]:
        """``{url: stored fields}`` of those ``urls`` that have a record: one query per call.

        Records stored before change-aware records had no ``content_fingerprint``; it is
        computed from their content (one more query, only for those).
        """
        if not urls:
            return {}
        projection = {name: 1 for name in fields}
        found = {doc["_id"]: doc for doc in self.articles.find({"_id": {"$in": urls}}, projection)}
        legacy = [url for url, doc in found.items() if not doc.get("content_fingerprint")]
        if legacy and "content_fingerprint" in projection:
            for doc in self.articles.find({"_id": {"$in": legacy}}, {name: 1 for name in CONTENT_FIELDS}):
                found[doc["_id"]]["content_fingerprint"] = content_fingerprint(doc)
        return found

    def article_update(
        self, doc: dict[str, Any], status: str, stored: dict[str, Any] | None, fetched: datetime, now: datetime,
        reprocessed: bool = False,
    ) -> UpdateOne:
        """The write of one record: ``status`` is ``new``, ``changed`` or ``unchanged``.

        Built once per record and resent as is on retries, so every value is computed
        here (``revisions`` is ``$set``, never ``$inc``): a write the server applied before
        a timeout is not counted twice.

        ``reprocessed``: the record was made again from its stored page (``scrapy
        reprocess``), not fetched. No fetch moves (``last_fetched_at``), and a new cleaning is
        not an edit by the outlet (``revisions``, ``content_changed_at`` and
        ``previous_content_hash`` stay); a changed record moves ``updated_at``; an unchanged
        one gets the fields the text stage derives besides its content (``cleaning``,
        ``extractor``, ``credits``, …). ``reprocessed_at`` says when.
        """
        if reprocessed and status != "new":
            if status == "unchanged":
                fields = {k: v for k, v in doc.items() if k not in UNCHANGED_BY_REPROCESSING}
            else:
                fields = dict(doc, updated_at=now)
            return UpdateOne({"_id": doc["_id"]}, {"$set": dict(fields, reprocessed_at=now)})
        if reprocessed:
            doc = dict(doc, reprocessed_at=now)
        if status == "unchanged":
            # Only the fetch is new; upsert=False: a record deleted meanwhile is not recreated as a stub.
            return UpdateOne({"_id": doc["_id"]}, {"$set": {"last_fetched_at": fetched}})
        fields = dict(doc, updated_at=now, last_fetched_at=fetched)
        if status == "changed":
            stored = stored or {}
            fields.update(
                content_changed_at=now,
                revisions=int(stored.get("revisions") or 0) + 1,
                previous_content_hash=stored.get("content_hash"),
            )
        else:
            fields.update(content_changed_at=None, revisions=0, previous_content_hash=None)
        return UpdateOne({"_id": doc["_id"]}, {"$set": fields, "$setOnInsert": {"first_seen_at": fetched}}, upsert=True)

    def page_documents(self, since: datetime | None = None, outlets: Iterable[str] = (),
                       batch_size: int = 100) -> Iterable[dict[str, Any]]:
        """The stored pages (a cursor: read in batches), of ``outlets`` and fetched at or
        after ``since`` when given."""
        query: dict[str, Any] = {}
        if outlets:
            query["outlet"] = {"$in": list(outlets)}
        if since is not None:
            query["fetched_at"] = {"$gte": since}
        return self.pages.find(query, batch_size=batch_size)

    def page_update(self, page: dict[str, Any], now: datetime) -> UpdateOne:
        return UpdateOne({"_id": page["_id"]}, {"$set": dict(page, updated_at=now)}, upsert=True)

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
