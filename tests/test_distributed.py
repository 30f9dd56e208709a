"""Several workers sharing one frontier in Redis (``NEWSCRAWL_REDIS_URL``): real `scrapy crawl`
processes against the offline newsroom and a private ``redis-server``, judged by what the
newsroom served to whom (each worker sends its own User-Agent), what MongoDB holds and
what Redis keeps. Without ``redis-server`` these tests fail and say how to install it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.faults import wait_for
from tests.support import run_crawl, start_crawl
from tests.test_discovery_crawl import article_paths, check_fetches, only
from tools.localmongo import free_port
from tools.localredis import LocalRedisError, start_redis

OUTLET = "nr-kurier"
CHECK_PATHS = ("/robots.txt", "/.well-known/tdmrep.json", "/")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    try:
        server = start_redis(tmp_path_factory.mktemp("redis"))
    except LocalRedisError as exc:
        pytest.fail(f"no Redis for the shared-frontier tests: {exc}", pytrace=False)
    yield server.url
    server.stop()


@pytest.fixture
def client(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


class Workers:
    """`scrapy crawl` workers of one run; worker NAME sends the User-Agent ``newscrawl-NAME``."""

    def __init__(self, newsroom, registry: Path, mongo_uri: str, db, redis_url: str, tmp_path: Path, **env: str):
        self.newsroom, self.registry, self.mongo_uri, self.db = newsroom, registry, mongo_uri, db
        self.env = {"NEWSCRAWL_REDIS_URL": redis_url, "NEWSCRAWL_REDIS_IDLE_CLOSE": "1", **env}
        self.tmp_path = tmp_path
        self.processes: dict[str, object] = {}
        self.log_start = len(newsroom.request_log)

    def start(self, name: str, spider: str = OUTLET, args: dict[str, str] | None = None, **env: str) -> None:
        self.processes[name] = start_crawl(
            spider, self.mongo_uri, self.db.name, self.registry, self.tmp_path / f"{name}.log", args=args,
            **{**self.env, "NEWSCRAWL_USER_AGENT": f"newscrawl-{name} (+test)", **env})

    def finish(self, timeout: float = 240, failing: tuple[str, ...] = ()) -> dict[str, str]:
        """Wait for every worker; their output by name (each must have exited 0, or 1 if
        ``failing``)."""
        outputs = {}
        for name, process in self.processes.items():
            process.wait(timeout)
            outputs[name] = (self.tmp_path / f"{name}.log").read_text()
            assert process.returncode == (1 if name in failing else 0), (name, outputs[name][-3000:])
        return outputs

    def log(self, outlet: str = OUTLET) -> list:
        return [e for e in self.newsroom.request_log[self.log_start:] if e.outlet == outlet]

    def article_fetches(self, outlet: str = OUTLET) -> Counter:
        """Article GETs per worker."""
        articles = article_paths(self.newsroom, outlet)
        return Counter(worker_of(e) for e in self.log(outlet) if e.method == "GET" and e.path in articles)


def worker_of(entry) -> str:
    return entry.user_agent.split()[0].removeprefix("newscrawl-")


def run_keys(client: redis.Redis) -> list[str]:
    return sorted(k.decode() for k in client.keys("newscrawl:*") if not k.startswith(b"newscrawl:host:"))


def test_two_workers_share_one_frontier_and_a_late_one_joins(newsroom, newsroom_registry, mongo_uri, mongo_db,
                                                              redis_url, client, tmp_path):
    # A download delay makes the crawl last long enough for the second worker to join it
    # while there is work left.
    workers = Workers(newsroom, newsroom_registry, mongo_uri, mongo_db, redis_url, tmp_path,
                      NEWSCRAWL_DOWNLOAD_DELAY="0.4")
    articles = article_paths(newsroom, OUTLET)
    workers.start("w1")
    wait_for(lambda: client.exists(f"newscrawl:{{{OUTLET}}}:workers"), 120, "w1 to start the run")
    workers.start("w2")
    outputs = workers.finish()

    # Every article fetched exactly once, by one worker or the other; both did part of it.
    check_fetches(newsroom, OUTLET, [e for e in workers.log() if e.method == "GET"], articles)
    per_worker = workers.article_fetches()
    assert per_worker["w1"] >= 1 and per_worker["w2"] >= 1, per_worker
    assert "joining run nr-kurier: 1 other worker(s)" in outputs["w2"]
    # Every article stored once, under its canonical URL.
    stored = [d["_id"] for d in mongo_db.articles.find({"outlet": OUTLET}, {"_id": 1})]
    assert sorted(stored) == sorted(a.url for a in newsroom.articles(OUTLET))
    runs = list(mongo_db.runs.find())
    assert [r["status"] for r in runs] == ["finished", "finished"]
    assert sum(r["stored_new"] for r in runs) == len(articles)
    # Each worker read the outlet's TDM signals itself, before it fetched any article.
    for worker in ("w1", "w2"):
        log = [e for e in workers.log() if worker_of(e) == worker]
        checked = {e.path: e.timestamp for e in log if e.path in CHECK_PATHS}
        assert set(checked) == set(CHECK_PATHS), (worker, checked)
        first_article = min(e.timestamp for e in log if e.path in articles)
        assert max(checked.values()) < first_article
    # The last worker to leave deleted the run's keys.
    assert run_keys(client) == []


def test_limit_and_since_hold_for_the_whole_run(newsroom, newsroom_registry, mongo_uri, mongo_db, redis_url,
                                                client, tmp_path):
    articles = newsroom.articles(OUTLET)          # newest first
    since = articles[9].published_at
    registry = only(newsroom_registry, tmp_path, None, sections=[])   # sections carry no dates
    workers = Workers(newsroom, registry, mongo_uri, mongo_db, redis_url, tmp_path, NEWSCRAWL_RUN_ID="kurier-1")
    # w1 alone would be done before the others start: it stays until the run is idle for 15 s.
    workers.start("w1", args={"since": since.isoformat(), "limit": "6"}, NEWSCRAWL_REDIS_IDLE_CLOSE="15")
    wait_for(lambda: client.exists("newscrawl:{kurier-1}:arguments"), 120, "w1 to start the run")
    # w2 is given other arguments: it takes the run's, or it would fetch older articles and more.
    workers.start("w2", args={"limit": "50"})
    # w3 would crawl another outlet under the same run id: refused.
    workers.start("w3", spider="nr-kresy")
    outputs = workers.finish(failing=("w3",))

    assert "this worker uses those" in outputs["w2"]
    assert "run kurier-1 crawls nr-kurier, not nr-kresy" in outputs["w3"]
    assert not workers.log("nr-kresy")
    newer = article_paths(newsroom, OUTLET, [a for a in articles if a.published_at >= since])
    fetched = [e.path for e in workers.log() if e.method == "GET" and e.path in article_paths(newsroom, OUTLET)]
    assert len(fetched) == len(set(fetched)) == 6
    assert set(fetched) <= newer
    assert mongo_db.articles.count_documents({"outlet": OUTLET}) == 6
    assert run_keys(client) == []


def test_host_gate_spaces_requests_of_all_workers(newsroom, newsroom_registry, mongo_uri, mongo_db, redis_url,
                                                  client, tmp_path):
    # nr-gazeta's robots.txt asks for a Crawl-delay (0.25 s); each worker alone would keep
    # it, together they would not without the shared gate.
    delay = newsroom.room.crawl_delay
    workers = Workers(newsroom, newsroom_registry, mongo_uri, mongo_db, redis_url, tmp_path,
                      NEWSCRAWL_CRAWL_DELAY_MAX="30", NEWSCRAWL_REDIS_PREFETCH="1")
    workers.start("w1", spider="nr-gazeta", args={"limit": "16"})
    wait_for(lambda: workers.log("nr-gazeta"), 120, "w1 to fetch robots.txt")
    workers.start("w2", spider="nr-gazeta", args={"limit": "16"})
    workers.finish()

    log = workers.log("nr-gazeta")
    by_worker = Counter(worker_of(e) for e in log)
    assert by_worker["w1"] > 3 and by_worker["w2"] > 3, by_worker
    log = sorted(log, key=lambda e: e.timestamp)
    gaps = [(round(b.timestamp - a.timestamp, 3), worker_of(b), b.path) for a, b in zip(log, log[1:])]
    # Where a worker's send reaches the server jitters by some 10-40 ms on a loaded machine;
    # without the gate two workers' requests arrive a few ms apart, and faster on the whole.
    assert min(g for g, _, _ in gaps) >= delay * 0.6, gaps
    assert log[-1].timestamp - log[0].timestamp >= (len(log) - 1) * delay * 0.95, gaps
    assert mongo_db.articles.count_documents({"outlet": "nr-gazeta"}) == 16


@pytest.mark.parametrize(("url", "status", "message"), [
    ("redis://127.0.0.1:{port}/0", 1, "newscrawl: cannot reach Redis at NEWSCRAWL_REDIS_URL=redis://127.0.0.1:"),
    ("http://127.0.0.1:{port}/", 2, "newscrawl: NEWSCRAWL_REDIS_URL='http://127.0.0.1:"),
])
def test_unusable_redis_stops_the_crawl_with_one_line(newsroom_registry, mongo_uri, mongo_db, url, status, message):
    result = run_crawl(OUTLET, mongo_uri, mongo_db.name, newsroom_registry,
                       NEWSCRAWL_REDIS_URL=url.format(port=free_port()))
    assert result.returncode == status
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr[-2000:]
    assert mongo_db.runs.count_documents({}) == 0


def test_without_redis_server_the_tests_say_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalRedisError, match=r"apt-get install -y redis-server"):
        start_redis(tmp_path / "redis")
