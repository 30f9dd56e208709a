"""Learned-boilerplate counts persist in MongoDB (real server, FerretDB or mongod): only
what can become boilerplate is written, counts are distinct articles across runs and
processes, and the collection is pruned."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from newscrawl.store import BOILERPLATE, BoilerplateStore
from newscrawl.text.fingerprint import (
    LearnedBoilerplate,
    LearnedBoilerplatePolicy,
    paragraph_fingerprint,
    url_fingerprint,
)

BOX = "Dołącz do grona naszych czytelników już dziś"
STORY = "Rada miasta przyjęła budżet na przyszły rok głosami koalicji."
STORY_2 = "Radni opozycji zapowiedzieli skargę do wojewody w tej sprawie."


class Process:
    """One crawler process: its in-memory learner and its own store object."""

    def __init__(self, db, min_articles: int = 3) -> None:
        self.store = BoilerplateStore(db, min_articles=min_articles)
        self.learner = LearnedBoilerplate(LearnedBoilerplatePolicy(min_articles=min_articles))
        self.store.ensure_indexes()

    def load(self, outlet: str) -> None:
        self.learner.load(outlet, *self.store.load(outlet))

    def observe(self, outlet: str, url: str, *paragraphs: str) -> None:
        self.learner.observe(outlet, url, paragraphs)

    def save(self) -> None:
        self.learner.saved(self.store.save(self.learner.take_updates()))


def test_only_recurring_paragraphs_are_written_and_counts_join_across_processes(mongo_db):
    first = Process(mongo_db)
    first.load("kresy")
    first.observe("kresy", "http://k/1", BOX, STORY)
    first.observe("kresy", "http://k/1", BOX)          # the same article again
    first.observe("kresy", "http://k/2", BOX, STORY_2)
    first.save()
    # The box recurs, so it is a candidate with its two articles; the story lines,
    # seen once each, are never written.
    assert [d["sample"] for d in mongo_db[BOILERPLATE].find()] == [BOX]
    assert first.store.writes == 1
    assert first.learner.known("kresy") == frozenset()

    # Another crawler process starts from the store: a re-crawl of article 2 does not
    # count again, a third article makes the box known (3 different articles).
    second = Process(mongo_db)
    second.load("kresy")
    second.observe("kresy", "http://k/2", BOX)
    assert second.learner.take_updates() == []
    second.observe("kresy", "http://k/3", BOX)
    second.save()
    assert second.learner.known("kresy") == {paragraph_fingerprint(BOX)}
    doc = mongo_db[BOILERPLATE].find_one({"_id": f"kresy:{paragraph_fingerprint(BOX)}"})
    assert doc["known"] is True and doc["count"] == 3 and doc["articles"] == []
    assert second.store.known("kresy") == {paragraph_fingerprint(BOX): 3}

    # The first process learns it at its next run; other outlets are not affected.
    again = Process(mongo_db)
    again.load("kresy")
    again.load("other")
    assert again.learner.known("kresy") == {paragraph_fingerprint(BOX)}
    assert again.learner.known("other") == frozenset()
    # Known boilerplate is no longer counted: nothing more to write.
    again.observe("kresy", "http://k/4", BOX)
    assert again.learner.take_updates() == []


def test_two_processes_each_below_the_threshold_learn_it_together(mongo_db):
    """Each process sees the box in 2 articles (threshold 4): neither can learn it alone;
    the store's union makes it known for the next run of either."""
    a, b = Process(mongo_db, min_articles=4), Process(mongo_db, min_articles=4)
    a.load("o")
    b.load("o")
    a.observe("o", "http://o/a1", BOX)
    a.observe("o", "http://o/a2", BOX)
    b.observe("o", "http://o/b1", BOX)
    b.observe("o", "http://o/b2", BOX)
    a.save()
    b.save()  # b reads a's two articles before writing: the union reaches 4
    assert b.learner.known("o") == {paragraph_fingerprint(BOX)}
    later = Process(mongo_db, min_articles=4)
    later.load("o")
    assert later.learner.known("o") == {paragraph_fingerprint(BOX)}


def test_saving_nothing_makes_no_round_trip(mongo_db):
    store = BoilerplateStore(mongo_db, min_articles=3)
    assert store.save([]) == {}
    assert store.writes == 0


def test_prune_bounds_the_collection(mongo_db):
    now = datetime(2026, 11, 28, tzinfo=timezone.utc)
    old, recent = now - timedelta(days=91), now - timedelta(days=3)
    docs = [
        {"_id": "o:known-old", "outlet": "o", "fp": "known-old", "known": True, "count": 9, "updated_at": old},
        {"_id": "o:known-new", "outlet": "o", "fp": "known-new", "known": True, "count": 9, "updated_at": recent},
        {"_id": "o:cand-old", "outlet": "o", "fp": "cand-old", "articles": ["a", "b"], "count": 2, "updated_at": old},
        # Written by the older code: every short paragraph, seen once, no count.
        {"_id": "o:legacy", "outlet": "o", "fp": "legacy", "articles": ["a"], "updated_at": recent},
        {"_id": "p:cand-old", "outlet": "p", "fp": "cand-old", "articles": ["a", "b"], "count": 2, "updated_at": old},
    ]
    docs += [
        {"_id": f"o:c{i}", "outlet": "o", "fp": f"c{i}", "articles": ["a", "b"], "count": 2,
         "updated_at": recent + timedelta(minutes=i)}
        for i in range(5)
    ]
    mongo_db[BOILERPLATE].insert_many(docs)
    store = BoilerplateStore(mongo_db, min_articles=8, max_candidates=3, expire_days=90)
    store.prune("o", now=now)
    left = {d["_id"] for d in mongo_db[BOILERPLATE].find({}, {"_id": 1})}
    # Expired and legacy documents go; of the candidates, the 3 most recently updated stay;
    # another outlet is pruned only by its own crawl.
    assert left == {"o:known-new", "o:c2", "o:c3", "o:c4", "p:cand-old"}


def test_known_boilerplate_met_again_is_redated_once(mongo_db):
    fp = paragraph_fingerprint(BOX)
    long_ago = datetime.now(timezone.utc) - timedelta(days=30)
    mongo_db[BOILERPLATE].insert_one(
        {"_id": f"o:{fp}", "outlet": "o", "fp": fp, "known": True, "count": 8, "updated_at": long_ago}
    )
    process = Process(mongo_db)
    process.load("o")
    for n in range(3):
        process.observe("o", f"http://o/{n}", BOX)
    process.save()
    process.save()
    assert process.store.writes == 1
    assert mongo_db[BOILERPLATE].find_one({"_id": f"o:{fp}"})["updated_at"] > long_ago + timedelta(days=29)


def test_extract_pipeline_learns_an_outlets_sidebar_across_runs(mongo_uri, mongo_db):
    """Two runs of the pipeline (its worker pool included) over the windows-1250 newsroom
    outlet: the first learns its recurring sidebar line as it goes, the second starts with
    it known (from MongoDB)."""
    from datetime import datetime, timezone

    from scrapy.utils.test import get_crawler

    from newscrawl.items import FetchedPage
    from newscrawl.pipelines import ExtractPipeline
    from tests.newsroom import Newsroom

    room = Newsroom(articles_per_outlet=24, seed=0)
    expected = room.articles("nr-gazeta")
    settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "NEWSCRAWL_BATCH_SIZE": 5,
                "NEWSCRAWL_BOILERPLATE_MIN_ARTICLES": 8, "NEWSCRAWL_LEARN_BOILERPLATE": True,
                "NEWSCRAWL_WORKERS": 2}

    async def crawl_once() -> tuple[list[str], dict]:
        crawler = get_crawler(settings_dict=settings)
        pipeline = ExtractPipeline.from_crawler(crawler)
        pipeline.open_spider()
        texts = []
        try:
            for e in expected:
                page = FetchedPage(e.url, e.outlet, room.page_bytes(e), 200, {}, datetime.now(timezone.utc))
                texts.append((await pipeline.process_item(page))["article"].text)
        finally:
            await pipeline.close_spider()
        return texts, crawler.stats.get_stats()

    first, stats = asyncio.run(crawl_once())
    clean = [t == e.text for t, e in zip(first, expected)]
    assert not all(clean[:8]) and all(clean[12:])  # learned within the first run
    assert stats["newscrawl/boilerplate/learned"] == 1
    second, stats = asyncio.run(crawl_once())
    assert second == [e.text for e in expected]  # known from the start of the next run
    assert mongo_db[BOILERPLATE].count_documents({"outlet": "nr-gazeta", "known": True}) == 1
    # Neither run wrote the story's own short paragraphs (each seen in one article only).
    assert mongo_db[BOILERPLATE].count_documents({}) == 1
    assert "newscrawl/boilerplate/store_failed" not in stats


def test_memory_is_bounded_by_the_window():
    """Paragraphs seen once are remembered up to the window (oldest forgotten first);
    recurring ones are kept until they are known."""
    learner = LearnedBoilerplate(LearnedBoilerplatePolicy(min_articles=3, window=2))
    learner.observe("o", "http://o/1", [BOX, STORY])
    learner.observe("o", "http://o/2", [BOX])            # the box recurs: a candidate
    learner.observe("o", "http://o/3", [STORY_2])        # the window is full: STORY is forgotten
    learner.observe("o", "http://o/4", [STORY])          # …so this counts as its first sighting
    learner.observe("o", "http://o/5", [BOX])
    assert learner.known("o") == {paragraph_fingerprint(BOX)}
    assert [u.fp for u in learner.take_updates()] == [paragraph_fingerprint(BOX)]
    learner.observe("o", "http://o/6", [STORY])
    assert [sorted(u.articles) for u in learner.take_updates()] == [
        sorted({url_fingerprint("http://o/4"), url_fingerprint("http://o/6")})
    ]


def test_an_unreachable_store_is_counted_and_learning_goes_on_in_memory():
    from datetime import datetime, timezone

    from scrapy.utils.test import get_crawler

    from newscrawl.items import FetchedPage
    from newscrawl.pipelines import ExtractPipeline
    from tests.newsroom import Newsroom
    from tools.localmongo import free_port

    room = Newsroom(articles_per_outlet=24, seed=0)
    expected = room.articles("nr-gazeta")
    settings = {"MONGO_URI": f"mongodb://127.0.0.1:{free_port()}", "MONGO_DATABASE": "unused",
                "NEWSCRAWL_MONGO_TIMEOUT": 0.3, "NEWSCRAWL_BATCH_SIZE": 5, "NEWSCRAWL_WORKERS": 0}

    async def crawl() -> tuple[list[str], dict]:
        crawler = get_crawler(settings_dict=settings)
        pipeline = ExtractPipeline.from_crawler(crawler)
        pipeline.open_spider()
        texts = []
        for e in expected:
            page = FetchedPage(e.url, e.outlet, room.page_bytes(e), 200, {}, datetime.now(timezone.utc))
            texts.append((await pipeline.process_item(page))["article"].text)
        await pipeline.close_spider()
        return texts, crawler.stats.get_stats()

    texts, stats = asyncio.run(crawl())
    assert all(t == e.text for t, e in zip(texts[12:], expected[12:]))  # learned in memory
    assert stats["newscrawl/boilerplate/learned"] == 1
    assert stats["newscrawl/boilerplate/store_failed"] >= 3  # indexes, load, saves, prune
    assert "newscrawl/boilerplate/writes" not in stats


def test_counts_that_could_not_be_saved_are_saved_next_time(mongo_db):
    process = Process(mongo_db)
    process.observe("o", "http://o/1", BOX)
    process.observe("o", "http://o/2", BOX)
    process.learner.unsaved(process.learner.take_updates())  # e.g. MongoDB was down
    process.observe("o", "http://o/3", BOX)                  # known now (3 articles)
    process.learner.unsaved(process.learner.take_updates())
    process.save()
    doc = mongo_db[BOILERPLATE].find_one({"_id": f"o:{paragraph_fingerprint(BOX)}"})
    assert doc["known"] is True and doc["count"] == 3 and doc["sample"] == BOX
    assert process.learner.take_updates() == []
