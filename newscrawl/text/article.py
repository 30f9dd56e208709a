"""One page → one record: the single pure call the pipeline (or a worker process) makes.

decode → parse (one tree) → metadata and page zones → trafilatura's body → boilerplate
rules → structured-data check → lead and paragraph dedup → validation → language. Every
removal is recorded in ``cleaning.removed``.

``build_article`` never raises. An internal failure falls back to trafilatura's plain text
of the page; everything worth counting that happened (a fallback, an encoding guess, a
date dropped as implausible) is a short name in ``cleaning["events"]``, which the pipeline
counts as ``newscrawl/text/<event>``. A page that gives no record is a ``Rejected`` with a
reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import trafilatura

from newscrawl import __version__
from newscrawl.corpus.minhash import MinHashParams, fingerprint
from newscrawl.items import Article, FetchedPage
from newscrawl.tdm import NOT_RESERVED, TdmStatus, combine, meta_reservation
from newscrawl.text.boilerplate import split_names, strip_boilerplate
from newscrawl.text.dedup import choose_lead, dedup_lead_and_paragraphs
from newscrawl.text.encoding import decode_html, looks_binary
from newscrawl.text.extract import Block, blocks_of_text, extract_blocks
from newscrawl.text.language import detect_language
from newscrawl.text.metadata import PageMetadata, read_metadata
from newscrawl.text.normalize import content_hash, join_paragraphs, normalize_paragraph
from newscrawl.text.structured import compare_with_article_body
from newscrawl.text.tree import load_tree
from newscrawl.text.validate import listing_reason
from newscrawl.text.zones import PageZones, read_zones, scan_page

# Bump when the text stage changes what it produces, so stored records can be reprocessed.
PIPELINE_VERSION = "3"

# Dates outside [EARLIEST_DATE, fetched_at + LATEST_AHEAD] are errors of the page
# (1970-01-01 from a zero timestamp, a far-future placeholder): dropped and counted.
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=timezone.utc)
LATEST_AHEAD = timedelta(days=1)

# Tags of an HTML document; a body without any is not a page.
_MARKUP = re.compile(
    r"<(?:!doctype|html|head|body|meta|title|p|div|span|br|a|article|main|section|table|h[1-6]|ul|ol|li|script|style|link)\b",
    re.IGNORECASE,
)
_MARKUP_SCAN_CHARS = 65536


@dataclass(frozen=True)
class TextOptions:
    """The text stage's settings (picklable, so a worker process can receive them).

    ``outlet_phrases`` come from the outlet registry; ``learned_boilerplate`` are the
    fingerprints of the outlet's learned boilerplate paragraphs (see ``fingerprint.py``);
    ``fingerprint`` the MinHash parameters of near-duplicate detection, when the record is
    to carry its signature (``newscrawl/corpus/minhash.py``).
    """

    languages: tuple[str, ...] = ("pl",)
    min_text_chars: int = 200
    dedup_threshold: float = 0.8
    outlet_phrases: tuple[str, ...] = ()
    learned_boilerplate: frozenset[str] = frozenset()
    # Set: the record also gets its MinHash fingerprint (``Article.minhash``/``lsh``), made
    # here — in a worker process of the crawl — instead of on the writer's thread.
    fingerprint: MinHashParams | None = None


@dataclass(frozen=True)
class Rejected:
    """A page that gives no record; ``reason`` is a short stats key, ``detail`` for logs.

    ``tdm`` is set (like ``Article.tdm``) when the page itself reserves text and data mining
    (its TDMRep meta tag): the crawl stops the outlet for such a page even without a record.
    """

    reason: str
    detail: str = ""
    tdm: dict[str, object] = field(default_factory=dict)


class _Progress:
    """The step ``build_article`` is in, to name a failure (``fallback/<step>_error``), and
    the page's own TDM reservation once its metadata is read (kept by the fallback)."""

    step = "decode"
    page_tdm: TdmStatus = NOT_RESERVED


def build_article(page: FetchedPage, options: TextOptions) -> Article | Rejected:
    """Turn a fetched page into a clean ``Article`` or say why not. Never raises."""
    events: list[str] = []
    progress = _Progress()
    try:
        result = _build(page, options, events, progress)
    except Exception as error:  # noqa: BLE001 — a bug or a pathological page must not lose the article
        events.append(f"fallback/{progress.step}_error")
        try:
            result = _fallback(page, options, events, progress.page_tdm)
        except Exception as second:  # noqa: BLE001
            result = Rejected("extraction_failed", f"{progress.step}: {type(error).__name__}: {error}; "
                                                   f"fallback: {type(second).__name__}: {second}"[:300])
    if isinstance(result, Rejected) and progress.page_tdm.reserved:
        result = replace(result, tdm=tdm_of(page, progress.page_tdm))
    return result


def _build(page: FetchedPage, options: TextOptions, events: list[str], progress: _Progress) -> Article | Rejected:
    if not page.body or not page.body.strip():
        return Rejected("empty_page")
    if looks_binary(page.body):
        return Rejected("not_html", "binary content")
    decoded = decode_html(page.body, page.headers.get("content-type"))
    if decoded.fallback:
        events.append(f"encoding/fallback_{decoded.fallback}")
    if not _MARKUP.search(decoded.text, 0, _MARKUP_SCAN_CHARS):
        return Rejected("not_html", "no HTML markup")
    progress.step = "parse"
    tree = load_tree(decoded.text)
    if tree is None:
        return Rejected("not_html", "unparseable markup")
    progress.step = "metadata"
    scan = scan_page(tree)
    meta = read_metadata(tree, scan)
    progress.page_tdm = meta_reservation(meta.tdm_reserved, meta.tdm_policy)
    zones = read_zones(scan)
    progress.step = "trafilatura"
    blocks = extract_blocks(tree, page.url)
    progress.step = "clean"
    title = meta.title or next((b.text for b in blocks if b.kind == "head"), "")
    if not title:
        return Rejected("no_title")
    listing = listing_reason(page.url, meta, blocks, zones)
    if listing:
        return Rejected("listing_page", listing)
    return _record(page, options, events, progress, meta, zones, blocks, title, decoded.encoding, decoded.fallback)


def _record(page: FetchedPage, options: TextOptions, events: list[str], progress: _Progress, meta: PageMetadata,
            zones: PageZones, blocks: list[Block], title: str, encoding: str, encoding_fallback: str) -> Article | Rejected:
    """Clean, dedup, validate and assemble the record (also the fallback's path)."""
    host = urlsplit(page.url).hostname or ""
    cleaned = strip_boilerplate(
        [b.text for b in blocks],
        title=title,
        outlet_phrases=options.outlet_phrases,
        learned=options.learned_boilerplate,
        site_names=tuple(n for n in (meta.site_name, host) if n),
        kinds=[b.kind for b in blocks],
        groups=[b.group for b in blocks],
        zones=zones,
    )
    progress.step = "structured_data"
    checked = compare_with_article_body(meta.article_body, cleaned.paragraphs, cleaned.kinds)
    events.extend(checked.events)
    progress.step = "dedup"
    lead, paragraphs, kinds = choose_lead(meta, title, checked.paragraphs, checked.kinds, options.dedup_threshold)
    deduped = dedup_lead_and_paragraphs(lead, paragraphs, options.dedup_threshold, kinds=kinds)
    text = join_paragraphs(deduped.paragraphs)
    if len(text) < options.min_text_chars:
        return Rejected("text_too_short", f"{len(text)} chars")
    progress.step = "language"
    language, confidence = detect_language(f"{title}\n{text}")
    if options.languages and language not in options.languages:
        return Rejected("language", language or "unknown")

    published_at = _plausible(meta.published_at, page.fetched_at, "published", events)
    modified_at = _plausible(meta.modified_at, page.fetched_at, "modified", events)
    removed = [r.as_record() for r in cleaned.removed + deduped.removed]
    http = {"status": page.status, "content_type": page.headers.get("content-type", ""), "encoding": encoding}
    if encoding_fallback:
        http["encoding_fallback"] = encoding_fallback
    cleaning: dict = {"removed": removed, "rules": sorted({r["rule"] for r in removed}), "events": events}
    if checked.unconfirmed:
        cleaning["not_in_article_body"] = checked.unconfirmed
    if checked.recovered:
        cleaning["recovered"] = checked.recovered
    article = Article(
        url=page.url,
        outlet=page.outlet,
        domain=host,
        title=title,
        lead=normalize_paragraph(deduped.lead),
        text=text,
        authors=_merge(meta.authors, cleaned.authors),
        published_at=published_at,
        modified_at=modified_at,
        language=language,
        language_confidence=confidence,
        tags=meta.tags,
        section=meta.section,
        image=meta.image,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        credits=_merge(meta.credits, cleaned.credits),
        paywalled=cleaned.paywalled or meta.accessible_for_free is False,
        tdm=tdm_of(page, progress.page_tdm),
        content_hash=content_hash(text),
        cleaning=cleaning,
        fetched_at=page.fetched_at,
        http=http,
        extractor={
            "newscrawl": __version__,
            "pipeline": PIPELINE_VERSION,
            "trafilatura": trafilatura.__version__,
        },
    )
    if options.fingerprint is not None:
        try:
            made = fingerprint(article.lead, article.text, options.fingerprint)
        except Exception:  # noqa: BLE001 — the record must not be lost to its fingerprint: the writer tries again
            events.append("fingerprint_error")
        else:
            if made is not None:
                article.minhash, article.lsh = made.minhash, list(made.lsh)
    return article


def _fallback(page: FetchedPage, options: TextOptions, events: list[str], page_tdm: TdmStatus) -> Article | Rejected:
    """trafilatura's own plain text of the raw page: what bare trafilatura would give
    (``page_tdm``: the page's own TDM reservation, when its metadata was read)."""
    document = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True, include_comments=False)
    if document is None or not (document.text or "").strip():
        return Rejected("extraction_failed", "no text after a fallback to trafilatura")
    meta = PageMetadata(title=normalize_paragraph(document.title or ""),
                        description=normalize_paragraph(document.description or ""),
                        site_name=normalize_paragraph(document.sitename or ""))
    blocks = blocks_of_text(document.text)
    title = meta.title or blocks[0].text
    progress = _Progress()
    progress.page_tdm = page_tdm
    return _record(page, options, events, progress, meta, PageZones(), blocks, title, "", "")


def _plausible(value: datetime | None, fetched_at: datetime | None, name: str, events: list[str]) -> datetime | None:
    """``value`` unless it is before 1990 or more than a day after the fetch (then counted)."""
    if value is None:
        return None
    now = fetched_at or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    if value < EARLIEST_DATE or value > now + LATEST_AHEAD:
        events.append(f"date/implausible_{name}")
        return None
    return value


# Set by the spider on every fetched page (see spiders/news.py): the TDM status of the
# outlet and of the page's HTTP headers, "1" / "0" / "unknown" (a check failed), and its source.
TDM_RESERVED_HEADER = "x-newscrawl-tdm-reserved"
TDM_SOURCE_HEADER = "x-newscrawl-tdm-source"
TDM_HEADER_VALUES: dict[bool | None, str] = {True: "1", False: "0", None: "unknown"}
_TDM_FROM_HEADER = {value: reserved for reserved, value in TDM_HEADER_VALUES.items()}


def tdm_of(page: FetchedPage, page_tdm: TdmStatus = NOT_RESERVED) -> dict[str, object]:
    """The record's ``tdm`` field: what the spider found for the page's outlet and headers,
    combined with the page's own TDMRep meta tag (``page_tdm``, read by the text stage)."""
    value = page.headers.get(TDM_RESERVED_HEADER)
    if value is None and not page_tdm.reserved:
        return {}
    crawl = TdmStatus(_TDM_FROM_HEADER.get(value, False), page.headers.get(TDM_SOURCE_HEADER, ""))
    return combine(crawl, page_tdm).as_dict()


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
