"""Exact duplicates, near duplicates and story clusters of one batch of records (pure).

Given the records of a batch and the stored records that share a band key or a content
hash with them (what one indexed query returns), decide for each record of the batch:

- ``duplicate_of``: the first stored record with the same normalised text (``content_hash``);
- ``near_duplicate_of`` and ``similarity``: the earlier record with the highest estimated
  Jaccard similarity among those sharing a band key, when it reaches the threshold;
- ``story_id``: that record's story, else a new story named after the record itself.

"Earlier" means stored first (``first_seen_at``); records new in this batch come after every
stored one, in batch order, so duplicates within one batch are found too. A record re-crawled
with an unchanged fingerprint keeps its stored decisions, so a re-crawl changes no
``story_id``. A story is never merged or split after the fact: a record joins the story of
its best earlier match (stories are stable; two clusters that a later record bridges stay two).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from newscrawl.corpus.minhash import MinHashParams, similarity
from newscrawl.envsettings import SettingError

_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class DedupParams:
    """Fingerprint parameters and the similarity from which a record is a near duplicate."""

    minhash: MinHashParams = field(default_factory=MinHashParams)
    threshold: float = 0.8

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], not {self.threshold}")

    @classmethod
    def from_settings(cls, settings: Any) -> DedupParams:
        """From Scrapy settings; a value out of range stops with one line naming the setting."""
        names = ("NEWSCRAWL_SHINGLE_SIZE", "NEWSCRAWL_MINHASH_PERMUTATIONS", "NEWSCRAWL_LSH_BANDS",
                 "NEWSCRAWL_NEAR_DUP_THRESHOLD")
        values = {name: settings.get(name) for name in names}
        try:
            return cls(
                MinHashParams(settings.getint(names[0], 5), settings.getint(names[1], 128), settings.getint(names[2], 32)),
                settings.getfloat(names[3], 0.8),
            )
        except ValueError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in values.items() if v is not None)
            raise SettingError(f"{exc} ({shown})") from None


@dataclass(frozen=True)
class Decision:
    duplicate_of: str | None = None
    near_duplicate_of: str | None = None
    similarity: float | None = None
    story_id: str | None = None


@dataclass(frozen=True)
class Known:
    """A record as dedup sees it: stored (``first_seen`` set, or None for a legacy record) or new."""

    id: str
    content_hash: str
    minhash: bytes | None
    lsh: tuple[int, ...]
    first_seen: datetime | None
    decision: Decision = Decision()


@dataclass(frozen=True)
class Incoming:
    """A record of the batch: its new fingerprint and, when already stored, the stored version."""

    id: str
    content_hash: str
    minhash: bytes | None
    lsh: tuple[int, ...]
    stored: Known | None = None

    @property
    def unchanged(self) -> bool:
        """Stored with the same text fingerprints and dedup decisions already made."""
        s = self.stored
        return (s is not None and s.decision.story_id is not None and s.minhash == self.minhash
                and s.content_hash == self.content_hash)


def story_id_for(record_id: str) -> str:
    """The id of a story founded by ``record_id`` (deterministic: a re-built database agrees)."""
    return hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:16]


def assign(batch: list[Incoming], stored: Iterable[Known], params: DedupParams) -> list[Decision]:
    """One decision per record of ``batch``, in order (see the module docstring)."""
    batch_ids = {r.id for r in batch}
    by_key: dict[int, list[tuple[tuple, Known]]] = defaultdict(list)
    by_hash: dict[str, list[tuple[tuple, Known]]] = defaultdict(list)

    def add(order: tuple, known: Known) -> None:
        for key in known.lsh:
            by_key[key].append((order, known))
        if known.content_hash:
            by_hash[known.content_hash].append((order, known))

    def stored_order(known: Known) -> tuple:
        return (known.first_seen or _EARLIEST, 0, known.id)

    # The database's version of a batch record is replaced by the batch's own.
    for known in stored:
        if known.id not in batch_ids:
            add(stored_order(known), known)
    orders: list[tuple] = []
    for position, record in enumerate(batch):
        if record.stored is not None:
            orders.append(stored_order(record.stored))
        else:
            orders.append((_LATEST, position, record.id))
        if record.unchanged:
            assert record.stored is not None
            add(orders[-1], replace(record.stored, lsh=record.lsh))

    decisions: list[Decision] = []
    for record, order in zip(batch, orders):
        if record.unchanged:
            assert record.stored is not None
            decisions.append(record.stored.decision)
            continue
        decision = _decide(record, order, by_key, by_hash, params.threshold)
        decisions.append(decision)
        add(order, Known(record.id, record.content_hash, record.minhash, record.lsh,
                         record.stored.first_seen if record.stored else None, decision))
    return decisions


def _decide(record: Incoming, order: tuple, by_key, by_hash, threshold: float) -> Decision:
    def earlier(entries) -> list[tuple[tuple, Known]]:
        return [(o, k) for o, k in entries if o < order and k.id != record.id]

    same_text = earlier(by_hash.get(record.content_hash, ())) if record.content_hash else []
    exact = min(same_text, key=lambda item: item[0], default=None)
    candidates = {k.id: (o, k) for key in record.lsh for o, k in earlier(by_key.get(key, ())) if k.minhash}
    best: tuple[float, Known] | None = None
    # Earliest first, so that among equally similar records the earliest wins.
    for _, known in sorted(candidates.values(), key=lambda item: item[0]):
        assert record.minhash is not None and known.minhash is not None
        sim = similarity(record.minhash, known.minhash)
        if sim >= threshold and (best is None or sim > best[0]):
            best = (sim, known)
    duplicate_of = exact[1].id if exact else None
    if best is not None:
        return Decision(duplicate_of, best[1].id, round(best[0], 4), _story_of(best[1]))
    if exact is not None:
        return Decision(duplicate_of, None, None, _story_of(exact[1]))
    return Decision(None, None, None, story_id_for(record.id))


def _story_of(known: Known) -> str:
    return known.decision.story_id or story_id_for(known.id)
