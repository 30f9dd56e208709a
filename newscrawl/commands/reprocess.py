"""`scrapy reprocess`: run the current text stage again over the raw pages in MongoDB.

    scrapy reprocess                                  # every stored page
    scrapy reprocess --outlet kresy --since 2026-11-01
    scrapy reprocess --changed-only                   # write only records whose content changes
    scrapy reprocess --dry-run                        # say what would change, write nothing

No network. Each page goes through the same text stage as a crawl (``NEWSCRAWL_WORKERS``
worker processes) with the outlet's learned boilerplate as known now, and its record through
the same writer stages (``newscrawl/reprocess.py``). Prints how many records changed, and by
which cleaning rule. Exit status 1 when MongoDB cannot be read or written (what was written
stays; run it again) or records were refused, 2 for a bad option or setting.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any, ClassVar

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands.corpusargs import _date, _names
from newscrawl.commands.crawl import database_or_exit
from newscrawl.corpus.stories import DedupParams
from newscrawl.envsettings import exit_usage
from newscrawl.outlets import RegistryError, load_registry
from newscrawl.pipelines import text_options
from newscrawl.reprocess import Reprocessor
from newscrawl.store import ArticleStore, BoilerplateStore, StorageUnavailable
from newscrawl.store.corpus import BatchDedup
from newscrawl.store.writer import BatchStorer
from newscrawl.text.article import TextOptions
from newscrawl.workers import available_cores, start_text_stage


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--since DATE] [--outlet KEY] [--changed-only] [--dry-run]"

    def short_desc(self) -> str:
        return "Run the current text stage again over the stored raw pages and update the records"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", metavar="DATE",
                            help="only pages fetched at or after DATE (ISO date or datetime; no zone = Warsaw time)")
        parser.add_argument("--outlet", action="append", default=[], metavar="KEY",
                            help="only this outlet (repeat, or KEY1,KEY2)")
        parser.add_argument("--changed-only", action="store_true",
                            help="write only records whose content changes (unchanged ones keep their cleaning "
                                 "audit and extractor versions)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        s = self.settings
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        since = _date("--since", opts.since)
        try:
            registry = load_registry(s.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            exit_usage(str(exc))
        db = database_or_exit(s)
        store = ArticleStore(db)
        stages = BatchDedup.for_articles(store.articles, DedupParams.from_settings(s)).stages()
        stages["lookup_fields"] = (*stages["lookup_fields"], "cleaning")
        storer = BatchStorer(store, s.getfloat("NEWSCRAWL_STORE_RETRY_SECONDS"), **stages,
                             write_unchanged=not opts.changed_only, dry_run=opts.dry_run)
        learned = (BoilerplateStore(db, s.getint("NEWSCRAWL_BOILERPLATE_MIN_ARTICLES"))
                   if s.getbool("NEWSCRAWL_LEARN_BOILERPLATE") else None)
        base = text_options(s)
        options: dict[str, TextOptions] = {}

        def options_for(outlet: str) -> TextOptions:
            """The outlet's phrases and its learned boilerplate, read once per outlet."""
            if outlet not in options:
                known = frozenset(learned.known(outlet)) if learned is not None else frozenset()
                spec = registry.get(outlet)
                options[outlet] = replace(base, outlet_phrases=spec.boilerplate if spec else (),
                                          learned_boilerplate=known)
            return options[outlet]

        batch = s.getint("NEWSCRAWL_BATCH_SIZE")
        text = start_text_stage(s.getint("NEWSCRAWL_WORKERS", available_cores()), s.getfloat("NEWSCRAWL_TEXT_TIMEOUT"))
        reprocessor = Reprocessor(storer, text, options_for, batch)
        try:
            if not opts.dry_run:
                store.ensure_indexes()
            report = reprocessor.run(store.page_documents(since, _names(opts.outlet), batch))
        except (StorageUnavailable, PyMongoError) as exc:
            report = reprocessor.report
            print("\n".join(report.lines(opts.dry_run)))
            print(f"newscrawl: reprocessing stopped after {report.pages} pages, MongoDB unavailable "
                  f"({str(exc).splitlines()[0][:300]}); run it again", file=sys.stderr)
            self.exitcode = 1
            return
        finally:
            text.close()
            db.client.close()
        print("\n".join(report.lines(opts.dry_run)))
        if report.statuses["failed"]:
            self.exitcode = 1
