"""A local MongoDB-wire-protocol server for the demo and the tests.

Used only when ``MONGO_URI`` is not set. Prefers a ``mongod`` found on PATH; otherwise
FerretDB 1.24.2 with its SQLite backend, built once into ``.tools/bin`` (git-ignored)
from the module source with ``tools/ferretdb-v1.24.2.patch`` applied.

FerretDB notes:
- ``go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`` builds a binary that
  panics at start ("Invalid build/version/version.txt file content"), because the module
  zip lacks the generated version file. We therefore fetch the very same module with
  ``go mod download`` (the Go module proxy is the only network access), add
  ``build/version/version.txt``, apply our patch with ``git apply`` and ``go build`` it.
- The patch (FerretDB 1.24 is what we patch; see the patch header) makes the SQLite
  backend use its ``_id`` index: stock 1.24.2 scans the whole table on every ``_id``
  lookup, so each upsert cost grew with the collection (a 25-statement upsert command of
  ~8 KB records: about 0.6–1.2 s at 1,000 documents, 4–5 s at 8,000, 120 s at 100,000;
  patched: 43–49 ms from 1,000 to 100,000, see ``bench/store_scaling.py``). It also
  pushes ``{_id: {$in: …}}`` down to that index, and stops one ``update`` command of more
  than 100 statements from deadlocking the server.
- The binary is rebuilt when the patch (or the version) changes: ``.tools/bin/ferretdb.build``
  records what it was built from.

CLI (from the repository root):
    python -m tools.localmongo install            # build FerretDB if needed
    python -m tools.localmongo start --data var/mongo   # start (or reuse) one, print its URI
    python -m tools.localmongo stop --data var/mongo
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
FERRETDB_BIN = TOOLS / "bin" / "ferretdb"
FERRETDB_PATCH = Path(__file__).resolve().with_name(f"ferretdb-{FERRETDB_VERSION}.patch")
FERRETDB_BUILD_STAMP = FERRETDB_BIN.with_name("ferretdb.build")


class LocalMongoError(RuntimeError):
    """No local server could be had; the message says how to provide one."""


HOW_TO = (
    "set MONGO_URI to a running MongoDB (e.g. `docker run -p 27017:27017 mongo:8`), "
    "put `mongod` on PATH, or install Go so FerretDB can be built"
)


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise LocalMongoError(f"{' '.join(cmd[:3])} failed: {' | '.join(tail)}; {HOW_TO}")
    return proc.stdout


def ferretdb_build_id() -> str:
    """What the binary is built from: the module version and the patch's digest."""
    digest = hashlib.sha256(FERRETDB_PATCH.read_bytes()).hexdigest()[:16]
    return f"{FERRETDB_MODULE}@{FERRETDB_VERSION} + {FERRETDB_PATCH.name} sha256:{digest}"


def install_ferretdb() -> Path:
    """Build the patched FerretDB into .tools/bin; reuse the binary while the patch is the same."""
    build_id = ferretdb_build_id()
    if FERRETDB_BIN.exists() and FERRETDB_BUILD_STAMP.exists() and FERRETDB_BUILD_STAMP.read_text().strip() == build_id:
        return FERRETDB_BIN
    go, git = shutil.which("go"), shutil.which("git")
    if go is None or git is None:
        raise LocalMongoError(f"no mongod on PATH, and Go and git are needed to build FerretDB; {HOW_TO}")
    info = json.loads(_run([go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"]))
    src = TOOLS / "src" / f"ferretdb-{FERRETDB_VERSION}"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(info["Dir"], src)
    for path in [src, *src.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)  # the module cache is read-only
    (src / "build" / "version" / "version.txt").write_text(FERRETDB_VERSION + "\n")
    # The ceiling keeps git from taking our own repository for the source's, so the
    # patch's paths are read relative to the FerretDB source folder.
    _run([git, "apply", "--whitespace=nowarn", str(FERRETDB_PATCH)], cwd=src,
         env={**os.environ, "GIT_CEILING_DIRECTORIES": str(src.parent)})
    FERRETDB_BIN.parent.mkdir(parents=True, exist_ok=True)
    tmp = FERRETDB_BIN.with_suffix(".partial")
    _run([go, "build", "-trimpath", "-o", str(tmp), "./cmd/ferretdb"], cwd=src)
    tmp.rename(FERRETDB_BIN)
    FERRETDB_BUILD_STAMP.write_text(build_id + "\n")
    return FERRETDB_BIN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalServer:
    uri: str
    process: subprocess.Popen | None
    kind: str

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _server_command(data_dir: Path, port: int) -> tuple[list[str], str]:
    mongod = shutil.which("mongod")
    if mongod:
        return [mongod, "--dbpath", str(data_dir), "--port", str(port), "--bind_ip", "127.0.0.1", "--quiet"], "mongod"
    binary = install_ferretdb()
    return [
        str(binary),
        "--handler=sqlite",
        f"--sqlite-url=file:{data_dir}/",
        f"--listen-addr=127.0.0.1:{port}",
        "--debug-addr=-",  # no debug HTTP listener, so several instances can run
        "--telemetry=disable",
        "--log-level=warn",
        "--state-dir=" + str(data_dir),
    ], "ferretdb"


def wait_until_ready(uri: str, process: subprocess.Popen | None, timeout: float = 30.0) -> None:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise LocalMongoError(f"the local MongoDB server exited with code {process.returncode}; {HOW_TO}")
        client = MongoClient(uri, serverSelectionTimeoutMS=500)
        try:
            client.admin.command("ping")
            return
        except PyMongoError:
            if time.monotonic() > deadline:
                raise LocalMongoError(f"the local MongoDB server at {uri} did not answer in {timeout:g}s; {HOW_TO}") from None
        finally:
            client.close()


def start_server(data_dir: Path, port: int | None = None, log_file: Path | None = None) -> LocalServer:
    """Start mongod or FerretDB on 127.0.0.1 with data in ``data_dir``; wait until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    cmd, kind = _server_command(data_dir, port)
    log = open(log_file or data_dir / "server.log", "ab")
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    uri = f"mongodb://127.0.0.1:{port}"
    try:
        wait_until_ready(uri, process)
    except LocalMongoError:
        LocalServer(uri, process, kind).stop()
        raise
    return LocalServer(uri, process, kind)


# --- CLI for the Makefile: a long-lived server with a pid file ---------------------------
def _state(data_dir: Path) -> Path:
    return data_dir / "server.json"


def cli_start(data_dir: Path) -> str:
    state = _state(data_dir)
    if state.exists():
        info = json.loads(state.read_text())
        try:
            os.kill(info["pid"], 0)
            wait_until_ready(info["uri"], None, timeout=5)
            return info["uri"]
        except (OSError, LocalMongoError):
            state.unlink()
    server = start_server(data_dir)
    assert server.process is not None
    state.write_text(json.dumps({"pid": server.process.pid, "uri": server.uri, "kind": server.kind}))
    return server.uri


def cli_stop(data_dir: Path) -> None:
    state = _state(data_dir)
    if state.exists():
        info = json.loads(state.read_text())
        try:
            os.kill(info["pid"], signal.SIGTERM)
        except OSError:
            pass
        state.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.localmongo")
    parser.add_argument("action", choices=["install", "start", "stop"])
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "mongo")
    args = parser.parse_args(argv)
    try:
        if args.action == "install":
            if shutil.which("mongod"):
                print("mongod found on PATH; nothing to install")
            else:
                print(install_ferretdb())
        elif args.action == "start":
            print(cli_start(args.data.resolve()))
        else:
            cli_stop(args.data.resolve())
    except LocalMongoError as exc:
        print(f"localmongo: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
