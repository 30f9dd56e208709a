"""Spill files: what the writer could not get into MongoDB, kept on local disk for replay.

One file per crawl process, ``<spill dir>/<run id>.jsonl``: JSON Lines in MongoDB's
relaxed extended JSON (``bson.json_util``), so datetimes and the compressed raw HTML
survive exactly. Each line is one entry::

    {"newscrawl_spill": 1, "kind": "record", "article": {...}, "page": {...} | null,
     "reason": "...", "spilled_at": {"$date": ...}}
    {"newscrawl_spill": 1, "kind": "run", "run_id": "...", "set": {...}}   # a run-record update

Records are stored as documents (before the writer decided new/changed/unchanged), so a
replay goes through the same stages as a crawl and is idempotent (see ``store/writer.py``).
Every append is flushed and fsynced before the writer lets go of the records.

Locking: the writing process holds an exclusive ``flock`` on its file for its lifetime, and
a replay takes one too (non-blocking), so a file being written or replayed is never
replayed twice at once — by ``scrapy replay-spill`` or by a crawl starting meanwhile.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from bson import json_util
from bson.json_util import JSONMode, JSONOptions

SPILL_SUFFIX = ".jsonl"
CORRUPT_SUFFIX = ".corrupt"
VERSION = 1
JSON_OPTIONS = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True, tzinfo=timezone.utc)


class SpillError(RuntimeError):
    """A spill file cannot be read or written; the message is one line naming the file."""


def encode_entry(entry: dict[str, Any]) -> str:
    return json_util.dumps({"newscrawl_spill": VERSION, **entry}, json_options=JSON_OPTIONS)


def decode_entry(line: str) -> dict[str, Any]:
    """One spill line → entry; ``ValueError`` when it is not one."""
    entry = json_util.loads(line, json_options=JSON_OPTIONS)
    if not isinstance(entry, dict) or entry.get("newscrawl_spill") != VERSION:
        raise ValueError("not a newscrawl spill entry")
    kind = entry.get("kind")
    if kind == "record" and isinstance(entry.get("article"), dict) and "_id" in entry["article"]:
        return entry
    if kind == "run" and isinstance(entry.get("set"), dict) and entry.get("run_id"):
        return entry
    raise ValueError(f"unknown or incomplete spill entry (kind={kind!r})")


class SpillFile:
    """The append-only spill file of one process (created at the first append)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None
        self.records = 0  # records appended so far

    def append(self, entries: list[dict[str, Any]]) -> None:
        """Append entries durably (flushed and fsynced); ``SpillError`` when impossible."""
        if not entries:
            return
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "a", encoding="utf-8")
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._file.write("".join(encode_entry(entry) + "\n" for entry in entries))
            self._file.flush()
            os.fsync(self._file.fileno())
        except (OSError, TypeError, ValueError) as exc:
            raise SpillError(f"cannot write spill file {self.path}: {exc}") from None
        self.records += sum(1 for entry in entries if entry.get("kind") == "record")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()  # releases the lock
            self._file = None


def spill_files(directory: Path, exclude: Path | None = None) -> list[Path]:
    """The spill files waiting in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    files = [p for p in directory.glob(f"*{SPILL_SUFFIX}") if p.is_file() and p != exclude]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


@dataclass
class SpillReader:
    """Reads one claimed spill file in batches; remembers lines that are not entries."""

    path: Path
    corrupt_lines: list[int] = field(default_factory=list)
    _corrupt_text: list[str] = field(default_factory=list)

    def batches(self, handle: IO[str], size: int) -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                batch.append(decode_entry(line))
            except ValueError:  # json errors are ValueErrors too
                self.corrupt_lines.append(number)
                self._corrupt_text.append(line if line.endswith("\n") else line + "\n")
                continue
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def finish(self) -> Path | None:
        """After a complete replay: remove the file; corrupt lines are kept in ``<file>.corrupt``
        (returned), which is never replayed automatically."""
        kept = None
        if self._corrupt_text:
            kept = self.path.with_name(self.path.name + CORRUPT_SUFFIX)
            with open(kept, "a", encoding="utf-8") as out:
                out.writelines(self._corrupt_text)
        self.path.unlink(missing_ok=True)
        return kept


class claim:
    """``with claim(path) as handle:`` — the file opened under an exclusive non-blocking lock;
    ``SpillError`` when it is missing, unreadable, or locked by another process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        try:
            handle = open(self.path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise SpillError(f"spill file {self.path} does not exist") from None
        except OSError as exc:
            raise SpillError(f"cannot read spill file {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise SpillError(f"spill file {self.path} is in use by another process (being written or replayed)") from None
        self._handle = handle
        return handle

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()


def record_entry(article: dict[str, Any], page: dict[str, Any] | None, reason: str) -> dict[str, Any]:
    return {
        "kind": "record",
        "article": article,
        "page": page,
        "reason": reason,
        "spilled_at": datetime.now(timezone.utc),
    }


def run_entry(run_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "run", "run_id": run_id, "set": fields}
