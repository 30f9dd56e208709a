"""What the database already knows about discovered URLs, asked in batches (incremental crawls).

A discovered article URL is known when it is

- a record's ``_id`` in ``articles`` (its ``modified_at``, ``published_at`` and last fetch
  say how fresh the stored copy is), or
- in ``known_urls``, which holds the URLs that are no record's ``_id``::

    {_id: <url>, outlet, kind: "alias", target: <record _id>, noted_at}
        # the page is stored under another URL (a redirect, its <link rel=canonical>)
    {_id: <url>, outlet, kind: "rejected", reason: "text_too_short", noted_at}
        # the text stage gave no record for the page (not stored in articles or pages)

An alias counts only while its record exists. ``lookup`` answers for up to
``LOOKUP_BATCH`` URLs per query: one ``_id $in`` query on ``articles``, one on
``known_urls`` for the URLs not found there, and one for the records of aliases found —
never one round trip per URL.

Async, on pymongo's ``AsyncMongoClient`` (the crawl's asyncio loop), so the reactor never
waits for MongoDB; at most one call is in flight per process (concurrent queries only queue
up in FerretDB and made the whole much slower, see issue 11's findings). ``known_urls``
notes are written here, not by the store writer: losing one only costs a re-fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, AsyncMongoClient, UpdateOne

from newscrawl.store.mongo import ARTICLES, FERRETDB_OPS_PER_COMMAND, KNOWN_URLS, RUNS, in_chunks
from newscrawl.store.runs import complete_run_query

# URLs per lookup query (an indexed `_id $in` on MongoDB and on the patched FerretDB).
LOOKUP_BATCH = 1000
ARTICLE, ALIAS, REJECTED = "article", "alias", "rejected"
# The dates of a record that say when its content was last current (see ``StoredUrl.seen_at``).
RECORD_DATES = ("modified_at", "published_at", "last_fetched_at", "fetched_at")


def newest(dates: Iterable[datetime | None]) -> datetime | None:
    present = [d for d in dates if isinstance(d, datetime)]
    return max(present) if present else None


@dataclass(frozen=True)
class StoredUrl:
    """What is known about one URL: a stored record (``kind`` article, also through an
    alias) or a rejected page; ``seen_at`` is the newest date the stored copy is current at
    (the record's modification, publication or last fetch; the rejection's time)."""

    kind: str
    seen_at: datetime | None
    record: str = ""    # the record's _id (another URL for an alias)
    reason: str = ""    # why the page was rejected


@dataclass(frozen=True)
class UrlNote:
    """A ``known_urls`` entry to write: an alias (``target`` = the record) or a rejection."""

    url: str
    outlet: str
    kind: str
    target: str = ""
    reason: str = ""


class KnownUrlStore:
    """Batched, asynchronous lookups of discovered URLs; the client connects at first use."""

    def __init__(self, uri: str, database: str, timeout: float = 5.0, socket_timeout: float = 60.0) -> None:
        self.uri = uri
        self.database = database
        self.timeout = timeout
        self.socket_timeout = socket_timeout
        self.queries = 0  # MongoDB queries made (for tests and benches)
        self._client: AsyncMongoClient | None = None
        self._lock: asyncio.Lock | None = None

    def _db(self) -> Any:
        if self._client is None:
            ms = max(int(self.timeout * 1000), 100)
            self._client = AsyncMongoClient(
                self.uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms,
                socketTimeoutMS=max(int(self.socket_timeout * 1000), 100), tz_aware=True,
                appname="newscrawl-known-urls",
            )
        return self._client[self.database]

    def _one_at_a_time(self) -> asyncio.Lock:
        if self._lock is None:  # made on the running loop
            self._lock = asyncio.Lock()
        return self._lock

    async def _find(self, collection: str, query: dict[str, Any], projection: dict[str, int]) -> list[dict]:
        self.queries += 1
        return await self._db()[collection].find(query, projection).to_list()

    async def lookup(self, urls: list[str]) -> dict[str, StoredUrl]:
        """``{url: StoredUrl}`` for those of ``urls`` the database knows (PyMongoError when
        MongoDB cannot answer)."""
        found: dict[str, StoredUrl] = {}
        async with self._one_at_a_time():
            for chunk in in_chunks(list(dict.fromkeys(urls)), LOOKUP_BATCH):
                found.update(await self._lookup_chunk(chunk))
        return found

    async def _lookup_chunk(self, urls: list[str]) -> dict[str, StoredUrl]:
        dates = {name: 1 for name in RECORD_DATES}
        records = {doc["_id"]: doc for doc in await self._find(ARTICLES, {"_id": {"$in": urls}}, dates)}
        found = {url: StoredUrl(ARTICLE, newest(doc.get(n) for n in RECORD_DATES), url) for url, doc in records.items()}
        missing = [url for url in urls if url not in records]
        if not missing:
            return found
        notes = await self._find(KNOWN_URLS, {"_id": {"$in": missing}},
                                 {"kind": 1, "target": 1, "reason": 1, "noted_at": 1})
        aliases = {doc["_id"]: doc["target"] for doc in notes if doc.get("kind") == ALIAS and doc.get("target")}
        for doc in notes:
            if doc.get("kind") == REJECTED:
                found[doc["_id"]] = StoredUrl(REJECTED, doc.get("noted_at"), reason=str(doc.get("reason") or ""))
        if aliases:
            targets = {doc["_id"]: doc for doc in
                       await self._find(ARTICLES, {"_id": {"$in": sorted(set(aliases.values()))}}, dates)}
            for url, target in aliases.items():
                if target in targets:  # an alias of a record that is gone is not known
                    found[url] = StoredUrl(ARTICLE, newest(targets[target].get(n) for n in RECORD_DATES), target)
        return found

    async def note(self, notes: list[UrlNote], now: datetime) -> int:
        """Write ``known_urls`` entries (upserts, a few per command); returns how many."""
        latest = {n.url: n for n in notes}  # one statement per URL: no upsert collides with itself
        ops = [UpdateOne({"_id": n.url}, {"$set": {"outlet": n.outlet, "kind": n.kind, "target": n.target or None,
                                                   "reason": n.reason or None, "noted_at": now}}, upsert=True)
               for n in latest.values()]
        async with self._one_at_a_time():
            for chunk in in_chunks(ops, FERRETDB_OPS_PER_COMMAND):
                await self._db()[KNOWN_URLS].bulk_write(chunk, ordered=False)
        return len(ops)

    async def forget_rejected(self, outlets: list[str], before: datetime) -> int:
        """Delete the rejections of ``outlets`` noted before ``before`` (their pages are
        fetched again); returns how many."""
        async with self._one_at_a_time():
            result = await self._db()[KNOWN_URLS].delete_many(
                {"outlet": {"$in": outlets}, "kind": REJECTED, "noted_at": {"$lt": before}})
        return result.deleted_count

    async def last_complete_run_start(self, outlet: str) -> datetime | None:
        """When the outlet's last complete run started (``store.runs.complete_run_query``)."""
        async with self._one_at_a_time():
            self.queries += 1
            run = await self._db()[RUNS].find_one(complete_run_query(outlet), {"started_at": 1},
                                                 sort=[("started_at", DESCENDING)])
        return run.get("started_at") if run else None

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()
