"""Storage faults: what reaches MongoDB when the database misbehaves during a crawl.

Real `scrapy crawl` runs of the offline newsroom's Kurier outlet (``--articles`` pages)
into a private FerretDB that this script stops, restarts, freezes (SIGSTOP) and thaws,
and crawls that are killed. One line per fault:

    fault | cases | articles expected | stored | lost | duplicated | spilled

- *stored*: expected articles found in MongoDB (after the rerun or replay the row names);
- *lost*: expected − stored − spilled − refused-and-counted (the target is 0);
- *duplicated*: records beyond one per expected article (the target is 0);
- *spilled*: records the writer put in the spill file (replayed where the row says so).

    .venv/bin/python bench/faults_store.py [--articles 120] [--stop 10] [--freeze 40]

Takes a few minutes (the outages last as long as asked). Every crawl also checks that
each stored article has its raw page and that the run record matches the database.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from newscrawl.items import Article  # noqa: E402
from newscrawl.store import ArticleStore  # noqa: E402
from newscrawl.store.mongo import article_document  # noqa: E402
from newscrawl.store.writer import BatchStorer, StoreRecord  # noqa: E402
from tests.faults import BackgroundCrawl, PrivateMongo, wait_for  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.support import run_crawl  # noqa: E402

OUTLET = "nr-kurier"
STORE = {"NEWSCRAWL_BATCH_SIZE": "10", "NEWSCRAWL_FLUSH_INTERVAL": "1", "NEWSCRAWL_HEARTBEAT_INTERVAL": "2"}
SLOW = {**STORE, "NEWSCRAWL_DOWNLOAD_DELAY": "0.1", "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
COLUMNS = ("fault", "cases", "articles expected", "stored", "lost", "duplicated", "spilled")


class Bench:
    def __init__(self, articles: int, work: Path) -> None:
        room = Newsroom(articles_per_outlet=articles)
        arts = room.arts(OUTLET)
        arts[3].published = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))
        arts[7].published = datetime(1, 1, 1, tzinfo=timezone.utc)
        arts[3].modified = arts[7].modified = None
        self.live = room.serve().__enter__()
        self.registry = self.live.write_registry(work / "outlets.toml")
        self.server = PrivateMongo(work / "mongo")
        self.client = MongoClient(self.server.uri, tz_aware=True, serverSelectionTimeoutMS=60000)
        self.work = work
        self.expected = {a.url for a in self.live.articles(OUTLET)}
        self.paths = {urlsplit(u).path for u in self.expected}
        self.number = 0

    def close(self) -> None:
        self.client.close()
        self.server.stop()
        self.live.stop()

    def database(self):
        self.number += 1
        return self.client[f"faults_{self.number}"]

    def spill_dir(self, db) -> dict[str, str]:
        return {"NEWSCRAWL_SPILL_DIR": str(self.work / f"spill-{db.name}")}

    def crawl(self, db, **env) -> BackgroundCrawl:
        return BackgroundCrawl(OUTLET, self.server.uri, db.name, self.registry, self.work / f"crawl-{db.name}.log",
                               options=("-s", f"LOG_FILE={self.work / f'scrapy-{db.name}.log'}"),
                               **{**SLOW, **self.spill_dir(db), **env})

    def rerun(self, db) -> int:
        return run_crawl(OUTLET, self.server.uri, db.name, self.registry, **STORE, **self.spill_dir(db)).returncode

    def downloads(self) -> int:
        return sum(1 for e in self.live.request_log if e.outlet == OUTLET and e.path in self.paths)

    def counts(self, db, expected: int, spilled: int = 0, refused: int = 0) -> tuple[int, int, int]:
        urls = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
        stored = len(set(urls) & self.expected)
        pages = {d["_id"] for d in db.pages.find({}, {"_id": 1})}
        if not set(urls) <= pages:
            print(f"  ! {len(set(urls) - pages)} article(s) without a raw page", file=sys.stderr)
        return stored, expected - stored - spilled - refused, len(urls) - stored

    def outage(self, name: str, down, up, seconds: float, **env) -> tuple:
        db = self.database()
        crawl = self.crawl(db, **env)
        wait_for(lambda: db.articles.count_documents({}) >= 10, 120, "the first articles")
        down()
        time.sleep(seconds)  # the outage itself: as long as asked
        up()
        crawl.wait(600)
        run = db.runs.find_one() or {}
        spilled = run.get("spilled", 0)
        if run.get("stored_new", 0) != db.articles.count_documents({}):
            print(f"  ! run record says {run.get('stored_new')} stored", file=sys.stderr)
        stored, lost, dup = self.counts(db, len(self.expected), spilled)
        return name, 1, len(self.expected), stored, lost, dup, spilled

    def dates(self) -> tuple:
        db = self.database()
        code = self.rerun(db)
        run = db.runs.find_one() or {}
        stored, lost, dup = self.counts(db, len(self.expected))
        return (f"dates 9999-12-31T23:59:59-12:00 and 0001-01-01 ({run.get('dates_nulled')} nulled, exit {code})",
                2, len(self.expected), stored, lost, dup, run.get("spilled", 0))

    def spill_and_replay(self, seconds: float) -> tuple:
        db = self.database()
        crawl = self.crawl(db, NEWSCRAWL_STORE_RETRY_SECONDS="5")
        wait_for(lambda: db.articles.count_documents({}) >= 10, 120, "the first articles")
        self.server.stop()
        time.sleep(seconds)
        self.server.start()
        code = crawl.wait(600)
        spilled = (db.runs.find_one() or {}).get("spilled", 0)
        self.rerun(db)   # replays the spill file first
        stored, lost, dup = self.counts(db, len(self.expected))
        return (f"MongoDB down {seconds:g} s > retry window 5 s (exit {code}; spilled, replayed by the next crawl)",
                1, len(self.expected), stored, lost, dup, spilled)

    def refused(self) -> tuple:
        db = self.database()
        now = datetime.now(timezone.utc)
        articles = [Article(url=f"https://example.pl/a/{n}", outlet="bench", domain="example.pl", title=f"T{n}",
                            text="Treść. " * 50, fetched_at=now) for n in range(100)]
        articles[10].text = "x" * (17 * 1024 * 1024)            # over MongoDB's 16 MiB
        articles[50].http = {"$status": 200}                    # a field name the server refuses
        report = BatchStorer(ArticleStore(db)).write_batch([StoreRecord(article_document(a)) for a in articles])
        refused = sum(1 for r in report.results if r.status == "failed")
        urls = {d["_id"] for d in db.articles.find({}, {"_id": 1})}
        stored = len(urls & {a.url for a in articles})
        return (f"documents refused (1 over 16 MiB, 1 bad field name; {refused} isolated and counted)",
                1, 100 - 2, stored, 100 - stored - refused, len(urls) - stored, 0)

    def sigkill(self) -> tuple:
        db = self.database()
        crawl = self.crawl(db, NEWSCRAWL_BATCH_SIZE="100", NEWSCRAWL_FLUSH_INTERVAL="600")
        before = self.downloads()
        wait_for(lambda: self.downloads() >= before + len(self.expected) // 2, 120, "half the articles")
        crawl.kill(signal.SIGKILL)
        crawl.wait()
        in_db = db.articles.count_documents({})
        running = db.runs.count_documents({"status": "running"})
        self.rerun(db)
        stored, lost, dup = self.counts(db, len(self.expected))
        return (f"SIGKILL mid-run ({in_db} in MongoDB at the kill, run left running: {running}), then rerun",
                1, len(self.expected), stored, lost, dup, 0)

    def sigterm(self) -> tuple:
        db = self.database()
        crawl = self.crawl(db)
        wait_for(lambda: db.articles.count_documents({}) >= 10, 120, "the first articles")
        crawl.kill(signal.SIGTERM)
        code = crawl.wait(600)
        log = (self.work / f"scrapy-{db.name}.log").read_text(errors="replace")
        match = re.search(r"'item_scraped_count': (\d+)", log)
        scraped = int(match.group(1)) if match else 0
        run = db.runs.find_one() or {}
        stored = db.articles.count_documents({})
        return (f"SIGTERM mid-run (run {run.get('status')}, exit {code})", 1, scraped, stored,
                scraped - stored - run.get("spilled", 0), 0, run.get("spilled", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--stop", type=float, default=10.0, help="seconds MongoDB is stopped")
    parser.add_argument("--freeze", type=float, default=40.0, help="seconds MongoDB is frozen (SIGSTOP)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faults-store-") as tmp:
        bench = Bench(args.articles, Path(tmp))
        try:
            print(" | ".join(COLUMNS), flush=True)
            rows = [
                bench.dates,
                lambda: bench.outage(f"MongoDB stopped {args.stop:g} s mid-crawl", bench.server.stop,
                                     bench.server.start, args.stop),
                lambda: bench.outage(f"MongoDB frozen {args.freeze:g} s mid-crawl (SIGSTOP)", bench.server.freeze,
                                     bench.server.thaw, args.freeze),
                lambda: bench.spill_and_replay(15.0),
                bench.refused,
                bench.sigkill,
                bench.sigterm,
            ]
            for row in rows:
                print(" | ".join(str(v) for v in row()), flush=True)
        finally:
            bench.close()


if __name__ == "__main__":
    main()
