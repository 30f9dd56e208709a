"""The corpus side's MongoDB queries: duplicate and story annotation, export and statistics streams.

``annotate_duplicates`` is called by the writer once per batch of article documents, before
they are written. It sets on each document:

- ``minhash`` (the MinHash signature, binary) and ``lsh`` (its band keys, under the multikey
  index ``lsh``);
- ``duplicate_of``: ``_id`` of the first stored record with the same ``content_hash``;
- ``near_duplicate_of`` + ``similarity``: the earlier record with the highest estimated
  Jaccard similarity reaching the threshold;
- ``story_id``: shared by a near-duplicate cluster, kept on re-crawl (see ``corpus/stories.py``).

Candidates come from MongoDB, never from memory, so dedup works across runs and across
crawler processes. (Two processes writing near duplicates within the same flush window do
not see each other's batch: each record then founds a story of its own.)

**MongoDB**: one query per batch — ``lsh $in`` the batch's band keys ``$or`` ``content_hash
$in`` its hashes, both indexed (``lsh`` is a multikey index: one entry per band key).

**FerretDB** (1.24, SQLite backend) cannot index array elements, and pushes no filter but
``_id`` down to SQLite (``_id`` equality and ``_id $in`` with our patch), so that query scans
the whole collection for every batch. There, and only there (``is_ferretdb``), the multikey
index is emulated by the collection ``dedup_index`` (``KeyIndex``): one document per band key
(``_id`` = ``b:<key as 16 hex digits>``) and per text hash (``_id`` = ``h:<content_hash>``),
``record`` = the ``_id`` of the **first** record that had it. Candidates of a batch come from
two sets of ``_id $in`` queries (``IDS_PER_QUERY`` ids each) — the batch's keys on
``dedup_index``, then the records named there on ``articles`` — all answered by the ``_id``
index: the cost per batch does not grow with the corpus. The band keys stay on the record
on both servers (``lsh``).

The emulated index is written **insert-only**: a key already held is never rewritten, so an
entry is one small insert, and concurrent processes cannot undo each other (a duplicate key
error means another process got there first, and is ignored). Only keys the batch's lookup
did not find are inserted, and only **after the records are acknowledged** (the writer's
``index`` stage): a crash in between loses no record, only index entries, i.e. some
candidates of later batches. Because each key names only its first record, a later record
finds the earlier members of its story through those that hold its keys; stories are
clusters around their first member, so this costs little recall (``bench/dedup.py`` measures
both ways). Keys of a record whose text was edited stay with it (its new keys are added);
a record that holds no key of a later copy is not found by it. A database filled before the
index existed is indexed once, at the first start (one scan of ``articles``,
``KeyIndex.ensure``).

FerretDB's ``$group`` also lacks ``$first``/``$min``/``$push``/``$addToSet`` and its
``$project`` ``$strLenCP``/``$size``/``$dateToString``: statistics are computed in Python
over a streamed projection (``stats_documents``), and ``--dedup near`` reads a sorted cursor
instead of grouping on the server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, PyMongoError

from newscrawl.corpus.minhash import fingerprint
from newscrawl.corpus.stories import Decision, DedupParams, Incoming, Known, assign

logger = logging.getLogger(__name__)

# Stored fields annotate_duplicates reads: a writer that looks the batch's records up
# itself (``existing``) projects at least these.
DEDUP_FIELDS = ("content_hash", "minhash", "lsh", "first_seen_at", "duplicate_of", "near_duplicate_of",
                "similarity", "story_id")
DEDUP_MODES = ("none", "exact", "near")
DEDUP_INDEX = "dedup_index"  # the emulated multikey index (FerretDB only), see KeyIndex
# ``_id``s per ``_id $in`` query. The patched FerretDB pushes the list down to its index (at
# most 10,000), then checks every document found against the whole list again, which costs
# ids × found: one batch's 1,650 band keys took 98 ms of FerretDB in one query, 73 ms in
# chunks of 100–200.
IDS_PER_QUERY = 200
ENTRIES_PER_INSERT = 500  # one insert command (FerretDB: keep write commands small, see store/mongo.py)
INDEX_BUILT = "meta:built"  # the dedup_index document saying that every record stored before it is indexed
DUPLICATE_KEY = 11000


@dataclass
class DedupCounts:
    """What one or more batches found: new or edited records found to be exact or near duplicates
    or founding a story, queries sent, candidate records read, emulated-index entries added."""

    records: int = 0
    exact: int = 0
    near: int = 0
    new_stories: int = 0
    queries: int = 0
    candidates: int = 0
    skipped: int = 0        # records written without dedup fields (the query failed)
    index_entries: int = 0  # entries added to the emulated index (FerretDB)
    unindexed: int = 0      # records stored whose emulated-index entries could not be added

    def add(self, other: DedupCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_stats(self, stats: Any) -> None:
        """Set the crawl stats ``newscrawl/dedup/<name>`` (a Scrapy ``StatsCollector``)."""
        for name in ("exact", "near", "new_stories", "queries", "candidates", "skipped", "index_entries",
                     "unindexed"):
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
    key_index: KeyIndex | None = None,
) -> DedupCounts:
    """Set the dedup fields on each article document of one batch, in place (see module docstring).

    ``existing`` maps the ``_id`` of every batch record already stored to its stored fields
    (at least ``DEDUP_FIELDS``); when None, the same query also fetches them. A document may
    carry ``minhash``/``lsh`` computed in a worker process (``corpus.minhash.fingerprint``
    with the same parameters); otherwise they are computed here. ``key_index`` (FerretDB,
    see ``BatchDedup.for_articles``) finds the candidates through the emulated index instead
    of the multikey query, and plans the entries of this batch: call ``key_index.commit``
    once the documents are written. Raises ``PyMongoError`` when a query fails (the
    documents are then left as they were).
    """
    counts = DedupCounts(records=len(docs))
    if key_index is not None:
        key_index.pending = {}
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
    stored = {k: _known({"_id": k, **v}) for k, v in (existing or {}).items()}
    # Records re-crawled with an unchanged text keep their decisions (``assign``) and hold their
    # keys in the emulated index since they were first written: their keys need no lookup there.
    settled = {r.id for r in _incoming(docs, prints, stored) if r.unchanged} if key_index is not None else set()
    keys = {key for doc, (_, lsh) in zip(docs, prints) if doc["_id"] not in settled for key in lsh}
    hashes = {doc["content_hash"] for doc in docs if doc.get("content_hash") and doc["_id"] not in settled}
    wanted_ids = ids if existing is None else set()
    held: dict[str, str] = {}
    if key_index is None:
        counts.queries = 1
        candidates: Iterable[dict] = _query_candidates(articles, keys, hashes, wanted_ids)
    else:
        held, counts.queries = key_index.lookup([*map(band_entry, keys), *map(hash_entry, hashes)])
        named = {record for record in held.values() if isinstance(record, str)} | wanted_ids
        candidates, queries = find_by_ids(articles, named, _PROJECTION)
        counts.queries += queries
    found = [_known(doc) for doc in candidates]
    counts.candidates = len(found)
    stored.update({known.id: known for known in found if known.id in wanted_ids})
    batch = _incoming(docs, prints, stored)
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
    if key_index is not None:
        key_index.plan([doc for doc in docs if doc["_id"] not in settled], held)
    return counts


def _incoming(docs: list[dict[str, Any]], prints: list[tuple[bytes | None, tuple[int, ...]]],
              stored: Mapping[str, Known]) -> list[Incoming]:
    return [Incoming(doc["_id"], doc.get("content_hash") or "", minhash, lsh, stored.get(doc["_id"]))
            for doc, (minhash, lsh) in zip(docs, prints)]


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


def find_by_ids(collection: Collection, ids: Iterable[str], projection: Mapping[str, Any]) -> tuple[list[dict], int]:
    """The documents of ``ids`` (strings), and the ``_id $in`` queries sent for them (one per
    ``IDS_PER_QUERY``; on FerretDB each is answered by the ``_id`` index, see the patch)."""
    from newscrawl.store.mongo import in_chunks  # store.mongo imports this module

    chunks = in_chunks(sorted(set(ids)), IDS_PER_QUERY)
    # batch_size: all of a chunk in the reply (else 101 documents, then getMores)
    return [doc for chunk in chunks
            for doc in collection.find({"_id": {"$in": chunk}}, projection, batch_size=len(chunk))], len(chunks)


def band_entry(key: int) -> str:
    """The ``dedup_index`` ``_id`` of an LSH band key. A string, not the int64: the patched
    FerretDB pushes ``_id $in`` down to its index for strings and ObjectIds only."""
    return f"b:{key & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def hash_entry(content_hash: str) -> str:
    """The ``dedup_index`` ``_id`` of a text hash (exact duplicates)."""
    return f"h:{content_hash}"


def _entries(doc: Mapping[str, Any]) -> list[str]:
    entries = [band_entry(key) for key in doc.get("lsh") or ()]
    if doc.get("content_hash"):
        entries.append(hash_entry(doc["content_hash"]))
    return entries


class KeyIndex:
    """The emulated multikey index of ``lsh`` and ``content_hash`` (FerretDB; see the module
    docstring): ``{_id: "b:<band key>" | "h:<content_hash>", record: <first record's _id>}``.

    Per batch: ``annotate_duplicates`` looks the batch's keys up (``lookup``) and plans the
    entries nobody holds yet (``plan``); once the records are written, ``commit`` inserts
    those of the records written. Insert-only: a held key is never rewritten.
    """

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.pending: dict[str, str] = {}  # entry -> record, planned by the last annotation

    def lookup(self, entries: Iterable[str]) -> tuple[dict[str, str], int]:
        """``{entry: record}`` of the ``entries`` held, and the queries sent."""
        found, queries = find_by_ids(self.collection, entries, {"record": 1})
        return {doc["_id"]: doc.get("record") for doc in found}, queries

    def plan(self, docs: list[dict[str, Any]], held: Mapping[str, Any]) -> None:
        """Remember the entries of the annotated ``docs`` that are not ``held``; within the batch,
        the first document (in batch order, the order ``assign`` judges in) gets an entry."""
        self.pending = {}
        for doc in docs:
            for entry in _entries(doc):
                if entry not in held:
                    self.pending.setdefault(entry, doc["_id"])

    def commit(self, written: Iterable[str]) -> int:
        """Insert the planned entries of the records ``written`` (their ``_id``s, acknowledged by
        the server); return how many were inserted. The plan is used up either way."""
        ids = set(written)
        entries = {entry: record for entry, record in self.pending.items() if record in ids}
        self.pending = {}
        return self._insert(entries)

    def add_records(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Index stored records (in the order they were stored) whose keys nobody holds yet; a
        text hash goes to the record the document duplicates, if any. Returns the entries added."""
        entries: dict[str, str] = {}
        for doc in docs:
            for entry in _entries(doc):
                target = doc.get("duplicate_of") if entry.startswith("h:") else None
                entries.setdefault(entry, target or doc["_id"])
        held, _ = self.lookup(entries)
        return self._insert({entry: record for entry, record in entries.items() if entry not in held})

    def remove_records(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Remove the entries held by these records (``_id``, ``lsh``, ``content_hash``), e.g.
        when records are deleted; ``_id $in`` deletes (flat on FerretDB). Returns the entries removed."""
        from newscrawl.store.mongo import in_chunks  # store.mongo imports this module

        docs = list(docs)
        ids = [doc["_id"] for doc in docs]
        entries = sorted({entry for doc in docs for entry in _entries(doc)})
        return sum(self.collection.delete_many({"_id": {"$in": chunk}, "record": {"$in": ids}}).deleted_count
                   for chunk in in_chunks(entries, IDS_PER_QUERY))

    def ensure(self, articles: Collection, chunk: int = 1000) -> int:
        """Index, once per database, the records stored before the index existed (one scan of
        ``articles`` in natural order, i.e. about the order they were stored); afterwards one
        ``_id`` lookup. Interrupted, it starts again at the next call. Returns the entries added."""
        if self.collection.find_one({"_id": INDEX_BUILT}, {"_id": 1}) is not None:
            return 0
        started = time.monotonic()
        added, records, docs = 0, 0, []
        for doc in articles.find({}, {"lsh": 1, "content_hash": 1, "duplicate_of": 1}, batch_size=chunk):
            docs.append(doc)
            if len(docs) >= chunk:
                added, records, docs = added + self.add_records(docs), records + len(docs), []
        added, records = added + self.add_records(docs), records + len(docs)
        self._insert({INDEX_BUILT: ""})
        if records:
            logger.info("dedup index built for %d record(s) stored before it: %d entries in %.1fs",
                        records, added, time.monotonic() - started)
        return added

    def _insert(self, entries: Mapping[str, str]) -> int:
        """Insert ``{entry: record}`` in small unordered commands. A key another process inserted
        meanwhile fails alone, as a duplicate-key write error, and is ignored: FerretDB then
        inserts the command's documents one by one (all the others are inserted)."""
        from newscrawl.store.mongo import in_chunks  # store.mongo imports this module

        docs = [{"_id": entry, "record": entries[entry]} for entry in sorted(entries)]
        inserted = 0
        for chunk in in_chunks(docs, ENTRIES_PER_INSERT):
            try:
                inserted += len(self.collection.insert_many(chunk, ordered=False).inserted_ids)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if exc.details.get("writeConcernErrors") or any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise
                inserted += exc.details.get("nInserted", 0)
        return inserted


def is_ferretdb(db: Database) -> bool:
    """Whether the server is FerretDB (no multikey index: dedup uses ``KeyIndex`` there)."""
    try:
        return "ferretdbFeatures" in db.client.admin.command("buildInfo")
    except PyMongoError:
        return False


@dataclass
class BatchDedup:
    """Dedup as a writer runs it: settings, the emulated index where the server needs one, running counts."""

    params: DedupParams
    key_index: KeyIndex | None = None
    counts: DedupCounts = field(default_factory=DedupCounts)

    @classmethod
    def for_articles(cls, articles: Collection, params: DedupParams) -> BatchDedup:
        """On MongoDB with the multikey index ``lsh``; on FerretDB with the emulated index
        (``dedup_index``, built here once for a database filled before it)."""
        if not is_ferretdb(articles.database):
            return cls(params)
        key_index = KeyIndex(articles.database[DEDUP_INDEX])
        try:
            key_index.ensure(articles)
        except PyMongoError as exc:
            logger.warning("dedup index not built for the records stored before it (%s); tried again at the "
                           "next start", str(exc).split("\n", 1)[0][:300])
        return cls(params, key_index)

    def stages(self) -> dict[str, Any]:
        """The ``BatchStorer`` keyword arguments that run this dedup in a writer (crawl,
        spill replay, reprocess): the annotate stage, the stored fields it compares with,
        and the index stage."""
        return {"annotators": [self.annotate], "lookup_fields": DEDUP_FIELDS, "indexers": [self.index]}

    def annotate(self, articles: Collection, docs: list[dict[str, Any]],
                 existing: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """``annotate_duplicates`` for one batch; raises ``PyMongoError`` like it."""
        self.counts.add(annotate_duplicates(articles, docs, existing, self.params, self.key_index))

    def index(self, articles: Collection, docs: list[dict[str, Any]]) -> None:
        """The writer's stage after the batch's records are acknowledged: add their entries to the
        emulated index (no-op on MongoDB). A failure is logged and counted (``unindexed``), not
        raised: the records are stored; later copies of them may only be missed as candidates."""
        if self.key_index is None:
            return
        try:
            self.counts.index_entries += self.key_index.commit(doc["_id"] for doc in docs)
        except PyMongoError as exc:
            self.counts.unindexed += len(docs)
            logger.warning("dedup index not updated for %d stored record(s) (%s); later copies of them may not "
                           "be found", len(docs), str(exc).split("\n", 1)[0][:300])


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
