"""`scrapy crawl` that says how each outlet ended, and exits non-zero when the crawl failed.

Scrapy's own command exits 0 whenever the spider started; cron, systemd and Scrapyd users
need to see a failure. Before Scrapy starts, ``MONGO_URI`` and ``MONGO_DATABASE`` are checked
(a malformed one stops with one line, exit 2) and MongoDB is pinged (unreachable: one
line, exit 1), so no component starts against a database that cannot work. After it, one
closing line per outlet goes to stderr — also with ``--nolog`` — and the exit code is:

- 0: the run finished and no outlet ended ``unreachable`` or ``store_failed``;
- 1: an outlet ended ``unreachable`` or ``store_failed``, or the run failed or was
  interrupted (see ``newscrawl/outcomes.py``);
- 2: a bad setting or argument.
"""

from __future__ import annotations

import argparse
import sys

from pymongo.database import Database
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from newscrawl.distributed import redis_unreachable, redis_url_problem
from newscrawl.envsettings import CommandLineSettings, exit_usage
from newscrawl.outcomes import exit_code, run_outcomes
from newscrawl.outlets import RegistryError, load_registry
from newscrawl.spiders.news import NewsSpider
from newscrawl.store import MongoSettingError, StorageUnavailable, connect, validate_mongo_settings
from newscrawl.store.runs import status_for


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def database_or_exit(settings: BaseSettings) -> Database:
    """The configured database, pinged; else one line on stderr and exit 2 (a malformed
    ``MONGO_URI``/``MONGO_DATABASE``) or 1 (MongoDB unreachable)."""
    uri, database = settings.get("MONGO_URI"), settings.get("MONGO_DATABASE")
    try:
        validate_mongo_settings(uri, database)
        return connect(uri, database, settings.getfloat("NEWSCRAWL_MONGO_TIMEOUT"),
                       settings.getfloat("NEWSCRAWL_MONGO_SOCKET_TIMEOUT", 60.0))
    except MongoSettingError as exc:
        _say(f"newscrawl: {exc}")
        raise SystemExit(2) from None
    except StorageUnavailable as exc:
        _say(f"newscrawl: {exc}")
        raise SystemExit(1) from None


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name exactly one spider (an outlet key from `scrapy list`)")
        assert self.crawler_process is not None and self.settings is not None
        if args[0] not in self.crawler_process.spider_loader.list():
            raise SystemExit(f"newscrawl: unknown outlet {args[0]!r}; `scrapy list` shows them")
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = max(self.exitcode, 1)
            return
        stats = crawler.stats.get_stats()
        status, _reason = status_for(stats.get("finish_reason"))
        fatal = stats.get("newscrawl/fatal_error")
        if fatal and not self._logs_reach_stderr():
            _say(f"newscrawl: {fatal}")
        outcomes = []
        if not fatal:
            outcomes = run_outcomes(stats, list(getattr(crawler.spider, "outlet_keys", [])),
                                    stats.get("newscrawl/spill_file", ""))
            for outcome in outcomes:
                _say(outcome.line())
            if status != "finished":
                _say(f"run {status}" + (f" ({stats.get('finish_reason')})" if status == "failed" else ""))
        self.exitcode = max(self.exitcode, exit_code(outcomes, status))

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """After the options are applied and before Scrapy starts (and logs anything): check
        the settings, the spider arguments and the registry (a bad one: one line, exit 2),
        then the MongoDB settings and the server, and Redis when ``NEWSCRAWL_REDIS_URL`` is set
        (one line, exit 2 or 1)."""
        super().process_options(args, opts)
        assert self.settings is not None
        # The same checks run again when the crawler starts; here they come before the
        # MongoDB ping, so a usage error is never reported as an unreachable database.
        CommandLineSettings.update_pre_crawler_settings(self.settings.copy())
        NewsSpider.check_arguments(opts.spargs)
        try:
            load_registry(self.settings.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            exit_usage(str(exc))
        malformed = redis_url_problem(self.settings)
        if malformed is not None:
            exit_usage(malformed)
        database_or_exit(self.settings).client.close()
        unreachable = redis_unreachable(self.settings)
        if unreachable is not None:
            _say(f"newscrawl: {unreachable}")
            raise SystemExit(1)

    def _logs_reach_stderr(self) -> bool:
        assert self.settings is not None
        return self.settings.getbool("LOG_ENABLED") and not self.settings.get("LOG_FILE")
