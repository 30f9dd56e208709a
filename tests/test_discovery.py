"""Pure discovery parsing: feeds, sitemaps (plain, gzipped, index, Google News), robots.txt,
section pagination and page signals — no Scrapy, no network."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone

import pytest

from newscrawl import discovery
from newscrawl.discovery import Entry

BASE = "https://example.pl/"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>T</title><link>https://example.pl/</link>
<item><title>A</title><link>https://example.pl/a?utm_source=rss</link><guid isPermaLink="false">x-1</guid>
<pubDate>Fri, 27 Nov 2026 10:00:00 +0100</pubDate></item>
<item><title>B</title><guid>https://example.pl/b</guid><dc:date>2026-11-26T08:00:00Z</dc:date></item>
<item><title>C</title><link>/c</link><feedburner:origLink>https://example.pl/c-orig</feedburner:origLink></item>
<item><title>no link</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<link rel="self" href="https://example.pl/atom.xml"/>
<entry><title>A</title><link rel="alternate" type="text/html" href="https://example.pl/a"/>
<link rel="enclosure" href="https://example.pl/a.jpg"/><published>2026-11-27T09:00:00+01:00</published>
<updated>2026-11-27T11:00:00+01:00</updated></entry>
<entry><title>B</title><link href="b"/><updated>2026-11-20T11:00:00</updated></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<item rdf:about="https://example.pl/r"><title>R</title><dc:date>2026-11-01</dc:date></item></rdf:RDF>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://example.pl/a</loc><lastmod>2026-11-27T10:00:00+01:00</lastmod></url>
<url><loc> https://example.pl/b </loc></url>
</urlset>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.pl/n</loc><lastmod>2026-11-27T12:00:00+01:00</lastmod>
<news:news><news:publication><news:name>X</news:name><news:language>pl</news:language></news:publication>
<news:publication_date>2026-11-27T08:30:00+01:00</news:publication_date><news:title>N</news:title></news:news></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="/s.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.pl/s-1.xml.gz</loc><lastmod>2026-11-27</lastmod></sitemap>
<sitemap><loc>https://example.pl/s-2.xml</loc></sitemap>
</sitemapindex>"""


def warsaw(*args):
    return datetime(*args, tzinfo=discovery.WARSAW)


def test_rss_entries_links_and_dates():
    entries = discovery.parse_feed(RSS, BASE)
    assert entries == [
        Entry("https://example.pl/a?utm_source=rss", datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=1)))),
        Entry("https://example.pl/b", datetime(2026, 11, 26, 8, tzinfo=timezone.utc)),
        Entry("https://example.pl/c-orig", None),
    ]


def test_atom_entries_prefer_alternate_link_and_published_date():
    entries = discovery.parse_feed(ATOM, "https://example.pl/atom.xml")
    assert [e.url for e in entries] == ["https://example.pl/a", "https://example.pl/b"]
    assert entries[0].date == datetime(2026, 11, 27, 9, tzinfo=timezone(timedelta(hours=1)))
    assert entries[1].date == warsaw(2026, 11, 20, 11)      # no zone: Warsaw time
    assert [e.modified for e in entries] == [datetime(2026, 11, 27, 11, tzinfo=timezone(timedelta(hours=1))),
                                             warsaw(2026, 11, 20, 11)]


def test_rdf_feed():
    assert discovery.parse_feed(RDF, BASE) == [Entry("https://example.pl/r", warsaw(2026, 11, 1))]


@pytest.mark.parametrize("body", [b"<html><body>404</body></html>", b"", b"not xml at all", URLSET])
def test_not_a_feed(body):
    assert discovery.parse_feed(body, BASE) is None


def test_urlset_with_lastmod():
    doc = discovery.parse_sitemap(URLSET, BASE)
    assert doc.kind == "urlset"
    lastmod = datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=1)))
    assert doc.entries == (Entry("https://example.pl/a", lastmod, modified=lastmod),
                           Entry("https://example.pl/b", None))


def test_google_news_publication_date_wins_over_lastmod():
    (entry,) = discovery.parse_sitemap(NEWS, BASE).entries
    assert entry.date == datetime(2026, 11, 27, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    # lastmod is kept apart: an updated story is re-fetched by it (incremental crawls)
    assert entry.modified == datetime(2026, 11, 27, 12, tzinfo=timezone(timedelta(hours=1)))


def test_sitemap_index():
    doc = discovery.parse_sitemap(INDEX, BASE)
    assert doc.kind == "sitemapindex"
    assert doc.entries == (Entry("https://example.pl/s-1.xml.gz", warsaw(2026, 11, 27), warsaw(2026, 11, 27)),
                           Entry("https://example.pl/s-2.xml", None))


def test_gzipped_sitemap_is_read_and_a_bomb_is_refused():
    assert discovery.parse_sitemap(gzip.compress(URLSET), BASE).entries[0].url == "https://example.pl/a"
    assert discovery.maybe_gunzip(gzip.compress(b"x" * 5000), max_size=1000) is None
    assert discovery.maybe_gunzip(b"\x1f\x8bbroken") is None
    assert discovery.parse_sitemap(b"<html>404</html>", BASE) is None


def test_newest_entry_date():
    entries = discovery.parse_feed(RSS, BASE)
    assert discovery.newest(entries) == datetime(2026, 11, 27, 9, tzinfo=timezone.utc)
    assert discovery.newest([Entry("x")]) is None


def test_robots_sitemaps_and_crawl_delay():
    robots = ("User-agent: *\nCrawl-delay: 2.5\nDisallow: /szukaj\n\n"
              "Sitemap: https://example.pl/wp-sitemap.xml\nsitemap: /news.xml\nSitemap: https://example.pl/wp-sitemap.xml\n")
    assert discovery.robots_sitemaps(robots, "https://example.pl/robots.txt") == [
        "https://example.pl/wp-sitemap.xml", "https://example.pl/news.xml"]
    assert discovery.robots_crawl_delay(robots, "newscrawl/0.1") == 2.5
    assert discovery.robots_crawl_delay("User-agent: *\nDisallow:\n", "newscrawl/0.1") is None


@pytest.mark.parametrize("url, section, expected", [
    ("https://k.pl/kraj/?strona=2", "https://k.pl/kraj/", True),
    ("https://k.pl/region/?p=3", "https://k.pl/region/", True),
    ("https://k.pl/kategoria/polska/page/2/", "https://k.pl/kategoria/polska/", True),
    ("https://k.pl/wiadomosci/strona/4", "https://k.pl/wiadomosci", True),
    ("https://k.pl/kraj/", "https://k.pl/kraj/", False),                       # the listing itself
    ("https://k.pl/swiat/?strona=2", "https://k.pl/kraj/", False),              # another section
    ("https://k.pl/tag/sejm/?strona=2", "https://k.pl/kraj/", False),
    ("https://k.pl/kraj/?sort=popularne", "https://k.pl/kraj/", False),         # not numbered
    ("https://k.pl/kraj/?strona=2&sort=x", "https://k.pl/kraj/", False),
    ("https://other.pl/kraj/?strona=2", "https://k.pl/kraj/", False),
])
def test_pagination_links(url, section, expected):
    assert discovery.is_pagination_link(url, section) is expected


def test_page_signals_canonical():
    html = b'<html><head><link rel="amphtml" href="/amp/a"><link rel="canonical" href="/kraj/a,1.html"></head></html>'
    assert discovery.page_signals(html, "https://k.pl/amp/kraj/a,1.html").canonical == "https://k.pl/kraj/a,1.html"
    assert discovery.page_signals(b"", BASE) == discovery.PageSignals()


@pytest.mark.parametrize("value, expected", [
    ("2026-11-01", warsaw(2026, 11, 1)),
    ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
    ("Sun, 01 Nov 2026 10:00:00 GMT", datetime(2026, 11, 1, 10, tzinfo=timezone.utc)),
    ("wczoraj", None), ("", None), (None, None),
])
def test_dates(value, expected):
    assert discovery.parse_date(value) == expected
