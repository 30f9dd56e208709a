"""`scrapy crawl` that exits non-zero when the crawl could not do its job.

Scrapy's own command exits 0 whenever the spider started; cron, systemd and Scrapyd users
need to see a failure when, for example, MongoDB could not be reached.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.pipelines import FATAL_FINISH_REASONS


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name exactly one spider (an outlet key from `scrapy list`)")
        assert self.crawler_process is not None
        if args[0] not in self.crawler_process.spider_loader.list():
            raise SystemExit(f"newscrawl: unknown outlet {args[0]!r}; `scrapy list` shows them")
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or reason in FATAL_FINISH_REASONS:
            self.exitcode = 1
