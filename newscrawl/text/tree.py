"""HTML text → the one lxml tree both the metadata reader and trafilatura use.

The tree is prepared exactly as trafilatura's own loader (``trafilatura.utils.load_html``)
prepares it — comments and processing instructions removed, control characters and a
broken doctype repaired, bytes re-parsed when lxml refuses a string with an encoding
declaration — because trafilatura drops the text after a comment node it is handed
(``<p>Tekst <!-- reklama --> dalej</p>`` lost "dalej"). One difference: huge-tree mode, so a
page nested more than 255 levels deep is not silently cut.
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import is_dubious_html, repair_faulty_html

# trafilatura's HTML_PARSER, plus huge_tree.
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                     remove_comments=True, remove_pis=True, huge_tree=True)
# Every element an HtmlElement, chosen in C: lxml.html's own lookup picks a Python class per
# element (form, input, label …) in Python, which is a sixth of trafilatura's time; no text
# changes (the same output on the whole real-page corpus).
_PARSER.set_element_class_lookup(ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 — lxml raises several types on garbage
        return None


def load_tree(html: str) -> HtmlElement | None:
    """The page's tree, or ``None`` when the text is not an HTML document."""
    if not html or not html.strip():
        return None
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree: HtmlElement | None = None
    reparsed = False
    try:
        tree = fromstring(html, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree, reparsed = _from_bytes(html), True
    except Exception:  # noqa: BLE001
        tree = None
    if (tree is None or len(tree) < 1) and not reparsed:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None  # trafilatura's own verdict: not (well-formed) HTML
    return tree
