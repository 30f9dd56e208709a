"""`make distclean` removes what the project built and nothing it tracks."""

from __future__ import annotations

import shutil
import subprocess

from tests.support import ROOT


def test_distclean_removes_built_files_and_keeps_tracked_ones(tmp_path):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    copy = tmp_path / "newscrawl"
    for name in tracked:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    built = [".venv/bin/python3", ".tools/bin/ferretdb", ".tools/src/ferretdb/go.mod", "var/mongo/data.db",
             "var/spill/run.jsonl", "var/lock/kresy.lock", ".pytest_cache/v/x", "newscrawl/__pycache__/a.pyc",
             "build/lib/x.py", "dist/newscrawl.whl", "newscrawl.egg-info/PKG-INFO"]
    for name in built:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text("x")
    result = subprocess.run(["make", "distclean"], cwd=copy, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [name for name in built if (copy / name).exists()] == []
    assert not (copy / "newscrawl" / "__pycache__").exists()
    assert [name for name in tracked if (ROOT / name).is_file() and not (copy / name).is_file()] == []
    assert "go clean -cache -modcache" in result.stdout
