"""Progress of a long crawl: one line per outlet every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds.

    progress nr-kurier: found 200, known 140, fetched 58, stored 55, dropped 1, queued 2

- ``found``: article links discovery accepted (patterns, ``since``, TDM); a URL listed by
  several sources counts once per source;
- ``known``: of those, not downloaded because the database knows them (see ``knownurls.py``);
- ``fetched``: article pages downloaded; ``stored``: records written (new, changed or
  unchanged); ``dropped``: pages that gave no record;
- ``queued``: article URLs waiting in the outlet's backlog or being downloaded.

The lines are logged at INFO by ``newscrawl.progress``, and once more when the spider closes.
``NEWSCRAWL_PROGRESS_INTERVAL=0`` turns them off. The extension also counts the article
pages downloaded per outlet, ``newscrawl/outlet/<key>/fetched``, whatever the interval.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

logger = logging.getLogger(__name__)

# (word in the line, per-outlet fact in the stats: newscrawl/outlet/<key>/<fact>)
COLUMNS = (("found", "found"), ("known", "known_skipped"), ("fetched", "fetched"), ("stored", "stored"),
           ("dropped", "dropped"))


def progress_line(outlet: str, stats: Mapping[str, Any], queued: int) -> str:
    """The progress line of one outlet, from the crawl stats."""
    counts = ", ".join(f"{word} {int(stats.get(f'newscrawl/outlet/{outlet}/{fact}', 0) or 0)}"
                       for word, fact in COLUMNS)
    return f"progress {outlet}: {counts}, queued {queued}"


class Progress:
    """Logs ``progress_line`` for every outlet of the crawl on a timer; counts fetched pages."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        progress = cls(crawler, crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 60.0))
        crawler.signals.connect(progress._opened, signal=signals.spider_opened)
        crawler.signals.connect(progress._closed, signal=signals.spider_closed)
        crawler.signals.connect(progress._received, signal=signals.response_received)
        return progress

    def _opened(self, spider: Any) -> None:
        if self.interval > 0:
            self._timer = task.LoopingCall(self.log_lines, spider)
            self._timer.start(self.interval, now=False)

    def _received(self, response: Any, request: Any, spider: Any) -> None:
        outlet = (request.cb_kwargs or {}).get("outlet")
        if outlet and request.callback == getattr(spider, "parse_article", None):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"newscrawl/outlet/{outlet}/fetched")

    def log_lines(self, spider: Any) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        queued = getattr(spider, "queued", lambda outlet: 0)
        for outlet in getattr(spider, "outlet_keys", []):
            logger.info("%s", progress_line(outlet, stats, queued(outlet)))

    def _closed(self, spider: Any, reason: str) -> None:
        if self._timer is not None:
            if self._timer.running:
                self._timer.stop()
            self.log_lines(spider)
