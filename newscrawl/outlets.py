"""The outlet registry: one declarative entry per outlet, read from a TOML file.

An outlet is data — domains, discovery sources, article-URL patterns and its own
boilerplate phrases — never a class. ``newscrawl/outlets.toml`` ships the real Polish
outlets (its header documents every field); ``NEWSCRAWL_OUTLETS_FILE`` points at another
file (the offline newsroom writes one for its live fixture outlets). The loader is strict:
an unknown field, a bad regex, a non-URL source, a home off the outlet's domains, a
``verified`` that is not "unverified"/"newsroom"/a date, a ``tdm`` that is not
"unknown"/"none"/"reserved", ``exclude_patterns`` without ``notes`` saying why, or an
``article_shaped_kinds`` entry that is not a page kind is a one-line ``RegistryError``.

``Outlet.check_url`` says what the registry does with a URL and why (``UrlVerdict``):
accepted as an article, or refused — other domain, no pattern matched, denied (not an
article page), or excluded (an article the outlet deliberately does not crawl).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from newscrawl.urls import canonicalize_url

DEFAULT_REGISTRY = Path(__file__).with_name("outlets.toml")


class RegistryError(ValueError):
    """The registry file is missing or an entry is malformed (message is one line)."""


# What the registry does with a URL (``UrlVerdict.reason``).
ACCEPTED = "accepted"
OTHER_DOMAIN = "other domain"
NO_PATTERN = "no pattern matched"
DENIED = "denied"
EXCLUDED = "excluded"
# Kinds of pages that are not articles (the vocabulary of `scrapy outlets --check-urls` files).
PAGE_KINDS = ("section", "tag", "author", "video", "gallery", "live", "feed", "sitemap", "other")


@dataclass(frozen=True)
class UrlVerdict:
    """The registry's answer for one URL: ``canonical`` is what a crawl would fetch."""

    url: str
    canonical: str
    reason: str
    rule: str = ""          # the deny/exclude pattern that refused it

    @property
    def accepted(self) -> bool:
        return self.reason == ACCEPTED

    @property
    def is_variant(self) -> bool:
        """The canonical form is another page (an AMP or mobile variant of it): a crawl
        never fetches this URL itself, only its canonical page."""
        given, canonical = urlsplit(self.url), urlsplit(self.canonical)
        return ((given.hostname or "").lower(), given.path or "/") != (canonical.hostname, canonical.path or "/")


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
    exclude_patterns: tuple[str, ...] = ()
    article_shaped_kinds: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    language: str = "pl"
    verified: str = "unverified"
    tdm: str = "unknown"
    notes: str = ""
    _allow: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _deny: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _exclude: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def owns(self, url: str) -> bool:
        """True when ``url`` is on one of the outlet's domains (or their subdomains)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article_url(self, url: str) -> bool:
        """True when the canonical ``url`` is on the outlet, matches its article patterns
        and none of its deny or exclude patterns."""
        return self._verdict(url, url).accepted

    def check_url(self, url: str) -> UrlVerdict:
        """Canonicalise ``url`` and say whether a crawl of this outlet fetches it as an
        article, and if not, why."""
        return self._verdict(url, self.canonical(url))

    def _verdict(self, url: str, canonical: str) -> UrlVerdict:
        if not self.owns(canonical):
            return UrlVerdict(url, canonical, OTHER_DOMAIN)
        # Exclusions first: a deliberately skipped part of the site is reported as such,
        # whatever its pages look like.
        for pattern in self._exclude:
            if pattern.search(canonical):
                return UrlVerdict(url, canonical, EXCLUDED, pattern.pattern)
        if self._allow and not any(p.search(canonical) for p in self._allow):
            return UrlVerdict(url, canonical, NO_PATTERN)
        for pattern in self._deny:
            if pattern.search(canonical):
                return UrlVerdict(url, canonical, DENIED, pattern.pattern)
        return UrlVerdict(url, canonical, ACCEPTED)

    def canonical(self, url: str) -> str:
        """The canonical form of ``url`` for this outlet (mobile/AMP hosts → main host)."""
        return canonicalize_url(url, preferred_host=urlsplit(self.home).hostname)

    def record_url(self, url: str, stated_canonical: str, base: str) -> str:
        """The URL a fetched article page is stored under: its request URL ``url`` (already
        canonical), unless the page states a canonical URL (``<link rel=canonical>``, else
        ``og:url``; relative to ``base``) that is another article URL of this outlet — an
        AMP, print or old-slug copy names its article page."""
        if not stated_canonical.strip():
            return url
        stated = self.canonical(urljoin(base, stated_canonical.strip()))
        return stated if stated != url and self.is_article_url(stated) else url

    @property
    def robots_url(self) -> str:
        parts = urlsplit(self.home)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"

    @property
    def tdmrep_url(self) -> str:
        parts = urlsplit(self.home)
        return f"{parts.scheme}://{parts.netloc}/.well-known/tdmrep.json"

    @property
    def tdm_reserved_in_registry(self) -> bool:
        return self.tdm == "reserved"


_LIST_FIELDS = ("domains", "feeds", "sitemaps", "sections", "article_patterns",
                "deny_patterns", "exclude_patterns", "article_shaped_kinds", "boilerplate")
_STR_FIELDS = ("name", "home", "language", "verified", "tdm", "notes")
_URL_FIELDS = ("feeds", "sitemaps", "sections")
# How sure we are of an entry: never checked, a test fixture, or the date it was checked.
_VERIFIED = re.compile(r"^(unverified|newsroom|\d{4}-\d{2}-\d{2})$")
# What the registry knows about the outlet's text-and-data-mining reservation.
TDM_VALUES = ("unknown", "none", "reserved")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


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
        if not isinstance(data["robots_sitemaps"], bool):
            raise RegistryError(f"outlet {key!r}: 'robots_sitemaps' must be true or false")
        kwargs["robots_sitemaps"] = data["robots_sitemaps"]
    if not _KEY.match(key):
        raise RegistryError(f"outlet {key!r}: key must be lowercase letters, digits, '-' or '_'")
    if not _VERIFIED.match(kwargs.get("verified", "unverified")):
        raise RegistryError(f"outlet {key!r}: 'verified' must be \"unverified\", \"newsroom\" or a date YYYY-MM-DD")
    if kwargs.get("tdm", "unknown") not in TDM_VALUES:
        raise RegistryError(f"outlet {key!r}: 'tdm' must be one of {', '.join(TDM_VALUES)}")
    if kwargs["exclude_patterns"] and not kwargs.get("notes", "").strip():
        raise RegistryError(f"outlet {key!r}: 'exclude_patterns' needs 'notes' saying why those articles are skipped")
    bad_kinds = [k for k in kwargs["article_shaped_kinds"] if k not in PAGE_KINDS]
    if bad_kinds:
        raise RegistryError(f"outlet {key!r}: 'article_shaped_kinds' has {bad_kinds[0]!r}, "
                            f"not one of {', '.join(PAGE_KINDS)}")
    for name in ("home", *_URL_FIELDS):
        values = [kwargs[name]] if name == "home" else kwargs[name]
        for value in values:
            if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname:
                raise RegistryError(f"outlet {key!r}: {name!r} has a value that is not an http(s) URL: {value!r}")
    kwargs["domains"] = tuple(d.lower() for d in kwargs["domains"])
    kwargs["_allow"] = _compile(key, kwargs["article_patterns"])
    kwargs["_deny"] = _compile(key, kwargs["deny_patterns"])
    kwargs["_exclude"] = _compile(key, kwargs["exclude_patterns"])
    outlet = Outlet(**kwargs)
    if not outlet.owns(outlet.home):
        raise RegistryError(f"outlet {key!r}: home {outlet.home!r} is not on its domains")
    return outlet


def load_registry(path: str | Path | None = None) -> dict[str, Outlet]:
    """Read the registry at ``path`` (default: the shipped one) into ``{key: Outlet}``."""
    path = Path(path) if path else None
    try:
        if path is None:
            # Package data, read through importlib.resources: it also works when the package is
            # imported from a zip file (a Scrapyd egg), where DEFAULT_REGISTRY is no real file.
            path = DEFAULT_REGISTRY
            text = resources.files("newscrawl").joinpath(DEFAULT_REGISTRY.name).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise RegistryError(f"outlet registry {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"outlet registry {path} is not valid TOML: {exc}") from None
    entries = data.get("outlets")
    if not isinstance(entries, dict) or not entries:
        raise RegistryError(f"outlet registry {path} has no [outlets.<key>] entries")
    return {key: outlet_from_mapping(key, entry) for key, entry in entries.items()}
