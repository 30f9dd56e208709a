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

from newscrawl.store.mongo import RUNS, utcnow

RUNNING, FINISHED, FAILED, INTERRUPTED = "running", "finished", "failed", "interrupted"
# A heartbeat older than this many intervals means the process is gone.
STALE_AFTER_INTERVALS = 3


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


def stale_runs(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    """Runs still ``running`` whose heartbeat is older than ``STALE_AFTER_INTERVALS``
    heartbeat intervals: their process was killed."""
    now = now or utcnow()
    stale = []
    for run in db[RUNS].find({"status": RUNNING}, sort=[("started_at", DESCENDING)]):
        interval = float(run.get("heartbeat_interval") or 0)
        heartbeat = run.get("heartbeat_at") or run.get("started_at")
        if heartbeat is not None and now - heartbeat > timedelta(seconds=STALE_AFTER_INTERVALS * interval):
            stale.append(run)
    return stale
