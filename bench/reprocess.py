"""`scrapy reprocess` over a crawled newsroom: records changed, and time per 1,000 pages.

Crawls the newsroom's three main outlets once (boilerplate is learned during that crawl,
so the first records of each outlet still carry it), then runs `scrapy reprocess` twice:
the first pass cleans those records, the second finds nothing to change. Prints each
pass's summary (as the command prints it), its wall time with start-up, and seconds per
1,000 pages. Loopback only; it prints figures and asserts nothing.

    .venv/bin/python bench/reprocess.py [--articles 200] [--workers N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from tests.newsroom import Newsroom  # noqa: E402
from tests.support import crawl_env, mongo_for_bench, run_crawl  # noqa: E402

OUTLETS = "nr-kurier,nr-kresy,nr-gazeta"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per outlet")
    parser.add_argument("--workers", default="", help="NEWSCRAWL_WORKERS for reprocess (default: the cores)")
    opts = parser.parse_args()
    database = f"bench_reprocess_{uuid.uuid4().hex[:8]}"
    workers = {"NEWSCRAWL_WORKERS": opts.workers} if opts.workers else {}
    with tempfile.TemporaryDirectory() as folder, mongo_for_bench(Path(folder)) as (uri, _), \
            Newsroom(articles_per_outlet=opts.articles).serve() as live:
        registry = live.write_registry(Path(folder) / "outlets.toml")
        try:
            crawl = run_crawl("news", uri, database, registry, {"outlets": OUTLETS}, timeout=1800)
            if crawl.returncode != 0:
                print(crawl.stderr[-2000:])
                return 1
            pages = MongoClient(uri)[database].pages.count_documents({})
            print(f"crawled {pages} pages ({OUTLETS}, {opts.articles} articles each)")
            for label in ("first pass", "second pass"):
                started = time.monotonic()
                result = subprocess.run([sys.executable, "-m", "scrapy", "reprocess"], cwd=ROOT, capture_output=True,
                                        text=True, env=crawl_env(uri, database, registry, **workers), timeout=1800)
                seconds = time.monotonic() - started
                print(f"{label}: exit {result.returncode}, {seconds:.1f} s with start-up, "
                      f"{1000 * seconds / max(pages, 1):.1f} s per 1,000 pages")
                for line in (result.stdout + result.stderr).splitlines():
                    print(f"    {line}")
        finally:
            MongoClient(uri).drop_database(database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
