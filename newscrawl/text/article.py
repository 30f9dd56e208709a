"""One page → one record: the single pure call the pipeline (or a worker process) makes."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

from newscrawl import __version__
from newscrawl.items import Article, FetchedPage
from newscrawl.text.encoding import decode_html
from newscrawl.text.extract import extract_page
from newscrawl.text.language import detect_language
from newscrawl.text.normalize import content_hash, join_paragraphs

# Bump when the text stage changes what it produces, so stored records can be reprocessed.
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class TextOptions:
    """The text stage's settings (picklable, so a worker process can receive them)."""

    languages: tuple[str, ...] = ("pl",)
    min_text_chars: int = 200


@dataclass(frozen=True)
class Rejected:
    """A page that gives no record; ``reason`` is a short stats key, ``detail`` for logs."""

    reason: str
    detail: str = ""


def build_article(page: FetchedPage, options: TextOptions) -> Article | Rejected:
    """Turn a fetched page into a clean ``Article`` or say why not."""
    html, encoding = decode_html(page.body, page.headers.get("content-type"))
    extracted = extract_page(html, page.url)
    if not extracted.title:
        return Rejected("no_title")
    text = join_paragraphs(extracted.paragraphs)
    if len(text) < options.min_text_chars:
        return Rejected("text_too_short", f"{len(text)} chars")
    language, confidence = detect_language(f"{extracted.title}\n{text}")
    if options.languages and language not in options.languages:
        return Rejected("language", language or "unknown")
    return Article(
        url=page.url,
        outlet=page.outlet,
        domain=urlsplit(page.url).hostname or "",
        title=extracted.title,
        lead=extracted.lead,
        text=text,
        authors=extracted.authors,
        published_at=extracted.published_at,
        language=language,
        language_confidence=confidence,
        tags=extracted.tags,
        section=extracted.section,
        image=extracted.image,
        site_name=extracted.site_name,
        content_hash=content_hash(text),
        fetched_at=page.fetched_at,
        http={
            "status": page.status,
            "content_type": page.headers.get("content-type", ""),
            "encoding": encoding,
        },
        extractor={
            "newscrawl": __version__,
            "pipeline": PIPELINE_VERSION,
            "trafilatura": trafilatura.__version__,
        },
    )
