"""Unicode and whitespace normalisation of extracted text."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

# Invisible characters that break tokenisers: zero-width (non-)joiners/spaces, word
# joiner, BOM and soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every horizontal space (incl. no-break, thin and narrow no-break spaces) becomes " ".
_SPACES = re.compile(r"[^\S\n]+")


def normalize_paragraph(text: str) -> str:
    """NFC, entities decoded, invisible characters dropped, spaces collapsed, trimmed."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():  # ASCII is NFC and has no invisible characters
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def join_paragraphs(paragraphs: list[str]) -> str:
    """The record's text form: paragraphs separated by one blank line."""
    return "\n\n".join(p for p in paragraphs if p)


def content_hash(text: str) -> str:
    """Exact-duplicate fingerprint: sha1 of the case- and space-folded text."""
    folded = " ".join(text.lower().split())
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()
