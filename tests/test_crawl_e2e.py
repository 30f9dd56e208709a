"""End to end: real `scrapy crawl` subprocesses against the offline newsroom into MongoDB."""

from __future__ import annotations

import time

import pytest
from pymongo.database import Database

from tests.support import run_crawl
from tools.localmongo import free_port

OUTLETS = ["nr-kurier", "nr-kresy", "nr-gazeta"]


@pytest.fixture(scope="module")
def crawled_twice(newsroom, newsroom_registry, mongo_uri, module_db: Database):
    """Crawl every main newsroom outlet twice into one database (the second time with
    refresh=1: every article downloaded again); keep both snapshots."""
    snapshots = []
    for args in ({}, {"refresh": "1"}):
        for outlet in OUTLETS:
            result = run_crawl(outlet, mongo_uri, module_db.name, newsroom_registry, args)
            assert result.returncode == 0, result.stderr[-3000:]
        snapshots.append({d["_id"]: d for d in module_db.articles.find()})
    return snapshots


@pytest.mark.parametrize("outlet", OUTLETS)
def test_one_record_per_fixture_article(newsroom, crawled_twice, module_db, outlet):
    expected = {a.url for a in newsroom.newsroom.articles(outlet)}
    stored = {d["url"] for d in module_db.articles.find({"outlet": outlet}, {"url": 1})}
    assert stored == expected


def test_second_crawl_adds_no_duplicates_and_keeps_first_seen(crawled_twice, module_db):
    first, second = crawled_twice
    assert set(first) == set(second)
    assert module_db.articles.count_documents({}) == len(first)
    unchanged = 0
    for url, doc in second.items():
        before = first[url]
        assert doc["first_seen_at"] == before["first_seen_at"]
        assert doc["last_fetched_at"] > before["last_fetched_at"]
        if doc["content_fingerprint"] == before["content_fingerprint"]:   # change-aware: nothing moved
            assert (doc["updated_at"], doc["revisions"]) == (before["updated_at"], 0)
            unchanged += 1
        else:  # e.g. boilerplate learned during the first crawl, removed on the second
            assert doc["updated_at"] > before["updated_at"] and doc["revisions"] == 1
            assert doc["previous_content_hash"] == before["content_hash"]
    assert unchanged > 0


def test_records_carry_text_language_and_provenance(newsroom, crawled_twice, module_db):
    for doc in module_db.articles.find({"outlet": {"$in": OUTLETS}}):
        expected = newsroom.expected(doc["url"])
        assert doc["title"] == expected.title
        assert doc["language"] == "pl"
        assert doc["published_at"] is not None and doc["published_at"].tzinfo is not None
        assert len(doc["text"]) > 200
        assert doc["http"]["status"] == 200
        assert doc["extractor"]["trafilatura"]


def test_stored_text_is_the_clean_story_for_every_outlet(newsroom, crawled_twice, module_db):
    """After the second crawl (learned boilerplate known) every record is the clean story."""
    for doc in module_db.articles.find({"outlet": {"$in": OUTLETS}}):
        expected = newsroom.expected(doc["url"])
        assert doc["text"] == expected.text, doc["url"]
        assert doc["lead"] == expected.lead, doc["url"]
        assert doc["authors"] == list(expected.authors), doc["url"]


def test_kresy_like_records_have_the_lead_once_no_donation_box_and_credits(newsroom, crawled_twice, module_db):
    docs = list(module_db.articles.find({"outlet": "nr-kresy"}))
    assert len(docs) == 24
    donation_removals = 0
    for doc in docs:
        expected = newsroom.expected(doc["url"])
        assert not any(p.startswith("Jak ") and expected.lead.split()[-1] in p for p in doc["text"].split("\n\n")[:1])
        for phrase in ("Pilnujemy wspólnych spraw", "Zależymy od Twojego wsparcia", "Wspieram Kresy.pl"):
            assert phrase not in doc["text"]
        assert doc["credits"] == list(expected.credits) and doc["credits"][0].startswith("Kresy.pl/")
        assert not doc["text"].rstrip().endswith(doc["credits"][0])
        rules = {r["rule"] for r in doc["cleaning"]["removed"]}
        assert "credit_line" in rules
        donation_removals += bool(rules & {"donation_appeal", "outlet_phrase"})
    # Half the pages carry the appeal inline in the body (the seed's case), which
    # trafilatura keeps; the cleaner must remove and record it on every one of them.
    assert donation_removals >= 12


def test_legacy_charset_pages_are_stored_as_correct_polish(newsroom, crawled_twice, module_db):
    encodings = set()
    for doc in module_db.articles.find({"outlet": "nr-gazeta"}):
        expected = newsroom.expected(doc["url"])
        assert doc["title"] == expected.title and doc["text"] == expected.text
        assert any(ch in doc["text"] for ch in "ąćęłńóśźż")
        encodings.add(doc["http"]["encoding"])
    assert encodings == {"cp1250", "iso8859-2"}


def test_records_carry_the_outlets_tdm_status(crawled_twice, module_db):
    statuses = {(d["tdm"]["reserved"], bool(d["tdm"]["source"])) for d in module_db.articles.find({}, {"tdm": 1})}
    assert statuses == {(False, False)}
    report = module_db.runs.find_one({"outlets": "nr-kurier"})
    assert report["tdm"]["nr-kurier"]["reserved"] is False


def test_raw_pages_and_run_reports_are_stored(crawled_twice, module_db):
    assert module_db.pages.count_documents({}) == module_db.articles.count_documents({})
    runs = list(module_db.runs.find({"outlets": "nr-kurier"}).sort("started_at", 1))
    assert len(runs) == 2 and {r["status"] for r in runs} == {"finished"}
    assert runs[0]["stored_new"] > 0 and runs[1]["stored_new"] == 0
    assert runs[1]["stored_updated"] == runs[0]["stored_new"]
    assert runs[1]["stored_changed"] + runs[1]["stored_unchanged"] == runs[1]["stored_updated"]
    assert runs[0]["outcomes"]["nr-kurier"] == {"outcome": "ok", "detail": "", "articles": runs[0]["stored_new"]}


def test_unreachable_mongodb_stops_the_crawl_with_one_clear_line(newsroom_registry):
    dead = f"mongodb://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = run_crawl("nr-kurier", dead, "unused", newsroom_registry)  # default NEWSCRAWL_MONGO_TIMEOUT
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    # Not a speed figure: a crawl that waited for MongoDB for ever would hit run_crawl's
    # 300 s timeout. The bound leaves room for a loaded CI machine's start-up time.
    assert elapsed < 30, f"took {elapsed:.1f}s"
    errors = [line for line in result.stderr.splitlines() if "MONGO_URI" in line]
    assert len(errors) == 1 and dead in errors[0]
    assert "Traceback" not in result.stderr
