"""Hostile input to the pure parts: XML attacks on the feed and sitemap readers, unknown TDM
status, and log lines that stay readable whatever a page contains."""

from __future__ import annotations

import gzip
import logging
import sys
from datetime import datetime, timezone

import pytest

from newscrawl import discovery, tdm
from newscrawl.items import FetchedPage
from newscrawl.logs import BoundedLines, bound_lines

BASE = "https://example.pl/"
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:9/x">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.pl/a-&file;</loc></url>
<url><loc>https://example.pl/b-&remote;</loc></url></urlset>"""
LAUGHS = ("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">"
          + "".join(f"<!ENTITY lol{i} \"{('&lol%s;' % (i - 1 if i > 1 else '')) * 10}\">" for i in range(1, 10))
          + "]><rss version=\"2.0\"><channel><item><link>https://example.pl/&lol9;</link></item></channel></rss>").encode()


def test_external_entities_are_never_resolved():
    doc = discovery.parse_sitemap(XXE, BASE)
    assert [e.url for e in doc.entries] == ["https://example.pl/a-", "https://example.pl/b-"]
    assert discovery.parse_feed(XXE.replace(b"urlset", b"rss").replace(b"<url><loc>", b"<item><link>")
                                .replace(b"</loc></url>", b"</link></item>"), BASE) is not None


def test_billion_laughs_is_not_expanded():
    # libxml2 gives up on the document rather than expanding it: no entry, no blow-up.
    reader = discovery.EntryReader(LAUGHS, BASE)
    assert reader.kind == "rss" and list(reader) == []


def test_a_gzip_bomb_stops_at_the_size_cap():
    bomb = gzip.compress(b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + b" " * 2_000_000, 9)
    reader = discovery.EntryReader(bomb, BASE, max_size=1_000_000)
    assert list(reader) == [] and reader.error == "gzip data inflates beyond 1000000 bytes"
    assert discovery.parse_sitemap(bomb, BASE) is not None          # under the default 64 MB cap
    assert discovery.maybe_gunzip(bomb, max_size=1_000_000) is None


@pytest.mark.parametrize("body", [
    b"<rss><channel><item><link>https://example.pl/a</link></item><item><link>https://exa",   # cut off
    b"<rss><channel><item><link>https://example.pl/a</link></item>\x00\xff\xfe</channel></rss>",
    b"<rss><channel><item><link>https://example.pl/a</link><title>&nbsp; & < </title></item></channel></rss>",
])
def test_malformed_feeds_give_what_they_can(body):
    assert [e.url for e in discovery.parse_feed(body, BASE)][:1] == ["https://example.pl/a"]


@pytest.mark.parametrize("body", [b"", b"\x00" * 100, bytes(range(256)) * 10, b"%PDF-1.4 binary", b"\x1f\x8bnot gzip"])
def test_binary_and_empty_bodies_are_no_feed_and_no_sitemap(body):
    assert discovery.parse_feed(body, BASE) is None
    assert discovery.parse_sitemap(body, BASE) is None


def test_a_failed_check_makes_the_tdm_status_unknown_unless_something_reserves():
    failed = tdm.unknown("robots.txt check failed: DNS lookup failed for kresy.pl")
    assert tdm.combine(tdm.NOT_RESERVED, failed) == failed
    assert tdm.combine(failed, tdm.NOT_RESERVED).reserved is None
    reserved = tdm.TdmStatus(True, "tdm-reservation header")
    assert tdm.combine(failed, reserved) == reserved
    assert tdm.combine(tdm.NOT_RESERVED, tdm.NOT_RESERVED) == tdm.NOT_RESERVED


def test_a_fetched_pages_repr_gives_the_body_length_not_the_body():
    page = FetchedPage("https://example.pl/a", "ex", b"<p>tajne</p>" * 1_000_000, 200, {},
                       datetime(2026, 11, 28, tzinfo=timezone.utc))
    assert repr(page) == ("FetchedPage(url='https://example.pl/a', outlet='ex', status=200, "
                          "body=<12000000 bytes>, response_url='')")


def test_log_lines_are_bounded_message_and_traceback():
    assert bound_lines("short\nlines", 10) == "short\nlines"
    assert bound_lines("x" * 25 + "\nok", 10) == "xxxxxxxxxx… [15 more characters]\nok"
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "Dropped: %s", ("y" * 5000,), None)
    try:
        raise ValueError("z" * 5000)
    except ValueError:
        record.exc_info = sys.exc_info()
    BoundedLines(100).filter(record)
    text = logging.Formatter().format(record)
    assert max(len(line) for line in text.splitlines()) <= 130
    assert "Dropped: yyy" in text and "ValueError: zzz" in text and text.count(" more characters]") >= 2
