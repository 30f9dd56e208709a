"""The one generic news spider: discovers article URLs of registry outlets and fetches them.

Per outlet, the spider first reads the outlet's text-and-data-mining (TDM) signals —
robots.txt, ``/.well-known/tdmrep.json`` and the home page's ``tdm-reservation`` header and
meta tag — and skips an outlet that reserves TDM (unless ``NEWSCRAWL_SKIP_TDM_RESERVED`` is
off). A check that fails leaves the status unknown (``reserved: None``), never "not
reserved". Then it discovers articles from RSS/Atom feeds, sitemaps (indexes, gzipped,
Google News) including those announced in robots.txt, and section listing pages with
pagination (up to ``NEWSCRAWL_SECTION_DEPTH`` pages deep). Only URLs matching the outlet's
article patterns are fetched, each once, by its canonical URL. Every request passes the
fence (``newscrawl.fence``). The spider only discovers and fetches; the pipelines turn
pages into records.

Memory stays bounded whatever the outlet publishes: feeds and sitemaps are read as streams
and at most ``NEWSCRAWL_SITEMAP_MAX_URLS`` URLs are taken from one file; ``since``,
``limit`` and the URL patterns are applied before a request exists; accepted article URLs
wait in a per-outlet backlog of strings, and at most ``NEWSCRAWL_MAX_PENDING_REQUESTS``
article requests of an outlet are scheduled and unfinished at a time. Sitemaps are fetched
one at a time per outlet, the next one once the backlog runs low.

Arguments: ``-a outlets=a,b`` (for ``scrapy crawl news``), ``-a since=2026-11-01`` (skip
feed/sitemap entries — and sitemap files — dated earlier; section links carry no date and
are kept; ``since=last``: since each outlet's last complete run, see ``_resolve_since_last``),
``-a limit=N`` (at most N article requests per outlet; with a shared frontier,
counted for the whole run in Redis, see ``newscrawl.distributed``), ``-a refresh=1``
(download article URLs that are already stored too).
Any other argument, a bad value or a bad ``-s`` setting stops with one line, exit status 2.

Incremental: the article URLs of each feed, sitemap or listing page that pass the filters
are checked against the database in one batch (``knownurls.KnownUrlFilter``); only those
not stored yet, or dated later by their source than the stored copy, are downloaded. The
limit counts after that check. A URL listed twice in one source, or already put in this
run's backlog (the feed, a sitemap and a section list the same article), is dropped before
the check (``newscrawl/discovery/found_again``).

Stats: ``newscrawl/discovery/<what>`` counters; ``newscrawl/tdm/<outlet>`` = ``{"reserved":
True | False | None, "source", "skipped"}``; per outlet ``newscrawl/outlet/<outlet>/``
``sources_ok``, ``sources_failed``, ``articles_scheduled``, ``requests_failed`` and ``error``
(the first failure, one line).
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from newscrawl import discovery, tdm
from newscrawl.envsettings import exit_usage
from newscrawl.fence import Refused
from newscrawl.items import FetchedPage
from newscrawl.knownurls import KnownUrlFilter
from newscrawl.middlewares import OutletStopped
from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.text.article import TDM_HEADER_VALUES, TDM_RESERVED_HEADER, TDM_SOURCE_HEADER

# Response headers kept with a page (provenance, charset, conditional re-fetch, TDM).
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "tdm-reservation", "tdm-policy")
# Headers the spider adds to FetchedPage.headers: the TDM status of the page.
# TDM_RESERVED_HEADER ("1"/"0"/"unknown") and TDM_SOURCE_HEADER (which signal reserved it,
# or why it is unknown) are set on every FetchedPage; the text stage turns them, with the
# page's TDMRep meta tag, into the record's `tdm` field.

_CHECKS = ("robots", "tdmrep", "home")
CHECK_NAMES = {"robots": "robots.txt", "tdmrep": "tdmrep.json", "home": "home page"}
# A 4xx answer to robots.txt or tdmrep.json means "no such file": a usable answer.
_NO_FILE_STATUSES = list(range(400, 500))
ARGUMENTS = ("outlets", "since", "limit", "refresh")
# Arguments tools add to every job (Scrapyd's job id); accepted and ignored.
TOOL_ARGUMENTS = ("_job",)
OUTLET_STATS = "newscrawl/outlet/"
FACTS = ("sources_ok", "sources_failed", "articles_scheduled", "requests_failed")
MAX_ERROR_CHARS = 200
# `-a since=last`: since the outlet's last complete run started, minus this much, for
# entries a source lists late (dated before that run, published in its feed after it).
SINCE_LAST = "last"
SINCE_LAST_OVERLAP = timedelta(hours=1)
# Article URLs checked against the database together (at most one lookup batch).
CHECK_BATCH = 1000


def _since_arg(value: str | None) -> datetime | None:
    if not value or value.strip().lower() == SINCE_LAST:
        return None
    parsed = discovery.parse_date(value)
    if parsed is None:
        exit_usage(f"since={value!r} is not an ISO date such as 2026-11-01, or 'last'")
    return parsed


def _refresh_arg(value: str | None) -> bool:
    low = (value or "").strip().lower()
    if low not in ("", "0", "1", "true", "false", "yes", "no"):
        exit_usage(f"refresh={value!r} is not 1 or 0")
    return low in ("1", "true", "yes")


def _limit_arg(value: str | None) -> int:
    if not value:
        return 0
    try:
        limit = int(value)
    except ValueError:
        limit = -1
    if limit < 0:
        exit_usage(f"limit={value!r} is not a whole number of articles")
    return limit


def describe_failure(failure: Failure, url: str) -> str:
    """One line (at most ``MAX_ERROR_CHARS``) saying why a request failed for good."""
    exc = failure.value
    host = urlparse_cached(failure.request).hostname if hasattr(failure, "request") else ""
    if isinstance(exc, Refused):
        text = f"refused {url}: {exc.detail}"
    elif isinstance(exc, (CannotResolveHostError, DNSLookupError)):
        text = f"DNS lookup failed for {host}"
    elif isinstance(exc, (DownloadTimeoutError, TimeoutError)):
        text = f"timed out: {url}"
    elif isinstance(exc, (DownloadConnectionRefusedError, ConnectionRefusedError)):
        text = f"connection refused: {url}"
    elif isinstance(exc, HttpError):
        text = f"HTTP {exc.response.status} from {url}"
    else:
        detail = " ".join(str(exc).split())
        text = f"{type(exc).__name__}{': ' + detail if detail else ''} ({url})"
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 1] + "…"


def _skipped_on_purpose(failure: Failure) -> bool:
    """A request not made by choice (robots.txt forbids it, its outlet was stopped): no failure."""
    return failure.check(IgnoreRequest) is not None and failure.check(Refused, HttpError) is None


@dataclass
class OutletRun:
    """Per-outlet state of one crawl process."""

    pending_checks: set[str] = field(default_factory=lambda: set(_CHECKS))
    statuses: list[tdm.TdmStatus] = field(default_factory=list)
    tdm_rules: list[tdm.TdmRule] = field(default_factory=list)
    robots_sitemaps: list[str] = field(default_factory=list)
    status: tdm.TdmStatus = tdm.NOT_RESERVED
    skipped: bool = False
    # Article URLs put in the backlog in this run. A URL found again (in the feed, a sitemap
    # and a section) is neither looked up nor requested again: a duplicate request would
    # cost the spider middlewares and the dupefilter as much as a real one. Also the
    # limit's count.
    scheduled: set[str] = field(default_factory=set)
    # Listing pages requested in this run: every page of a section links to its neighbours.
    listings: set[str] = field(default_factory=set)
    # Accepted article URLs waiting for a request, and sitemaps waiting to be fetched.
    backlog: deque[str] = field(default_factory=deque)
    sitemaps: deque[str] = field(default_factory=deque)
    # Article requests / sitemap requests made and not finished yet.
    in_flight: int = 0
    sitemaps_in_flight: int = 0
    # (host, kind of error) pairs already logged: one line each, the rest are counted.
    logged_failures: set[tuple[str, str]] = field(default_factory=set)


class NewsSpider(scrapy.Spider):
    name = "news"
    default_outlets: tuple[str, ...] = ()

    def __init__(self, outlets: str = "", since: str = "", limit: str = "", refresh: str = "",
                 **kwargs: Any) -> None:
        self.check_arguments(kwargs)
        super().__init__(**kwargs)
        requested = [k.strip() for k in outlets.split(",") if k.strip()]
        self.outlet_keys: list[str] = requested or list(self.default_outlets)
        self.since = _since_arg(since)
        self.since_last = since.strip().lower() == SINCE_LAST
        # Per outlet `since` when it differs from `self.since` (`since=last`).
        self.since_by_outlet: dict[str, datetime | None] = {}
        self.limit = _limit_arg(limit)
        self.refresh = _refresh_arg(refresh)
        self.outlets: dict[str, Outlet] = {}
        self.runs: dict[str, OutletRun] = {}

    @staticmethod
    def check_arguments(arguments: Mapping[str, Any]) -> None:
        """Exit with one line, status 2, for an unknown or bad ``-a`` argument (the crawl
        command may call this before Scrapy starts; the spider calls it anyway)."""
        unknown = sorted(k for k in arguments if k not in ARGUMENTS + TOOL_ARGUMENTS)
        if unknown:
            exit_usage(f"unknown spider argument {unknown[0]!r}: use "
                       + ", ".join(f"-a {name}=…" for name in ARGUMENTS))
        _since_arg(arguments.get("since"))
        _limit_arg(arguments.get("limit"))
        _refresh_arg(arguments.get("refresh"))

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            registry = load_registry(crawler.settings.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            exit_usage(str(exc))
        if not spider.outlet_keys:
            exit_usage("name outlets with -a outlets=key1,key2 (see `scrapy list`)")
        unknown = [k for k in spider.outlet_keys if k not in registry]
        if unknown:
            exit_usage(f"unknown outlet(s) {', '.join(unknown)} (see `scrapy list`)")
        spider.outlets = {k: registry[k] for k in spider.outlet_keys}
        spider.runs = {k: OutletRun() for k in spider.outlet_keys}
        settings = crawler.settings
        spider.skip_reserved = settings.getbool("NEWSCRAWL_SKIP_TDM_RESERVED")
        spider.section_depth = settings.getint("NEWSCRAWL_SECTION_DEPTH")
        spider.max_urls = settings.getint("NEWSCRAWL_SITEMAP_MAX_URLS")
        spider.max_pending = max(1, settings.getint("NEWSCRAWL_MAX_PENDING_REQUESTS"))
        spider.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "newscrawl"
        spider.known = KnownUrlFilter.from_crawler(crawler, refresh=spider.refresh)
        crawler.signals.connect(spider._request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # --- helpers ---------------------------------------------------------------------
    @property
    def _stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def _count(self, key: str, n: int = 1) -> None:
        self._stats.inc_value(f"newscrawl/discovery/{key}", n)

    def _fact(self, outlet: str, name: str, n: int = 1) -> None:
        self._stats.inc_value(f"{OUTLET_STATS}{outlet}/{name}", n)

    def _full(self, outlet: str) -> bool:
        return bool(self.limit) and len(self.runs[outlet].scheduled) >= self.limit

    def _since_for(self, outlet: str) -> datetime | None:
        return self.since_by_outlet.get(outlet, self.since)

    def queued(self, outlet: str) -> int:
        """Article URLs of the outlet waiting in its backlog or requested and not finished."""
        run = self.runs[outlet]
        return len(run.backlog) + run.in_flight

    def _closed_to_us(self, outlet: str) -> bool:
        run = self.runs[outlet]
        return run.skipped or (bool(run.status.reserved) and self.skip_reserved)

    def refuses(self, request: scrapy.Request) -> bool:
        """True for a queued request of an outlet that has been stopped (OutletGateMiddleware)."""
        outlet = request.cb_kwargs.get("outlet") if request.cb_kwargs else None
        return not request.meta.get("check") and self.outlet_stopped(outlet)

    def outlet_stopped(self, outlet: str | None) -> bool:
        """True when the outlet was stopped because its pages reserve text and data mining."""
        run = self.runs.get(outlet or "")
        return run is not None and run.skipped and bool(run.status.reserved)

    def page_reserves_tdm(self, outlet: str, status: tdm.TdmStatus) -> None:
        """A page of the outlet reserves TDM — its HTTP header (seen here) or its TDMRep meta
        tag (read by the text stage; ExtractPipeline calls this): the whole outlet is treated
        as reserved from now on, and stopped unless ``NEWSCRAWL_SKIP_TDM_RESERVED=0`` (its
        queued requests are then dropped by OutletGateMiddleware)."""
        run = self.runs.get(outlet)
        if run is None or run.status.reserved or not status.reserved:
            return
        run.status = status
        run.skipped = self.skip_reserved
        self._record_tdm(outlet)
        if self.skip_reserved:
            self.logger.warning("stopping %s: its pages reserve text and data mining (%s)", outlet, status.source)

    def checks_done(self, outlet: str) -> bool:
        """This process has read the outlet's TDM signals (robots.txt, tdmrep.json, home page):
        a worker of a shared frontier takes the outlet's shared requests only then."""
        run = self.runs.get(outlet)
        return run is None or not run.pending_checks

    def _source(self, url: str, callback: Any, outlet: str, kind: str, **cb: Any) -> scrapy.Request:
        """A request for a discovery source (feed, sitemap, listing page)."""
        return scrapy.Request(url, callback, errback=self.source_failed,
                              cb_kwargs={"outlet": outlet, **cb}, meta={"source": kind})

    def _record_tdm(self, outlet: str) -> None:
        run = self.runs[outlet]
        self._stats.set_value(f"newscrawl/tdm/{outlet}", {
            "reserved": run.status.reserved, "source": run.status.source, "skipped": run.skipped})

    def _failed(self, failure: Failure, fact: str, what: str) -> str | None:
        """Count a request that failed for good in the outlet's facts and log it once per host
        and kind of error; returns the one-line reason (None: not a failure)."""
        request = failure.request  # type: ignore[attr-defined]
        outlet = request.cb_kwargs["outlet"]
        if _skipped_on_purpose(failure):
            self.logger.debug("%s %s not fetched: %s", what, request.url, failure.getErrorMessage())
            return None
        reason = describe_failure(failure, request.url)
        self._fact(outlet, fact)
        key = f"{OUTLET_STATS}{outlet}/error"
        if self._stats.get_value(key) is None:
            self._stats.set_value(key, reason)
        run = self.runs[outlet]
        seen = (urlparse_cached(request).netloc, type(failure.value).__name__)
        if failure.check(Refused) or seen in run.logged_failures:
            self.logger.debug("%s: %s failed: %s", outlet, what, reason)   # the fence logs refusals
        else:
            run.logged_failures.add(seen)
            self.logger.warning("%s: %s failed: %s (more such failures of %s are only counted)",
                                outlet, what, reason, seen[0])
        return reason

    async def _resolve_since_last(self) -> None:
        """``since=last``: per outlet, the start of its last complete run (finished, the
        outlet ``ok`` or ``no_articles``, no ``limit``; ``store.runs.complete_run_query``)
        minus ``SINCE_LAST_OVERLAP``. An outlet without one is crawled without ``since``,
        with a warning (its first run must see everything anyway)."""
        for outlet in self.outlet_keys:
            try:
                started = await self.known.last_complete_run_start(outlet)
            except Exception as exc:  # noqa: BLE001 - the known-URL check still avoids re-downloads
                started = None
                self.logger.warning("%s: since=last: runs not readable (%s); crawling without since",
                                    outlet, str(exc).split("\n", 1)[0][:200])
            else:
                if started is None:
                    self.logger.warning("%s: since=last: no complete earlier run; crawling without since", outlet)
            since = started - SINCE_LAST_OVERLAP if started is not None else None
            self.since_by_outlet[outlet] = since
            self._stats.set_value(f"newscrawl/since/{outlet}", since.isoformat() if since else None)
            if since is not None:
                self.logger.info("%s: since=last: entries dated from %s", outlet, since.isoformat())

    # --- start: TDM checks first -----------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.since_last:
            await self._resolve_since_last()
        for key, outlet in self.outlets.items():
            for fact in FACTS:
                self._fact(key, fact, 0)
            run = self.runs[key]
            if outlet.tdm_reserved_in_registry:
                run.status = tdm.TdmStatus(True, "registry: tdm = \"reserved\"")
                if self.skip_reserved:
                    run.skipped, run.pending_checks = True, set()
                    self._record_tdm(key)
                    self.logger.warning("skipping %s: it reserves text and data mining (%s); "
                                        "NEWSCRAWL_SKIP_TDM_RESERVED=0 crawls it anyway", key, run.status.source)
                    continue
            check = {"outlet": key}
            # Reading robots.txt and tdmrep.json is what a polite crawler must do; the
            # robots middleware still makes these wait for the site's Crawl-delay.
            yield scrapy.Request(outlet.robots_url, self.check_robots, errback=self.check_failed, cb_kwargs=check,
                                 meta={"dont_obey_robotstxt": True, "check": "robots",
                                       "handle_httpstatus_list": _NO_FILE_STATUSES})
            yield scrapy.Request(outlet.tdmrep_url, self.check_tdmrep, errback=self.check_failed, cb_kwargs=check,
                                 meta={"dont_obey_robotstxt": True, "check": "tdmrep",
                                       "handle_httpstatus_list": _NO_FILE_STATUSES})
            yield scrapy.Request(outlet.home, self.check_home, errback=self.check_failed,
                                 cb_kwargs=check, meta={"check": "home"}, dont_filter=True)

    def check_robots(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run, spec = self.runs[outlet], self.outlets[outlet]
        self._fact(outlet, "sources_ok")
        if response.status == 200:
            text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
            run.statuses.append(tdm.robots_reservation(text, spec.home, self.robots_agent))
            if spec.robots_sitemaps:
                run.robots_sitemaps = discovery.robots_sitemaps(text, response.url)
        else:
            self.logger.debug("%s: no robots.txt (HTTP %d)", outlet, response.status)
        yield from self._check_done(outlet, "robots")

    def check_tdmrep(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run, spec = self.runs[outlet], self.outlets[outlet]
        self._fact(outlet, "sources_ok")
        if response.status == 200:
            rules = tdm.parse_tdmrep(response.body)
            if rules:
                run.tdm_rules = rules
                run.statuses.append(tdm.tdmrep_outlet_status(rules, spec.home))
        else:
            self.logger.debug("%s: no tdmrep.json (HTTP %d)", outlet, response.status)
        yield from self._check_done(outlet, "tdmrep")

    def check_home(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run = self.runs[outlet]
        self._fact(outlet, "sources_ok")
        run.statuses.append(tdm.header_reservation(response.headers.get("tdm-reservation"),
                                                   response.headers.get("tdm-policy")))
        if isinstance(response, HtmlResponse):
            signals_ = discovery.page_signals(response.body, response.url)
            run.statuses.append(tdm.meta_reservation(signals_.tdm_reservation, signals_.tdm_policy))
        yield from self._check_done(outlet, "home")

    def check_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        outlet, check = request.cb_kwargs["outlet"], request.meta["check"]
        reason = self._failed(failure, "sources_failed", f"{CHECK_NAMES[check]} check")
        run = self.runs[outlet]
        if reason is not None and not any(s.reserved is None for s in run.statuses):
            # The first failed check says why the status is unknown; the facts count the rest.
            run.statuses.append(tdm.unknown(f"{CHECK_NAMES[check]} check failed: {reason}"))
        yield from self._check_done(outlet, check)

    def _check_done(self, outlet: str, check: str) -> Iterator[scrapy.Request]:
        run = self.runs[outlet]
        if check not in run.pending_checks:
            return
        run.pending_checks.discard(check)
        if run.pending_checks:
            return
        run.status = tdm.combine(run.status, *run.statuses)
        if run.status.reserved and self.skip_reserved:
            run.skipped = True
            self.logger.warning("skipping %s: it reserves text and data mining (%s); "
                                "NEWSCRAWL_SKIP_TDM_RESERVED=0 crawls it anyway", outlet, run.status.source)
        elif run.status.reserved is None:
            self.logger.warning("%s: text-and-data-mining status unknown (%s); crawling with page-level checks",
                                outlet, run.status.source)
        self._record_tdm(outlet)
        if not run.skipped:
            yield from self._discovery_requests(outlet)

    def _discovery_requests(self, outlet: str) -> Iterator[scrapy.Request]:
        spec, run = self.outlets[outlet], self.runs[outlet]
        for url in spec.feeds:
            yield self._source(url, self.parse_feed, outlet, "feed")
        run.sitemaps.extend(dict.fromkeys([*spec.sitemaps, *run.robots_sitemaps]))
        for url in spec.sections:
            run.listings.add(spec.canonical(url))
            yield self._source(url, self.parse_section, outlet, "section", section=url, depth=0)
        yield from self._release(outlet)

    # --- the backlog: bounded requests per outlet --------------------------------------
    def _release(self, outlet: str) -> Iterator[scrapy.Request]:
        """Requests from the outlet's backlog while fewer than ``max_pending`` are unfinished;
        the next sitemap once the backlog runs low."""
        run = self.runs[outlet]
        if self._closed_to_us(outlet):
            run.backlog.clear()
            run.sitemaps.clear()
            return
        while run.backlog and run.in_flight < self.max_pending:
            run.in_flight += 1
            yield scrapy.Request(run.backlog.popleft(), self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"outlet": outlet})
        if self._full(outlet):
            run.sitemaps.clear()
        if run.sitemaps and not run.sitemaps_in_flight and len(run.backlog) < self.max_pending:
            run.sitemaps_in_flight += 1
            yield self._source(run.sitemaps.popleft(), self.parse_sitemap, outlet, "sitemap")

    def _request_scheduled(self, request: scrapy.Request) -> None:
        if request.callback == self.parse_article and not ({"retry_times", "redirect_times"} & request.meta.keys()):
            self._fact(request.cb_kwargs["outlet"], "articles_scheduled")

    def _request_dropped(self, request: scrapy.Request) -> None:
        """The scheduler refused a request (the dupefilter saw its URL): it will not finish."""
        outlet = request.cb_kwargs.get("outlet") if request.cb_kwargs else None
        if outlet not in self.runs:
            return
        run = self.runs[outlet]
        if request.callback == self.parse_article:
            run.in_flight = max(0, run.in_flight - 1)
            if not ({"retry_times", "redirect_times"} & request.meta.keys()):
                self._fact(outlet, "articles_scheduled", -1)
        elif request.meta.get("source") == "sitemap":
            run.sitemaps_in_flight = max(0, run.sitemaps_in_flight - 1)

    def _idle(self) -> None:
        """Nothing is in flight: feed the scheduler from the backlogs, if anything waits."""
        assert self.crawler.engine is not None
        released = False
        for outlet, run in self.runs.items():
            run.in_flight = run.sitemaps_in_flight = 0
            for request in self._release(outlet):
                self.crawler.engine.crawl(request)
                released = True
        if released:
            raise DontCloseSpider

    # --- discovery -------------------------------------------------------------------
    def source_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        outlet, kind = request.cb_kwargs["outlet"], request.meta.get("source", "source")
        if kind == "sitemap":
            self.runs[outlet].sitemaps_in_flight = max(0, self.runs[outlet].sitemaps_in_flight - 1)
        if self._failed(failure, "sources_failed", kind) is not None:
            self._count("source_failed")
        yield from self._release(outlet)

    def _accept(self, outlet: str, url: str, dated: datetime | None = None) -> str | None:
        """The canonical article URL when no filter drops it (drops are counted), else None.
        No other side effect: the known-URL check and the limit come after."""
        spec, run = self.outlets[outlet], self.runs[outlet]
        url = spec.canonical(url)
        if not spec.is_article_url(url):
            self._count("not_article")
            return None
        since = self._since_for(outlet)
        if since and dated and dated < since:
            self._count("older_than_since")
            return None
        if self._closed_to_us(outlet):
            return None
        if run.tdm_rules and self.skip_reserved and tdm.tdmrep_status(run.tdm_rules, url).reserved:
            self._count("tdm_reserved")
            return None
        self._fact(outlet, "found")
        return url

    async def _offer(self, outlet: str, entries: Iterable[tuple[str, datetime | None, datetime | None]]) -> None:
        """Accepted article URLs of ``entries`` — ``(url, date for since, newest date)`` —
        that the database does not know (or knows in an older version) go to the backlog;
        checked in batches of ``CHECK_BATCH`` (one lookup each)."""
        batch: list[tuple[str, datetime | None]] = []
        for url, dated, changed in entries:
            accepted = self._accept(outlet, url, dated)
            if accepted is not None:
                batch.append((accepted, changed))
            if len(batch) >= CHECK_BATCH:
                await self._offer_checked(outlet, batch)
                batch = []
        await self._offer_checked(outlet, batch)

    async def _offer_checked(self, outlet: str, batch: list[tuple[str, datetime | None]]) -> None:
        scheduled, fresh = self.runs[outlet].scheduled, {}
        for url, changed in batch:
            if url not in scheduled:
                fresh.setdefault(url, changed)
        if len(fresh) < len(batch):
            self._count("found_again", len(batch) - len(fresh))
        if not fresh:
            return
        batch = list(fresh.items())
        # Once the limit is reached, no lookup: _enqueue counts the rest as over the limit.
        urls = [url for url, _ in batch] if self._full(outlet) else await self.known.to_fetch(outlet, batch)
        for url in urls:
            self._enqueue(outlet, url)

    def _enqueue(self, outlet: str, url: str) -> None:
        """Put an accepted article URL in the outlet's backlog, within the limit (counted)."""
        run = self.runs[outlet]
        if self._closed_to_us(outlet):
            return
        if url in run.scheduled:
            return
        if self.limit and len(run.scheduled) >= self.limit:
            self._count("over_limit")
            return
        run.scheduled.add(url)
        self._count("article_links")
        run.backlog.append(url)

    def _read(self, response: Response, outlet: str,
              kinds: tuple[str, ...]) -> tuple[str, Iterator[discovery.Entry]] | None:
        """The kind and the entries (a stream) of a feed or sitemap response; None when it is
        not one of ``kinds``."""
        reader = discovery.EntryReader(response.body, response.url, self.max_urls)
        if reader.kind not in kinds:
            return None

        def entries() -> Iterator[discovery.Entry]:
            yield from reader
            if reader.cut:
                self._count("max_urls_cut")
                self.logger.warning("%s: %s lists more than NEWSCRAWL_SITEMAP_MAX_URLS=%d URLs; the rest is ignored",
                                    outlet, response.url, self.max_urls)
            if reader.error:
                self._count("broken_file")
                self.logger.warning("%s: %s is broken (%s); the entries before the break are used",
                                    outlet, response.url, reader.error)
        return reader.kind, entries()

    def _entries(self, entries: Iterable[discovery.Entry], counter: str) -> Iterator[
            tuple[str, datetime | None, datetime | None]]:
        """``(url, date for since, newest date)`` of feed or sitemap entries, counted."""
        read = 0
        try:
            for entry in entries:
                read += 1
                dates = [d for d in (entry.date, entry.modified) if d is not None]
                yield entry.url, entry.date, max(dates) if dates else None
        finally:
            if read:
                self._count(counter, read)

    async def parse_feed(self, response: Response, outlet: str) -> AsyncIterator[scrapy.Request]:
        self._fact(outlet, "sources_ok")
        read = self._read(response, outlet, discovery.FEED_KINDS)
        if read is None:
            self._count("bad_feed")
            self.logger.warning("%s: not an RSS/Atom feed: %s", outlet, response.url)
        else:
            await self._offer(outlet, self._entries(read[1], "feed_entries"))
        for request in self._release(outlet):
            yield request

    async def parse_sitemap(self, response: Response, outlet: str) -> AsyncIterator[scrapy.Request]:
        run = self.runs[outlet]
        self._fact(outlet, "sources_ok")
        try:
            read = self._read(response, outlet, discovery.SITEMAP_KINDS)
            since = self._since_for(outlet)
            if read is None:
                self._count("bad_sitemap")
                self.logger.warning("%s: not a sitemap: %s", outlet, response.url)
            elif read[0] == "sitemapindex":
                for entry in read[1]:
                    if since and entry.date and entry.date < since:
                        self._count("sitemaps_older_than_since")
                    else:
                        run.sitemaps.append(entry.url)
            else:
                await self._offer(outlet, self._entries(read[1], "sitemap_entries"))
        finally:
            # Only now: while its URLs are being checked, no other sitemap of the outlet starts.
            run.sitemaps_in_flight = max(0, run.sitemaps_in_flight - 1)
        for request in self._release(outlet):
            yield request

    async def parse_section(self, response: Response, outlet: str, section: str,
                            depth: int) -> AsyncIterator[scrapy.Request]:
        spec = self.outlets[outlet]
        self._fact(outlet, "sources_ok")
        hrefs = response.css("a::attr(href), link[rel=next]::attr(href)").getall()
        links, next_pages = [], []
        for href in hrefs:
            url = spec.canonical(response.urljoin(href.strip()))
            if spec.is_article_url(url):
                links.append((url, None, None))  # a listing dates nothing
            elif discovery.is_pagination_link(url, section) and url != spec.canonical(response.url):
                next_pages.append(url)
        if links:
            self._count("section_links", len(links))
        await self._offer(outlet, links)
        if depth < self.section_depth and not self._full(outlet) and not self._closed_to_us(outlet):
            listings = self.runs[outlet].listings
            for url in dict.fromkeys(next_pages):
                if url not in listings:
                    listings.add(url)
                    yield self._source(url, self.parse_section, outlet, "section", section=section, depth=depth + 1)
        for request in self._release(outlet):
            yield request

    # --- fetching --------------------------------------------------------------------
    def article_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        outlet = failure.request.cb_kwargs["outlet"]  # type: ignore[attr-defined]
        run = self.runs[outlet]
        run.in_flight = max(0, run.in_flight - 1)
        self._failed(failure, "requests_failed", "article")
        yield from self._release(outlet)

    def parse_article(self, response: Response, outlet: str) -> Iterator[FetchedPage | scrapy.Request]:
        run = self.runs[outlet]
        run.in_flight = max(0, run.in_flight - 1)
        page = self._page(response, outlet)
        if page is not None:
            yield page
        yield from self._release(outlet)

    def _page(self, response: Response, outlet: str) -> FetchedPage | None:
        """The fetched page, with the TDM status of its outlet and of its HTTP headers. The
        page's own meta tags (TDMRep, canonical URL) are read by the text stage, in its one
        parse of the page (ExtractPipeline applies them)."""
        spec, run = self.outlets[outlet], self.runs[outlet]
        page_status = tdm.combine(
            tdm.header_reservation(response.headers.get("tdm-reservation"), response.headers.get("tdm-policy")),
            tdm.tdmrep_status(run.tdm_rules, response.url),
        )
        self.page_reserves_tdm(outlet, page_status)
        status = tdm.combine(run.status, page_status)
        if status.reserved and self.skip_reserved:
            self._count("tdm_reserved_pages")
            return None
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value is not None:
                headers[name] = value.decode("latin-1")
        headers[TDM_RESERVED_HEADER] = TDM_HEADER_VALUES[status.reserved]
        headers[TDM_SOURCE_HEADER] = status.source
        return FetchedPage(
            url=spec.canonical(response.request.url if response.request else response.url),
            outlet=outlet,
            body=response.body,
            status=response.status,
            headers=headers,
            fetched_at=datetime.now(timezone.utc),
            response_url=response.url,
        )
