"""Is this page an article at all? Listing, tag and author pages give no record."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newscrawl.text.metadata import LISTING_TYPES, PageMetadata

# Path segments of listing pages: /tag/…, /autor/…, /kategoria/…, /szukaj?q=…
_LISTING_SEGMENT = re.compile(
    r"^(?:tag|tagi|tags|temat|tematy|autor|autorzy|author|authors|kategoria|kategorie|category|"
    r"categories|szukaj|search|wyszukiwarka|archiwum|archive|page|strona)$",
    re.IGNORECASE,
)
# More <article> teasers than this on one page, and no article metadata: a listing.
LISTING_MIN_TEASERS = 5
_ARTICLE_OG_TYPES = {"article", "news", "newsarticle"}
_ARTICLE_LD_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "liveblogposting",
                     "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle"}


def listing_reason(url: str, meta: PageMetadata) -> str:
    """A short reason when the page is a listing/tag/author page, else ``""``."""
    if meta.ld_types & _ARTICLE_LD_TYPES or meta.og_type in _ARTICLE_OG_TYPES:
        return ""
    if meta.ld_types & LISTING_TYPES:
        return "listing schema " + ",".join(sorted(meta.ld_types & LISTING_TYPES))
    segments = [s for s in urlsplit(url).path.split("/") if s]
    # Only the first two segments: "/tag/wybory" or "/pl/autor/jan-kowalski", never a slug.
    for segment in segments[:2]:
        if _LISTING_SEGMENT.match(segment) and len(segments) <= 3:
            return f"listing url /{segment}/"
    if meta.article_count >= LISTING_MIN_TEASERS:
        return f"{meta.article_count} <article> teasers"
    return ""
