"""The language a record carries and the pages the language filter drops: ISO 639-1 codes
(all Chinese is ``zh``), Polish articles quoting other languages stay Polish, a foreign
page with a Polish sentence is dropped, text without letters has no language."""

from __future__ import annotations

from newscrawl.items import Article
from newscrawl.text.article import Rejected
from newscrawl.text.language import detect_language
from tests.test_text_article import BODY, build, page, paragraphs

ENGLISH = [
    "The United States and Russia will hold talks on Wednesday evening ahead of a possible summit in June, "
    "the State Department said, adding that no agenda had been agreed yet.",
    "Officials said both sides hoped to reduce tensions over the Arctic and Ukraine, but gave no details "
    "about who would attend the meeting in Reykjavik or how long it would last.",
    "A senior official told reporters that the administration was not seeking an escalation and wanted a "
    "more predictable and stable relationship with Moscow.",
]
SIMPLIFIED = ("北京市政府周三宣布，将在明年年初开放三条新的地铁线路，以缓解城市交通拥堵。"
              "官员表示，新线路将连接市中心与东部和南部的新住宅区，预计每天可运送乘客一百万人次。")
TRADITIONAL = ("台北市政府週三宣布，將在明年年初開放三條新的捷運路線，以緩解城市交通擁擠。"
               "官員表示，新路線將連接市中心與東部和南部的新住宅區，預計每天可運送乘客一百萬人次。")
CANTONESE = "佢哋今日去咗旺角食嘢，話啲嘢好好食，不過排隊排咗成個鐘頭先有位坐，真係好攰。"


def test_a_polish_article_is_pl_with_high_confidence_and_an_english_one_is_dropped_by_default():
    article = build(page(paragraphs(BODY)))
    assert isinstance(article, Article) and article.language == "pl" and article.language_confidence > 0.99
    english = build(page(paragraphs(ENGLISH), title="US and Russia to hold talks"))
    assert english == Rejected("language", "en")


def test_a_polish_article_quoting_english_stays_polish():
    quoted = [BODY[0], BODY[1], f"<blockquote>{ENGLISH[0]}</blockquote>", BODY[2], BODY[3]]
    article = build(page(paragraphs(quoted)))
    assert isinstance(article, Article) and article.language == "pl"
    assert ENGLISH[0] in article.text


def test_an_english_page_with_a_polish_sentence_is_dropped():
    mixed = [ENGLISH[0], ENGLISH[1], "Rozmowy potwierdził też rzecznik MSZ.", ENGLISH[2]]
    assert build(page(paragraphs(mixed), title="US and Russia to hold talks")) == Rejected("language", "en")


def test_chinese_is_zh_in_both_scripts_and_for_cantonese():
    for text in (SIMPLIFIED, TRADITIONAL, CANTONESE):
        language, confidence = detect_language(text)
        assert (language, confidence) == ("zh", 1.0), text  # Wu and Cantonese add to zh's probability
    chinese = page(paragraphs([SIMPLIFIED, TRADITIONAL]), title="北京地铁新线路")
    article = build(chinese, languages=("zh",), min_text_chars=0)  # short in characters, not in words
    assert isinstance(article, Article) and article.language == "zh"
    assert build(chinese, min_text_chars=0) == Rejected("language", "zh")


def test_text_without_letters_has_no_language_and_is_dropped_as_unknown():
    assert detect_language("") == ("", 0.0)
    assert detect_language("12 345 678 — 2026-11-27 14:00 | 3,5% | +48 22 123 45 67") == ("", 0.0)
    figures = ('<!doctype html><html><head><meta charset="utf-8"><title>2026</title></head><body><article>'
               "<h1>2026</h1><p>2026-11-27 14:00 | 3,5% | 12 345 678 | +48 22 123 45 67 | 0,25 | 1 024</p>"
               "<p>2026-11-28 15:00 | 4,5% | 22 345 678 | +48 22 123 45 68 | 0,35 | 2 048</p></article></body></html>")
    kept = build(figures, languages=(), min_text_chars=0)
    assert isinstance(kept, Article) and (kept.language, kept.language_confidence) == ("", 0.0)
    assert build(figures, min_text_chars=0) == Rejected("language", "unknown")


def test_the_language_of_a_long_text_comes_from_a_bounded_sample_and_is_deterministic():
    long_polish = "\n\n".join(BODY * 200)
    first = detect_language(long_polish)
    assert first == detect_language(long_polish) and first[0] == "pl" and first[1] > 0.99
