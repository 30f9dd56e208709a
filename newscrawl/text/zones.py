"""Where on the page a piece of extracted text came from: inside links, a figure caption,
an author box, a paywall/subscription box, a related-articles box.

trafilatura's output keeps no markup, so the cleaning rules (``boilerplate.py``) match an
extracted paragraph back to these zones of the page by its text. Everything is read from
the same tree as the metadata, before trafilatura sees it, in one scan of the class, id,
itemprop, rel and aria-label attributes (``scan_page``), which the metadata reader shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newscrawl.text.normalize import normalize_paragraph

# Roles an element names in its class or id, by the words that name them (matched inside
# the lower-cased value: "wp-caption-text", "author-box", "subscription"; the short words
# in _WHOLE_WORDS only as words: "bio" but not "biology", "lead" but not "leaderboard").
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "caption": ("caption", "credit", "copyright"),
    "bio": ("author", "autor", "bio", "byline"),
    "box": ("paywall", "subscri", "premium", "regwall", "piano", "abonn", "prenumer", "newsletter", "signup",
            "sign-up", "donat", "wesprzyj", "paid-content"),
    "related": ("related", "recommend", "readmore", "read-more", "more-articles", "more-stories", "polecane",
                "powiazane", "also-read", "see-also", "mehr-zum-thema"),
    "breadcrumb": ("breadcrumb", "sciezka", "okruszki"),
    "standfirst": ("lead", "lede", "standfirst", "intro", "excerpt", "subtitle", "zajawka", "wstep", "sapo",
                   "entradilla", "summary"),
}
_WHOLE_WORDS = frozenset({"bio", "lead", "lede"})
_ROLES = re.compile("|".join(
    f"(?P<{role}>" + "|".join(f"(?<![a-z]){w}(?![a-z])" if w in _WHOLE_WORDS else w for w in words) + ")"
    for role, words in ROLE_WORDS.items()
))
# Any role word, without groups or lookarounds: a fast first test (a superset of _ROLES).
_ANY_ROLE = re.compile("|".join(w for words in ROLE_WORDS.values() for w in words))
_ITEMPROP_ROLES = {"description": "standfirst", "abstract": "standfirst", "author": "bio"}
_REL_ROLES = {"author": "bio"}
ROLE_NAMES = tuple(ROLE_WORDS)
# Elements that are never a zone (a link is no box; but a link marked "author" names one).
_NOT_ZONES = frozenset({"a", "body", "html", "head", "meta", "link", "script"})
# Zones larger than this are page containers that merely carry such a class name.
MAX_ZONE_CHARS = {"caption": 600, "bio": 1200, "box": 2000, "related": 4000}
# Extracted text shorter than this matches a zone only when it is the zone's whole text.
MIN_MATCH_CHARS = 20
_WORD = re.compile(r"\w+")


@dataclass
class PageScan:
    """What one pass over the page's elements found: elements by the role their attributes
    name (``roles``, each in page order; figcaptions are captions) and by tag (``tags``:
    only the tags the metadata and the zones read)."""

    roles: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in ROLE_NAMES})
    tags: dict[str, list[Any]] = field(default_factory=lambda: {tag: [] for tag in SCANNED_TAGS})


# Tags collected by the scan (instead of one XPath traversal of the page each).
SCANNED_TAGS = ("a", "meta", "script", "link", "title", "h1", "article")


def scan_page(tree: Any) -> PageScan:
    """One pass over the elements in Python (cheaper than XPath over attributes here, since
    every element is an HtmlElement made in C); class values repeat, so each distinct value
    is matched once, and most (unique ids above all) are ruled out by one plain search."""
    scan = PageScan()
    found, tags = scan.roles, scan.tags
    roles_of: dict[str, tuple[str, ...]] = {}
    for element in tree.iter():
        tag = element.tag
        bucket = tags.get(tag)
        if bucket is not None:
            bucket.append(element)
        roles: tuple[str, ...] = ()
        for name, value in element.items():
            if name == "class" or name == "id":
                named = roles_of.get(value)
                if named is None:
                    low = value.lower()
                    named = roles_of[value] = (tuple(m.lastgroup for m in _ROLES.finditer(low))
                                               if _ANY_ROLE.search(low) else ())
                roles += named
            elif name == "itemprop" and value in _ITEMPROP_ROLES:
                roles += (_ITEMPROP_ROLES[value],)
            elif name == "rel" and value in _REL_ROLES:
                roles += (_REL_ROLES[value],)
            elif name == "aria-label" and "readcrumb" in value:
                roles += ("breadcrumb",)
        if tag == "figcaption":
            found["caption"].append(element)
        if not roles or (tag in _NOT_ZONES and "bio" not in roles):
            continue
        for role in dict.fromkeys(roles):
            if role != "caption" or tag != "figcaption":
                found[role].append(element)
    return scan


@dataclass
class PageZones:
    # Anchor texts by their first word: to measure how much of a paragraph is link text.
    anchors: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    zones: dict[str, list[str]] = field(default_factory=dict)

    def link_share(self, text: str) -> float:
        """Share of ``text``'s characters that are the text of links on the page."""
        if not text or not self.anchors:
            return 0.0
        covered, end = 0, 0
        for match in _WORD.finditer(text):
            if match.start() < end:
                continue
            for anchor, offset in self.anchors.get(match.group(), ()):
                start = match.start() - offset
                if start >= end and text.startswith(anchor, start):
                    covered += len(anchor)
                    end = start + len(anchor)
                    break
        return min(1.0, covered / len(text))

    def zone_of(self, text: str, *names: str) -> str:
        """The first of ``names`` whose zone holds ``text``, or ``""``."""
        for name in names:
            for zone in self.zones.get(name, ()):
                if text == zone or (len(text) >= MIN_MATCH_CHARS and text in zone):
                    return name
        return ""


def read_zones(scan: PageScan) -> PageZones:
    """The link texts and the caption, author, box and related zones of a scanned page."""
    zones = PageZones()
    roles = scan.roles
    for node in scan.tags["a"]:
        text = normalize_paragraph(node.text if len(node) == 0 and node.text else node.text_content())
        first = _WORD.search(text)
        if first and len(text) >= 2:
            options = zones.anchors.setdefault(first.group(), [])
            if (text, first.start()) not in options:
                options.append((text, first.start()))
    for options in zones.anchors.values():
        options.sort(key=lambda a: len(a[0]), reverse=True)
    for name, limit in MAX_ZONE_CHARS.items():
        texts: list[str] = []
        for node in roles.get(name, ()):
            if node.tag == "a":
                continue
            text = normalize_paragraph(node.text_content())
            if text and len(text) <= limit and text not in texts:
                texts.append(text)
        zones.zones[name] = texts
    return zones
