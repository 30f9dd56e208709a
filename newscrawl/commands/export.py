"""`scrapy export`: the corpus out of MongoDB as JSON Lines (optionally gzipped) or Parquet.

    scrapy export -o corpus.jsonl
    scrapy export -o corpus.jsonl.gz --since 2026-11-01 --outlet kresy --lang pl
    scrapy export -o corpus.parquet --dedup near          # one record per story
    scrapy export -o changed.jsonl --changed-since 2026-11-26T06:00

Streams from MongoDB in batches of ``NEWSCRAWL_EXPORT_BATCH`` records (one Parquet row
group each), so memory does not grow with the corpus. Fields and types:
``newscrawl/corpus/record.schema.json`` (and the README). Exit status 1 when MongoDB cannot
be read or the file cannot be written (nothing is left under the output name then), 2 for
a bad option.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands.corpusargs import add_filter_options, corpus_filter, open_database
from newscrawl.corpus.export import ExportWriter, export_record, fields, format_of
from newscrawl.store import StorageUnavailable
from newscrawl.store.corpus import DEDUP_MODES, count_documents, export_documents, is_ferretdb
from newscrawl.store.mongo import ARTICLES


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "-o FILE.jsonl|FILE.jsonl.gz|FILE.parquet [options]"

    def short_desc(self) -> str:
        return "Export the corpus as JSON Lines or Parquet (filters, duplicates left out on request)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="*.jsonl, *.jsonl.gz or *.parquet")
        parser.add_argument("--dedup", choices=DEDUP_MODES, default="none",
                            help="none (default); exact: leave out exact duplicates; near: one record per story "
                                 "(the earliest published)")
        add_filter_options(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        if not opts.output:
            raise UsageError("name the output file with -o FILE.jsonl, FILE.jsonl.gz or FILE.parquet")
        output = Path(opts.output)
        try:
            format_of(output)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        where = corpus_filter(opts)
        batch = max(1, self.settings.getint("NEWSCRAWL_EXPORT_BATCH", 1000))
        try:
            db = open_database(self.settings)
            writer = ExportWriter(output)
        except (StorageUnavailable, OSError) as exc:
            self._fail(str(exc))
            return
        articles = db[ARTICLES]
        from tqdm import tqdm  # imported when used: Scrapy imports every command at each start

        interactive = sys.stderr.isatty()
        progress: tqdm | None = None
        try:
            # The bar's total (unknown for near: stories are counted at the end).
            total = count_documents(articles, where, opts.dedup) if interactive and opts.dedup != "near" else None
            progress = tqdm(total=total, unit=" records", file=sys.stderr, disable=not interactive)
            chunk: list[dict[str, Any]] = []
            for doc in export_documents(articles, where, opts.dedup, fields(), batch, scan=is_ferretdb(db)):
                chunk.append(export_record(doc))
                if len(chunk) >= batch:
                    writer.write(chunk)
                    progress.update(len(chunk))
                    chunk = []
            writer.write(chunk)
            progress.update(len(chunk))
            writer.close()
        except (PyMongoError, OSError) as exc:
            writer.abort()
            self._fail(f"export to {output} failed: {str(exc).splitlines()[0][:300]}")
            return
        except BaseException:
            writer.abort()
            raise
        finally:
            if progress is not None:
                progress.close()
        print(f"exported {writer.count} records to {output}", file=sys.stderr)

    def _fail(self, message: str) -> None:
        print(f"newscrawl: {message}", file=sys.stderr)
        self.exitcode = 1
