"""Structural boilerplate rules: what a paragraph *is* on the page, not what it says.

Every rule needs no phrase list (phrase lists in ``boilerplate.py`` are the second signal):

- ``link_density``: a list or run of paragraphs that are (almost) all link text is a
  related-articles block, with the short heading above it; so is "Label: linked headline"
  and a paragraph that is one linked headline;
- ``figure_caption``: text of a figure caption or a credit/caption element;
- ``author_bio``: text of an author box;
- ``paywall_box``: text of a paywall, subscription, newsletter or donation box;
- ``related_box``: text of a related-articles box;
- at the end (``tail_rule``): ``sign_off`` (the outlet's or editor's letters closing the
  story: "RIRM", "(jk)"), ``dangling_heading`` (a heading with nothing under it),
  ``newsletter_social_prompt`` (a short call to subscribe or follow).

A zone that holds most of the extracted text is the article's own container (a
``premium-article`` class), never a box.
"""

from __future__ import annotations

import re

from newscrawl.text.zones import PageZones

# Link text share from which a paragraph counts as a link.
LINK_SHARE = 0.8
# A paragraph that is one link (a related headline) — this much link text, this many words.
WHOLE_LINK_SHARE = 0.95
MIN_HEADLINE_WORDS = 4
# Related links are headlines, not prose.
MAX_LINK_WORDS = 25
# A list is a link list when this share of its items are links.
LINK_LIST_SHARE = 2 / 3
# "Read more: <linked headline>": a short label that says "read" or "see" before the link
# (the languages of the outlets and the corpora), then a separator.
_READ_LABEL = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,3}?(?:lea|lee|leer|mire|mira|vea|ver|read|see|watch|also|more|lesen|lies|siehe|auch|mehr"
    r"|weiter\w*|lire|voir|aussi|leggi|vedi|anche|czytaj|przeczytaj|zobacz|sprawd\w*|polecamy|interes\w*"
    r"|relacionad\w*|también|tambien|related|empfohlen\w*|recommended)(?:\s+\w+){0,3}?\s*[:»›|>\-–]",
    re.IGNORECASE,
)
LABELLED_LINK_SHARE = 0.5
# A link whose text is an address is the content ("see http://…", a contact e-mail).
_ADDRESS = re.compile(r"://|www\.|@\w")
# A heading above a link block: short, not a sentence.
MAX_HEADING_WORDS = 8
# Largest texts the zone rules remove, by zone (longer text is prose that happens to sit
# inside such an element).
MAX_ZONE_WORDS = {"caption": 60, "bio": 150, "box": 50, "related": 40}
ZONE_RULES = {"caption": "figure_caption", "bio": "author_bio", "box": "paywall_box", "related": "related_box"}
LINK_BLOCK_SHARE = 0.5
# A zone holding this share of the extracted text is the article container.
MAX_ZONE_SHARE = 0.5
# An author box holds at least a short sentence; a bare name is a byline.
MIN_BIO_WORDS = 5

# The end of the story: blocks after the last paragraph with this many words.
STORY_PARAGRAPH_WORDS = 8
# A sign-off: the outlet's or the editor's letters alone ("RIRM", "(KAI)", "(jk)", "red."),
# never a word or a score ("Koniec", "2:1" are story text).
_SIGN_OFF = re.compile(r"^\(?(?:[A-ZĄĆĘŁŃÓŚŹŻ]{2,6}|[a-ząćęłńóśźż]{1,3}|red|oprac)\)?\.?$")
MAX_TAIL_BLOCKS = 4
MAX_PROMPT_WORDS = 40
# Calls to subscribe, register or follow, in the languages of the outlets and the corpora.
_CALL_TO_ACTION = re.compile(
    r"newsletter|subscri|abonn|suscr|inscri|registr|sign(?:ing)?[ -]up|log ?in\b|eingeloggt|anmelden"
    r"|follow us|folgen sie|folge uns|s[ií]guenos|suivez|seguici|obserwuj|zapisz si|subskryb|prenumer"
    r"|telegram|whatsapp",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…:;]\W{0,2}$")
_STRUCTURED = frozenset({"item", "row", "code"})


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def layout_rules(texts: list[str], kinds: list[str], groups: list[int], zones: PageZones) -> list[str]:
    """For each block, the structural rule that makes it boilerplate, or ``""``."""
    rules = [""] * len(texts)
    if not texts:
        return rules
    counts = [_word_count(t) for t in texts]
    # Only short blocks can be links; a long one is prose whatever it links to.
    shares = [zones.link_share(t) if n <= MAX_LINK_WORDS else 0.0 for t, n in zip(texts, counts)]
    linky = [s >= LINK_SHARE and 0 < n <= MAX_LINK_WORDS for s, n in zip(shares, counts)]

    # Lists whose items are mostly links.
    members: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        if group and kinds[index] in ("item", "row"):
            members.setdefault(group, []).append(index)
    for items in members.values():
        if len(items) < 2 or sum(linky[i] for i in items) < LINK_LIST_SHARE * len(items):
            continue
        # A list of links inside the story can be its content (products, sources, a table of
        # contents): only a link list that ends the text or stands under a short heading goes.
        first, last = items[0], items[-1]
        trailing = not any(counts[j] >= STORY_PARAGRAPH_WORDS and not linky[j] and kinds[j] not in _STRUCTURED
                           for j in range(last + 1, len(texts)))
        headed = first > 0 and _is_heading(texts[first - 1], kinds[first - 1], counts[first - 1])
        if trailing or headed:
            for i in items:
                if linky[i]:
                    rules[i] = "link_density"
    # Runs of link paragraphs, single linked headlines, "Label: headline".
    for i, text in enumerate(texts):
        if rules[i] or not linky[i] and not (shares[i] >= LABELLED_LINK_SHARE and counts[i] <= MAX_LINK_WORDS):
            continue
        neighbour = (i > 0 and linky[i - 1]) or (i + 1 < len(texts) and linky[i + 1])
        headline = (shares[i] >= WHOLE_LINK_SHARE and counts[i] >= MIN_HEADLINE_WORDS and kinds[i] not in _STRUCTURED
                    and not _ADDRESS.search(text) and not text.rstrip().endswith("?"))
        labelled = shares[i] >= LABELLED_LINK_SHARE and bool(_READ_LABEL.match(text))
        if (linky[i] and neighbour):
            rules[i] = "link_density"
        elif headline:
            rules[i] = "link_density"
        elif labelled:
            rules[i] = "link_density"
    # The short heading right above a removed link block.
    for i in range(1, len(texts)):
        if rules[i] == "link_density" and not rules[i - 1] and _is_heading(texts[i - 1], kinds[i - 1], counts[i - 1]):
            rules[i - 1] = "link_density"

    total = sum(len(t) for t in texts)
    for name, rule in ZONE_RULES.items():
        zone_texts = [z for z in zones.zones.get(name, ()) if len(z) < MAX_ZONE_SHARE * total]
        if not zone_texts:
            continue
        scoped = PageZones(zones={name: zone_texts})
        for i, text in enumerate(texts):
            if rules[i] or counts[i] > MAX_ZONE_WORDS[name] or (name == "bio" and counts[i] < MIN_BIO_WORDS):
                continue
            if not scoped.zone_of(text, name):
                continue
            # A paywall container also wraps the story text it hides (served in full): only
            # its calls to subscribe go. In a related box, only links go.
            if name == "box" and not _CALL_TO_ACTION.search(text):
                continue
            if name == "related" and shares[i] < LINK_BLOCK_SHARE:
                continue
            rules[i] = rule
    return rules


def _is_heading(text: str, kind: str, count: int) -> bool:
    """A short title line: a heading, or a label ending with ":" or "?"."""
    if count == 0 or count > MAX_HEADING_WORDS or text.rstrip().endswith("."):
        return False
    return kind == "head" or text.rstrip().endswith((":", "?")) or not _SENTENCE_END.search(text)


def tail_rule(text: str, kind: str, story_ended: bool) -> str:
    """The rule that removes ``text``, the last block left, or ``""``.

    ``story_ended``: no paragraph of the story follows (the caller walks back from the end).
    """
    count = _word_count(text)
    if kind in _STRUCTURED or not story_ended:
        return ""
    if (kind == "head" and not text.rstrip().endswith(".")) or (count <= MAX_HEADING_WORDS and text.rstrip().endswith(":")):
        return "dangling_heading"
    if _SIGN_OFF.match(text):
        return "sign_off"
    if count <= MAX_PROMPT_WORDS and _CALL_TO_ACTION.search(text):
        return "newsletter_social_prompt"
    return ""
