"""The text stage on real saved pages, side by side with bare ``trafilatura.extract``.

    .venv/bin/python bench/real_pages.py CORPUS_DIR [--limit N] [--only FILE …] [--json] [--save PATH]

``CORPUS_DIR`` holds ``evaldata.json`` (``{url: {"file", "with": [...], "without": [...]}}``)
and ``html/<file>`` (the page's bytes as served), e.g. ``../shared/corpora/trafilatura-eval``.

Metric (trafilatura's evaluation): per page, each ``with`` snippet found in the output
(whitespace-normalised substring) is a true positive, else a false negative; each
``without`` snippet found is a false positive, else a true negative; summed over pages.
A crash or a rejection counts as an empty output.

Columns, in one run, page by page (so both see the same machine load), one core, in process;
pages/s is measured in CPU time of this process (other work on the machine does not count):
- bare ``trafilatura.extract(body)`` with its defaults (it decodes the bytes itself);
- newscrawl: ``lead + "\\n\\n" + text`` of ``build_article`` — with the language filter and
  ``min_text_chars`` off, since this corpus is multilingual and holds short pages.

The audit names, for every ``with`` snippet newscrawl lost, the step that lost it (a
cleaning rule from ``cleaning.removed``, the extraction when trafilatura's own output has
it, trafilatura itself when bare trafilatura loses it too, or a rejection), and for every
``without`` snippet newscrawl kept, the page that kept it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from newscrawl.items import Article, FetchedPage  # noqa: E402
from newscrawl.text.article import Rejected, TextOptions, build_article  # noqa: E402

OPTIONS = TextOptions(languages=(), min_text_chars=0)


def folded(text: str) -> str:
    """Whitespace-normalised form: both the output and the snippets are compared so."""
    return " ".join(text.split())


@dataclass
class Column:
    name: str
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    crashes: int = 0
    empty: int = 0
    seconds: float = 0.0
    pages: int = 0

    def score(self, output: str, item: dict) -> tuple[list[str], list[str]]:
        """Count one page; returns (``with`` snippets lost, ``without`` snippets kept)."""
        self.pages += 1
        text = folded(output)
        if not text:
            self.empty += 1
        lost = [s for s in item["with"] if folded(s) not in text]
        kept = [s for s in item["without"] if folded(s) in text]
        self.tp += len(item["with"]) - len(lost)
        self.fn += len(lost)
        self.fp += len(kept)
        self.tn += len(item["without"]) - len(kept)
        return lost, kept

    def figures(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0
        return {"column": self.name, "pages": self.pages, "precision": round(p, 4), "recall": round(r, 4),
                "f1": round(f1, 4), "tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn,
                "crashes": self.crashes, "empty": self.empty,
                "pages_per_s": round(self.pages / self.seconds, 1) if self.seconds else 0.0}


@dataclass
class Audit:
    lost_by: Counter = field(default_factory=Counter)
    removed_by: Counter = field(default_factory=Counter)  # 'without' snippets a rule removed (bare kept them)
    lost: list[tuple[str, str, str]] = field(default_factory=list)       # (step, file, snippet)
    kept: list[tuple[str, str, bool]] = field(default_factory=list)      # (file, snippet, bare kept it too)
    rejected: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)


def lost_at(snippet: str, result: Article | Rejected | None, bare_output: str) -> str:
    """The step of the text stage that lost ``snippet``."""
    if result is None:
        return "crash"
    if isinstance(result, Rejected):
        return f"rejected/{result.reason}"
    wanted = folded(snippet)
    for removal in result.cleaning.get("removed", []):
        if wanted in folded(removal["text"]):
            return f"rule/{removal['rule']}"
    if wanted not in folded(bare_output):
        return "trafilatura"  # bare trafilatura loses it too
    return "extraction"  # bare trafilatura keeps it, our extraction does not


def run(corpus: Path, only: set[str], limit: int) -> tuple[Column, Column, Audit]:
    evaldata = json.loads((corpus / "evaldata.json").read_text(encoding="utf-8"))
    bare, ours, audit = Column("bare trafilatura.extract"), Column("newscrawl lead + text"), Audit()
    now = datetime.now(timezone.utc)
    items = sorted(evaldata.items(), key=lambda kv: kv[1]["file"])
    if only:
        items = [kv for kv in items if kv[1]["file"] in only]
    # Warm-up, untimed: one-time costs (imports, the language model, compiled patterns)
    # are no per-page cost of either column.
    if items:
        warm_url, warm_item = items[0]
        warm_body = (corpus / "html" / warm_item["file"]).read_bytes()
        trafilatura.extract(warm_body)
        build_article(FetchedPage(warm_url, "", warm_body, 200, {}, now), OPTIONS)
    for url, item in items[: limit or None]:
        body = (corpus / "html" / item["file"]).read_bytes()

        started = time.process_time()
        try:
            bare_output = trafilatura.extract(body) or ""
        except Exception:  # noqa: BLE001 — a crash is scored as an empty output
            bare_output = ""
            bare.crashes += 1
        bare.seconds += time.process_time() - started
        bare.score(bare_output, item)

        started = time.process_time()
        result: Article | Rejected | None
        try:
            result = build_article(FetchedPage(url, "", body, 200, {}, now), OPTIONS)
        except Exception:  # noqa: BLE001
            result = None
            ours.crashes += 1
        ours.seconds += time.process_time() - started
        output = f"{result.lead}\n\n{result.text}" if isinstance(result, Article) else ""
        if isinstance(result, Rejected):
            audit.rejected[result.reason] += 1
        if isinstance(result, Article):
            audit.events.update(result.cleaning.get("events", []))
        lost, kept = ours.score(output, item)
        for snippet in lost:
            step = lost_at(snippet, result, bare_output)
            audit.lost_by[step] += 1
            audit.lost.append((step, item["file"], snippet))
        bare_text = folded(bare_output)
        audit.kept.extend((item["file"], s, folded(s) in bare_text) for s in kept)
        if isinstance(result, Article):
            for snippet in item["without"]:
                if snippet not in kept and folded(snippet) in bare_text:
                    step = lost_at(snippet, result, bare_output)
                    if step.startswith("rule/"):
                        audit.removed_by[step] += 1
    return bare, ours, audit


def print_report(bare: Column, ours: Column, audit: Audit, corpus: Path, verbose: bool) -> None:
    print(f"corpus: {corpus} — newscrawl run with languages=() and min_text_chars=0 "
          "(language filter and length minimum off); a rejection or crash scores as empty output")
    print(f"{'column':28} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'crashes':>7} {'empty':>5} {'pages/s':>7}")
    for column in (bare, ours):
        f = column.figures()
        print(f"{f['column']:28} {f['pages']:5d} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} "
              f"{f['crashes']:7d} {f['empty']:5d} {f['pages_per_s']:7.1f}")
    b, o = bare.figures(), ours.figures()
    if b["pages_per_s"]:
        print(f"speed ratio newscrawl/bare: {o['pages_per_s'] / b['pages_per_s']:.2f}   "
              f"F1 difference: {o['f1'] - b['f1']:+.3f}   recall difference: {o['recall'] - b['recall']:+.3f}")
    print(f"rejections: {dict(audit.rejected) or 'none'}")
    print(f"text-stage events: {dict(audit.events) or 'none'}")
    print(f"\n'with' snippets newscrawl lost: {ours.fn} — by step: "
          + ", ".join(f"{step} {n}" for step, n in audit.lost_by.most_common()))
    if verbose:
        for step, file, snippet in sorted(audit.lost):
            print(f"  LOST  {step:28} {file:50} {snippet[:90]!r}")
    rules = sorted(set(audit.lost_by) | set(audit.removed_by))
    print("\nper rule: 'without' snippets it removed (that bare trafilatura keeps) / 'with' snippets it lost")
    for step in (r for r in rules if r.startswith("rule/")):
        print(f"  {step[5:]:28} removed {audit.removed_by[step]:4d}   lost {audit.lost_by[step]:4d}")
    both = sum(1 for *_x, also in audit.kept if also)
    print(f"\n'without' snippets newscrawl kept: {ours.fp} (bare trafilatura keeps {both} of them too; "
          f"bare keeps {bare.fp} in all)")
    if verbose:
        for file, snippet, also in sorted(audit.kept):
            print(f"  KEPT  {'(bare too)' if also else '(ours only)':12} {file:50} {snippet[:90]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder with evaldata.json and html/")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (by file name)")
    parser.add_argument("--only", action="append", default=[], help="only this file (repeatable)")
    parser.add_argument("--brief", action="store_true", help="counts only, no snippet-by-snippet audit")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "evaldata.json").is_file():
        print(f"real_pages: {args.corpus} has no evaldata.json", file=sys.stderr)
        return 2
    logging.disable(logging.CRITICAL)  # trafilatura logs every discarded page
    bare, ours, audit = run(args.corpus, set(args.only), args.limit)
    if args.json:
        print(json.dumps({"bare": bare.figures(), "newscrawl": ours.figures(),
                          "lost_by": dict(audit.lost_by), "removed_by": dict(audit.removed_by),
                          "rejected": dict(audit.rejected),
                          "events": dict(audit.events)}, indent=2))
        return 0
    print_report(bare, ours, audit, args.corpus, verbose=not args.brief)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
