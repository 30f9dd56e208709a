"""`scrapy reprocess`: the current text stage over the stored raw pages, no network."""

from __future__ import annotations

import re
import subprocess
import sys

from pymongo.database import Database

from newscrawl.reprocess import NO_RULE, rules_that_changed
from tests.support import ROOT, crawl_env, run_crawl

OUTLET = "nr-gazeta"   # a weather line on every page: boilerplate learned during the crawl


def reprocess(mongo_uri: str, db: Database, *options: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "reprocess", *options], cwd=ROOT, capture_output=True,
                          text=True, env=crawl_env(mongo_uri, db.name, None, **env), timeout=300)


def snapshot(db: Database) -> dict[str, dict]:
    return {d["_id"]: d for d in db.articles.find()}


def dirty(newsroom, records: dict[str, dict]) -> set[str]:
    return {url for url, doc in records.items() if doc["text"] != newsroom.expected(doc["url"]).text}


def test_rules_that_changed_names_the_cleaning_rules_whose_removals_differ():
    before = {"removed": [{"rule": "outlet_phrase", "text": "Czytaj też"}]}
    after = {"removed": [{"rule": "outlet_phrase", "text": "Czytaj też"},
                         {"rule": "learned_boilerplate", "text": "Pogoda: słonecznie"}]}
    assert rules_that_changed(before, after) == {"learned_boilerplate"}
    assert rules_that_changed(after, after) == {NO_RULE}
    assert rules_that_changed(None, before) == {"outlet_phrase"}


def test_reprocessing_cleans_records_stored_before_the_boilerplate_was_learned(newsroom, newsroom_registry,
                                                                               mongo_uri, mongo_db):
    # Learned from the 4th article on: the first records still carry the weather line.
    crawl = run_crawl(OUTLET, mongo_uri, mongo_db.name, newsroom_registry,
                      NEWSCRAWL_BOILERPLATE_MIN_ARTICLES="4", NEWSCRAWL_BATCH_SIZE="4")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    crawled = snapshot(mongo_db)
    stale = dirty(newsroom, crawled)
    assert len(crawled) == 24 and 0 < len(stale) < 24

    # --dry-run says what would change and writes nothing.
    dry = reprocess(mongo_uri, mongo_db, "--dry-run", "--outlet", OUTLET)
    assert dry.returncode == 0, dry.stderr
    assert re.match(rf"reprocessed 24 pages in [\d.]+s, \d+ ms per page: {len(stale)} would change, "
                    rf"{24 - len(stale)} unchanged, 0 rejected$", dry.stdout.splitlines()[0]), dry.stdout
    assert snapshot(mongo_db) == crawled

    result = reprocess(mongo_uri, mongo_db, "--outlet", OUTLET, NEWSCRAWL_WORKERS="2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(rf"reprocessed 24 pages .*: {len(stale)} changed, {24 - len(stale)} unchanged, 0 rejected$",
                    lines[0]), lines
    assert lines[1:] == ["records changed by cleaning rule:", f"  learned_boilerplate  {len(stale)}"]
    after = snapshot(mongo_db)
    assert dirty(newsroom, after) == set()
    for url, doc in after.items():
        before = crawled[url]
        # A new cleaning moves updated_at only for a real change; it is not a fetch nor an edit.
        assert (doc["updated_at"] > before["updated_at"]) == (url in stale), url
        assert doc["last_fetched_at"] == before["last_fetched_at"] and doc["revisions"] == before["revisions"]
        assert doc["first_seen_at"] == before["first_seen_at"] and doc["reprocessed_at"] >= doc["updated_at"]
    # Changed records went through the dedup annotators again (their fingerprints follow the text).
    assert all(after[url]["content_hash"] != crawled[url]["content_hash"] for url in stale)

    # Nothing left to change; --changed-only writes nothing for unchanged records.
    again = reprocess(mongo_uri, mongo_db, "--changed-only")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0].endswith(": 0 changed, 24 unchanged, 0 rejected")
    assert snapshot(mongo_db) == after


def test_filters_and_bad_options(mongo_uri, mongo_db):
    none = reprocess(mongo_uri, mongo_db, "--since", "2999-01-01", "--dry-run")
    assert none.returncode == 0 and none.stdout.startswith("reprocessed 0 pages in ")
    bad = reprocess(mongo_uri, mongo_db, "--since", "yesterday")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].endswith(
        "--since 'yesterday' is not a date such as 2026-11-01 or 2026-11-01T06:00+01:00")
