"""Exact and near duplicates, stories: the pure fingerprints and the one-query-per-batch store side."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from pymongo import MongoClient
from pymongo.monitoring import CommandListener

from newscrawl.corpus.minhash import MinHashParams, fingerprint, shingles, similarity
from newscrawl.corpus.stories import DedupParams, story_id_for
from newscrawl.envsettings import SettingError
from newscrawl.store.corpus import (DEDUP_FIELDS, DEDUP_INDEX, BatchDedup, KeyIndex, annotate_duplicates,
                                    ensure_corpus_indexes)
from tests.corpusdata import NOW, text_of
from tests.corpusdata import article_doc as doc
from tests.corpusdata import write_batch as write
from tests.newsroom import Newsroom
from tests.newsroom.syndication import add_sentence, attribution_prefix, drop_sentence, promote_lead, reorder_paragraphs

PARAMS = MinHashParams()


@pytest.fixture(scope="module")
def stories():
    """Newsroom articles: (lead, paragraphs) of unrelated stories."""
    return [(a.lead, list(a.paragraphs)) for a in Newsroom(articles_per_outlet=24).all_articles()]


# ------------------------------------------------------------------ fingerprints (pure)
def test_order_of_paragraphs_and_a_promoted_lead_do_not_change_the_fingerprint(stories):
    lead, paragraphs = stories[0]
    original = fingerprint(lead, text_of(paragraphs), PARAMS)
    reordered = fingerprint(lead, text_of(list(reversed(paragraphs))), PARAMS)
    promoted_lead, promoted = promote_lead(lead, paragraphs)
    lead_in_body = fingerprint(promoted_lead, text_of(promoted), PARAMS)
    assert original == reordered == lead_in_body


def test_small_edits_stay_above_the_threshold_and_other_stories_far_below(stories):
    rng = random.Random(3)
    lead, paragraphs = stories[1]
    original = fingerprint(lead, text_of(paragraphs), PARAMS)
    edited = attribution_prefix(drop_sentence(reorder_paragraphs(paragraphs, rng), rng), "Jak podaje PAP, ")
    edited = add_sentence(edited, "Sprawą zajmie się również wojewoda.", rng)
    rewrite = fingerprint(lead, text_of(edited), PARAMS)
    assert similarity(original.minhash, rewrite.minhash) >= 0.8
    assert set(original.lsh) & set(rewrite.lsh)
    for other_lead, other in stories[2:]:
        other_print = fingerprint(other_lead, text_of(other), PARAMS)
        assert similarity(original.minhash, other_print.minhash) < 0.5


def test_shingles_are_word_runs_within_sentences():
    grams = shingles("", "Ala ma kota. Kot ma Alę i psa oraz rybki w akwarium.", 3)
    assert b"ala ma kota" in grams and b"kot ma al\xc4\x99" in grams
    assert b"ma kota kot" not in grams  # never across a sentence end


def test_parameters_are_part_of_the_band_keys_and_text_without_words_has_no_fingerprint(stories):
    lead, paragraphs = stories[0]
    a = fingerprint(lead, text_of(paragraphs), PARAMS)
    b = fingerprint(lead, text_of(paragraphs), MinHashParams(shingle_size=4))
    assert not set(a.lsh) & set(b.lsh)
    assert len(a.minhash) == 4 * PARAMS.permutations and len(a.lsh) == PARAMS.bands
    assert fingerprint("", " … – ", PARAMS) is None


class Settings(dict):
    def get(self, name, default=None):
        return super().get(name, default)

    def getint(self, name, default=0):
        return int(self.get(name, default))

    def getfloat(self, name, default=0.0):
        return float(self.get(name, default))


def test_dedup_settings_out_of_range_stop_with_one_line_naming_them():
    good = DedupParams.from_settings(Settings(NEWSCRAWL_LSH_BANDS=16, NEWSCRAWL_NEAR_DUP_THRESHOLD=0.9))
    assert good.minhash.bands == 16 and good.minhash.rows == 8 and good.threshold == 0.9
    for bad in ({"NEWSCRAWL_LSH_BANDS": 500}, {"NEWSCRAWL_NEAR_DUP_THRESHOLD": 1.5}, {"NEWSCRAWL_SHINGLE_SIZE": 0}):
        with pytest.raises(SettingError) as err:
            DedupParams.from_settings(Settings(bad))
        message = str(err.value)
        assert "\n" not in message and next(iter(bad)) in message


# ------------------------------------------------------------------ against MongoDB
def stored(db) -> dict[str, dict]:
    return {d["_id"]: d for d in db.articles.find()}


class Finds(CommandListener):
    def __init__(self) -> None:
        self.commands: list[dict] = []

    def started(self, event) -> None:
        if event.command_name in ("find", "aggregate", "count", "distinct"):
            self.commands.append(event.command)

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


@pytest.fixture
def counted_db(mongo_uri, mongo_db):
    finds = Finds()
    client = MongoClient(mongo_uri, tz_aware=True, event_listeners=[finds])
    ensure_corpus_indexes(mongo_db.articles)
    yield client[mongo_db.name], finds
    client.close()


@pytest.mark.parametrize("emulated", [False, True], ids=["multikey query", "emulated index"])
def test_syndicated_copies_join_the_first_story_with_one_query_per_batch(stories, counted_db, emulated):
    """MongoDB: one query on the multikey index. The emulated index (FerretDB): two ``_id $in``
    lookups — keys, then the records they name — and never a scan of ``articles``."""
    db, finds = counted_db
    dedup = BatchDedup(DedupParams(), KeyIndex(db[DEDUP_INDEX]) if emulated else None)
    rng = random.Random(5)
    lead, paragraphs = stories[0]
    unrelated = [doc(f"https://c.pl/{i}", *stories[3 + i]) for i in range(5)]
    write(db, [doc("https://a.pl/agency", lead, paragraphs), *unrelated[:2]], NOW - timedelta(hours=2), dedup=dedup)
    finds.commands.clear()
    copy = doc("https://b.pl/copy", lead, attribution_prefix(reorder_paragraphs(paragraphs, rng), "Jak podaje PAP, "))
    exact = doc("https://b.pl/same-text", "Inny lead.", paragraphs)
    write(db, [*unrelated[2:], copy, exact], dedup=dedup)
    # Candidates and the batch's stored versions in one query (two on the emulated index).
    if emulated:
        assert [(c["find"], list(c["filter"]), list(c["filter"]["_id"])) for c in finds.commands] == [
            (DEDUP_INDEX, ["_id"], ["$in"]), ("articles", ["_id"], ["$in"])]
        assert {"https://a.pl/agency", "https://b.pl/copy"} <= set(finds.commands[1]["filter"]["_id"]["$in"])
    else:
        assert len(finds.commands) == 1 and "lsh" in str(finds.commands[0]["filter"])
    records = stored(db)
    founder = records["https://a.pl/agency"]
    assert founder["story_id"] == story_id_for("https://a.pl/agency")
    assert founder["near_duplicate_of"] is None and founder["duplicate_of"] is None
    for url in ("https://b.pl/copy", "https://b.pl/same-text"):
        assert records[url]["story_id"] == founder["story_id"]
        assert records[url]["near_duplicate_of"] == "https://a.pl/agency"
        assert 0.8 <= records[url]["similarity"] <= 1.0
    assert records["https://b.pl/same-text"]["duplicate_of"] == "https://a.pl/agency"
    assert records["https://b.pl/copy"]["duplicate_of"] is None
    story_ids = [records[d["_id"]]["story_id"] for d in unrelated]
    assert len(set(story_ids)) == 5 and founder["story_id"] not in story_ids
    assert all(isinstance(r["minhash"], bytes) and len(r["lsh"]) == PARAMS.bands for r in records.values())


def test_duplicates_within_one_batch_point_to_the_earlier_record(stories, mongo_db):
    lead, paragraphs = stories[4]
    first, second = doc("https://a.pl/1", lead, paragraphs), doc("https://b.pl/1", lead, paragraphs)
    write(mongo_db, [first, second])
    records = stored(mongo_db)
    assert records["https://b.pl/1"]["duplicate_of"] == "https://a.pl/1"
    assert records["https://b.pl/1"]["near_duplicate_of"] == "https://a.pl/1"
    assert records["https://b.pl/1"]["similarity"] == 1.0
    assert records["https://a.pl/1"]["story_id"] == records["https://b.pl/1"]["story_id"]


def test_a_recrawl_keeps_every_story_and_batch_order_does_not_matter(stories, mongo_db):
    rng = random.Random(7)
    lead, paragraphs = stories[6]
    versions = [doc("https://a.pl/x", lead, paragraphs),
                doc("https://b.pl/x", lead, drop_sentence(paragraphs, rng)),
                doc("https://c.pl/x", *promote_lead(lead, reorder_paragraphs(paragraphs, rng)))]
    others = [doc(f"https://d.pl/{i}", *stories[10 + i]) for i in range(3)]
    write(mongo_db, [versions[0], others[0]], NOW - timedelta(days=1))
    write(mongo_db, [versions[1], others[1], versions[2], others[2]], NOW - timedelta(hours=5))
    before = stored(mongo_db)
    assert len({before[v["_id"]]["story_id"] for v in versions}) == 1
    # Re-crawled in another order and other batches: nothing moves.
    again = [doc(d["_id"], d["lead"], d["text"].split("\n\n")) for d in reversed([*versions, *others])]
    existing = {d["_id"]: {k: before[d["_id"]].get(k) for k in DEDUP_FIELDS} for d in again[:2]}
    write(mongo_db, again[:2], NOW, existing)
    write(mongo_db, again[2:], NOW)
    after = stored(mongo_db)
    for url, record in before.items():
        for name in ("story_id", "near_duplicate_of", "similarity", "duplicate_of", "minhash"):
            assert after[url][name] == record[name], (url, name)


def test_an_edited_record_is_judged_again_and_a_legacy_record_gets_its_fields(stories, mongo_db):
    lead, paragraphs = stories[8]
    other_lead, other = stories[9]
    write(mongo_db, [doc("https://a.pl/base", lead, paragraphs), doc("https://b.pl/edit", other_lead, other)],
          NOW - timedelta(days=2))
    # A record stored before dedup existed: no minhash, no story.
    legacy = doc("https://e.pl/old", *stories[12])
    mongo_db.articles.insert_one({**legacy, "first_seen_at": NOW - timedelta(days=9)})
    # b.pl/edit is rewritten into a copy of a.pl/base; e.pl/old is re-crawled unchanged.
    write(mongo_db, [doc("https://b.pl/edit", lead, paragraphs[:-1]), legacy])
    records = stored(mongo_db)
    assert records["https://b.pl/edit"]["near_duplicate_of"] == "https://a.pl/base"
    assert records["https://b.pl/edit"]["story_id"] == records["https://a.pl/base"]["story_id"]
    assert records["https://e.pl/old"]["story_id"] == story_id_for("https://e.pl/old")
    assert len(records["https://e.pl/old"]["lsh"]) == PARAMS.bands


def test_the_emulated_index_finds_what_the_multikey_query_finds(stories, mongo_client):
    """Both ways of finding candidates (the writer uses the emulated index on FerretDB) give the
    same records, across three batches written one after the other."""
    rng = random.Random(11)
    batches = []
    for start in (0, 6, 12):
        batch = []
        for lead, paragraphs in stories[start:start + 6]:
            batch.append((lead, paragraphs))
            batch.append((lead, drop_sentence(reorder_paragraphs(paragraphs, rng), rng)))
        batches.append(batch)
    results = []
    for emulated in (False, True):
        db = mongo_client[f"nc_test_index_{emulated}_{rng.getrandbits(32):08x}"]
        key_index = KeyIndex(db[DEDUP_INDEX]) if emulated else None
        try:
            for n, batch in enumerate(batches):
                docs = [doc(f"https://{k % 3}.pl/{n}/{k}", lead, paras) for k, (lead, paras) in enumerate(batch)]
                annotate_duplicates(db.articles, docs, None, DedupParams(), key_index)
                db.articles.insert_many([{**d, "first_seen_at": NOW + timedelta(minutes=n)} for d in docs])
                if key_index is not None:
                    assert key_index.commit(d["_id"] for d in docs) > 0
            results.append({d["_id"]: (d["story_id"], d["near_duplicate_of"], d["similarity"], d["duplicate_of"])
                            for d in db.articles.find()})
        finally:
            mongo_client.drop_database(db.name)
    assert results[0] == results[1]
    assert len({story for story, *_ in results[0].values()}) == 18  # each story and its rewrite: one story
