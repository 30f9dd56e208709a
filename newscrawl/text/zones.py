"""Where on the page a piece of extracted text came from: inside links, a figure caption,
an author box, a paywall/subscription box, a related-articles box.

trafilatura's output keeps no markup, so the cleaning rules (``boilerplate.py``) match an
extracted paragraph back to these zones of the page by its text. Everything is read from
the same tree as the metadata, before trafilatura sees it, in one scan of the class, id,
itemprop, rel and aria-label attributes (``scan_roles``), which the metadata reader shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import XPath

from newscrawl.text.normalize import normalize_paragraph

_ANCHORS = XPath("//body//a")
_FIGCAPTIONS = XPath("//body//figcaption")
# Attribute values as strings (no element object is made for the thousands that match no
# role; ``getparent()`` gives the element of one that does).
_ROLE_ATTRIBUTES = XPath("//body//*/@class | //body//*/@id | //body//*/@itemprop | //body//*/@rel"
                         " | //body//*/@aria-label")
# Roles an element names in its class or id (lower-cased).
_ROLES = re.compile(
    r"(?P<caption>caption|credit|copyright)"
    r"|(?P<bio>author|autor|(?<![a-z])bio(?![a-z])|byline)"
    r"|(?P<box>paywall|subscri|premium|regwall|piano|abonn|prenumer|newsletter|signup|sign-up|donat|wesprzyj"
    r"|paid-content)"
    r"|(?P<related>related|recommend|readmore|read-more|more-articles|more-stories|polecane|powiazane|also-read"
    r"|see-also|mehr-zum-thema)"
    r"|(?P<breadcrumb>breadcrumb|sciezka|okruszki)"
    r"|(?P<standfirst>(?<![a-z])(?:lead|lede)(?![a-z])|standfirst|intro(?![a-z]*-?(?:video|slide))|excerpt"
    r"|subtitle|zajawka|wstep|sapo|entradilla|summary)"
)
_ITEMPROP_ROLES = {"description": "standfirst", "abstract": "standfirst", "author": "bio"}
_REL_ROLES = {"author": "bio"}
ROLE_NAMES = tuple(_ROLES.groupindex)
# Zones larger than this are page containers that merely carry such a class name.
MAX_ZONE_CHARS = {"caption": 600, "bio": 1200, "box": 2000, "related": 4000}
# Extracted text shorter than this matches a zone only when it is the zone's whole text.
MIN_MATCH_CHARS = 20
_WORD = re.compile(r"\w+")


def scan_roles(tree: Any) -> dict[str, list[Any]]:
    """Elements by the role their attributes name, in page order (figcaptions are captions)."""
    found: dict[str, list[Any]] = {name: [] for name in ROLE_NAMES}
    found["caption"].extend(_FIGCAPTIONS(tree))
    seen: set[tuple[str, Any]] = set()
    for value in _ROLE_ATTRIBUTES(tree):
        name = value.attrname
        low = value.lower()
        if name == "itemprop":
            roles = [_ITEMPROP_ROLES[low]] if low in _ITEMPROP_ROLES else []
        elif name == "rel":
            roles = [_REL_ROLES[low]] if low in _REL_ROLES else []
        elif name == "aria-label":
            roles = ["breadcrumb"] if "breadcrumb" in low else []
        else:
            roles = [m.lastgroup for m in _ROLES.finditer(low)]
        if not roles:
            continue
        element = value.getparent()
        if element.tag in ("a", "body", "html") and name in ("class", "id"):
            if "bio" not in roles:  # a link is no zone; but rel/class "author" links name the author
                continue
        for role in roles:
            if (role, element) not in seen:
                seen.add((role, element))
                found[role].append(element)
    return found


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


def read_zones(tree: Any, roles: dict[str, list[Any]]) -> PageZones:
    """The link texts and the caption, author, box and related zones of a parsed page."""
    zones = PageZones()
    for node in _ANCHORS(tree):
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
