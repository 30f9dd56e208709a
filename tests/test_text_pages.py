"""Real saved pages (tests/data/pages, sources in its README) through ``build_article``:
what the stored record keeps and what it leaves out."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import TextOptions, build_article

PAGES = Path(__file__).parent / "data" / "pages"
NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)
# The corpus is multilingual: no language filter, no length minimum (as bench/real_pages.py).
OPTIONS = TextOptions(languages=(), min_text_chars=0)

CASES = {
    "hvw-online-zuschauer.html": (
        ["Heimspiele keine Tickets zu erwerben.", "Göppingen und den TVB Stuttgart geht", "Beachtung der 2G+-Regelung"],
        ["Schriftgröße", "Impressum", "Fritz-Walter-Weg"],
    ),
    "dsv-synchronschwimmen.html": (
        ["also, dass die filigranen Meerestiere als", "Die Kosten für den Levelpass belaufen",
         "dokumentiert. „So haben die Kinder auch etwas"],
        ["Unsere Partner - Synchronschwimmen", "Kommende Events", "Termine / Ausschreibungen"],
    ),
    "maescot-schafskunde.html": (
        ["Schaf, Standardausführung, weiß", "Bei diesem arroganten Schafweibchen", "Eine Intellektuelle, die"],
        ["Der Webcomic mit den niedlichen Schafen", "© 2009-2012 Jonathan Krase"],
    ),
    "100noticias-millones.html": (
        ["Nicaragua cerró 2021 con una deuda externa total de 14.372,4 millones de dólares",
         "La deuda externa total aumentó en 884,3 millones de dólares (6,6 %)"],
        ["Lea también: Impiden ingreso a Nicaragua", "Lea más: Juan Carlos Ortega Murillo",
         "Lea: Consejo Permanente de OEA"],
    ),
    "dwutygodnik-winda-w-chmurach.html": (
        ["Ludzie ci", "Aleksandra Zbroja przedstawia się", "Mireczka, i bez niego."],
        ["11 minut czytania", "Historyczka nowoczesnej kultury polskiej"],
    ),
}


def build(name: str) -> Article:
    page = FetchedPage(f"https://example.org/{name}", "", (PAGES / name).read_bytes(), 200, {}, NOW)
    result = build_article(page, OPTIONS)
    assert isinstance(result, Article), result
    return result


def folded(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_page_keeps_the_story_and_leaves_the_boilerplate(name):
    article = build(name)
    output = folded(f"{article.lead}\n\n{article.text}")
    wanted, unwanted = CASES[name]
    for snippet in wanted:
        assert folded(snippet) in output, snippet
    for snippet in unwanted:
        assert folded(snippet) not in output, snippet
    assert article.cleaning["events"] == []  # no fallback, no charset guess
    assert "\ufffd" not in output and "Ã" not in output  # no replacement characters, no mojibake


def test_related_links_inside_the_story_are_removed_by_link_density():
    article = build("100noticias-millones.html")
    removed = [r for r in article.cleaning["removed"] if r["rule"] == "link_density"]
    assert any(r["text"].startswith("Lea más:") for r in removed)


def test_polish_essay_with_sidebar_teasers_is_an_article_with_its_own_title_and_standfirst():
    article = build("dwutygodnik-winda-w-chmurach.html")
    assert article.title == "Winda w chmurach"  # not the logo's <h1>, not "… / Obyczaje / dwutygodnik.com"
    assert article.lead.startswith("Aleksandra Zbroja przedstawia się jako DDZTKZMB")
    assert article.language == "pl"
    # The standfirst is quoted in a later, longer paragraph: both stay.
    assert "Przedstawia się jako DDZTKZMB" in article.text
