"""A private Redis for the tests and benchmarks of the shared frontier (``NEWSCRAWL_REDIS_URL``).

Debian's ``redis-server`` (``apt-get install -y redis-server``; ``.ci/run`` installs it when
it is missing), started on 127.0.0.1 and a free port, without persistence, with its files
in a folder of its own. Debian's package starts no service in a container: nothing else
listens.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tools.localmongo import free_port

HOW_TO = "install it with `apt-get install -y redis-server` (`.ci/run` does so when it is missing)"


class LocalRedisError(RuntimeError):
    """No local Redis could be started; the message says how to get one."""


@dataclass
class LocalRedis:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_redis(folder: Path, timeout: float = 20.0) -> LocalRedis:
    """``redis-server`` on 127.0.0.1:<free port>, its log and files in ``folder``; answers PING."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise LocalRedisError(f"redis-server is not installed: {HOW_TO}")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "redis.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder), "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    if process.poll() is None:
                        process.kill()
                    raise LocalRedisError(f"redis-server did not start: {log.read_text()[-500:]}") from None
                time.sleep(0.02)
    finally:
        client.close()
    return LocalRedis(f"redis://127.0.0.1:{port}/0", process)
