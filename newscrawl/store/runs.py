"""The ``runs`` collection: one document per crawl, written from its start to its end.

A run is inserted as ``status: "running"`` when the spider opens, its ``heartbeat_at`` and
counts are updated every ``heartbeat_interval`` seconds, and it ends as ``finished``,
``failed`` (with ``reason``) or ``interrupted`` (SIGTERM/SIGINT). A process that is killed
(SIGKILL, power loss, OOM) cannot write its end: its run stays ``running`` and its
heartbeat stops. ``stale_runs`` finds those.

All writes go through the store writer (never on the reactor thread); this module builds
the documents.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.database import Database

from newscrawl.outcomes import NO_ARTICLES, OK
from newscrawl.store.mongo import RUNS, utcnow

RUNNING, FINISHED, FAILED, INTERRUPTED = "running", "finished", "failed", "interrupted"
# How `scrapy runs` shows a run still `running` whose heartbeat stopped.
KILLED = "killed"
# A heartbeat older than this many intervals means the process is gone.
STALE_AFTER_INTERVALS = 3
# Outcomes after which an outlet's run counts as complete for `-a since=last` (an outlet
# that was unreachable or had failed downloads gets those URLs another chance).
COMPLETE_OUTCOMES = (OK, NO_ARTICLES)


def new_run_id() -> str:
    return str(ObjectId())


def start_document(
    run_id: str,
    spider: str,
    outlets: list[str],
    arguments: dict[str, Any],
    started_at: datetime,
    heartbeat_interval: float,
) -> dict[str, Any]:
    """The fields of a run at its start (written with ``$set``, so ``_id`` is not among them)."""
    return {
        "status": RUNNING,
        "spider": spider,
        "outlets": outlets,
        "arguments": arguments,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": started_at,
        "heartbeat_at": started_at,
        "heartbeat_interval": heartbeat_interval,
    }


def status_for(finish_reason: str | None) -> tuple[str, str]:
    """``(status, reason)`` of a run from Scrapy's finish reason."""
    reason = finish_reason or "unknown"
    if reason == "finished" or reason.startswith("closespider_"):
        return FINISHED, ""
    if reason == "shutdown":  # Scrapy's reason on SIGTERM/SIGINT
        return INTERRUPTED, "signal"
    return FAILED, reason


def is_stale(run: dict[str, Any], now: datetime) -> bool:
    """True for a run still ``running`` whose heartbeat is older than
    ``STALE_AFTER_INTERVALS`` heartbeat intervals: its process was killed."""
    if run.get("status") != RUNNING:
        return False
    interval = float(run.get("heartbeat_interval") or 0)
    heartbeat = run.get("heartbeat_at") or run.get("started_at")
    return heartbeat is not None and now - heartbeat > timedelta(seconds=STALE_AFTER_INTERVALS * interval)


def stale_runs(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    """Runs still ``running`` whose process was killed (see ``is_stale``)."""
    now = now or utcnow()
    return [run for run in db[RUNS].find({"status": RUNNING}, sort=[("started_at", DESCENDING)])
            if is_stale(run, now)]


def shown_status(run: dict[str, Any], now: datetime) -> str:
    """The run's status as a person should read it: a stale ``running`` run was killed."""
    return KILLED if is_stale(run, now) else str(run.get("status") or "?")


def recent_runs(db: Database, outlet: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest ``limit`` runs (of ``outlet`` when given), newest first."""
    query = {"outlets": outlet} if outlet else {}
    return list(db[RUNS].find(query, sort=[("started_at", DESCENDING)], limit=limit))


def complete_run_query(outlet: str) -> dict[str, Any]:
    """The runs ``-a since=last`` may start from: finished, the outlet reached and nothing
    of it failed (``COMPLETE_OUTCOMES``), and not cut short by a ``limit``. The newest one's
    ``started_at`` is the outlet's "last run" (sort by ``started_at`` descending)."""
    return {
        "status": FINISHED,
        "outlets": outlet,
        f"outcomes.{outlet}.outcome": {"$in": list(COMPLETE_OUTCOMES)},
        "arguments.limit": None,
    }
