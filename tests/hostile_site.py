"""A hostile outlet on loopback: a newsroom-like site (stdlib only) that tries to lead the
crawler off the outlet and feeds it malicious files. The fence and bounded-memory tests and
``bench/faults_crawl.py`` crawl it.

Three servers, each with its own request log:

- ``own`` — the outlet, ``http://127.0.0.21:<port>``;
- ``other_port`` — the same IP on another port, serving a real article (a fetch would store it);
- ``elsewhere`` — another host, ``http://127.0.0.22:<port>``, serving feeds, sitemaps and
  articles of its own, and an ``/admin/`` page.

What ``own`` serves (the articles are the offline newsroom's ``nr-gazeta`` pages rendered
at the outlet's address):

- ``/`` redirects to ``elsewhere``'s ``/admin/`` (``/start/`` is a harmless home page);
  ``/robots.txt`` announces one sitemap of its own and one on ``elsewhere``; no ``tdmrep.json``;
- ``/feed.xml`` redirects to ``elsewhere``; ``/feed-own.xml`` lists articles 0–1 and a link
  to ``elsewhere``; ``/feed-broken.xml`` is cut off mid-item after article 7;
- ``/sitemap_index.xml`` lists every sitemap below: ``/sitemap-1.xml`` (articles 2–4), a
  child on ``elsewhere``, on 169.254.169.254, on 10.0.0.1 and on ``other_port``,
  ``/sitemap-port.xml`` (article 4, and article 5 which redirects to ``other_port``),
  ``/sitemap-bad.xml`` (article 2, an empty, a binary, a PDF and a 15 MB page) and the
  XXE, billion-laughs and gzip-bomb sitemaps; ``/sitemap-robots.xml`` lists 3 and 6;
- ``/index-<family>.xml`` lists the sitemaps of one family of ``FAMILIES`` only.

Crawled with ``registry()``, the outlet must store articles 0, 1, 2, 3, 4, 6 and 7 and
nothing else; crawled with ``registry(family=f)``, ``f.expected``.

``OfflineResolver`` resolves names from ``HOSTILE_SITE_HOSTS`` (JSON ``{name: address}``)
without any network, so DNS-level cases run offline; ``JsonStatsCollector`` writes the
crawl stats to ``HOSTILE_STATS_PATH`` as JSON for the tests to read.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

from tests.newsroom import ExpectedArticle, Newsroom
from tests.newsroom.registry import dump_registry
from tests.support import ROOT, crawl_env, send

OWN_IP, ELSEWHERE_IP = "127.0.0.21", "127.0.0.22"
ARTICLE_PATTERN = r"^https?://[^/]+/artykul/\d+-[^/]+\.html$"
# Articles 0–7 of the outlet; 5 is redirected to another port and must not be stored.
STORED = (0, 1, 2, 3, 4, 6, 7)
REDIRECTED = 5
BAD_PAGES = {"/artykul/900-pusty.html": ("text/html; charset=utf-8", b""),
             "/artykul/901-binarny.html": ("application/octet-stream", bytes(range(256)) * 64),
             "/artykul/902-dokument.html": ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"),
             # 15 MB without markup: dropped, and its body must never reach the log.
             "/artykul/903-ogromny.html": ("text/plain; charset=utf-8", "Zażółć gęślą jaźń. ".encode() * 520_000)}


@dataclass(frozen=True)
class Family:
    """A family of hostile cases: the outlet's sources that exercise them, and the articles
    that must be stored all the same (indexes into ``HostileSite.articles()``)."""

    name: str
    cases: tuple[str, ...]
    expected: tuple[int, ...]
    home: str = "/start/"
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = False


FAMILIES = (
    Family("off-outlet discovery", ("sitemap-index child on another host", "robots.txt Sitemap: on another host",
                                    "feed redirected to another host", "home page redirected to another host's /admin/"),
           (0, 1, 2, 3, 4, 6), home="/", feeds=("/feed.xml", "/feed-own.xml"), sitemaps=("/index-offsite.xml",),
           robots_sitemaps=True),
    Family("private addresses", ("169.254.169.254 in a sitemap index", "10.0.0.1 in a sitemap index"),
           (0, 1, 3, 6), feeds=("/feed-own.xml",), sitemaps=("/index-private.xml",)),
    Family("another port", ("sitemap child on the same IP, another port",
                            "article redirected to the same IP on another port"),
           (4,), sitemaps=("/index-port.xml",)),
    Family("hostile XML", ("XXE (file:// and http:// entities)", "billion laughs", "gzip bomb", "feed cut off mid-item"),
           (3, 6, 7), feeds=("/feed-broken.xml",), sitemaps=("/index-xml.xml",)),
    Family("bad pages", ("empty page", "binary page", "PDF page", "15 MB page without markup"),
           (2,), sitemaps=("/sitemap-bad.xml",)),
)
GZIP_BOMB_BYTES = 80 * 1024 * 1024      # inflates beyond discovery.MAX_SITEMAP_BYTES


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def _urlset(urls: list[str]) -> str:
    items = "".join(f"<url><loc>{u}</loc></url>\n" for u in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</urlset>\n'


def _rss(urls: list[str]) -> str:
    items = "".join(f"<item><title>T{i}</title><link>{u}</link></item>\n" for i, u in enumerate(urls))
    return f'<rss version="2.0"><channel><title>Wrogi portal</title>\n{items}</channel></rss>\n'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: HostileSite, name: str, ip: str) -> None:
        self.site, self.name = site, name
        self.log: list[str] = []
        super().__init__((ip, 0), _Handler)

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        with server.site.lock:
            server.log.append(self.path)
        send(self, *server.site.respond(server.name, self.path))


class HostileSite:
    """The three servers and what they answer. Use ``with HostileSite().serve() as site:``."""

    def __init__(self, seed: int = 5, own_name: str | None = None) -> None:
        # With ``own_name`` the outlet's URLs use that name (resolved by OfflineResolver).
        self.own_name = own_name
        self.lock = threading.Lock()
        self.room = Newsroom(articles_per_outlet=10, seed=seed)
        self.servers = {name: _Server(self, name, ip) for name, ip in
                        (("own", OWN_IP), ("other_port", OWN_IP), ("elsewhere", ELSEWHERE_IP))}
        self._bomb: bytes | None = None

    # --- addresses and expectations
    def base(self, server: str = "own") -> str:
        base = self.servers[server].base
        if self.own_name and server in ("own", "other_port"):
            base = base.replace(OWN_IP, self.own_name)
        return base

    def articles(self, server: str = "own") -> list[ExpectedArticle]:
        return self.room.articles("nr-gazeta", self.base(server))

    def expected_urls(self) -> set[str]:
        return {self.articles()[i].url for i in STORED}

    def log(self, server: str) -> list[str]:
        with self.lock:
            return list(self.servers[server].log)

    def clear_logs(self) -> None:
        with self.lock:
            for server in self.servers.values():
                server.log.clear()

    def registry(self, path: Path, key: str = "hostile", family: Family | None = None, base: str | None = None,
                 **overrides: Any) -> Path:
        """A registry with the hostile outlet: every source, or those of ``family``; at
        ``base``, if given (e.g. a name that does not resolve)."""
        b = base or self.base()
        host = b.split("://", 1)[1].rsplit(":", 1)[0]
        sources = family or Family("all", (), STORED, home="/", feeds=("/feed.xml", "/feed-own.xml", "/feed-broken.xml"),
                                   sitemaps=("/sitemap_index.xml",), robots_sitemaps=True)
        entry = {"name": "Wrogi Portal", "domains": [host], "home": f"{b}{sources.home}",
                 "feeds": [b + p for p in sources.feeds], "sitemaps": [b + p for p in sources.sitemaps],
                 "robots_sitemaps": sources.robots_sitemaps, "sections": [],
                 "article_patterns": [ARTICLE_PATTERN], "deny_patterns": [], "boilerplate": [],
                 "language": "pl", "verified": "newsroom", "notes": "hostile test site", **overrides}
        path.write_text(dump_registry({key: entry}), encoding="utf-8")
        return path

    # --- what each server answers
    def respond(self, server: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if server == "own":
            return self._own(path)
        return self._innocent(server, path)

    def _article(self, server: str, path: str) -> tuple[int, dict[str, str], bytes] | None:
        for article in self.articles(server):
            if article.url.endswith(path):
                return 200, {"Content-Type": "text/html; charset=utf-8"}, self.room.page_bytes(article)
        return None

    def _innocent(self, server: str, path: str) -> tuple[int, dict[str, str], bytes]:
        """Another host or port: everything looks real, so any request that got here would count."""
        page = self._article(server, path)
        if page is not None:
            return page
        urls = [a.url for a in self.articles(server)]
        if "feed" in path:
            return 200, {"Content-Type": "application/rss+xml"}, _xml(_rss(urls))
        if path.endswith(".xml"):
            return 200, {"Content-Type": "application/xml"}, _xml(_urlset(urls))
        return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>Panel administracyjny</h1></body></html>"

    def _own(self, path: str) -> tuple[int, dict[str, str], bytes]:
        own, elsewhere, other = self.base(), self.base("elsewhere"), self.base("other_port")
        arts = self.articles()
        redirect = {
            "/": f"{elsewhere}/admin/",
            "/feed.xml": f"{elsewhere}/feed.xml",
            arts[REDIRECTED].url[len(own):]: arts[REDIRECTED].url.replace(own, other),
        }
        if path in redirect:
            return 302, {"Location": redirect[path]}, b""
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /szukaj\n\nSitemap: {own}/sitemap-robots.xml\nSitemap: {elsewhere}/robots-sitemap.xml\n"
            return 200, {"Content-Type": "text/plain"}, body.encode()
        if path == "/feed-own.xml":
            return 200, {"Content-Type": "application/rss+xml"}, _xml(_rss([arts[0].url, arts[1].url, f"{elsewhere}/artykul/1-obcy.html"]))
        if path == "/feed-broken.xml":
            body = _xml(_rss([arts[7].url]))
            return 200, {"Content-Type": "application/rss+xml"}, body[:body.index(b"</channel>")] + b"<item><title>ucie"
        indexes = {
            "offsite": [f"{own}/sitemap-1.xml", f"{elsewhere}/sitemap-2.xml"],
            "private": [f"{own}/sitemap-robots.xml", "http://169.254.169.254/latest/meta-data/",
                        "http://10.0.0.1/sitemap.xml"],
            "port": [f"{other}/sitemap-3.xml", f"{own}/sitemap-port.xml"],
            "xml": [f"{own}/sitemap-xxe.xml", f"{own}/sitemap-laughs.xml", f"{own}/sitemap-bomb.xml.gz",
                    f"{own}/sitemap-robots.xml"],
        }
        indexes["all"] = [u for family in ("offsite", "private", "port", "xml") for u in indexes[family]
                          if not u.endswith("/sitemap-robots.xml")] + [f"{own}/sitemap-bad.xml"]
        index = {"/sitemap_index.xml": "all", **{f"/index-{name}.xml": name for name in indexes}}.get(path)
        if index:
            items = "".join(f"<sitemap><loc>{u}</loc></sitemap>\n" for u in indexes[index])
            return 200, {"Content-Type": "application/xml"}, _xml(
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n')
        sitemaps = {"/sitemap-1.xml": [a.url for a in arts[2:5]],
                    "/sitemap-port.xml": [arts[4].url, arts[REDIRECTED].url],
                    "/sitemap-bad.xml": [arts[2].url] + [own + p for p in BAD_PAGES],
                    "/sitemap-robots.xml": [arts[3].url, arts[6].url]}
        if path in sitemaps:
            return 200, {"Content-Type": "application/xml"}, _xml(_urlset(sitemaps[path]))
        if path == "/start/":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><head><title>Wrogi Portal</title></head></html>"
        if path == "/sitemap-xxe.xml":
            body = (f'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY file SYSTEM "file:///etc/passwd">'
                    f'<!ENTITY remote SYSTEM "{elsewhere}/xxe.xml">]>\n'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{own}/artykul/7-&file;.html</loc></url>'
                    f'<url><loc>{own}/artykul/8-&remote;.html</loc></url></urlset>\n')
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path == "/sitemap-laughs.xml":
            entities = '<!ENTITY lol "lol">' + "".join(
                f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
            body = (f'<?xml version="1.0"?>\n<!DOCTYPE urlset [{entities}]>\n'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{own}/artykul/9-&lol9;.html</loc></url></urlset>\n')
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path == "/sitemap-bomb.xml.gz":
            return 200, {"Content-Type": "application/x-gzip"}, self.gzip_bomb()
        if path in BAD_PAGES:
            content_type, body = BAD_PAGES[path]
            return 200, {"Content-Type": content_type}, body
        page = self._article("own", path)
        return page if page is not None else (404, {"Content-Type": "text/plain"}, b"not found")

    def gzip_bomb(self) -> bytes:
        if self._bomb is None:
            head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            self._bomb = gzip.compress(head + b" " * GZIP_BOMB_BYTES + b"</urlset>", 9)
        return self._bomb

    # --- lifecycle
    @contextmanager
    def serve(self) -> Iterator[HostileSite]:
        threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                   for s in self.servers.values()]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            for server in self.servers.values():
                server.shutdown()
                server.server_close()


def run_scrapy(spider: str, mongo_uri: str, database: str, registry: Path, tmp_path: Path,
               settings: dict[str, str] | None = None, hosts: dict[str, str] | None = None,
               args: dict[str, str] | None = None, timeout: float = 300,
               **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``scrapy crawl`` (``-s`` settings, offline DNS for ``hosts``) and return the result
    and the crawl stats."""
    stats_path = tmp_path / f"stats-{spider}.json"
    stats_path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider,
           "-s", "STATS_CLASS=tests.hostile_site.JsonStatsCollector",
           "-s", "TWISTED_DNS_RESOLVER=tests.hostile_site.OfflineResolver"]
    for name, value in (settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    for name, value in (args or {}).items():
        cmd += ["-a", f"{name}={value}"]
    extra = {"HOSTILE_STATS_PATH": str(stats_path), "HOSTILE_SITE_HOSTS": json.dumps(hosts or {}), **env}
    result = subprocess.run(cmd, cwd=ROOT, env=crawl_env(mongo_uri, database, registry, **extra),
                            capture_output=True, text=True, timeout=timeout)
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return result, stats


# --- test-only Scrapy components (named with -s by run_scrapy) ----------------------------

from scrapy.statscollectors import MemoryStatsCollector  # noqa: E402
from twisted.internet import defer  # noqa: E402
from twisted.internet.error import DNSLookupError  # noqa: E402

from newscrawl.fence import FencedResolver  # noqa: E402


class OfflineResolver(FencedResolver):
    """The fence's resolver with names from ``HOSTILE_SITE_HOSTS``; IP literals resolve to
    themselves, every other name fails as an unknown name does — no network at all."""

    def lookup(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        hosts = json.loads(os.environ.get("HOSTILE_SITE_HOSTS") or "{}")
        if name in hosts:
            return defer.succeed(hosts[name])
        if all(part.isdigit() for part in name.split(".")):
            return defer.succeed(name)
        return defer.fail(DNSLookupError(f"address {name!r} not found: [Errno -2] Name or service not known"))


class JsonStatsCollector(MemoryStatsCollector):
    """Scrapy's stats, also written to ``HOSTILE_STATS_PATH`` as JSON when the spider closes."""

    def _persist_stats(self, stats: dict[str, Any]) -> None:
        super()._persist_stats(stats)
        path = os.environ.get("HOSTILE_STATS_PATH")
        if path:
            Path(path).write_text(json.dumps(stats, default=str), encoding="utf-8")
