"""`pip install .`: newscrawl imports, reads its registry and runs its commands outside the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.corpus.export import fields
from tests.support import ROOT

PACKAGE_FILES = ("pyproject.toml", "README.md", "requirements.txt")


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (cmd, result.stdout[-2000:], result.stderr[-2000:])
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project built into a wheel (the venv's setuptools, no network) and installed into a folder."""
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"  # a copy, so the build leaves nothing in the work tree
    source.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "newscrawl", source / "newscrawl", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"), str(source)], tmp)
    [wheel] = (tmp / "dist").glob("newscrawl-*.whl")
    run([*pip, "install", "--no-deps", "--no-index", "--target", str(tmp / "site"), str(wheel)], tmp)
    return tmp / "site"


def outside_env(site: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSCRAWL_", "MONGO_", "SCRAPY_"))}
    env["PYTHONPATH"] = str(site)
    env.update(extra)
    return env


def test_installed_package_imports_with_its_registry_and_schema(installed, tmp_path):
    code = (
        "import importlib.resources as r, json, newscrawl\n"
        "from newscrawl.outlets import load_registry\n"
        "from newscrawl.corpus.export import fields\n"
        "print(newscrawl.__file__)\n"
        "print(len(load_registry()), 'kresy' in load_registry())\n"
        "print(len(fields()), json.loads(r.files('newscrawl.corpus').joinpath('record.schema.json').read_text())['title'])\n"
    )
    result = run([sys.executable, "-c", code], tmp_path, outside_env(installed))
    location, registry, schema = result.stdout.splitlines()
    assert location.startswith(str(installed))
    count, has_kresy = registry.split()
    assert int(count) >= 20 and has_kresy == "True"
    assert schema == f"{len(fields())} newscrawl corpus record"


def test_scrapy_commands_are_registered_and_run_from_any_folder(installed, tmp_path, mongo_uri, mongo_db):
    env = outside_env(installed, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    listing = run([sys.executable, "-m", "scrapy", "-h"], tmp_path, env).stdout
    assert "no active project" in listing
    for command in ("export", "corpus-stats", "outlets", "runs", "reprocess", "replay-spill"):
        assert f"\n  {command} " in listing
    mongo_db.articles.insert_one({"_id": "https://a.pl/1", "url": "https://a.pl/1", "outlet": "a", "text": "Tekst."})
    exported = run([sys.executable, "-m", "scrapy", "export", "-o", "out.jsonl"], tmp_path, env)
    assert exported.stderr.strip() == "exported 1 records to out.jsonl"
    assert (tmp_path / "out.jsonl").read_text().count("\n") == 1
    outlets = run([sys.executable, "-m", "scrapy", "outlets", "kresy"], tmp_path, env).stdout
    assert outlets.startswith("kresy")
    assert run([sys.executable, "-m", "scrapy", "runs"], tmp_path, env).stdout.strip() == "no runs"
