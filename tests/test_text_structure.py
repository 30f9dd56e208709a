"""Structural cleaning rules (link density, captions, author and paywall boxes, sign-offs),
the JSON-LD second opinion, and the metadata rules of issue 7 (title, lead, dates, listing,
TDM meta) — each on a small page: what the record keeps, and a near miss it must keep."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import Rejected, TextOptions, build_article
from newscrawl.text.layout import layout_rules
from newscrawl.text.zones import PageZones

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
STORY = [
    "Rzecznik Departamentu Stanu powiedział, że ministrowie spotkają się po posiedzeniu Rady Arktycznej w Reykjaviku.",
    "Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nadal nie został publicznie potwierdzony.",
    "Rosyjska gazeta podała w poniedziałek, że za najbardziej prawdopodobne miejsce spotkania uważa Szwajcarię.",
    "Kreml ogłosił w środę, że stabilność strategiczna powinna znaleźć się wysoko na liście priorytetów rozmów.",
]
TITLE = "Blinken i Ławrow spotkają się w środę na Islandii"


def build(body: str, head: str = "", url: str = "https://portal.example.pl/swiat/blinken,1.html") -> Article | Rejected:
    html = (f'<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>{TITLE} | Portal</title>{head}</head>'
            f'<body><nav><a href="/">Start</a> <a href="/swiat">Świat</a></nav><main><article><h1>{TITLE}</h1>'
            f"{body}</article></main><footer>© Portal</footer></body></html>")
    page = FetchedPage(url, "portal", html.encode("utf-8"), 200, {}, NOW)
    return build_article(page, TextOptions())


def paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def rules(article: Article) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for removal in article.cleaning["removed"]:
        found.setdefault(removal["rule"], []).append(removal["text"])
    return found


def test_related_articles_without_any_marker_go_by_link_density():
    related = ('<p><a href="/a1">Putin i Biden rozmawiali przez telefon o Ukrainie</a></p>'
               '<p><a href="/a2">Kreml: stabilność strategiczna jest najważniejsza</a></p>')
    article = build(paragraphs(STORY[:2]) + related + paragraphs(STORY[2:]))
    assert article.text.split("\n\n") == STORY
    assert len(rules(article)["link_density"]) == 2


def test_a_link_list_under_a_short_heading_goes_with_its_heading():
    texts = [STORY[0], "Warto wiedzieć:", "NATO wzmacnia wschodnią flankę", "Szwajcaria gotowa przyjąć przywódców", STORY[1]]
    zones = PageZones(anchors={})
    for anchor in texts[2:4]:
        zones.anchors.setdefault(anchor.split()[0], []).append((anchor, 0))
    found = layout_rules(texts, ["p", "p", "item", "item", "p"], [0, 0, 1, 1, 0], zones)
    assert found == ["", "link_density", "link_density", "link_density", ""]


def test_zone_rules_caption_author_box_and_paywall_prompt():
    texts = [STORY[0], "Ministrowie przed spotkaniem w Reykjaviku, 19 maja", STORY[1],
             "Jan Kowalski jest reporterem działu zagranicznego od 2015 roku.",
             "Zostań prenumeratorem i czytaj bez ograniczeń za 9 zł miesięcznie.", STORY[2]]
    zones = PageZones(zones={"caption": [texts[1] + " Fot. PAP"], "bio": [texts[3]],
                             "box": [texts[4] + " Masz już konto?"], "related": []})
    found = layout_rules(texts, ["p"] * 6, [0] * 6, zones)
    assert found == ["", "figure_caption", "", "author_bio", "paywall_box", ""]
    # Story text inside a paywall container (served in full) is no prompt.
    zones.zones["box"] = [STORY[2] + " " + texts[4]]
    assert layout_rules(texts, ["p"] * 6, [0] * 6, zones)[5] == ""


def test_sign_off_after_the_story_goes():
    article = build(paragraphs(STORY + ["RIRM"]))
    assert article.text.split("\n\n") == STORY and rules(article)["sign_off"] == ["RIRM"]


def test_a_sentence_with_a_link_and_a_list_of_sources_in_the_story_stay():
    linked = ('Jak podał <a href="https://www.reuters.com/">Reuters</a>, rozmowy zaplanowano na godzinę 21:15 '
              'czasu lokalnego, po zakończeniu posiedzenia rady.')
    sources = '<ul><li>raport NIK z 2024 roku</li><li><a href="/dok">dokument źródłowy</a> ministerstwa</li></ul>'
    article = build(paragraphs(STORY[:2]) + f"<p>{linked}</p>" + sources + paragraphs(STORY[2:]))
    assert "rozmowy zaplanowano na godzinę 21:15" in article.text
    assert "raport NIK z 2024 roku" in article.text and "dokument źródłowy ministerstwa" in article.text


def test_the_paywalled_story_text_inside_a_paywall_container_stays():
    # A metered paywall wraps the rest of the story, served in full: it is story text.
    body = paragraphs(STORY[:2]) + f'<div class="paywall">{paragraphs(STORY[2:])}</div>'
    article = build(body)
    assert article.text.split("\n\n") == STORY


def test_a_metered_paywall_marker_inside_a_full_text_goes_and_the_text_after_it_stays():
    article = build(paragraphs(STORY[:2] + ["Pozostało 60% artykułu"] + STORY[2:]))
    assert article.text.split("\n\n") == STORY and rules(article)["paywall_prompt"] == ["Pozostało 60% artykułu"]
    assert article.paywalled is False
    teaser = build(paragraphs(STORY[:2] + ["Pozostało 60% artykułu"]) + "<p>RIRM</p>")
    assert teaser.paywalled is True and teaser.text.split("\n\n") == STORY[:2]


def test_interview_questions_stay():
    body = (paragraphs([STORY[0]]) + "<p><strong>Czy spotkanie się odbędzie?</strong></p>" + paragraphs([STORY[1]])
            + "<h3>A co z Ukrainą?</h3>" + paragraphs(STORY[2:]))
    article = build(body)
    assert article.text.split("\n\n") == [STORY[0], "Czy spotkanie się odbędzie?", STORY[1], "A co z Ukrainą?", *STORY[2:]]


def test_a_closing_word_is_no_sign_off():
    article = build(paragraphs(STORY + ["Koniec"]))
    assert article.text.split("\n\n")[-1] == "Koniec"


def article_ld(**fields) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, **fields}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def test_article_body_recovers_a_missing_paragraph_and_flags_an_extra_one():
    question = "Czy spotkanie przywódców odbędzie się jeszcze w tym roku w Genewie?"
    extra = "Tekst pochodzi z innego miejsca strony."
    ld = article_ld(articleBody="\n".join([STORY[0], STORY[1], question, STORY[2], STORY[3]]))
    article = build(paragraphs(STORY[:2] + [extra] + STORY[2:]), ld)
    assert article.cleaning["recovered"] == [question]
    assert question in article.text and article.text.index(question) > article.text.index(STORY[1])
    assert article.cleaning["not_in_article_body"] == [extra] and extra in article.text
    assert "structured/recovered" in article.cleaning["events"]


def test_a_teaser_article_body_never_cuts_the_visible_text():
    article = build(paragraphs(STORY), article_ld(articleBody=STORY[0] + " " + "Reszta tekstu dla subskrybentów. " * 3))
    assert article.text.split("\n\n") == STORY
    assert "structured/teaser_body" in article.cleaning["events"]


def test_title_cut_short_is_completed_and_never_the_standfirst():
    full = "Blinken i Ławrow spotkają się w środę na Islandii, by przygotować szczyt prezydentów w Genewie"
    head = article_ld(headline=full[:60] + "…") + f'<meta property="og:title" content="{full}">'
    article = build(paragraphs(STORY), head)
    assert article.title == full
    standfirst = "Sekretarz stanu i szef rosyjskiej dyplomacji spotkają się w środę wieczorem na marginesie rady."
    page = build(f'<p class="lead">{standfirst}</p>' + paragraphs(STORY),
                 f'<meta name="description" content="{standfirst}">')
    assert page.title == TITLE and page.lead == standfirst


def test_visible_first_paragraph_beats_the_meta_description():
    description = "Ministrowie spotkają się po posiedzeniu Rady Arktycznej w Reykjaviku – podał rzecznik."
    article = build(paragraphs(STORY), f'<meta name="description" content="{description}">')
    assert article.lead == STORY[0]  # the page's own version, moved to the lead
    assert article.text.split("\n\n") == STORY[1:]


def test_a_site_wide_description_is_no_lead():
    article = build(paragraphs(STORY), '<meta name="description" content="Najnowsze wiadomości z kraju i ze świata, '
                                       'sport, pogoda i rozrywka – codziennie dla Ciebie.">')
    assert article.lead == "" and article.text.split("\n\n") == STORY


def test_implausible_dates_are_dropped_and_counted_modified_kept_apart():
    head = article_ld(datePublished="1970-01-01T00:00:00Z", dateModified="2026-11-20T10:00:00+01:00")
    article = build(paragraphs(STORY), head)
    assert article.published_at is None
    assert article.modified_at == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    assert article.cleaning["events"] == ["date/implausible_published"]
    future = build(paragraphs(STORY), article_ld(datePublished="2027-03-01T00:00:00Z"))
    assert future.published_at is None and "date/implausible_published" in future.cleaning["events"]


def test_an_article_with_many_sidebar_teasers_is_no_listing():
    teasers = "".join(f'<article><h3><a href="/t{i}">Zapowiedź numer {i} z działu kultury</a></h3></article>'
                      for i in range(86))
    article = build(paragraphs(STORY * 2) + f"<aside>{teasers}</aside>")
    assert isinstance(article, Article)


def test_tdm_meta_tags_are_read_with_the_metadata():
    from newscrawl.text.metadata import read_metadata
    from newscrawl.text.tree import load_tree

    tree = load_tree('<html><head><meta name="tdm-reservation" content="1">'
                     '<meta name="tdm-policy" content="https://portal.example.pl/tdm.json"></head><body><p>x</p></body></html>')
    meta = read_metadata(tree)
    assert meta.tdm_reserved is True and meta.tdm_policy == "https://portal.example.pl/tdm.json"
    assert read_metadata(load_tree("<html><head></head><body><p>x</p></body></html>")).tdm_reserved is False
