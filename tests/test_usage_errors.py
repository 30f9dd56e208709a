"""A bad setting or argument — from the environment, `-s` (either name of an aliased Scrapy
setting) or `-a` — stops `scrapy crawl` with one line naming it and exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.settings import Settings

from newscrawl.envsettings import CommandLineSettings
from tests.support import ROOT

ENV = {"PATH": "/usr/bin:/bin"}


def crawl(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**ENV, **env}, timeout=120)


@pytest.mark.parametrize("env, line", [
    ({"NEWSCRAWL_LOG_LEVEL": "LOUD"},
     "NEWSCRAWL_LOG_LEVEL='LOUD' is not valid: expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    ({"NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": "10.0.0.0/33"},
     "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS='10.0.0.0/33' is not valid: '10.0.0.0/33' is not a network such as 127.0.0.0/8"),
    ({"NEWSCRAWL_SITEMAP_MAX_URLS": "-5"}, "NEWSCRAWL_SITEMAP_MAX_URLS='-5' is not valid: must not be negative"),
    ({"NEWSCRAWL_OUTLETS_FILE": "/nonexistent/outlets.toml"}, "outlet registry /nonexistent/outlets.toml does not exist"),
])
def test_a_bad_environment_value_is_one_line(env, line):
    result = crawl("kresy", **env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"newscrawl: {line}"]


@pytest.mark.parametrize("setting, line", [
    ("NEWSCRAWL_DOWNLOAD_DELAY=soon", "NEWSCRAWL_DOWNLOAD_DELAY='soon' is not valid: could not convert string to float: 'soon'"),
    ("DOWNLOAD_DELAY=soon", "DOWNLOAD_DELAY='soon' is not valid: could not convert string to float: 'soon'"),
    ("LOG_LEVEL=LOUD", "LOG_LEVEL='LOUD' is not valid: expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    ("NEWSCRAWL_ROBOTSTXT_OBEY=perhaps", "NEWSCRAWL_ROBOTSTXT_OBEY='perhaps' is not valid: expected one of 1/0, true/false, yes/no, on/off"),
    ("NEWSCRAWL_DOWNLOAD_DEALY=2", "NEWSCRAWL_DOWNLOAD_DEALY is not a newscrawl setting (see the README's settings table)"),
])
def test_a_bad_command_line_setting_is_one_line(setting, line):
    result = crawl("kresy", "-s", setting)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"newscrawl: {line}"]


def test_an_alias_and_its_scrapy_name_together_are_refused():
    result = crawl("kresy", "-s", "NEWSCRAWL_DOWNLOAD_DELAY=2", "-s", "DOWNLOAD_DELAY=3")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "newscrawl: NEWSCRAWL_DOWNLOAD_DELAY and DOWNLOAD_DELAY are the same setting: give only one"]


@pytest.mark.parametrize("argument, line", [
    ("lmit=5", "unknown spider argument 'lmit': use -a outlets=…, -a since=…, -a limit=…, -a refresh=…"),
    ("limit=lots", "limit='lots' is not a whole number of articles"),
    ("since=soon", "since='soon' is not an ISO date such as 2026-11-01, or 'last'"),
    ("refresh=maybe", "refresh='maybe' is not 1 or 0"),
])
def test_a_bad_spider_argument_is_one_line(argument, line):
    result = crawl("kresy", "--nolog", "-a", argument)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"newscrawl: {line}"]


def test_with_logging_on_a_bad_argument_ends_the_log_in_one_line():
    # Scrapy's start-up lines come first (spider arguments are read after them).
    result = crawl("kresy", "-a", "lmit=5")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("newscrawl: unknown spider argument 'lmit'")


def test_command_line_settings_are_converted_under_both_names():
    settings = Settings({"DOWNLOAD_DELAY": 1.0, "NEWSCRAWL_BATCH_SIZE": 100})
    settings.set("NEWSCRAWL_DOWNLOAD_DELAY", "2.5", priority="cmdline")
    settings.set("NEWSCRAWL_BATCH_SIZE", "7", priority="cmdline")
    settings.set("RETRY_TIMES", "4", priority="cmdline")          # Scrapy name of NEWSCRAWL_RETRY_TIMES
    settings.set("NEWSCRAWL_LOG_LEVEL", "debug", priority="cmdline")
    CommandLineSettings.update_pre_crawler_settings(settings)
    assert settings["DOWNLOAD_DELAY"] == 2.5 and settings.getpriority("DOWNLOAD_DELAY") == 40
    assert settings["NEWSCRAWL_BATCH_SIZE"] == 7
    assert settings["RETRY_TIMES"] == 4
    assert settings["LOG_LEVEL"] == "DEBUG"
