"""Is this page an article at all? Listing, tag and author pages give no record — but a
page with an article body is an article, whatever its sidebar or URL looks like."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newscrawl.text.extract import Block
from newscrawl.text.metadata import LISTING_TYPES, PageMetadata
from newscrawl.text.zones import PageZones

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
# An article body: this many characters of consecutive paragraphs that are not links.
# A listing's text alternates linked headlines with one teaser each, so it never has one.
ARTICLE_RUN_CHARS = 600
# A paragraph whose text is at least this share of link text is a link, not prose.
LINK_BLOCK_SHARE = 0.5


def has_article_body(blocks: list[Block], zones: PageZones) -> bool:
    """A run of prose paragraphs long enough to be a story (a linked headline or paragraph
    ends a run; a plain subheading neither adds nor ends one)."""
    run = 0
    for block in blocks:
        if zones.link_share(block.text) >= LINK_BLOCK_SHARE:
            run = 0
        elif block.kind != "head":
            run += len(block.text)
        if run >= ARTICLE_RUN_CHARS:
            return True
    return False


def listing_reason(url: str, meta: PageMetadata, blocks: list[Block], zones: PageZones) -> str:
    """A short reason when the page is a listing/tag/author page, else ``""``."""
    if meta.ld_types & _ARTICLE_LD_TYPES or meta.og_type in _ARTICLE_OG_TYPES:
        return ""
    if has_article_body(blocks, zones):
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
