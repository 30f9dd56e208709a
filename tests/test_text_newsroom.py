"""The text stage on the offline newsroom's pages (in process, no HTTP): the records the
crawl stores equal the generator's expected records."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from newscrawl.items import Article, FetchedPage
from newscrawl.outlets import outlet_from_mapping
from newscrawl.text.article import TextOptions, build_article
from newscrawl.text.fingerprint import LearnedBoilerplate, LearnedBoilerplatePolicy
from tests.newsroom import Newsroom, outlet_entries

NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def room() -> Newsroom:
    return Newsroom(articles_per_outlet=24, seed=0)


@pytest.fixture(scope="module")
def options(room) -> dict[str, TextOptions]:
    entries = outlet_entries(room, {k: room.default_base_url(k) for k in room.outlet_keys})
    return {k: TextOptions(outlet_phrases=outlet_from_mapping(k, e).boilerplate) for k, e in entries.items()}


def build(room, options, expected, learned=frozenset()):
    page = FetchedPage(expected.url, expected.outlet, room.page_bytes(expected), 200, {}, NOW)
    result = build_article(page, replace(options[expected.outlet], learned_boilerplate=learned))
    assert isinstance(result, Article), (expected.url, result)
    return result


def test_kresy_records_have_the_lead_once_no_donation_box_and_credits(room, options):
    for expected in room.articles("nr-kresy"):
        article = build(room, options, expected)
        assert article.lead == expected.lead
        assert article.text == expected.text
        assert article.credits == list(expected.credits)
        assert "Pilnujemy wspólnych spraw" not in article.text and "Wspieram" not in article.text
        assert article.authors == list(expected.authors)
        assert article.published_at == expected.published_at
        assert article.tags == list(expected.tags) and article.section == expected.section


def test_gazeta_windows_1250_and_iso_8859_2_pages_are_correct_polish(room, options):
    charsets = set()
    learner = LearnedBoilerplate(LearnedBoilerplatePolicy())
    articles = room.articles("nr-gazeta")
    for expected in articles:  # a first run learns the outlet's sidebar …
        learner.observe("nr-gazeta", expected.url, build(room, options, expected).text.split("\n\n"))
    for expected in articles:  # … which the next run removes
        article = build(room, options, expected, learner.known("nr-gazeta"))
        charsets.add(article.http["encoding"])
        assert article.title == expected.title
        assert article.text == expected.text
        assert article.lead == expected.lead
        assert article.authors == list(expected.authors)
        assert article.credits == list(expected.credits)
        assert article.published_at == expected.published_at
    assert any("1250" in c for c in charsets) or any("8859" in c for c in charsets)


def test_first_run_without_learned_boilerplate_keeps_the_story_whole(room, options):
    for outlet in room.outlet_keys:
        for expected in room.articles(outlet):
            article = build(room, options, expected)
            assert article.title == expected.title and article.language == "pl"
            for paragraph in expected.paragraphs:
                assert paragraph in article.text.split("\n\n")
            assert expected.lead not in article.text.split("\n\n")


def test_kurier_figure_credits_and_inline_links(room, options):
    for expected in room.articles("nr-kurier"):
        article = build(room, options, expected)
        assert article.text == expected.text
        assert article.credits == list(expected.credits)
        assert "Czytaj także" not in article.text and "REKLAMA" not in article.text
