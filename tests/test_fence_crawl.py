"""The fence end to end: real `scrapy crawl` runs against the hostile site
(tests/hostile_site.py), judged by the other hosts' request logs, the crawl stats and what
reached MongoDB."""

from __future__ import annotations

import re

import pytest

from tests.hostile_site import BAD_PAGES, ELSEWHERE_IP, OWN_IP, HostileSite, run_scrapy


@pytest.fixture(scope="module")
def site():
    with HostileSite().serve() as live:
        yield live


@pytest.fixture(scope="module")
def named_site():
    """The hostile site with its URLs under the name hostile.test (resolved offline)."""
    with HostileSite(own_name="hostile.test").serve() as live:
        yield live


@pytest.fixture(scope="module")
def hostile_crawl(site, mongo_uri, module_db, tmp_path_factory):
    """One crawl of the hostile outlet by its IP (like the offline newsroom)."""
    tmp = tmp_path_factory.mktemp("hostile")
    site.clear_logs()
    result, stats = run_scrapy("hostile", mongo_uri, module_db.name, site.registry(tmp / "outlets.toml"), tmp)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, stats


def test_no_request_reaches_another_host_or_port(site, hostile_crawl):
    # A sitemap-index child, a robots.txt Sitemap: and a redirected feed on another host, the
    # home page redirected to another host's /admin/, and an article redirected to another port.
    assert site.log("elsewhere") == []
    assert site.log("other_port") == []


def test_only_the_outlets_own_articles_are_stored(site, hostile_crawl, module_db):
    stored = {d["_id"] for d in module_db.articles.find({}, {"_id": 1})}
    assert stored == site.expected_urls()
    pages = {d["_id"] for d in module_db.pages.find({}, {"_id": 1})}
    assert pages == stored
    assert not [u for u in stored | pages if not u.startswith(site.base())]


def test_refusals_are_counted_by_reason(hostile_crawl):
    _, stats = hostile_crawl
    # off outlet: /admin/, the redirected feed, two sitemaps on another host, 169.254.169.254,
    # 10.0.0.1; wrong port: the sitemap and the article on the other port.
    assert stats["newscrawl/refused/off_outlet"] == 6
    assert stats["newscrawl/refused/port"] == 2
    assert "newscrawl/refused/private_address" not in stats


def test_each_refused_host_is_logged_once(site, hostile_crawl):
    result, _ = hostile_crawl
    refused = re.findall(r"\[newscrawl\.fence\] WARNING: refused (\S+)", result.stderr)
    hosts = [url.split("/")[2] for url in refused]
    assert sorted(hosts) == sorted({site.base("elsewhere")[7:], "169.254.169.254", "10.0.0.1",
                                    site.base("other_port")[7:]})
    assert "Traceback" not in result.stderr


def test_per_outlet_facts(site, hostile_crawl):
    _, stats = hostile_crawl
    facts = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newscrawl/outlet/hostile/")}
    assert facts == {
        # robots.txt, tdmrep.json (404 is an answer), 2 feeds, the index, 4 sitemaps of its
        # own, the XXE, billion-laughs and gzip-bomb sitemaps.
        "sources_ok": 12,
        # the home page check and 6 sources refused by the fence
        "sources_failed": 7,
        # 7 stored, 4 bad pages, 1 redirected to another port
        "articles_scheduled": 12,
        # article links accepted from the feeds and sitemaps (a URL once per listing)
        "found": 15,
        # article pages downloaded: the scheduled ones but the one refused after its redirect
        "fetched": 11,
        "requests_failed": 1,
        "stored": 7,
        "dropped": 4,  # the 4 bad pages (pool: pages of the outlet that gave no record)
        "error": f"refused {site.base('elsewhere')}/admin/: {ELSEWHERE_IP} is not on the outlet's domains",
    }


def test_a_failed_tdm_check_leaves_the_status_unknown(hostile_crawl):
    # The home page redirects off the outlet: its TDM signals could not be read.
    _, stats = hostile_crawl
    tdm = stats["newscrawl/tdm/hostile"]
    assert tdm["reserved"] is None and tdm["skipped"] is False
    assert tdm["source"].startswith("home page check failed: refused http://")


def test_records_of_an_outlet_whose_tdm_status_is_unknown_say_so(hostile_crawl, module_db):
    # Not "reserved: False": the failed check means no one can tell.
    records = list(module_db.articles.find({}, {"tdm": 1}))
    assert records
    for record in records:
        assert record["tdm"]["reserved"] is None
        assert record["tdm"]["source"].startswith("home page check failed: refused http://")


def test_hostile_xml_is_read_safely(site, hostile_crawl):
    result, stats = hostile_crawl
    own = site.log("own")
    # XXE: neither the file:// nor the http:// entity was resolved or requested.
    assert not [p for p in own if "passwd" in p or "root" in p or p.endswith("/xxe.xml") or "lol" in p]
    assert "/sitemap-xxe.xml" in own and "/sitemap-laughs.xml" in own
    # The gzip bomb stops at the size cap; the feed cut off mid-item still gave its article.
    assert stats["newscrawl/discovery/broken_file"] == 1
    assert "sitemap-bomb.xml.gz is broken (gzip data inflates beyond" in result.stderr
    assert site.articles()[7].url in site.expected_urls()


def test_bad_pages_are_dropped_with_reasons_and_never_logged(site, hostile_crawl):
    result, stats = hostile_crawl
    assert {p for p in site.log("own") if p in BAD_PAGES} == set(BAD_PAGES)
    assert stats["newscrawl/dropped/empty_page"] == 1
    assert stats["newscrawl/dropped/not_html"] == 3         # binary, PDF, 15 MB of plain text
    assert "body=<14560000 bytes>" in result.stderr
    assert "Zażółć gęślą jaźń. Zażółć" not in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) <= 1100
    assert len(result.stderr) < 30_000


def test_a_missing_tdmrep_json_is_not_a_warning(hostile_crawl):
    result, _ = hostile_crawl
    assert "tdmrep" not in result.stderr


def test_a_name_resolving_to_a_loopback_address_is_refused(named_site, mongo_uri, mongo_db, tmp_path):
    # No private network allowed: hostile.test resolves to 127.0.0.21, so nothing is fetched.
    site = named_site
    port = site.base().rsplit(":", 1)[1]
    site.clear_logs()
    registry = site.registry(tmp_path / "outlets.toml")
    result, stats = run_scrapy("hostile", mongo_uri, mongo_db.name, registry, tmp_path,
                               hosts={"hostile.test": OWN_IP}, NEWSCRAWL_ALLOW_PRIVATE_NETWORKS="")
    # Nothing of the outlet could be fetched: the outlet ends unreachable, the crawl exits 1.
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"hostile: unreachable (refused http://hostile.test:{port}/robots.txt" in result.stderr
    assert site.log("own") == []
    assert stats["newscrawl/refused/private_address"] >= 7
    assert stats["newscrawl/outlet/hostile/sources_ok"] == 0
    assert stats["newscrawl/outlet/hostile/error"] == (
        f"refused http://hostile.test:{port}/robots.txt: hostile.test resolves to a loopback address {OWN_IP}")
    assert mongo_db.articles.count_documents({}) == 0


def test_a_subdomain_resolving_to_a_forbidden_address_is_refused_after_resolution(
        named_site, mongo_uri, mongo_db, tmp_path):
    # intranet.hostile.test is on the outlet's domains and its port is a registry port, so
    # only the resolved address (127.0.0.22, outside the allowed 127.0.0.21/32) stops it.
    site = named_site
    port, other = site.base().rsplit(":", 1)[1], site.base("elsewhere").rsplit(":", 1)[1]
    site.clear_logs()
    registry = site.registry(tmp_path / "outlets.toml", sections=[f"http://intranet.hostile.test:{other}/kraj/"])
    result, stats = run_scrapy("hostile", mongo_uri, mongo_db.name, registry, tmp_path,
                               hosts={"hostile.test": OWN_IP, "intranet.hostile.test": ELSEWHERE_IP},
                               NEWSCRAWL_ALLOW_PRIVATE_NETWORKS=f"{OWN_IP}/32")
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.log("elsewhere") == []
    assert stats["newscrawl/refused/private_address"] >= 1
    assert re.search(rf"refused http://intranet\.hostile\.test:{other}/\S* \(private_address: intranet\.hostile\.test "
                     rf"resolves to a loopback address {ELSEWHERE_IP}\)", result.stderr)
    stored = {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    assert stored == site.expected_urls() and all(u.startswith(f"http://hostile.test:{port}/") for u in stored)


def test_an_unresolvable_outlet_fails_fast_in_a_few_lines(site, mongo_uri, mongo_db, tmp_path):
    registry = site.registry(tmp_path / "outlets.toml", base="https://gone.test", sections=["https://gone.test/kraj/"])
    result, stats = run_scrapy("hostile", mongo_uri, mongo_db.name, registry, tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "hostile: unreachable (DNS lookup failed for gone.test), 0 articles" in result.stderr.splitlines()
    assert stats["newscrawl/outlet/hostile/error"] == "DNS lookup failed for gone.test"
    assert stats["newscrawl/outlet/hostile/sources_ok"] == 0
    assert stats["newscrawl/outlet/hostile/sources_failed"] == 8     # 3 checks, 3 feeds, a sitemap, a section
    assert stats["newscrawl/tdm/hostile"]["reserved"] is None
    # Not retried: one download attempt per request (+ the robots.txt middleware's own).
    assert stats["downloader/request_count"] == 9 and "retry/count" not in stats
    ours = [line for line in result.stderr.splitlines() if "[hostile]" in line or "[newscrawl" in line]
    assert len(ours) <= 3, ours
    assert "Traceback" not in result.stderr
