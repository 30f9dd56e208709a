"""The registry against real URLs (tests/data/outlet-urls.json) and `scrapy outlets --check-urls`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from newscrawl.outlets import DENIED, EXCLUDED, NO_PATTERN, OTHER_DOMAIN, load_registry
from newscrawl.urlcheck import UrlFileError, check_urls, read_url_file, tally
from tests.support import ROOT

URL_FILE = ROOT / "tests" / "data" / "outlet-urls.json"
URL_DATA = json.loads(URL_FILE.read_text(encoding="utf-8"))
CHECKED_ON = "2026-11-28"
MIN_ACCEPTED = 0.95


@pytest.fixture(scope="module")
def checked():
    return check_urls(read_url_file(URL_FILE), load_registry())


@pytest.mark.parametrize("key", sorted(URL_DATA["outlets"]))
def test_registry_accepts_the_real_article_urls_and_no_other_page(checked, key):
    rows = [c for c in checked if c.outlet == key]
    counts = tally(rows)[key]
    refused = [f"{c.case.url} ({c.why})" for c in rows if c.case.kind == "article" and c.problem]
    assert counts.accepted_share >= MIN_ACCEPTED, f"{key}: article URLs refused:\n" + "\n".join(refused)
    accepted = [f"{c.case.kind} {c.case.url}" for c in rows if c.case.kind != "article" and c.problem]
    assert not accepted, f"{key}: non-article URLs accepted as articles:\n" + "\n".join(accepted)
    # An exclusion may drop part of a site, never the whole outlet.
    assert counts.articles == 0 or counts.accepted > 0, key


def test_exclusions_and_article_shaped_kinds_are_explained_in_notes():
    registry = load_registry()
    for outlet in registry.values():
        if outlet.exclude_patterns:
            assert "Excluded on purpose" in outlet.notes, outlet.key
        if outlet.article_shaped_kinds:
            assert "URLs cannot tell them apart" in outlet.notes, outlet.key
    # The exclusions in force are the sport titles and TVN24's paywall, nothing else.
    assert {k for k, o in registry.items() if o.exclude_patterns} == {"tvn24", "onet", "wp", "interia"}


@pytest.mark.parametrize("key, url, reason", [
    ("onet", "https://przegladsportowy.onet.pl/tenis/swiatek-wygrywa-final/abc1234", EXCLUDED),
    ("wp", "https://sportowefakty.wp.pl/tenis/1264111/swiatek-wygrywa-final", EXCLUDED),
    ("tvn24", "https://tvn24.pl/premium/dlaczego-to-sie-stalo-st9000001", EXCLUDED),
    ("tvn24", "https://tvn24.pl/tvnwarszawa/najnowsze/zderzenie-na-moscie-5641702", DENIED),
    ("tvn24", "https://tvn24.pl/tagi/Koronawirus_w_Polsce", NO_PATTERN),
    ("tvn24", "https://www.polsatnews.pl/wiadomosc/2026-01-01/cos-sie-stalo/", OTHER_DOMAIN),
    ("businessinsider", "https://businessinsider.com.pl/wideo/jak-dziala-gielda-w-praktyce/abc1234", DENIED),
    ("polsatnews", "https://www.polsatnews.pl/wiadomosc/2022-03-25/wojna-w-ukrainie-relacja-na-zywo/", DENIED),
    ("kresy", "https://kresy.pl/wydarzenia/polityka/", NO_PATTERN),
])
def test_refusals_say_why(key, url, reason):
    verdict = load_registry()[key].check_url(url)
    assert not verdict.accepted
    assert verdict.reason == reason


@pytest.mark.parametrize("key, url", [
    ("kresy", "https://kresy.pl/wydarzenia/regiony/ukraina/lwow-odnowiony-cmentarz-orlat-otwarty/"),
    ("rp", "https://www.rp.pl/Polityka/200619803-LGBT-to-nie-ludzie-to-ideologia.html"),
    ("onet", "https://www.onet.pl/informacje/onetwiadomosci/rzez-wolynska-kleska-dyplomatyczna/dtztlx1,79cfc278"),
    ("wp", "http://wiadomosci.wp.pl/kat,1342,title,Sejm-przyjal-ustawe,wid,16543210,wiadomosc.html?ticaid=111908"),
    ("gazeta", "https://wyborcza.pl/7,75398,30375495,reforma-szkol-bez-szans.html?disableRedirects=true"),
    ("polsatnews", "https://m.polsatnews.pl/wiadomosc/2026-01-01/sejm-przyjal-ustawe/"),
])
def test_old_shapes_subdomains_and_variants_are_accepted(key, url):
    verdict = load_registry()[key].check_url(url)
    assert verdict.accepted, verdict


def readme_outlet_rows() -> dict[str, list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- outlets:start -->", 1)[1].split("<!-- outlets:end -->", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z0-9_-]+)` \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_readme_outlet_table_says_how_many_real_urls_each_outlet_was_checked_against():
    rows = readme_outlet_rows()
    assert set(rows) == set(load_registry())
    header = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"real URLs checked ({CHECKED_ON})" in header
    for key in rows:
        entry = URL_DATA["outlets"].get(key, {"articles": [], "non_articles": []})
        expected = f"{len(entry['articles'])} articles, {len(entry['non_articles'])} other pages"
        assert rows[key][-1] == expected, key


# --- the command -------------------------------------------------------------------------
def check_cmd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "outlets", "--check-urls", *args], cwd=ROOT,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=120)


def line_of(output: str, url: str) -> str:
    (line,) = [line for line in output.splitlines() if line.split()[-1:] and url in line.split()]
    return line


def test_check_urls_on_the_shared_file_passes_and_says_why_each_url_is_refused():
    result = check_cmd(str(URL_FILE))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    total = sum(len(e["articles"]) + len(e["non_articles"]) for e in URL_DATA["outlets"].values())
    assert result.stdout.splitlines()[-1] == f"{total} URL(s) checked: 0 problem(s) (marked !)"
    out = result.stdout
    assert re.search(r"^onet +Onet Wiadomości: 10 of 30 article URLs accepted, 20 excluded; "
                     r"0 of 16 non-article URLs accepted$", out, re.M)
    assert re.search(r"^ {4}accepted article +https://wiadomosci\.onet\.pl/kraj/\S+/t1jv0ez$", out, re.M)
    sport = "https://przegladsportowy.onet.pl/golf/najwyzsze-w-historii-polskiego-golfa-na-dme/09t2q4m"
    assert re.search(rf"^ {{4}}refused +article +{re.escape(sport)}  excluded by '", out, re.M)
    assert re.search(r"^ {4}refused +video +https://tvn24\.pl/tvnwarszawa/najnowsze/\S+  denied by '/najnowsze/'$",
                     out, re.M)
    assert re.search(r"^ {4}refused +feed +https://tvn24\.pl/rss/najwazniejsze\.xml  no pattern matched$", out, re.M)
    assert re.search(r"^ {4}accepted other +https://serwisy\.gazetaprawna\.pl/\S+\.html\.amp\?amp_js_v=0\.1  "
                     r"variant: a crawl fetches https://serwisy\.gazetaprawna\.pl/\S+\.html instead$", out, re.M)


def test_check_urls_on_a_plain_list_fails_when_any_url_is_refused(tmp_path):
    good = "https://tvn24.pl/polska/sejm-przyjal-ustawe-o-obronie-cywilnej-st9188872"
    tag = "https://tvn24.pl/tagi/Koronawirus_w_Polsce"
    video = "https://tvn24.pl/tvnwarszawa/najnowsze/zderzenie-na-moscie-5641702"
    elsewhere = "https://www.example.org/2026/11/28/story.html"
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# tvn24 and friends\n{good}\n\n{tag}\n{video}\n{elsewhere}\n", encoding="utf-8")
    result = check_cmd(str(urls), "tvn24")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "tvn24          TVN24: 1 of 3 article URLs accepted" in out
    assert re.match(r"^ {4}accepted article +\S+$", line_of(out, good))
    assert line_of(out, tag).startswith("  ! refused  article") and line_of(out, tag).endswith("no pattern matched")
    assert line_of(out, video).endswith("denied by '/najnowsze/'")
    assert "(no outlet)  1 URL(s) on no listed outlet's domains" in out
    assert line_of(out, elsewhere).startswith("  ! refused") and line_of(out, elsewhere).endswith("other domain")
    assert out.splitlines()[-1] == "4 URL(s) checked: 3 problem(s) (marked !)"
    # Only accepted article URLs: exit 0.
    urls.write_text(f"{good}\n", encoding="utf-8")
    assert check_cmd(str(urls)).returncode == 0


def test_check_urls_json_flags_an_accepted_non_article_and_prints_json_rows(tmp_path):
    video = "https://tvn24.pl/polska/zobacz-nagranie-z-sejmu-st9100001"
    data = {"outlets": {"tvn24": {
        "articles": [{"url": "https://tvn24.pl/swiat/wybory-w-usa-st9100002"}],
        "non_articles": [{"url": video, "kind": "video"},
                         {"url": "https://tvn24.pl/tagi/Sejm", "kind": "tag"}]}}}
    path = tmp_path / "urls.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = check_cmd(str(path), "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {r["url"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows[video] == {"outlet": "tvn24", "url": video, "kind": "video", "canonical": video, "accepted": True,
                           "reason": "accepted", "rule": "", "problem": True,
                           "why": "a non-article page accepted as an article", "listed_as_article": False}
    assert rows["https://tvn24.pl/tagi/Sejm"]["problem"] is False
    assert rows["https://tvn24.pl/tagi/Sejm"]["reason"] == "no pattern matched"
    assert rows["https://tvn24.pl/swiat/wybory-w-usa-st9100002"]["accepted"] is True


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    ('{"outlets": {"tvn24": {"articles": [', "is not valid JSON"),
    ('{"outlets": {"nie-ma-takiego": {"articles": [{"url": "https://x.pl/a"}]}}}', "not in the registry: nie-ma-takiego"),
])
def test_check_urls_unreadable_or_malformed_file_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "urls.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = check_cmd(str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newscrawl: ")
    assert message in result.stderr


@pytest.mark.parametrize("content, message", [
    ('{"outlets": ["tvn24"]}', 'JSON must be {"outlets"'),
    ('{"outlets": {"tvn24": {"articles": [{"link": "https://tvn24.pl/a"}]}}}', "articles[0] has no http(s) 'url'"),
    ('{"outlets": {"tvn24": {"non_articles": [{"url": "https://tvn24.pl/x", "kind": "podcast"}]}}}',
     "'kind' must be one of section, tag"),
    ("https://tvn24.pl/polska/a-st1\nnot a url\n", "line 2: not an http(s) URL: 'not a url'"),
    ("# only a comment\n", "has no URLs"),
    (b"\xff\xfe not text", "is not UTF-8 text"),
])
def test_malformed_url_files_are_named_in_one_line(tmp_path, content, message):
    path = tmp_path / "urls.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UrlFileError) as info:
        read_url_file(path)
    assert message in str(info.value) and "\n" not in str(info.value)
