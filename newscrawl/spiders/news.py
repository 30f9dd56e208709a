"""The one generic news spider: discovers article URLs of registry outlets and fetches them.

Discovery sources, per outlet: RSS/Atom feeds, sitemaps (indexes, gzipped, Google News),
sitemaps announced in robots.txt, and section listing pages with pagination. The spider
only discovers and fetches; the pipelines turn pages into records.

Arguments: ``-a outlets=a,b`` (for ``scrapy crawl news``), ``-a since=2026-11-01`` (skip
feed/sitemap entries dated earlier), ``-a limit=N`` (articles per outlet).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from newscrawl.items import FetchedPage
from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.text.extract import parse_datetime
from newscrawl.urls import canonicalize_url

# Response headers kept with a page (provenance, charset, conditional re-fetch).
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "tdm-reservation")


def _date_arg(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"since={value!r} is not an ISO date such as 2026-11-01")
    return parsed


class NewsSpider(scrapy.Spider):
    name = "news"
    default_outlets: tuple[str, ...] = ()

    def __init__(self, outlets: str = "", since: str = "", limit: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        requested = [k.strip() for k in outlets.split(",") if k.strip()]
        self.outlet_keys: list[str] = requested or list(self.default_outlets)
        self.since = _date_arg(since)
        self.limit = int(limit) if limit else 0
        self.outlets: dict[str, Outlet] = {}
        self._scheduled: dict[str, set[str]] = {}

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
        spider._scheduled = {k: set() for k in spider.outlet_keys}
        domains = sorted({d for o in spider.outlets.values() for d in o.domains})
        spider.allowed_domains = domains
        return spider

    def _count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawl/discovery/{key}", n)

    async def start(self) -> AsyncIterator[Any]:
        for key, outlet in self.outlets.items():
            meta = {"outlet": key}
            if outlet.robots_sitemaps:
                yield scrapy.Request(outlet.robots_url, self.parse_robots, cb_kwargs=meta)
            for url in outlet.feeds:
                yield scrapy.Request(url, self.parse_feed, cb_kwargs=meta)
            for url in outlet.sitemaps:
                yield scrapy.Request(url, self.parse_sitemap, cb_kwargs=meta)
            for url in outlet.sections:
                yield scrapy.Request(url, self.parse_section, cb_kwargs={**meta, "depth": 0})

    # --- discovery -------------------------------------------------------------------
    def article_request(self, url: str, outlet: str, dated: datetime | None = None) -> scrapy.Request | None:
        """A request for an article URL, or None when it is filtered out (counted)."""
        url = canonicalize_url(url)
        spec = self.outlets[outlet]
        if not spec.is_article_url(url):
            self._count("not_article")
            return None
        if self.since and dated and dated < self.since:
            self._count("older_than_since")
            return None
        seen = self._scheduled[outlet]
        if url in seen:
            return None
        if self.limit and len(seen) >= self.limit:
            self._count("over_limit")
            return None
        seen.add(url)
        self._count("articles")
        return scrapy.Request(url, self.parse_article, cb_kwargs={"outlet": outlet})

    def parse_robots(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        known = set(self.outlets[outlet].sitemaps)
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            if url not in known:
                yield scrapy.Request(url, self.parse_sitemap, cb_kwargs={"outlet": outlet})

    def parse_feed(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        sel = scrapy.Selector(response, type="xml")
        sel.remove_namespaces()
        entries = sel.xpath("//item | //entry")
        if not entries:
            self._count("bad_feed")
            self.logger.warning("no feed entries at %s", response.url)
        for entry in entries:
            link = entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or ""
            date = (entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get() or "")
            request = self.article_request(response.urljoin(link.strip()), outlet, _feed_date(date))
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response, outlet: str) -> Iterator[scrapy.Request]:
        body = _sitemap_body(response)
        if body is None:
            self._count("bad_sitemap")
            self.logger.warning("not a sitemap: %s", response.url)
            return
        sitemap = Sitemap(body)
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(response.urljoin(loc), self.parse_sitemap, cb_kwargs={"outlet": outlet})
                continue
            news = entry.get("news") or {}
            date = parse_datetime(news.get("publication_date") if isinstance(news, dict) else None)
            date = date or parse_datetime(entry.get("lastmod"))
            request = self.article_request(response.urljoin(loc), outlet, date)
            if request is not None:
                yield request

    def parse_section(self, response: Response, outlet: str, depth: int) -> Iterator[scrapy.Request]:
        spec = self.outlets[outlet]
        max_depth = self.settings.getint("NEWSCRAWL_SECTION_DEPTH")
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if spec.is_article_url(canonicalize_url(url)):
                request = self.article_request(url, outlet)
                if request is not None:
                    yield request
            elif depth < max_depth and _is_next_page(url, response.url, spec):
                yield scrapy.Request(url, self.parse_section, cb_kwargs={"outlet": outlet, "depth": depth + 1})

    # --- fetching --------------------------------------------------------------------
    def parse_article(self, response: Response, outlet: str) -> Iterator[FetchedPage]:
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value is not None:
                headers[name] = value.decode("latin-1")
        yield FetchedPage(
            url=response.request.url if response.request else response.url,
            outlet=outlet,
            body=response.body,
            status=response.status,
            headers=headers,
            fetched_at=datetime.now(timezone.utc),
            response_url=response.url,
        )


def _feed_date(value: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    value = value.strip()
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return parse_datetime(value)


def _sitemap_body(response: Response) -> bytes | None:
    """The XML of a sitemap response, gunzipped when served as a .gz file."""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=64 * 1024 * 1024)
        except OSError:
            return None
    head = body[:1000].lower()
    return body if (b"<urlset" in head or b"<sitemapindex" in head) else None


def _is_next_page(url: str, listing_url: str, outlet: Outlet) -> bool:
    """A pagination link: same outlet, same section path, differs by page parameter/suffix."""
    from urllib.parse import urlsplit

    if not outlet.owns(url) or any(p.search(url) for p in outlet._deny):
        return False
    section = urlsplit(listing_url).path.split("/page/")[0]
    target = urlsplit(url)
    return target.path.startswith(section) and url.split("#")[0] != listing_url and (
        bool(target.query) or "/page/" in target.path
    )
