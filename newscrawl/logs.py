"""Log lines a person can read: no line longer than ``NEWSCRAWL_LOG_MAX_LINE`` characters.

A page body, an item's repr or an exception message can be megabytes long; one such line
makes a log file useless (and big). ``BoundedLogLines`` (an extension) puts a
``BoundedLines`` filter on the crawl's log handlers, which cuts every longer line of a
record — its message and its traceback — and says how much was cut.

It also raises the root logger's level to the crawl's ``LOG_LEVEL``. Scrapy leaves the root
logger at DEBUG and drops records in its handler, so below that level every response's
"Crawled (200)", every item's "Scraped from" and pymongo's command logs were still built
as records, only to be thrown away (about 2% of the crawl process's CPU).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler


def bound_lines(text: str, limit: int) -> str:
    """``text`` with every line longer than ``limit`` characters cut, saying how much was cut."""
    if len(text) <= limit:
        return text
    return "\n".join(
        line if len(line) <= limit else f"{line[:limit]}… [{len(line) - limit} more characters]"
        for line in text.split("\n")
    )


class BoundedLines(logging.Filter):
    """Cuts the lines of a record's message and traceback to ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args or not isinstance(record.msg, str) or len(record.msg) > self.limit:
            message = record.getMessage()
            if len(message) > self.limit:
                record.msg, record.args = bound_lines(message, self.limit), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = bound_lines(logging.Formatter().formatException(record.exc_info), self.limit)
        return True


class BoundedLogLines:
    """Installs ``BoundedLines`` on every handler of the root logger (Scrapy's among them)
    when the engine starts — after Scrapy has set up its handler for the crawl — and raises
    the root logger to ``LOG_LEVEL`` until the engine stops."""

    def __init__(self, limit: int, level: int = logging.NOTSET) -> None:
        self.filter = BoundedLines(limit)
        self.level = level
        self._root_level: int | None = None
        self.install()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedLogLines:
        value = crawler.settings.get("LOG_LEVEL") or "DEBUG"
        level = value if isinstance(value, int) else logging.getLevelName(str(value).upper())
        extension = cls(crawler.settings.getint("NEWSCRAWL_LOG_MAX_LINE"), level if isinstance(level, int) else 0)
        crawler.signals.connect(extension.install, signal=signals.engine_started)
        crawler.signals.connect(extension.restore_level, signal=signals.engine_stopped)
        return extension

    def install(self) -> None:
        root = logging.getLogger()
        if self.level > root.level:
            self._root_level = root.level
            root.setLevel(self.level)
        for handler in logging.getLogger().handlers:
            if self.filter not in handler.filters:
                handler.addFilter(self.filter)

    def restore_level(self) -> None:
        """The root logger's level as it was (a crawl run inside a longer-lived process)."""
        if self._root_level is not None:
            logging.getLogger().setLevel(self._root_level)
            self._root_level = None
