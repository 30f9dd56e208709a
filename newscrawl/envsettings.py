"""Read setting overrides from the environment and from ``scrapy … -s NAME=value``.

Every ``NEWSCRAWL_*`` and ``MONGO_*`` setting can be set from an environment variable of
the same name; a few Scrapy settings have a ``NEWSCRAWL_`` alias (see ``SCRAPY_ALIASES``
in settings.py). The same names work with ``-s``, where an aliased Scrapy setting may also
be given by its Scrapy name. Values are converted to the type of the default and checked
(a log level, CIDRs, no negative numbers); a bad value or an unknown ``NEWSCRAWL_*`` name
stops the program with one line naming it and exit status 2 (``exit_usage``): the
environment when the settings module loads, ``-s`` in the ``CommandLineSettings`` add-on.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, NoReturn

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# Exit status for a bad setting or argument (1 is a crawl that failed).
USAGE_EXIT_STATUS = 2
_PREFIXES = ("NEWSCRAWL_", "MONGO_")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingError(ValueError):
    """A setting or argument that cannot be used; the message is one line naming it."""


def exit_usage(message: str) -> NoReturn:
    """Print ``newscrawl: message`` on stderr (also with ``--nolog``) and exit with status 2."""
    print(f"newscrawl: {message}", file=sys.stderr, flush=True)
    raise SystemExit(USAGE_EXIT_STATUS)


def _log_level(value: Any) -> Any:
    if str(value).upper() not in _LOG_LEVELS and not isinstance(value, int):
        raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}")
    return value if isinstance(value, int) else str(value).upper()


def _networks(value: Any) -> Any:
    from newscrawl.fence import parse_networks

    parse_networks(value)
    return value


# Checks beyond the type, by setting name: each returns the (normalised) value or raises ValueError.
VALUE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "LOG_LEVEL": _log_level,
    "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": _networks,
}


def convert(name: str, raw: Any, default: Any, setting: str | None = None) -> Any:
    """``raw`` (a string from the environment or ``-s``) as the type of ``default``, checked;
    ``SettingError`` names ``name`` when it cannot be used. ``setting`` is the setting it
    sets when ``name`` is an alias."""
    try:
        value = _typed(raw, default) if isinstance(raw, str) else raw
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ValueError("must not be negative")
        check = VALUE_CHECKS.get(setting or name)
        return check(value) if check else value
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} is not valid: {exc}") from None


def _typed(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError("expected one of 1/0, true/false, yes/no, on/off")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, (list, tuple)):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(default, dict):
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value
    return raw


def apply_environment(
    namespace: MutableMapping[str, Any],
    aliases: Mapping[str, str],
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Override settings in ``namespace`` from ``environ``; a bad value exits (``exit_usage``).

    ``aliases`` maps an environment variable to a (Scrapy) setting name.
    """
    names = {n: n for n in namespace if n.startswith(_PREFIXES)}
    names.update(aliases)
    try:
        for env_name, setting in names.items():
            if env_name in environ:
                namespace[setting] = convert(env_name, environ[env_name], namespace.get(setting, ""), setting)
    except SettingError as exc:
        exit_usage(str(exc))


def command_line_overrides(
    settings: Any, defaults: Mapping[str, Any], aliases: Mapping[str, str], priority: str = "cmdline"
) -> dict[str, Any]:
    """The ``-s`` settings (those at ``priority``) that need converting, as ``{setting: value}``.

    ``NEWSCRAWL_*``/``MONGO_*`` names and the Scrapy settings in ``aliases`` are converted to
    the type of their default in ``defaults``; an alias sets its Scrapy setting. Raises
    ``SettingError`` for a bad value, an unknown ``NEWSCRAWL_*``/``MONGO_*`` name, or an
    alias and its Scrapy name both given.
    """
    from scrapy.settings import SETTINGS_PRIORITIES

    level = SETTINGS_PRIORITIES[priority]
    given = [name for name in settings if settings.getpriority(name) == level]
    targets = set(aliases.values())
    out: dict[str, Any] = {}
    for name in given:
        if name in aliases:
            setting = aliases[name]
            if setting in given:
                raise SettingError(f"{name} and {setting} are the same setting: give only one")
        elif name.startswith(_PREFIXES) or name in targets:
            setting = name
        else:
            continue
        if setting not in defaults:
            raise SettingError(f"{name} is not a newscrawl setting (see the README's settings table)")
        out[setting] = convert(name, settings[name], defaults[setting], setting)
    return out


class CommandLineSettings:
    """A Scrapy add-on (``ADDONS``) that checks and converts the ``-s`` settings before
    anything uses them — before Scrapy sets up logging, so a bad one prints one line only."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: Any) -> None:
        from newscrawl import settings as project

        defaults = {name: value for name, value in vars(project).items() if name.isupper()}
        try:
            overrides = command_line_overrides(settings, defaults, project.SCRAPY_ALIASES)
        except SettingError as exc:
            exit_usage(str(exc))
        for name, value in overrides.items():
            settings.set(name, value, priority="cmdline")
