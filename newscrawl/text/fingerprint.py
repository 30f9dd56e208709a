"""Paragraph fingerprints and the learned-boilerplate decision (pure; the counts are
persisted by ``newscrawl.store.boilerplate``).

A paragraph that recurs verbatim (case, digits and spacing aside) across many different
articles of one outlet is that outlet's boilerplate: a newsletter box, a standing
disclaimer, a donation appeal written in words no phrase list knows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_NON_WORD = re.compile(r"[\W\d_]+", re.UNICODE)


def paragraph_fingerprint(text: str) -> str:
    """16 hex chars of sha1 over the paragraph's letters (case-, digit- and space-folded)."""
    folded = _NON_WORD.sub(" ", text.lower()).strip()
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def url_fingerprint(url: str) -> str:
    """Short stable id of an article, to count *different* articles per paragraph."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class LearnedBoilerplatePolicy:
    """Thresholds: a paragraph of at most ``max_chars`` characters seen in at least
    ``min_articles`` different articles of one outlet is boilerplate there."""

    min_articles: int = 8
    max_chars: int = 300
    min_chars: int = 12

    def candidate(self, text: str) -> bool:
        """Only short paragraphs are ever counted: long recurring paragraphs are syndicated
        story text far more often than boilerplate, and counting them would bloat the store."""
        return self.min_chars <= len(text) <= self.max_chars

    def fingerprints(self, paragraphs: Iterable[str]) -> set[str]:
        """The distinct candidate fingerprints of one article."""
        return {paragraph_fingerprint(p) for p in paragraphs if self.candidate(p)}

    def known(self, counts: Mapping[str, int]) -> frozenset[str]:
        """Fingerprints whose article count reaches the threshold."""
        return frozenset(fp for fp, n in counts.items() if n >= self.min_articles)


class LearnedBoilerplate:
    """Distinct-article counts per (outlet, fingerprint) kept in memory between flushes to
    the store (and all the bench needs without a database).

    ``known(outlet)`` is maintained incrementally, so asking for it per item is cheap.
    """

    def __init__(self, policy: LearnedBoilerplatePolicy) -> None:
        self.policy = policy
        self.local: dict[str, dict[str, set[str]]] = {}   # not yet flushed: fp → article ids
        self.base: dict[str, dict[str, int]] = {}         # persisted counts (≥ 2 only)
        self._known: dict[str, frozenset[str]] = {}

    def _count(self, outlet: str, fp: str) -> int:
        return max(self.base.get(outlet, {}).get(fp, 0), len(self.local.get(outlet, {}).get(fp, ())))

    def _promote(self, outlet: str, fps: Iterable[str]) -> set[str]:
        known = self._known.get(outlet, frozenset())
        newly = {fp for fp in fps if fp not in known and self._count(outlet, fp) >= self.policy.min_articles}
        if newly:
            self._known[outlet] = known | newly
        return newly

    def observe(self, outlet: str, url: str, paragraphs: Iterable[str]) -> set[str]:
        """Count one article's paragraphs; returns the fingerprints that just became known."""
        article = url_fingerprint(url)
        per_outlet = self.local.setdefault(outlet, {})
        fps = self.policy.fingerprints(paragraphs)
        for fp in fps:
            per_outlet.setdefault(fp, set()).add(article)
        return self._promote(outlet, fps)

    def set_base(self, outlet: str, counts: Mapping[str, int]) -> set[str]:
        """Counts already persisted (e.g. the known boilerplate loaded from the store)."""
        self.base.setdefault(outlet, {}).update(counts)
        return self._promote(outlet, counts)

    def flushed(self, outlet: str, counts: Mapping[str, int]) -> set[str]:
        """The store now holds ``counts``: forget the local sets, keep counts that matter
        (a paragraph seen once is most of them; the store remembers it)."""
        local, base = self.local.get(outlet, {}), self.base.setdefault(outlet, {})
        for fp, count in counts.items():
            local.pop(fp, None)
            if count >= 2:
                base[fp] = count
            else:
                base.pop(fp, None)
        return self._promote(outlet, counts)

    def known(self, outlet: str) -> frozenset[str]:
        return self._known.get(outlet, frozenset())
