"""Incremental crawls: an article URL the database already knows is not downloaded again.

The spider hands the accepted article URLs of each feed, sitemap or listing page it parsed
to ``KnownUrlFilter.to_fetch`` (with the newest date the source gives each one), which asks
MongoDB about all of them at once (``store/known.py``: batched, asynchronous, one call in
flight) and returns those to download. A URL is downloaded when

- nothing is known about it (``new``);
- its feed or sitemap date (``lastmod``, Atom ``updated``, or a publication date) is after
  the newest of the stored record's ``modified_at``, ``published_at`` and last fetch: the
  story was updated after we stored it (``changed``); a date more than
  ``FUTURE_TOLERANCE`` ahead is no real date and is ignored;
- the text stage rejected it more than ``NEWSCRAWL_REJECTED_RECHECK_DAYS`` ago, or its
  source date is after the rejection (``recheck``);
- the spider runs with ``-a refresh=1`` (then nothing is looked up);
- MongoDB cannot answer (counted; fetched rather than lost).

What the crawl learns on the way is remembered in ``known_urls`` (from Scrapy signals, so
the spider and the pipelines need not know): a page stored under another URL than the one
discovered (a redirect, its ``<link rel=canonical>``) makes the discovered URL an alias of
the record; a page the text stage rejected for good (too short, not Polish, a listing…)
is noted with its reason. Rejections older than the recheck window are deleted at the end
of a crawl of their outlet.

Stats: ``newscrawl/discovery/known_skipped`` (URLs not downloaded: stored, aliases of stored
records, recently rejected) and per outlet ``newscrawl/outlet/<key>/known_skipped``;
``…/discovery/known_skipped_rejected`` (the recently rejected among them),
``…/known_changed`` (stored, downloaded again because the source dates them later),
``…/known_rechecked`` (rejected pages tried again), ``…/known_check_failed`` (URLs
downloaded because the lookup failed); ``newscrawl/known/noted`` (``known_urls`` entries
written) and ``newscrawl/known/note_failed``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.crawler import Crawler
from w3lib.url import safe_url_string

from newscrawl.items import Article, FetchedPage
from newscrawl.store.known import ALIAS, REJECTED, KnownUrlStore, StoredUrl, UrlNote
from newscrawl.store.mongo import FUTURE_TOLERANCE, utcnow

logger = logging.getLogger(__name__)

NEW, CHANGED, RECHECK, SKIP_KNOWN, SKIP_REJECTED = "new", "changed", "recheck", "known", "rejected"
FETCH = (NEW, CHANGED, RECHECK)
# Rejections that say something about the page, not about this run: they are remembered.
# (worker_failed, text_error and storage problems are not: the page is tried again.)
REMEMBERED_REJECTIONS = frozenset({"empty_page", "not_html", "no_title", "listing_page", "text_too_short",
                                   "language", "extraction_failed"})
# known_urls entries written together; the rest at the end of the crawl.
NOTE_BATCH = 100
# After a failed lookup, URLs are downloaded without asking for this long (seconds), so an
# unavailable MongoDB costs one timeout, not one per feed or sitemap.
PAUSE_AFTER_FAILURE = 30.0
STATS = "newscrawl/discovery/"


def decide(changed_at: datetime | None, stored: StoredUrl | None, now: datetime, recheck_after: timedelta) -> str:
    """Whether to download a discovered URL: ``new``, ``changed`` or ``recheck`` (download),
    ``known`` or ``rejected`` (skip). ``changed_at`` is the newest date its feed or sitemap
    gives it; ``stored`` what the database knows (None: nothing)."""
    if stored is None:
        return NEW
    if changed_at is not None and changed_at > now + FUTURE_TOLERANCE:
        changed_at = None  # an implausible source date (9999-12-31) would re-fetch the page every run
    later = changed_at is not None and stored.seen_at is not None and changed_at > stored.seen_at
    if stored.kind == REJECTED:
        if stored.seen_at is None or now - stored.seen_at >= recheck_after or later:
            return RECHECK
        return SKIP_REJECTED
    return CHANGED if later else SKIP_KNOWN


def request_form(url: str) -> str:
    """The URL as Scrapy requests it (percent-encoded): stored records are keyed by it."""
    return safe_url_string(url)


def discovered_url(response: Any) -> str:
    """The URL the spider asked for, before any redirect ("" when unknown)."""
    request = getattr(response, "request", None)
    if request is None:
        return ""
    chain = request.meta.get("redirect_urls") or [request.url]
    return str(chain[0])


class KnownUrlFilter:
    """Skips discovered URLs the database knows; remembers aliases and rejections."""

    def __init__(self, crawler: Crawler, store: KnownUrlStore, refresh: bool = False,
                 recheck_after: timedelta = timedelta(days=7)) -> None:
        self.crawler = crawler
        self.store = store
        self.refresh = refresh
        self.recheck_after = recheck_after
        self._notes: list[UrlNote] = []
        self._flushing: asyncio.Future[None] | None = None
        self._paused_until = 0.0
        self._failure_logged = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, refresh: bool = False) -> KnownUrlFilter:
        s = crawler.settings
        store = KnownUrlStore(s.get("MONGO_URI"), s.get("MONGO_DATABASE"), s.getfloat("NEWSCRAWL_MONGO_TIMEOUT"),
                              s.getfloat("NEWSCRAWL_MONGO_SOCKET_TIMEOUT", 60.0))
        known = cls(crawler, store, refresh, timedelta(days=s.getfloat("NEWSCRAWL_REJECTED_RECHECK_DAYS", 7.0)))
        crawler.signals.connect(known._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(known._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(known._spider_closed, signal=signals.spider_closed)
        return known

    def _count(self, key: str, n: int = 1) -> None:
        if n:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(key, n)

    # --- the check ------------------------------------------------------------------------
    async def to_fetch(self, outlet: str, candidates: Sequence[tuple[str, datetime | None]]) -> list[str]:
        """The URLs of ``candidates`` — ``(url, newest date its source gives)`` — to download,
        in order; the others are counted as skipped. Never raises."""
        urls = [url for url, _ in candidates]
        if self.refresh or not candidates:
            return urls
        forms = {url: request_form(url) for url in urls}
        try:
            if time.monotonic() < self._paused_until:
                raise PyMongoError("an earlier lookup failed")
            known = await self.store.lookup(list(dict.fromkeys([*urls, *forms.values()])))
        except Exception as exc:  # noqa: BLE001 - a URL is downloaded rather than lost
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            self._count(STATS + "known_check_failed", len(urls))
            if not self._failure_logged:
                self._failure_logged = True
                logger.warning("known-URL check failed (%s): downloading the URLs anyway",
                               str(exc).split("\n", 1)[0][:200])
            return urls
        now = utcnow()
        fetch, verdicts = [], []
        for url, changed_at in candidates:
            verdict = decide(changed_at, known.get(url) or known.get(forms[url]), now, self.recheck_after)
            verdicts.append(verdict)
            if verdict in FETCH:
                fetch.append(url)
        skipped = sum(1 for v in verdicts if v not in FETCH)
        self._count(STATS + "known_skipped", skipped)
        self._count(f"newscrawl/outlet/{outlet}/known_skipped", skipped)
        self._count(STATS + "known_skipped_rejected", verdicts.count(SKIP_REJECTED))
        self._count(STATS + "known_changed", verdicts.count(CHANGED))
        self._count(STATS + "known_rechecked", verdicts.count(RECHECK))
        return fetch

    async def last_complete_run_start(self, outlet: str) -> datetime | None:
        """When the outlet's last complete run started (for ``-a since=last``); raises when
        MongoDB cannot answer."""
        return await self.store.last_complete_run_start(outlet)

    # --- what the crawl learns ------------------------------------------------------------
    def _item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        if not isinstance(item, Article):
            return
        requested = discovered_url(response)
        if requested and request_form(item.url) != request_form(requested):
            self._note(UrlNote(requested, item.outlet, ALIAS, target=item.url))

    def _item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        reason = getattr(exception, "reason", "")
        if not isinstance(item, FetchedPage) or reason not in REMEMBERED_REJECTIONS:
            return
        for url in dict.fromkeys(u for u in (discovered_url(response), item.url) if u):
            self._note(UrlNote(url, item.outlet, REJECTED, reason=reason))

    def _note(self, note: UrlNote) -> None:
        self._notes.append(note)
        if len(self._notes) >= NOTE_BATCH and (self._flushing is None or self._flushing.done()):
            self._flushing = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        while self._notes:
            notes, self._notes = self._notes, []
            try:
                self._count("newscrawl/known/noted", await self.store.note(notes, utcnow()))
            except Exception as exc:  # noqa: BLE001 - a lost note costs a re-fetch, nothing more
                self._count("newscrawl/known/note_failed", len(notes))
                logger.warning("%d known-URL note(s) not written (%s)", len(notes), str(exc).split("\n", 1)[0][:200])
                return

    async def _spider_closed(self, spider: Any, reason: str) -> None:
        try:
            if self._flushing is not None:
                await self._flushing
            await self._flush()
            outlets = list(getattr(spider, "outlet_keys", []))
            if outlets:
                await self.store.forget_rejected(outlets, utcnow() - self.recheck_after)
        except Exception as exc:  # noqa: BLE001 - the crawl is over; its records are not at stake
            logger.warning("known URLs not pruned (%s)", str(exc).split("\n", 1)[0][:200])
        finally:
            await self.store.close()
