"""`scrapy corpus-stats`: what the corpus holds, per outlet.

    scrapy corpus-stats                           # a table: one row per outlet and one for all
    scrapy corpus-stats --outlet kresy --since 2026-11-01
    scrapy corpus-stats --json                    # one JSON object per outlet
    scrapy corpus-stats --plot stats.png          # articles per day per outlet

Per outlet: records, first and last publication date, median text length, language mix,
exact- and near-duplicate rates, paywalled share and the cleaning rules that fired in most
records. Exit status 1 when MongoDB cannot be read or the plot cannot be written.
(The module name has a dash because Scrapy names a command after its module.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands.corpusargs import add_filter_options, corpus_filter, open_database
from newscrawl.corpus.stats import collect, plot_per_day, table, total
from newscrawl.store import StorageUnavailable
from newscrawl.store.corpus import stats_documents
from newscrawl.store.mongo import ARTICLES


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Per-outlet corpus statistics: records, dates, lengths, languages, duplicates (--plot: per day)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per outlet instead of a table")
        parser.add_argument("--plot", metavar="FILE.png", help="draw articles per day per outlet into this PNG")
        parser.add_argument("--top", type=int, default=3, metavar="N", help="cleaning rules shown per outlet (3)")
        add_filter_options(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        where = corpus_filter(opts)
        try:
            articles = open_database(self.settings)[ARTICLES]
            by_outlet = collect(stats_documents(articles, where, self.settings.getint("NEWSCRAWL_EXPORT_BATCH", 1000)))
        except StorageUnavailable as exc:
            return self._fail(str(exc))
        except PyMongoError as exc:
            return self._fail(f"reading the corpus failed: {str(exc).splitlines()[0][:300]}")
        if opts.json:
            for stats in [*by_outlet.values(), total(by_outlet)] if by_outlet else []:
                print(json.dumps(stats.as_dict(opts.top), ensure_ascii=False))
        elif by_outlet:
            print(table(by_outlet, opts.top), end="")
        else:
            print("no records match", file=sys.stderr)
        if opts.plot:
            try:
                plot_per_day(by_outlet, Path(opts.plot))
            except (ValueError, OSError) as exc:
                return self._fail(f"no plot written to {opts.plot}: {exc}")
            print(f"plot written to {opts.plot}", file=sys.stderr)

    def _fail(self, message: str) -> None:
        print(f"newscrawl: {message}", file=sys.stderr)
        self.exitcode = 1
