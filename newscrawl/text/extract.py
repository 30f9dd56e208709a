"""Main-content extraction (trafilatura) into paragraphs, plus the page's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trafilatura

from newscrawl.text.metadata import PageMetadata, parse_datetime, parse_html, read_metadata
from newscrawl.text.normalize import normalize_paragraph

__all__ = ["Extracted", "extract_page"]

# trafilatura's XML elements that hold one block of text each.
_BLOCKS = {"p", "head", "quote", "item", "row", "code", "cell"}


@dataclass
class Extracted:
    title: str = ""
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    section: str = ""
    image: str = ""
    canonical_url: str = ""
    site_name: str = ""
    metadata: PageMetadata = field(default_factory=PageMetadata)
    is_document: bool = False


def _has_blocks(element: Any) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCKS | {"list", "table", "row"} for c in element)


def _lines(element: Any) -> list[str]:
    """The text of one block, split at its line breaks (``<br>`` → trafilatura ``<lb/>``)."""
    lines, current = [], [element.text or ""]
    for child in element:
        if child.tag == "lb":
            lines.append("".join(current))
            current = [child.tail or ""]
        else:
            current.append("".join(child.itertext()))
            current.append(child.tail or "")
    lines.append("".join(current))
    return lines


def _block_texts(element: Any) -> list[str]:
    """Paragraph texts of trafilatura's body, one per block (list item, table row, …).

    Layout tables (a whole page in one ``<table>``) are walked into: a cell that holds
    paragraphs gives those paragraphs, a data row gives one line of its cells.
    """
    out: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("graphic", "ref"):
            continue
        if tag in ("list", "table", "div", "cell") or (tag in ("quote", "row") and _has_blocks(child)) or (
            tag == "row" and any(_has_blocks(c) for c in child)
        ):
            if tag == "cell" and not _has_blocks(child):
                out.extend(_lines(child))
            else:
                out.extend(_block_texts(child))
        elif tag == "row":
            out.append(" ".join(" ".join(c.itertext()) for c in child))
        else:
            out.extend(_lines(child))
    return out


def extract_page(html: str, url: str) -> Extracted:
    """Extract the article's main text and metadata from decoded ``html``."""
    tree = parse_html(html)
    if tree is None:
        return Extracted()
    meta = read_metadata(tree)
    try:
        # The tree is handed over (trafilatura cleans it in place): metadata is read already,
        # and the page is parsed once, not twice.
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            deduplicate=False,
        )
    except Exception:  # trafilatura can fail on pathological markup: treat as no content
        doc = None
    paragraphs: list[str] = []
    if doc is not None and getattr(doc, "body", None) is not None:
        paragraphs = [normalize_paragraph(p) for p in _block_texts(doc.body)]
    elif doc is not None:
        paragraphs = [normalize_paragraph(p) for p in (doc.text or "").split("\n")]
    authors = meta.authors or ([a.strip() for a in (doc.author or "").split(";") if a.strip()] if doc else [])
    return Extracted(
        title=meta.title or normalize_paragraph(getattr(doc, "title", "") or ""),
        lead=meta.lead,
        paragraphs=[p for p in paragraphs if p],
        authors=authors,
        published_at=meta.published_at or (parse_datetime(doc.date) if doc else None),
        modified_at=meta.modified_at,
        tags=meta.tags,  # trafilatura's fallback reads plain "keywords" (SEO filler)
        section=meta.section or (", ".join(doc.categories or []) if doc else ""),
        image=meta.image or ((doc.image or "") if doc else ""),
        canonical_url=meta.canonical_url,
        site_name=meta.site_name or ((doc.sitename or "") if doc else ""),
        metadata=meta,
        is_document=True,
    )
