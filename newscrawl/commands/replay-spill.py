"""`scrapy replay-spill`: load spill files into MongoDB (idempotently) and remove them.

    scrapy replay-spill                      # every file in NEWSCRAWL_SPILL_DIR
    scrapy replay-spill var/spill/X.jsonl    # these files

A record goes through the writer's stages, so a record already in the database (the
same fetch or a newer one) is not written again, and replaying a file twice stores each
record once. Unreadable lines are kept in ``<file>.corrupt``. One line per file on stdout;
errors are one line on stderr. Exit status: 0 when every file was loaded, 1 when a file
had unreadable lines or refused records, was in use, or MongoDB was unavailable, 2 for a
file that does not exist or a bad MongoDB setting.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from newscrawl.corpus.stories import DedupParams
from newscrawl.commands.crawl import database_or_exit
from newscrawl.store import ArticleStore, StorageUnavailable
from newscrawl.store.corpus import BatchDedup
from newscrawl.store.spill import SpillError, spill_files
from newscrawl.store.writer import BatchStorer, ReplayResult, replay_spill_file


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def summary(result: ReplayResult) -> str:
    """``FILE: 3 stored (3 new), 2 already stored, 0 refused, 1 run record``."""
    counts = Counter(r.status for r in result.results)
    stored = counts["new"] + counts["changed"] + counts["unchanged"]
    kinds = ", ".join(f"{counts[k]} {k}" for k in ("new", "changed", "unchanged") if counts[k])
    line = (f"{result.path}: {stored} stored{f' ({kinds})' if kinds else ''}, {counts['stale']} already stored, "
            f"{counts['failed']} refused, {result.runs} run record{'' if result.runs == 1 else 's'}")
    return line


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] [spill file ...]"

    def short_desc(self) -> str:
        return "Load spill files (records MongoDB could not take during a crawl) into MongoDB"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        s = self.settings
        spill_dir = Path(s.get("NEWSCRAWL_SPILL_DIR") or "var/spill")
        paths = [Path(a) for a in args] if args else spill_files(spill_dir)
        missing = [p for p in paths if not p.is_file()]
        if missing:
            _say(f"newscrawl: spill file {missing[0]} does not exist")
            self.exitcode = 2
            return
        if not paths:
            print(f"no spill files in {spill_dir}")
            return
        db = database_or_exit(s)
        store = ArticleStore(db)
        store.ensure_indexes()
        # The same stages as a crawl's writer: replayed records are judged for duplicates too.
        dedup = BatchDedup.for_articles(store.articles, DedupParams.from_settings(s))
        storer = BatchStorer(store, s.getfloat("NEWSCRAWL_STORE_RETRY_SECONDS"), **dedup.stages())
        for path in paths:
            try:
                result = replay_spill_file(path, storer, s.getint("NEWSCRAWL_BATCH_SIZE"))
            except SpillError as exc:
                _say(f"newscrawl: {exc}")
                self.exitcode = 1
                continue
            except StorageUnavailable as exc:
                _say(f"newscrawl: replay of {path} stopped, the file is kept: {exc}")
                self.exitcode = 1
                return
            print(summary(result))
            if result.corrupt_lines:
                first = result.corrupt_lines[0]
                _say(f"newscrawl: {path}: {len(result.corrupt_lines)} unreadable line(s) (first: line {first}) "
                     f"not replayed, kept in {result.corrupt_kept}")
                self.exitcode = 1
            if any(r.status == "failed" for r in result.results):
                self.exitcode = 1
        db.client.close()
