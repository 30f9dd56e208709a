"""Whole pages through ``build_article``: varied page shapes keep every sentence of the
story (no rule may lower recall on normal article text), metadata, charset, language,
validation and bad input."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import Rejected, TextOptions, build_article

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

BODY = [
    "Rzecznik Departamentu Stanu USA Ned Price powiedział, że Ławrow i Blinken spotkają się po spotkaniu "
    "Rady Arktycznej, regionalnego ugrupowania ośmiu państw. Rozpoczęcie rozmów zaplanowano na 21:15.",
    "Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nadal nie został publicznie "
    "potwierdzony. Rosyjska gazeta Kommiersant podała, że za najbardziej prawdopodobne miejsce uważa Szwajcarię.",
    "„Nie dążymy do eskalacji, po prostu szukamy bardziej przewidywalnych, stabilnych relacji” – powiedział "
    "agencji wysoki rangą urzędnik Departamentu Stanu. Kreml ogłosił w środę, że stabilność strategiczna "
    "powinna znaleźć się wysoko na liście priorytetów.",
    "Blinken oskarżył Moskwę we wtorek o składanie „bezprawnych roszczeń morskich” w sprawie regulacji "
    "dotyczących zagranicznych statków przepływających szlakiem żeglugowym przez północne wybrzeże Rosji.",
]
LEAD = ("Sekretarz stanu USA Antony Blinken i minister spraw zagranicznych Rosji Siergiej Ławrow mają w środę "
        "wieczorem przeprowadzić rozmowy przed ewentualnym szczytem prezydenckim w czerwcu – poinformowała "
        "agencja prasowa Reuters.")
TITLE = "Blinken i Ławrow spotkają się w środę na Islandii"


def page(body_html: str, head: str = "", charset: str = "utf-8", title: str = TITLE) -> str:
    return f"""<!doctype html><html lang="pl"><head><meta charset="{charset}"><title>{title} | Portal</title>
{head}</head><body><header><nav><a href="/">Start</a> <a href="/swiat">Świat</a> <a href="/kraj">Kraj</a></nav></header>
<main><article><h1>{title}</h1>{body_html}</article></main>
<footer><p>© 2026 Portal. Wszelkie prawa zastrzeżone.</p></footer></body></html>"""


def paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def build(html: str | bytes, url: str = "https://portal.example.pl/swiat/blinken-lawrow,123.html",
          content_type: str = "", **options) -> Article | Rejected:
    body = html if isinstance(html, bytes) else html.encode("utf-8")
    headers = {"content-type": content_type} if content_type else {}
    return build_article(FetchedPage(url, "portal", body, 200, headers, NOW), TextOptions(**options))


def text_paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


def test_lead_in_meta_only_leaves_the_body_whole():
    article = build(page(paragraphs(BODY), f'<meta name="description" content="{LEAD}">'))
    assert isinstance(article, Article)
    assert article.lead == LEAD
    assert text_paragraphs(article) == BODY


def test_lead_inside_the_body_and_repeated_is_kept_once_as_the_lead():
    repeat = ("Jak poinformowała agencja prasowa Reuters, sekretarz stanu USA Antony Blinken i minister spraw "
              "zagranicznych Rosji Siergiej Ławrow mają w środę wieczorem przeprowadzić rozmowy przed "
              "ewentualnym szczytem prezydenckim w czerwcu.")
    html = page(f'<p class="lead"><strong>{LEAD}</strong></p>' + paragraphs([repeat] + BODY),
                f'<meta name="description" content="{LEAD}">')
    article = build(html)
    assert article.lead == LEAD
    assert text_paragraphs(article) == BODY
    assert [r["rule"] for r in article.cleaning["removed"]].count("lead_repeat") == 2


def test_no_lead_at_all():
    article = build(page(paragraphs(BODY)))
    assert article.lead == ""
    assert text_paragraphs(article) == BODY


def test_a_lead_only_repeating_the_title_is_no_lead():
    article = build(page(paragraphs(BODY), f'<meta name="description" content="{TITLE}">'))
    assert article.lead == "" and text_paragraphs(article) == BODY


def test_lists_block_quotes_and_tables_stay_in_the_text():
    items = ["podwyżka płacy minimalnej do 4806 zł brutto", "wyższe świadczenia dla emerytów i rencistów",
             "nowe zasady rozliczania podatku dla przedsiębiorców"]
    quote = ("Nie zgodzimy się na rozwiązania, które uderzą w najuboższych, i będziemy o tym mówić głośno "
             "na każdym posiedzeniu komisji – napisał w oświadczeniu przewodniczący związku.")
    html = page(
        paragraphs(BODY[:2]) + "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
        + f"<blockquote><p>{quote}</p></blockquote>"
        + "<table><tr><th>Partia</th><th>Poparcie</th></tr><tr><td>Koalicja Obywatelska</td><td>31 proc.</td></tr>"
          "<tr><td>Prawo i Sprawiedliwość</td><td>29 proc.</td></tr></table>"
        + paragraphs(BODY[2:])
    )
    article = build(html)
    for expected in BODY + items + [quote, "Koalicja Obywatelska", "31 proc.", "Prawo i Sprawiedliwość"]:
        assert expected in article.text


def test_live_blog_entries_with_repeated_times_and_short_lines_are_kept():
    entries = [
        ("12:30", "Premier zapowiedział konferencję prasową po posiedzeniu rządu, na której przedstawi plan."),
        ("12:45", "Tak."),
        ("13:10", "Opozycja zapowiada wniosek o wotum nieufności wobec ministra finansów jeszcze w tym tygodniu."),
        ("13:30", "Tak."),
    ]
    html = page(paragraphs(BODY[:1]) + "".join(
        f'<div class="entry"><p><time>{t}</time></p><p>{e}</p></div>' for t, e in entries
    ) + paragraphs(BODY[1:]))
    article = build(html)
    for _time, entry in entries:
        assert entry in article.text
    assert article.text.count("Tak.") == 2
    assert {r["rule"] for r in article.cleaning["removed"]} <= {"title_repeat"}


def test_quotations_with_boilerplate_words_survive_a_whole_page():
    quote = "„Zależymy od Twojego wsparcia” – tak zaczynał się list, który fundacja wysłała do darczyńców w 2019 roku."
    link_sentence = "Czytaj także między wierszami – radził w felietonie publicysta, opisując język komunikatów rządu."
    article = build(page(paragraphs(BODY[:2] + [quote, link_sentence] + BODY[2:])))
    assert quote in article.text and link_sentence in article.text
    assert {r["rule"] for r in article.cleaning["removed"]} == {"title_repeat"}


def test_the_kresy_seed_page_comes_out_clean():
    html = page(
        f'<p class="lead">{LEAD}</p>'
        + paragraphs(["Jak poinformowała agencja prasowa Reuters, sekretarz stanu USA Antony Blinken i minister spraw "
                      "zagranicznych Rosji Siergiej Ławrow mają w środę wieczorem przeprowadzić rozmowy przed "
                      "ewentualnym szczytem prezydenckim w czerwcu."] + BODY[:2])
        + "<p>Pilnujemy wspólnych spraw Zależymy od Twojego wsparcia Wspieram Kresy.pl</p>"
        + paragraphs(BODY[2:]) + "<p>Kresy.pl/Reuters</p>",
        f'<meta name="description" content="{LEAD}"><meta property="og:site_name" content="Kresy.pl">',
    )
    article = build(html, url="https://kresy.pl/wydarzenia/swiat/blinken-lawrow/")
    assert article.lead == LEAD
    assert text_paragraphs(article) == BODY
    assert article.credits == ["Kresy.pl/Reuters"]
    assert "wsparcia" not in article.text


def test_json_ld_metadata_wins_and_dates_are_aware():
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Portal"}, {
        "@type": "NewsArticle", "headline": TITLE, "description": LEAD,
        "datePublished": "2026-11-20T10:15:00+01:00", "dateModified": "2026-11-20T12:00:00Z",
        "author": [{"@type": "Person", "name": "Jan Kowalski"}, {"@type": "Person", "name": "Anna Nowak"}],
        "keywords": "dyplomacja, Rosja", "articleSection": "Świat",
        "image": {"@type": "ImageObject", "url": "https://portal.example.pl/img/1.jpg"}}]}
    head = (f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
            '<link rel="canonical" href="https://portal.example.pl/swiat/blinken-lawrow,123.html">'
            '<meta property="og:site_name" content="Portal">')
    article = build(page(paragraphs(BODY), head))
    assert article.title == TITLE
    assert article.authors == ["Jan Kowalski", "Anna Nowak"]
    assert article.published_at == datetime(2026, 11, 20, 9, 15, tzinfo=timezone.utc)
    assert article.modified_at == datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    assert article.tags == ["dyplomacja", "Rosja"] and article.section == "Świat"
    assert article.image == "https://portal.example.pl/img/1.jpg"
    assert article.canonical_url.endswith("blinken-lawrow,123.html") and article.site_name == "Portal"


@pytest.mark.parametrize("value,expected", [
    ("2026-11-20T10:15:00", datetime(2026, 11, 20, 9, 15, tzinfo=timezone.utc)),       # no zone: Warsaw (CET)
    ("2026-07-20 10:15", datetime(2026, 7, 20, 8, 15, tzinfo=timezone.utc)),           # summer: CEST
    ("20.11.2026, 10:15", datetime(2026, 11, 20, 9, 15, tzinfo=timezone.utc)),
    ("20 listopada 2026, 10:15", datetime(2026, 11, 20, 9, 15, tzinfo=timezone.utc)),
])
def test_dates_without_a_zone_are_warsaw_time(value, expected):
    article = build(page(paragraphs(BODY), f'<meta name="date" content="{value}">'))
    assert article.published_at == expected and article.published_at.utcoffset() is not None


@pytest.mark.parametrize("charset", ["windows-1250", "iso-8859-2"])
def test_central_european_charsets_from_meta_only(charset):
    html = page(paragraphs(BODY + ["Zażółć gęślą jaźń — źdźbło, łódź, śnieg, Świętokrzyskie, Łódź."]), charset=charset)
    article = build(html.encode(charset, errors="xmlcharrefreplace"))  # „” become &#8222; &#8221;
    assert "Zażółć gęślą jaźń" in article.text and "Świętokrzyskie, Łódź" in article.text
    assert article.title == TITLE


def test_charset_from_http_header_and_bom():
    html = page(paragraphs(BODY)).replace('<meta charset="utf-8">', "")
    article = build(html.encode("iso-8859-2", errors="replace"), content_type="text/html; charset=iso-8859-2")
    assert "Ławrow" in article.text
    article = build(b"\xef\xbb\xbf" + html.encode("utf-8"))
    assert "Ławrow" in article.text


def test_author_line_and_signature_become_fields():
    html = page(paragraphs(BODY[:-1] + [BODY[-1] + " ako/ mok/", "Autor: Jan Kowalski", "Źródło: PAP"]))
    article = build(html)
    assert article.text.endswith("wybrzeże Rosji.")
    assert article.authors == ["Jan Kowalski"]
    assert article.credits == ["ako/ mok/", "PAP"]


def test_paywall_teaser_is_kept_and_flagged():
    html = page(paragraphs(BODY + ["Pozostało 80% artykułu", "Zostań subskrybentem"]))
    article = build(html)
    assert isinstance(article, Article) and article.paywalled
    assert "Pozostało" not in article.text


@pytest.mark.parametrize("body,reason", [
    (b"", "empty_page"),
    (b"   \n ", "empty_page"),
    (bytes(range(256)) * 8, "not_html"),
    (b"just some text, not a web page", "not_html"),
    (b"<html><body><p>Bez tytu\xc5\x82u i bez tre\xc5\x9bci.</p></body></html>", "no_title"),
])
def test_bad_input_is_a_named_rejection(body, reason):
    result = build(body)
    assert isinstance(result, Rejected) and result.reason == reason


def test_short_text_listing_and_foreign_language_are_dropped_with_reasons():
    assert build(page("<p>Krótko.</p>")).reason == "text_too_short"
    teasers = "".join(f'<article><h2><a href="/a{i}">Tytuł {i}</a></h2><p>{BODY[i % 4]}</p></article>' for i in range(8))
    listing = build(page(teasers), url="https://portal.example.pl/tag/rosja/")
    assert isinstance(listing, Rejected) and listing.reason == "listing_page"
    english = ["The United States and Russia will hold talks on Wednesday evening ahead of a possible summit in "
               "June, the State Department said, adding that no agenda had been agreed yet."] * 1 + [
               "Officials said both sides hoped to reduce tensions over the Arctic and Ukraine, but gave no details "
               "about who would attend the meeting in Reykjavik or how long it would last."]
    result = build(page(paragraphs(english), title="US and Russia to hold talks"))
    assert isinstance(result, Rejected) and result.reason == "language"
    kept = build(page(paragraphs(english), title="US and Russia to hold talks"), languages=("pl", "en"))
    assert isinstance(kept, Article) and kept.language == "en" and kept.language_confidence > 0.9


def test_build_article_is_deterministic_and_its_inputs_pickle():
    html = page(paragraphs(BODY), f'<meta name="description" content="{LEAD}">')
    options = TextOptions(outlet_phrases=("Wspieram Kresy.pl",), learned_boilerplate=frozenset({"abc"}))
    assert pickle.loads(pickle.dumps(options)) == options
    first, second = build(html), build(html)
    assert first == second and first.language == "pl"
