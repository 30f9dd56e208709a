"""The page's own metadata: JSON-LD (NewsArticle & co.), OpenGraph, meta tags, ``<time>``.

Each field is taken from the most specific source that has it: JSON-LD, then OpenGraph /
``article:*``, then plain meta tags, then the visible page (``<h1>``, ``<time>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lxml.etree import XPath

from newscrawl.text.normalize import normalize_paragraph
from newscrawl.text.zones import PageScan, scan_page

WARSAW = ZoneInfo("Europe/Warsaw")

_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "report", "socialmediaposting", "webpage",
}
LISTING_TYPES = {"collectionpage", "profilepage", "searchresultspage", "itemlist"}

_POLISH_MONTHS = {
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    "styczeń": 1, "luty": 2, "marzec": 3, "kwiecień": 4, "maj": 5, "czerwiec": 6, "lipiec": 7,
    "sierpień": 8, "wrzesień": 9, "październik": 10, "listopad": 11, "grudzień": 12,
}
_NUMERIC_DATE = re.compile(
    r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})(?:[ ,T]+(?:godz\.\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_ISO_SPACE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$")
_WORD_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<mon>[a-ząćęłńóśźż]+)\s+(?P<y>\d{4})(?:\s*(?:r\.)?\s*,?\s*(?:godz\.\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2}))?",
    re.IGNORECASE,
)


def parse_datetime(value: str | None) -> datetime | None:
    """ISO-8601 / "27.11.2026 14:05" / "27 listopada 2026, 14:05" → aware datetime.

    A value without a zone is Europe/Warsaw time (what Polish outlets mean).
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        iso = _ISO_SPACE.match(value)
        if iso:
            zone = (iso[3] or "").replace("Z", "+00:00")
            try:
                parsed = datetime.fromisoformat(f"{iso[1]}T{iso[2]}{zone}")
            except ValueError:
                parsed = None
    if parsed is None:
        parsed = _parse_polish(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WARSAW)


def _parse_polish(value: str) -> datetime | None:
    try:
        numeric = _NUMERIC_DATE.search(value)
        if numeric:
            return datetime(int(numeric["y"]), int(numeric["m"]), int(numeric["d"]),
                            int(numeric["H"] or 0), int(numeric["M"] or 0), int(numeric["S"] or 0))
        worded = _WORD_DATE.search(value)
        if worded and worded["mon"].lower() in _POLISH_MONTHS:
            return datetime(int(worded["y"]), _POLISH_MONTHS[worded["mon"].lower()], int(worded["d"]),
                            int(worded["H"] or 0), int(worded["M"] or 0))
    except ValueError:
        return None
    return None


@dataclass
class PageMetadata:
    title: str = ""
    description: str = ""   # JSON-LD / meta description (not necessarily shown on the page)
    standfirst: str = ""    # the standfirst the page shows (class "lead", itemprop "description", …)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    section: str = ""
    image: str = ""
    canonical_url: str = ""
    site_name: str = ""
    og_type: str = ""
    ld_types: set[str] = field(default_factory=set)
    accessible_for_free: bool | None = None
    article_body: str = ""  # JSON-LD articleBody (full text or a teaser)
    credits: list[str] = field(default_factory=list)  # photo credits of the article's figures
    article_count: int = 0  # <article> elements on the page (listing pages have many)
    # TDMRep meta tags (<meta name="tdm-reservation" content="1">, <meta name="tdm-policy">).
    tdm_reserved: bool = False
    tdm_policy: str | None = None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return normalize_paragraph(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@id") or "")
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, str):
        name = normalize_paragraph(value)
        return [] if not name or name.startswith("http") else [name]
    return []


def _ld_objects(data: Any) -> list[dict]:
    """Flatten JSON-LD: lists, ``@graph``, nested ``mainEntity``."""
    found: list[dict] = []
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity") and isinstance(v, (list, dict)))
    return found


def _types(obj: dict) -> set[str]:
    value = obj.get("@type", "")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _split_tags(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _split_tags(v)]
    if isinstance(value, str):
        return [normalize_paragraph(t) for t in value.split(",") if normalize_paragraph(t)]
    return []


# A standfirst is a few sentences: shorter is a label, longer is the article itself.
STANDFIRST_CHARS = (40, 800)
# A title longer than this is a standfirst or a paragraph, not a headline.
MAX_TITLE_CHARS = 300


def read_metadata(tree: Any, scan: PageScan | None = None) -> PageMetadata:
    """Metadata of a parsed page (``lxml.html`` tree); ``scan`` is ``zones.scan_page(tree)``."""
    scan = scan_page(tree) if scan is None else scan
    roles, tags = scan.roles, scan.tags
    meta = PageMetadata()
    article_ld: dict = {}
    for script in (s for s in tags["script"] if s.get("type") == "application/ld+json"):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _ld_objects(data):
            types = _types(obj)
            meta.ld_types |= types
            if types & _ARTICLE_TYPES and not article_ld and (obj.get("headline") or obj.get("articleBody")):
                article_ld = obj
    props: dict[str, list[str]] = {}
    for node in (m for m in tags["meta"] if m.get("content") is not None):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key:
            props.setdefault(key, []).append(node.get("content", ""))

    def first(*keys: str) -> str:
        for key in keys:
            for value in props.get(key, []):
                if normalize_paragraph(value):
                    return normalize_paragraph(value)
        return ""

    meta.site_name = _text(article_ld.get("publisher")) if article_ld else ""
    meta.site_name = first("og:site_name", "application-name") or meta.site_name
    meta.description = _text(article_ld.get("description")) or first("og:description", "description", "twitter:description")
    meta.standfirst = _standfirst(roles["standfirst"])
    meta.title = _title(tags, article_ld, first, meta.site_name, meta.standfirst)
    meta.authors = _names(article_ld.get("author")) or [
        n for v in props.get("author", []) + props.get("article:author", []) for n in _names(v)
    ] or _byline(roles["bio"])
    meta.published_at = (
        parse_datetime(_text(article_ld.get("datePublished")))
        or parse_datetime(first("article:published_time", "og:published_time", "datepublished",
                                "pubdate", "publishdate", "date", "dc.date", "dc.date.issued",
                                "dcterms.created", "sailthru.date", "publication_date"))
        or _time_element(tree)
    )
    meta.modified_at = parse_datetime(_text(article_ld.get("dateModified"))) or parse_datetime(
        first("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
    )
    meta.tags = _dedup(_split_tags(article_ld.get("keywords")) or [
        normalize_paragraph(t) for t in props.get("article:tag", []) if normalize_paragraph(t)
    ] or _split_tags(first("news_keywords")) or _tag_links(tags["a"]))  # plain "keywords" is SEO filler
    meta.section = _text(article_ld.get("articleSection")) or first("article:section", "section") or _breadcrumb_section(roles["breadcrumb"], meta.site_name)
    meta.credits = _figure_credits(roles["caption"])
    image = article_ld.get("image")
    meta.image = (_text(image.get("url")) if isinstance(image, dict) else _text(image)) or first("og:image", "twitter:image")
    canonical = next((l.get("href") for l in tags["link"]
                      if "canonical" in (l.get("rel") or "").lower().split() and l.get("href")), "")
    meta.canonical_url = canonical.strip() or first("og:url")
    meta.og_type = first("og:type").lower()
    free = article_ld.get("isAccessibleForFree")
    if free is not None:
        meta.accessible_for_free = str(free).lower() not in ("false", "0", "no")
    body = article_ld.get("articleBody")
    meta.article_body = body.strip() if isinstance(body, str) else ""
    meta.article_count = len(tags["article"])
    meta.tdm_reserved = first("tdm-reservation") == "1"
    meta.tdm_policy = first("tdm-policy") or None
    return meta


_STANDFIRST_TAGS = frozenset({"p", "div", "h2", "span", "section", "strong", "header"})
_NOT_STANDFIRST = XPath("ancestor::nav or ancestor::aside or ancestor::footer or ancestor::li")


def _standfirst(nodes: list[Any]) -> str:
    """The standfirst the page shows: the first element marked as one (class "lead",
    itemprop "description", …) that holds a few sentences, outside menus and lists."""
    low, high = STANDFIRST_CHARS
    for node in nodes[:10]:
        if node.tag not in _STANDFIRST_TAGS or _NOT_STANDFIRST(node):
            continue
        text = normalize_paragraph(node.text_content())
        if low <= len(text) <= high:
            return text
    return ""


_ELLIPSIS = ("…", "...")
_SITE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ", " / ")


def _title(tags: dict[str, list[Any]], article_ld: dict, first: Any, site_name: str, standfirst: str) -> str:
    """The headline: JSON-LD headline, og:title, ``<h1>``, ``<title>`` — whole, never the
    standfirst. A headline cut short (JSON-LD allows 110 characters; some sites cut at
    100, with or without "…") gives way to a longer candidate that starts with it."""
    title_tag = tags["title"]
    page_title = normalize_paragraph(title_tag[0].text_content()) if title_tag else ""
    og_title = first("og:title")
    # The headline's <h1>, not the logo's: the one the page's titles start with, else the first.
    h1s = [t for t in (normalize_paragraph(n.text_content()) for n in tags["h1"][:3]) if t and t.lower() != site_name.lower()]
    h1 = next((t for t in h1s if og_title.startswith(t) or page_title.startswith(t)), h1s[0] if h1s else "")
    candidates = [
        _text(article_ld.get("headline")),
        _strip_site(og_title, site_name),
        h1,
        _strip_site(first("twitter:title"), site_name),
        _strip_site(page_title, site_name),
    ]
    candidates = [c for c in candidates if c and len(c) <= MAX_TITLE_CHARS and c.lower() != standfirst.lower()]
    if not candidates:
        return ""
    title = candidates[0]
    stem = title.removesuffix("…").removesuffix("...").rstrip()
    cut = stem != title
    # <title> only counts when the headline says it was cut: its tail is usually the site.
    for longer in candidates[1:] if cut else candidates[1:4]:
        rest = longer[len(stem):]
        if longer.startswith(stem) and rest.strip() and not rest.startswith(_SITE_SEPARATORS):
            return longer if not longer.endswith(_ELLIPSIS) else title
    # "Headline / Section / site.com" when the <h1> says "Headline": the tail is no headline.
    for shorter in candidates[1:]:
        if len(shorter) < len(title) and title.startswith(shorter) and title[len(shorter):].startswith(_SITE_SEPARATORS):
            return shorter
    return title


_PHOTO_CREDIT = re.compile(r"(?:^|(?<=[.\s]))((?:Fot\.|Fot:|Foto:|Zdjęcie:|Źródło zdjęcia:|Autor zdjęcia:)\s*\S[^\n]{0,100})$")


_BYLINE_LABEL = re.compile(r"^(?:autor(?:ka|zy)?|tekst|by|napisał[a]?)\s*:?\s*", re.IGNORECASE)


def _byline(nodes: list[Any]) -> list[str]:
    """Names from a visible byline ("Autor: Jan Kowalski") when no metadata names them."""
    for node in nodes[:5]:
        text = _BYLINE_LABEL.sub("", normalize_paragraph(node.text_content()))
        names = [n.strip(" .") for n in re.split(r"\s*(?:,|;|\bi\b|\boraz\b)\s*", text) if n.strip(" .")]
        if names and all(1 <= len(n.split()) <= 4 and not any(ch.isdigit() for ch in n) for n in names):
            return names
    return []


def _tag_links(anchors: list[Any]) -> list[str]:
    """<a rel="tag"> links (WordPress and others), not the category links."""
    links = [a for a in anchors if "tag" in (a.get("rel") or "").split() and "category" not in (a.get("rel") or "")]
    return [t for t in (normalize_paragraph(a.text_content()) for a in links[:30]) if t]


def _breadcrumb_section(nodes: list[Any], site_name: str) -> str:
    """The last breadcrumb link that is not the home page: "Strona › Region" → "Region"."""
    for trail in nodes[:1]:
        links = [normalize_paragraph(a.text_content()) for a in trail.xpath(".//a")]
        links = [l for l in links if l and l.lower() not in {site_name.lower(), "strona główna", "home", "start"}]
        if links:
            return links[-1]
    return ""


def _figure_credits(nodes: list[Any]) -> list[str]:
    """"Fot. Ewa Mazur / Kurier" from figure captions (trafilatura drops captions)."""
    found: list[str] = []
    for node in nodes[:20]:
        match = _PHOTO_CREDIT.search(normalize_paragraph(node.text_content()))
        if match and match.group(1) not in found:
            found.append(match.group(1).strip())
    return found


# <time> elements that say they are the publication date, then the first one of the
# article; a <time> elsewhere on the page (a sidebar teaser, an update) says nothing.
_PUBLISHED_TIME = XPath(
    '//time[@datetime][@itemprop="datePublished" or @pubdate or contains(@class, "publish")]'
    ' | //*[@itemprop="datePublished"][@content or @datetime]'
)
_ARTICLE_TIME = XPath(
    '(//article | //main)[1]//time[@datetime]'
    '[not(contains(@class, "updated") or contains(@class, "modified") or @itemprop="dateModified")]'
)


def _time_element(tree: Any) -> datetime | None:
    for node in _PUBLISHED_TIME(tree)[:3] or _ARTICLE_TIME(tree)[:1]:
        parsed = parse_datetime(node.get("datetime") or node.get("content"))
        if parsed:
            return parsed
    return None


def _strip_site(title: str, site_name: str) -> str:
    """"Tytuł | Kresy.pl" → "Tytuł"."""
    if site_name:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if title.endswith(sep + site_name):
                return title[: -len(sep + site_name)].strip()
    return title


def _dedup(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i.lower() in seen or seen.add(i.lower()))]


