"""Learned-boilerplate write amplification: boilerplate writes per stored article.

Crawls the offline newsroom (nr-kurier, nr-kresy, nr-gazeta; politeness off) with real
`scrapy crawl` processes into a fresh database, several runs in a row (a first crawl,
then re-crawls of the same articles; optionally a crawl of new articles), and counts
every write statement sent to the ``boilerplate`` collection (a pymongo command listener
inside the crawl process: update, insert and delete statements), whatever code sends it.

    .venv/bin/python bench/boilerplate_writes.py [--articles 100] [--runs 2] [--new-run]

Prints per run: records stored, boilerplate write statements and commands, writes per
article, and the size of the collection afterwards (known / candidates). Starts its own
FerretDB unless MONGO_URI is set.
"""

from __future__ import annotations

import argparse
import atexit
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTLETS = "nr-kurier,nr-kresy,nr-gazeta"
COUNTS_PREFIX = "BOILERPLATE_WRITES "
WRITE_FIELDS = {"update": "updates", "insert": "documents", "delete": "deletes"}


def child(argv: list[str]) -> None:
    """Inside the crawl process: count boilerplate writes, then run `scrapy crawl`."""
    from pymongo import monitoring

    counts = {"statements": 0, "commands": 0}

    class Listener(monitoring.CommandListener):
        def started(self, event) -> None:
            field = WRITE_FIELDS.get(event.command_name)
            if field and event.command.get(event.command_name) == "boilerplate":
                counts["commands"] += 1
                counts["statements"] += len(event.command.get(field, ()))

        def succeeded(self, event) -> None:
            pass

        def failed(self, event) -> None:
            pass

    monitoring.register(Listener())
    atexit.register(lambda: print(COUNTS_PREFIX + json.dumps(counts), flush=True))
    from scrapy.cmdline import execute

    execute(["scrapy", *argv])


def crawl(uri: str, db: str, registry: Path, workers: str) -> dict:
    from tests.support import crawl_env, crawl_stat

    env = crawl_env(uri, db, registry, NEWSCRAWL_WORKERS=workers)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "crawl", "news", "-a", f"outlets={OUTLETS}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith(COUNTS_PREFIX)), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    counts = json.loads(line[len(COUNTS_PREFIX):])
    counts["articles"] = int(crawl_stat(proc.stderr, "item_scraped_count"))
    counts["learned"] = int(crawl_stat(proc.stderr, "newscrawl/boilerplate/learned"))
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100, help="articles per newsroom outlet")
    parser.add_argument("--runs", type=int, default=2, help="crawls of the same newsroom")
    parser.add_argument("--new-run", action="store_true",
                        help="then one crawl of a newsroom with other articles (seed 1), same database")
    parser.add_argument("--workers", default="2", help="NEWSCRAWL_WORKERS for the crawls")
    args = parser.parse_args(argv)

    from pymongo import MongoClient

    from tests.newsroom import Newsroom
    from tests.support import mongo_for_bench

    with tempfile.TemporaryDirectory() as tmp, mongo_for_bench(Path(tmp) / "mongo") as (uri, _):
        db_name = f"bench_bp_{uuid.uuid4().hex[:8]}"
        client = MongoClient(uri)
        seeds = [0] * args.runs + ([1] if args.new_run else [])
        rows = []
        try:
            for run, seed in enumerate(seeds, 1):
                with Newsroom(articles_per_outlet=args.articles, seed=seed).serve() as live:
                    registry = live.write_registry(Path(tmp) / f"outlets-{seed}.toml")
                    counts = crawl(uri, db_name, registry, args.workers)
                bp = client[db_name]["boilerplate"]
                counts["known"] = bp.count_documents({"known": True})
                counts["candidates"] = bp.count_documents({}) - counts["known"]
                rows.append((f"{run} (seed {seed})", counts))
        finally:
            client.drop_database(db_name)
            client.close()

    print(f"newsroom: {OUTLETS}, {args.articles} articles per outlet; NEWSCRAWL_WORKERS={args.workers}")
    print(f"{'run':12} {'articles':>8} {'bp writes':>9} {'commands':>8} {'writes/article':>14} "
          f"{'learned':>7} {'known':>5} {'candidates':>10}")
    total_writes = total_articles = 0
    for name, c in rows:
        per = c["statements"] / c["articles"] if c["articles"] else 0.0
        total_writes += c["statements"]
        total_articles += c["articles"]
        print(f"{name:12} {c['articles']:8d} {c['statements']:9d} {c['commands']:8d} {per:14.3f} "
              f"{c['learned']:7d} {c['known']:5d} {c['candidates']:10d}")
    mean = total_writes / total_articles if total_articles else 0.0
    print(f"{'all runs':12} {total_articles:8d} {total_writes:9d} {'':8} {mean:14.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
