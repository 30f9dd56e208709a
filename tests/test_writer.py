"""The store writer against a real MongoDB-wire-protocol server: batching, change-aware
records, validation, isolation of rejected documents, retries, spill and replay."""

from __future__ import annotations

import logging
import shutil
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pymongo import MongoClient, monitoring

from newscrawl.items import Article, FetchedPage
from newscrawl.store import ArticleStore
from newscrawl.store.mongo import article_document, content_fingerprint, page_document
from newscrawl.store.spill import SpillError, SpillFile, decode_entry, spill_files
from newscrawl.store.writer import BatchStorer, StoreRecord, StoreWriter, replay_spill_file
from tests.faults import PrivateMongo, wait_for

NOW = datetime.now(timezone.utc)


def article(n: int | str, title: str = "Tytuł", text: str = "Treść artykułu.", fetched: datetime | None = None,
            **fields) -> Article:
    fields.setdefault("published_at", datetime(2026, 11, 1, 12, tzinfo=timezone.utc))
    return Article(url=f"https://example.pl/a/{n}", outlet="nr-test", domain="example.pl", title=title, text=text,
                   content_hash=f"h-{title}-{text}", fetched_at=fetched or datetime.now(timezone.utc), **fields)


def page(a: Article, body: bytes = b"<p>zaz\xc3\xb3\xc5\x82\xc4\x87</p>") -> FetchedPage:
    return FetchedPage(url=a.url, outlet=a.outlet, body=body, status=200, headers={"content-type": "text/html"},
                       fetched_at=a.fetched_at or NOW)


def record(a: Article, with_page: bool = True) -> StoreRecord:
    return StoreRecord(article_document(a), page_document(page(a)) if with_page else None)


def statuses(report) -> list[tuple[str, str]]:
    return [(r.url.rsplit("/", 1)[1], r.status) for r in report.results]


# --- the writer thread ----------------------------------------------------------------------------
def test_writer_thread_batches_by_size_then_by_interval(mongo_db):
    reports = []
    writer = StoreWriter(BatchStorer(ArticleStore(mongo_db)), batch_size=2, flush_interval=3600,
                         on_report=reports.append)
    writer.start()
    for n in range(5):
        writer.submit(article(n), None)
    wait_for(lambda: len(reports) == 2, 10, "two full batches")
    assert [len(r.results) for r in reports] == [2, 2]
    assert mongo_db.articles.count_documents({}) == 4     # the fifth waits for its batch
    writer.flush_interval = 0.2
    writer.submit(article(5), None)                        # the interval flushes the last two
    wait_for(lambda: len(reports) == 3, 10, "the batch flushed by the interval")
    assert len(reports[2].results) == 2
    writer.close()
    assert mongo_db.articles.count_documents({}) == 6


def test_drain_and_close_write_everything_submitted(mongo_db):
    writer = StoreWriter(BatchStorer(ArticleStore(mongo_db)), batch_size=100, flush_interval=3600)
    writer.start()
    for n in range(7):
        a = article(n)
        writer.submit(a, page(a))
    writer.drain()
    assert mongo_db.articles.count_documents({}) == 7 and mongo_db.pages.count_documents({}) == 7
    writer.update_run("run-1", {"status": "finished"}, final=True)
    writer.close()
    assert mongo_db.runs.find_one({"_id": "run-1"})["status"] == "finished"


# --- change-aware records -------------------------------------------------------------------------
def test_records_change_only_when_their_content_changes(mongo_db):
    storer = BatchStorer(ArticleStore(mongo_db))
    first = article(1, fetched=NOW - timedelta(hours=2))
    assert statuses(storer.write_batch([record(first)])) == [("1", "new")]
    stored = mongo_db.articles.find_one()
    assert (stored["revisions"], stored["content_changed_at"], stored["previous_content_hash"]) == (0, None, None)
    assert stored["first_seen_at"] == stored["last_fetched_at"] == stored["fetched_at"]

    again = article(1, fetched=NOW - timedelta(hours=1), tags=["inne"])   # same content, other tags
    assert statuses(storer.write_batch([record(again)])) == [("1", "unchanged")]
    unchanged = mongo_db.articles.find_one()
    assert unchanged["updated_at"] == stored["updated_at"] and unchanged["revisions"] == 0
    assert unchanged["last_fetched_at"] > stored["last_fetched_at"]
    assert unchanged["fetched_at"] == stored["fetched_at"]  # the fetch the stored content comes from

    edited = article(1, title="Tytuł poprawiony", fetched=NOW)
    assert statuses(storer.write_batch([record(edited)])) == [("1", "changed")]
    changed = mongo_db.articles.find_one()
    assert changed["title"] == "Tytuł poprawiony" and changed["revisions"] == 1
    assert changed["updated_at"] > stored["updated_at"] and changed["content_changed_at"] == changed["updated_at"]
    assert changed["previous_content_hash"] == stored["content_hash"]
    assert changed["first_seen_at"] == stored["first_seen_at"]
    assert mongo_db.articles.count_documents({}) == 1 and mongo_db.pages.count_documents({}) == 1


@pytest.mark.parametrize("field", ["lead", "text", "authors", "published_at", "modified_at"])
def test_each_content_field_counts_as_a_change(mongo_db, field):
    storer = BatchStorer(ArticleStore(mongo_db))
    storer.write_batch([record(article(1, fetched=NOW - timedelta(minutes=5)))])
    value = {"lead": "Nowy lead.", "text": "Inna treść.", "authors": ["Jan Nowak"],
             "published_at": datetime(2026, 11, 2, tzinfo=timezone.utc),
             "modified_at": datetime(2026, 11, 3, tzinfo=timezone.utc)}[field]
    changed = article(1, fetched=NOW)
    setattr(changed, field, value)
    assert statuses(storer.write_batch([record(changed)])) == [("1", "changed")]


def test_records_stored_before_fingerprints_are_compared_by_their_content(mongo_db):
    legacy = article_document(article(1, fetched=NOW - timedelta(days=1)))
    mongo_db.articles.insert_one(dict(legacy, updated_at=NOW - timedelta(days=1)))   # no fingerprint
    report = BatchStorer(ArticleStore(mongo_db)).write_batch([record(article(1))])
    assert statuses(report) == [("1", "unchanged")]
    assert mongo_db.articles.find_one()["updated_at"] == (NOW - timedelta(days=1)).replace(
        microsecond=(NOW.microsecond // 1000) * 1000)


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[tuple[str, str]] = []

    def started(self, event) -> None:
        self.commands.append((event.command_name, str(event.command.get(event.command_name))))

    def succeeded(self, event) -> None: ...

    def failed(self, event) -> None: ...


def test_one_lookup_per_batch(mongo_uri, mongo_db):
    log = CommandLog()
    client = MongoClient(mongo_uri, tz_aware=True, event_listeners=[log])
    storer = BatchStorer(ArticleStore(client[mongo_db.name]))
    storer.write_batch([record(article(n)) for n in range(60)])
    log.commands.clear()
    storer.write_batch([record(article(n, fetched=datetime.now(timezone.utc))) for n in range(60)])
    finds = [c for c in log.commands if c[0] == "find"]
    assert finds == [("find", "articles")]
    client.close()


# --- validation and isolation ---------------------------------------------------------------------
def test_dates_bson_cannot_hold_or_no_page_carries_are_nulled_and_counted(mongo_db):
    far = article("far", published_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))))
    old = article("old", modified_at=datetime(1, 1, 1, tzinfo=timezone.utc))
    ahead = article("ahead", published_at=NOW + timedelta(days=30))
    fine = article("fine")
    report = BatchStorer(ArticleStore(mongo_db)).write_batch([record(a) for a in (far, old, ahead, fine)])
    assert [r.status for r in report.results] == ["new"] * 4
    assert [r.dates_nulled for r in report.results] == [("published_at",), ("modified_at",), ("published_at",), ()]
    docs = {d["_id"].rsplit("/", 1)[1]: d for d in mongo_db.articles.find()}
    assert docs["far"]["published_at"] is None and docs["old"]["modified_at"] is None
    assert docs["ahead"]["published_at"] is None
    assert docs["fine"]["published_at"] == datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def test_an_oversized_record_is_isolated_and_the_rest_written(mongo_db, caplog):
    huge = article("huge", text="zażółć gęślą jaźń " * 1_000_000)  # > 16 MiB as BSON
    batch = [article(1), huge, article(2)]
    with caplog.at_level(logging.ERROR, logger="newscrawl.store.writer"):
        report = BatchStorer(ArticleStore(mongo_db)).write_batch([record(a) for a in batch])
    assert [r.getMessage() for r in caplog.records] == [f"not stored (too_large): {huge.url}"]
    assert [(r.status, r.reason, r.page) for r in report.results] == [
        ("new", "", "stored"), ("failed", "too_large", "failed"), ("new", "", "stored")]
    assert mongo_db.articles.count_documents({}) == 2 and mongo_db.pages.count_documents({}) == 2


def test_a_document_the_server_refuses_is_isolated_and_logged_with_its_url(mongo_db, caplog):
    """FerretDB fails the whole command on a ``$``-prefixed field name (MongoDB reports a
    per-document error): either way the writer isolates the document by splitting."""
    batch = [article(n) for n in range(8)]
    batch[5].http = {"$status": 200}
    with caplog.at_level(logging.ERROR, logger="newscrawl.store.writer"):
        report = BatchStorer(ArticleStore(mongo_db)).write_batch([record(a) for a in batch])
    failed = [r for r in report.results if r.status == "failed"]
    assert [(r.url, r.page) for r in failed] == [(batch[5].url, "stored")]
    assert mongo_db.articles.count_documents({}) == 7
    assert mongo_db.articles.find_one({"_id": batch[5].url}) is None
    assert any(batch[5].url in rec.getMessage() for rec in caplog.records)


def test_an_article_is_never_written_without_its_page(mongo_db):
    refused = article("p")
    bad_page = page_document(page(refused))
    bad_page["headers"] = {"$bad": "header"}   # the page is refused: its article must wait with it
    report = BatchStorer(ArticleStore(mongo_db)).write_batch(
        [StoreRecord(article_document(refused), bad_page), record(article(1))])
    assert [(r.status, r.page) for r in report.results][0][0] == "failed"
    assert report.results[0].reason.startswith("page_")
    assert mongo_db.articles.find_one({"_id": refused.url}) is None
    assert mongo_db.articles.count_documents({}) == mongo_db.pages.count_documents({}) == 1


def test_indexers_see_the_acknowledged_new_and_changed_articles_and_their_failure_loses_nothing(mongo_db, caplog):
    seen: list[tuple[list[str], int]] = []

    def index(articles, docs):  # what it was given, and what MongoDB already held then
        seen.append((sorted(d["_id"].rsplit("/", 1)[1] for d in docs),
                     articles.count_documents({"_id": {"$in": [d["_id"] for d in docs]}})))
        if len(seen) == 2:
            raise RuntimeError("index unavailable")

    storer = BatchStorer(ArticleStore(mongo_db), indexers=[index])
    assert statuses(storer.write_batch([record(article(1)), record(article(2))])) == [("1", "new"), ("2", "new")]
    later = [record(article(1, fetched=NOW + timedelta(hours=1))), record(article(2, title="Nowy")),
             record(article(3))]
    with caplog.at_level(logging.ERROR):
        assert statuses(storer.write_batch(later)) == [("1", "unchanged"), ("2", "changed"), ("3", "new")]
    assert seen == [(["1", "2"], 2), (["2", "3"], 2)]
    assert "index unavailable" in caplog.text and "its records are stored" in caplog.text
    assert mongo_db.articles.find_one({"_id": article(2).url})["title"] == "Nowy"
    assert mongo_db.articles.count_documents({}) == 3


def test_two_fetches_of_one_url_in_a_batch_store_the_newer(mongo_db):
    older, newer = article(1, title="stary", fetched=NOW - timedelta(minutes=1)), article(1, title="nowy", fetched=NOW)
    report = BatchStorer(ArticleStore(mongo_db)).write_batch([record(newer), record(older)])
    assert [r.status for r in report.results] == ["new", "stale"]
    assert mongo_db.articles.find_one()["title"] == "nowy"


def test_raw_page_is_stored_compressed(mongo_db):
    a = article(1)
    BatchStorer(ArticleStore(mongo_db)).write_batch([record(a)])
    stored = mongo_db.pages.find_one({"_id": a.url})
    assert zlib.decompress(stored["html_zlib"]) == page(a).body
    assert set(stored) >= {"url", "outlet", "status", "headers", "fetched_at", "html_zlib", "updated_at"}


# --- outage: retry, spill, replay -----------------------------------------------------------------
@pytest.fixture
def private_mongo(tmp_path):
    server = PrivateMongo(tmp_path / "mongo")
    yield server
    server.stop()


def open_store(server: PrivateMongo, database: str = "writer") -> tuple[MongoClient, ArticleStore]:
    client = MongoClient(server.uri, tz_aware=True, serverSelectionTimeoutMS=500, connectTimeoutMS=500,
                         socketTimeoutMS=2000)
    return client, ArticleStore(client[database])


def test_an_outage_longer_than_the_retry_window_spills_then_replays_once(private_mongo, tmp_path, caplog):
    client, store = open_store(private_mongo)
    spill = SpillFile(tmp_path / "spill" / "run.jsonl")
    storer = BatchStorer(store, retry_seconds=1.0, spill=spill)
    storer.write_batch([record(article(0))])
    private_mongo.stop()
    batch = [article(n) for n in range(1, 6)]
    with caplog.at_level(logging.WARNING, logger="newscrawl.store.writer"):
        report = storer.write_batch([record(a) for a in batch])
        assert {(r.status, r.page) for r in report.results} == {("spilled", "spilled")}
        assert report.retries >= 1 and report.spill_file == str(spill.path)
        # While MongoDB stays down, later batches go to the spill file without waiting again.
        storer.write_batch([record(article(6))])
        spilling = [r.getMessage() for r in caplog.records if "spilling to" in r.getMessage()]
    assert len(spilling) == 1
    spill.close()
    entries = [decode_entry(line) for line in spill.path.read_text().splitlines()]
    assert [e["article"]["_id"] for e in entries] == [a.url for a in batch] + [article(6).url]
    assert isinstance(entries[0]["page"]["html_zlib"], bytes) and entries[0]["article"]["fetched_at"].tzinfo

    private_mongo.start()
    copy = tmp_path / "copy.jsonl"
    shutil.copy(spill.path, copy)
    result = replay_spill_file(spill.path, BatchStorer(store))
    assert [r.status for r in result.results] == ["new"] * 6
    assert not spill.path.exists()
    again = replay_spill_file(copy, BatchStorer(store))             # idempotent: one record, not two
    assert [r.status for r in again.results] == ["stale"] * 6
    assert store.articles.count_documents({}) == store.pages.count_documents({}) == 7
    client.close()


def test_a_long_queue_during_an_outage_is_spilled_without_waiting_for_the_window(private_mongo, tmp_path):
    client, store = open_store(private_mongo)
    reports = []
    spill = SpillFile(tmp_path / "run.jsonl")
    writer = StoreWriter(BatchStorer(store, retry_seconds=600, spill=spill), batch_size=1, flush_interval=60,
                         on_report=reports.append)
    private_mongo.stop()
    for n in range(40):                 # queued faster than an outage lets them out
        writer.submit(article(n), None)
    writer.start()
    wait_for(lambda: sum(len(r.results) for r in reports) == 40, 30, "every record written or spilled")
    writer.close()
    assert {r.status for rep in reports for r in rep.results} == {"spilled"}
    assert len(spill.path.read_text().splitlines()) == 40
    client.close()


def test_a_replayed_record_never_overwrites_a_newer_one(mongo_db, tmp_path):
    store = ArticleStore(mongo_db)
    spill = SpillFile(tmp_path / "old.jsonl")
    old = article(1, title="stary", fetched=NOW - timedelta(hours=1))
    spill.append([{"kind": "record", "article": article_document(old), "page": None, "reason": "test"}])
    spill.close()
    BatchStorer(store).write_batch([record(article(1, title="nowy", fetched=NOW))])
    result = replay_spill_file(spill.path, BatchStorer(store))
    assert [r.status for r in result.results] == ["stale"]
    assert mongo_db.articles.find_one()["title"] == "nowy"


def test_a_final_run_update_is_spilled_and_replayed(private_mongo, tmp_path):
    client, store = open_store(private_mongo)
    spill = SpillFile(tmp_path / "run.jsonl")
    storer = BatchStorer(store, retry_seconds=0.5, spill=spill)
    assert storer.update_run("r1", {"status": "running"})
    private_mongo.stop()
    assert storer.update_run("r1", {"status": "running", "heartbeat_at": NOW}) is False   # heartbeats: one try
    assert storer.update_run("r1", {"status": "finished"}, final=True)                  # spilled
    spill.close()
    private_mongo.start()
    result = replay_spill_file(spill.path, BatchStorer(store))
    assert result.runs == 1 and store.runs.find_one({"_id": "r1"})["status"] == "finished"
    client.close()


def test_unreadable_spill_lines_are_kept_aside_and_the_rest_replayed(mongo_db, tmp_path):
    path = tmp_path / "mixed.jsonl"
    spill = SpillFile(path)
    spill.append([{"kind": "record", "article": article_document(article(1)), "page": None, "reason": "x"}])
    spill.close()
    with open(path, "a") as out:
        out.write('{"truncated": \n')
        out.write('{"some": "json", "but": "not ours"}\n')
    spill = SpillFile(path)
    spill.append([{"kind": "record", "article": article_document(article(2)), "page": None, "reason": "x"}])
    spill.close()
    result = replay_spill_file(path, BatchStorer(ArticleStore(mongo_db)))
    assert [r.status for r in result.results] == ["new", "new"] and result.corrupt_lines == [2, 3]
    assert result.corrupt_kept == tmp_path / "mixed.jsonl.corrupt" and not path.exists()
    assert len(result.corrupt_kept.read_text().splitlines()) == 2
    assert spill_files(tmp_path) == []       # .corrupt files are not replayed again


def test_missing_or_busy_spill_files_give_one_line(mongo_db, tmp_path):
    with pytest.raises(SpillError, match=r"spill file .*nothing\.jsonl does not exist"):
        replay_spill_file(tmp_path / "nothing.jsonl", BatchStorer(ArticleStore(mongo_db)))
    busy = SpillFile(tmp_path / "busy.jsonl")       # a crawl still writing it holds its lock
    busy.append([{"kind": "record", "article": article_document(article(1)), "page": None, "reason": "x"}])
    with pytest.raises(SpillError, match="in use by another process"):
        replay_spill_file(busy.path, BatchStorer(ArticleStore(mongo_db)))
    busy.close()
    assert busy.path.exists()


def test_content_fingerprint_ignores_sub_millisecond_precision():
    a = article_document(article(1, published_at=datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)))
    b = dict(a, published_at=datetime(2026, 1, 1, 13, 0, 0, 123000, tzinfo=timezone(timedelta(hours=1))))
    assert content_fingerprint(a) == content_fingerprint(b)
    assert content_fingerprint(a) != content_fingerprint(dict(a, title="inny"))


def test_writer_replays_waiting_spill_files_at_start(mongo_db, tmp_path):
    leftover = SpillFile(tmp_path / "spill" / "earlier.jsonl")
    leftover.append([{"kind": "record", "article": article_document(article(n)), "page": None, "reason": "x"}
                     for n in range(3)])
    leftover.close()
    reports = []
    store = ArticleStore(mongo_db)
    writer = StoreWriter(BatchStorer(store, spill=SpillFile(tmp_path / "spill" / "mine.jsonl")),
                         on_report=reports.append, replay_from=tmp_path / "spill", replay_storer=BatchStorer(store))
    writer.start()
    writer.close()
    assert [(r.origin, r.status) for rep in reports for r in rep.results] == [("replay", "new")] * 3
    assert mongo_db.articles.count_documents({}) == 3 and not leftover.path.exists()


def test_spill_file_survives_the_round_trip_exactly(tmp_path):
    a = article_document(article(1, modified_at=datetime(2026, 11, 2, 8, 30, 15, 250000, tzinfo=timezone.utc)))
    p = page_document(page(article(1), body=bytes(range(256))))
    spill = SpillFile(tmp_path / "x.jsonl")
    spill.append([{"kind": "record", "article": a, "page": p, "reason": "x"}])
    spill.close()
    entry = decode_entry(Path(spill.path).read_text())
    assert entry["page"]["html_zlib"] == p["html_zlib"]
    assert entry["article"]["modified_at"] == a["modified_at"]
    assert entry["article"]["authors"] == a["authors"] and entry["article"]["cleaning"] == a["cleaning"]


def test_replay_spill_command_names_a_missing_file_in_one_line(tmp_path, capsys):
    from importlib import import_module

    from scrapy.settings import Settings

    command = import_module("newscrawl.commands.replay-spill").Command()
    command.settings = Settings({"NEWSCRAWL_SPILL_DIR": str(tmp_path)})
    command.run([str(tmp_path / "gone.jsonl")], None)
    assert command.exitcode == 2
    assert capsys.readouterr().err == f"newscrawl: spill file {tmp_path / 'gone.jsonl'} does not exist\n"
    command.exitcode = 0
    command.run([], None)                       # nothing waiting: nothing to do
    assert command.exitcode == 0 and capsys.readouterr().out == f"no spill files in {tmp_path}\n"
