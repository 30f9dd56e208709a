"""The language check's sample: cost and agreement with the whole text, per sample size.

    .venv/bin/python bench/language.py [CORPUS_DIR …] [--articles N]

Texts: ``title + "\\n" + text`` of the records ``build_article`` makes (what it hands to
``detect_language``), with the language filter and the length minimum off, from the offline
newsroom's pages (``--articles`` per outlet) and from each ``CORPUS_DIR`` (``evaldata.json`` +
``html/``, e.g. ``../shared/corpora/trafilatura-eval``). For each sample size (characters per
slice, two slices; "whole" = the whole text) it prints the CPU time of ``detect_language``
per page in a tight loop (in the text stage it costs about twice that: its model's tables
leave the CPU cache between pages), the share of pages given the same language as the whole
text, and the languages found; then the pages where the current size disagrees.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.items import Article, FetchedPage  # noqa: E402
from newscrawl.text import language  # noqa: E402
from newscrawl.text.article import TextOptions, build_article  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402

OPTIONS = TextOptions(languages=(), min_text_chars=0)
SIZES = (125, 250, 500, None)  # None: the whole text


def checked_text(url: str, body: bytes) -> str | None:
    result = build_article(FetchedPage(url, "bench", body, 200, {}, datetime.now(timezone.utc)), OPTIONS)
    return f"{result.title}\n{result.text}" if isinstance(result, Article) else None


def texts(corpora: list[Path], articles: int) -> dict[str, list[tuple[str, str]]]:
    room = Newsroom(articles_per_outlet=articles, seed=0)
    sets = {"newsroom": [(a.url, checked_text(a.url, room.page_bytes(a))) for a in room.all_articles()]}
    for corpus in corpora:
        evaldata = json.loads((corpus / "evaldata.json").read_text(encoding="utf-8"))
        sets[corpus.name] = [(item["file"], checked_text(url, (corpus / "html" / item["file"]).read_bytes()))
                             for url, item in sorted(evaldata.items())]
    return {name: [(key, text) for key, text in pages if text is not None] for name, pages in sets.items()}


def detect_all(pages: list[tuple[str, str]], size: int | None) -> tuple[list[tuple[str, float]], float]:
    """Languages at this slice size, and CPU ms per page."""
    language.SLICE_CHARS = size or 10**12
    started = time.process_time()
    found = [language.detect_language(text) for _, text in pages]
    return found, (time.process_time() - started) * 1000 / max(1, len(pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--articles", type=int, default=100, help="newsroom articles per outlet (default 100)")
    args = parser.parse_args(argv)
    current = language.SLICE_CHARS
    language.detect_language("Rozgrzewka: model wczytany przed pomiarem.")  # loading is no per-page cost
    for name, pages in texts(args.corpora, args.articles).items():
        print(f"\n== {name}: {len(pages)} records (current sample: 2 × {current} characters)")
        by_size = {size: detect_all(pages, size) for size in SIZES}
        whole = [code for code, _ in by_size[None][0]]
        for size, (found, ms) in by_size.items():
            same = sum(code == w for (code, _), w in zip(found, whole))
            top = ", ".join(f"{c or '?'} {n}" for c, n in Counter(c for c, _ in found).most_common(8))
            label = f"2 × {size}" if size else "whole text"
            print(f"  {label:>10}: {ms:6.3f} ms/page  same as whole text {same}/{len(pages)}  [{top}]")
        for (key, text), (code, probability), w in zip(pages, by_size[current][0], whole):
            if code != w:
                print(f"    differs: {key}: {code} {probability} (whole text: {w}) {text[:70]!r}")
    language.SLICE_CHARS = current
    return 0


if __name__ == "__main__":
    sys.exit(main())
