"""How long a crawl spent on storage, in its stats: ``newscrawl/store/busy_seconds`` (storage
threads writing) and ``newscrawl/store/wait_seconds`` (the crawl held up by storage)."""

from __future__ import annotations

from newscrawl import pipelines
from newscrawl.pipelines import STORE_BUSY, STORE_WAIT, StorageTime
from tests.test_page_signals_crawl import ARTICLES, crawl, site_with  # noqa: F401 - a fixture


class Stats(dict):
    def get_value(self, key, default=None):
        return self.get(key, default)

    def set_value(self, key, value):
        self[key] = value


def test_overlapping_waits_count_once(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(pipelines.time, "monotonic", lambda: now[0])
    stats = Stats()
    storage = StorageTime(stats)
    with storage.waiting():          # 0 → 5, with a wait of 2 → 4 inside it (both pipelines closing)
        now[0] = 2.0
        with storage.waiting():
            now[0] = 4.0
        now[0] = 5.0
    now[0] = 10.0
    with storage.waiting():
        now[0] = 12.0
    storage.add_busy(1.5)
    storage.add_busy(0.25)
    assert stats == {STORE_WAIT: 7.0, STORE_BUSY: 1.75}


def test_a_crawl_reports_its_storage_time(site_with, tmp_path, mongo_uri, mongo_db):
    site = site_with(lambda n: "")
    _, stats = crawl(site, tmp_path, mongo_uri, mongo_db)
    assert mongo_db.articles.count_documents({}) == ARTICLES
    # The writer thread wrote them; the crawl waited at its start and end (a share of its time).
    assert stats[STORE_BUSY] > 0
    assert 0 < stats[STORE_WAIT] < stats["elapsed_time_seconds"]
