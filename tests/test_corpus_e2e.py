"""End to end: outlets that syndicate one agency story are crawled into one story; export and stats."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from pymongo.database import Database

from newscrawl.store.corpus import DEDUP_INDEX, is_ferretdb
from tests.newsroom.syndication import SyndicationNewsroom
from tests.support import ROOT, crawl_env, run_crawl

OUTLETS = ["nr-wiesci", "nr-echo", "nr-glos"]


def scrapy(*args: str, mongo_uri: str, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          env=crawl_env(mongo_uri, database, None), timeout=120)


@pytest.fixture(scope="module")
def syndication(tmp_path_factory):
    room = SyndicationNewsroom()
    with room.serve() as live:
        live.registry = live.write_registry(tmp_path_factory.mktemp("syndication") / "outlets.toml")
        yield live


@pytest.fixture(scope="module")
def crawled(syndication, mongo_uri, module_db: Database):
    """The three outlets crawled in one run, then re-crawled (refresh=1) in another; both snapshots."""
    snapshots, logs = [], []
    for outlets, refresh in ((OUTLETS, "0"), (list(reversed(OUTLETS)), "1")):
        result = run_crawl("news", mongo_uri, module_db.name, syndication.registry,
                           args={"outlets": ",".join(outlets), "refresh": refresh})
        assert result.returncode == 0, result.stderr[-3000:]
        snapshots.append({d["_id"]: d for d in module_db.articles.find()})
        logs.append(result.stderr)
    return (*snapshots, logs)


def by_story(live, records: dict[str, dict], label: str) -> list[dict]:
    return [r for url, r in records.items() if live.room.story_of(url) == label]


def test_syndicated_copies_share_one_story_and_the_same_topic_story_does_not(syndication, crawled):
    records = crawled[0]
    assert len(records) == len(syndication.all_articles()) == 10
    copies = by_story(syndication, records, "agency")
    assert {r["outlet"] for r in copies} == set(OUTLETS)
    assert len({r["story_id"] for r in copies}) == 1
    founders = [r for r in copies if r["near_duplicate_of"] is None]
    assert len(founders) == 1
    for copy in copies:
        if copy is not founders[0]:
            assert copy["near_duplicate_of"] in {r["_id"] for r in copies} and copy["similarity"] >= 0.8
    [same_topic] = by_story(syndication, records, "same-topic")
    others = [same_topic, *by_story(syndication, records, "own")]
    assert len({r["story_id"] for r in others} | {copies[0]["story_id"]}) == len(others) + 1
    assert all(r["near_duplicate_of"] is None and r["duplicate_of"] is None for r in others)


def test_the_crawl_stats_count_what_dedup_found(crawled, module_db):
    first_run, second_run = crawled[2]
    for key, value in (("near", 2), ("new_stories", 8), ("exact", 0), ("skipped", 0), ("unindexed", 0)):
        assert f"'newscrawl/dedup/{key}': {value}," in first_run, key
    assert "'newscrawl/dedup/near': 0," in second_run  # nothing changed, nothing judged again
    # FerretDB: the keys of the first run's records went to the emulated index (none on MongoDB).
    entries = re.search(r"'newscrawl/dedup/index_entries': (\d+),", first_run)
    assert entries is not None and int(entries[1]) == module_db[DEDUP_INDEX].count_documents({"record": {"$ne": ""}})
    assert (int(entries[1]) > 0) == is_ferretdb(module_db)


def test_a_recrawl_changes_no_story(crawled):
    first, second, _ = crawled
    assert set(first) == set(second)
    for url, record in first.items():
        for name in ("story_id", "near_duplicate_of", "similarity", "duplicate_of"):
            assert second[url][name] == record[name], (url, name)


def test_export_with_near_dedup_holds_the_earliest_copy_only(syndication, crawled, mongo_uri, module_db, tmp_path):
    records = crawled[1]
    result = scrapy("export", "-o", str(tmp_path / "near.jsonl"), "--dedup", "near", mongo_uri=mongo_uri,
                    database=module_db.name)
    assert result.returncode == 0, result.stderr
    exported = [json.loads(line) for line in (tmp_path / "near.jsonl").read_text("utf-8").splitlines()]
    assert result.stderr.strip() == f"exported {len(exported)} records to {tmp_path / 'near.jsonl'}"
    urls = {r["url"] for r in exported}
    copies = by_story(syndication, records, "agency")
    earliest = min(copies, key=lambda r: r["published_at"])
    assert earliest["outlet"] == "nr-wiesci"
    assert urls & {r["_id"] for r in copies} == {earliest["_id"]}
    assert urls == {url for url in records if syndication.room.story_of(url) != "agency"} | {earliest["_id"]}
    everything = scrapy("export", "-o", str(tmp_path / "all.jsonl"), mongo_uri=mongo_uri, database=module_db.name)
    assert everything.returncode == 0 and len((tmp_path / "all.jsonl").read_text().splitlines()) == len(records)


def test_corpus_stats_shows_each_outlets_near_duplicates_and_plots_days(crawled, mongo_uri, module_db, tmp_path):
    plot = tmp_path / "stats.png"
    result = scrapy("corpus-stats", "--plot", str(plot), mongo_uri=mongo_uri, database=module_db.name)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {*OUTLETS, "(all)"}
    assert rows["(all)"].split()[1] == "10"
    assert rows["(all)"].split()[5:9] == ["pl", "100.0%", "0.0%", "20.0%"]  # 2 of 10 records are near duplicates
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    as_json = scrapy("corpus-stats", "--json", "--outlet", "nr-echo", mongo_uri=mongo_uri, database=module_db.name)
    first = json.loads(as_json.stdout.splitlines()[0])
    assert first["outlet"] == "nr-echo" and first["records"] == 4 and first["languages"] == {"pl": 1.0}
