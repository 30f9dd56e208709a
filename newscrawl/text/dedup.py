"""Lead and paragraph dedup: every sentence of the story once.

A body paragraph that near-duplicates the lead or an earlier paragraph — also behind an
attribution prefix such as "Jak poinformowała agencja prasowa Reuters, …" — is kept once,
and the more complete version wins. "Near-duplicate" is token containment: the share of
the shorter one's distinct words found in the longer one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from newscrawl.text import phrases
from newscrawl.text.boilerplate import Removal, words
from newscrawl.text.metadata import PageMetadata

_VERBS = "|".join(sorted(map(re.escape, phrases.ATTRIBUTION_VERBS), key=len, reverse=True))
# "Jak poinformowała agencja prasowa Reuters, …", "Jak podaje PAP, …",
# "Według Reutersa, …", "Jak poinformował Urząd Miasta, …", "Jak wynika z raportu NIK, …".
_ATTRIBUTION_PREFIX = re.compile(
    rf"^(?:(?:jak|co|o czym)\s+(?:\w+\s+){{0,2}}(?:{_VERBS})\b[^,.!?]{{0,100}}"
    rf"|(?:według|wg|zdaniem|za)\s+[^,.!?]{{1,80}}"
    rf"|(?:as|according to)\s+[^,.!?]{{1,80}}),\s*",
    re.IGNORECASE,
)
# "… – poinformowała agencja prasowa Reuters." at the end of a lead.
_ATTRIBUTION_SUFFIX = re.compile(rf"\s*[–—-]\s*(?:{_VERBS})\b[^.!?]{{0,100}}[.!?]?$", re.IGNORECASE)

# Paragraphs shorter than this (in distinct word pairs) are never dropped as duplicates:
# short lines ("Tak.", a live-blog time stamp, a list item) legitimately repeat.
MIN_DEDUP_WORDS = 6
# A paragraph repeating an earlier one is dropped only when both are prose paragraphs this
# long: list lines, table rows, code and headings legitimately repeat ("1 Green, 1 Red").
MIN_REPEAT_WORDS = 10
_PROSE = frozenset({"p", "quote"})
# The meta description's visible version is looked for among the first paragraphs.
LEAD_SEARCH_PARAGRAPHS = 3
# Shares of content-word stems: a marked standfirst agrees with the description, and a
# description is about the article when this share of its stems is in the title and body.
STANDFIRST_AGREEMENT = 0.5
RELEVANT_DESCRIPTION = 0.4
_STEM_CHARS = 5
_MIN_CONTENT_WORD = 4


def _stems(text: str) -> set[str]:
    """Content-word stems (first five letters): "szczytem" and "szczytu" agree."""
    return {w[:_STEM_CHARS] for w in words(text) if len(w) >= _MIN_CONTENT_WORD and not w.isdigit()}


def _stem_share(text: str, other: str) -> float:
    """Share of ``text``'s content-word stems found in ``other`` (as substrings: cheap on a
    whole article, and a stem inside a longer word is the same word often enough)."""
    stems = _stems(text)
    other = other.lower()
    return sum(stem in other for stem in stems) / len(stems) if stems else 0.0


def strip_attribution(text: str) -> str:
    """The paragraph without a leading/trailing attribution ("Jak podaje PAP, …")."""
    return _ATTRIBUTION_SUFFIX.sub("", _ATTRIBUTION_PREFIX.sub("", text, count=1))


def _tokens(text: str) -> set[str]:
    """Word bigrams: containment of bigrams does not fire on a short sentence whose
    common words merely all occur somewhere in a long paragraph."""
    tokens = words(strip_attribution(text))
    if len(tokens) < 2:
        return set(tokens)
    return {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}


def containment(small: set[str], large: set[str]) -> float:
    """Share of ``small``'s words that occur in ``large``."""
    return len(small & large) / len(small) if small else 0.0


@dataclass
class Deduped:
    lead: str
    paragraphs: list[str]
    removed: list[Removal] = field(default_factory=list)


def choose_lead(meta: PageMetadata, title: str, paragraphs: list[str], kinds: list[str],
                threshold: float = 0.8) -> tuple[str, list[str], list[str]]:
    """The record's lead, and the body without it.

    The standfirst the page shows comes first. Otherwise the meta description — but the
    visible text wins: when one of the first paragraphs is the description's version on
    the page, that paragraph becomes the lead; when a later paragraph repeats it, there
    is no lead (the description never replaces body text). A lead that only repeats the
    headline is no lead.
    """
    title_words = words(title)
    description = meta.description if words(meta.description) != title_words else ""
    standfirst = meta.standfirst if words(meta.standfirst) != title_words else ""
    # An element marked as the standfirst is one only when it says what the description says
    # (class names like "intro" or "summary" also mark sidebars and author boxes).
    # A block that holds the headline is a page header (breadcrumbs, date, byline), not it.
    if (standfirst and description and _stem_share(standfirst, description) >= STANDFIRST_AGREEMENT
            and " ".join(title_words) not in " ".join(words(standfirst))):
        return standfirst, paragraphs, kinds
    description_tokens = _tokens(description)
    # A site-wide description ("News, tips and trends for you") is not this article's lead.
    if description and _stem_share(description, "\n".join([title, *paragraphs])) < RELEVANT_DESCRIPTION:
        description = ""
    if len(description_tokens) < MIN_DEDUP_WORDS:
        return description, paragraphs, kinds
    for index, text in enumerate(paragraphs):
        tokens = _tokens(text)
        if len(tokens) >= MIN_DEDUP_WORDS and _near_duplicate(tokens, description_tokens, threshold):
            if index < LEAD_SEARCH_PARAGRAPHS and kinds[index] in _PROSE:
                return text, paragraphs[:index] + paragraphs[index + 1:], kinds[:index] + kinds[index + 1:]
            return "", paragraphs, kinds
    return description, paragraphs, kinds


def dedup_lead_and_paragraphs(lead: str, paragraphs: list[str], threshold: float = 0.8,
                              kinds: list[str] | None = None) -> Deduped:
    """Drop body paragraphs that repeat the lead or an earlier paragraph.

    When the body's version of the lead is more complete (it contains the lead and says
    more), it becomes the lead; when a later paragraph is the more complete version of an
    earlier one, it replaces the earlier one in place. Only prose paragraphs are compared
    (``kinds``): list items, table rows and code lines stay as they are.
    """
    out = Deduped(lead=lead, paragraphs=[])
    kinds = kinds or ["p"] * len(paragraphs)
    lead_tokens = _tokens(lead)
    kept_tokens: list[set[str]] = []
    pairs_in: dict[str, list[int]] = {}
    for position, (text, kind) in enumerate(zip(paragraphs, kinds)):
        tokens = _tokens(text)
        if len(tokens) < MIN_DEDUP_WORDS or kind not in _PROSE:
            out.paragraphs.append(text)
            kept_tokens.append(set() if kind not in _PROSE else tokens)
            continue
        if len(lead_tokens) >= MIN_DEDUP_WORDS and _near_duplicate(tokens, lead_tokens, threshold):
            says_more = containment(lead_tokens, tokens) >= threshold and len(tokens) > len(lead_tokens) * 1.2
            if not says_more:
                out.removed.append(Removal("lead_repeat", text))
                continue
            if position < LEAD_SEARCH_PARAGRAPHS:
                # The body's version at the top says more: it becomes the lead (kept once, there).
                out.removed.append(Removal("lead_repeat", out.lead))
                out.lead, lead_tokens = text, tokens
                continue
            # Further down, a paragraph that says more than the lead is the story quoted by
            # the standfirst: both stay.
        # Earlier paragraphs sharing a word pair with this one, in page order (an index of
        # word pairs keeps this linear in the text, not quadratic in the paragraphs).
        shared = Counter(i for pair in tokens for i in pairs_in.get(pair, ())) if len(tokens) >= MIN_REPEAT_WORDS else {}
        # Only those sharing enough pairs can contain each other (``_near_duplicate``).
        for index in sorted(i for i, n in shared.items() if n >= threshold * min(len(tokens), len(kept_tokens[i]))):
            earlier = kept_tokens[index]
            if len(earlier) >= MIN_REPEAT_WORDS and _near_duplicate(tokens, earlier, threshold):
                if len(tokens) > len(earlier) and containment(earlier, tokens) >= threshold:
                    out.removed.append(Removal("paragraph_repeat", out.paragraphs[index]))
                    out.paragraphs[index], kept_tokens[index] = text, tokens
                    _index(pairs_in, tokens, index)
                else:
                    out.removed.append(Removal("paragraph_repeat", text))
                break
        else:
            if len(tokens) >= MIN_REPEAT_WORDS:
                _index(pairs_in, tokens, len(kept_tokens))
            out.paragraphs.append(text)
            kept_tokens.append(tokens)
    return out


def _index(pairs_in: dict[str, list[int]], tokens: set[str], index: int) -> None:
    for pair in tokens:
        pairs_in.setdefault(pair, []).append(index)


def _near_duplicate(a: set[str], b: set[str], threshold: float) -> bool:
    """The shorter one is (almost) contained in the longer one."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return containment(small, large) >= threshold
