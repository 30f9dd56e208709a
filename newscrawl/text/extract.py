"""Main-content and metadata extraction from an article page (trafilatura)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import trafilatura

from newscrawl.text.normalize import normalize_paragraph

WARSAW = ZoneInfo("Europe/Warsaw")


@dataclass
class Extracted:
    title: str = ""
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    section: str = ""
    image: str = ""
    site_name: str = ""


def parse_datetime(value: str | None) -> datetime | None:
    """ISO-8601 date or datetime → aware datetime; a value without a zone is Warsaw time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WARSAW)


def _split_list(value: str | None, sep: str) -> list[str]:
    return [part.strip() for part in (value or "").split(sep) if part.strip()]


def extract_page(html: str, url: str) -> Extracted:
    """Extract the article's main text and metadata from decoded ``html``."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        deduplicate=False,
    )
    if doc is None:
        return Extracted()
    paragraphs = [normalize_paragraph(p) for p in (doc.text or "").split("\n")]
    return Extracted(
        title=normalize_paragraph(doc.title or ""),
        lead=normalize_paragraph(doc.description or ""),
        paragraphs=[p for p in paragraphs if p],
        authors=_split_list(doc.author, ";"),
        published_at=parse_datetime(doc.date),
        tags=_split_list(",".join(doc.tags or []), ","),
        section=", ".join(doc.categories or []),
        image=doc.image or "",
        site_name=doc.sitename or "",
    )
