"""Pure parsing for discovery: feeds, sitemaps, robots.txt, section pagination, page links.

No Scrapy, no network: bytes/strings in, data out. The spider (``spiders/news.py``) and the
``scrapy outlets --probe`` command both use these functions.
"""

from __future__ import annotations

import re
import zlib
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

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                              huge_tree=True, remove_comments=True)


@dataclass(frozen=True)
class Entry:
    """A URL found in a feed or sitemap, with the date the source gives it (if any)."""

    url: str
    date: datetime | None = None


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
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _xml_root(body: bytes) -> etree._Element | None:
    body = body.lstrip()
    if not body:
        return None
    try:
        return etree.fromstring(body, _XML_PARSER)
    except etree.XMLSyntaxError:
        return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if _local(c.tag) == name]


def _child_text(element: etree._Element, *names: str) -> str:
    for name in names:
        for child in _children(element, name):
            if child.text and child.text.strip():
                return child.text.strip()
    return ""


def maybe_gunzip(body: bytes, max_size: int = MAX_SITEMAP_BYTES) -> bytes | None:
    """``body`` unchanged, or gunzipped when it is gzip data; None if corrupt or too big."""
    if not body.startswith(GZIP_MAGIC):
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, max_size + 1)
    except zlib.error:
        return None
    if len(data) > max_size:
        return None
    return data


# --- feeds ------------------------------------------------------------------------------

def parse_feed(body: bytes, base_url: str) -> list[Entry] | None:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; None when ``body`` is no feed."""
    root = _xml_root(body)
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        return None
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link = _entry_link(item)
        if not link:
            continue
        date = parse_date(_child_text(item, "pubdate", "published", "issued", "date", "updated",
                                      "modified"))
        entries.append(Entry(urljoin(base_url, link), date))
    return entries


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

def parse_sitemap(body: bytes, base_url: str) -> SitemapDoc | None:
    """A sitemap index or urlset (plain or gzipped; Google News ``news:publication_date``
    preferred over ``lastmod``); None when ``body`` is no sitemap."""
    data = maybe_gunzip(body)
    if data is None:
        return None
    root = _xml_root(data)
    if root is None:
        return None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    child = "url" if kind == "urlset" else "sitemap"
    entries = []
    for node in _children(root, child):
        loc = _child_text(node, "loc")
        if not loc:
            continue
        date = None
        for news in _children(node, "news"):
            date = parse_date(_child_text(news, "publication_date"))
        date = date or parse_date(_child_text(node, "lastmod"))
        entries.append(Entry(urljoin(base_url, loc), date))
    return SitemapDoc(kind, tuple(entries))


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
