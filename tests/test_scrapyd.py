"""Scrapyd: the project deployed with scrapyd-client to a Scrapyd started from PyPI on
127.0.0.1, a newsroom outlet scheduled through the HTTP API, the result checked in MongoDB.

Scrapyd runs from a temp dir of its own (its runner puts the cwd first on ``sys.path``
and reads the closest scrapy.cfg: from the project folder the source tree would stand in
for the egg). Its environment does not name an outlet registry, so ``addversion.json``
lists the spiders from the registry inside the egg; the job gets the newsroom's registry
as a ``setting=``. The project is deployed from a copy, so the egg build leaves nothing in
the work tree. Scrapyd reports neither a failed deploy by exit code (scrapyd-deploy exits
0 on any HTTP 200) nor a crawl's exit status: the JSON answers and the ``runs`` document
are what tell.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import wait_for
from tests.support import FAST, ROOT
from tools.localmongo import free_port

BIN = Path(sys.executable).parent
LIMIT = 5


def api(url: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(url, body, timeout=60) as response:
        return json.loads(response.read())


def project_copy(dest: Path) -> Path:
    """The work tree's files as they are now (committed or not, ignored ones left out)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory, mongo_uri) -> Iterator[str]:
    """A Scrapyd on 127.0.0.1:<free port>; yields its URL."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home}/eggs\n"
        f"logs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSCRAWL_", "MONGO_", "SCRAPY_"))}
    # Scrapyd hands its environment to every job: MONGO_URI belongs here (as in a systemd unit).
    env.update(FAST, MONGO_URI=mongo_uri, NEWSCRAWL_SPILL_DIR=str(home / "spill"))
    url = f"http://127.0.0.1:{port}/"
    with open(home / "scrapyd.out", "wb") as out:
        process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        def answers() -> bool:
            assert process.poll() is None, (home / "scrapyd.out").read_text()[-3000:]
            try:
                return api(url + "daemonstatus.json")["status"] == "ok"
            except OSError:
                return False
        wait_for(answers, 60, "Scrapyd to answer daemonstatus.json", every=0.2)
        yield url
    finally:
        process.terminate()
        process.wait(30)


def test_deployed_egg_runs_a_scheduled_newsroom_crawl(scrapyd, newsroom, newsroom_registry, tmp_path, mongo_db):
    project = project_copy(tmp_path / "project")
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "env", "-v", "r1"], cwd=project,
                            env={**os.environ, "SCRAPYD_URL": scrapyd}, capture_output=True, text=True, timeout=300)
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    # scrapyd-deploy exits 0 whatever addversion.json says: read its answer.
    answer = json.loads(deploy.stdout[deploy.stdout.index("{"):])
    assert answer["status"] == "ok", answer
    assert answer["project"] == "newscrawl" and answer["version"] == "r1"
    # The spiders were listed inside Scrapyd from the registry shipped in the egg.
    spiders = api(scrapyd + "listspiders.json?project=newscrawl")
    assert spiders["status"] == "ok" and {"news", "kresy", "rp"} <= set(spiders["spiders"])

    job = api(scrapyd + "schedule.json", {
        "project": "newscrawl", "spider": "news", "outlets": "nr-kurier", "limit": str(LIMIT),
        "setting": [f"MONGO_DATABASE={mongo_db.name}", f"NEWSCRAWL_OUTLETS_FILE={newsroom_registry}"]})
    assert job["status"] == "ok", job

    def finished() -> bool:
        jobs = api(scrapyd + "listjobs.json?project=newscrawl")
        return any(j["id"] == job["jobid"] for j in jobs["finished"])
    wait_for(finished, 240, f"job {job['jobid']} to finish", every=0.5)

    assert mongo_db.articles.count_documents({"outlet": "nr-kurier"}) == LIMIT
    assert all(newsroom.expected(a["url"]) is not None for a in mongo_db.articles.find({}, {"url": 1}))
    [run] = mongo_db.runs.find()
    assert run["status"] == "finished", run
    assert run["outlets"] == ["nr-kurier"] and run["arguments"]["limit"] == LIMIT
    assert run["stored_new"] == LIMIT and run["outcomes"]["nr-kurier"]["outcome"] == "ok"
