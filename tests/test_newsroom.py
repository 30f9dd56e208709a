"""Tests of the offline newsroom fixture itself (tests/newsroom)."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET

import lxml.html
import pytest

from tests.newsroom import REFERENCE, ExpectedArticle, Newsroom, registry_toml, strip_tracking
from tests.newsroom.__main__ import main as newsroom_main

ROOT = Path(__file__).resolve().parent.parent
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAIN = ("nr-kurier", "nr-kresy", "nr-gazeta")
KRESY_BOX = ("Pilnujemy wspólnych spraw", "Zależymy od Twojego wsparcia", "Wspieram Kresy.pl")


@pytest.fixture(scope="module")
def room() -> Newsroom:
    return Newsroom()


@pytest.fixture(scope="module")
def live(room):
    with room.serve() as running:
        yield running


def path_of(url: str) -> str:
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


def page_text(art: ExpectedArticle, body: bytes) -> str:
    doc = lxml.html.document_fromstring(body.decode(art.charset))
    for bad in doc.xpath("//script|//style"):
        bad.getparent().remove(bad)
    return "".join(doc.itertext())


def hrefs(base: str, body: bytes) -> set[str]:
    doc = lxml.html.document_fromstring(body)
    return {urljoin(base + "/", h) for h in doc.xpath("//a/@href|//link/@href")}


def sitemap_locs(xml: bytes) -> tuple[list[str], list[str]]:
    """(child sitemaps, page URLs) of one sitemap document."""
    root = ET.fromstring(xml)
    return ([el.findtext(f"{SM}loc") for el in root.iter(f"{SM}sitemap")],
            [el.findtext(f"{SM}loc") for el in root.iter(f"{SM}url")])


# ------------------------------------------------------------------ model
def test_deterministic_bytes(room):
    other = Newsroom()
    for key in room.outlet_keys:
        for art in room.articles(key):
            assert room.page_bytes(art) == other.page_bytes(art)
        for path in ("/", "/robots.txt", "/rss.xml", "/feed/", "/atom.xml", "/sitemap.xml", "/wp-sitemap.xml",
                     "/sitemap_index.xml", "/sitemaps/articles-1.xml.gz"):
            assert room.render(key, path) == other.render(key, path)
    different = Newsroom(seed=1)
    assert [a.title for a in different.articles("nr-kurier")] != [a.title for a in room.articles("nr-kurier")]


def test_counts_dates_and_order(room):
    for key in MAIN:
        arts = room.articles(key)
        assert len(arts) >= 20
        assert len({a.url for a in arts}) == len(arts)
        stamps = [a.published_at for a in arts]
        assert stamps == sorted(stamps, reverse=True)
        for a in arts:
            assert a.published_at.tzinfo is not None
            assert REFERENCE - timedelta(days=30) <= a.published_at < REFERENCE
            assert a.modified_at is None or a.modified_at > a.published_at
            assert a.title and a.paragraphs and a.authors and a.section
            assert all(len(re.findall(r"[.!?”]\s", p + " ")) >= 2 for p in a.paragraphs), a.url
    assert len(room.articles("nr-zastrzezone")) == 6
    assert len(Newsroom(articles_per_outlet=40).articles("nr-gazeta")) == 40


def test_paragraphs_are_polish_and_never_shared(room):
    seen: dict[str, str] = {}
    for key in room.outlet_keys:
        for a in room.articles(key):
            assert a.lead not in a.paragraphs
            for p in a.paragraphs:
                assert p not in seen, f"{a.url} shares a paragraph with {seen[p]}"
                seen[p] = a.url
    text = " ".join(seen)
    for letter in "ąćęłńóśźż":
        assert letter in text


def test_every_expected_paragraph_is_on_its_page(room):
    for key in room.outlet_keys:
        for a in room.articles(key):
            status, _headers, body = room.render(key, path_of(a.url))
            assert status == 200
            text = page_text(a, body)
            assert a.title in text
            if a.lead:
                assert a.lead in text
            for p in a.paragraphs:
                assert p in text, (a.url, p)
            for credit in a.credits:
                assert credit in text


def test_kurier_page_quirks(room):
    a = room.articles("nr-kurier")[0]
    html = room.page_bytes(a).decode()
    for marker in ("Korzystamy z plików cookies", "Akceptuję", "Czytaj także:", "REKLAMA", "Zobacz też",
                   "Zapisz się do newslettera", 'id="komentarze"', "Udostępnij", "© 2026 Kurier Nadwiślański",
                   f'<link rel="canonical" href="{a.url}">', 'class="lead"', "application/ld+json"):
        assert marker in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == a.title and ld["description"] == a.lead
    assert ld["datePublished"].endswith("+01:00")
    assert [p["name"] for p in ld["author"]] == list(a.authors)
    # tracking parameters / fragments point at the same article; AMP points back to the canonical
    assert room.render("nr-kurier", path_of(a.url) + "?utm_source=home&utm_medium=list")[2] == room.page_bytes(a)
    amp = room.render("nr-kurier", "/amp" + path_of(a.url))
    assert amp[0] == 200 and f'<link rel="canonical" href="{a.url}">' in amp[2].decode()
    section = room.render("nr-kurier", "/kraj/")[2].decode()
    assert "utm_source=home&amp;utm_medium=list" in section and "#komentarze" in section and "/amp/" in section
    assert room.render("nr-kurier", "/kraj/?strona=2")[0] == 200
    assert room.render("nr-kurier", "/kraj/?strona=99")[0] == 404
    assert room.render("nr-kurier", "/kraj/cokolwiek,1.html")[0] == 404


def test_kresy_repeated_lead_donation_box_and_credit(room):
    arts = room.articles("nr-kresy")
    repeated = 0
    for a, art in zip(arts, room.arts("nr-kresy")):
        html = room.page_bytes(a).decode()
        doc = lxml.html.document_fromstring(html)
        content = doc.xpath('//div[@class="entry-content"]')[0]
        ps = [p.text_content() for p in content.xpath("./p")]
        assert ps[-1] == a.credits[0] and re.fullmatch(r"Kresy\.pl/(Reuters|PAP|TASS|Ukrinform)", ps[-1])
        for line in KRESY_BOX:
            assert line in html
        rep = art.extra["repeated_lead"]
        if rep:
            repeated += 1
            assert rep in ps[:2]
            assert rep.startswith("Jak ") and "– " not in rep
            assert rep not in a.paragraphs
        assert "<script type=\"application/ld+json\">" not in html
        assert 'property="article:published_time"' in html and 'name="author"' in html
    assert repeated >= len(arts) * 0.7
    assert room.render("nr-kresy", "/sitemap.xml")[0] == 404  # sitemaps only via robots.txt
    assert "Sitemap:" in room.render("nr-kresy", "/robots.txt")[2].decode()


def test_gazeta_legacy_charsets(room):
    arts = room.articles("nr-gazeta")
    assert {a.charset for a in arts} == {"windows-1250", "iso-8859-2"}
    for a in arts:
        status, headers, body = room.render("nr-gazeta", path_of(a.url))
        assert headers["Content-Type"] == "text/html"
        assert f'<meta http-equiv="Content-Type" content="text/html; charset={a.charset}">'.encode() in body
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode(a.charset)
        assert "Opublikowano:" in text and f"Autor: <b>{a.authors[0]}</b>" in text and "Źródło:" in text
    w = next(a for a in arts if a.charset == "windows-1250")
    body = room.page_bytes(w)
    assert "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".encode("windows-1250") not in body  # sanity: not a constant
    decoded = body.decode("windows-1250")
    assert "Gazeta Podhalańska" in decoded and "Źródło" in decoded
    assert decoded.encode("windows-1250") == body  # round-trips


def test_gazeta_gzipped_sitemaps_list_everything(room):
    index = room.render("nr-gazeta", "/sitemap_index.xml")[2]
    children, _ = sitemap_locs(index)
    found = set()
    gz_children = [c for c in children if c.endswith(".xml.gz")]
    assert gz_children
    for child in gz_children:
        status, headers, body = room.render("nr-gazeta", path_of(child))
        assert status == 200 and headers["Content-Type"] in ("application/gzip", "application/x-gzip")
        assert body[:2] == b"\x1f\x8b"
        found.update(sitemap_locs(gzip.decompress(body))[1])
    assert found == {a.url for a in room.articles("nr-gazeta")}
    robots = room.render("nr-gazeta", "/robots.txt")[2].decode()
    assert "Crawl-delay: 0.25" in robots and "Sitemap: " in robots
    assert "Crawl-delay: 1.5" in Newsroom(crawl_delay=1.5).render("nr-gazeta", "/robots.txt")[2].decode()


def _sitemap_urls(room, key, start):
    todo, pages = [start], set()
    while todo:
        status, _h, body = room.render(key, path_of(todo.pop()))
        assert status == 200
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        kids, urls = sitemap_locs(body)
        todo.extend(kids)
        pages.update(urls)
    return pages


def test_discovery_sitemaps_complete_feeds_partial(room):
    starts = {"nr-kurier": "/sitemap.xml", "nr-kresy": "/wp-sitemap.xml", "nr-gazeta": "/sitemap_index.xml",
              "nr-zastrzezone": "/sitemap.xml"}
    for key, start in starts.items():
        expected = {a.url for a in room.articles(key)}
        assert expected <= _sitemap_urls(room, key, start)
    news = ET.fromstring(room.render("nr-kurier", "/news-sitemap.xml")[2])
    ns = "{http://www.google.com/schemas/sitemap-news/0.9}"
    assert len(list(news.iter(f"{ns}publication_date"))) == len(room.articles("nr-kurier"))
    assert len(list(news.iter(f"{ns}title"))) == len(room.articles("nr-kurier"))
    feeds = {"nr-kurier": "/rss.xml", "nr-kresy": "/feed/", "nr-zastrzezone": "/rss.xml"}
    for key, path in feeds.items():
        root = ET.fromstring(room.render(key, path)[2])
        links = [strip_tracking(item.findtext("link")) for item in root.iter("item")]
        arts = room.articles(key)
        assert links == [a.url for a in arts[:20]]
        assert all(el.text for el in root.iter("pubDate"))
    kresy_feed = room.render("nr-kresy", "/feed/")[2].decode()
    assert "content:encoded" not in kresy_feed.replace('xmlns:content="', "")
    atom = ET.fromstring(room.render("nr-gazeta", "/atom.xml")[2])
    a_ns = "{http://www.w3.org/2005/Atom}"
    links = [l.get("href") for e in atom.iter(f"{a_ns}entry") for l in e.iter(f"{a_ns}link")]
    assert links == [a.url for a in room.articles("nr-gazeta")[:20]]


def _crawl_all_links(room, key) -> set[str]:
    """Every URL reachable from home, sections, article pages and listings (offline, no server)."""
    base = room.default_base_url(key)
    seen, todo = set(), [base + "/"]
    while todo:
        url = todo.pop()
        if url in seen or urlsplit(url).netloc != urlsplit(base).netloc:
            continue
        seen.add(url)
        status, headers, body = room.render(key, path_of(url))
        if status == 200 and headers["Content-Type"].startswith("text/html"):
            todo.extend(u.split("#")[0] for u in hrefs(base, body))
    return seen


def test_registry_round_trips_and_patterns_are_exact(room):
    bases = {k: room.default_base_url(k) + ":8123" for k in room.outlet_keys}
    data = tomllib.loads(registry_toml(room, bases))["outlets"]
    assert set(data) == set(room.outlet_keys)
    assert data["nr-kresy"]["sitemaps"] == [] and data["nr-kresy"]["boilerplate"] == list(KRESY_BOX)
    assert data["nr-kurier"]["name"] == "Kurier Nadwiślański" and data["nr-kurier"]["domains"] == ["127.0.0.11"]
    assert data["nr-kurier"]["verified"] == "newsroom"

    def is_article(entry, url):
        return (any(re.search(p, url) for p in entry["article_patterns"])
                and not any(re.search(p, url) for p in entry["deny_patterns"]))

    for key in room.outlet_keys:
        entry = tomllib.loads(registry_toml(room, {k: room.default_base_url(k) for k in room.outlet_keys}))["outlets"][key]
        articles = {a.url for a in room.articles(key)}
        for url in articles:
            assert is_article(entry, url), url
        reachable = {strip_tracking(u) for u in _crawl_all_links(room, key)}
        non_articles = reachable - articles
        assert non_articles, key
        for url in non_articles:
            assert not is_article(entry, url), url
        if key == "nr-kurier":
            assert any("/amp/" in u for u in non_articles) and any("/tag/" in u for u in non_articles)
            assert any("/autor/" in u for u in non_articles)
        if key == "nr-kresy":
            assert any("/kategoria/" in u for u in non_articles)


# ------------------------------------------------------------------ server
def fetch(url: str, method: str = "GET", ua: str = "newsroom-test/1.0"):
    req = urllib.request.Request(url, method=method, headers={"User-Agent": ua})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_serves_each_outlet_on_its_own_host(live, room):
    hosts = {urlsplit(live.base_url(k)).hostname for k in live.outlet_keys}
    assert hosts == {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"}
    live.clear_log()
    for key in live.outlet_keys:
        base = live.base_url(key)
        status, _h, body = fetch(base + "/robots.txt")
        assert status == 200 and b"User-agent" in body
        art = live.articles(key)[0]
        assert art.url.startswith(base + "/")
        status, headers, body = fetch(art.url + "?utm_source=x&utm_medium=y")
        assert status == 200 and body == live.page_bytes(art)
        assert int(headers["Content-Length"]) == len(body)
        assert live.expected(art.url) == art
        assert live.newsroom.articles(key) == live.articles(key)
        assert live.newsroom.render(key, path_of(art.url))[2] == body
        assert live.expected(art.url + "?utm_source=x#komentarze") == art
        status, headers, body = fetch(art.url, method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
        assert fetch(base + "/nie-ma-takiej-strony/")[0] == 404
    assert fetch(live.base_url("nr-kurier") + "/rss.xml")[0] == 200
    assert fetch(live.base_url("nr-kurier") + "/kraj/x,999.html")[0] == 404
    log = live.request_log
    assert len(log) == 4 * 4 + 2
    assert log[0].outlet == "nr-kurier" and log[0].method == "GET" and log[0].path == "/robots.txt"
    assert all(e.user_agent == "newsroom-test/1.0" for e in log)
    assert [e.timestamp for e in log] == sorted(e.timestamp for e in log)
    assert {e.method for e in log} == {"GET", "HEAD"}
    assert any(e.path.endswith("?utm_source=x&utm_medium=y") for e in log)
    assert live.expected("http://127.0.0.11:1/none,1.html") is None


def test_live_registry_file(live, tmp_path):
    path = live.write_registry(tmp_path / "outlets.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))["outlets"]
    base = live.base_url("nr-kurier")
    assert data["nr-kurier"]["home"] == base + "/"
    assert data["nr-kurier"]["feeds"] == [base + "/rss.xml"]
    assert data["nr-kurier"]["sitemaps"] == [base + "/sitemap.xml", base + "/news-sitemap.xml"]
    assert data["nr-gazeta"]["sitemaps"] == [live.base_url("nr-gazeta") + "/sitemap_index.xml"]
    assert data["nr-kresy"]["robots_sitemaps"] is True


def test_tdm_reservation_only_on_zastrzezone(live):
    base = live.base_url("nr-zastrzezone")
    for path in ("/", "/robots.txt", path_of(live.articles("nr-zastrzezone")[0].url), "/nie-ma/"):
        _s, headers, _b = fetch(base + path)
        assert headers.get("tdm-reservation") == "1"
    status, _h, body = fetch(base + "/.well-known/tdmrep.json")
    assert status == 200
    rep = json.loads(body)
    assert rep[0]["location"] == "/" and rep[0]["tdm-reservation"] == 1 and rep[0]["tdm-policy"].startswith("http")
    robots = fetch(base + "/robots.txt")[2].decode()
    assert "# TDM reservation (DSM art. 4)" in robots
    for bot in ("GPTBot", "CCBot", "Google-Extended"):
        assert re.search(rf"User-agent: {bot}\nDisallow: /\n", robots)
    art_page = fetch(live.articles("nr-zastrzezone")[0].url)[2].decode()
    assert '<meta name="tdm-reservation" content="1">' in art_page
    for key in ("nr-kurier", "nr-kresy", "nr-gazeta"):
        b = live.base_url(key)
        status, headers, body = fetch(live.articles(key)[0].url)
        assert "tdm-reservation" not in {h.lower() for h in headers}
        assert b"tdm-reservation" not in body
        assert fetch(b + "/.well-known/tdmrep.json")[0] == 404


# ------------------------------------------------------------------ CLI
def test_cli_dump(tmp_path):
    assert newsroom_main(["dump", str(tmp_path), "--articles", "4"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 * 3 + 6
    for row in rows:
        body = (tmp_path / row["html_file"]).read_bytes()
        text = body.decode(row["charset"])
        assert row["title"].split(":")[0] in text
        assert row["text"] == "\n\n".join(row["paragraphs"])


def test_cli_serve_writes_registry_and_stops_on_sigterm(tmp_path):
    reg = tmp_path / "reg.toml"
    proc = subprocess.Popen([sys.executable, "-m", "tests.newsroom", "serve", "--articles", "3",
                             "--registry-out", str(reg)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().strip() for _ in range(5)]
        assert lines[0].startswith("registry ")
        outlets = dict(line.split() for line in lines[1:])
        assert set(outlets) == {"nr-kurier", "nr-kresy", "nr-gazeta", "nr-zastrzezone"}
        assert fetch(outlets["nr-gazeta"] + "/robots.txt")[0] == 200
        assert tomllib.loads(reg.read_text(encoding="utf-8"))["outlets"]["nr-gazeta"]["home"] == outlets["nr-gazeta"] + "/"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
