"""The outlet registry: one declarative entry per outlet, read from a TOML file.

An outlet is data — domains, discovery sources, article-URL patterns and its own
boilerplate phrases — never a class. ``newscrawl/outlets.toml`` ships the real Polish
outlets; ``NEWSCRAWL_OUTLETS_FILE`` points at another file (the offline newsroom writes
one for its live fixture outlets).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_REGISTRY = Path(__file__).with_name("outlets.toml")


class RegistryError(ValueError):
    """The registry file is missing or an entry is malformed (message is one line)."""


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    domains: tuple[str, ...]
    home: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = True
    sections: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    deny_patterns: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    language: str = "pl"
    verified: str = "unverified"
    notes: str = ""
    _allow: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _deny: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def owns(self, url: str) -> bool:
        """True when ``url`` is on one of the outlet's domains (or their subdomains)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article_url(self, url: str) -> bool:
        """True when ``url`` is on the outlet and matches its article patterns."""
        if not self.owns(url):
            return False
        if self._allow and not any(p.search(url) for p in self._allow):
            return False
        return not any(p.search(url) for p in self._deny)

    @property
    def robots_url(self) -> str:
        parts = urlsplit(self.home)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"


_LIST_FIELDS = ("domains", "feeds", "sitemaps", "sections", "article_patterns",
                "deny_patterns", "boilerplate")
_STR_FIELDS = ("name", "home", "language", "verified", "notes")


def _compile(key: str, patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise RegistryError(f"outlet {key!r}: bad pattern {pattern!r}: {exc}") from None
    return tuple(compiled)


def outlet_from_mapping(key: str, data: dict) -> Outlet:
    """Build and validate one registry entry."""
    unknown = set(data) - set(_LIST_FIELDS) - set(_STR_FIELDS) - {"robots_sitemaps"}
    if unknown:
        raise RegistryError(f"outlet {key!r}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("name", "domains", "home"):
        if not data.get(name):
            raise RegistryError(f"outlet {key!r}: missing required field {name!r}")
    kwargs: dict = {"key": key}
    for name in _LIST_FIELDS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RegistryError(f"outlet {key!r}: {name!r} must be a list of strings")
        kwargs[name] = tuple(value)
    for name in _STR_FIELDS:
        if name in data:
            if not isinstance(data[name], str):
                raise RegistryError(f"outlet {key!r}: {name!r} must be a string")
            kwargs[name] = data[name]
    if "robots_sitemaps" in data:
        kwargs["robots_sitemaps"] = bool(data["robots_sitemaps"])
    kwargs["domains"] = tuple(d.lower() for d in kwargs["domains"])
    kwargs["_allow"] = _compile(key, kwargs["article_patterns"])
    kwargs["_deny"] = _compile(key, kwargs["deny_patterns"])
    return Outlet(**kwargs)


def load_registry(path: str | Path | None = None) -> dict[str, Outlet]:
    """Read the registry at ``path`` (default: the shipped one) into ``{key: Outlet}``."""
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"outlet registry {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"outlet registry {path} is not valid TOML: {exc}") from None
    entries = data.get("outlets")
    if not isinstance(entries, dict) or not entries:
        raise RegistryError(f"outlet registry {path} has no [outlets.<key>] entries")
    return {key: outlet_from_mapping(key, entry) for key, entry in entries.items()}
