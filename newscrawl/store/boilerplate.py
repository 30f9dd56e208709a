"""Learned-boilerplate counts in MongoDB (collection ``boilerplate``).

One document per (outlet, paragraph fingerprint)::

    {_id: "<outlet>:<fp>", outlet, fp, articles: [<url fp>, …], sample, first_seen_at,
     updated_at}                      # while counting
    {…, known: true, count: n, articles: []}   # once known boilerplate

``articles`` holds the distinct articles the paragraph was seen in, but only until the
paragraph is *known* boilerplate (``count`` ≥ the threshold): known paragraphs are no
longer updated, so the array stays small (threshold + one batch). Works across runs and
crawler processes; FerretDB-1.24-compatible (``$addToSet`` with ``$each`` on small
arrays, ``$set``/``$setOnInsert`` upserts, ``find`` with ``$in``; no upsert is ever made
to collide on ``_id``, which FerretDB reports in a shape pymongo cannot parse).

Cheap per item: known fingerprints of an outlet are loaded once, observations are
buffered in memory and flushed per batch with two ``find`` and two ``bulk_write``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from pymongo import ASCENDING, MongoClient, UpdateOne
from pymongo.database import Database

from newscrawl.store.mongo import in_chunks, ops_per_command

BOILERPLATE = "boilerplate"


class BoilerplateStore:
    """Persisted distinct-article counts of short paragraphs, per outlet."""

    def __init__(self, db: Database, min_articles: int) -> None:
        self.collection = db[BOILERPLATE]
        self.min_articles = min_articles
        self._ops_per_command = 0
        # (outlet, fp) → (url fps, a sample of the text), waiting to be flushed
        self._pending: dict[tuple[str, str], tuple[set[str], str]] = {}

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

    def observe(self, outlet: str, url_fp: str, paragraphs: Iterable[tuple[str, str]]) -> None:
        """Buffer one article's ``(fingerprint, text)`` pairs (no database round trip)."""
        for fp, text in paragraphs:
            urls, _sample = self._pending.setdefault((outlet, fp), (set(), text[:200]))
            urls.add(url_fp)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> dict[str, dict[str, int]]:
        """Write buffered observations; return ``{outlet: {fp: count}}`` of what was written
        (counts as stored, so the caller learns which fingerprints became known)."""
        if not self._pending:
            return {}
        pending, self._pending = self._pending, {}
        now = datetime.now(timezone.utc)
        ids = [f"{outlet}:{fp}" for outlet, fp in pending]
        # Known paragraphs are left alone (their article arrays stay empty).
        known = {doc["_id"] for doc in self.collection.find({"_id": {"$in": ids}, "known": True}, {"_id": 1})}
        ops = [
            UpdateOne(
                {"_id": f"{outlet}:{fp}"},
                {
                    "$addToSet": {"articles": {"$each": sorted(urls)}},
                    "$set": {"updated_at": now},
                    "$setOnInsert": {"outlet": outlet, "fp": fp, "sample": sample, "first_seen_at": now},
                },
                upsert=True,
            )
            for (outlet, fp), (urls, sample) in pending.items()
            if f"{outlet}:{fp}" not in known
        ]
        if ops:
            for chunk in in_chunks(ops, self.ops_per_command):
                self.collection.bulk_write(chunk, ordered=False)
        counts: dict[str, dict[str, int]] = {}
        promote = []
        for doc in self.collection.find({"_id": {"$in": ids}}, {"outlet": 1, "fp": 1, "articles": 1, "count": 1, "known": 1}):
            count = max(len(doc.get("articles", [])), int(doc.get("count", 0)))
            counts.setdefault(doc["outlet"], {})[doc["fp"]] = count
            if not doc.get("known") and count >= self.min_articles:
                promote.append(
                    UpdateOne({"_id": doc["_id"]}, {"$set": {"known": True, "count": count, "articles": []}})
                )
        if promote:
            for chunk in in_chunks(promote, self.ops_per_command):
                self.collection.bulk_write(chunk, ordered=False)
        return counts


def open_boilerplate_store(uri: str, database: str, timeout: float, min_articles: int) -> BoilerplateStore:
    """A store on a lazily connecting client: no round trip until first use, so a crawl
    whose MongoDB is down is stopped (with one clear line) by the storage pipeline."""
    ms = max(int(timeout * 1000), 100)
    # A socket timeout turns a stuck server into an error (learning is then switched off
    # for the run) instead of a crawl that never closes.
    client: MongoClient = MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=max(ms * 4, 20000),
        tz_aware=True, appname="newscrawl-boilerplate",
    )
    return BoilerplateStore(client[database], min_articles)
