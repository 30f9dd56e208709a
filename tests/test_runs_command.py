"""`scrapy runs`: recent runs from the `runs` collection, as a table or JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from tests.support import ROOT, crawl_env

def runs(mongo_uri: str, db: Database, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "runs", *options], cwd=ROOT, capture_output=True,
                          text=True, env=crawl_env(mongo_uri, db.name, None), timeout=120)


def run_doc(run_id: str, started: datetime, status: str, outlets: dict[str, str], **fields) -> dict:
    return {
        "_id": run_id, "spider": "news", "status": status, "outlets": list(outlets),
        "arguments": {"outlets": list(outlets), "since": None, "limit": None, "refresh": False},
        "started_at": started, "heartbeat_at": started, "heartbeat_interval": 30.0,
        "outcomes": {k: {"outcome": v, "detail": "", "articles": 3} for k, v in outlets.items()},
        "outlet_stats": {k: {"found": 10, "known_skipped": 7, "fetched": 3, "stored": 3, "dropped": 0}
                         for k in outlets},
        "requests": 20, "known_skipped": 7 * len(outlets), **fields,
    }


def seed(db: Database) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    db.runs.insert_many([
        run_doc("r-finished", now - timedelta(hours=3), "finished", {"kresy": "ok", "rp": "no_articles"},
                finished_at=now - timedelta(hours=3) + timedelta(seconds=100)),
        run_doc("r-failed", now - timedelta(hours=2), "failed", {"kresy": "errors"}, reason="shutdown",
                finished_at=now - timedelta(hours=2) + timedelta(seconds=5)),
        # SIGKILLed an hour ago: its heartbeat stopped 58 minutes ago (>> 3 × 30 s).
        run_doc("r-killed", now - timedelta(hours=1), "running", {"rp": "ok"},
                heartbeat_at=now - timedelta(minutes=58)),
        run_doc("r-live", now - timedelta(seconds=40), "running", {"kresy": "ok"}, heartbeat_at=now),
    ])


def test_runs_are_listed_newest_first_with_killed_runs_shown_as_killed(mongo_uri, mongo_db):
    seed(mongo_db)
    result = runs(mongo_uri, mongo_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["started", "(UTC)", "status", "duration", "outlet", "outcome", "stored", "fetched",
                                "known", "dropped", "requests", "run"]
    table = [line.split() for line in lines[1:]]
    assert [row[-1] for row in table if row[-1].startswith("r-")] == ["r-live", "r-killed", "r-failed", "r-finished"]
    by_run = {row[-1]: row for row in table if row[-1].startswith("r-")}
    live = by_run["r-live"]
    assert live[2] == "running" and live[3].endswith("s+") and live[4] == "kresy"   # still going: at least
    assert by_run["r-killed"][2:5] == ["killed", "2m", "00s+"]       # until its last heartbeat
    assert by_run["r-failed"][2:4] == ["failed", "(shutdown)"]
    assert by_run["r-finished"][2:11] == ["finished", "1m", "40s", "kresy", "ok", "3", "3", "7", "0"]
    # The run's second outlet on a row of its own.
    assert table[-1] == ["rp", "no_articles", "3", "3", "7", "0"]


def test_outlet_limit_and_json(mongo_uri, mongo_db):
    seed(mongo_db)
    result = runs(mongo_uri, mongo_db, "--outlet", "rp", "--limit", "1", "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    run = json.loads(line)
    assert (run["run"], run["status"], run["duration_is_lower_bound"]) == ("r-killed", "killed", True)
    assert run["duration_seconds"] == 120
    assert run["outlets"] == {"rp": {"outcome": "ok", "detail": "", "articles": 3, "found": 10, "known_skipped": 7,
                                     "fetched": 3, "stored": 3, "dropped": 0}}


def test_no_runs_and_bad_options(mongo_uri, mongo_db):
    empty = runs(mongo_uri, mongo_db, "--outlet", "kresy")
    assert (empty.returncode, empty.stdout) == (0, "no runs of kresy\n")
    bad = runs(mongo_uri, mongo_db, "--limit", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].endswith("--limit '0' is not a whole number of runs (1 or more)")
