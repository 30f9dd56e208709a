"""Lead and paragraph dedup: every sentence of the story once.

A body paragraph that near-duplicates the lead or an earlier paragraph — also behind an
attribution prefix such as "Jak poinformowała agencja prasowa Reuters, …" — is kept once,
and the more complete version wins. "Near-duplicate" is token containment: the share of
the shorter one's distinct words found in the longer one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newscrawl.text import phrases
from newscrawl.text.boilerplate import Removal, words

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


def dedup_lead_and_paragraphs(lead: str, paragraphs: list[str], threshold: float = 0.8) -> Deduped:
    """Drop body paragraphs that repeat the lead or an earlier paragraph.

    When the body's version of the lead is more complete (it contains the lead and says
    more), it becomes the lead; when a later paragraph is the more complete version of an
    earlier one, it replaces the earlier one in place.
    """
    out = Deduped(lead=lead, paragraphs=[])
    lead_tokens = _tokens(lead)
    kept_tokens: list[set[str]] = []
    for text in paragraphs:
        tokens = _tokens(text)
        if len(tokens) < MIN_DEDUP_WORDS:
            out.paragraphs.append(text)
            kept_tokens.append(tokens)
            continue
        if len(lead_tokens) >= MIN_DEDUP_WORDS and _near_duplicate(tokens, lead_tokens, threshold):
            if (
                containment(lead_tokens, tokens) >= threshold
                and len(tokens) > len(lead_tokens) * 1.2
            ):
                # The body's version says more: it becomes the lead (kept once, there).
                out.removed.append(Removal("lead_repeat", out.lead))
                out.lead, lead_tokens = text, tokens
            else:
                out.removed.append(Removal("lead_repeat", text))
            continue
        for index, earlier in enumerate(kept_tokens):
            if len(earlier) >= MIN_DEDUP_WORDS and _near_duplicate(tokens, earlier, threshold):
                if len(tokens) > len(earlier) and containment(earlier, tokens) >= threshold:
                    out.removed.append(Removal("paragraph_repeat", out.paragraphs[index]))
                    out.paragraphs[index], kept_tokens[index] = text, tokens
                else:
                    out.removed.append(Removal("paragraph_repeat", text))
                break
        else:
            out.paragraphs.append(text)
            kept_tokens.append(tokens)
    return out


def _near_duplicate(a: set[str], b: set[str], threshold: float) -> bool:
    """The shorter one is (almost) contained in the longer one."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return containment(small, large) >= threshold
