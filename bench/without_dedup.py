"""The crawl's store pipeline without duplicate detection, for ``bench/throughput.py
--without-dedup`` only (named in the crawl's ``ITEM_PIPELINES``; never used by a real crawl).

On FerretDB 1.24 the writer finds duplicate candidates with one scan of the stored
fingerprints per batch (``newscrawl/store/corpus.py``): ~0.6 ms per stored record and
batch, which grows with the database and hides every other storage cost. This measures
the crawl and the store without it, until that scan is replaced. Records get no
``duplicate_of``/``near_duplicate_of``/``story_id`` decision.
"""

from __future__ import annotations

from typing import Any

from newscrawl import pipelines
from newscrawl.store.corpus import BatchDedup


class _NoDedup(BatchDedup):
    def annotate(self, articles: Any, docs: list[dict[str, Any]], existing: Any = None) -> None:
        pass


class MongoPipelineWithoutDedup(pipelines.MongoPipeline):
    def _open(self) -> None:
        pipelines.BatchDedup = _NoDedup  # type: ignore[misc]  # this crawl process only
        super()._open()


ITEM_PIPELINES = {"newscrawl.pipelines.ExtractPipeline": 300, "bench.without_dedup.MongoPipelineWithoutDedup": 800}
