"""One page → one record: the single pure call the pipeline (or a worker process) makes.

extract (trafilatura + page metadata) → boilerplate rules → lead/paragraph dedup →
validation → language. Every removal is recorded in ``cleaning.removed``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import trafilatura

from newscrawl import __version__
from newscrawl.items import Article, FetchedPage
from newscrawl.text.boilerplate import split_names, strip_boilerplate, words
from newscrawl.text.dedup import dedup_lead_and_paragraphs
from newscrawl.text.encoding import decode_html
from newscrawl.text.extract import extract_page
from newscrawl.text.language import detect_language
from newscrawl.text.normalize import content_hash, join_paragraphs, normalize_paragraph
from newscrawl.text.validate import listing_reason

# Bump when the text stage changes what it produces, so stored records can be reprocessed.
PIPELINE_VERSION = "2"


@dataclass(frozen=True)
class TextOptions:
    """The text stage's settings (picklable, so a worker process can receive them).

    ``outlet_phrases`` come from the outlet registry; ``learned_boilerplate`` are the
    fingerprints of the outlet's learned boilerplate paragraphs (see ``fingerprint.py``).
    """

    languages: tuple[str, ...] = ("pl",)
    min_text_chars: int = 200
    dedup_threshold: float = 0.8
    outlet_phrases: tuple[str, ...] = ()
    learned_boilerplate: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rejected:
    """A page that gives no record; ``reason`` is a short stats key, ``detail`` for logs."""

    reason: str
    detail: str = ""


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<" in head and any(tag in head for tag in ("<html", "<body", "<head", "<p", "<div", "<!doctype", "<article", "<meta", "<title"))


def build_article(page: FetchedPage, options: TextOptions) -> Article | Rejected:
    """Turn a fetched page into a clean ``Article`` or say why not."""
    if not page.body or not page.body.strip():
        return Rejected("empty_page")
    if b"\x00" in page.body[:4096] and not page.body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Rejected("not_html", "binary content")
    html, encoding = decode_html(page.body, page.headers.get("content-type"))
    if not _looks_like_html(html):
        return Rejected("not_html", "no HTML markup")
    extracted = extract_page(html, page.url)
    if not extracted.is_document:
        return Rejected("not_html", "unparseable markup")
    if not extracted.title:
        return Rejected("no_title")
    listing = listing_reason(page.url, extracted.metadata)
    if listing:
        return Rejected("listing_page", listing)

    cleaned = strip_boilerplate(
        extracted.paragraphs,
        title=extracted.title,
        outlet_phrases=options.outlet_phrases,
        learned=options.learned_boilerplate,
        site_names=tuple(n for n in (extracted.site_name, urlsplit(page.url).hostname or "") if n),
    )
    lead = extracted.lead
    if words(lead) == words(extracted.title):
        lead = ""  # a description that only repeats the headline is no lead
    deduped = dedup_lead_and_paragraphs(lead, cleaned.paragraphs, options.dedup_threshold)
    text = join_paragraphs(deduped.paragraphs)
    if len(text) < options.min_text_chars:
        return Rejected("text_too_short", f"{len(text)} chars")
    language, confidence = detect_language(f"{extracted.title}\n{text}")
    if options.languages and language not in options.languages:
        return Rejected("language", language or "unknown")

    authors = _merge(extracted.authors, cleaned.authors)
    paywalled = cleaned.paywalled or extracted.metadata.accessible_for_free is False
    removed = [asdict(r) for r in cleaned.removed + deduped.removed]
    return Article(
        url=page.url,
        outlet=page.outlet,
        domain=urlsplit(page.url).hostname or "",
        title=extracted.title,
        lead=normalize_paragraph(deduped.lead),
        text=text,
        authors=authors,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        language=language,
        language_confidence=confidence,
        tags=extracted.tags,
        section=extracted.section,
        image=extracted.image,
        site_name=extracted.site_name,
        canonical_url=extracted.canonical_url,
        credits=_merge(extracted.metadata.credits, cleaned.credits),
        paywalled=paywalled,
        tdm=tdm_of(page),
        content_hash=content_hash(text),
        cleaning={"removed": removed, "rules": sorted({r["rule"] for r in removed})},
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


# Set by the spider on every fetched page (see spiders/news.py).
TDM_RESERVED_HEADER = "x-newscrawl-tdm-reserved"
TDM_SOURCE_HEADER = "x-newscrawl-tdm-source"


def tdm_of(page: FetchedPage) -> dict[str, object]:
    """The record's ``tdm`` field from what the spider found for the page's outlet."""
    reserved = page.headers.get(TDM_RESERVED_HEADER)
    if reserved is None:
        return {}
    return {"reserved": reserved == "1", "source": page.headers.get(TDM_SOURCE_HEADER, "")}


def _merge(first: list[str], more: list[str]) -> list[str]:
    """Order-keeping union; "Autor: Jan Kowalski" strings become names."""
    out: list[str] = []
    seen: set[str] = set()
    for item in first + more:
        for name in split_names(item) if item.lower().startswith("autor") else [item]:
            name = name.removeprefix("Autor:").removeprefix("autor:").strip()
            if name and name.lower() not in seen:
                seen.add(name.lower())
                out.append(name)
    return out
