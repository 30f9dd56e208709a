"""Per-outlet outcomes and exit codes, from crawl stats (pure)."""

from __future__ import annotations

import pytest

from newscrawl.outcomes import exit_code, outlet_outcome, run_outcomes
from newscrawl.store.runs import status_for


def facts(outlet: str, **values) -> dict:
    return {f"newscrawl/outlet/{outlet}/{name}": value for name, value in values.items()}


def test_a_healthy_outlet_is_ok_with_its_article_count():
    outcome = outlet_outcome(facts("kurier", sources_ok=5, articles_scheduled=24, stored=24), "kurier")
    assert (outcome.outcome, outcome.articles) == ("ok", 24)
    assert outcome.line() == "kurier: ok, 24 articles"


def test_every_source_failing_is_unreachable_with_the_first_reason():
    stats = facts("kresy", sources_ok=0, sources_failed=6, error="DNS lookup failed for kresy.pl")
    outcome = outlet_outcome(stats, "kresy")
    assert outcome.outcome == "unreachable"
    assert outcome.line() == "kresy: unreachable (DNS lookup failed for kresy.pl), 0 articles"


def test_a_tdm_reserved_outlet_is_skipped_not_failed():
    stats = {"newscrawl/tdm/pap": {"reserved": True, "source": "registry", "skipped": True}}
    outcome = outlet_outcome(stats, "pap")
    assert outcome.outcome == "tdm_skipped" and "registry" in outcome.detail


def test_an_unknown_tdm_status_is_not_a_skip():
    stats = {"newscrawl/tdm/rp": {"reserved": None, "source": "", "skipped": False},
             **facts("rp", sources_ok=3, stored=2)}
    assert outlet_outcome(stats, "rp").outcome == "ok"


def test_spilled_records_end_the_outlet_as_store_failed_naming_the_spill_file():
    stats = facts("kurier", sources_ok=5, stored=19, spilled=5)
    outcome = outlet_outcome(stats, "kurier", spill_file="var/spill/abc.jsonl")
    assert outcome.outcome == "store_failed"
    assert "5 records spilled to var/spill/abc.jsonl" in outcome.line()
    assert "replay-spill" in outcome.line() and outcome.articles == 19


def test_records_refused_by_mongodb_end_the_outlet_as_store_failed():
    outcome = outlet_outcome(facts("kurier", sources_ok=5, stored=23, store_failed=1), "kurier")
    assert outcome.outcome == "store_failed" and "1 record refused by MongoDB" in outcome.detail


def test_partial_failures_are_errors_with_counts():
    stats = facts("rp", sources_ok=4, sources_failed=1, requests_failed=2, stored=10, error="HTTP 500 on /feed")
    outcome = outlet_outcome(stats, "rp")
    assert outcome.outcome == "errors"
    assert outcome.detail == "1 source failed, 2 article downloads failed: HTTP 500 on /feed"


def test_nothing_stored_without_failures_is_no_articles():
    outcome = outlet_outcome(facts("oko", sources_ok=3, dropped=4), "oko")
    assert outcome.outcome == "no_articles" and outcome.line() == "oko: no_articles (4 pages dropped), 0 articles"
    assert outlet_outcome({}, "oko").line() == "oko: no_articles, 0 articles"
    known = outlet_outcome({"newscrawl/outlet/oko/sources_ok": 2, "newscrawl/outlet/oko/known_skipped": 52}, "oko")
    assert known.line() == "oko: no_articles (52 known), 0 articles"   # an incremental run, nothing new


@pytest.mark.parametrize(
    ("outcomes", "status", "code"),
    [
        (["ok", "no_articles", "errors", "tdm_skipped"], "finished", 0),
        (["ok", "unreachable"], "finished", 1),
        (["store_failed"], "finished", 1),
        (["ok"], "failed", 1),
        (["ok"], "interrupted", 1),
    ],
)
def test_exit_code(outcomes, status, code):
    stats = {}
    for i, name in enumerate(outcomes):
        stats.update({
            "ok": facts(f"o{i}", sources_ok=1, stored=1),
            "no_articles": facts(f"o{i}", sources_ok=1),
            "errors": facts(f"o{i}", sources_ok=1, requests_failed=1, stored=1),
            "tdm_skipped": {f"newscrawl/tdm/o{i}": {"reserved": True, "source": "robots.txt", "skipped": True}},
            "unreachable": facts(f"o{i}", sources_failed=2),
            "store_failed": facts(f"o{i}", sources_ok=1, spilled=1),
        }[name])
    result = run_outcomes(stats, [f"o{i}" for i in range(len(outcomes))])
    assert [o.outcome for o in result] == outcomes
    assert exit_code(result, status) == code


@pytest.mark.parametrize(
    ("reason", "status"),
    [("finished", ("finished", "")), ("closespider_timeout", ("finished", "")),
     ("shutdown", ("interrupted", "signal")), ("mongodb_unavailable", ("failed", "mongodb_unavailable")),
     (None, ("failed", "unknown"))],
)
def test_run_status_from_the_finish_reason(reason, status):
    assert status_for(reason) == status
