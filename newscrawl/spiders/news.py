"""The one generic news spider: discovers article URLs of registry outlets and fetches them.

Per outlet, the spider first reads the outlet's text-and-data-mining (TDM) signals —
robots.txt, ``/.well-known/tdmrep.json`` and the home page's ``tdm-reservation`` header and
meta tag — and skips an outlet that reserves TDM (unless ``NEWSCRAWL_SKIP_TDM_RESERVED`` is
off). Then it discovers articles from RSS/Atom feeds, sitemaps (indexes, gzipped, Google
News) including those announced in robots.txt, and section listing pages with pagination
(up to ``NEWSCRAWL_SECTION_DEPTH`` pages deep). Only URLs matching the outlet's article
patterns are fetched, each once, by its canonical URL. The spider only discovers and
fetches; the pipelines turn pages into records.

Arguments: ``-a outlets=a,b`` (for ``scrapy crawl news``), ``-a since=2026-11-01`` (skip
feed/sitemap entries — and sitemap files — dated earlier; section links carry no date and
are kept), ``-a limit=N`` (at most N article requests per outlet, counted per process).

Stats: ``newscrawl/discovery/<what>`` counters, ``newscrawl/tdm/<outlet>`` = ``{"reserved",
"source", "skipped"}`` for every outlet of the run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from newscrawl import discovery, tdm
from newscrawl.text.article import TDM_RESERVED_HEADER, TDM_SOURCE_HEADER
from newscrawl.items import FetchedPage
from newscrawl.outlets import Outlet, RegistryError, load_registry

# Response headers kept with a page (provenance, charset, conditional re-fetch, TDM).
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "tdm-reservation", "tdm-policy")
# Headers the spider adds to FetchedPage.headers: the TDM status of the page.
# TDM_RESERVED_HEADER ("1"/"0") and TDM_SOURCE_HEADER (which signal reserved it) are
# set on every FetchedPage; the text stage turns them into the record's `tdm` field.

_CHECKS = ("robots", "tdmrep", "home")


def _since_arg(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = discovery.parse_date(value)
    if parsed is None:
        raise SystemExit(f"newscrawl: since={value!r} is not an ISO date such as 2026-11-01")
    return parsed


def _limit_arg(value: str | None) -> int:
    if not value:
        return 0
    try:
        limit = int(value)
    except ValueError:
        limit = -1
    if limit < 0:
        raise SystemExit(f"newscrawl: limit={value!r} is not a whole number of articles")
    return limit


@dataclass
class OutletRun:
    """Per-outlet state of one crawl process."""

    pending_checks: set[str] = field(default_factory=lambda: set(_CHECKS))
    statuses: list[tdm.TdmStatus] = field(default_factory=list)
    tdm_rules: list[tdm.TdmRule] = field(default_factory=list)
    robots_sitemaps: list[str] = field(default_factory=list)
    status: tdm.TdmStatus = tdm.NOT_RESERVED
    skipped: bool = False
    # Article URLs scheduled, kept only when a limit is set (dedup itself is the dupefilter's).
    scheduled: set[str] = field(default_factory=set)


class NewsSpider(scrapy.Spider):
    name = "news"
    default_outlets: tuple[str, ...] = ()

    def __init__(self, outlets: str = "", since: str = "", limit: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        requested = [k.strip() for k in outlets.split(",") if k.strip()]
        self.outlet_keys: list[str] = requested or list(self.default_outlets)
        self.since = _since_arg(since)
        self.limit = _limit_arg(limit)
        self.outlets: dict[str, Outlet] = {}
        self.runs: dict[str, OutletRun] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            registry = load_registry(crawler.settings.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            raise SystemExit(f"newscrawl: {exc}") from None
        if not spider.outlet_keys:
            raise SystemExit("newscrawl: name outlets with -a outlets=key1,key2 (see `scrapy list`)")
        unknown = [k for k in spider.outlet_keys if k not in registry]
        if unknown:
            raise SystemExit(f"newscrawl: unknown outlet(s) {', '.join(unknown)} (see `scrapy list`)")
        spider.outlets = {k: registry[k] for k in spider.outlet_keys}
        spider.runs = {k: OutletRun() for k in spider.outlet_keys}
        spider.allowed_domains = sorted({d for o in spider.outlets.values() for d in o.domains})
        spider.skip_reserved = crawler.settings.getbool("NEWSCRAWL_SKIP_TDM_RESERVED")
        spider.section_depth = crawler.settings.getint("NEWSCRAWL_SECTION_DEPTH")
        spider.robots_agent = (crawler.settings.get("ROBOTSTXT_USER_AGENT")
                             or crawler.settings.get("USER_AGENT") or "newscrawl")
        return spider

    # --- helpers ---------------------------------------------------------------------
    def _count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawl/discovery/{key}", n)

    def _full(self, outlet: str) -> bool:
        return bool(self.limit) and len(self.runs[outlet].scheduled) >= self.limit

    def _closed_to_us(self, outlet: str) -> bool:
        run = self.runs[outlet]
        return run.skipped or (run.status.reserved and self.skip_reserved)

    def refuses(self, request: scrapy.Request) -> bool:
        """True for a queued request of an outlet that has been stopped (OutletGateMiddleware)."""
        outlet = request.cb_kwargs.get("outlet") if request.cb_kwargs else None
        if outlet not in self.runs or request.meta.get("check"):
            return False
        run = self.runs[outlet]
        return run.skipped and run.status.reserved

    def _source(self, url: str, callback: Any, outlet: str, **cb: Any) -> scrapy.Request:
        """A request for a discovery source (feed, sitemap, listing): may be off-domain."""
        return scrapy.Request(url, callback, errback=self.source_failed,
                              cb_kwargs={"outlet": outlet, **cb}, meta={"allow_offsite": True})

    def _record_tdm(self, outlet: str) -> None:
        run = self.runs[outlet]
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"newscrawl/tdm/{outlet}", {
            "reserved": run.status.reserved, "source": run.status.source, "skipped": run.skipped})

    # --- start: TDM checks first -----------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for key, outlet in self.outlets.items():
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
            yield scrapy.Request(outlet.robots_url, self.check_robots, errback=self.check_failed,
                                 cb_kwargs=check, meta={"dont_obey_robotstxt": True, "check": "robots"})
            yield scrapy.Request(outlet.tdmrep_url, self.check_tdmrep, errback=self.check_failed,
                                 cb_kwargs=check, meta={"dont_obey_robotstxt": True, "check": "tdmrep"})
            yield scrapy.Request(outlet.home, self.check_home, errback=self.check_failed,
                                 cb_kwargs=check, meta={"check": "home"}, dont_filter=True)

    def check_robots(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run, spec = self.runs[outlet], self.outlets[outlet]
        if response.status == 200:
            text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
            run.statuses.append(tdm.robots_reservation(text, spec.home, self.robots_agent))
            if spec.robots_sitemaps:
                run.robots_sitemaps = discovery.robots_sitemaps(text, response.url)
        yield from self._check_done(outlet, "robots")

    def check_tdmrep(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run, spec = self.runs[outlet], self.outlets[outlet]
        if response.status == 200:
            rules = tdm.parse_tdmrep(response.body)
            if rules:
                run.tdm_rules = rules
                run.statuses.append(tdm.tdmrep_outlet_status(rules, spec.home))
        yield from self._check_done(outlet, "tdmrep")

    def check_home(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        run = self.runs[outlet]
        run.statuses.append(tdm.header_reservation(response.headers.get("tdm-reservation"),
                                                   response.headers.get("tdm-policy")))
        if isinstance(response, HtmlResponse):
            signals = discovery.page_signals(response.body, response.url)
            run.statuses.append(tdm.meta_reservation(signals.tdm_reservation, signals.tdm_policy))
        yield from self._check_done(outlet, "home")

    def check_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        outlet = request.cb_kwargs["outlet"]
        self.logger.info("TDM/robots check %s of %s failed: %s", request.url, outlet, failure.getErrorMessage())
        yield from self._check_done(outlet, request.meta["check"])

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
        self._record_tdm(outlet)
        if not run.skipped:
            yield from self._discovery_requests(outlet)

    def _discovery_requests(self, outlet: str) -> Iterator[scrapy.Request]:
        spec, run = self.outlets[outlet], self.runs[outlet]
        for url in spec.feeds:
            yield self._source(url, self.parse_feed, outlet)
        sitemaps = list(spec.sitemaps) + [u for u in run.robots_sitemaps if u not in spec.sitemaps]
        for url in sitemaps:
            yield self._source(url, self.parse_sitemap, outlet)
        for url in spec.sections:
            yield self._source(url, self.parse_section, outlet, section=url, depth=0)

    # --- discovery -------------------------------------------------------------------
    def source_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._count("source_failed")
        self.logger.warning("discovery source %s failed: %s", request.url, failure.getErrorMessage())

    def article_request(self, url: str, outlet: str, dated: datetime | None = None) -> scrapy.Request | None:
        """A request for an article URL (canonical), or None when it is filtered out (counted)."""
        spec, run = self.outlets[outlet], self.runs[outlet]
        url = spec.canonical(url)
        if not spec.is_article_url(url):
            self._count("not_article")
            return None
        if self.since and dated and dated < self.since:
            self._count("older_than_since")
            return None
        if self._closed_to_us(outlet):
            return None
        if run.tdm_rules and self.skip_reserved and tdm.tdmrep_status(run.tdm_rules, url).reserved:
            self._count("tdm_reserved")
            return None
        if self.limit:
            if url in run.scheduled:
                return None
            if len(run.scheduled) >= self.limit:
                self._count("over_limit")
                return None
            run.scheduled.add(url)
        self._count("article_links")
        return scrapy.Request(url, self.parse_article, cb_kwargs={"outlet": outlet})

    def parse_feed(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        entries = discovery.parse_feed(response.body, response.url)
        if entries is None:
            self._count("bad_feed")
            self.logger.warning("not an RSS/Atom feed: %s", response.url)
            return
        self._count("feed_entries", len(entries))
        for entry in entries:
            request = self.article_request(entry.url, outlet, entry.date)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        doc = discovery.parse_sitemap(response.body, response.url)
        if doc is None:
            self._count("bad_sitemap")
            self.logger.warning("not a sitemap: %s", response.url)
            return
        if doc.kind == "sitemapindex":
            for entry in doc.entries:
                if self.since and entry.date and entry.date < self.since:
                    self._count("sitemaps_older_than_since")
                    continue
                if self._full(outlet) or self._closed_to_us(outlet):
                    return
                yield self._source(entry.url, self.parse_sitemap, outlet)
            return
        self._count("sitemap_entries", len(doc.entries))
        for entry in doc.entries:
            request = self.article_request(entry.url, outlet, entry.date)
            if request is not None:
                yield request

    def parse_section(self, response: Response, outlet: str, section: str, depth: int) -> Iterator[scrapy.Request]:
        spec = self.outlets[outlet]
        hrefs = response.css("a::attr(href), link[rel=next]::attr(href)").getall()
        next_pages = []
        for href in hrefs:
            url = spec.canonical(response.urljoin(href.strip()))
            if spec.is_article_url(url):
                self._count("section_links")
                request = self.article_request(url, outlet)
                if request is not None:
                    yield request
            elif discovery.is_pagination_link(url, section) and url != spec.canonical(response.url):
                next_pages.append(url)
        if depth < self.section_depth and not self._full(outlet) and not self._closed_to_us(outlet):
            for url in dict.fromkeys(next_pages):
                yield self._source(url, self.parse_section, outlet, section=section, depth=depth + 1)

    # --- fetching --------------------------------------------------------------------
    def parse_article(self, response: Response, outlet: str) -> Iterator[FetchedPage]:
        spec, run = self.outlets[outlet], self.runs[outlet]
        signals = discovery.page_signals(response.body, response.url)
        page_status = tdm.combine(
            tdm.header_reservation(response.headers.get("tdm-reservation"), response.headers.get("tdm-policy")),
            tdm.meta_reservation(signals.tdm_reservation, signals.tdm_policy),
            tdm.tdmrep_status(run.tdm_rules, response.url),
        )
        if page_status.reserved and not run.status.reserved:
            # The outlet reserves TDM on its pages: the whole outlet is treated as reserved.
            run.status = page_status
            run.skipped = self.skip_reserved
            self._record_tdm(outlet)
            if self.skip_reserved:
                self.logger.warning("stopping %s: its pages reserve text and data mining (%s)",
                                    outlet, page_status.source)
        status = tdm.combine(run.status, page_status)
        if status.reserved and self.skip_reserved:
            self._count("tdm_reserved_pages")
            return
        url = spec.canonical(response.request.url if response.request else response.url)
        if signals.canonical:
            canonical = spec.canonical(signals.canonical)
            if canonical != url and spec.is_article_url(canonical):
                self._count("canonical_rewritten")
                url = canonical
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value is not None:
                headers[name] = value.decode("latin-1")
        headers[TDM_RESERVED_HEADER] = "1" if status.reserved else "0"
        headers[TDM_SOURCE_HEADER] = status.source
        yield FetchedPage(
            url=url,
            outlet=outlet,
            body=response.body,
            status=response.status,
            headers=headers,
            fetched_at=datetime.now(timezone.utc),
            response_url=response.url,
        )
