"""Several workers on one shared frontier (``NEWSCRAWL_REDIS_URL``): how the work splits, and
what one host sees with the shared per-host gate on and off.

    .venv/bin/python bench/distributed.py [--runs 3] [--workers 2]

Part 1: ``--runs`` crawls of nr-kurier by ``--workers`` workers started together (download
delay 0.2 s): article GETs per worker, articles fetched twice or never, articles stored.
Part 2: nr-gazeta (robots.txt ``Crawl-delay: 0.25``, enforced) with the gate on and off:
the gaps between consecutive requests the host received from all workers (min, 10th
percentile, median) and its overall request rate. Starts FerretDB (or uses ``MONGO_URI``),
the offline newsroom and ``redis-server`` on 127.0.0.1; contacts nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from tests.newsroom import Newsroom  # noqa: E402
from tests.support import start_crawl  # noqa: E402
from tools.localmongo import start_server  # noqa: E402
from tools.localredis import start_redis  # noqa: E402


def crawl(live, registry: Path, uri: str, db: str, redis_url: str, outlet: str, workers: int, tmp: Path,
          args: dict[str, str] | None = None, **env: str) -> list:
    """Run ``workers`` workers of one run together; the outlet's request log of the run."""
    start = len(live.request_log)
    processes = [
        start_crawl(outlet, uri, db, registry, tmp / f"{db}-w{n}.log", args=args,
                    NEWSCRAWL_REDIS_URL=redis_url, NEWSCRAWL_REDIS_IDLE_CLOSE="1",
                    NEWSCRAWL_RUN_ID=db, NEWSCRAWL_USER_AGENT=f"newscrawl-w{n} (+bench)", **env)
        for n in range(1, workers + 1)]
    for n, process in enumerate(processes, 1):
        if process.wait(600) != 0:
            raise SystemExit(f"worker w{n} failed: {(tmp / f'{db}-w{n}.log').read_text()[-2000:]}")
    return [e for e in live.request_log[start:] if e.outlet == outlet]


def worker_of(entry) -> str:
    return entry.user_agent.split()[0].removeprefix("newscrawl-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as folder:
        tmp = Path(folder)
        mongo = None if os.environ.get("MONGO_URI") else start_server(tmp / "mongo")
        uri = os.environ.get("MONGO_URI") or mongo.uri
        redis_server = start_redis(tmp / "redis")
        client = MongoClient(uri)
        try:
            with Newsroom().serve() as live:
                registry = live.write_registry(tmp / "outlets.toml")
                print(f"nr-kurier, {options.workers} workers started together, download delay 0.2 s")
                print("run | article GETs per worker | fetched twice | never fetched | stored")
                articles = {urlsplit(a.url).path for a in live.articles("nr-kurier")}
                for run in range(1, options.runs + 1):
                    db = f"bench_distributed_{os.getpid()}_{run}"
                    log = crawl(live, registry, uri, db, redis_server.url, "nr-kurier", options.workers, tmp,
                                NEWSCRAWL_DOWNLOAD_DELAY="0.2")
                    fetched = Counter(e.path for e in log if e.method == "GET" and e.path in articles)
                    per_worker = Counter(worker_of(e) for e in log if e.method == "GET" and e.path in articles)
                    stored = client[db].articles.count_documents({})
                    print(f"{run} | {dict(sorted(per_worker.items()))} | {sum(n > 1 for n in fetched.values())} | "
                          f"{len(articles - set(fetched))} | {stored}/{len(articles)}")
                    client.drop_database(db)
                delay = live.room.crawl_delay
                print(f"\nnr-gazeta, Crawl-delay {delay} s enforced, {options.workers} workers, limit 16 each run")
                print("gate | requests | per worker | gap min | gap p10 | gap median | host rate (req/s; asked "
                      f"{1 / delay:g}) | the closest two requests")
                for gate in ("1", "0"):
                    for run in range(1, options.runs + 1):
                        db = f"bench_gate_{gate}_{os.getpid()}_{run}"
                        log = sorted(crawl(live, registry, uri, db, redis_server.url, "nr-gazeta", options.workers,
                                           tmp, {"limit": "16"}, NEWSCRAWL_CRAWL_DELAY_MAX="30",
                                           NEWSCRAWL_REDIS_HOST_GATE=gate, NEWSCRAWL_REDIS_PREFETCH="1"),
                                     key=lambda e: e.timestamp)
                        pairs = sorted((b.timestamp - a.timestamp, a, b) for a, b in zip(log, log[1:]))
                        gaps = [gap for gap, _, _ in pairs]
                        _, before, after = pairs[0]
                        rate = (len(log) - 1) / (log[-1].timestamp - log[0].timestamp)
                        per_worker = dict(sorted(Counter(worker_of(e) for e in log).items()))
                        print(f"{'on' if gate == '1' else 'off'} | {len(log)} | {per_worker} | {gaps[0]:.3f} | "
                              f"{gaps[len(gaps) // 10]:.3f} | {statistics.median(gaps):.3f} | {rate:.2f} | "
                              f"{worker_of(before)} {before.path} → {worker_of(after)} {after.path}")
                        client.drop_database(db)
        finally:
            client.close()
            redis_server.stop()
            if mongo is not None:
                mongo.stop()


if __name__ == "__main__":
    main()
