"""Storage cost as the database grows: the write and lookup commands newscrawl sends.

Fills a fresh database with ~8 KB article records (the store's own schema,
``article_document``), and at each size measures (median of ``--reps``):

- one 25-statement upsert command of new records (``bulk_write`` of ``UpdateOne``
  upserts on ``_id``, as ``store/`` sends them to FerretDB), and of existing records;
- ``find_one({_id: …})``;
- ``find({_id: {$in: [100 ids]}})``.

    .venv/bin/python bench/store_scaling.py [--sizes 1000,8000,50000,100000] [--reps 5]
        [--uri mongodb://…]     # default: start the local server (tools/localmongo.py)

Prints one row per size; asserts nothing. Flat columns mean the cost per article does
not grow with the collection.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient, UpdateOne  # noqa: E402
from pymongo.database import Database  # noqa: E402

from newscrawl.items import Article  # noqa: E402
from newscrawl.store.mongo import ARTICLES, article_document, in_chunks  # noqa: E402
from tools.localmongo import start_server  # noqa: E402

UPSERTS_PER_COMMAND = 25  # store/mongo.py: FERRETDB_OPS_PER_COMMAND
IDS_PER_LOOKUP = 100
LOAD_CHUNK = 200

_WORDS = (
    "rząd sejm ustawa minister prezydent wybory samorząd budżet szpital szkoła granica "
    "wojsko rolnicy drogi kolej pogoda powódź sąd prokuratura policja miasto gmina "
    "województwo Unia Europejska Warszawa Kraków Gdańsk Wrocław Poznań Lublin"
).split()


def url_of(serial: int) -> str:
    return f"https://bench.example.pl/kraj/{serial},artykul-{serial}.html"


@lru_cache(maxsize=None)
def _words(variant: int, text_chars: int) -> tuple[str, ...]:
    rng = random.Random(variant)
    words: list[str] = []
    size = 0
    while size < text_chars:
        word = rng.choice(_WORDS)
        words.append(word)
        size += len(word) + 1
    return tuple(words)


def synthetic_article(serial: int, text_chars: int = 7000) -> Article:
    """A plausible record of about 8 KB whose URL (``_id``) is unique to ``serial``."""
    words = _words(serial % 101, text_chars)  # a few texts, so that making 100k is quick
    text = " ".join(words)
    return Article(
        url=url_of(serial),
        outlet="bench",
        domain="bench.example.pl",
        title=f"{serial} " + " ".join(words[:8]),
        text="\n\n".join(text[i : i + 700] for i in range(0, len(text), 700)),
        lead=" ".join(words[8:40]),
        authors=["Jan Kowalski"],
        published_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        language="pl",
        language_confidence=0.99,
        content_hash=f"{serial:040x}",
        fetched_at=datetime.now(timezone.utc),
        http={"status": 200, "content_type": "text/html", "encoding": "utf-8"},
        extractor={"newscrawl": "bench"},
    )


def load(db: Database, start: int, stop: int) -> None:
    """Insert records ``start``…``stop - 1`` in chunks (inserts take no ``_id`` lookup)."""
    docs = [article_document(synthetic_article(n)) for n in range(start, stop)]
    for chunk in in_chunks(docs, LOAD_CHUNK):
        db[ARTICLES].insert_many(chunk, ordered=False)


def upserts(serials: list[int]) -> list[UpdateOne]:
    now = datetime.now(timezone.utc)
    ops = []
    for serial in serials:
        doc = article_document(synthetic_article(serial))
        doc["updated_at"] = now
        ops.append(UpdateOne({"_id": doc["_id"]}, {"$set": doc, "$setOnInsert": {"first_seen_at": now}}, upsert=True))
    return ops


def timed_ms(prepare: Callable[[], object], action: Callable[[object], object], reps: int) -> float:
    """Median milliseconds of ``action(prepare())`` (only ``action`` is timed)."""
    samples = []
    for _ in range(reps):
        argument = prepare()
        started = time.perf_counter()
        action(argument)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(db: Database, size: int, reps: int, rng: random.Random, next_new: list[int]) -> dict[str, float]:
    articles = db[ARTICLES]

    def new_records() -> list[UpdateOne]:
        next_new[0] += UPSERTS_PER_COMMAND
        return upserts(list(range(next_new[0] - UPSERTS_PER_COMMAND, next_new[0])))

    def write(ops: list[UpdateOne]) -> None:
        articles.bulk_write(ops, ordered=False)

    def find_one(url: str) -> None:
        assert articles.find_one({"_id": url}, {"_id": 1}) is not None

    def find_in(urls: list[str]) -> None:
        assert len(list(articles.find({"_id": {"$in": urls}}, {"_id": 1}))) == len(urls)

    return {
        "upsert25_new": timed_ms(new_records, write, reps),
        "upsert25_existing": timed_ms(lambda: upserts(rng.sample(range(size), UPSERTS_PER_COMMAND)), write, reps),
        "find_id": timed_ms(lambda: url_of(rng.randrange(size)), find_one, reps),
        "find_in100": timed_ms(lambda: [url_of(s) for s in rng.sample(range(size), IDS_PER_LOOKUP)], find_in, reps),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,8000,50000,100000")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--uri", help="a running server (default: start the local one)")
    parser.add_argument("--label", default="", help="printed in every row (e.g. the server build)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    server = None
    with tempfile.TemporaryDirectory(prefix="store-scaling-") as tmp:
        uri = args.uri
        if not uri:
            server = start_server(Path(tmp) / "mongo")
            uri = server.uri
        client: MongoClient = MongoClient(uri, tz_aware=True)
        name = f"bench_scaling_{int(time.time())}"
        db = client[name]
        try:
            db[ARTICLES].insert_one({"_id": "warm-up"})
            db[ARTICLES].delete_one({"_id": "warm-up"})
            rng = random.Random(0)
            next_new = [10_000_000]  # serials of new records, far from the loaded ones
            loaded = 0
            print(f"{'label':<12} {'documents':>9} {'load s':>7} {'upsert25 new ms':>16} {'upsert25 existing ms':>21} "
                  f"{'ms/article':>10} {'find _id ms':>12} {'find $in100 ms':>15}", flush=True)
            for size in sizes:
                started = time.perf_counter()
                load(db, loaded, size)
                load_s = time.perf_counter() - started
                loaded = size
                row = measure(db, size, args.reps, rng, next_new)
                per_article = row["upsert25_new"] / UPSERTS_PER_COMMAND
                print(f"{args.label:<12} {size:>9} {load_s:>7.1f} {row['upsert25_new']:>16.1f} "
                      f"{row['upsert25_existing']:>21.1f} {per_article:>10.2f} {row['find_id']:>12.2f} "
                      f"{row['find_in100']:>15.1f}", flush=True)
        finally:
            client.drop_database(name)
            client.close()
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
