"""Main-content extraction: trafilatura's body as a list of typed blocks.

trafilatura gets the page's tree (``tree.load_tree``: prepared as its own loader would) and
no metadata search of its own (``metadata.read_metadata`` reads the page's metadata from the
same tree), so its date search (htmldate, seconds on some pages) never runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from newscrawl.text.normalize import normalize_paragraph

__all__ = ["Block", "extract_blocks", "blocks_of_text"]

# Elements of trafilatura's XML body that may hold blocks rather than text.
_BLOCK_TAGS = frozenset({"p", "head", "list", "table", "quote", "code", "div", "item", "row", "cell"})


@dataclass(frozen=True)
class Block:
    """One paragraph of the extracted body.

    ``kind``: ``p``, ``head`` (heading), ``item`` (list item), ``row`` (table row),
    ``quote``, ``code``. ``group``: blocks of one list or table share a number (0: none), so
    rules can look at a whole list at once.
    """

    text: str
    kind: str = "p"
    group: int = 0


def extract_blocks(tree: HtmlElement, url: str) -> list[Block]:
    """trafilatura's main text of ``tree`` (left untouched: trafilatura works on a copy)."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,  # our metadata is read from the same tree; no htmldate search
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        deduplicate=False,
    )
    if document is None or getattr(document, "body", None) is None:
        return []
    walker = _Walker()
    walker.container(document.body, "p")
    return [b for b in walker.blocks if b.text]


def blocks_of_text(text: str) -> list[Block]:
    """Plain text (one paragraph a line) as blocks: the fallback's form."""
    return [Block(t) for t in (normalize_paragraph(line) for line in text.splitlines()) if t]


def _tag(element: Any) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _has_blocks(element: Any) -> bool:
    return any(_tag(child) in _BLOCK_TAGS for child in element)


def _inline_text(element: Any) -> str:
    """All text of ``element`` (its children's too), without its tail."""
    parts = [element.text or ""]
    for child in element:
        if _tag(child):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


class _Walker:
    """Turns trafilatura's XML body into blocks, never dropping a piece of its text."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.groups = 0

    def add(self, text: str, kind: str, group: int = 0) -> None:
        text = normalize_paragraph(text)
        if text:
            self.blocks.append(Block(text, kind, group))

    def lines(self, element: Any, kind: str, group: int = 0) -> None:
        """A leaf block, split at its line breaks (``<br>`` → ``<lb/>``)."""
        current = [element.text or ""]
        for child in element:
            if _tag(child) == "lb":
                self.add("".join(current), kind, group)
                current = []
            elif _tag(child):
                current.append("".join(child.itertext()))
            current.append(child.tail or "")
        self.add("".join(current), kind, group)

    def container(self, element: Any, kind: str, group: int = 0) -> None:
        """Children as blocks; loose text between them as blocks of ``kind``."""
        loose = [element.text or ""]
        for child in element:
            tag = _tag(child)
            if tag in _BLOCK_TAGS:
                self.add("".join(loose), kind, group)
                loose = []
                self.element(child, tag, kind, group)
            elif tag == "lb":
                self.add("".join(loose), kind, group)
                loose = []
            elif tag:
                loose.append("".join(child.itertext()))
            loose.append(child.tail or "")
        self.add("".join(loose), kind, group)

    def element(self, element: Any, tag: str, kind: str, group: int) -> None:
        if tag == "list":
            self.groups += 1
            list_group = self.groups
            for item in element:
                if _tag(item) == "item" and _has_blocks(item):
                    self.container(item, "item", list_group)
                elif _tag(item):
                    self.lines(item, "item", list_group)
                if item.tail and item.tail.strip():
                    self.add(item.tail, "item", list_group)
            return
        if tag == "table":
            self.groups += 1
            self.table(element, self.groups)
            return
        if tag in ("div", "item", "row", "cell") or (tag == "quote" and _has_blocks(element)):
            inner = "quote" if tag == "quote" else ("item" if tag == "item" else kind)
            self.container(element, inner, group)
            return
        if tag in ("p", "head", "quote", "code"):
            # A paragraph inside a list item or a quotation is an item or quotation line.
            self.lines(element, kind if tag == "p" and kind in ("item", "quote") else tag, group)
            return
        self.lines(element, kind, group)

    def table(self, table: Any, group: int) -> None:
        """A data row is one block (its cells joined); a layout table is walked into."""
        for row in table:
            if _tag(row) != "row":
                if _tag(row):
                    self.container(row, "p")
                continue
            cells = [c for c in row if _tag(c) == "cell"]
            if any(_has_blocks(c) for c in cells):
                for cell in cells:
                    self.container(cell, "p")
            else:
                self.add(" ".join(_inline_text(c) for c in cells), "row", group)
