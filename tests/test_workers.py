"""The text stage's worker pool, with real worker processes: same records as in process,
a crashed or hung worker costs one retry and at most that one page, and closing leaves
no process behind."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import Rejected, TextOptions
from newscrawl.workers import InProcessText, TextWorkerPool
from tests.faulty_text import FAULT_HEADER, build_or_fail
from tests.newsroom import Newsroom
from tests.faults import wait_for
from tests.support import alive

FETCHED = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def pages() -> list[FetchedPage]:
    room = Newsroom(articles_per_outlet=4, seed=0)
    return [FetchedPage(e.url, e.outlet, room.page_bytes(e), 200, {}, FETCHED) for e in room.all_articles()]


@pytest.fixture
def pool():
    pool = TextWorkerPool(2, timeout=20, function=build_or_fail)
    yield pool
    pool.close()


def faulty(page: FetchedPage, fault: str) -> FetchedPage:
    return replace(page, headers={**page.headers, FAULT_HEADER: fault})


def test_the_pool_gives_the_same_records_as_the_crawl_process(pool, pages):
    options = TextOptions()
    in_process = [InProcessText(build_or_fail).submit(p, options).result().result for p in pages]
    outcomes = [f.result(timeout=120) for f in [pool.submit(p, options) for p in pages]]
    assert [o.result for o in outcomes] == in_process
    assert all(isinstance(r, Article) for r in in_process) and len(in_process) == len(pages) > 10
    assert {o.incidents for o in outcomes} == {()}
    assert len(pool.pids) == 2 and os.getpid() not in pool.pids


def test_a_crash_is_retried_once_on_a_fresh_worker_then_counted_for_that_page_only(pool, pages, tmp_path):
    options = TextOptions()
    futures = [
        pool.submit(faulty(pages[0], "crash"), options),
        pool.submit(faulty(pages[1], f"crash-once:{tmp_path / 'marker'}"), options),
        *[pool.submit(p, options) for p in pages[2:]],
    ]
    outcomes = [f.result(timeout=120) for f in futures]
    assert outcomes[0].result == Rejected("worker_failed", outcomes[0].result.detail)
    assert "died (exit code 3)" in outcomes[0].result.detail
    assert outcomes[0].incidents == ("crashed", "crashed")
    assert isinstance(outcomes[1].result, Article) and outcomes[1].incidents == ("crashed",)
    assert all(isinstance(o.result, Article) and not o.incidents for o in outcomes[2:])
    # The pool goes on with fresh workers.
    assert isinstance(pool.submit(pages[0], options).result(timeout=60).result, Article)
    assert len(pool.pids) == 2


def test_a_hung_page_is_killed_after_the_timeout_retried_once_then_counted(pages):
    pool = TextWorkerPool(1, timeout=1.0, function=build_or_fail)
    try:
        assert isinstance(pool.submit(pages[0], TextOptions()).result(timeout=60).result, Article)
        first_worker = pool.pids[0]
        outcome = pool.submit(faulty(pages[1], "hang"), TextOptions()).result(timeout=60)
        assert outcome.result.reason == "worker_failed"
        assert outcome.incidents == ("timed_out", "timed_out")
        assert "hung for more than 1s" in outcome.result.detail
        wait_for(lambda: not alive({first_worker}), 15, "the hung worker to be gone")
        assert isinstance(pool.submit(pages[2], TextOptions()).result(timeout=60).result, Article)
    finally:
        pool.close()


def test_an_exception_in_the_text_stage_is_a_one_line_rejection_in_both_modes(pool, pages):
    page = faulty(pages[0], "raise")
    for stage in (pool, InProcessText(build_or_fail)):
        outcome = stage.submit(page, TextOptions()).result(timeout=60)
        assert outcome.result.reason == "text_error"
        assert outcome.result.detail.startswith("ValueError: the text stage broke on this page (faulty_text.py:")
        assert "\n" not in outcome.result.detail and outcome.incidents == ()


def test_workers_ignore_ctrl_c_and_closing_stops_them_all(pages):
    pool = TextWorkerPool(2, timeout=20, function=build_or_fail)
    futures = [pool.submit(p, TextOptions()) for p in pages[:4]]
    assert all(isinstance(f.result(timeout=120).result, Article) for f in futures)
    workers = pool.pids
    assert len(workers) == 2
    for pid in workers:  # Ctrl-C in a terminal reaches every process of the group
        os.kill(pid, signal.SIGINT)
    outcome = pool.submit(pages[4], TextOptions()).result(timeout=60)
    assert isinstance(outcome.result, Article) and outcome.incidents == ()
    assert pool.pids == workers
    pool.close()
    assert not alive(set(workers))
    assert pool.submit(pages[0], TextOptions()).cancelled()
