"""Storage fault injection shared by the tests and ``bench/faults_store.py``: a private
MongoDB-wire-protocol server that can be stopped, restarted on the same port and data,
or frozen; a `scrapy crawl` running in the background whose log can be watched; polling
with deadlines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tools.localmongo import LocalServer, free_port, start_server

from tests.support import ROOT, crawl_env


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> object:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


class PrivateMongo:
    """A server of our own: ``stop``/``start`` keep the port and the data, ``freeze``/``thaw``
    send SIGSTOP/SIGCONT."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.server: LocalServer | None = None
        self.start()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = start_server(self.data_dir, self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.thaw()
            self.server.stop()
            self.server = None

    def _signal(self, sig: int) -> None:
        if self.server is not None and self.server.process is not None and self.server.process.poll() is None:
            os.kill(self.server.process.pid, sig)

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)


class BackgroundCrawl:
    """`scrapy crawl` in the background, its log (stderr) in a file we can watch."""

    def __init__(self, spider: str, mongo_uri: str, database: str, registry: Path, log: Path,
                 args: dict[str, str] | None = None, options: tuple[str, ...] = (), **env: str) -> None:
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *options]
        for key, value in (args or {}).items():
            cmd += ["-a", f"{key}={value}"]
        self.log_path = log
        self._log = open(log, "w")
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=crawl_env(mongo_uri, database, registry, **env),
                                        stdout=subprocess.DEVNULL, stderr=self._log, text=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)
