"""Read setting overrides from the environment.

Every ``NEWSCRAWL_*`` and ``MONGO_*`` setting can be set from an environment variable of
the same name; a few Scrapy settings have a ``NEWSCRAWL_`` alias (see ``SCRAPY_ALIASES``
in settings.py). Values are converted to the type of the default, and a bad value stops
the program with one line naming the variable, not a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, MutableMapping
from typing import Any

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(SystemExit):
    """A setting from the environment that cannot be used; exits with a one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(f"newscrawl: {message}")


def convert(name: str, raw: str, default: Any) -> Any:
    """Convert ``raw`` (an environment value) to the type of ``default``."""
    try:
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
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} is not valid: {exc}") from None
    return raw


def apply_environment(
    namespace: MutableMapping[str, Any],
    aliases: Mapping[str, str],
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Override settings in ``namespace`` from ``environ``.

    ``aliases`` maps an environment variable to a (Scrapy) setting name.
    """
    names = {n: n for n in namespace if n.startswith(("NEWSCRAWL_", "MONGO_"))}
    names.update(aliases)
    for env_name, setting in names.items():
        if env_name in environ:
            namespace[setting] = convert(env_name, environ[env_name], namespace.get(setting, ""))
