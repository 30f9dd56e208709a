"""Progress lines of a long crawl (newscrawl/progress.py)."""

from __future__ import annotations

import re

from newscrawl.progress import progress_line
from tests.support import run_crawl


def test_progress_line_reads_the_outlets_counts():
    stats = {"newscrawl/outlet/kresy/found": 200, "newscrawl/outlet/kresy/known_skipped": 140,
             "newscrawl/outlet/kresy/fetched": 58, "newscrawl/outlet/kresy/stored": 55,
             "newscrawl/outlet/kresy/dropped": 1, "newscrawl/outlet/rp/found": 9}
    assert progress_line("kresy", stats, 2) == \
        "progress kresy: found 200, known 140, fetched 58, stored 55, dropped 1, queued 2"
    assert progress_line("oko", stats, 0) == "progress oko: found 0, known 0, fetched 0, stored 0, dropped 0, queued 0"


LINE = re.compile(r"progress nr-kurier: found (\d+), known (\d+), fetched (\d+), stored (\d+), dropped (\d+), "
                  r"queued (\d+)$")


def test_a_crawl_logs_progress_per_outlet_and_a_last_line_at_the_end(newsroom, newsroom_registry, mongo_uri,
                                                                      mongo_db):
    result = run_crawl("nr-kurier", mongo_uri, mongo_db.name, newsroom_registry, {"limit": "8"},
                       NEWSCRAWL_PROGRESS_INTERVAL="0.2")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [m for line in result.stderr.splitlines() if (m := LINE.search(line))]
    assert len(lines) >= 2          # at least one on the timer, and the last one
    found, known, fetched, stored, dropped, queued = map(int, lines[-1].groups())
    assert (fetched, stored, dropped, queued) == (8, 8, 0, 0) and found >= 8
    run = mongo_db.runs.find_one()
    assert run["outlet_stats"]["nr-kurier"]["fetched"] == 8


def test_progress_interval_zero_logs_no_progress(newsroom, newsroom_registry, mongo_uri, mongo_db):
    result = run_crawl("nr-kurier", mongo_uri, mongo_db.name, newsroom_registry, {"limit": "2"},
                       NEWSCRAWL_PROGRESS_INTERVAL="0")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "progress nr-kurier" not in result.stderr
