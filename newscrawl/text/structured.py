"""The page's structured data as a second opinion on the extracted body.

Most news pages carry JSON-LD ``articleBody``. When it holds the whole story it confirms
the extracted paragraphs, recovers paragraphs extraction missed (list items, interview
questions, the standfirst), and flags kept paragraphs it does not have
(``cleaning.not_in_article_body``: on the real-page corpus, removing even the short ones
cost more story text than boilerplate). When ``articleBody`` is only a teaser, nothing
changes: the visible text is never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newscrawl.text.boilerplate import words
from newscrawl.text.normalize import normalize_paragraph

# articleBody shorter than this share of the visible text is a teaser (or a summary).
FULL_BODY_SHARE = 0.8
# Below this many characters articleBody says nothing.
MIN_BODY_CHARS = 200
# A paragraph is confirmed when this share of its word pairs is in articleBody.
CONFIRMED_SHARE = 0.8
# articleBody is the whole story when it confirms this share of the extracted text.
TRUSTED_COVERAGE = 0.9
# articleBody paragraphs of at least this many words that extraction missed are recovered.
MIN_RECOVERED_WORDS = 4
MAX_RECOVERED_WORDS = 300
MISSING_SHARE = 0.3
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


@dataclass
class Checked:
    paragraphs: list[str]
    kinds: list[str]
    events: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)  # kept, though articleBody lacks them


def _pairs(tokens: list[str]) -> set[str]:
    if len(tokens) < 2:
        return set(tokens)
    return {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}


def compare_with_article_body(article_body: str, paragraphs: list[str], kinds: list[str]) -> Checked:
    """Confirm, recover and flag ``paragraphs`` against JSON-LD ``articleBody``."""
    out = Checked(list(paragraphs), list(kinds))
    if len(article_body) < MIN_BODY_CHARS or not paragraphs:
        return out
    body_pairs = _pairs(words(article_body))
    visible_chars = sum(len(p) for p in paragraphs)
    if len(article_body) < FULL_BODY_SHARE * visible_chars:
        out.events.append("structured/teaser_body")
        return out
    confirmed: list[bool] = []
    for paragraph in paragraphs:
        pairs = _pairs(words(paragraph))
        confirmed.append(bool(pairs) and len(pairs & body_pairs) >= CONFIRMED_SHARE * len(pairs))
    confirmed_chars = sum(len(p) for p, ok in zip(paragraphs, confirmed) if ok)
    trusted = confirmed_chars >= TRUSTED_COVERAGE * visible_chars
    out.paragraphs, out.kinds = [], []
    for paragraph, kind, ok in zip(paragraphs, kinds, confirmed):
        out.paragraphs.append(paragraph)
        out.kinds.append(kind)
        if not ok:
            out.unconfirmed.append(paragraph)
    if trusted:
        _recover(article_body, out)
    out.events.append("structured/confirmed" if trusted else "structured/differs")
    return out


def _recover(article_body: str, out: Checked) -> None:
    """Insert articleBody paragraphs that the extraction lacks after the paragraph they follow."""
    kept_pairs = [_pairs(words(p)) for p in out.paragraphs]
    visible = set().union(*kept_pairs)
    position = 0
    for part in _PARAGRAPH_BREAK.split(article_body):
        text = normalize_paragraph(part)
        tokens = words(text)
        if not tokens:
            continue
        pairs = _pairs(tokens)
        found = next((i for i, kept in enumerate(kept_pairs) if pairs and len(pairs & kept) >= CONFIRMED_SHARE * len(pairs)), None)
        if found is not None:
            position = max(position, found + 1)
            continue
        # Missing, not merely split differently: most of its word pairs are nowhere in the text.
        if MIN_RECOVERED_WORDS <= len(tokens) <= MAX_RECOVERED_WORDS and len(pairs & visible) < MISSING_SHARE * len(pairs):
            out.paragraphs.insert(position, text)
            out.kinds.insert(position, "p")
            kept_pairs.insert(position, pairs)
            out.recovered.append(text)
            position += 1
    if out.recovered:
        out.events.append("structured/recovered")
