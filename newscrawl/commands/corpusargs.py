"""What `scrapy export` and `scrapy corpus-stats` share: the record filters and the database.

Not a command itself (no ``ScrapyCommand`` here, so Scrapy registers nothing from it).
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta

from pymongo.database import Database
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from newscrawl.store import connect
from newscrawl.store.corpus import CorpusFilter
from newscrawl.text.metadata import parse_datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Which records")
    group.add_argument("--since", metavar="DATE", help="published at or after DATE (ISO date or datetime; "
                       "no zone = Warsaw time)")
    group.add_argument("--until", metavar="DATE", help="published before DATE (a date alone includes that day)")
    group.add_argument("--changed-since", metavar="DATE", help="updated at or after DATE (updated_at)")
    group.add_argument("--outlet", action="append", default=[], metavar="KEY",
                       help="only this outlet (repeat, or KEY1,KEY2)")
    group.add_argument("--lang", action="append", default=[], metavar="CODE",
                       help="only this language (repeat, or pl,en)")


def _date(option: str, value: str | None, end_of_day: bool = False) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value) if value.strip() else None
    if parsed is None:
        raise UsageError(f"{option} {value!r} is not a date such as 2026-11-01 or 2026-11-01T06:00+01:00")
    if end_of_day and _DATE_ONLY.match(value.strip()):
        parsed += timedelta(days=1)
    return parsed


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for value in values for part in value.split(",") if part.strip()))


def corpus_filter(opts: argparse.Namespace) -> CorpusFilter:
    """The filter the options describe; a bad date is a usage error (exit 2, one line)."""
    return CorpusFilter(
        since=_date("--since", opts.since),
        until=_date("--until", opts.until, end_of_day=True),
        changed_since=_date("--changed-since", opts.changed_since),
        outlets=_names(opts.outlet),
        languages=_names(opts.lang),
    )


def open_database(settings: Settings) -> Database:
    """The configured database; ``StorageUnavailable`` (one line) when it cannot be reached."""
    return connect(settings.get("MONGO_URI"), settings.get("MONGO_DATABASE"), settings.getfloat("NEWSCRAWL_MONGO_TIMEOUT"))
