"""Discovery end to end: real `scrapy crawl` runs against the offline newsroom, one discovery
path at a time (per-test registries derived from the newsroom registry), judged by the
newsroom's request log: which article pages were fetched, how often, and what else was."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pymongo.database import Database

from tests.newsroom.registry import dump_registry, read_entries
from tests.support import crawl_stat, run_crawl

SOURCE_KINDS = ("feeds", "sitemaps", "robots_sitemaps", "sections")
# Everything the crawler may fetch that is not an article: TDM/robots checks, home page,
# feeds, sitemaps, section listings and their numbered pages.
SOURCE_PATH = re.compile(
    r"^/(robots\.txt|\.well-known/tdmrep\.json|rss\.xml|feed/|atom\.xml|news-sitemap\.xml|sitemap\.xml"
    r"|sitemap_index\.xml|wp-sitemap[a-z0-9-]*\.xml|sitemaps/[a-z0-9-]+\.xml(\.gz)?"
    r"|(kraj|swiat|gospodarka|region|kultura)/(\?(strona|p)=\d+)?"
    r"|kategoria/[a-z]+/(page/\d+/)?)?$"
)


def only(registry: Path, tmp_path: Path, kind: str | None, **overrides) -> Path:
    """A copy of ``registry`` keeping one kind of discovery source (None: keep all)."""
    entries = read_entries(registry)
    for entry in entries.values():
        if kind is not None:
            for other in SOURCE_KINDS:
                if other != kind:
                    entry[other] = False if other == "robots_sitemaps" else []
        entry.update(overrides)
    path = tmp_path / f"registry-{kind or 'all'}.toml"
    path.write_text(dump_registry(entries), encoding="utf-8")
    return path


def crawl(live, outlet, registry, mongo_uri, db, args=None, **env):
    """Crawl and return the requests the outlet's server saw during the crawl."""
    before = len(live.request_log)
    env.setdefault("NEWSCRAWL_CRAWL_DELAY_MAX", "0")   # fast: only the Crawl-delay test keeps it
    result = run_crawl(outlet, mongo_uri, db.name, registry, args=args, **env)
    assert result.returncode == 0, result.stderr[-3000:]
    log = [e for e in live.request_log[before:] if e.outlet == outlet]
    return log, result


def article_paths(live, outlet, articles=None) -> set[str]:
    return {urlsplit(a.url).path for a in (articles if articles is not None else live.articles(outlet))}


def check_fetches(live, outlet, log, expected: set[str]) -> None:
    """Every expected article fetched exactly once; nothing outside articles and sources."""
    all_articles = article_paths(live, outlet)
    fetched = Counter(e.path for e in log if e.method == "GET")
    article_fetches = {p: n for p, n in fetched.items() if p in all_articles}
    assert set(article_fetches) == expected
    assert all(n == 1 for n in article_fetches.values()), {p: n for p, n in article_fetches.items() if n > 1}
    others = [p for p in fetched if p not in all_articles]
    assert [p for p in others if not SOURCE_PATH.match(p)] == []


@pytest.mark.parametrize("outlet", ["nr-kurier", "nr-kresy", "nr-gazeta"])
def test_feeds_find_the_newest_twenty_once(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db, outlet):
    registry = only(newsroom_registry, tmp_path, "feeds")
    log, _ = crawl(newsroom, outlet, registry, mongo_uri, mongo_db)
    check_fetches(newsroom, outlet, log, article_paths(newsroom, outlet, newsroom.articles(outlet)[:20]))
    # Feed links carry utm_* parameters: records are stored under the canonical URL.
    stored = {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    assert stored <= {a.url for a in newsroom.articles(outlet)}


@pytest.mark.parametrize("outlet", ["nr-kurier", "nr-gazeta"])
def test_sitemaps_find_every_article_once(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db, outlet):
    # nr-kurier: a sitemap index plus a Google News sitemap; nr-gazeta: an index of gzipped sitemaps.
    registry = only(newsroom_registry, tmp_path, "sitemaps")
    log, _ = crawl(newsroom, outlet, registry, mongo_uri, mongo_db)
    check_fetches(newsroom, outlet, log, article_paths(newsroom, outlet))
    if outlet == "nr-gazeta":
        assert any(e.path.endswith(".xml.gz") for e in log)


def test_sitemaps_announced_only_in_robots_txt(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db):
    registry = only(newsroom_registry, tmp_path, "robots_sitemaps")
    log, _ = crawl(newsroom, "nr-kresy", registry, mongo_uri, mongo_db)
    check_fetches(newsroom, "nr-kresy", log, article_paths(newsroom, "nr-kresy"))
    assert "/wp-sitemap.xml" in {e.path for e in log}


@pytest.fixture(scope="module")
def big_newsroom(tmp_path_factory):
    """A second, larger newsroom (on other ports): enough articles that every section pages."""
    from tests.newsroom import Newsroom

    with Newsroom(articles_per_outlet=45, seed=1).serve() as live:
        live.registry = live.write_registry(tmp_path_factory.mktemp("big") / "outlets.toml")
        yield live


@pytest.mark.parametrize("outlet", ["nr-kurier", "nr-kresy", "nr-gazeta"])
def test_sections_follow_pagination_to_articles_only(big_newsroom, tmp_path, mongo_uri, mongo_db, outlet):
    registry = only(big_newsroom.registry, tmp_path, "sections")
    log, _ = crawl(big_newsroom, outlet, registry, mongo_uri, mongo_db)
    check_fetches(big_newsroom, outlet, log, article_paths(big_newsroom, outlet))
    paths = [e.path for e in log]
    assert any(re.search(r"(\?(strona|p)=2|/page/2/)$", p) for p in paths), "pagination was not followed"
    assert not [p for p in paths if re.search(r"/(tag|autor|amp)/|utm_", p)]


def test_section_depth_limits_pagination(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db):
    registry = only(newsroom_registry, tmp_path, "sections")
    log, _ = crawl(newsroom, "nr-kurier", registry, mongo_uri, mongo_db, NEWSCRAWL_SECTION_DEPTH="0")
    paths = {e.path for e in log}
    assert not [p for p in paths if "strona=" in p]
    assert paths & article_paths(newsroom, "nr-kurier")


def test_all_sources_together_fetch_each_article_once(newsroom, newsroom_registry, mongo_uri, mongo_db):
    # Feed (utm links), sitemap index, news sitemap, robots.txt sitemaps, paginated sections
    # with utm/#fragment links and AMP variants: one fetch per canonical article.
    log, result = crawl(newsroom, "nr-kurier", newsroom_registry, mongo_uri, mongo_db)
    check_fetches(newsroom, "nr-kurier", log, article_paths(newsroom, "nr-kurier"))
    stored = {d["_id"] for d in mongo_db.articles.find({"outlet": "nr-kurier"}, {"_id": 1})}
    assert stored <= {a.url for a in newsroom.articles("nr-kurier")}
    # The spider itself asks for each article and each listing page once: URLs found again
    # (feed, sitemaps, sections all list them) are dropped before any request is made.
    assert crawl_stat(result.stderr, "newscrawl/discovery/found_again") > 0
    assert crawl_stat(result.stderr, "dupefilter/filtered") == 0
    assert crawl_stat(result.stderr, "newscrawl/discovery/article_links") == len(stored)


def test_since_skips_older_feed_and_sitemap_entries(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db):
    articles = newsroom.articles("nr-kurier")          # newest first
    since = articles[9].published_at
    registry = only(newsroom_registry, tmp_path, None, sections=[])   # sections carry no dates
    log, _ = crawl(newsroom, "nr-kurier", registry, mongo_uri, mongo_db, args={"since": since.isoformat()})
    expected = [a for a in articles if a.published_at >= since]
    check_fetches(newsroom, "nr-kurier", log, article_paths(newsroom, "nr-kurier", expected))
    # Monthly sitemaps whose lastmod is before `since` are not even fetched.
    old_months = {a.published_at.strftime("%Y-%m") for a in articles} - {
        a.published_at.strftime("%Y-%m") for a in expected}
    fetched = {e.path for e in log}
    for month in old_months:
        assert f"/sitemaps/articles-{month}.xml" not in fetched


def test_limit_caps_articles_per_outlet(newsroom, newsroom_registry, mongo_uri, mongo_db):
    log, _ = crawl(newsroom, "nr-kurier", newsroom_registry, mongo_uri, mongo_db, args={"limit": "5"})
    fetched = [e.path for e in log if e.path in article_paths(newsroom, "nr-kurier")]
    assert len(fetched) == len(set(fetched)) == 5


def test_news_spider_takes_several_outlets(newsroom, newsroom_registry, tmp_path, mongo_uri, mongo_db):
    registry = only(newsroom_registry, tmp_path, "feeds")
    before = len(newsroom.request_log)
    result = run_crawl("news", mongo_uri, mongo_db.name, registry,
                       args={"outlets": "nr-kurier,nr-kresy", "limit": "3"}, NEWSCRAWL_CRAWL_DELAY_MAX="0")
    assert result.returncode == 0, result.stderr[-3000:]
    log = newsroom.request_log[before:]
    for outlet in ("nr-kurier", "nr-kresy"):
        fetched = {e.path for e in log if e.outlet == outlet} & article_paths(newsroom, outlet)
        assert len(fetched) == 3
    assert not [e for e in log if e.outlet in ("nr-gazeta", "nr-zastrzezone")]


def test_crawl_delay_from_robots_txt_is_respected(newsroom, newsroom_registry, mongo_uri, mongo_db):
    # nr-gazeta's robots.txt asks for Crawl-delay (0.25 s by default). The crawl runs with
    # DOWNLOAD_DELAY 0, 8 requests per domain and AutoThrottle on from a 0 s start delay:
    # only the Crawl-delay stands between requests.
    delay = newsroom.room.crawl_delay
    log, _ = crawl(newsroom, "nr-gazeta", newsroom_registry, mongo_uri, mongo_db, args={"limit": "6"},
                   NEWSCRAWL_AUTOTHROTTLE_ENABLED="1", NEWSCRAWL_AUTOTHROTTLE_START_DELAY="0",
                   NEWSCRAWL_CRAWL_DELAY_MAX="30")
    assert len(log) >= 10
    times = sorted(e.timestamp for e in log)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= delay * 0.9, [round(g, 3) for g in gaps]


def test_tdm_reserving_outlet_is_skipped_by_default(newsroom, newsroom_registry, mongo_uri, mongo_db):
    log, result = crawl(newsroom, "nr-zastrzezone", newsroom_registry, mongo_uri, mongo_db)
    reserved = article_paths(newsroom, "nr-zastrzezone")
    assert {e.path for e in log} <= {"/robots.txt", "/.well-known/tdmrep.json", "/"}
    assert not {e.path for e in log} & reserved
    assert mongo_db.articles.count_documents({}) == 0
    assert "skipping nr-zastrzezone: it reserves text and data mining (" in result.stderr


def test_tdm_reserved_outlet_crawled_on_request_is_marked(newsroom, newsroom_registry, mongo_uri, mongo_db: Database):
    log, _ = crawl(newsroom, "nr-zastrzezone", newsroom_registry, mongo_uri, mongo_db,
                   NEWSCRAWL_SKIP_TDM_RESERVED="0")
    assert {e.path for e in log} >= article_paths(newsroom, "nr-zastrzezone")
    pages = list(mongo_db.pages.find({}, {"headers": 1}))
    assert pages
    for page in pages:
        assert page["headers"]["x-newscrawl-tdm-reserved"] == "1"
        assert "tdm-reservation" in page["headers"]["x-newscrawl-tdm-source"]
