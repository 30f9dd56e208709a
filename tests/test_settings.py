"""Every knob can be set from the environment; bad values stop with one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newscrawl.envsettings import SettingError, apply_environment, convert
from tests.support import ROOT


def test_values_take_the_type_of_the_default():
    ns = {"NEWSCRAWL_BATCH_SIZE": 100, "NEWSCRAWL_LANGUAGES": ["pl"], "ROBOTSTXT_OBEY": True,
          "DOWNLOAD_DELAY": 1.0, "MONGO_URI": "mongodb://x"}
    env = {"NEWSCRAWL_BATCH_SIZE": "7", "NEWSCRAWL_LANGUAGES": "pl, en", "NEWSCRAWL_ROBOTSTXT_OBEY": "no",
           "NEWSCRAWL_DOWNLOAD_DELAY": "0.5", "MONGO_URI": "mongodb://db:27017"}
    apply_environment(ns, {"NEWSCRAWL_ROBOTSTXT_OBEY": "ROBOTSTXT_OBEY",
                           "NEWSCRAWL_DOWNLOAD_DELAY": "DOWNLOAD_DELAY"}, env)
    assert ns == {"NEWSCRAWL_BATCH_SIZE": 7, "NEWSCRAWL_LANGUAGES": ["pl", "en"], "ROBOTSTXT_OBEY": False,
                  "DOWNLOAD_DELAY": 0.5, "MONGO_URI": "mongodb://db:27017"}


def test_a_bad_value_names_the_variable():
    with pytest.raises(SettingError) as info:
        convert("NEWSCRAWL_BATCH_SIZE", "lots", 100)
    assert "NEWSCRAWL_BATCH_SIZE='lots'" in str(info.value)


def test_scrapy_sees_environment_settings_and_rejects_bad_ones():
    code = "from scrapy.utils.project import get_project_settings as g; s=g(); print(s.getfloat('DOWNLOAD_DELAY'), s.get('MONGO_DATABASE'))"
    ok = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                        env={"PATH": "/usr/bin:/bin", "NEWSCRAWL_DOWNLOAD_DELAY": "2.5", "MONGO_DATABASE": "corpus"})
    assert ok.stdout.split() == ["2.5", "corpus"], ok.stderr
    bad = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "NEWSCRAWL_DOWNLOAD_DELAY": "soon"})
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["newscrawl: NEWSCRAWL_DOWNLOAD_DELAY='soon' is not valid: could not convert string to float: 'soon'"]
