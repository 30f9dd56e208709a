"""Helpers shared by the tests: run a real `scrapy crawl` subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Fast settings for the loopback newsroom; politeness defaults stay as they are otherwise.
FAST = {
    "NEWSCRAWL_DOWNLOAD_DELAY": "0",
    "NEWSCRAWL_AUTOTHROTTLE_ENABLED": "0",
    "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "NEWSCRAWL_FLUSH_INTERVAL": "1",
    # robots.txt Crawl-delay is honoured by default; the politeness tests measure it.
    "NEWSCRAWL_CRAWL_DELAY_MAX": "0",
    # The newsroom and the test sites run on loopback, which the fence refuses by default.
    "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
}


def crawl_env(mongo_uri: str, database: str, registry: Path | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSCRAWL_", "MONGO_"))}
    env.update(FAST)
    env.update({"MONGO_URI": mongo_uri, "MONGO_DATABASE": database})
    if registry is not None:
        env["NEWSCRAWL_OUTLETS_FILE"] = str(registry)
    # Spill files of a test database stay with it (never replayed into another test's).
    env["NEWSCRAWL_SPILL_DIR"] = str(Path(tempfile.gettempdir()) / f"newscrawl-spill-{database}")
    env.update(extra)
    return env


def run_crawl(
    spider: str,
    mongo_uri: str,
    database: str,
    registry: Path | None,
    args: dict[str, str] | None = None,
    timeout: float = 300,
    **env_extra: str,
) -> subprocess.CompletedProcess[str]:
    """Run `scrapy crawl SPIDER -a k=v …` from the project root and return the result."""
    return subprocess.run(
        crawl_command(spider, args),
        cwd=ROOT,
        env=crawl_env(mongo_uri, database, registry, **env_extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl_command(spider: str, args: dict[str, str] | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in (args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    return cmd


def start_crawl(
    spider: str,
    mongo_uri: str,
    database: str,
    registry: Path | None,
    output: Path,
    args: dict[str, str] | None = None,
    **env_extra: str,
) -> subprocess.Popen[bytes]:
    """Start `scrapy crawl` like ``run_crawl`` without waiting; its stdout and stderr go to
    ``output`` (a file: a pipe nobody reads would stall a chatty crawl)."""
    with open(output, "wb") as out:
        return subprocess.Popen(crawl_command(spider, args), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=crawl_env(mongo_uri, database, registry, **env_extra))


def _parent_of(pid: int) -> int | None:
    """The parent of a live (not zombie) process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state, parent = f.read().rsplit(")", 1)[1].split()[:2]
    except OSError:
        return None
    return None if state == "Z" else int(parent)


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (zombies count as gone)."""
    return {pid for pid in pids if _parent_of(pid) is not None}


def descendants(pid: int) -> set[int]:
    """Running processes below ``pid`` (children, grandchildren…), from /proc."""
    parents = {int(e): _parent_of(int(e)) for e in os.listdir("/proc") if e.isdigit()}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def crawl_stat(log: str, key: str) -> float:
    """A number from the stats Scrapy dumps at the end of a crawl's log (0 when absent)."""
    match = re.search(rf"'{re.escape(key)}': ([\d.]+)", log)
    return float(match.group(1)) if match else 0.0


@contextmanager
def mongo_for_bench(folder: Path) -> Iterator[tuple[str, int | None]]:
    """``(uri, server pid)``: ``MONGO_URI`` if set (pid None), else a local server with its
    data in ``folder``, stopped afterwards."""
    from tools.localmongo import start_server

    uri = os.environ.get("MONGO_URI")
    if uri:
        yield uri, None
        return
    server = start_server(folder)
    try:
        yield server.uri, server.process.pid if server.process is not None else None
    finally:
        server.stop()


def send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
    """Answer a request with ``status``, ``headers`` and ``body``."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class ReplyingHandler(BaseHTTPRequestHandler):
    """A small test site's request handler: ``_send`` answers with a status, body and headers."""

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        send(self, status, headers, body)
