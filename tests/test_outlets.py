"""The outlet registry: strict loading, the shipped Polish outlets, `scrapy list`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newscrawl.outlets import DEFAULT_REGISTRY, RegistryError, load_registry
from tests.newsroom.registry import dump_registry
from tests.support import ROOT

REQUIRED = {"kresy", "rp", "tvn24", "polsatnews", "onet", "wp", "interia", "rmf24", "tvpinfo", "pap", "gazeta",
            "oko", "dgp", "businessinsider", "bankier", "wpolityce", "dorzeczy", "pr24"}

GOOD = {"name": "X", "domains": ["x.pl"], "home": "https://www.x.pl/", "feeds": ["https://x.pl/feed"],
        "article_patterns": [r"/\d+\.html$"], "deny_patterns": ["/tag/"]}


def write(tmp_path, entries):
    path = tmp_path / "outlets.toml"
    path.write_text(dump_registry(entries), encoding="utf-8")
    return path


def test_shipped_registry_has_the_major_polish_outlets():
    registry = load_registry()
    assert REQUIRED <= set(registry)
    assert len(registry) >= 15
    for outlet in registry.values():
        assert outlet.feeds or outlet.sitemaps or outlet.robots_sitemaps or outlet.sections, outlet.key
        assert outlet.article_patterns, outlet.key
        assert outlet.language == "pl"
        assert outlet.verified == "unverified"      # nobody could reach the sites from here
        assert outlet.owns(outlet.home)
    # Known machine-readable TDM reservations are recorded (skipped by default).
    assert registry["pap"].tdm == "reserved" and registry["radiozet"].tdm == "reserved"


@pytest.mark.parametrize("key, url, is_article", [
    ("kresy", "https://kresy.pl/wydarzenia/polityka/blinken-i-lawrow-rozmawiali/", True),
    ("kresy", "https://kresy.pl/tag/rosja/", False),
    ("rp", "https://www.rp.pl/polityka/art12345678-wybory-w-polsce", True),
    ("tvn24", "https://tvn24.pl/polska/wybory-prezydenckie-ra123456", True),
    ("tvn24", "https://tvn24.pl/polska", False),
    ("polsatnews", "https://www.polsatnews.pl/wiadomosc/2026-11-27/sejm-przyjal-ustawe/", True),
    ("interia", "https://wydarzenia.interia.pl/kraj/news-sejm-przyjal,nId,7123456", True),
    ("bankier", "https://www.bankier.pl/wiadomosc/Inflacja-w-listopadzie-8712345.html", True),
    ("wp", "https://wiadomosci.wp.pl/sejm-przyjal-ustawe-7012345678901234a", True),
    ("oko", "https://oko.press/tag/", False),
    ("rp", "https://www.onet.pl/polityka/art1-x", False),     # not the outlet's domain
])
def test_article_patterns(key, url, is_article):
    assert load_registry()[key].is_article_url(url) is is_article


def test_scrapy_list_shows_every_outlet_and_the_generic_spider():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == set(load_registry()) | {"news"}


def test_registry_round_trips(tmp_path):
    outlet = load_registry(write(tmp_path, {"x": GOOD}))["x"]
    assert outlet.domains == ("x.pl",) and outlet.verified == "unverified" and outlet.tdm == "unknown"
    assert outlet.is_article_url("https://www.x.pl/kraj/1.html")
    assert not outlet.is_article_url("https://www.x.pl/tag/1.html")


def test_check_url_says_why_a_url_is_refused(tmp_path):
    entry = {**GOOD, "exclude_patterns": [r"^https://sport\.x\.pl/"], "article_shaped_kinds": ["live"],
             "notes": "sport.x.pl is a separate sport title"}
    outlet = load_registry(write(tmp_path, {"x": entry}))["x"]
    assert outlet.article_shaped_kinds == ("live",)
    cases = {
        "https://m.x.pl/kraj/1.html?utm_source=rss": ("accepted", ""),
        "https://www.y.pl/kraj/1.html": ("other domain", ""),
        "https://www.x.pl/kraj/": ("no pattern matched", ""),
        "https://www.x.pl/tag/1.html": ("denied", "/tag/"),
        "https://sport.x.pl/tag/1.html": ("excluded", r"^https://sport\.x\.pl/"),
    }
    for url, (reason, rule) in cases.items():
        verdict = outlet.check_url(url)
        assert (verdict.reason, verdict.rule) == (reason, rule), url
        assert verdict.accepted is (reason == "accepted")
    # The canonical form is what a crawl fetches: the mobile host and tracking parameter go.
    verdict = outlet.check_url("https://m.x.pl/kraj/1.html?utm_source=rss")
    assert verdict.canonical == "https://www.x.pl/kraj/1.html" and verdict.is_variant
    assert not outlet.check_url("https://www.x.pl/kraj/1.html?utm_source=rss").is_variant


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "unknown field(s) colour"),
    ({"name": ""}, "missing required field 'name'"),
    ({"feeds": "https://x.pl/feed"}, "'feeds' must be a list of strings"),
    ({"feeds": ["/feed"]}, "'feeds' has a value that is not an http(s) URL"),
    ({"article_patterns": ["("]}, "bad pattern"),
    ({"verified": "yes"}, "'verified' must be"),
    ({"verified": "2026-11-27"}, None),
    ({"tdm": "maybe"}, "'tdm' must be one of unknown, none, reserved"),
    ({"home": "https://other.pl/"}, "is not on its domains"),
    ({"robots_sitemaps": "yes"}, "'robots_sitemaps' must be true or false"),
    ({"exclude_patterns": [r"^https://sport\."]}, "'exclude_patterns' needs 'notes' saying why"),
    ({"exclude_patterns": ["("], "notes": "sport"}, "bad pattern"),
    ({"article_shaped_kinds": ["podcast"]}, "'article_shaped_kinds' has 'podcast', not one of section, tag"),
])
def test_bad_entries_give_one_line_errors(tmp_path, change, message):
    path = write(tmp_path, {"x": {**GOOD, **change}})
    if message is None:
        assert load_registry(path)["x"].verified == change["verified"]
        return
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_or_broken_registry_file(tmp_path):
    with pytest.raises(RegistryError, match="does not exist"):
        load_registry(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[outlets.x\n")
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_registry(tmp_path / "bad.toml")


def test_shipped_registry_file_is_the_default():
    assert load_registry(DEFAULT_REGISTRY).keys() == load_registry().keys()
