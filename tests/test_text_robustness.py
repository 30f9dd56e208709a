"""The text stage never raises, never loses an article and never loses body text that bare
trafilatura keeps: each cause of issue 7 on a small handmade page, and a property test over
generated pages (comments, processing instructions, CDATA, scripts inside paragraphs, deep
nesting, mislabelled encodings, NUL bytes)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import trafilatura
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newscrawl.text.article as article_module
from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import Rejected, TextOptions, build_article
from newscrawl.text.dedup import dedup_lead_and_paragraphs

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
ANY_LANGUAGE = TextOptions(languages=(), min_text_chars=0)
SENTENCES = [
    "Rzecznik Departamentu Stanu powiedział, że ministrowie spotkają się po posiedzeniu Rady Arktycznej.",
    "Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nie został potwierdzony.",
    "Rosyjska gazeta podała w poniedziałek, że za najbardziej prawdopodobne miejsce uważa Szwajcarię.",
    "Kreml ogłosił w środę, że stabilność strategiczna powinna znaleźć się wysoko na liście priorytetów.",
    "Żółta łódź płynęła wzdłuż brzegu, a źdźbła trawy kołysały się na wietrze nad ścieżką.",
]


def build(html: str | bytes, content_type: str = "", options: TextOptions = ANY_LANGUAGE) -> Article | Rejected:
    body = html if isinstance(html, bytes) else html.encode("utf-8")
    headers = {"content-type": content_type} if content_type else {}
    return build_article(FetchedPage("https://portal.example.pl/kraj/artykul,1.html", "portal", body, 200, headers, NOW), options)


def page(body: str, charset: str = "utf-8") -> str:
    return (f'<!doctype html><html lang="pl"><head><meta charset="{charset}"><title>Rozmowy na Islandii</title></head>'
            f"<body><article><h1>Rozmowy na Islandii</h1>{body}</article></body></html>")


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


# --- cause 1: comments and processing instructions cut the text after them ---------------

def halves(sentence: str) -> tuple[str, str]:
    cut = sentence.index(" ", 30)
    return sentence[:cut], sentence[cut:]


def test_text_after_a_comment_inside_a_paragraph_is_kept():
    body = "".join("<p>{}<!-- reklama -->{}</p>".format(*halves(s)) for s in SENTENCES)
    result = build(page(body))
    for sentence in SENTENCES:
        assert " ".join(sentence.split()) in result.text


def test_processing_instruction_and_cdata_inside_the_body_lose_nothing():
    body = "".join("<p>{}<?php echo 1; ?>{}</p><![CDATA[ukryte]]>".format(*halves(s)) for s in SENTENCES)
    result = build(page(body))
    for sentence in SENTENCES:
        assert sentence in result.text
    assert "ukryte" not in result.text and "php" not in result.text


# --- cause 2: comment nodes crashed the block walker --------------------------------------

def test_comments_in_lists_and_tables_give_a_record():
    body = ("<p>" + SENTENCES[0] + "</p><ul><li>pierwszy punkt<!-- x --></li><!-- y --><li>drugi punkt</li></ul>"
            "<table><tr><td>komórka<!-- z --></td><td>druga</td></tr></table><p>" + SENTENCES[1] + "</p>")
    result = build(page(body))
    assert isinstance(result, Article)
    assert "pierwszy punkt" in result.text and "drugi punkt" in result.text


# --- cause 3: repeated list lines and table rows are content ------------------------------

def test_repeated_list_lines_and_table_rows_stay():
    items = "".join("<li>Portion Fix Containers: 1 Green, 1 Red</li>" for _ in range(4))
    rows = "".join("<tr><td>Poniedziałek</td><td>10:00–18:00</td></tr>" for _ in range(3))
    result = build(page(f"<p>{SENTENCES[0]}</p><ul>{items}</ul><table>{rows}</table><p>{SENTENCES[1]}</p>"))
    assert result.text.count("Portion Fix Containers: 1 Green, 1 Red") == 4
    assert "paragraph_repeat" not in result.cleaning["rules"]


def test_paragraph_repeat_only_for_near_identical_long_paragraphs():
    long = SENTENCES[0] + " " + SENTENCES[1]
    short = "Tak, to prawda – odpowiedział."
    result = dedup_lead_and_paragraphs("", [long, short, SENTENCES[2], short, long], kinds=["p"] * 5)
    assert result.paragraphs == [long, short, SENTENCES[2], short]
    assert [r.rule for r in result.removed] == ["paragraph_repeat"]
    items = dedup_lead_and_paragraphs("", [long, long], kinds=["item", "item"])
    assert items.paragraphs == [long, long]


# --- cause 4: pages nested deeper than 255 levels -----------------------------------------

def test_deeply_nested_page_keeps_its_text():
    body = "<div>" * 400 + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</div>" * 400
    result = build(page(body))
    assert isinstance(result, Article)
    for sentence in SENTENCES:
        assert sentence in result.text


# --- cause 5: charsets that lie -------------------------------------------------------------

def test_windows_1250_bytes_declared_as_utf8_decode_as_polish():
    html = page("".join(f"<p>{s}</p>" for s in SENTENCES), charset="utf-8")
    result = build(html.encode("cp1250"), content_type="text/html; charset=utf-8")
    assert SENTENCES[4] in result.text and "\ufffd" not in result.text
    assert result.http["encoding"] == "cp1250" and result.http["encoding_fallback"] == "detected"
    assert "encoding/fallback_detected" in result.cleaning["events"]
    assert result.title == "Rozmowy na Islandii"


def test_utf8_bytes_declared_as_iso_8859_2_are_not_mojibake():
    html = page("".join(f"<p>{s}</p>" for s in SENTENCES), charset="iso-8859-2")
    result = build(html.encode("utf-8"), content_type="text/html; charset=iso-8859-2")
    assert SENTENCES[4] in result.text
    assert result.http["encoding"] == "utf-8" and result.http["encoding_fallback"] == "utf8"


def test_iso_8859_2_page_declared_nowhere_is_detected():
    html = page("".join(f"<p>{s}</p>" for s in SENTENCES)).replace('<meta charset="utf-8">', "")
    result = build(html.encode("iso-8859-2"))
    assert SENTENCES[4] in result.text


# --- cause 6: a NUL byte is no binary ------------------------------------------------------

def test_a_nul_byte_in_the_head_does_not_make_a_page_binary():
    html = page("".join(f"<p>{s}</p>" for s in SENTENCES)).replace("<title>", "<title>\x00")
    result = build(html)
    assert isinstance(result, Article) and SENTENCES[0] in result.text


def test_real_binaries_are_still_not_html():
    for body in (b"%PDF-1.7\n" + bytes(range(256)) * 20, b"\x89PNG\r\n\x1a\n" + bytes(200)):
        result = build(body)
        assert isinstance(result, Rejected) and result.reason == "not_html"


# --- cause 7: no trafilatura metadata or date search ---------------------------------------

def test_trafilatura_date_search_never_runs(monkeypatch):
    def no_date_search(*args, **kwargs):
        raise AssertionError("htmldate called")

    monkeypatch.setattr(trafilatura.metadata, "find_date", no_date_search)
    result = build(page("".join(f"<p>{s}</p>" for s in SENTENCES)))
    assert isinstance(result, Article) and result.cleaning["events"] == []


# --- never raise, never lose the article -----------------------------------------------------

def test_an_internal_failure_falls_back_to_trafilaturas_text(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bug in a cleaning rule")

    monkeypatch.setattr(article_module, "strip_boilerplate", broken)
    result = build(page("".join(f"<p>{s}</p>" for s in SENTENCES)))
    assert isinstance(result, Rejected) and result.reason == "extraction_failed"  # the fallback cleans too
    monkeypatch.undo()

    monkeypatch.setattr(article_module, "extract_blocks", broken)
    result = build(page("".join(f"<p>{s}</p>" for s in SENTENCES)))
    assert isinstance(result, Article)
    assert result.cleaning["events"] == ["fallback/trafilatura_error"]
    for sentence in SENTENCES:
        assert sentence in result.text


def test_a_failing_fallback_is_a_named_rejection(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(article_module, "read_metadata", broken)
    monkeypatch.setattr(article_module.trafilatura, "bare_extraction", broken)
    result = build(page(f"<p>{SENTENCES[0]}</p>"))
    assert isinstance(result, Rejected) and result.reason == "extraction_failed"
    assert "metadata: RuntimeError: boom" in result.detail


# --- the property ------------------------------------------------------------------------------

INSERTS = st.sampled_from([
    "", "<!-- komentarz -->", "<?php echo 'x'; ?>", "<![CDATA[dane]]>", "<script>var zmienna = 1;</script>",
    "<style>p{color:red}</style>", "<br>", "<b>", "</b>", "&nbsp;", "\x00",
])


@st.composite
def pages(draw):
    sentences = draw(st.lists(st.sampled_from(SENTENCES), min_size=3, max_size=5, unique=True))
    parts = []
    for sentence in sentences:
        cut = draw(st.integers(0, len(sentence)))
        while 0 < cut < len(sentence) and sentence[cut - 1].isalnum() and sentence[cut].isalnum():
            cut += 1  # inserts go between words: "<br>" inside a word would split it
        parts.append(f"<p>{sentence[:cut]}{draw(INSERTS)}{sentence[cut:]}</p>")
    depth = draw(st.sampled_from([0, 3, 300]))
    body = "<div>" * depth + "".join(parts) + "</div>" * depth
    charset = draw(st.sampled_from(["utf-8", "windows-1250", "iso-8859-2"]))
    declared = draw(st.sampled_from(["utf-8", "windows-1250", "iso-8859-2", ""]))
    html = page(body, charset=declared or "utf-8")
    if not declared:
        html = html.replace('<meta charset="utf-8">', "")
    return html.encode(charset, errors="xmlcharrefreplace"), sentences


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_generated_pages_never_raise_repeat_or_invent_text(generated):
    body, sentences = generated
    result = build(body)
    assert isinstance(result, (Article, Rejected))
    assert isinstance(result, Article), result
    paragraphs = [p for p in result.text.split("\n\n") if p]
    assert len(paragraphs) == len(set(paragraphs))  # no paragraph twice
    allowed = words(" ".join(sentences) + " Rozmowy na Islandii")
    assert words(f"{result.title} {result.lead} {result.text}") <= allowed  # every word from the page's text
