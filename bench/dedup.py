"""Near-duplicate detection and stories: precision, recall and MongoDB cost on a labelled set.

The set: newsroom articles (the originals); for each, generated rewrites as syndicating
outlets make them — reordered paragraphs, a sentence removed, a sentence added, an
attribution prefix ("Jak podaje PAP, …"), a changed headline, the lead promoted into the
body, 1–3 of these at once — and for every other original an **unrelated article on the
same topic** (same city, institution and topic, its own text), which must not join the
story. The records are written in a shuffled order (a rewrite may come before its
original), in batches, through ``store.corpus.annotate_duplicates`` against a private
FerretDB (or ``--mongo-uri``), as the crawl's writer does.

Printed:
- pairs: precision and recall of "same ``story_id``" over all pairs of records;
- records: of the records with an earlier true copy, how many got ``near_duplicate_of``
  pointing into their own story (recall), and how many ``near_duplicate_of`` were right
  (precision); recall per kind of rewrite;
- the same pair scores at other thresholds (pure: estimated Jaccard of LSH candidates);
- cost: queries per batch, candidates read per article, ms per article (MinHash alone;
  annotation with its query), bytes stored per record.

    .venv/bin/python bench/dedup.py [--articles 60] [--seed 0] [--batch 100] [--mongo-uri URI] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient, UpdateOne  # noqa: E402
from pymongo.monitoring import CommandListener  # noqa: E402

from newscrawl.corpus.minhash import fingerprint, similarity  # noqa: E402
from newscrawl.corpus.stories import DedupParams  # noqa: E402
from newscrawl.store.corpus import annotate_duplicates, ensure_corpus_indexes, is_ferretdb  # noqa: E402
from newscrawl.text.normalize import content_hash  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.newsroom.prose import ProseMaker  # noqa: E402
from tests.newsroom.syndication import (  # noqa: E402
    ATTRIBUTION_PREFIXES, add_sentence, attribution_prefix, drop_sentence, promote_lead, reorder_paragraphs,
    split_sentences)
from tools.localmongo import start_server  # noqa: E402

EDITS = ("reordered paragraphs", "sentence removed", "sentence added", "attribution prefix", "changed headline",
         "lead promoted")


@dataclass
class Sample:
    url: str
    story: str              # the true story: the original's URL
    title: str
    lead: str
    paragraphs: list[str]
    edits: tuple[str, ...] = ()

    def document(self) -> dict:
        text = "\n\n".join(self.paragraphs)
        return {"_id": self.url, "url": self.url, "outlet": self.url.split("/")[2], "title": self.title,
                "lead": self.lead, "text": text, "content_hash": content_hash(text)}


def rewrite(original: Sample, n: int, rng: random.Random, spare_sentences: list[str], pm: ProseMaker) -> Sample:
    edits = tuple(sorted(rng.sample(EDITS, rng.choice((1, 1, 2, 2, 3)))))
    title, lead, paragraphs = original.title, original.lead, list(original.paragraphs)
    if "reordered paragraphs" in edits:
        paragraphs = reorder_paragraphs(paragraphs, rng)
    if "sentence removed" in edits:
        paragraphs = drop_sentence(paragraphs, rng)
    if "sentence added" in edits:
        paragraphs = add_sentence(paragraphs, rng.choice(spare_sentences), rng)
    if "attribution prefix" in edits:
        paragraphs = attribution_prefix(paragraphs, rng.choice(ATTRIBUTION_PREFIXES))
    if "lead promoted" in edits and lead:
        lead, paragraphs = promote_lead(lead, paragraphs)
    if "changed headline" in edits:
        title = pm.title(pm.story("domestic"))
    return Sample(f"{original.url}?kopia={n}", original.story, title, lead, paragraphs, edits)


def labelled_set(articles: int, seed: int) -> list[Sample]:
    room = Newsroom(articles_per_outlet=articles, seed=seed)
    rng = random.Random(f"bench-dedup:{seed}")
    pm = ProseMaker(rng)
    originals: list[Sample] = []
    contexts = []
    for outlet in room.outlet_keys:
        for art, expected in zip(room.arts(outlet), room.articles(outlet)):
            originals.append(Sample(expected.url, expected.url, expected.title, expected.lead, list(expected.paragraphs)))
            contexts.append(art.ctx)
    spare = [s for o in originals for p in o.paragraphs for s in split_sentences(p)]
    samples = list(originals)
    seen: set[str] = set()
    for i, (original, ctx) in enumerate(zip(originals, contexts)):
        for n in range(rng.choice((1, 2, 2, 3))):
            samples.append(rewrite(original, n, rng, spare, pm))
        if i % 2 == 0:  # an unrelated story on the same topic, in the same city, about the same institution
            same = pm.story(ctx["pool"])
            for slot in ("C", "I", "T"):
                same[slot] = ctx[slot]
            url = original.url.replace("//", "//other.", 1) + "?inny"
            samples.append(Sample(url, url, pm.title(same), pm.lead_sentence(same) + ".",
                                  pm.paragraphs(same, rng.randint(5, 9), seen), ("same topic",)))
    rng.shuffle(samples)
    return samples


class Queries(CommandListener):
    def __init__(self) -> None:
        self.finds = 0
        self.get_mores = 0  # further batches of the same cursor

    def started(self, event) -> None:
        self.finds += event.command_name in ("find", "aggregate")
        self.get_mores += event.command_name == "getMore"

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


@dataclass
class Run:
    stored: dict[str, dict] = field(default_factory=dict)
    batches: int = 0
    queries: int = 0
    get_mores: int = 0
    candidates: int = 0
    scan: bool = False
    annotate_seconds: float = 0.0
    batch_ms: list[float] = field(default_factory=list)


def store_all(samples: list[Sample], uri: str, batch: int, params: DedupParams, candidates: str) -> Run:
    queries = Queries()
    client: MongoClient = MongoClient(uri, tz_aware=True, event_listeners=[queries])
    db = client[f"bench_dedup_{int(time.time())}"]
    run = Run(scan=is_ferretdb(db) if candidates == "auto" else candidates == "scan")
    try:
        ensure_corpus_indexes(db.articles)
        for start in range(0, len(samples), batch):
            docs = [s.document() for s in samples[start:start + batch]]
            before, more = queries.finds, queries.get_mores
            started = time.perf_counter()
            counts = annotate_duplicates(db.articles, docs, None, params, scan=run.scan)
            elapsed = time.perf_counter() - started
            run.annotate_seconds += elapsed
            run.batch_ms.append(elapsed * 1000)
            run.queries += queries.finds - before
            run.get_mores += queries.get_mores - more
            run.candidates += counts.candidates
            run.batches += 1
            now = datetime.now(timezone.utc)
            ops = [UpdateOne({"_id": d["_id"]}, {"$set": d, "$setOnInsert": {"first_seen_at": now}}, upsert=True)
                   for d in docs]
            for chunk in range(0, len(ops), 25):  # FerretDB: small write commands (see store/mongo.py)
                db.articles.bulk_write(ops[chunk:chunk + 25], ordered=False)
        run.stored = {d["_id"]: d for d in db.articles.find({}, {"story_id": 1, "near_duplicate_of": 1,
                                                                   "minhash": 1, "lsh": 1})}
    finally:
        client.drop_database(db.name)
        client.close()
    return run


def pair_scores(samples: list[Sample], predicted: dict[str, str]) -> tuple[float, float]:
    def pairs(label: dict[str, str]) -> set[tuple[str, str]]:
        groups = defaultdict(list)
        for url, story in label.items():
            groups[story].append(url)
        return {tuple(sorted(p)) for urls in groups.values() for p in itertools.combinations(urls, 2)}

    truth = pairs({s.url: s.story for s in samples})
    guess = pairs(predicted)
    hit = len(truth & guess)
    return (hit / len(guess) if guess else 1.0), (hit / len(truth) if truth else 1.0)


def record_scores(samples: list[Sample], stored: dict[str, dict]) -> dict:
    story_of = {s.url: s.story for s in samples}
    stories_written: set[str] = set()
    tp = fp = fn = 0
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for s in samples:  # in the order written
        match = stored[s.url].get("near_duplicate_of")
        has_earlier = s.story in stories_written
        if match is not None:
            if story_of.get(match) == s.story:
                tp += 1
            else:
                fp += 1
        elif has_earlier:
            fn += 1
        if has_earlier:
            for kind in s.edits or ("original",):
                by_kind[kind]["copies"] += 1
                by_kind[kind]["found"] += match is not None and story_of.get(match) == s.story
        if "same topic" in s.edits:
            by_kind["same topic"]["records"] += 1
            by_kind["same topic"]["wrongly joined"] += match is not None
        stories_written.add(s.story)
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "tp": tp, "fp": fp, "fn": fn, "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())}}


def threshold_sweep(samples: list[Sample], params: DedupParams, thresholds: tuple[float, ...]) -> dict[float, tuple]:
    """Pair precision/recall of "estimated Jaccard ≥ t" among LSH candidates (no clustering)."""
    prints = {s.url: fingerprint(s.lead, "\n\n".join(s.paragraphs), params.minhash) for s in samples}
    story_of = {s.url: s.story for s in samples}
    by_key = defaultdict(list)
    for url, fp in prints.items():
        for key in fp.lsh:
            by_key[key].append(url)
    candidates = {tuple(sorted(p)) for urls in by_key.values() for p in itertools.combinations(urls, 2)}
    sims = {p: similarity(prints[p[0]].minhash, prints[p[1]].minhash) for p in candidates}
    truth = {p for p in itertools.combinations(sorted(prints), 2) if story_of[p[0]] == story_of[p[1]]}
    out = {}
    for t in thresholds:
        guess = {p for p, sim in sims.items() if sim >= t}
        hit = len(guess & truth)
        out[t] = (hit / len(guess) if guess else 1.0, hit / len(truth) if truth else 1.0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="articles per newsroom outlet (originals)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=100, help="records per batch (one query each)")
    parser.add_argument("--mongo-uri", help="use this MongoDB instead of a private FerretDB")
    parser.add_argument("--candidates", choices=("auto", "query", "scan"), default="auto",
                        help="indexed query or projected scan (auto: scan on FerretDB, as the crawl does)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    params = DedupParams()
    samples = labelled_set(args.articles, args.seed)

    fingerprint("Rozgrzewka.", "Pierwsze wywołanie ładuje datasketch.", params.minhash)  # not timed
    started = time.perf_counter()
    prints = [fingerprint(s.lead, "\n\n".join(s.paragraphs), params.minhash) for s in samples]
    minhash_ms = (time.perf_counter() - started) * 1000 / len(samples)
    chars = sum(len(s.lead) + sum(len(p) for p in s.paragraphs) for s in samples) / len(samples)

    server = None
    uri = args.mongo_uri
    data = Path(tempfile.mkdtemp(prefix="bench-dedup-"))
    if uri is None:
        server = start_server(data)
        uri = server.uri
    try:
        run = store_all(samples, uri, args.batch, params, args.candidates)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data, ignore_errors=True)
    pairs = pair_scores(samples, {url: doc["story_id"] for url, doc in run.stored.items()})
    records = record_scores(samples, run.stored)
    sweep = threshold_sweep(samples, params, (0.6, 0.7, 0.8, 0.9))
    stored_bytes = len(prints[0].minhash) + 8 * len(prints[0].lsh)
    figures = {
        "server": "MongoDB at --mongo-uri" if args.mongo_uri else "FerretDB 1.24 (private, SQLite)",
        "records": len(samples), "originals": sum(not s.edits for s in samples),
        "rewrites": sum(bool(s.edits) and s.edits != ("same topic",) for s in samples),
        "same_topic": sum(s.edits == ("same topic",) for s in samples),
        "threshold": params.threshold, "shingle_size": params.minhash.shingle_size,
        "permutations": params.minhash.permutations, "bands": params.minhash.bands,
        "pair_precision": pairs[0], "pair_recall": pairs[1],
        "record_precision": records["precision"], "record_recall": records["recall"],
        "by_kind": records["by_kind"],
        "sweep": {str(t): {"precision": p, "recall": r} for t, (p, r) in sweep.items()},
        "candidates_by": "projected scan" if run.scan else "indexed query",
        "batches": run.batches, "queries_per_batch": run.queries / run.batches,
        "get_mores_per_batch": run.get_mores / run.batches,
        "candidates_per_article": run.candidates / len(samples),
        "minhash_ms_per_article": minhash_ms, "mean_chars": chars,
        "annotate_ms_per_article": run.annotate_seconds * 1000 / len(samples),
        "first_batch_ms": run.batch_ms[0], "last_batch_ms": run.batch_ms[-1],
        "bytes_per_record": stored_bytes,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    f = figures
    print(f"{f['records']} records: {f['originals']} originals, {f['rewrites']} rewrites, "
          f"{f['same_topic']} unrelated same-topic articles; written in {f['batches']} batches to {f['server']}")
    print(f"defaults: {f['shingle_size']}-word shingles, {f['permutations']} permutations, {f['bands']} bands, "
          f"threshold {f['threshold']}")
    print(f"stories (pairs in one story_id):   precision {f['pair_precision']:.4f}  recall {f['pair_recall']:.4f}")
    print(f"near_duplicate_of (per record):    precision {f['record_precision']:.4f}  recall {f['record_recall']:.4f}"
          f"  (tp {records['tp']}, fp {records['fp']}, fn {records['fn']})")
    print("recall by kind of rewrite (records with an earlier copy in their story):")
    for kind, c in f["by_kind"].items():
        if kind == "same topic":
            print(f"  {kind:22} {c['wrongly joined']}/{c['records']} wrongly joined a story")
        else:
            print(f"  {kind:22} {c['found']}/{c['copies']}")
    print("pairs at other thresholds (estimated Jaccard of LSH candidates, no clustering):")
    for t, s in f["sweep"].items():
        print(f"  {t:>4}: precision {s['precision']:.4f}  recall {s['recall']:.4f}")
    print(f"cost ({f['candidates_by']}): {f['queries_per_batch']:.2f} queries per batch of {args.batch} "
          f"(+{f['get_mores_per_batch']:.2f} getMore of the same cursor), "
          f"{f['candidates_per_article']:.1f} candidates read per article; "
          f"MinHash {f['minhash_ms_per_article']:.2f} ms per article ({f['mean_chars']:.0f} chars); "
          f"annotation incl. query {f['annotate_ms_per_article']:.2f} ms per article "
          f"(batch: first {f['first_batch_ms']:.0f} ms, last {f['last_batch_ms']:.0f} ms); "
          f"{f['bytes_per_record']} bytes of minhash + lsh per record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
