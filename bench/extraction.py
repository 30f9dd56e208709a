"""Extraction quality: the newscrawl text pipeline vs plain ``trafilatura.extract``.

Scores both on the offline newsroom (in process: ``Newsroom.page_bytes``, no HTTP)
against the generator's expected records: token-level precision / recall / F1 of the
body text per page and overall (micro-averaged over tokens), leaked boilerplate
paragraphs, repeated leads, and pages per second.

    .venv/bin/python bench/extraction.py [--articles 24] [--seed 0] [--per-page] [--json]

The pipeline column runs ``build_article`` exactly as the crawl does (registry phrases
of the newsroom outlets, learned boilerplate counted over a first pass, as a second run
of a crawl would have it from MongoDB); "… first run" is the same without any learned
boilerplate. Plain trafilatura is scored against lead + text (it has no lead field).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from newscrawl.items import Article, FetchedPage  # noqa: E402
from newscrawl.outlets import outlet_from_mapping  # noqa: E402
from newscrawl.text.article import TextOptions, build_article  # noqa: E402
from newscrawl.text.dedup import _tokens, containment  # noqa: E402
from newscrawl.text.fingerprint import LearnedBoilerplate, LearnedBoilerplatePolicy  # noqa: E402
from tests.newsroom import Newsroom, outlet_entries  # noqa: E402

_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


@dataclass
class Score:
    pages: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    leaks: int = 0
    repeated_leads: int = 0
    seconds: float = 0.0
    failures: int = 0
    per_page: list = field(default_factory=list)

    def add(self, url: str, got: str, want: str) -> None:
        g, w = tokens(got), tokens(want)
        tp = sum((g & w).values())
        fp, fn = sum(g.values()) - tp, sum(w.values()) - tp
        self.tp, self.fp, self.fn, self.pages = self.tp + tp, self.fp + fp, self.fn + fn, self.pages + 1
        self.per_page.append((url, *prf(tp, fp, fn)))

    def figures(self) -> dict:
        p, r, f = prf(self.tp, self.fp, self.fn)
        return {"pages": self.pages, "precision": p, "recall": r, "f1": f, "leaks": self.leaks,
                "repeated_leads": self.repeated_leads, "failures": self.failures,
                "pages_per_s": self.pages / self.seconds if self.seconds else 0.0}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text or "") if p.strip()]


def count_leaks(got_paragraphs: list[str], expected_paragraphs: list[str], title: str) -> int:
    """Extracted paragraphs that are in no expected paragraph (nor the title): boilerplate
    that leaked into the text (e.g. a donation box, a "Czytaj także" line, a credit)."""
    want = " ".join(w for p in expected_paragraphs + [title] for w in _WORD.findall(p.lower()))
    leaks = 0
    for paragraph in got_paragraphs:
        words = " ".join(_WORD.findall(paragraph.lower()))
        if words and words not in want:
            leaks += 1
    return leaks


def count_repeated_lead(got_paragraphs: list[str], lead: str, threshold: float = 0.8) -> int:
    """1 when the text still holds a paragraph that near-duplicates the lead."""
    lead_tokens = _tokens(lead)
    if len(lead_tokens) < 6:
        return 0
    for paragraph in got_paragraphs:
        t = _tokens(paragraph)
        small, large = (t, lead_tokens) if len(t) <= len(lead_tokens) else (lead_tokens, t)
        if len(small) >= 6 and containment(small, large) >= threshold:
            return 1
    return 0


def registry_phrases(room: Newsroom) -> dict[str, tuple[str, ...]]:
    """The outlets' registry boilerplate phrases, as the crawl reads them from the registry."""
    entries = outlet_entries(room, {k: room.default_base_url(k) for k in room.outlet_keys})
    return {key: outlet_from_mapping(key, data).boilerplate for key, data in entries.items()}


def score_pipeline(pages, phrases, base, learned_for) -> Score:
    score = Score()
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    for e, body in pages:
        options = replace(base, outlet_phrases=phrases.get(e.outlet, ()), learned_boilerplate=learned_for(e.outlet))
        result = build_article(FetchedPage(e.url, e.outlet, body, 200, {}, now), options)
        got = result.text if isinstance(result, Article) else ""
        if not isinstance(result, Article):
            score.failures += 1
        paragraphs = split_paragraphs(got)
        score.add(e.url, got, e.text)
        score.leaks += count_leaks(paragraphs, list(e.paragraphs), e.title)
        score.repeated_leads += count_repeated_lead(paragraphs, e.lead)
    score.seconds = time.perf_counter() - started
    return score


def run(articles: int, seed: int) -> tuple[Score, Score, Score]:
    room = Newsroom(articles_per_outlet=articles, seed=seed)
    expected = room.all_articles()
    pages = [(e, room.page_bytes(e)) for e in expected]
    phrases = registry_phrases(room)
    now = datetime.now(timezone.utc)
    base = TextOptions()

    # Learned boilerplate: a first pass counts paragraphs, as an earlier crawl would have.
    learner = LearnedBoilerplate(LearnedBoilerplatePolicy())
    for e, body in pages:
        result = build_article(FetchedPage(e.url, e.outlet, body, 200, {}, now),
                               replace(base, outlet_phrases=phrases.get(e.outlet, ())))
        if isinstance(result, Article):
            learner.observe(e.outlet, e.url, result.text.split("\n\n"))

    first_run = score_pipeline(pages, phrases, base, lambda outlet: frozenset())
    pipeline = score_pipeline(pages, phrases, base, learner.known)
    plain = Score()
    started = time.perf_counter()
    for e, body in pages:
        got = trafilatura.extract(body, url=e.url) or ""
        paragraphs = split_paragraphs(got)
        # Plain trafilatura has no lead field: the lead is part of its text, so a lead
        # in its output is fine once and a repeat when it occurs twice.
        plain.add(e.url, got, e.lead + "\n" + e.text)
        plain.leaks += count_leaks(paragraphs, list(e.paragraphs) + [e.lead], e.title)
        lead_hits = sum(count_repeated_lead([p], e.lead) for p in paragraphs)
        plain.repeated_leads += 1 if lead_hits > 1 else 0
    plain.seconds = time.perf_counter() - started
    return pipeline, first_run, plain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=24, help="articles per newsroom outlet")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-page", action="store_true", help="print every page's scores")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    pipeline, first_run, plain = run(args.articles, args.seed)
    rows = {"newscrawl pipeline": pipeline.figures(), "  … first run": first_run.figures(),
            "plain trafilatura": plain.figures()}
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if args.per_page:
        for (url, p, r, f), (_, p2, r2, f2) in zip(pipeline.per_page, plain.per_page):
            print(f"{url:60} pipeline P={p:.3f} R={r:.3f} F1={f:.3f} | plain P={p2:.3f} R={r2:.3f} F1={f2:.3f}")
    print(f"{'column':20} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'leaks':>5} {'rep.leads':>9} {'pages/s':>8}")
    for name, r in rows.items():
        print(f"{name:20} {r['pages']:5d} {r['precision']:9.4f} {r['recall']:7.4f} {r['f1']:6.4f} "
              f"{r['leaks']:5d} {r['repeated_leads']:9d} {r['pages_per_s']:8.1f}")
    print("'… first run' = the pipeline before any learned boilerplate is known (a first crawl, or the extract command).")
    if pipeline.failures:
        print(f"pipeline gave no record for {pipeline.failures} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
