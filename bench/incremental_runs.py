"""Requests of an incremental crawl: the same newsroom crawled three times into one database.

Run 1 starts from an empty database; run 2 is the scheduled re-run with nothing new
(known URLs are not downloaded); run 3 is ``-a refresh=1`` (everything downloaded again),
for comparison. For each run it prints the requests the newsroom served (articles and
sources apart), the crawl's ``downloader/request_count``, ``newscrawl/discovery/known_skipped``,
the records stored and the wall time. Loopback only; it prints figures and asserts nothing.

    .venv/bin/python bench/incremental_runs.py [--articles 200] [--outlets nr-kurier,nr-kresy,nr-gazeta]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from tests.newsroom import Newsroom  # noqa: E402
from tests.support import crawl_stat, mongo_for_bench, run_crawl  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per outlet")
    parser.add_argument("--outlets", default="nr-kurier,nr-kresy,nr-gazeta")
    opts = parser.parse_args()
    outlets = opts.outlets.split(",")
    database = f"bench_incremental_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as folder, mongo_for_bench(Path(folder)) as (uri, _), \
            Newsroom(articles_per_outlet=opts.articles).serve() as live:
        registry = live.write_registry(Path(folder) / "outlets.toml")
        paths = {urlsplit(a.url).path for outlet in outlets for a in live.articles(outlet)}
        print(f"{len(outlets)} outlets × {opts.articles} articles, database {database}")
        print(f"{'run':<22}{'served':>8}{'articles':>10}{'sources':>9}{'requests':>10}{'known':>7}"
              f"{'stored':>8}{'seconds':>9}")
        try:
            for label, args in (("1 first", {}), ("2 incremental", {}), ("3 refresh=1", {"refresh": "1"})):
                live.clear_log()
                started = time.monotonic()
                result = run_crawl("news", uri, database, registry, {"outlets": ",".join(outlets), **args},
                                   timeout=1800)
                seconds = time.monotonic() - started
                if result.returncode != 0:
                    print(f"{label}: exit {result.returncode}\n{result.stderr[-2000:]}")
                    return 1
                log = [e for e in live.request_log if e.outlet in outlets]
                articles = sum(1 for e in log if e.path in paths)
                stored = sum(int(crawl_stat(result.stderr, f"newscrawl/stored/{status}"))
                             for status in ("new", "changed", "unchanged"))
                print(f"{label:<22}{len(log):>8}{articles:>10}{len(log) - articles:>9}"
                      f"{int(crawl_stat(result.stderr, 'downloader/request_count')):>10}"
                      f"{int(crawl_stat(result.stderr, 'newscrawl/discovery/known_skipped')):>7}"
                      f"{stored:>8}{seconds:>9.1f}")
        finally:
            MongoClient(uri).drop_database(database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
