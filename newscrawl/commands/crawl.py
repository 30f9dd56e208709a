"""`scrapy crawl` that exits non-zero when the crawl could not do its job.

Scrapy's own command exits 0 whenever the spider started; cron, systemd and Scrapyd users
need to see a failure when, for example, MongoDB could not be reached.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newscrawl.pipelines import FATAL_FINISH_REASONS


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        assert self.crawler_process is not None
        for crawler in self.crawler_process.crawlers or ():
            stats = crawler.stats.get_stats() if crawler.stats else {}
            if stats.get("finish_reason") in FATAL_FINISH_REASONS:
                self.exitcode = 1
