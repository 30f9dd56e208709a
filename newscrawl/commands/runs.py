"""`scrapy runs`: what the crawls did, from the `runs` collection (newest first).

    scrapy runs                      # the last 20 runs, one line per run and outlet
    scrapy runs --outlet kresy --limit 5
    scrapy runs --json               # one JSON object per run (for scripts)

A run still ``running`` whose heartbeat stopped is shown as ``killed`` (``store.runs.is_stale``).
Durations of runs without an end (running, killed) are marked ``+``: at least that long.
Exit status 1 when MongoDB cannot be read, 2 for a bad option or MongoDB setting.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, ClassVar

from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands.crawl import database_or_exit
from newscrawl.store.mongo import utcnow
from newscrawl.store.runs import FINISHED, FAILED, INTERRUPTED, recent_runs, shown_status

COLUMNS = ("started (UTC)", "status", "duration", "outlet", "outcome", "stored", "fetched", "known", "dropped",
           "requests", "run")


def duration(run: dict[str, Any], now: datetime) -> tuple[float | None, bool]:
    """Seconds the run took, and whether it is only a lower bound (no end written)."""
    started = run.get("started_at")
    if not isinstance(started, datetime):
        return None, False
    if run.get("status") in (FINISHED, FAILED, INTERRUPTED) and isinstance(run.get("finished_at"), datetime):
        return (run["finished_at"] - started).total_seconds(), False
    last = run.get("heartbeat_at") if shown_status(run, now) != run.get("status") else now
    return ((last if isinstance(last, datetime) else started) - started).total_seconds(), True


def format_seconds(seconds: float | None, at_least: bool = False) -> str:
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
    return text + ("+" if at_least else "")


def run_summary(run: dict[str, Any], now: datetime) -> dict[str, Any]:
    """One run as ``--json`` prints it: status as shown, duration, per-outlet outcome and counts."""
    seconds, at_least = duration(run, now)
    outcomes = run.get("outcomes") or {}
    counts = run.get("outlet_stats") or {}
    return {
        "run": str(run.get("_id")),
        "status": shown_status(run, now),
        "reason": run.get("reason") or None,
        "spider": run.get("spider"),
        "arguments": run.get("arguments") or {},
        "started_at": _iso(run.get("started_at")),
        "finished_at": _iso(run.get("finished_at")),
        "heartbeat_at": _iso(run.get("heartbeat_at")),
        "duration_seconds": seconds,
        "duration_is_lower_bound": at_least,
        "requests": run.get("requests"),
        "known_skipped": run.get("known_skipped"),
        "stored_new": run.get("stored_new"),
        "stored_updated": run.get("stored_updated"),
        "outlets": {outlet: {**(outcomes.get(outlet) or {}), **(counts.get(outlet) or {})}
                    for outlet in run.get("outlets") or []},
        "host": run.get("host"),
        "pid": run.get("pid"),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def table_rows(runs: list[dict[str, Any]], now: datetime) -> list[tuple[str, ...]]:
    """One row per run and outlet; the run's own columns only on its first row."""
    rows = []
    for run in runs:
        summary = run_summary(run, now)
        started = run.get("started_at")
        status = summary["status"] + (f" ({summary['reason']})" if summary["status"] == FAILED and summary["reason"]
                                      else "")
        run_columns = (started.strftime("%Y-%m-%d %H:%M") if isinstance(started, datetime) else "-", status,
                       format_seconds(summary["duration_seconds"], summary["duration_is_lower_bound"]))
        outlets = summary["outlets"] or {"-": {}}
        for index, (outlet, facts) in enumerate(outlets.items()):
            per_outlet = (outlet, str(facts.get("outcome", "-")),
                          *(_count(facts, name) for name in ("articles", "fetched", "known_skipped", "dropped")))
            run_tail = (_count(summary, "requests"), summary["run"])
            rows.append((*(run_columns if index == 0 else ("", "", "")), *per_outlet,
                         *(run_tail if index == 0 else ("", ""))))
    return rows


def _count(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value) if isinstance(value, int) else "-"


def format_table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    numeric = {"stored", "fetched", "known", "dropped", "requests"}
    return ["  ".join(cell.rjust(w) if name in numeric else cell.ljust(w)
                      for cell, w, name in zip(row, widths, COLUMNS)).rstrip()
            for row in [COLUMNS, *rows]]


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--outlet KEY] [--limit N] [--json]"

    def short_desc(self) -> str:
        return "List recent crawl runs: status, duration, outcome and counts per outlet"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--outlet", metavar="KEY", help="only runs of this outlet")
        parser.add_argument("--limit", metavar="N", default="20", help="how many runs (default 20)")
        parser.add_argument("--json", action="store_true", help="one JSON object per run")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        if not opts.limit.isdigit() or int(opts.limit) < 1:
            raise UsageError(f"--limit {opts.limit!r} is not a whole number of runs (1 or more)")
        db = database_or_exit(self.settings)
        try:
            runs = recent_runs(db, opts.outlet, int(opts.limit))
        except PyMongoError as exc:
            print(f"newscrawl: cannot read runs: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
            self.exitcode = 1
            return
        finally:
            db.client.close()
        now = utcnow()
        if opts.json:
            for run in runs:
                print(json.dumps(run_summary(run, now), ensure_ascii=False))
            return
        if not runs:
            print("no runs" + (f" of {opts.outlet}" if opts.outlet else ""))
            return
        print("\n".join(format_table(table_rows(runs, now))))
