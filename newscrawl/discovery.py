"""Pure parsing for discovery: feeds, sitemaps, robots.txt, section pagination, page links.

No Scrapy, no network: bytes/strings in, data out. The spider (``spiders/news.py``) and the
``scrapy outlets --probe`` command both use these functions.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urljoin, urlsplit
from lxml import etree, html as lxml_html
from protego import Protego

from newscrawl.text.metadata import WARSAW, parse_datetime
GZIP_MAGIC = b"\x1f\x8b"
# Largest uncompressed sitemap we accept (the sitemap protocol allows 50 MB).
MAX_SITEMAP_BYTES = 64 * 1024 * 1024
# Feeds and sitemaps are parsed as streams, this many (decompressed) bytes at a time.
CHUNK_BYTES = 64 * 1024
SITEMAP_KINDS = ("urlset", "sitemapindex")
FEED_KINDS = ("rss", "feed", "rdf")
# No entity expansion (XXE, billion laughs), no DTD loading, no network.
_PULL_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "recover": True,
                 "remove_comments": True}


@dataclass(frozen=True)
class Entry:
    """A URL found in a feed or sitemap, with the dates the source gives it (if any).

    ``date`` is what ``since`` compares: the publication date (a feed's ``pubDate``/
    ``published``, a news sitemap's ``publication_date``), else the modification date.
    ``modified`` is only the modification date (``lastmod``, Atom ``updated``): an updated
    story keeps its publication date, and the incremental crawl re-fetches it by this one.
    """

    url: str
    date: datetime | None = None
    modified: datetime | None = None


@dataclass(frozen=True)
class SitemapDoc:
    kind: str                     # "urlset" or "sitemapindex"
    entries: tuple[Entry, ...]    # article URLs (urlset) or child sitemaps (index)


# --- dates ------------------------------------------------------------------------------

def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or whatever ``parse_datetime`` reads (ISO 8601 of Atom and sitemaps, …)
    → aware datetime; no zone = Warsaw time."""
    if not value or not value.strip():
        return None
    if value.lstrip()[:1].isdigit():       # ISO 8601 (sitemaps, Atom): skip the RFC 822 attempt
        return parse_datetime(value)
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return parse_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WARSAW)


def newest(entries: list[Entry] | tuple[Entry, ...]) -> datetime | None:
    dates = [e.date.astimezone(timezone.utc) for e in entries if e.date is not None]
    return max(dates) if dates else None


# --- XML helpers ------------------------------------------------------------------------

def _local(tag: object) -> str:
    """An element's name without its namespace, lowercased ("" for comments and PIs)."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if _local(c.tag) == name]


def _child_text(element: etree._Element, *names: str) -> str:
    for name in names:
        for child in _children(element, name):
            if child.text and child.text.strip():
                return child.text.strip()
    return ""


def _absolute(base_url: str, url: str) -> str:
    return url if url.startswith(("https://", "http://")) else urljoin(base_url, url)


def _chunks(body: bytes, max_size: int = MAX_SITEMAP_BYTES) -> Iterator[bytes]:
    """``body`` in chunks, gunzipped when it is gzip data; ValueError when the gzip data is
    corrupt or inflates beyond ``max_size`` (a gzip bomb)."""
    if not body.startswith(GZIP_MAGIC):
        for start in range(0, len(body), CHUNK_BYTES):
            yield body[start:start + CHUNK_BYTES]
        return
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pending, total = body, 0
    while pending and not decompressor.eof:
        try:
            chunk = decompressor.decompress(pending, CHUNK_BYTES)
        except zlib.error as exc:
            raise ValueError(f"corrupt gzip data ({exc})") from None
        pending = decompressor.unconsumed_tail
        total += len(chunk)
        if total > max_size:
            raise ValueError(f"gzip data inflates beyond {max_size} bytes")
        if not chunk and not pending:
            break
        yield chunk
    if not decompressor.eof:
        raise ValueError("gzip data is cut off")


def _root_name(head: bytes) -> str:
    """The local name of the first element in ``head`` (the start of an XML file), or ""."""
    parser = etree.XMLPullParser(events=("start",), **_PULL_OPTIONS)
    try:
        parser.feed(head)
        for _, element in parser.read_events():
            return _local(element.tag)
    except etree.XMLSyntaxError:
        pass
    return ""


def maybe_gunzip(body: bytes, max_size: int = MAX_SITEMAP_BYTES) -> bytes | None:
    """``body`` unchanged, or gunzipped when it is gzip data; None if corrupt or too big."""
    try:
        return b"".join(_chunks(body, max_size))
    except ValueError:
        return None


class EntryReader:
    """The entries of one feed or sitemap file, parsed as a stream in bounded memory.

    ``kind`` is the root element's name (``urlset``, ``sitemapindex``, ``rss``, ``feed``,
    ``rdf``; "" when there is no XML element). Iterating yields at most ``max_entries``
    entries (0: no cap); afterwards ``cut`` tells that the file had more, and ``error``
    what broke the parse (corrupt or oversized gzip data, broken XML) — entries read before
    the break are kept. Gzip data is inflated chunk by chunk, and each entry's elements are
    freed once read, so neither the file nor its tree is ever held whole.
    """

    def __init__(self, body: bytes, base_url: str, max_entries: int = 0,
                 max_size: int = MAX_SITEMAP_BYTES) -> None:
        self.base_url = base_url
        self.max_entries = max_entries
        self.cut = False
        self.error = ""
        self._chunks = _chunks(body, max_size)
        self._first = self._next_chunk().lstrip()
        self.kind = _root_name(self._first)

    def _next_chunk(self) -> bytes:
        try:
            return next(self._chunks, b"")
        except ValueError as exc:
            self.error = str(exc)
            return b""

    def _elements(self, tags: tuple[str, ...]) -> Iterator[etree._Element]:
        """Every complete ``tags`` element (any namespace), chunk by chunk."""
        parser = etree.XMLPullParser(events=("end",), tag=[f"{{*}}{t}" for t in tags],
                                     **_PULL_OPTIONS)
        chunk = self._first
        try:
            while chunk:
                parser.feed(chunk)
                for _, element in parser.read_events():
                    yield element
                chunk = self._next_chunk()
            parser.close()
        except etree.XMLSyntaxError as exc:
            self.error = str(exc).split("\n", 1)[0][:200]
        for _, element in parser.read_events():
            yield element

    def __iter__(self) -> Iterator[Entry]:
        if self.kind in SITEMAP_KINDS:
            # Only the root's own <url>/<sitemap> children are entries.
            tags, read, nested = ("url" if self.kind == "urlset" else "sitemap",), self._sitemap_entry, False
        elif self.kind in FEED_KINDS:
            tags, read, nested = ("item", "entry"), self._feed_entry, True
        else:
            return
        count = 0
        for element in self._elements(tags):
            parent = element.getparent()
            if not nested and parent is not None and parent.getparent() is not None:
                continue
            entry = read(element)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            if entry is None:
                continue
            if self.max_entries and count >= self.max_entries:
                self.cut = True
                return
            count += 1
            yield entry

    def _sitemap_entry(self, node: etree._Element) -> Entry | None:
        loc = _child_text(node, "loc")
        if not loc:
            return None
        date = None
        for news in _children(node, "news"):
            date = parse_date(_child_text(news, "publication_date"))
        modified = parse_date(_child_text(node, "lastmod"))
        return Entry(_absolute(self.base_url, loc), date or modified, modified)

    def _feed_entry(self, item: etree._Element) -> Entry | None:
        link = _entry_link(item)
        if not link:
            return None
        date = parse_date(_child_text(item, "pubdate", "published", "issued", "date", "updated", "modified"))
        modified = parse_date(_child_text(item, "updated", "modified"))
        return Entry(_absolute(self.base_url, link), date, modified)


# --- feeds ------------------------------------------------------------------------------

def parse_feed(body: bytes, base_url: str) -> list[Entry] | None:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; None when ``body`` is no feed."""
    reader = EntryReader(body, base_url)
    return list(reader) if reader.kind in FEED_KINDS else None


def _entry_link(item: etree._Element) -> str:
    orig = _child_text(item, "origlink")             # feedburner:origLink
    if orig:
        return orig
    for link in _children(item, "link"):
        href = link.get("href")
        if href and link.get("rel", "alternate") == "alternate":
            return href.strip()
        if not href and link.text and link.text.strip():
            return link.text.strip()
    for guid in _children(item, "guid"):
        text = (guid.text or "").strip()
        if guid.get("isPermaLink", "true") != "false" and text.startswith(("http://", "https://")):
            return text
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return about.strip() if about else ""


# --- sitemaps ---------------------------------------------------------------------------

def parse_sitemap(body: bytes, base_url: str, max_entries: int = 0) -> SitemapDoc | None:
    """A sitemap index or urlset (plain or gzipped; Google News ``news:publication_date``
    preferred over ``lastmod``); None when ``body`` is no sitemap or its gzip data is corrupt
    or too big. The spider reads sitemaps with ``EntryReader`` instead, as a stream."""
    reader = EntryReader(body, base_url, max_entries)
    if reader.kind not in SITEMAP_KINDS:
        return None
    entries = tuple(reader)
    if reader.error.startswith(("corrupt gzip", "gzip data")):
        return None
    return SitemapDoc(reader.kind, entries)


# --- robots.txt -------------------------------------------------------------------------

def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """Sitemap URLs announced in a robots.txt (absolute, in file order, no duplicates)."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            seen.setdefault(urljoin(base_url, value.strip()), None)
    return list(seen)


def robots_crawl_delay(text: str, user_agent: str) -> float | None:
    delay = Protego.parse(text).crawl_delay(user_agent)
    return None if delay is None else float(delay)


# --- section pages ----------------------------------------------------------------------

# Query parameters and path forms that number the pages of a listing.
PAGE_PARAMS = frozenset({"page", "strona", "p", "str", "pg", "paged", "pagenum", "pageno", "np"})
_PAGE_SUFFIX = re.compile(r"^(.*?/)(?:page|strona|str|p)/\d+/?$", re.IGNORECASE)


def _split_page(url: str) -> tuple[str, str, tuple[tuple[str, str], ...], bool]:
    """(host, base path, query without page parameter, is a numbered page)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    numbered = False
    match = _PAGE_SUFFIX.match(path)
    if match:
        path, numbered = match.group(1), True
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            numbered = True
        else:
            query.append((key, value))
    if not path.endswith("/"):
        path += "/"
    return (parts.hostname or "").lower(), path, tuple(sorted(query)), numbered


def is_pagination_link(url: str, section_url: str) -> bool:
    """True when ``url`` is a numbered page of the listing that starts at ``section_url``
    (``?strona=2``, ``?p=3``, ``/page/2/``, ``/strona/2``), not another listing."""
    host, path, query, numbered = _split_page(url)
    s_host, s_path, s_query, _ = _split_page(section_url)
    return numbered and host == s_host and path == s_path and query == s_query


# --- article pages ----------------------------------------------------------------------

@dataclass(frozen=True)
class PageSignals:
    canonical: str | None = None        # <link rel=canonical>, absolute
    tdm_reservation: bool = False       # <meta name="tdm-reservation" content="1">
    tdm_policy: str | None = None       # <meta name="tdm-policy">


def page_signals(body: bytes, base_url: str) -> PageSignals:
    """What the discovery layer needs from an HTML page: its canonical URL and TDMRep meta."""
    if not body.strip():
        return PageSignals()
    try:
        doc = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return PageSignals()
    canonical = None
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href", "").strip():
            canonical = urljoin(base_url, link.get("href").strip())
            break
    reserved, policy = False, None
    for meta in doc.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name == "tdm-reservation":
            reserved = (meta.get("content") or "").strip() == "1"
        elif name == "tdm-policy":
            policy = (meta.get("content") or "").strip() or None
    return PageSignals(canonical, reserved, policy)
