"""Text-and-data-mining reservations (EU DSM Directive 2019/790, art. 4(3)).

A rights holder may reserve text and data mining "in a machine-readable manner". We honour
the forms in use by news publishers:

- robots.txt rules that disallow known AI/TDM crawlers (GPTBot, CCBot, Google-Extended, …)
  or our own user agent;
- TDMRep (W3C community report): the ``tdm-reservation: 1`` HTTP header, the
  ``<meta name="tdm-reservation" content="1">`` tag, and ``/.well-known/tdmrep.json``.

Pure functions only (no Scrapy, no network); the spider and ``scrapy outlets`` call them.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

# User agents of AI training / TDM crawlers. A robots.txt that shuts these out of an
# outlet's home page is a machine-readable reservation of text and data mining.
TDM_AGENTS = (
    "GPTBot", "ChatGPT-User", "OAI-SearchBot", "CCBot", "Google-Extended", "anthropic-ai",
    "ClaudeBot", "Claude-Web", "Applebot-Extended", "Bytespider", "PerplexityBot",
    "cohere-ai", "Meta-ExternalAgent", "FacebookBot", "Amazonbot", "Diffbot", "AI2Bot",
    "Omgilibot", "omgili", "Timpibot", "YouBot", "ImagesiftBot", "img2dataset",
)


@dataclass(frozen=True)
class TdmStatus:
    """Whether an outlet (or page) reserves TDM, and which signal says so. ``reserved`` is
    None when it is unknown: a signal could not be read (e.g. robots.txt did not load), so
    "no reservation" cannot be claimed."""

    reserved: bool | None = False
    source: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"reserved": self.reserved, "source": self.source}


NOT_RESERVED = TdmStatus()


def unknown(reason: str) -> TdmStatus:
    """The status when a signal could not be read (``reason`` says which and why)."""
    return TdmStatus(None, reason)


def combine(*statuses: TdmStatus | None) -> TdmStatus:
    """Reserved when any signal reserves; otherwise unknown when any is unknown; sources joined."""
    for value in (True, None):
        reasons = [s.source for s in statuses if s is not None and s.reserved is value]
        if reasons:
            return TdmStatus(value, "; ".join(reasons))
    return NOT_RESERVED


def robots_reservation(robots_text: str, home_url: str, user_agent: str) -> TdmStatus:
    """Reserved when robots.txt keeps our agent or AI/TDM crawlers off ``home_url``."""
    rp = Protego.parse(robots_text)
    if not rp.can_fetch(home_url, user_agent):
        return TdmStatus(True, "robots.txt disallows our user agent")
    blocked = [agent for agent in TDM_AGENTS if not rp.can_fetch(home_url, agent)]
    if blocked:
        shown = ", ".join(blocked[:4]) + (f" and {len(blocked) - 4} more" if len(blocked) > 4 else "")
        return TdmStatus(True, f"robots.txt disallows AI/TDM crawlers ({shown})")
    return NOT_RESERVED


def header_reservation(value: str | bytes | None, policy: str | bytes | None = None) -> TdmStatus:
    """The TDMRep ``tdm-reservation`` HTTP header (``1`` reserves)."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if (value or "").strip() != "1":
        return NOT_RESERVED
    if isinstance(policy, bytes):
        policy = policy.decode("latin-1")
    return TdmStatus(True, "tdm-reservation header" + (f" (policy {policy.strip()})" if policy else ""))


def meta_reservation(reserved: bool, policy: str | None = None) -> TdmStatus:
    """The TDMRep ``<meta name="tdm-reservation" content="1">`` tag (see discovery.page_signals)."""
    if not reserved:
        return NOT_RESERVED
    return TdmStatus(True, "tdm-reservation meta tag" + (f" (policy {policy})" if policy else ""))


@dataclass(frozen=True)
class TdmRule:
    location: str
    reserved: bool
    policy: str = ""

    def matches(self, path: str) -> bool:
        return _location_regex(self.location).match(path) is not None


@functools.lru_cache(maxsize=256)
def _location_regex(location: str) -> re.Pattern[str]:
    """TDMRep ``location``: a path pattern where ``*`` matches anything and ``$`` ends it."""
    location = location if location.startswith("/") else "/" + location
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    pattern = "".join(".*" if ch == "*" else re.escape(ch) for ch in body)
    return re.compile(pattern + ("$" if anchored else ""))


def parse_tdmrep(body: bytes) -> list[TdmRule] | None:
    """Rules of a ``/.well-known/tdmrep.json`` file; None when it is not one."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return None
    rules = []
    for entry in data:
        if not isinstance(entry, dict) or "location" not in entry:
            continue
        raw = entry.get("tdm-reservation", 0)
        rules.append(TdmRule(str(entry["location"]), str(raw).strip() == "1",
                             str(entry.get("tdm-policy") or "")))
    return rules


def tdmrep_status(rules: list[TdmRule] | None, url: str) -> TdmStatus:
    """What tdmrep.json says about ``url``: the first rule whose location matches applies."""
    path = urlsplit(url).path or "/"
    for rule in rules or ():
        if rule.matches(path):
            if rule.reserved:
                policy = f" (policy {rule.policy})" if rule.policy else ""
                return TdmStatus(True, f"tdmrep.json reserves {rule.location}{policy}")
            return NOT_RESERVED
    return NOT_RESERVED


def tdmrep_outlet_status(rules: list[TdmRule] | None, home_url: str) -> TdmStatus:
    """Outlet level: reserved when tdmrep.json reserves the home page or the whole site."""
    status = tdmrep_status(rules, home_url)
    if status.reserved:
        return status
    for rule in rules or ():
        if rule.reserved and rule.location.rstrip("$") in ("/", "/*", "*", ""):
            return TdmStatus(True, f"tdmrep.json reserves {rule.location}")
    return NOT_RESERVED
