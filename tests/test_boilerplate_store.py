"""Learned-boilerplate counts persist in MongoDB (real server, FerretDB or mongod)."""

from __future__ import annotations

from newscrawl.store import BOILERPLATE, BoilerplateStore
from newscrawl.text.fingerprint import paragraph_fingerprint, url_fingerprint

BOX = "Dołącz do grona naszych czytelników już dziś"
STORY = "Rada miasta przyjęła budżet na przyszły rok głosami koalicji."


def observe(store: BoilerplateStore, outlet: str, url: str, *paragraphs: str) -> None:
    store.observe(outlet, url_fingerprint(url), [(paragraph_fingerprint(p), p) for p in paragraphs])


def test_counts_distinct_articles_across_flushes_and_processes(mongo_db):
    first = BoilerplateStore(mongo_db, min_articles=3)
    first.ensure_indexes()
    observe(first, "kresy", "http://k/1", BOX, STORY)
    observe(first, "kresy", "http://k/1", BOX)          # the same article again
    observe(first, "kresy", "http://k/2", BOX)
    counts = first.flush()
    assert counts["kresy"][paragraph_fingerprint(BOX)] == 2
    assert first.known("kresy") == {}

    # Another crawler process (its own store object) adds the third article.
    second = BoilerplateStore(mongo_db, min_articles=3)
    observe(second, "kresy", "http://k/2", BOX)
    observe(second, "kresy", "http://k/3", BOX)
    second.flush()
    assert second.known("kresy") == {paragraph_fingerprint(BOX): 3}
    assert first.known("kresy") == {paragraph_fingerprint(BOX): 3}
    assert second.known("other-outlet") == {}

    # Known paragraphs are no longer updated: the stored array does not grow.
    observe(second, "kresy", "http://k/4", BOX)
    second.flush()
    doc = mongo_db[BOILERPLATE].find_one({"_id": f"kresy:{paragraph_fingerprint(BOX)}"})
    assert doc["known"] is True and doc["count"] == 3 and doc["articles"] == []
    assert doc["sample"] == BOX


def test_flush_without_observations_makes_no_round_trip(mongo_db):
    store = BoilerplateStore(mongo_db, min_articles=3)
    assert store.flush() == {}
    assert store.pending == 0


def test_extract_pipeline_learns_an_outlets_sidebar_across_runs(mongo_uri, mongo_db):
    """Two crawl runs of the windows-1250 newsroom outlet: the first learns its recurring
    sidebar line as it goes, the second starts with it known (from MongoDB)."""
    from datetime import datetime, timezone

    from scrapy.utils.test import get_crawler

    from newscrawl.items import FetchedPage
    from newscrawl.pipelines import ExtractPipeline
    from tests.newsroom import Newsroom

    room = Newsroom(articles_per_outlet=24, seed=0)
    expected = room.articles("nr-gazeta")
    settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "NEWSCRAWL_BATCH_SIZE": 5,
                "NEWSCRAWL_BOILERPLATE_MIN_ARTICLES": 8, "NEWSCRAWL_LEARN_BOILERPLATE": True}

    def crawl_once() -> list[str]:
        crawler = get_crawler(settings_dict=settings)
        pipeline = ExtractPipeline.from_crawler(crawler)
        pipeline.open_spider()
        texts = []
        for e in expected:
            page = FetchedPage(e.url, e.outlet, room.page_bytes(e), 200, {}, datetime.now(timezone.utc))
            texts.append(pipeline.process_item(page)["article"].text)
        pipeline.close_spider()
        return texts

    first = crawl_once()
    clean = [t == e.text for t, e in zip(first, expected)]
    assert not all(clean[:8]) and all(clean[12:])  # learned within the first run
    second = crawl_once()
    assert second == [e.text for e in expected]  # known from the start of the next run
    assert mongo_db[BOILERPLATE].count_documents({"outlet": "nr-gazeta", "known": True}) >= 1
