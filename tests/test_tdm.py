"""Text-and-data-mining reservations: robots.txt, TDMRep header, meta tag and tdmrep.json."""

from __future__ import annotations

import json

from newscrawl import tdm
from newscrawl.discovery import page_signals

UA = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)"
HOME = "https://example.pl/"


def test_robots_txt_blocking_ai_crawlers_is_a_reservation():
    robots = "User-agent: GPTBot\nDisallow: /\n\nUser-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    status = tdm.robots_reservation(robots, HOME, UA)
    assert status.reserved and "GPTBot" in status.source and "CCBot" in status.source


def test_robots_txt_blocking_our_agent_is_a_reservation():
    status = tdm.robots_reservation("User-agent: newscrawl\nDisallow: /\n", HOME, UA)
    assert status == tdm.TdmStatus(True, "robots.txt disallows our user agent")


def test_ordinary_robots_txt_reserves_nothing():
    robots = "User-agent: *\nDisallow: /szukaj\nCrawl-delay: 2\nSitemap: https://example.pl/s.xml\n"
    assert tdm.robots_reservation(robots, HOME, UA) == tdm.NOT_RESERVED
    # An AI bot kept out of one folder only does not reserve the site.
    assert not tdm.robots_reservation("User-agent: GPTBot\nDisallow: /prywatne/\n", HOME, UA).reserved


def test_tdm_reservation_header():
    assert tdm.header_reservation(b"1", b"https://example.pl/policy.json").reserved
    assert "policy https://example.pl/policy.json" in tdm.header_reservation("1", "https://example.pl/policy.json").source
    assert not tdm.header_reservation("0").reserved
    assert not tdm.header_reservation(None).reserved


def test_tdm_reservation_meta_tag():
    html = (b'<html><head><meta name="tdm-reservation" content="1">'
            b'<meta name="tdm-policy" content="https://example.pl/p.json"></head><body></body></html>')
    signals = page_signals(html, HOME)
    status = tdm.meta_reservation(signals.tdm_reservation, signals.tdm_policy)
    assert status.reserved and "https://example.pl/p.json" in status.source
    assert not page_signals(b"<html><head><title>x</title></head></html>", HOME).tdm_reservation


def test_tdmrep_json_rules_apply_by_location():
    body = json.dumps([
        {"location": "/wolne/*", "tdm-reservation": 0},
        {"location": "/", "tdm-reservation": 1, "tdm-policy": "https://example.pl/p.json"},
    ]).encode()
    rules = tdm.parse_tdmrep(body)
    assert tdm.tdmrep_status(rules, "https://example.pl/teksty/a.html").reserved
    assert not tdm.tdmrep_status(rules, "https://example.pl/wolne/a.html").reserved
    assert tdm.tdmrep_outlet_status(rules, HOME).reserved


def test_tdmrep_json_partial_reservation_is_not_outlet_wide():
    rules = tdm.parse_tdmrep(b'[{"location": "/premium/*", "tdm-reservation": 1}]')
    assert not tdm.tdmrep_outlet_status(rules, HOME).reserved
    assert tdm.tdmrep_status(rules, "https://example.pl/premium/a.html").reserved
    assert tdm.tdmrep_status(rules, "https://example.pl/wolne/a.html") == tdm.NOT_RESERVED


def test_not_a_tdmrep_file():
    assert tdm.parse_tdmrep(b"<html>404</html>") is None
    assert tdm.parse_tdmrep(b'"text"') is None


def test_combine_joins_every_reserving_source():
    status = tdm.combine(tdm.NOT_RESERVED, tdm.TdmStatus(True, "a"), None, tdm.TdmStatus(True, "b"))
    assert status == tdm.TdmStatus(True, "a; b")
    assert tdm.combine(tdm.NOT_RESERVED, None) == tdm.NOT_RESERVED


# --- end to end: an outlet whose article pages (only) carry the TDMRep header -------------

ARTICLE = ("<html><head><title>Sejm przyjął ustawę</title></head><body><article><h1>Sejm przyjął ustawę</h1>"
           + "<p>Posłowie przyjęli w piątek ustawę o ochronie ludności, która trafi teraz do Senatu.</p>" * 8
           + "</article></body></html>").encode()


def _serve_page_reserving_site():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.support import send

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            self.server.paths.append(self.path)
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if self.path == "/feed.xml":
                items = "".join(f"<item><title>A{i}</title><link>{base}/a/{i}.html</link></item>" for i in range(40))
                body, headers = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
                                 "</channel></rss>").encode(), {"Content-Type": "application/rss+xml"}
            elif self.path.startswith("/a/"):
                body, headers["tdm-reservation"] = ARTICLE, "1"
            elif self.path == "/":
                body = b"<html><head><title>Portal</title></head><body>ok</body></html>"
            else:
                send(self, 404, {}, b"")
                return
            send(self, 200, headers, body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.paths = []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def test_pages_reserving_tdm_stop_the_outlet_and_are_not_stored(tmp_path, mongo_uri, mongo_db):
    from tests.newsroom.registry import dump_registry
    from tests.support import run_crawl

    server = _serve_page_reserving_site()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        registry = tmp_path / "outlets.toml"
        registry.write_text(dump_registry({"local": {
            "name": "Local", "domains": ["127.0.0.1"], "home": base + "/", "feeds": [base + "/feed.xml"],
            "robots_sitemaps": False, "article_patterns": [r"/a/\d+\.html$"], "verified": "newsroom"}}))
        result = run_crawl("local", mongo_uri, mongo_db.name, registry, NEWSCRAWL_CONCURRENT_REQUESTS="2")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "stopping local: its pages reserve text and data mining (tdm-reservation header)" in result.stderr
        assert mongo_db.articles.count_documents({}) == 0
        # Requests already queued are dropped once the first page showed the reservation.
        assert len([p for p in server.paths if p.startswith("/a/")]) < 10     # of 40
    finally:
        server.shutdown()
        server.server_close()
