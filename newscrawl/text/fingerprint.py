"""Paragraph fingerprints and learned-boilerplate counting (pure; persisted by
``newscrawl.store.boilerplate``).

A paragraph that recurs verbatim (case, digits and spacing aside) across many different
articles of one outlet is that outlet's boilerplate: a newsletter box, a standing
disclaimer, a donation appeal written in words no phrase list knows.

Most short paragraphs are story text seen once, so counting must not cost a database
write each (that was ≈ 3.8 writes per article). ``LearnedBoilerplate`` therefore keeps,
per outlet:

- **once**: paragraphs seen in one article so far, in memory only — the newest
  ``policy.window`` of them (the oldest are forgotten first; memory stays bounded);
- **candidates**: paragraphs seen in two or more different articles (in this process, or
  as loaded from the store), with the articles they were seen in; only these are
  persisted, and only when their set of articles grew;
- **known**: paragraphs seen in ``policy.min_articles`` different articles: boilerplate.

The store is told about candidates and known paragraphs through ``take_updates`` (whole
article sets, so applying an update twice or from two processes is a union, never a
double count) and answers with what it holds (``saved``), which brings in what other
processes counted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
    ``min_articles`` different articles of one outlet is boilerplate there. ``window``:
    paragraphs seen once that are remembered per outlet, to notice when they recur."""

    min_articles: int = 8
    max_chars: int = 300
    min_chars: int = 12
    window: int = 20_000

    def candidate(self, text: str) -> bool:
        """Only short paragraphs are ever counted: long recurring paragraphs are syndicated
        story text far more often than boilerplate, and counting them would bloat the store."""
        return self.min_chars <= len(text) <= self.max_chars

    def fingerprints(self, paragraphs: Iterable[str]) -> set[str]:
        """The distinct candidate fingerprints of one article."""
        return {paragraph_fingerprint(p) for p in paragraphs if self.candidate(p)}


@dataclass(frozen=True)
class BoilerplateUpdate:
    """What one process knows of a paragraph, for the store to merge (a union)."""

    outlet: str
    fp: str
    articles: frozenset[str]   # distinct article ids (url fingerprints) it was seen in here
    sample: str = ""           # the paragraph's text (shortened), for people reading the store
    known: bool = False        # this process counts it as boilerplate (or saw known boilerplate again)


@dataclass(frozen=True)
class StoredParagraph:
    """What the store holds for a paragraph: its articles while a candidate, or known."""

    articles: frozenset[str] = frozenset()
    known: bool = False


@dataclass
class _Outlet:
    once: dict[str, str] = field(default_factory=dict)             # fp → the one article (oldest first)
    candidates: dict[str, set[str]] = field(default_factory=dict)  # fp → articles
    samples: dict[str, str] = field(default_factory=dict)          # fp → text, until persisted
    dirty: set[str] = field(default_factory=set)                   # candidates/known to persist
    known: frozenset[str] = frozenset()
    seen_known: set[str] = field(default_factory=set)              # known ones met in this run
    stale_known: set[str] = field(default_factory=set)             # known ones whose store date is old


class LearnedBoilerplate:
    """Distinct-article counts per (outlet, paragraph fingerprint) with bounded memory.

    Without a store it is all a bench or a test needs; with one, the pipeline persists
    ``take_updates()`` and hands back the store's answer with ``saved``.
    ``known(outlet)`` is maintained incrementally, so asking for it per item is cheap.
    """

    def __init__(self, policy: LearnedBoilerplatePolicy) -> None:
        self.policy = policy
        self._outlets: dict[str, _Outlet] = {}

    def _outlet(self, outlet: str) -> _Outlet:
        state = self._outlets.get(outlet)
        if state is None:
            state = self._outlets[outlet] = _Outlet()
        return state

    def known(self, outlet: str) -> frozenset[str]:
        state = self._outlets.get(outlet)
        return state.known if state is not None else frozenset()

    def observe(self, outlet: str, url: str, paragraphs: Iterable[str]) -> set[str]:
        """Count one article's paragraphs; returns the fingerprints that just became known.

        Paragraphs already known may be included (e.g. the ones the cleaner removed as
        learned boilerplate): they are not counted, only noted as still in use."""
        article = url_fingerprint(url)
        state = self._outlet(outlet)
        newly: set[str] = set()
        texts = {paragraph_fingerprint(p): p for p in paragraphs if self.policy.candidate(p)}
        for fp, text in texts.items():
            if fp in state.known:
                state.seen_known.add(fp)
                continue
            articles = state.candidates.get(fp)
            if articles is None:
                first = state.once.get(fp)
                if first is None:
                    state.once[fp] = article
                    continue
                if first == article:
                    continue
                del state.once[fp]
                articles = state.candidates[fp] = {first}
                state.samples[fp] = text[:200]
            elif article in articles:
                continue
            articles.add(article)
            state.dirty.add(fp)
            if len(articles) >= self.policy.min_articles:
                newly.add(fp)
        if newly:
            state.known = state.known | newly
            state.seen_known |= newly
        self._forget_oldest(state)
        return newly

    def _forget_oldest(self, state: _Outlet) -> None:
        """Keep at most ``policy.window`` paragraphs seen once; candidates not waiting to be
        persisted are forgotten too when there are more than that (the store has them)."""
        excess = len(state.once) + len(state.candidates) - self.policy.window
        while excess > 0 and state.once:
            del state.once[next(iter(state.once))]
            excess -= 1
        if excess > 0:
            for fp in [fp for fp in state.candidates if fp not in state.dirty][:excess]:
                del state.candidates[fp]
                state.samples.pop(fp, None)

    def take_updates(self) -> list[BoilerplateUpdate]:
        """What the store should merge since the last call: candidates whose articles grew,
        paragraphs that became known, and known ones seen again after a long while."""
        updates: list[BoilerplateUpdate] = []
        for outlet, state in self._outlets.items():
            for fp in state.dirty:
                known = fp in state.known
                articles = state.candidates.pop(fp, set()) if known else state.candidates.get(fp, set())
                # The text is stored with the first write; ``unsaved`` gives it back.
                updates.append(BoilerplateUpdate(outlet, fp, frozenset(articles), state.samples.pop(fp, ""), known))
            for fp in state.seen_known & state.stale_known:
                if fp not in state.dirty:
                    updates.append(BoilerplateUpdate(outlet, fp, frozenset(), "", True))
            state.stale_known -= state.seen_known
            state.dirty = set()
        return updates

    def unsaved(self, updates: Iterable[BoilerplateUpdate]) -> None:
        """The store could not take ``updates``: keep them for the next time."""
        for update in updates:
            state = self._outlet(update.outlet)
            if update.articles:
                state.candidates.setdefault(update.fp, set()).update(update.articles)
                if update.sample:
                    state.samples.setdefault(update.fp, update.sample)
                state.dirty.add(update.fp)
            elif update.known:  # known boilerplate met again: re-dated at the next save
                state.stale_known.add(update.fp)

    def load(self, outlet: str, stored: Mapping[str, StoredParagraph], stale_known: Iterable[str] = ()) -> set[str]:
        """Merge what the store holds for ``outlet`` (at the outlet's first page); returns
        the fingerprints that became known here (stored candidates that reach the
        threshold together with what this process counted are persisted as known)."""
        state = self._outlet(outlet)
        state.stale_known.update(stale_known)
        return self._merge(outlet, stored)

    def saved(self, stored: Mapping[tuple[str, str], StoredParagraph]) -> set[tuple[str, str]]:
        """The store's answer to an update: what it now holds for those paragraphs (with
        other processes' articles). Returns the ``(outlet, fp)`` that became known here."""
        by_outlet: dict[str, dict[str, StoredParagraph]] = {}
        for (outlet, fp), paragraph in stored.items():
            by_outlet.setdefault(outlet, {})[fp] = paragraph
        return {(outlet, fp) for outlet, paragraphs in by_outlet.items() for fp in self._merge(outlet, paragraphs)}

    def _merge(self, outlet: str, stored: Mapping[str, StoredParagraph]) -> set[str]:
        state = self._outlet(outlet)
        newly: set[str] = set()
        for fp, paragraph in stored.items():
            if fp in state.known:
                continue
            if paragraph.known:
                newly.add(fp)
                state.once.pop(fp, None)
                state.candidates.pop(fp, None)
                state.samples.pop(fp, None)
                continue
            articles = state.candidates.get(fp)
            if articles is None:
                articles = state.candidates[fp] = set(paragraph.articles)
                first = state.once.pop(fp, None)
                if first is not None and first not in articles:
                    articles.add(first)
                    state.dirty.add(fp)
            else:
                articles |= paragraph.articles
            if len(articles) >= self.policy.min_articles:
                newly.add(fp)
                state.dirty.add(fp)  # to be persisted as known
        if newly:
            state.known = state.known | newly
        return newly
