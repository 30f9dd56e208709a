"""Politeness components: robots.txt Crawl-delay enforced, Retry-After honoured, AutoThrottle
that never undercuts a site's Crawl-delay, and request dedup by canonical URL.

- ``RobotsTxtMiddleware`` replaces Scrapy's: it still obeys robots.txt rules, and it also
  applies the ``Crawl-delay`` the site asks of our user agent to the site's downloader
  slot (Scrapy parses Crawl-delay but does not enforce it). Every request to a host —
  including ones marked ``dont_obey_robotstxt`` — waits until that host's robots.txt is
  known, so not even the first requests go out faster than the site asked.
- ``RetryAfterMiddleware`` replaces Scrapy's RetryMiddleware: on 429/503 with a
  ``Retry-After`` header the retry — and every other request to that host — waits as
  long as the server asked (up to ``NEWSCRAWL_RETRY_AFTER_MAX``; longer means give up).
  A failed DNS lookup is not retried: the name will not resolve a second later.
- ``AutoThrottle`` keeps a slot's delay at or above the per-slot floor set from Crawl-delay.
- ``OutletGateMiddleware`` drops already-queued requests of an outlet the spider stopped
  (``OutletStopped``).
- ``MetaRefreshMiddleware`` is Scrapy's, minus decoding every page: Scrapy decodes the
  whole body of every HTML response to look for ``<meta http-equiv="refresh">`` in its first
  4,096 characters; a page whose first 16 KiB do not even contain the bytes of "refresh"
  (in any ASCII-compatible encoding, or UTF-16/32) cannot have one and passes untouched.
- ``CanonicalRequestFingerprinter`` fingerprints requests by their canonical URL
  (``newscrawl.urls``), so the dupefilter — Scrapy's, or scrapy-redis's shared one — sees
  ``/a?utm_source=x#top`` and ``/amp/a`` as ``/a``.

Stats: ``newscrawl/crawl_delay/<host>`` (seconds applied), ``newscrawl/retry_after/waited``,
``newscrawl/retry_after/too_long``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware as ScrapyRetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle as ScrapyAutoThrottle
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import RequestFingerprinter
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from newscrawl.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy.core.downloader import Downloader, Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


def _downloader(crawler: Crawler) -> Downloader:
    assert crawler.engine is not None
    return crawler.engine.downloader


def apply_delay_floor(slot: Slot, floor: float) -> None:
    """Make every delay the slot draws at least ``floor`` seconds, keeping as much of its
    random jitter as that allows."""
    if floor <= 0:
        return
    slot.delay = max(slot.delay, floor)
    if slot.delay * (1 - slot.jitter) < floor:
        slot.jitter = max(0.0, 1 - floor / slot.delay)


async def sleep(seconds: float) -> None:
    """Wait ``seconds`` without blocking the reactor."""
    # Imported here: importing the reactor at module level would install the default one
    # before Scrapy installs the asyncio reactor (the spider imports this module).
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds))


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware plus an enforced ``Crawl-delay`` per host."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("NEWSCRAWL_CRAWL_DELAY_MAX")
        self.crawl_delays: dict[str, float] = {}

    @staticmethod
    def _is_own_robots_fetch(request: Request) -> bool:
        return (request.callback is NO_CALLBACK and bool(request.meta.get("dont_obey_robotstxt"))
                and urlparse_cached(request).path == "/robots.txt")

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        if self._is_own_robots_fetch(request):
            return
        if request.url.startswith(("data:", "file:")):
            return
        rp = await self.robot_parser(request)
        self._apply_crawl_delay(request)
        if not request.meta.get("dont_obey_robotstxt"):
            self.process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """Scrapy's, logging a robots.txt that did not load in one line, not a traceback (the
        spider's own robots.txt check reports the failure for the outlet)."""
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(f"{urlparse_cached(request).scheme}://{netloc}/robots.txt",
                             priority=self.DOWNLOAD_PRIORITY, meta={"dont_obey_robotstxt": True},
                             callback=NO_CALLBACK)
            try:
                assert self.crawler.engine is not None
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:
                if not isinstance(exc, IgnoreRequest):
                    logger.debug("robots.txt of %s did not load (%s: %s): obeying no rules there",
                                 netloc, type(exc).__name__, exc)
                self._robots_error(exc, netloc)
            assert self._stats is not None
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        if parser is not None and not isinstance(parser, Deferred):
            self._remember_crawl_delay(parser, netloc)

    def _remember_crawl_delay(self, parser: RobotParser, netloc: str) -> None:
        useragent = self._robotstxt_useragent or self._default_useragent
        try:
            delay = parser.crawl_delay(useragent)
        except Exception:  # a parser backend without Crawl-delay support
            delay = None
        if not delay or delay <= 0 or self.max_crawl_delay <= 0:
            return
        if delay > self.max_crawl_delay:
            logger.warning("robots.txt of %s asks a Crawl-delay of %.1fs; using NEWSCRAWL_CRAWL_DELAY_MAX=%.1fs",
                           netloc, delay, self.max_crawl_delay)
            delay = self.max_crawl_delay
        self.crawl_delays[netloc] = delay
        assert self._stats is not None
        self._stats.set_value(f"newscrawl/crawl_delay/{netloc}", delay)

    def _apply_crawl_delay(self, request: Request) -> None:
        delay = self.crawl_delays.get(urlparse_cached(request).netloc)
        if not delay:
            return
        downloader = _downloader(self.crawler)
        key = downloader.get_slot_key(request)
        # New slots (also after the idle-slot collector dropped one) start from this floor;
        # AutoThrottle below never goes under it.
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        if slot_settings.get("delay", 0) < delay:
            slot_settings["delay"] = delay
        slot = downloader.slots.get(key)
        if slot is not None:
            apply_delay_floor(slot, delay)


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(ScrapyRetryMiddleware):
    """Scrapy's RetryMiddleware, honouring ``Retry-After`` on the codes in
    ``NEWSCRAWL_RETRY_AFTER_CODES`` (429, 503) for the whole host."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.retry_after_codes = {int(c) for c in settings.getlist("NEWSCRAWL_RETRY_AFTER_CODES")}
        self.not_before: dict[str, float] = {}

    def _slot_key(self, request: Request) -> str:
        return _downloader(self.crawler).get_slot_key(request)

    async def process_request(self, request: Request) -> None:
        until = self.not_before.get(self._slot_key(request))
        if until is None:
            return
        wait = until - monotonic()
        if wait > 0:
            await sleep(wait)

    def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if isinstance(exception, CannotResolveHostError):
            return None        # the name will not resolve a second later either
        return super().process_exception(request, exception)

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_after_codes:
            return super().process_response(request, response)
        wait = parse_retry_after(response.headers.get(b"Retry-After"))
        if wait is None:
            return super().process_response(request, response)
        assert self.crawler.stats is not None
        if wait > self.retry_after_max:
            self.crawler.stats.inc_value("newscrawl/retry_after/too_long")
            logger.warning("%s asks to retry after %.0fs (more than NEWSCRAWL_RETRY_AFTER_MAX=%.0fs): giving up",
                           request.url, wait, self.retry_after_max)
            return response
        retry = super().process_response(request, response)
        if retry is not response:
            key = self._slot_key(request)
            until = monotonic() + wait
            self.not_before[key] = max(self.not_before.get(key, 0.0), until)
            # Requests already queued in the host's downloader slot wait too (when the slot
            # has a delay; new requests wait in process_request above).
            slot = _downloader(self.crawler).slots.get(key)
            if slot is not None and slot.delay:
                slot.lastseen = max(slot.lastseen, until - slot.delay * (1 - min(slot.jitter, 1.0)))
            self.crawler.stats.inc_value("newscrawl/retry_after/waited")
        return retry


class AutoThrottle(ScrapyAutoThrottle):
    """Scrapy's AutoThrottle that keeps each slot at or above its configured delay floor
    (``DOWNLOAD_SLOTS`` / the Crawl-delay the robots.txt middleware applied)."""

    def _response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay", 0)
        if floor:
            apply_delay_floor(slot, float(floor))


# Scrapy scans the first 4,096 characters: at most 16 KiB in UTF-8 (or UTF-32). Encodings
# other than UTF-16/32 (which put NULs between ASCII letters) keep ASCII letters as they are.
_REFRESH_SCAN_BYTES = 4 * 4096


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding pages that cannot carry one."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        head = response.body[:_REFRESH_SCAN_BYTES]
        if b"\x00" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)


class OutletStopped(IgnoreRequest):
    """A queued request of an outlet the spider stopped: not made on purpose, not a failure."""


class OutletGateMiddleware:
    """Drops queued requests of an outlet the spider stopped (e.g. its pages turned out to
    reserve text and data mining) before they are downloaded."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletGateMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        refuses = getattr(self.crawler.spider, "refuses", None)
        if refuses is not None and refuses(request):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newscrawl/discovery/cancelled")
            raise OutletStopped("outlet stopped: it reserves text and data mining")


class CanonicalRequestFingerprinter:
    """Scrapy's default fingerprint, computed on the request's canonical URL."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self._default = RequestFingerprinter(crawler)
        # Scrapy asks several times per request (7,292 calls for 1,658 responses in a profiled
        # crawl); a request's URL never changes (``replace`` makes another one): Scrapy's own
        # fingerprinter caches the same way.
        self._cache: WeakKeyDictionary[Request, bytes] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalRequestFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        cached = self._cache.get(request)
        if cached is None:
            canonical = canonicalize_url(request.url)
            cached = self._default.fingerprint(request if canonical == request.url else request.replace(url=canonical))
            self._cache[request] = cached
        return cached
