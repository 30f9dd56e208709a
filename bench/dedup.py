"""Near-duplicate detection and stories: precision, recall and MongoDB cost on a labelled set.

The set: newsroom articles (the originals); for each, generated rewrites as syndicating
outlets make them — reordered paragraphs, a sentence removed, a sentence added, an
attribution prefix ("Jak podaje PAP, …"), a changed headline, the lead promoted into the
body, 1–3 of these at once — and for every other original an **unrelated article on the
same topic** (same city, institution and topic, its own text), which must not join the
story. The records are written in a shuffled order (a rewrite may come before its
original), in batches, through ``store.corpus.annotate_duplicates`` against a private
FerretDB (or ``--mongo-uri``), as the crawl's writer does: on FerretDB through the emulated
index (``dedup_index``: entries added after each batch is written), on MongoDB through the
multikey query. ``--candidates both`` runs both ways on the same set, side by side (the
emulated index names only the first record of each key: what that costs in recall).

Printed:
- pairs: precision and recall of "same ``story_id``" over all pairs of records;
- records: of the records with an earlier true copy, how many got ``near_duplicate_of``
  pointing into their own story (recall), and how many ``near_duplicate_of`` were right
  (precision); recall per kind of rewrite;
- the same pair scores at other thresholds (pure: estimated Jaccard of LSH candidates);
- cost: queries per batch, candidates read per article, ms per article (MinHash alone;
  annotation with its queries; the emulated index's inserts), bytes stored per record.

``--sizes 1000,10000,100000`` instead measures the dedup cost per batch as the corpus grows:
synthetic records (~8 KB, random signatures, so never candidates) are pre-loaded through the
store's own code (``article_document``, ``KeyIndex.add_records``; chunked) up to each size,
then the same ``--scale-batches`` batches of the labelled set (fingerprinted beforehand, as
the crawl's text workers do) are annotated, written and indexed at each size, and removed
again with their index entries, ``--scale-repeats`` times; the least time of each batch is printed.

    .venv/bin/python bench/dedup.py [--articles 60] [--seed 0] [--batch 100] [--mongo-uri URI]
        [--candidates auto|query|index|both] [--json]
    .venv/bin/python bench/dedup.py --sizes 1000,10000,100000 [--scale-batches 5] [--scale-repeats 3]
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

from newscrawl.corpus.minhash import band_keys, fingerprint, similarity  # noqa: E402
from newscrawl.corpus.stories import DedupParams, story_id_for  # noqa: E402
from newscrawl.store.corpus import (DEDUP_INDEX, IDS_PER_QUERY, KeyIndex, annotate_duplicates,  # noqa: E402
                                    ensure_corpus_indexes, is_ferretdb)
from newscrawl.store.mongo import ARTICLES, FERRETDB_OPS_PER_COMMAND, article_document, in_chunks  # noqa: E402
from newscrawl.text.normalize import content_hash  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.newsroom.prose import ProseMaker  # noqa: E402
from tests.newsroom.syndication import (  # noqa: E402
    ATTRIBUTION_PREFIXES, add_sentence, attribution_prefix, drop_sentence, promote_lead, reorder_paragraphs,
    split_sentences)
from tools.localmongo import start_server  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from store_scaling import synthetic_article  # noqa: E402

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
    mode: str  # "query" (multikey, MongoDB) or "index" (emulated, FerretDB)
    stored: dict[str, dict] = field(default_factory=dict)
    batches: int = 0
    queries: int = 0
    get_mores: int = 0
    candidates: int = 0
    index_entries: int = 0
    annotate_seconds: float = 0.0
    index_seconds: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    index_ms: list[float] = field(default_factory=list)


def write_batch(db, docs: list[dict], params: DedupParams, key_index: KeyIndex | None, queries: Queries,
                run: Run) -> None:
    """One batch as the crawl's writer runs it: annotate (timed), upsert in small commands, index (timed)."""
    before, more = queries.finds, queries.get_mores
    started = time.perf_counter()
    counts = annotate_duplicates(db[ARTICLES], docs, None, params, key_index)
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
    for chunk in in_chunks(ops, FERRETDB_OPS_PER_COMMAND):  # FerretDB: small write commands
        db[ARTICLES].bulk_write(chunk, ordered=False)
    if key_index is not None:
        started = time.perf_counter()
        run.index_entries += key_index.commit(d["_id"] for d in docs)
        elapsed = time.perf_counter() - started
        run.index_seconds += elapsed
        run.index_ms.append(elapsed * 1000)


def store_all(samples: list[Sample], uri: str, batch: int, params: DedupParams, mode: str) -> Run:
    queries = Queries()
    client: MongoClient = MongoClient(uri, tz_aware=True, event_listeners=[queries])
    db = client[f"bench_dedup_{mode}_{int(time.time())}"]
    run = Run(mode)
    key_index = KeyIndex(db[DEDUP_INDEX]) if mode == "index" else None
    try:
        ensure_corpus_indexes(db[ARTICLES])
        for start in range(0, len(samples), batch):
            write_batch(db, [s.document() for s in samples[start:start + batch]], params, key_index, queries, run)
        run.stored = {d["_id"]: d for d in db[ARTICLES].find({}, {"story_id": 1, "near_duplicate_of": 1,
                                                                    "minhash": 1, "lsh": 1})}
    finally:
        client.drop_database(db.name)
        client.close()
    return run


def modes_for(uri: str, candidates: str) -> list[str]:
    """``auto``: as the crawl does on this server (the emulated index on FerretDB)."""
    if candidates == "both":
        return ["query", "index"]
    if candidates != "auto":
        return [candidates]
    client: MongoClient = MongoClient(uri)
    try:
        return ["index" if is_ferretdb(client.get_database("admin")) else "query"]
    finally:
        client.close()


# --- the cost per batch as the corpus grows ---------------------------------------------------
def synthetic_record(serial: int, params: DedupParams, now: datetime) -> dict:
    """A stored record of about 8 KB with a random signature: never a candidate of real texts."""
    doc = article_document(synthetic_article(serial))
    rng = random.Random(serial)
    doc["minhash"] = rng.randbytes(4 * params.minhash.permutations)
    doc["lsh"] = list(band_keys(doc["minhash"], params.minhash))
    doc.update(story_id=story_id_for(doc["_id"]), duplicate_of=None, near_duplicate_of=None, similarity=None,
               first_seen_at=now, updated_at=now)
    return doc


def preload(db, key_index: KeyIndex | None, start: int, stop: int, params: DedupParams, chunk: int = 200) -> None:
    now = datetime.now(timezone.utc)
    for serials in in_chunks(list(range(start, stop)), chunk):
        docs = [synthetic_record(n, params, now) for n in serials]
        db[ARTICLES].insert_many(docs, ordered=False)
        if key_index is not None:
            key_index.add_records(docs)


def scale(args, params: DedupParams, uri: str, samples: list[Sample]) -> dict:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    [mode] = modes_for(uri, "auto" if args.candidates == "both" else args.candidates)
    queries = Queries()
    client: MongoClient = MongoClient(uri, tz_aware=True, event_listeners=[queries])
    db = client[f"bench_dedup_scale_{int(time.time())}"]
    key_index = KeyIndex(db[DEDUP_INDEX]) if mode == "index" else None
    rows = []
    # Fingerprinted beforehand, as the crawl's text workers do: what is timed is the store's part.
    measured = [s.document() for s in samples[:args.scale_batches * args.batch]]
    for doc in measured:
        made = fingerprint(doc["lead"], doc["text"], params.minhash)
        doc["minhash"], doc["lsh"] = made.minhash, list(made.lsh)
    try:
        ensure_corpus_indexes(db[ARTICLES])
        loaded = 0
        for size in sizes:
            started = time.perf_counter()
            preload(db, key_index, loaded, size, params)
            loaded = size
            preload_s = time.perf_counter() - started
            runs = []
            for _ in range(args.scale_repeats):  # the same batches again: the least of each is the least noisy
                run = Run(mode)
                for start in range(0, len(measured), args.batch):
                    write_batch(db, [dict(d) for d in measured[start:start + args.batch]], params, key_index,
                                queries, run)
                unwrite(db, key_index, measured)
                runs.append(run)
            annotate_ms = [min(ms) for ms in zip(*(r.batch_ms for r in runs))]
            index_ms = [min(ms) for ms in zip(*(r.index_ms for r in runs))] if key_index else []
            run = runs[0]
            rows.append({"stored": size, "preload_s": preload_s, "batches": run.batches,
                         "annotate_ms": annotate_ms, "index_ms": index_ms,
                         "queries_per_batch": run.queries / run.batches,
                         "candidates_per_batch": run.candidates / run.batches,
                         "index_entries_per_batch": run.index_entries / run.batches,
                         "index_documents": db[DEDUP_INDEX].estimated_document_count() if key_index else 0})
            print(f"  {size:>7,} stored: annotate {_ms(annotate_ms)}, index {_ms(index_ms)} ms (batches 1–"
                  f"{run.batches} of {args.batch}, least of {args.scale_repeats}); {rows[-1]['queries_per_batch']:.1f}"
                  f" queries, {rows[-1]['candidates_per_batch']:.0f} candidates per batch; "
                  f"{rows[-1]['index_documents']:,} index entries; pre-load {preload_s:.0f}s", flush=True)
    finally:
        client.drop_database(db.name)
        client.close()
    return {"mode": mode, "batch": args.batch, "rows": rows}


def unwrite(db, key_index: KeyIndex | None, docs: list[dict]) -> None:
    """Remove the measured records and the index entries they got: the next size measures the same."""
    for chunk in in_chunks([d["_id"] for d in docs], IDS_PER_QUERY):
        db[ARTICLES].delete_many({"_id": {"$in": chunk}})
    if key_index is not None:
        key_index.remove_records(docs)


def _ms(values: list[float]) -> str:
    return " ".join(f"{v:.0f}" for v in values) + f" (sum {sum(values):,.0f})" if values else "-"


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


CANDIDATES_BY = {"query": "multikey query (MongoDB's way)", "index": "emulated index (FerretDB's way)"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="articles per newsroom outlet (originals)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=100, help="records per batch")
    parser.add_argument("--mongo-uri", help="use this MongoDB instead of a private FerretDB")
    parser.add_argument("--candidates", choices=("auto", "query", "index", "both"), default="auto",
                        help="multikey query, emulated index, or both side by side (auto: as the crawl does: "
                             "the emulated index on FerretDB)")
    parser.add_argument("--sizes", help="measure the cost per batch at these stored-record counts instead, "
                                        "e.g. 1000,10000,100000")
    parser.add_argument("--scale-batches", type=int, default=5, help="batches measured at each of --sizes")
    parser.add_argument("--scale-repeats", type=int, default=3, help="times the batches are measured at each size")
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
    server_name = "MongoDB at --mongo-uri" if args.mongo_uri else "FerretDB 1.24 (private, SQLite)"
    try:
        if args.sizes:
            print(f"dedup cost per batch as the corpus grows ({server_name}); ms per batch:", flush=True)
            figures = scale(args, params, uri, samples)
            if args.json:
                print(json.dumps(figures, indent=2))
            return 0
        runs = [store_all(samples, uri, args.batch, params, mode) for mode in modes_for(uri, args.candidates)]
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data, ignore_errors=True)
    sweep = threshold_sweep(samples, params, (0.6, 0.7, 0.8, 0.9))
    figures = {
        "server": server_name,
        "records": len(samples), "originals": sum(not s.edits for s in samples),
        "rewrites": sum(bool(s.edits) and s.edits != ("same topic",) for s in samples),
        "same_topic": sum(s.edits == ("same topic",) for s in samples),
        "threshold": params.threshold, "shingle_size": params.minhash.shingle_size,
        "permutations": params.minhash.permutations, "bands": params.minhash.bands,
        "sweep": {str(t): {"precision": p, "recall": r} for t, (p, r) in sweep.items()},
        "minhash_ms_per_article": minhash_ms, "mean_chars": chars,
        "bytes_per_record": len(prints[0].minhash) + 8 * len(prints[0].lsh),
        "runs": {run.mode: run_figures(samples, run) for run in runs},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    f = figures
    print(f"{f['records']} records: {f['originals']} originals, {f['rewrites']} rewrites, "
          f"{f['same_topic']} unrelated same-topic articles; written in batches of {args.batch} to {f['server']}")
    print(f"defaults: {f['shingle_size']}-word shingles, {f['permutations']} permutations, {f['bands']} bands, "
          f"threshold {f['threshold']}; MinHash {f['minhash_ms_per_article']:.2f} ms per article "
          f"({f['mean_chars']:.0f} chars); {f['bytes_per_record']} bytes of minhash + lsh per record")
    for mode, r in f["runs"].items():
        print(f"\ncandidates by the {CANDIDATES_BY[mode]}:")
        print(f"  stories (pairs in one story_id):   precision {r['pair_precision']:.4f}  recall {r['pair_recall']:.4f}")
        print(f"  near_duplicate_of (per record):    precision {r['record_precision']:.4f}  "
              f"recall {r['record_recall']:.4f}  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
        print("  recall by kind of rewrite (records with an earlier copy in their story):")
        for kind, c in r["by_kind"].items():
            if kind == "same topic":
                print(f"    {kind:22} {c['wrongly joined']}/{c['records']} wrongly joined a story")
            else:
                print(f"    {kind:22} {c['found']}/{c['copies']}")
        print(f"  cost: {r['queries_per_batch']:.2f} queries per batch (+{r['get_mores_per_batch']:.2f} getMore of "
              f"the same cursor), {r['candidates_per_article']:.1f} candidates read per article; annotation incl. "
              f"queries {r['annotate_ms_per_article']:.2f} ms per article (batch: first {r['first_batch_ms']:.0f} ms, "
              f"last {r['last_batch_ms']:.0f} ms)"
              + (f"; index inserts {r['index_ms_per_article']:.2f} ms per article, {r['index_entries_per_article']:.1f}"
                 f" entries per article" if mode == "index" else ""))
    print("\npairs at other thresholds (estimated Jaccard of LSH candidates, no clustering):")
    for t, s in f["sweep"].items():
        print(f"  {t:>4}: precision {s['precision']:.4f}  recall {s['recall']:.4f}")
    return 0


def run_figures(samples: list[Sample], run: Run) -> dict:
    pairs = pair_scores(samples, {url: doc["story_id"] for url, doc in run.stored.items()})
    records = record_scores(samples, run.stored)
    return {
        "pair_precision": pairs[0], "pair_recall": pairs[1],
        "record_precision": records["precision"], "record_recall": records["recall"],
        "tp": records["tp"], "fp": records["fp"], "fn": records["fn"], "by_kind": records["by_kind"],
        "batches": run.batches, "queries_per_batch": run.queries / run.batches,
        "get_mores_per_batch": run.get_mores / run.batches,
        "candidates_per_article": run.candidates / len(samples),
        "annotate_ms_per_article": run.annotate_seconds * 1000 / len(samples),
        "first_batch_ms": run.batch_ms[0], "last_batch_ms": run.batch_ms[-1],
        "index_ms_per_article": run.index_seconds * 1000 / len(samples),
        "index_entries_per_article": run.index_entries / len(samples),
    }


if __name__ == "__main__":
    raise SystemExit(main())
