"""Re-run the current text stage over the raw pages already stored (``scrapy reprocess``).

Every stored article has its raw page in ``pages``. ``Reprocessor.run`` reads those pages as
a stream, runs each through the same text stage as a crawl — in the same worker pool
(``workers.py``), with the outlet's registry phrases and the learned boilerplate known now —
and writes the records through the same writer stages as a crawl (``BatchStorer``): a record
whose content comes out the same is unchanged (``updated_at`` stays), a changed one is
judged again by the dedup annotators. No network: only MongoDB.

At most two batches of pages are in memory (one in the pool while the other is written),
whatever the size of the corpus. Nothing here imports Scrapy.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from newscrawl.store.mongo import article_document, fetched_page
from newscrawl.store.writer import CHANGED, REPROCESS, BatchStorer, StoreRecord
from newscrawl.text.article import Rejected, TextOptions
from newscrawl.workers import InProcessText, TextOutcome, TextWorkerPool

# What a changed record is attributed to when no cleaning rule removed anything else:
# the extraction itself (trafilatura, metadata, dates, the lead) came out differently.
NO_RULE = "(extraction or metadata)"
UNREADABLE = "unreadable_page"


def rules_that_changed(old: dict[str, Any] | None, new: dict[str, Any] | None) -> set[str]:
    """The cleaning rules whose removals differ between two ``cleaning`` audits; ``NO_RULE``
    when every rule removed the same paragraphs."""
    def removals(cleaning: dict[str, Any] | None) -> Counter[tuple[str, str]]:
        return Counter((str(r.get("rule")), str(r.get("text"))) for r in (cleaning or {}).get("removed", []))

    before, after = removals(old), removals(new)
    return {rule for rule, _ in (before - after) + (after - before)} or {NO_RULE}


@dataclass
class ReprocessReport:
    pages: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # new, changed, unchanged, failed, …
    rejected: Counter[str] = field(default_factory=Counter)  # pages that gave no record, by reason
    rules: Counter[str] = field(default_factory=Counter)     # changed records per cleaning rule
    seconds: float = 0.0

    def lines(self, dry_run: bool = False) -> list[str]:
        """The summary ``scrapy reprocess`` prints."""
        per_page = f", {1000 * self.seconds / self.pages:.0f} ms per page" if self.pages else ""
        verb = "would change" if dry_run else "changed"
        counts = [f"{self.statuses['changed']} {verb}", f"{self.statuses['unchanged']} unchanged"]
        # new: a page whose record was gone; stale: a newer fetch of the URL is stored.
        counts += [f"{self.statuses[s]} {s}" for s in ("new", "stale", "failed") if self.statuses[s]]
        counts.append(f"{sum(self.rejected.values())} rejected"
                      + (f" ({', '.join(f'{r} {n}' for r, n in self.rejected.most_common())})" if self.rejected else ""))
        lines = [f"reprocessed {self.pages} pages in {self.seconds:.1f}s{per_page}: {', '.join(counts)}"]
        if self.rules:
            lines.append(f"records {verb} by cleaning rule:")
            width = max(len(rule) for rule in self.rules)
            lines += [f"  {rule.ljust(width)}  {n}" for rule, n in sorted(self.rules.items(), key=lambda x: (-x[1], x[0]))]
        return lines


class Reprocessor:
    """Pages in, records written: the text stage in ``text``, the writes by ``storer``."""

    def __init__(self, storer: BatchStorer, text: TextWorkerPool | InProcessText,
                 options_for: Callable[[str], TextOptions], batch_size: int = 100) -> None:
        self.storer = storer
        self.text = text
        self.options_for = options_for
        self.batch_size = max(1, batch_size)
        self.report = ReprocessReport()
        self._pending: deque[Future[TextOutcome] | Rejected] = deque()

    def run(self, pages: Iterable[dict[str, Any]]) -> ReprocessReport:
        """Reprocess every ``pages`` document (``StorageUnavailable`` when MongoDB stays
        away; what was written until then stays written)."""
        started = time.monotonic()
        try:
            for doc in pages:
                self.report.pages += 1
                try:
                    page = fetched_page(doc)
                except (KeyError, TypeError, ValueError, zlib.error) as exc:
                    self._pending.append(Rejected(UNREADABLE, f"{doc.get('_id')}: {exc}"))
                else:
                    self._pending.append(self.text.submit(page, self.options_for(page.outlet)))
                if len(self._pending) >= 2 * self.batch_size:  # the pool works on one batch while one is written
                    self._write_batch()
            while self._pending:
                self._write_batch()
        finally:
            self.report.seconds = time.monotonic() - started
        return self.report

    def _write_batch(self) -> None:
        records = []
        for _ in range(min(self.batch_size, len(self._pending))):
            item = self._pending.popleft()
            result = item if isinstance(item, Rejected) else item.result().result
            if isinstance(result, Rejected):
                self.report.rejected[result.reason] += 1
            else:
                records.append(StoreRecord(article_document(result), origin=REPROCESS))
        if not records:
            return
        self.storer.write_batch(records)
        for record in records:
            self.report.statuses[record.status] += 1
            if record.status == CHANGED:
                self.report.rules.update(rules_that_changed((record.stored or {}).get("cleaning"),
                                                            record.article.get("cleaning")))
