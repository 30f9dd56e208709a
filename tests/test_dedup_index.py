"""FerretDB's emulated multikey index (``dedup_index``): candidates without a scan, through the
writer's stages, across crawler processes and runs; insert-only under races; a database
filled before the index existed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from pymongo import MongoClient
from pymongo.monitoring import CommandListener

from newscrawl.corpus.stories import DedupParams
from newscrawl.items import Article
from newscrawl.store import ArticleStore
from newscrawl.store.corpus import (DEDUP_FIELDS, DEDUP_INDEX, INDEX_BUILT, BatchDedup, KeyIndex, annotate_duplicates,
                                    band_entry, hash_entry, is_ferretdb)
from newscrawl.store.mongo import article_document
from newscrawl.store.writer import BatchStorer, StoreRecord
from newscrawl.text.normalize import content_hash
from tests.corpusdata import NOW, text_of
from tests.faults import PrivateMongo
from tests.corpusdata import article_doc as doc
from tests.newsroom import Newsroom
from tests.newsroom.syndication import attribution_prefix, drop_sentence, reorder_paragraphs


@pytest.fixture(scope="module")
def stories():
    return [(a.lead, list(a.paragraphs)) for a in Newsroom(articles_per_outlet=12).all_articles()]


class Commands(CommandListener):
    """Every command sent: (name, collection, the command)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []

    def started(self, event) -> None:
        self.sent.append((event.command_name, str(event.command.get(event.command_name)), event.command))

    def succeeded(self, event) -> None: ...

    def failed(self, event) -> None: ...

    def names(self) -> list[tuple[str, str]]:
        return [(name, collection) for name, collection, _ in self.sent]


class Process:
    """One crawler process's storage: its own client, writer stages and emulated index."""

    def __init__(self, uri: str, database: str) -> None:
        self.commands = Commands()
        self.client = MongoClient(uri, tz_aware=True, event_listeners=[self.commands])
        self.store = ArticleStore(self.client[database])
        self.store.ensure_indexes()
        self.dedup = BatchDedup(DedupParams(), KeyIndex(self.store.db[DEDUP_INDEX]))
        self.storer = BatchStorer(self.store, annotators=[self.dedup.annotate], lookup_fields=DEDUP_FIELDS,
                                  indexers=[self.dedup.index])

    def write(self, *articles: Article) -> list[str]:
        report = self.storer.write_batch([StoreRecord(article_document(a)) for a in articles])
        return [r.status for r in report.results]


@pytest.fixture
def processes(mongo_uri, mongo_db):
    made: list[Process] = []

    def make() -> Process:
        made.append(Process(mongo_uri, mongo_db.name))
        return made[-1]

    yield make
    for process in made:
        process.client.close()


def article(url: str, lead: str, paragraphs: list[str], fetched: datetime = NOW) -> Article:
    host = url.split("/")[2]
    text = text_of(paragraphs)
    return Article(url=url, outlet=host, domain=host, title="Tytuł", lead=lead, text=text, language="pl",
                   content_hash=content_hash(text), published_at=NOW - timedelta(days=1), fetched_at=fetched)


def test_copies_are_found_across_crawler_processes_without_a_scan(stories, processes, mongo_db):
    rng = random.Random(2)
    first, second = processes(), processes()
    (lead, paragraphs), (other_lead, other) = stories[0], stories[1]
    assert first.write(article("https://a.pl/agency", lead, paragraphs),
                       article("https://a.pl/own", other_lead, other)) == ["new", "new"]
    edited = attribution_prefix(drop_sentence(reorder_paragraphs(paragraphs, rng), rng), "Jak podaje PAP, ")
    second.commands.sent.clear()
    assert second.write(article("https://b.pl/copy", lead, edited),
                        article("https://b.pl/same-text", "Inny lead.", paragraphs),
                        *(article(f"https://b.pl/{i}", *stories[2 + i]) for i in range(4))) == ["new"] * 6
    records = {d["_id"]: d for d in mongo_db.articles.find()}
    founder = records["https://a.pl/agency"]
    assert records["https://b.pl/copy"]["near_duplicate_of"] == "https://a.pl/agency"
    assert records["https://b.pl/same-text"]["duplicate_of"] == "https://a.pl/agency"
    assert records["https://b.pl/copy"]["story_id"] == records["https://b.pl/same-text"]["story_id"] \
        == founder["story_id"]
    assert len({records[f"https://b.pl/{i}"]["story_id"] for i in range(4)} - {founder["story_id"]}) == 4
    # The stored versions, the keys, the records they name: all _id lookups; then the
    # writes; the index entries last, after the articles are acknowledged.
    sent = second.commands.sent
    finds = [(collection, command["filter"]) for name, collection, command in sent if name == "find"]
    assert [collection for collection, _ in finds] == ["articles", DEDUP_INDEX, "articles"]
    assert all(list(query) == ["_id"] and list(query["_id"]) == ["$in"] for _, query in finds)
    writes = [(name, collection) for name, collection, _ in sent if name in ("insert", "update")]
    assert writes[-1] == ("insert", DEDUP_INDEX) and ("update", "articles") in writes[:-1]
    # Each key holds its first record: the copies added only the keys the agency text lacked.
    held = {d["_id"]: d["record"] for d in mongo_db[DEDUP_INDEX].find()}
    assert all(held[band_entry(key)] == "https://a.pl/agency" for key in founder["lsh"])
    assert held[hash_entry(founder["content_hash"])] == "https://a.pl/agency"
    copy_keys = {band_entry(key) for key in records["https://b.pl/copy"]["lsh"]}
    assert {held[e] for e in copy_keys} == {"https://a.pl/agency", "https://b.pl/copy"}
    assert (first.dedup.counts.unindexed, second.dedup.counts.unindexed) == (0, 0)
    assert second.dedup.counts.index_entries == len(held) - first.dedup.counts.index_entries
    # Only keys the lookup did not find are sent (a held key would cost FerretDB a retry of its
    # insert command one document at a time).
    sent_entries = sum(len(command["documents"]) for name, collection, command in sent
                       if (name, collection) == ("insert", DEDUP_INDEX))
    assert sent_entries == second.dedup.counts.index_entries


def test_a_later_run_finds_the_copies_of_a_story_through_its_first_member(stories, processes, mongo_db):
    """Stories are clusters around their first record: a third copy is found through it."""
    rng = random.Random(4)
    lead, paragraphs = stories[3]
    runs = [processes() for _ in range(3)]
    versions = [paragraphs, reorder_paragraphs(drop_sentence(paragraphs, rng), rng),
                attribution_prefix(drop_sentence(paragraphs, rng), "Jak informuje IAR, ")]
    for n, (run, version) in enumerate(zip(runs, versions)):
        run.write(article(f"https://{n}.pl/x", lead, version, NOW + timedelta(minutes=n)))
    records = {d["_id"]: d for d in mongo_db.articles.find()}
    assert len({r["story_id"] for r in records.values()}) == 1
    assert records["https://1.pl/x"]["near_duplicate_of"] == "https://0.pl/x"
    assert records["https://2.pl/x"]["near_duplicate_of"] in {"https://0.pl/x", "https://1.pl/x"}


def test_an_entry_another_process_inserted_first_is_kept_and_the_rest_are_inserted(mongo_db):
    key_index = KeyIndex(mongo_db[DEDUP_INDEX])
    mongo_db[DEDUP_INDEX].insert_many([{"_id": band_entry(k), "record": "https://other.pl/1"} for k in (3, 5, -7)])
    planned = {"_id": "https://a.pl/1", "lsh": [1, 2, 3, 4, 5, 6, -7, 8], "content_hash": "abc"}
    key_index.plan([planned], {})  # as if both processes looked the keys up before either wrote
    assert key_index.commit(["https://a.pl/1"]) == 6
    held = {d["_id"]: d["record"] for d in mongo_db[DEDUP_INDEX].find()}
    assert {held[band_entry(k)] for k in (3, 5, -7)} == {"https://other.pl/1"}
    assert {held[band_entry(k)] for k in (1, 2, 4, 6, 8)} | {held[hash_entry("abc")]} == {"https://a.pl/1"}
    assert key_index.commit(["https://a.pl/1"]) == 0  # the plan is used up


def test_a_record_the_server_refuses_gets_no_index_entry(stories, processes, mongo_db):
    process = processes()
    refused = article("https://a.pl/refused", *stories[5])
    refused.http = {"$status": 200}  # a field name the server refuses
    assert process.write(refused, article("https://a.pl/fine", *stories[6])) == ["failed", "new"]
    held = {d["record"] for d in mongo_db[DEDUP_INDEX].find()}
    assert held == {"https://a.pl/fine"}
    # Its copy, written later, founds the story itself and takes the keys.
    assert process.write(article("https://b.pl/copy", *stories[5])) == ["new"]
    record = mongo_db.articles.find_one({"_id": "https://b.pl/copy"})
    assert record["near_duplicate_of"] is None and record["duplicate_of"] is None
    assert {d["record"] for d in mongo_db[DEDUP_INDEX].find()} == {"https://a.pl/fine", "https://b.pl/copy"}


def test_a_database_filled_before_the_index_is_indexed_once(stories, mongo_uri, mongo_db):
    # Records stored with the multikey query only (an older newscrawl, or MongoDB's path).
    lead, paragraphs = stories[7]
    old = [doc("https://a.pl/first", lead, paragraphs), doc("https://b.pl/same", "Inny lead.", paragraphs),
           doc("https://c.pl/other", *stories[8])]
    for n, record in enumerate(old):
        annotate_duplicates(mongo_db.articles, [record])
        mongo_db.articles.insert_one({**record, "first_seen_at": NOW - timedelta(days=3 - n)})
    assert mongo_db.articles.find_one({"_id": "https://b.pl/same"})["duplicate_of"] == "https://a.pl/first"

    key_index = KeyIndex(mongo_db[DEDUP_INDEX])
    assert key_index.ensure(mongo_db.articles) == mongo_db[DEDUP_INDEX].count_documents({}) - 1 > 0
    assert mongo_db[DEDUP_INDEX].find_one({"_id": INDEX_BUILT}) is not None
    held = {d["_id"]: d["record"] for d in mongo_db[DEDUP_INDEX].find()}
    assert held[hash_entry(old[0]["content_hash"])] == "https://a.pl/first"  # the first, not the copy
    # Once built, starting again costs one lookup of the index, no read of the articles.
    commands = Commands()
    client = MongoClient(mongo_uri, tz_aware=True, event_listeners=[commands])
    try:
        dedup = BatchDedup.for_articles(client[mongo_db.name].articles, DedupParams())
        if is_ferretdb(mongo_db):
            assert dedup.key_index is not None
            assert [name for name in commands.names() if name[0] == "find"] == [("find", DEDUP_INDEX)]
        # A new copy of the old record is found through the index.
        key_index.pending = {}
        copy = doc("https://d.pl/copy", lead, paragraphs[:-1])
        annotate_duplicates(mongo_db.articles, [copy], None, DedupParams(), key_index)
        assert copy["near_duplicate_of"] == "https://a.pl/first"
        assert copy["story_id"] == mongo_db.articles.find_one({"_id": "https://a.pl/first"})["story_id"]
    finally:
        client.close()


def test_a_recrawled_record_whose_text_did_not_change_costs_the_index_nothing(stories, processes, mongo_db):
    process = processes()
    lead, paragraphs = stories[9]
    copy = attribution_prefix(paragraphs, "Jak podaje PAP, ")
    process.write(article("https://a.pl/x", lead, paragraphs), article("https://b.pl/x", lead, copy))
    before = mongo_db.articles.find_one({"_id": "https://b.pl/x"})
    assert before["near_duplicate_of"] == "https://a.pl/x"
    process.commands.sent.clear()
    retitled = article("https://b.pl/x", lead, copy, NOW + timedelta(hours=1))
    retitled.title = "Tytuł poprawiony"
    assert process.write(retitled) == ["changed"]
    assert [c for c in process.commands.names() if c[1] == DEDUP_INDEX] == []
    after = mongo_db.articles.find_one({"_id": "https://b.pl/x"})
    assert after["title"] == "Tytuł poprawiony"
    for name in ("story_id", "near_duplicate_of", "similarity", "duplicate_of", "lsh"):
        assert after[name] == before[name], name


def test_removing_records_removes_only_the_entries_they_hold(mongo_db):
    key_index = KeyIndex(mongo_db[DEDUP_INDEX])
    first = {"_id": "https://a.pl/1", "lsh": [1, 2, 3], "content_hash": "abc"}
    second = {"_id": "https://b.pl/2", "lsh": [3, 4], "content_hash": "abc"}
    assert key_index.add_records([first, second]) == 5
    assert key_index.remove_records([second]) == 1  # key 3 and the hash stay with the first record
    held = {d["_id"]: d["record"] for d in mongo_db[DEDUP_INDEX].find()}
    assert held == {**{band_entry(k): "https://a.pl/1" for k in (1, 2, 3)}, hash_entry("abc"): "https://a.pl/1"}


def test_an_index_write_lost_to_an_outage_loses_no_record_only_a_candidate(stories, tmp_path):
    server = PrivateMongo(tmp_path / "mongo")
    client = MongoClient(server.uri, tz_aware=True, serverSelectionTimeoutMS=500, connectTimeoutMS=500)
    try:
        db = client["outage"]
        dedup = BatchDedup.for_articles(db.articles, DedupParams())  # FerretDB: the emulated index
        assert dedup.key_index is not None
        lead, paragraphs = stories[10]
        first = [doc("https://a.pl/first", lead, paragraphs)]
        dedup.annotate(db.articles, first)
        db.articles.insert_many(first)
        server.stop()  # after the records are acknowledged, before their index entries
        dedup.index(db.articles, first)
        assert (dedup.counts.unindexed, dedup.counts.index_entries) == (1, 0)
        server.start()
        assert db.articles.count_documents({}) == 1 and db[DEDUP_INDEX].count_documents({"record": {"$ne": ""}}) == 0
        # A later copy is not found (it founds a story of its own) and takes the keys.
        copy = [doc("https://b.pl/copy", lead, paragraphs[:-1])]
        dedup.annotate(db.articles, copy)
        assert copy[0]["near_duplicate_of"] is None and copy[0]["story_id"] != first[0]["story_id"]
    finally:
        client.close()
        server.stop()
