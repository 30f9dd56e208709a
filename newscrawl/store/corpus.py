"""The corpus side's MongoDB queries: duplicate and story annotation, export and statistics streams.

``annotate_duplicates`` is called by the writer once per batch of article documents, before
they are written. It sets on each document:

- ``minhash`` (the MinHash signature, binary) and ``lsh`` (its band keys, under the multikey
  index ``lsh``);
- ``duplicate_of``: ``_id`` of the first stored record with the same ``content_hash``;
- ``near_duplicate_of`` + ``similarity``: the earlier record with the highest estimated
  Jaccard similarity reaching the threshold;
- ``story_id``: shared by a near-duplicate cluster, kept on re-crawl (see ``corpus/stories.py``).

Cost: **one query per batch** — ``lsh $in`` the batch's band keys ``$or`` ``content_hash $in``
its hashes, both indexed — and no in-memory index, so it works across runs and across
crawler processes. (Two processes writing near duplicates within the same flush window do
not see each other's batch: each record then founds a story of its own.)

FerretDB 1.24 (SQLite backend) pushes no filter but ``_id`` equality down to SQLite, so every
query scans the collection there, and it matches ``$in`` against an array element by element:
the indexed query costs ~9 ms per stored record and batch. On FerretDB the writer therefore
passes ``scan=True``: one unfiltered projected scan (~0.6 ms per stored record), matched in
Python, keeping only the matches. FerretDB's ``$group`` also lacks ``$first``/``$min``/
``$push``/``$addToSet`` and its ``$project`` ``$strLenCP``/``$size``/``$dateToString``:
statistics are computed in Python over a streamed projection (``stats_documents``), and
``--dedup near`` reads a sorted cursor instead of grouping on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import PyMongoError

from newscrawl.corpus.minhash import fingerprint
from newscrawl.corpus.stories import Decision, DedupParams, Incoming, Known, assign

logger = logging.getLogger(__name__)

# Stored fields annotate_duplicates reads: a writer that looks the batch's records up
# itself (``existing``) projects at least these.
DEDUP_FIELDS = ("content_hash", "minhash", "lsh", "first_seen_at", "duplicate_of", "near_duplicate_of",
                "similarity", "story_id")
DEDUP_MODES = ("none", "exact", "near")


@dataclass
class DedupCounts:
    """What one or more batches found: new or edited records found to be exact or near duplicates
    or founding a story, queries sent, candidate records read."""

    records: int = 0
    exact: int = 0
    near: int = 0
    new_stories: int = 0
    queries: int = 0
    candidates: int = 0
    skipped: int = 0      # records written without dedup fields (the query failed)

    def add(self, other: DedupCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_stats(self, stats: Any) -> None:
        """Set the crawl stats ``newscrawl/dedup/<name>`` (a Scrapy ``StatsCollector``)."""
        for name in ("exact", "near", "new_stories", "queries", "candidates", "skipped"):
            stats.set_value(f"newscrawl/dedup/{name}", getattr(self, name))


def ensure_corpus_indexes(articles: Collection) -> None:
    """Indexes of the dedup fields (idempotent): band keys (multikey) and story order."""
    articles.create_index([("lsh", ASCENDING)], name="lsh")
    articles.create_index([("story_id", ASCENDING), ("published_at", ASCENDING), ("_id", ASCENDING)],
                          name="story_published")


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _known(doc: Mapping[str, Any]) -> Known:
    minhash = doc.get("minhash")
    return Known(
        id=doc["_id"],
        content_hash=doc.get("content_hash") or "",
        minhash=bytes(minhash) if minhash else None,
        lsh=tuple(doc.get("lsh") or ()),
        first_seen=_aware(doc.get("first_seen_at")),
        decision=Decision(doc.get("duplicate_of"), doc.get("near_duplicate_of"), doc.get("similarity"),
                          doc.get("story_id")),
    )


def annotate_duplicates(
    articles: Collection,
    docs: list[dict[str, Any]],
    existing: Mapping[str, Mapping[str, Any]] | None = None,
    params: DedupParams = DedupParams(),
    scan: bool = False,
) -> DedupCounts:
    """Set the dedup fields on each article document of one batch, in place (see module docstring).

    ``existing`` maps the ``_id`` of every batch record already stored to its stored fields
    (at least ``DEDUP_FIELDS``); when None, the same query also fetches them. A document may
    carry ``minhash``/``lsh`` computed in a worker process (``corpus.minhash.fingerprint``
    with the same parameters); otherwise they are computed here. ``scan`` (for FerretDB, see
    ``is_ferretdb``) finds the same candidates by streaming the fingerprints of the whole
    collection and matching them here. Raises ``PyMongoError`` when the query fails (the
    documents are then left as they were).
    """
    counts = DedupCounts(records=len(docs))
    if not docs:
        return counts
    prints = []
    for doc in docs:
        if isinstance(doc.get("minhash"), bytes) and isinstance(doc.get("lsh"), list):
            prints.append((doc["minhash"], tuple(doc["lsh"])))
            continue
        made = fingerprint(doc.get("lead") or "", doc.get("text") or "", params.minhash)
        prints.append((made.minhash, made.lsh) if made else (None, ()))
    ids = {doc["_id"] for doc in docs}
    keys = {key for _, lsh in prints for key in lsh}
    hashes = {doc["content_hash"] for doc in docs if doc.get("content_hash")}
    wanted_ids = ids if existing is None else set()
    counts.queries = 1
    find = _scan_candidates if scan else _query_candidates
    found = [_known(doc) for doc in find(articles, keys, hashes, wanted_ids)]
    counts.candidates = len(found)
    stored = {k: _known({"_id": k, **v}) for k, v in (existing or {}).items()}
    stored.update({known.id: known for known in found if known.id in wanted_ids})
    batch = [
        Incoming(doc["_id"], doc.get("content_hash") or "", minhash, lsh, stored.get(doc["_id"]))
        for doc, (minhash, lsh) in zip(docs, prints)
    ]
    for doc, (minhash, lsh), record, decision in zip(docs, prints, batch, assign(batch, found, params)):
        doc["minhash"] = minhash
        doc["lsh"] = list(lsh)
        doc["duplicate_of"] = decision.duplicate_of
        doc["near_duplicate_of"] = decision.near_duplicate_of
        doc["similarity"] = decision.similarity
        doc["story_id"] = decision.story_id
        if not record.unchanged:
            counts.exact += decision.duplicate_of is not None
            counts.near += decision.near_duplicate_of is not None
            counts.new_stories += decision.near_duplicate_of is None and decision.duplicate_of is None
    return counts


_PROJECTION = {name: 1 for name in DEDUP_FIELDS}


def _query_candidates(articles: Collection, keys: set[int], hashes: set[str], ids: set[str]) -> Iterator[dict]:
    """One indexed query: records sharing a band key or the text hash (and the batch's own)."""
    clauses: list[dict[str, Any]] = []
    if keys:
        clauses.append({"lsh": {"$in": sorted(keys)}})
    if hashes:
        clauses.append({"content_hash": {"$in": sorted(hashes)}})
    if ids:
        clauses.append({"_id": {"$in": sorted(ids)}})
    if not clauses:
        return iter(())
    return articles.find({"$or": clauses} if len(clauses) > 1 else clauses[0], _PROJECTION)


def _scan_candidates(articles: Collection, keys: set[int], hashes: set[str], ids: set[str]) -> Iterator[dict]:
    """The same records from one unfiltered, projected scan, matched here; only matches are kept.

    FerretDB 1.24 (SQLite) scans the collection for any filter but ``_id`` equality anyway, and
    matches ``$in`` against an array by comparing every element with every listed value: with a
    batch's ~3,200 band keys that is about 15 times slower than streaming the fingerprints.
    """
    for doc in articles.find({}, _PROJECTION):
        if doc["_id"] in ids or doc.get("content_hash") in hashes or not keys.isdisjoint(doc.get("lsh") or ()):
            yield doc


def is_ferretdb(db: Database) -> bool:
    """Whether the server is FerretDB (then ``annotate_duplicates(..., scan=True)``)."""
    try:
        return "ferretdbFeatures" in db.client.admin.command("buildInfo")
    except PyMongoError:
        return False


@dataclass
class BatchDedup:
    """Dedup as a writer runs it: settings, the server's way to find candidates, running counts."""

    params: DedupParams
    scan: bool
    counts: DedupCounts = field(default_factory=DedupCounts)

    @classmethod
    def for_database(cls, db: Database, params: DedupParams) -> BatchDedup:
        return cls(params, is_ferretdb(db))

    def annotate(self, articles: Collection, docs: list[dict[str, Any]],
                 existing: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """``annotate_duplicates`` for one batch; raises ``PyMongoError`` like it."""
        self.counts.add(annotate_duplicates(articles, docs, existing, self.params, self.scan))


# ---------------------------------------------------------------- export and statistics
@dataclass(frozen=True)
class CorpusFilter:
    """Which records an export or a statistic covers (all of them by default)."""

    since: datetime | None = None           # published_at >= since
    until: datetime | None = None           # published_at < until
    changed_since: datetime | None = None   # updated_at >= changed_since
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def query(self) -> dict[str, Any]:
        query: dict[str, Any] = {}
        published: dict[str, datetime] = {}
        if self.since is not None:
            published["$gte"] = self.since
        if self.until is not None:
            published["$lt"] = self.until
        if published:
            query["published_at"] = published
        if self.changed_since is not None:
            query["updated_at"] = {"$gte": self.changed_since}
        if self.outlets:
            query["outlet"] = {"$in": list(self.outlets)}
        if self.languages:
            query["language"] = {"$in": list(self.languages)}
        return query


def export_documents(
    articles: Collection, where: CorpusFilter, dedup: str, fields: list[str], batch_size: int = 1000,
    scan: bool = False,
) -> Iterator[dict[str, Any]]:
    """Stream the documents to export, projected to ``fields``.

    ``dedup``: ``none``; ``exact`` leaves out records with ``duplicate_of``; ``near`` keeps one
    record per ``story_id``, the earliest published among the selected (a dated one before an
    undated one; records without ``story_id`` are all kept). On MongoDB ``near`` reads a cursor
    sorted by story and date (index ``story_published``) holding one document at a time:
    constant memory. ``scan`` (FerretDB, which sorts whole documents in its own memory — 2 GB
    and over a minute for 100,000 records) instead reads the stories and dates first and
    then the documents, keeping one entry per story here.
    """
    if dedup not in DEDUP_MODES:
        raise ValueError(f"dedup must be one of {', '.join(DEDUP_MODES)}, not {dedup!r}")
    query = where.query()
    projection = {name: 1 for name in fields} | {"story_id": 1, "published_at": 1}
    if dedup == "exact":
        query["duplicate_of"] = None
    if dedup != "near":
        yield from articles.find(query, projection, batch_size=batch_size)
    elif scan:
        yield from _first_per_story_by_scan(articles, query, projection, batch_size)
    else:
        yield from _first_per_story_sorted(articles, query, projection, batch_size)


def _first_per_story_sorted(articles: Collection, query: dict, projection: dict, batch_size: int) -> Iterator[dict]:
    cursor = articles.find(query, projection, batch_size=batch_size, allow_disk_use=True).sort(
        [("story_id", ASCENDING), ("published_at", ASCENDING), ("_id", ASCENDING)]
    )
    chosen: dict[str, Any] | None = None
    for doc in cursor:
        story = doc.get("story_id")
        if story is None:  # sorted first
            yield doc
            continue
        if chosen is not None and chosen.get("story_id") == story:
            # Sorted by date, undated (null) first: the first dated record replaces an undated one.
            if chosen.get("published_at") is None and doc.get("published_at") is not None:
                chosen = doc
            continue
        if chosen is not None:
            yield chosen
        chosen = doc
    if chosen is not None:
        yield chosen


def _first_per_story_by_scan(articles: Collection, query: dict, projection: dict, batch_size: int) -> Iterator[dict]:
    best: dict[str, tuple] = {}
    for doc in articles.find(query, {"story_id": 1, "published_at": 1}, batch_size=batch_size):
        story = doc.get("story_id")
        if story is None:
            continue
        published = doc.get("published_at")
        rank = (published is None, published or _EPOCH, doc["_id"])
        if story not in best or rank < best[story]:
            best[story] = rank
    chosen = {rank[2] for rank in best.values()}
    del best
    for doc in articles.find(query, projection, batch_size=batch_size):
        if doc.get("story_id") is None or doc["_id"] in chosen:
            yield doc


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def count_documents(articles: Collection, where: CorpusFilter, dedup: str) -> int:
    """Records matching ``where`` (with ``exact`` dedup applied): a progress bar's total."""
    query = where.query()
    if dedup == "exact":
        query["duplicate_of"] = None
    return articles.count_documents(query)


STATS_FIELDS = ("outlet", "published_at", "text", "language", "duplicate_of", "near_duplicate_of", "paywalled",
                "cleaning.rules")


def stats_documents(articles: Collection, where: CorpusFilter, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Stream the fields ``corpus-stats`` needs. (Lengths, medians and per-day counts are
    computed in Python: FerretDB 1.24 lacks ``$strLenCP``, ``$dateToString`` and sorted
    ``$group`` accumulators.)"""
    yield from articles.find(where.query(), {name: 1 for name in STATS_FIELDS}, batch_size=batch_size)
