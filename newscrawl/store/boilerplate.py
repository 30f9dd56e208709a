"""Learned-boilerplate counts in MongoDB (collection ``boilerplate``).

Only paragraphs that can become boilerplate are stored — seen in two or more different
articles of an outlet (see ``newscrawl.text.fingerprint``) — one document per (outlet,
paragraph fingerprint)::

    {_id: "<outlet>:<fp>", outlet, fp, articles: [<url fp>, …], count, sample,
     first_seen_at, updated_at}                        # a candidate
    {…, known: true, count: n, articles: []}            # boilerplate: no longer counted

``articles`` holds the distinct articles (fewer than the threshold), so updates from
several processes or runs are unions (``$addToSet``), never double counts. A paragraph is
written only when its set of articles grew, when it becomes known, and (known ones) at
most once a day when met again (``updated_at``, for pruning).

Bounded: ``prune`` (at the end of a crawl, per outlet) deletes documents not updated for
``expire_days`` (candidates not seen again, boilerplate the site no longer shows) and the
least recently updated candidates beyond ``max_candidates`` per outlet; documents of the
older schema (every short paragraph, seen once, without ``count``) go at the first prune.

FerretDB-1.24-compatible: ``$addToSet`` with ``$each`` on small arrays, ``$set`` /
``$setOnInsert`` upserts, ``find`` with ``$in``/``$or``, chunked bulk writes; no upsert is
made to collide on ``_id`` knowingly (FerretDB reports that in a shape pymongo cannot
parse; a rare collision between two processes fails that flush, which is retried).

All calls are blocking: the pipeline makes them on its own I/O thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from pymongo import ASCENDING, DeleteMany, MongoClient, UpdateOne
from pymongo.database import Database

from newscrawl.store.mongo import in_chunks, ops_per_command
from newscrawl.text.fingerprint import BoilerplateUpdate, StoredParagraph

BOILERPLATE = "boilerplate"
# Known boilerplate met again is re-dated at most this often (it is what keeps it from expiring).
REFRESH_AFTER = timedelta(days=1)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _as_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class BoilerplateStore:
    """Persisted distinct-article counts of recurring short paragraphs, per outlet."""

    def __init__(
        self, db: Database, min_articles: int, max_candidates: int = 10_000, expire_days: float = 90.0
    ) -> None:
        self.collection = db[BOILERPLATE]
        self.min_articles = min_articles
        self.max_candidates = max_candidates
        self.expire_days = expire_days
        self.writes = 0  # write statements done (upserts and deletes), for the crawl stats
        self._ops_per_command = 0

    @property
    def ops_per_command(self) -> int:
        """Asked of the server at first write (FerretDB deadlocks on large update commands,
        see store/mongo.py); lazily, so a store on an unreachable server costs nothing."""
        if not self._ops_per_command:
            self._ops_per_command = ops_per_command(self.collection.database)
        return self._ops_per_command

    def ensure_indexes(self) -> None:
        self.collection.create_index([("outlet", ASCENDING), ("known", ASCENDING)], name="outlet_known")

    def known(self, outlet: str) -> dict[str, int]:
        """``{fingerprint: article count}`` of the outlet's known boilerplate."""
        cursor = self.collection.find({"outlet": outlet, "known": True}, {"fp": 1, "count": 1})
        return {doc["fp"]: int(doc.get("count", 0)) for doc in cursor}

    def load(self, outlet: str, now: datetime | None = None) -> tuple[dict[str, StoredParagraph], set[str]]:
        """The outlet's known paragraphs and candidates, and the known ones due for re-dating."""
        stale_before = (now or _utcnow()) - REFRESH_AFTER
        stored: dict[str, StoredParagraph] = {}
        stale: set[str] = set()
        query = {"outlet": outlet, "$or": [{"known": True}, {"count": {"$gte": 2}}]}
        for doc in self.collection.find(query, {"fp": 1, "known": 1, "articles": 1, "updated_at": 1}):
            if doc.get("known"):
                stored[doc["fp"]] = StoredParagraph(known=True)
                updated = _as_utc(doc.get("updated_at"))
                if updated is None or updated < stale_before:
                    stale.add(doc["fp"])
            else:
                stored[doc["fp"]] = StoredParagraph(frozenset(doc.get("articles", ())))
        return stored, stale

    def save(
        self, updates: Iterable[BoilerplateUpdate], now: datetime | None = None
    ) -> dict[tuple[str, str], StoredParagraph]:
        """Merge ``updates`` into the store; return what it holds for them afterwards
        (other processes' articles included), keyed by ``(outlet, fp)``."""
        merged: dict[str, BoilerplateUpdate] = {}
        for update in updates:
            key = f"{update.outlet}:{update.fp}"
            seen = merged.get(key)
            if seen is not None:
                update = BoilerplateUpdate(
                    update.outlet, update.fp, seen.articles | update.articles,
                    seen.sample or update.sample, seen.known or update.known,
                )
            merged[key] = update
        if not merged:
            return {}
        now = now or _utcnow()
        docs = {
            doc["_id"]: doc
            for doc in self.collection.find(
                {"_id": {"$in": list(merged)}}, {"known": 1, "articles": 1, "count": 1}
            )
        }
        ops: list[UpdateOne] = []
        result: dict[tuple[str, str], StoredParagraph] = {}
        for key, update in merged.items():
            doc = docs.get(key) or {}
            on_insert = {"outlet": update.outlet, "fp": update.fp, "sample": update.sample, "first_seen_at": now}
            if doc.get("known"):
                if update.known and not update.articles:  # known boilerplate met again
                    ops.append(UpdateOne({"_id": key}, {"$set": {"updated_at": now}}))
                result[(update.outlet, update.fp)] = StoredParagraph(known=True)
                continue
            articles = set(doc.get("articles", ())) | update.articles
            if update.known or len(articles) >= self.min_articles:
                count = max(len(articles), int(doc.get("count", 0)))
                ops.append(UpdateOne(
                    {"_id": key},
                    {"$set": {"known": True, "count": count, "articles": [], "updated_at": now},
                     "$setOnInsert": on_insert},
                    upsert=True,
                ))
                result[(update.outlet, update.fp)] = StoredParagraph(known=True)
                continue
            if not doc or not update.articles <= set(doc.get("articles", ())):
                ops.append(UpdateOne(
                    {"_id": key},
                    {"$addToSet": {"articles": {"$each": sorted(update.articles)}},
                     "$set": {"count": len(articles), "updated_at": now},
                     "$setOnInsert": on_insert},
                    upsert=True,
                ))
            result[(update.outlet, update.fp)] = StoredParagraph(frozenset(articles))
        self._write(ops)
        return result

    def prune(self, outlet: str, now: datetime | None = None) -> None:
        """Delete the outlet's expired documents, older-schema singletons, and the least
        recently updated candidates beyond ``max_candidates``."""
        cutoff = (now or _utcnow()) - timedelta(days=self.expire_days)
        ops = [DeleteMany({"outlet": outlet, "$or": [
            {"updated_at": {"$lt": cutoff}},
            {"known": {"$ne": True}, "count": {"$exists": False}},
        ]})]
        self._write(ops)
        candidates = {"outlet": outlet, "known": {"$ne": True}}
        excess = self.collection.count_documents(candidates) - self.max_candidates
        if excess > 0:
            oldest = [doc["_id"] for doc in self.collection.find(candidates, {"_id": 1})
                      .sort("updated_at", ASCENDING).limit(excess)]
            self._write([DeleteMany({"_id": {"$in": ids}}) for ids in in_chunks(oldest, 500)])

    def _write(self, ops: list) -> None:
        for chunk in in_chunks(ops, self.ops_per_command):
            self.collection.bulk_write(chunk, ordered=False)
            self.writes += len(chunk)


def open_boilerplate_store(
    uri: str, database: str, timeout: float, min_articles: int, max_candidates: int = 10_000,
    expire_days: float = 90.0,
) -> BoilerplateStore:
    """A store on a lazily connecting client: no round trip until first use, so a crawl
    whose MongoDB is down is stopped (with one clear line) by the storage pipeline."""
    ms = max(int(timeout * 1000), 100)
    # A socket timeout turns a stuck server into an error (counted; learning goes on in
    # memory) instead of a crawl that never closes.
    client: MongoClient = MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=max(ms * 4, 20000),
        tz_aware=True, appname="newscrawl-boilerplate",
    )
    return BoilerplateStore(client[database], min_articles, max_candidates, expire_days)
