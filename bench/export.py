"""`scrapy export` memory: peak RSS of exporting N synthetic records (default 100,000).

Loads N records of the stored shape (newsroom prose, ~2,000 characters of text, MinHash and
band keys, stories of 1–3 records, 20 outlets, a year of dates) in chunks into a private
FerretDB (or ``--mongo-uri``), then runs real ``scrapy export`` subprocesses — JSON Lines
gzipped, Parquet, Parquet with ``--dedup near``, and Parquet of a tenth of the records
(``--outlet`` two of the twenty) — and ``scrapy corpus-stats --plot``, and prints for each
the records written, seconds, the process's peak RSS and the file size. Constant memory shows as the same peak RSS for a
tenth of the records and for all of them.

    .venv/bin/python bench/export.py [--records 100000] [--mongo-uri URI]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from newscrawl.corpus.minhash import MinHashParams, band_keys  # noqa: E402
from newscrawl.corpus.stories import story_id_for  # noqa: E402
from newscrawl.store.corpus import ensure_corpus_indexes  # noqa: E402
from newscrawl.text.normalize import content_hash  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.support import crawl_env  # noqa: E402
from tools.localmongo import start_server  # noqa: E402

OUTLETS = [f"outlet-{n:02d}" for n in range(20)]
START = datetime(2025, 12, 1, tzinfo=timezone.utc)


def synthetic(count: int, seed: int = 0):
    """``count`` article documents in chunks of 100."""
    rng = random.Random(seed)
    source = Newsroom(articles_per_outlet=24, seed=seed).all_articles()
    paragraphs = [p for a in source for p in a.paragraphs]
    leads = [a.lead for a in source if a.lead]
    titles = [a.title for a in source]
    params = MinHashParams()
    chunk: list[dict] = []
    story = ""
    for n in range(count):
        url = f"https://{OUTLETS[n % 20]}.example.pl/artykul/{n}.html"
        if n % 3 == 0 or not story:  # stories of about 1–3 records
            story = story_id_for(url)
        text = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 8)))
        signature = rng.randbytes(4 * params.permutations)
        published = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        chunk.append({
            "_id": url, "url": url, "outlet": OUTLETS[n % 20], "domain": url.split("/")[2],
            "title": rng.choice(titles), "lead": rng.choice(leads), "text": text, "authors": ["Jan Kowalski"],
            "published_at": published, "modified_at": None, "language": "pl", "language_confidence": 0.99,
            "tags": ["samorząd"], "section": "Kraj", "image": "", "site_name": "", "canonical_url": url,
            "credits": ["PAP"], "paywalled": n % 17 == 0, "tdm": {"reserved": False, "source": ""},
            "content_hash": content_hash(text), "cleaning": {"removed": [], "rules": ["navigation"]},
            "fetched_at": published, "first_seen_at": published, "updated_at": published,
            "http": {"status": 200}, "extractor": {"newscrawl": "0.1.0"},
            "minhash": signature, "lsh": list(band_keys(signature, params)),
            "story_id": story, "duplicate_of": None, "near_duplicate_of": None, "similarity": None,
        })
        if len(chunk) == 100:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load(uri: str, database: str, count: int) -> float:
    client: MongoClient = MongoClient(uri)
    articles = client[database].articles
    started = time.perf_counter()
    for chunk in synthetic(count):
        articles.insert_many(chunk, ordered=False)
    ensure_corpus_indexes(articles)
    client.close()
    return time.perf_counter() - started


def scrapy(uri: str, database: str, *args: str) -> tuple[int, float, float, str]:
    """(exit status, seconds, peak RSS in MiB, last stderr line) of one `scrapy …` run."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT,
                            env=crawl_env(uri, database, None), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024, err.strip().splitlines()[-1:][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--mongo-uri", help="use this MongoDB instead of a private FerretDB")
    parser.add_argument("--plot", type=Path, help="keep corpus-stats' plot here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    server = None
    uri = args.mongo_uri
    if uri is None:
        server = start_server(work / "db")
        uri = server.uri
    database = f"bench_export_{int(time.time())}"
    try:
        seconds = load(uri, database, args.records)
        print(f"loaded {args.records} records in {seconds:.0f} s into {'MongoDB' if args.mongo_uri else 'FerretDB 1.24'}")
        print(f"{'export':44} {'records':>8} {'seconds':>8} {'peak RSS':>9} {'file':>9}")
        runs = [("JSON Lines, gzipped", "corpus.jsonl.gz", ()),
                ("Parquet", "corpus.parquet", ()),
                ("Parquet, --dedup near", "near.parquet", ("--dedup", "near")),
                ("Parquet, a tenth (--outlet ×2)", "tenth.parquet", ("--outlet", f"{OUTLETS[0]},{OUTLETS[1]}"))]
        for label, name, extra in runs:
            status, secs, rss, line = scrapy(uri, database, "export", "-o", str(work / name), *extra)
            written = line.split()[1] if status == 0 else f"exit {status}: {line}"
            size = (work / name).stat().st_size / 2**20 if status == 0 else 0
            print(f"{label:44} {written:>8} {secs:8.1f} {rss:7.0f} MiB {size:5.1f} MiB")
        plot = args.plot or work / "stats.png"
        status, secs, rss, line = scrapy(uri, database, "corpus-stats", "--plot", str(plot))
        print(f"{'corpus-stats --plot':44} {args.records if status == 0 else 'exit ' + str(status):>8} "
              f"{secs:8.1f} {rss:7.0f} MiB")
    finally:
        if server is not None:
            MongoClient(uri).drop_database(database)
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
