"""The text stage's worker pool in real `scrapy crawl` runs of the offline newsroom: the
same records as in process, worker crashes and hangs cost one page each (counted, with its
URL in the log), SIGTERM / Ctrl-C leave no process behind, and learned boilerplate is
shared by crawler processes through MongoDB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from pymongo.database import Database

from newscrawl.store import BOILERPLATE
from tests.faulty_text import FAULTS_ENV
from tests.newsroom import Newsroom
from tests.faults import wait_for
from tests.support import ROOT, alive, crawl_env, descendants, run_crawl
from tests.support import crawl_stat as stat

OUTLETS = "nr-kurier,nr-kresy,nr-gazeta"
VOLATILE = ("first_seen_at", "updated_at", "fetched_at", "last_fetched_at")  # times of the crawl


def records(db: Database) -> dict[str, dict]:
    return {d["_id"]: {k: v for k, v in d.items() if k not in VOLATILE} for d in db.articles.find()}


def test_records_are_identical_in_process_and_in_the_pool(newsroom_registry, mongo_uri, mongo_client):
    """Both modes start from the same learned boilerplate (a first crawl's), so every
    record must come out the same, byte for byte."""
    names = {mode: f"nc_pool_{mode}_{os.getpid()}" for mode in ("learn", "0", "2")}
    try:
        first = run_crawl("news", mongo_uri, names["learn"], newsroom_registry, {"outlets": OUTLETS},
                          NEWSCRAWL_WORKERS="0")
        assert first.returncode == 0, first.stderr[-3000:]
        learned = list(mongo_client[names["learn"]][BOILERPLATE].find())
        assert any(d.get("known") for d in learned)
        # Learning from nothing wrote the recurring paragraphs only (3.9 writes per
        # article when every short paragraph was upserted).
        assert stat(first.stderr, "item_scraped_count") == 72
        assert stat(first.stderr, "newscrawl/boilerplate/writes") <= 0.2 * 72
        assert len(learned) <= 0.2 * 72
        results = {}
        for workers in ("0", "2"):
            mongo_client[names[workers]][BOILERPLATE].insert_many(learned)
            results[workers] = run_crawl("news", mongo_uri, names[workers], newsroom_registry,
                                         {"outlets": OUTLETS}, NEWSCRAWL_WORKERS=workers)
            assert results[workers].returncode == 0, results[workers].stderr[-3000:]
        assert "text stage: in the crawl process" in results["0"].stderr
        assert "text stage: 2 worker processes" in results["2"].stderr
        in_process, pooled = records(mongo_client[names["0"]]), records(mongo_client[names["2"]])
        assert len(in_process) == 72
        assert pooled == in_process
        for result in results.values():  # a re-crawl writes no more than pruning
            assert stat(result.stderr, "newscrawl/boilerplate/writes") <= 3
    finally:
        for name in names.values():
            mongo_client.drop_database(name)


def test_worker_crashes_and_hangs_cost_one_page_each(newsroom, newsroom_registry, mongo_uri, mongo_db, tmp_path):
    articles = [a.url for a in newsroom.articles("nr-kurier")]
    crashes, flaky, hangs = articles[3], articles[7], articles[11]
    faults = {crashes: "crash", flaky: f"crash-once:{tmp_path / 'crashed-once'}", hangs: "hang"}
    env = crawl_env(mongo_uri, mongo_db.name, newsroom_registry, NEWSCRAWL_WORKERS="2",
                    NEWSCRAWL_TEXT_TIMEOUT="3", **{FAULTS_ENV: json.dumps(faults)})
    result = subprocess.run([sys.executable, "-m", "tests.faulty_text", "crawl", "nr-kurier"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    stored = {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    assert stored == set(articles) - {crashes, hangs}  # the flaky page made it on its retry
    assert stat(result.stderr, "newscrawl/dropped/worker_failed") == 2
    assert stat(result.stderr, "newscrawl/outlet/nr-kurier/dropped") == 2
    assert stat(result.stderr, "newscrawl/workers/crashed") == 3
    assert stat(result.stderr, "newscrawl/workers/timed_out") == 2
    failures = [line for line in result.stderr.splitlines() if "ERROR" in line and "worker_failed" in line]
    assert len(failures) == 2
    assert any(crashes in line and "died" in line for line in failures)
    assert any(hangs in line and "hung for more than 3s" in line for line in failures)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["SIGTERM to the crawl", "Ctrl-C to the process group"])
def test_a_stopped_crawl_shuts_its_workers_down_and_leaves_no_process(how, mongo_uri, mongo_db, tmp_path):
    with Newsroom(articles_per_outlet=400, seed=2).serve() as live:
        registry = live.write_registry(tmp_path / "outlets.toml")
        env = crawl_env(mongo_uri, mongo_db.name, registry, NEWSCRAWL_WORKERS="2")
        # A small scraper slot: fewer downloaded pages wait for the text stage, so the
        # graceful stop (which finishes them) is quick.
        crawl = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "nr-kurier",
                                  "-s", "SCRAPER_SLOT_MAX_ACTIVE_SIZE=200000"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
        try:
            # Mid-crawl: some records stored (so the workers are busy), far from all 400.
            wait_for(lambda: mongo_db.articles.count_documents({}) >= 10 or crawl.poll() is not None, 120,
                     "10 records stored")
            below = descendants(crawl.pid)
            assert crawl.poll() is None and len(below) >= 3  # the fork server and 2 workers
            if how.startswith("SIGTERM"):
                crawl.send_signal(signal.SIGTERM)
            else:
                os.killpg(crawl.pid, signal.SIGINT)
            _, stderr = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
                crawl.wait()
    wait_for(lambda: not alive(below), 30, f"the crawl's processes {sorted(below)} to exit")
    assert "'finish_reason': 'shutdown'" in stderr
    assert "Traceback" not in stderr
    assert 10 <= mongo_db.articles.count_documents({}) < 400


def test_learned_boilerplate_is_shared_by_two_crawler_processes(newsroom, newsroom_registry, mongo_uri,
                                                                mongo_db, tmp_path):
    """nr-gazeta's weather line is on every page. With a threshold of 30 articles, neither
    of two crawls of 24 articles each (run at the same time, on two newsrooms with other
    articles) can learn it alone; what they stored together makes a third crawl clean
    from its first record — its own 24 re-crawled articles could never count to 30."""
    env = {"NEWSCRAWL_BOILERPLATE_MIN_ARTICLES": "30", "NEWSCRAWL_BATCH_SIZE": "10"}
    with Newsroom(articles_per_outlet=24, seed=1).serve() as other:
        other_registry = other.write_registry(tmp_path / "other.toml")
        crawls = [
            subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "nr-gazeta"], cwd=ROOT,
                             env=crawl_env(mongo_uri, mongo_db.name, registry, **env),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for registry in (newsroom_registry, other_registry)
        ]
        outputs = [c.communicate(timeout=300)[1] for c in crawls]
        assert [c.returncode for c in crawls] == [0, 0], outputs[0][-2000:] + outputs[1][-2000:]
        # Only recurring paragraphs were stored: the weather line, not the stories' short
        # paragraphs (about 90 in these 48 articles, each seen once).
        assert mongo_db[BOILERPLATE].count_documents({}) <= 3
    third = run_crawl("nr-gazeta", mongo_uri, mongo_db.name, newsroom_registry, {"refresh": "1"}, **env)
    assert third.returncode == 0, third.stderr[-3000:]
    assert stat(third.stderr, "newscrawl/boilerplate/learned") == 0  # known from the start
    for article in newsroom.articles("nr-gazeta"):
        assert mongo_db.articles.find_one({"_id": article.url})["text"] == article.text, article.url
    assert mongo_db[BOILERPLATE].count_documents({"known": True}) == 1
