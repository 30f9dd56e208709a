"""deploy/: the systemd unit and timer parse, and the wrapper's flock keeps one crawl per outlet."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

from tests.faults import wait_for
from tests.support import ROOT, crawl_env

DEPLOY = ROOT / "deploy"
WRAPPER = DEPLOY / "newscrawl-crawl"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def test_service_and_timer_are_well_formed(tmp_path):
    service, timer = unit(DEPLOY / "newscrawl@.service"), unit(DEPLOY / "newscrawl@.timer")
    assert service.sections() == ["Unit", "Service"] and timer.sections() == ["Unit", "Timer", "Install"]
    run = service["Service"]
    assert run["Type"] == "oneshot" and run["SuccessExitStatus"] == "75" and run["KillSignal"] == "SIGTERM"
    command = run["ExecStart"].split()
    assert command[:2] == ["/opt/newscrawl/deploy/newscrawl-crawl", "%i"]
    assert (ROOT / command[0].removeprefix("/opt/newscrawl/")).stat().st_mode & 0o111   # the wrapper, executable
    assert run["EnvironmentFile"] == "/etc/newscrawl/newscrawl.env"
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    env = dict(line.split("=", 1) for line in (DEPLOY / "newscrawl.env").read_text().splitlines()
               if line.strip() and not line.startswith("#"))
    assert {"MONGO_URI", "MONGO_DATABASE", "NEWSCRAWL_CRAWL_ARGS"} <= set(env)
    cron = [line for line in (DEPLOY / "crontab.example").read_text().splitlines()
            if line.strip() and not line.startswith(("#", "SHELL="))]
    assert cron and all("/opt/newscrawl/deploy/newscrawl-crawl " in line for line in cron)
    # Where systemd-analyze is installed (Debian: package systemd), an instance of the unit
    # with this checkout's paths verifies with no message at all (unknown keys only warn).
    analyze = shutil.which("systemd-analyze")
    if analyze is not None:
        verify_instance(analyze, tmp_path)


def verify_instance(analyze: str, tmp_path: Path) -> None:
    service = (DEPLOY / "newscrawl@.service").read_text().replace(
        "/etc/newscrawl/newscrawl.env", str(DEPLOY / "newscrawl.env")).replace("/opt/newscrawl", str(ROOT))
    (tmp_path / "newscrawl@kresy.service").write_text(service)
    shutil.copy(DEPLOY / "newscrawl@.timer", tmp_path / "newscrawl@kresy.timer")
    result = subprocess.run([analyze, "verify", str(tmp_path / "newscrawl@kresy.service"),
                             str(tmp_path / "newscrawl@kresy.timer")], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def wrapper(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """The wrapper started from another folder, its stderr (a crawl's log) in ``log``."""
    with log.open("w") as stderr:
        return subprocess.Popen([str(WRAPPER), *args], env=env, cwd=log.parent, stdout=subprocess.DEVNULL,
                                stderr=stderr)


def test_flock_keeps_a_second_run_of_the_outlet_from_starting(newsroom, newsroom_registry, mongo_uri, mongo_db,
                                                             tmp_path):
    # nr-gazeta's Crawl-delay (0.25 s) keeps the first crawl going for a few seconds.
    env = crawl_env(mongo_uri, mongo_db.name, newsroom_registry, NEWSCRAWL_CRAWL_DELAY_MAX="30",
                    NEWSCRAWL_HOME=str(ROOT), NEWSCRAWL_PYTHON=sys.executable, NEWSCRAWL_LOCK_DIR=str(tmp_path))
    first = wrapper(env, tmp_path / "first.log", "nr-gazeta", "-a", "limit=8")
    try:
        wait_for(lambda: mongo_db.runs.find_one({"status": "running"}), 60, "the first crawl's run record")
        second = wrapper(env, tmp_path / "second.log", "nr-gazeta", "-a", "limit=8")
        assert second.wait(timeout=60) == 75
        assert (tmp_path / "second.log").read_text().splitlines() == [
            f"newscrawl: nr-gazeta: another crawl holds {tmp_path / 'nr-gazeta.lock'}; not started"]
        assert first.poll() is None and mongo_db.runs.count_documents({}) == 1     # the first run only
        # Another outlet has a lock of its own.
        other = wrapper(env, tmp_path / "other.log", "nr-kresy", "-a", "limit=1")
        assert other.wait(timeout=120) == 0, (tmp_path / "other.log").read_text()[-2000:]
    finally:
        first.wait(timeout=180)
    assert first.returncode == 0, (tmp_path / "first.log").read_text()[-3000:]
    # The lock went with the crawl: the next run starts.
    third = wrapper(env, tmp_path / "third.log", "nr-gazeta", "-a", "limit=1")
    assert third.wait(timeout=120) == 0, (tmp_path / "third.log").read_text()[-2000:]
    assert mongo_db.runs.count_documents({"status": "finished"}) == 3
