"""Storage faults injected into real `scrapy crawl` runs of the offline newsroom, against a
private FerretDB this module can stop, restart and freeze. Each test checks what reached
MongoDB: every article exactly once, with its raw page, and run records and stats that
match the database.

Learned boilerplate is off in these crawls: its counts are written from the reactor
thread by ``ExtractPipeline`` (a separate component), and here only the store writer is
under test.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from pymongo import MongoClient

from newscrawl.store.runs import stale_runs
from tests.faults import BackgroundCrawl, PrivateMongo, wait_for
from tests.support import ROOT, crawl_env, run_crawl

OUTLET = "nr-kurier"
ARTICLES = 30
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))
YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone.utc)
# Quick failure detection, small batches written all along the crawl.
STORE = {
    "NEWSCRAWL_BATCH_SIZE": "3",
    "NEWSCRAWL_FLUSH_INTERVAL": "0.3",
    "NEWSCRAWL_MONGO_TIMEOUT": "1",
    "NEWSCRAWL_MONGO_SOCKET_TIMEOUT": "2",
    "NEWSCRAWL_HEARTBEAT_INTERVAL": "1",
    "NEWSCRAWL_LEARN_BOILERPLATE": "0",
}
# A crawl slow enough (several seconds) for a fault to land in its middle.
SLOW = {**STORE, "NEWSCRAWL_DOWNLOAD_DELAY": "0.3", "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A newsroom of our own whose Kurier has one article dated 9999-12-31T23:59:59-12:00
    (beyond BSON once in UTC) and one dated 0001-01-01."""
    from tests.newsroom import Newsroom

    room = Newsroom(articles_per_outlet=ARTICLES)
    arts = room.arts(OUTLET)
    arts[3].published, arts[3].modified = FAR_FUTURE, None
    arts[7].published, arts[7].modified = YEAR_ONE, None
    with room.serve() as running:
        running.registry = running.write_registry(tmp_path_factory.mktemp("faults") / "outlets.toml")
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    mongo = PrivateMongo(tmp_path_factory.mktemp("faults-mongo"))
    yield mongo
    mongo.stop()


@pytest.fixture
def db(server, request):
    """A fresh database on the private server, which is running again after the test."""
    client = MongoClient(server.uri, tz_aware=True, serverSelectionTimeoutMS=20000)
    name = f"f_{uuid.uuid4().hex[:12]}"
    yield client[name]
    if server.server is None:
        server.start()
    server.thaw()
    client.drop_database(name)
    client.close()
    shutil.rmtree(crawl_env(server.uri, name, None)["NEWSCRAWL_SPILL_DIR"], ignore_errors=True)


def expected_urls(live) -> set[str]:
    return {a.url for a in live.articles(OUTLET)}


def article_requests(live) -> int:
    paths = {urlsplit(url).path for url in expected_urls(live)}
    return sum(1 for e in live.request_log if e.outlet == OUTLET and e.path in paths)


def stored(db) -> int:
    return db.articles.count_documents({})


def assert_exactly_once(live, db) -> None:
    """Every article once, each with its raw page, and the run's counts equal the database."""
    urls = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    assert sorted(urls) == sorted(expected_urls(live))
    assert {d["_id"] for d in db.pages.find({}, {"_id": 1})} == set(urls)


def only_run(db) -> dict:
    runs = list(db.runs.find())
    assert len(runs) == 1
    return runs[0]


def start_crawl(live, server, db, tmp_path, **env) -> BackgroundCrawl:
    return BackgroundCrawl(OUTLET, server.uri, db.name, live.registry, tmp_path / "crawl.log", **{**SLOW, **env})


def test_implausible_dates_are_nulled_and_counted_and_every_article_stored(live, server, db, tmp_path):
    crawl = BackgroundCrawl(OUTLET, server.uri, db.name, live.registry, tmp_path / "crawl.log",
                            options=("--nolog",), **STORE)
    assert crawl.wait() == 0, crawl.log()[-3000:]
    assert crawl.log().splitlines() == [f"{OUTLET}: ok, {ARTICLES} articles"]   # --nolog: the closing line only
    assert_exactly_once(live, db)
    arts = live.articles(OUTLET)
    assert db.articles.find_one({"_id": arts[3].url})["published_at"] is None
    assert db.articles.find_one({"_id": arts[7].url})["published_at"] is None
    run = only_run(db)
    # The text stage drops both dates (counted as its events); the writer's own check of the
    # BSON range (tests/test_writer.py) is left with nothing to null.
    assert (run["status"], run["stored_new"], run["store_failed"], run["dates_nulled"]) == ("finished", ARTICLES, 0, 0)
    assert run["text_events"]["date/implausible_published"] == 2
    assert run["outcomes"] == {OUTLET: {"outcome": "ok", "detail": "", "articles": ARTICLES}}


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_mongodb_down_mid_crawl_loses_nothing_and_downloads_go_on(live, server, db, tmp_path, fault):
    crawl = start_crawl(live, server, db, tmp_path, NEWSCRAWL_STORE_RETRY_SECONDS="60")
    wait_for(lambda: stored(db) >= 3, 30, "the first articles in MongoDB")
    server.stop() if fault == "stopped" else server.freeze()
    downloaded = article_requests(live)
    wait_for(lambda: "MongoDB unavailable" in crawl.log(), 30, "the writer noticing the outage")
    # The crawl keeps downloading while the writer retries off the reactor thread.
    wait_for(lambda: article_requests(live) >= downloaded + 3, 30, "downloads during the outage")
    server.start() if fault == "stopped" else server.thaw()
    assert crawl.wait() == 0, crawl.log()[-3000:]
    log = crawl.log()
    assert "spilling" not in log and "Traceback" not in log
    assert_exactly_once(live, db)
    run = only_run(db)
    assert (run["status"], run["stored_new"], run["store_failed"], run["spilled"]) == ("finished", ARTICLES, 0, 0)
    assert run["pages"]["stored"] == ARTICLES


def test_an_outage_beyond_the_retry_window_spills_and_the_next_crawl_replays(live, server, db, tmp_path):
    crawl = start_crawl(live, server, db, tmp_path, NEWSCRAWL_STORE_RETRY_SECONDS="1")
    wait_for(lambda: stored(db) >= 3, 30, "the first articles in MongoDB")
    server.stop()
    wait_for(lambda: "spilling to" in crawl.log(), 30, "spilling to start")
    downloaded = article_requests(live)
    wait_for(lambda: article_requests(live) >= downloaded + 3, 30, "more downloads while spilling")
    server.start()
    assert crawl.wait() == 1, crawl.log()[-3000:]
    run = only_run(db)
    spill_file = run["spill_file"]
    spilled = run["spilled"]
    assert spilled > 0 and run["stored_new"] + spilled == ARTICLES == stored(db) + spilled
    assert run["outcomes"][OUTLET]["outcome"] == "store_failed"
    closing = [line for line in crawl.log().splitlines() if line.startswith(f"{OUTLET}: ")]
    assert closing == [f"{OUTLET}: store_failed ({spilled} records spilled to {spill_file}; "
                       f"`scrapy replay-spill` loads them), {ARTICLES - spilled} articles"]
    with open(spill_file) as lines:
        assert sum(1 for line in lines if '"kind": "record"' in line) == spilled
    copy = tmp_path / "copy.jsonl"
    shutil.copy(spill_file, copy)

    # The next crawl loads the spill file before anything else, then re-crawls (refresh=1:
    # every article again, stored or not).
    assert run_crawl(OUTLET, server.uri, db.name, live.registry, {"refresh": "1"}, **STORE).returncode == 0
    assert_exactly_once(live, db)
    second = db.runs.find_one({"_id": {"$ne": run["_id"]}})
    assert second["replayed"] == {"new": spilled}
    assert second["stored_unchanged"] == ARTICLES and second["stored_new"] == 0

    # Replaying the same records again stores nothing twice.
    env = crawl_env(server.uri, db.name, live.registry)
    again = subprocess.run([sys.executable, "-m", "scrapy", "replay-spill", str(copy)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{copy}: 0 stored, {spilled} already stored, 0 refused, 0 run records"
    assert_exactly_once(live, db)


def test_sigterm_ends_the_run_interrupted_sigkill_leaves_it_running_and_a_rerun_recovers(live, server, db, tmp_path):
    # SIGTERM: Scrapy closes the spider; the writer drains; the run ends "interrupted", exit 1.
    crawl = start_crawl(live, server, db, tmp_path)
    wait_for(lambda: stored(db) >= 3, 30, "the first articles in MongoDB")
    crawl.kill(signal.SIGTERM)
    assert crawl.wait() == 1, crawl.log()[-3000:]
    interrupted = only_run(db)
    assert (interrupted["status"], interrupted["reason"]) == ("interrupted", "signal")
    assert interrupted["stored_new"] == stored(db) == db.pages.count_documents({}) > 0
    assert "run interrupted" in crawl.log()

    # SIGKILL: records waiting in the writer's batch (long interval) are lost from memory,
    # and the run cannot write its end: it stays "running" and its heartbeat goes stale.
    crawl = start_crawl(live, server, db, tmp_path, NEWSCRAWL_BATCH_SIZE="100", NEWSCRAWL_FLUSH_INTERVAL="600")
    killed = wait_for(lambda: db.runs.find_one({"status": "running"}), 30, "the run record")
    downloaded = article_requests(live)
    wait_for(lambda: article_requests(live) >= downloaded + 5, 30, "articles downloaded")
    crawl.kill(signal.SIGKILL)
    crawl.wait()
    assert stored(db) < ARTICLES
    wait_for(lambda: [r["_id"] for r in stale_runs(db)] == [killed["_id"]], 30, "a stale heartbeat")

    # The next crawl downloads only what is not stored yet: every article stored exactly once.
    before = stored(db)
    assert run_crawl(OUTLET, server.uri, db.name, live.registry, **STORE).returncode == 0
    assert_exactly_once(live, db)
    runs = {r["_id"]: r for r in db.runs.find()}
    assert runs.pop(interrupted["_id"])["status"] == "interrupted"
    assert runs.pop(killed["_id"])["status"] == "running"
    (rerun,) = runs.values()
    assert rerun["status"] == "finished" and rerun["stored_new"] == ARTICLES - before
    assert rerun["stored_unchanged"] == 0 and rerun["known_skipped"] >= before


@pytest.mark.parametrize(
    ("env", "options", "code", "line"),
    [
        ({"MONGO_URI": "mongodb://user:p@ss@127.0.0.1:27017"}, (), 2,
         "newscrawl: MONGO_URI=mongodb://user:***@127.0.0.1:27017 is not a valid MongoDB URI: "),
        ({"MONGO_URI": "mongodb://u:secret@127.0.0.1:9/?tlsCertificateKeyFilePassword=hunter2",
          "NEWSCRAWL_MONGO_TIMEOUT": "0.5"}, ("--nolog",), 1,
         "newscrawl: cannot reach MongoDB at MONGO_URI=mongodb://u:***@127.0.0.1:9/?tlsCertificateKeyFilePassword=***"),
    ],
    ids=["malformed-uri", "unreachable-nolog"],
)
def test_bad_storage_settings_stop_with_one_line(live, server, env, options, code, line):
    before = len(live.request_log)
    merged = {**crawl_env(server.uri, "unused", live.registry), **env}
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", OUTLET, *options], cwd=ROOT, env=merged,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), result.stderr
    assert "secret" not in result.stderr and "hunter2" not in result.stderr and "p@ss" not in result.stderr
    assert len(live.request_log) == before    # nothing was crawled
