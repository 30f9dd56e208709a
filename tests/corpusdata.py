"""Article documents for the corpus tests, written the way the writer writes a batch."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import UpdateOne
from pymongo.database import Database

from newscrawl.items import Article
from newscrawl.corpus.stories import DedupParams
from newscrawl.store.corpus import BatchDedup
from newscrawl.text.normalize import content_hash

NOW = datetime(2026, 11, 27, 8, tzinfo=timezone.utc)


def text_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def article_doc(url: str, lead: str, paragraphs: list[str], **fields: Any) -> dict[str, Any]:
    """A stored article document (as ``store.mongo.article_document`` makes it)."""
    text = text_of(paragraphs)
    host = url.split("/")[2]
    values = {"outlet": host, "domain": host, "title": "Tytuł", "language": "pl",
              "published_at": NOW - timedelta(days=1), **fields}
    article = Article(url=url, lead=lead, text=text, content_hash=content_hash(text), **values)
    return {**asdict(article), "_id": url}


def write_batch(db: Database, docs: list[dict[str, Any]], now: datetime = NOW, existing=None,
                dedup: BatchDedup | None = None) -> None:
    """What the writer does with one batch: annotate, upsert (``first_seen_at`` on insert), then
    index (FerretDB's emulated index). ``dedup``: as the crawl makes it for this server by default."""
    dedup = dedup or BatchDedup.for_articles(db.articles, DedupParams())
    dedup.annotate(db.articles, docs, existing)
    db.articles.bulk_write([UpdateOne({"_id": d["_id"]}, {"$set": {**d, "updated_at": now},
                                                           "$setOnInsert": {"first_seen_at": now}}, upsert=True)
                            for d in docs])
    dedup.index(db.articles, docs)
