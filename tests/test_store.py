"""Storage against a real MongoDB-wire-protocol server (MongoDB or FerretDB)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newscrawl.items import Article, FetchedPage
from newscrawl.store import ArticleStore, BatchWriter, StorageUnavailable, connect, redact_uri
from tools.localmongo import free_port


def article(url: str, title: str = "Tytuł", text: str = "Treść artykułu.") -> Article:
    return Article(url=url, outlet="nr-test", domain="example.pl", title=title, text=text,
                   published_at=datetime(2026, 11, 1, 12, tzinfo=timezone.utc))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_indexes_are_created_idempotently(mongo_db):
    store = ArticleStore(mongo_db)
    store.ensure_indexes()
    store.ensure_indexes()
    names = {ix["name"] for ix in mongo_db.articles.list_indexes()}
    assert {"url_unique", "outlet_published", "content_hash", "language"} <= names
    unique = [ix for ix in mongo_db.articles.list_indexes() if ix["name"] == "url_unique"]
    assert unique[0].get("unique") is True


def test_writer_flushes_every_batch_size_records(mongo_db):
    store = ArticleStore(mongo_db)
    writer = BatchWriter(store, batch_size=3, flush_interval=3600, clock=FakeClock())
    assert writer.add(article("https://example.pl/a/1")) is None
    assert writer.add(article("https://example.pl/a/2")) is None
    assert mongo_db.articles.count_documents({}) == 0
    counts = writer.add(article("https://example.pl/a/3"))
    assert counts is not None and counts.inserted == 3
    assert mongo_db.articles.count_documents({}) == 3


def test_writer_flushes_after_the_interval(mongo_db):
    clock = FakeClock()
    writer = BatchWriter(ArticleStore(mongo_db), batch_size=100, flush_interval=5, clock=clock)
    writer.add(article("https://example.pl/a/1"))
    assert writer.flush_if_due() is None
    clock.now = 5.0
    counts = writer.flush_if_due()
    assert counts is not None and counts.inserted == 1
    assert mongo_db.articles.count_documents({}) == 1


def test_upsert_updates_the_record_and_keeps_first_seen(mongo_db):
    store = ArticleStore(mongo_db)
    store.ensure_indexes()
    writer = BatchWriter(store, batch_size=1)
    writer.add(article("https://example.pl/a/1", title="Pierwszy"))
    first = mongo_db.articles.find_one({"_id": "https://example.pl/a/1"})
    counts = writer.add(article("https://example.pl/a/1", title="Poprawiony"))
    second = mongo_db.articles.find_one({"_id": "https://example.pl/a/1"})
    assert counts is not None and (counts.inserted, counts.updated) == (0, 1)
    assert mongo_db.articles.count_documents({}) == 1
    assert second["title"] == "Poprawiony"
    assert second["first_seen_at"] == first["first_seen_at"]
    assert second["updated_at"] >= first["updated_at"]
    assert second["published_at"] == datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def test_raw_page_is_stored_compressed(mongo_db):
    import zlib

    page = FetchedPage(url="https://example.pl/a/1", outlet="nr-test", body="<p>zażółć</p>".encode(),
                       status=200, headers={"content-type": "text/html"},
                       fetched_at=datetime.now(timezone.utc))
    writer = BatchWriter(ArticleStore(mongo_db), batch_size=1)
    writer.add(article(page.url), page)
    stored = mongo_db.pages.find_one({"_id": page.url})
    assert zlib.decompress(stored["html_zlib"]) == page.body


def test_outlet_summary_counts_articles_and_drops(mongo_db):
    store = ArticleStore(mongo_db)
    writer = BatchWriter(store, batch_size=10)
    for i in range(3):
        writer.add(article(f"https://example.pl/a/{i}", title=f"T{i}"))
    writer.flush()
    store.record_run({"outlets": ["nr-test", "nr-tdm"], "finished_at": datetime.now(timezone.utc),
                      "dropped": {"no_title": 2},
                      "tdm": {"nr-tdm": {"reserved": True, "source": "robots", "skipped": True}}})
    row, skipped = store.outlet_summary(["nr-test", "nr-tdm"])
    assert row["outlet"] == "nr-test" and row["articles"] == 3
    assert row["dropped"] == {"no_title": 2} and sorted(row["titles"]) == ["T0", "T1", "T2"]
    assert skipped["articles"] == 0 and skipped["tdm"]["skipped"] is True


def test_unreachable_server_gives_one_line_naming_mongo_uri():
    uri = f"mongodb://user:secret@127.0.0.1:{free_port()}"
    with pytest.raises(StorageUnavailable) as info:
        connect(uri, "x", timeout=0.5)
    message = str(info.value)
    assert "MONGO_URI=mongodb://user:***@127.0.0.1" in message
    assert "secret" not in message and "\n" not in message


def test_redact_uri_leaves_uris_without_password_alone():
    assert redact_uri("mongodb://127.0.0.1:27017") == "mongodb://127.0.0.1:27017"


def test_large_batches_of_updates_do_not_stall_the_server(mongo_uri, mongo_db):
    """FerretDB 1.24 deadlocks on one update command of >100 statements: we chunk."""
    from pymongo import MongoClient

    client = MongoClient(mongo_uri, tz_aware=True, socketTimeoutMS=20000)
    store = ArticleStore(client[mongo_db.name])
    writer = BatchWriter(store, batch_size=150)
    urls = [f"https://example.pl/a/{i}" for i in range(150)]
    for url in urls:
        writer.add(article(url, title="v1"))
    assert writer.totals.inserted == 150
    for url in urls:
        writer.add(article(url, title="v2"))
    assert (writer.totals.updated, writer.totals.failed) == (150, 0)
    assert mongo_db.articles.count_documents({"title": "v2"}) == 150
    client.close()
