"""Probe an outlet's discovery sources live: is each reachable, how many entries, how fresh.

Used by ``scrapy outlets --probe``. Plain ``urllib`` in a bounded thread pool: every source
has its own timeout (connect, each read, and the whole body) and bodies are size-capped, so
a probe always ends. robots.txt is read first; sources it disallows for our agent are
reported, not fetched. Every URL, redirects included, passes the crawl's fence first
(``newscrawl/fence.py``); a refused one is reported, not fetched.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from protego import Protego

from newscrawl import discovery, tdm
from newscrawl.fence import Fence, Network, resolved_refusal
from newscrawl.outlets import Outlet

MAX_BODY = 32 * 1024 * 1024


@dataclass
class SourceResult:
    outlet: str
    kind: str                         # robots, feed, sitemap, robots-sitemap, sitemap-child, section
    url: str
    reachable: bool = False
    status: int | None = None
    entries: int | None = None        # feed items, sitemap URLs / child sitemaps, article links
    newest: datetime | None = None    # newest entry date the source gives
    note: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """Reachable, parsed, and (except robots.txt) not empty."""
        return self.reachable and not self.error and (self.kind == "robots" or bool(self.entries))

    def as_dict(self) -> dict:
        return {"outlet": self.outlet, "kind": self.kind, "url": self.url, "reachable": self.reachable,
                "status": self.status, "entries": self.entries,
                "newest": self.newest.isoformat() if self.newest else None,
                "note": self.note, "error": self.error}


@dataclass
class OutletProbe:
    outlet: str
    sources: list[SourceResult] = field(default_factory=list)
    tdm: tdm.TdmStatus = tdm.NOT_RESERVED
    crawl_delay: float | None = None


@dataclass
class Fetched:
    status: int | None
    body: bytes
    headers: dict[str, str]
    error: str = ""
    url: str = ""


# A URL the probe may not fetch: the fence's reason and detail, or None.
Check = Callable[[str], "tuple[str, str] | None"]


class _Refused(urllib.error.URLError):
    pass


class _FencedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only when the fence lets its target through."""

    def __init__(self, check: Check) -> None:
        self.check = check

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 (urllib's signature)
        refusal = self.check(newurl)
        if refusal:
            raise _Refused(f"refused redirect to {newurl} ({refusal[0]}: {refusal[1]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, user_agent: str, timeout: float, check: Check | None = None) -> Fetched:
    """GET ``url`` with a total deadline of ``timeout`` seconds (never raises). ``check``
    (the crawl's fence) is applied to the URL and to every redirect before it is fetched."""
    deadline = time.monotonic() + timeout
    if check is not None:
        refusal = check(url)
        if refusal:
            return Fetched(None, b"", {}, f"refused by the fence ({refusal[0]}: {refusal[1]})", url)
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept-Encoding": "identity"})
    opener = urllib.request.build_opener(_FencedRedirects(check)) if check is not None else urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    return Fetched(response.status, b"", {}, f"timed out after {timeout:g}s", response.url)
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY:
                    return Fetched(response.status, b"", {}, "body too large", response.url)
                chunks.append(chunk)
            headers = {k.lower(): v for k, v in response.headers.items()}
            return Fetched(response.status, b"".join(chunks), headers, "", response.url)
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, b"", {k.lower(): v for k, v in (exc.headers or {}).items()},
                       f"HTTP {exc.code}", url)
    except (urllib.error.URLError, socket.timeout, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Fetched(None, b"", {}, str(reason) or type(exc).__name__, url)


class Prober:
    """Probes outlets' sources; with ``fence`` every URL — redirects included — must pass
    the crawl's fence (the outlet's domains, scheme and port; no private address after DNS
    resolution unless ``allowed`` networks include it), or it is reported refused."""

    def __init__(self, user_agent: str, timeout: float = 10.0, concurrency: int = 8,
                 fence: Fence | None = None, allowed: tuple[Network, ...] = ()) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.fence = fence
        self.allowed = allowed

    def _check(self, outlet: str) -> Check | None:
        fence = self.fence
        if fence is None:
            return None

        def check(url: str) -> tuple[str, str] | None:
            return fence.refusal(url, outlet) or resolved_refusal(url, self.allowed)

        return check

    def _fetch(self, outlet: Outlet, url: str) -> Fetched:
        return fetch(url, self.user_agent, self.timeout, self._check(outlet.key))

    def probe(self, outlets: list[Outlet]) -> list[OutletProbe]:
        with ThreadPoolExecutor(self.concurrency) as pool:
            # Phase 1: robots.txt, tdmrep.json, home page of every outlet.
            first = {o.key: (pool.submit(self._fetch, o, o.robots_url),
                             pool.submit(self._fetch, o, o.tdmrep_url),
                             pool.submit(self._fetch, o, o.home)) for o in outlets}
            results, jobs = [], []
            for outlet in outlets:
                robots, tdmrep, home = (f.result() for f in first[outlet.key])
                probe, rp, announced = self._first_phase(outlet, robots, tdmrep, home)
                results.append(probe)
                sources = ([("feed", u) for u in outlet.feeds] + [("sitemap", u) for u in outlet.sitemaps]
                           + [("robots-sitemap", u) for u in announced if u not in outlet.sitemaps]
                           + [("section", u) for u in outlet.sections])
                for kind, url in sources:
                    if rp is not None and not rp.can_fetch(url, self.user_agent):
                        probe.sources.append(SourceResult(outlet.key, kind, url, error="disallowed by robots.txt"))
                        continue
                    jobs.append((probe, pool.submit(self._source, outlet, kind, url)))
            # Phase 2: feeds, sitemaps, sections; an index also probes its newest child.
            children = []
            for probe, future in jobs:
                result, child = future.result()
                probe.sources.append(result)
                if child:
                    outlet = next(o for o in outlets if o.key == probe.outlet)
                    children.append((probe, pool.submit(self._source, outlet, "sitemap-child", child)))
            for probe, future in children:
                probe.sources.append(future.result()[0])
        return results

    def _first_phase(self, outlet: Outlet, robots: Fetched, tdmrep: Fetched, home: Fetched):
        probe = OutletProbe(outlet.key)
        result = SourceResult(outlet.key, "robots", outlet.robots_url, status=robots.status)
        rp, announced = None, []
        statuses = []
        if robots.status == 200 and not robots.error:
            text = robots.body.decode("utf-8-sig", "replace")
            rp = Protego.parse(text)
            announced = discovery.robots_sitemaps(text, outlet.robots_url) if outlet.robots_sitemaps else []
            probe.crawl_delay = discovery.robots_crawl_delay(text, self.user_agent)
            statuses.append(tdm.robots_reservation(text, outlet.home, self.user_agent))
            result.reachable, result.entries = True, len(announced)
            result.note = f"{len(announced)} sitemap(s) announced"
            if probe.crawl_delay:
                result.note += f"; Crawl-delay {probe.crawl_delay:g}s"
        else:
            result.reachable = robots.status is not None
            result.error = robots.error or f"HTTP {robots.status}"
        probe.sources.append(result)
        if tdmrep.status == 200 and not tdmrep.error:
            rules = tdm.parse_tdmrep(tdmrep.body)
            statuses.append(tdm.tdmrep_outlet_status(rules, outlet.home))
        statuses.append(tdm.header_reservation(home.headers.get("tdm-reservation"), home.headers.get("tdm-policy")))
        if home.status == 200 and home.body:
            signals = discovery.page_signals(home.body, home.url or outlet.home)
            statuses.append(tdm.meta_reservation(signals.tdm_reservation, signals.tdm_policy))
        if outlet.tdm_reserved_in_registry:
            statuses.append(tdm.TdmStatus(True, 'registry: tdm = "reserved"'))
        probe.tdm = tdm.combine(*statuses)
        return probe, rp, announced

    def _source(self, outlet: Outlet, kind: str, url: str) -> tuple[SourceResult, str | None]:
        got = self._fetch(outlet, url)
        result = SourceResult(outlet.key, kind, url, reachable=got.status is not None, status=got.status)
        if got.error:
            result.error = got.error
            return result, None
        child = None
        if kind == "feed":
            entries = discovery.parse_feed(got.body, got.url or url)
            if entries is None:
                result.error = "not an RSS/Atom feed"
            else:
                result.entries, result.newest = len(entries), discovery.newest(entries)
                result.note = f"{sum(outlet.is_article_url(outlet.canonical(e.url)) for e in entries)} match article patterns"
        elif kind == "section":
            from lxml import html as lxml_html

            try:
                doc = lxml_html.document_fromstring(got.body)
                links = {outlet.canonical(urljoin(got.url or url, h)) for h in doc.xpath("//a/@href")}
            except Exception:  # noqa: BLE001 (an unparsable page is a finding, not a crash)
                links = set()
            result.entries = sum(outlet.is_article_url(u) for u in links)
            result.note = "article links on the page"
        else:
            doc = discovery.parse_sitemap(got.body, got.url or url)
            if doc is None:
                result.error = "not a sitemap"
            else:
                result.entries, result.newest = len(doc.entries), discovery.newest(doc.entries)
                if doc.kind == "sitemapindex":
                    result.note = "sitemap index"
                    if kind != "sitemap-child" and doc.entries:
                        dated = [e for e in doc.entries if e.date]
                        child = (max(dated, key=lambda e: e.date).url if dated else doc.entries[0].url)
                else:
                    result.note = f"{sum(outlet.is_article_url(outlet.canonical(e.url)) for e in doc.entries)} match article patterns"
        return result, child
