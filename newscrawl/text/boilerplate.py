"""Named, conservative boilerplate rules over a list of paragraphs.

Every rule removes a *whole* paragraph (or a signature glued to the very end of the last
one) and records what it removed. A paragraph is only boilerplate when it consists
(almost) entirely of boilerplate phrases, or starts with a boilerplate marker followed by
a separator — so a sentence of the story that mentions "wsparcie" or "czytaj" stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newscrawl.text import phrases
from newscrawl.text.fingerprint import paragraph_fingerprint
from newscrawl.text.layout import STORY_PARAGRAPH_WORDS, layout_rules, tail_rule
from newscrawl.text.zones import PageZones

# Words as the rules see them: "Kresy.pl", "e-mail" and "PAP/Reuters" parts stay whole.
_WORD = re.compile(r"\w+(?:[.'’\-]\w+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``."""
    return _WORD.findall(text.lower())


def _phrase_table(items: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """first word → phrases (as word tuples), longest first, for greedy matching."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for item in items:
        tokens = tuple(words(item))
        if tokens:
            table.setdefault(tokens[0], []).append(tokens)
    for options in table.values():
        options.sort(key=len, reverse=True)
    return table


_FILLER = frozenset(phrases.FILLER_WORDS)
_DONATION = _phrase_table(phrases.DONATION_PHRASES)
_PROMPTS = _phrase_table(phrases.PROMPT_PHRASES)
_COMMENTS = _phrase_table(phrases.COMMENT_PHRASES)
_PAYWALL = _phrase_table(phrases.PAYWALL_PHRASES)
_NAVIGATION = _phrase_table(phrases.NAVIGATION_PHRASES)
_DATE_WORDS = frozenset(phrases.DATE_LINE_WORDS)

# At most this many words of a paragraph may be left unexplained by a phrase list
# (e.g. the outlet's name in "Wspieram Kresy.pl"), and phrase paragraphs are short.
MAX_RESIDUE_WORDS = 2
MAX_PHRASE_PARAGRAPH_WORDS = 30


def phrase_coverage(tokens: list[str], table: dict[str, list[tuple[str, ...]]]) -> tuple[int, int]:
    """Return ``(phrase words, unexplained words)`` of ``tokens`` under ``table``.

    Phrases are matched greedily, longest first; filler words between them count as
    neither (they are glue, never evidence).
    """
    matched = residue = 0
    i = 0
    while i < len(tokens):
        for phrase in table.get(tokens[i], ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                matched += len(phrase)
                i += len(phrase)
                break
        else:
            if tokens[i] not in _FILLER:
                residue += 1
            i += 1
    return matched, residue


def is_phrase_paragraph(text: str, table: dict[str, list[tuple[str, ...]]], residue: int = MAX_RESIDUE_WORDS,
                        tokens: list[str] | None = None) -> bool:
    """True when ``text`` is made of the table's phrases, give or take ``residue`` words
    (``tokens``: ``words(text)`` when the caller has them)."""
    tokens = words(text) if tokens is None else tokens
    if not tokens or len(tokens) > MAX_PHRASE_PARAGRAPH_WORDS:
        return False
    matched, left = phrase_coverage(tokens, table)
    return matched > 0 and left <= residue and matched >= left


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(i) for i in sorted(set(items), key=len, reverse=True))


# "Czytaj także: …", "Zobacz też » …", "POLECAMY", "Czytaj więcej >>". A dash is no
# separator: "Polecamy – mówi szef kuchni – zupę" is a sentence.
_RELATED_LINK = re.compile(
    rf"^(?:{_alternation(phrases.RELATED_LINK_MARKERS)})(?:\s*(?::|»|>>|>|→|\|)\s*\S.*|\s*[:.!»>]*\s*)$",
    re.IGNORECASE | re.DOTALL,
)
# Related links are headlines, not long prose.
MAX_RELATED_LINK_WORDS = 30
_AD_MARKER = re.compile(rf"^[\s\-–—*•|]*(?:{_alternation(phrases.AD_MARKERS)})[\s\-–—*•|.:!]*$", re.IGNORECASE)
_COOKIE_OPENER = re.compile(rf"^(?:{_alternation(phrases.COOKIE_OPENERS)})\b", re.IGNORECASE)
_COOKIE_WORD = re.compile(r"\b(?:cookie|cookies|ciasteczk\w*|rodo)\b", re.IGNORECASE)
_CONSENT_WORD = re.compile(
    r"\b(?:zgod\w*|akcept\w*|polityk\w* prywatności|przeglądark\w*|ustawie\w*|partner\w*|dane osobowe|przetwarza\w*)\b",
    re.IGNORECASE,
)
MAX_COOKIE_NOTICE_CHARS = 700
_MEDIA_CREDIT = re.compile(rf"^(?:{_alternation(phrases.MEDIA_CREDIT_MARKERS)})\s*(?P<value>\S.*)$", re.IGNORECASE)
MAX_CREDIT_WORDS = 12
_AUTHOR_LINE = re.compile(rf"^(?:{_alternation(phrases.AUTHOR_LINE_LABELS)})\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_SOURCE_LINE = re.compile(
    rf"^(?:{_alternation(l for l in phrases.SOURCE_LINE_LABELS if not l.endswith('.'))})\s*:\s*(?P<value>\S.*)$"
    rf"|^(?:{_alternation(l for l in phrases.SOURCE_LINE_LABELS if l.endswith('.'))})\s+(?P<value2>\S.*)$",
    re.IGNORECASE,
)
MAX_NAME_LINE_WORDS = 10
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\bi\b|\boraz\b|&|\band\b)\s*")

_AGENCY = _alternation(phrases.AGENCIES)
# "(PAP)", "(PAP Biznes)", "(Reuters)" — a whole paragraph or glued to the last sentence.
_AGENCY_PAREN = rf"\((?:{_AGENCY})(?:[\s,/][^()]{{0,30}})?\)"
# Editor initials: "ako/ mok/", "aja/PAP", "mw/ ap/ (PAP)", "kw/".
_INITIALS = rf"(?:[a-ząćęłńóśźż]{{1,5}}\s*/\s*)+(?:(?:{_AGENCY})\b|{_AGENCY_PAREN})?"
_SIGNATURE_PARAGRAPH = re.compile(rf"^\s*(?:{_AGENCY_PAREN}\s*)?(?:{_INITIALS}|{_AGENCY_PAREN})\s*$", re.IGNORECASE)
# Only after the end of a sentence, so "i/lub" or "km/h" inside a sentence never match.
_SIGNATURE_SUFFIX = re.compile(rf"(?<=[.!?”\"…)])\s+(?P<sig>(?:{_AGENCY_PAREN}\s*)?(?:{_INITIALS}|{_AGENCY_PAREN}))\s*$", re.IGNORECASE)
# "Kresy.pl/Reuters", "PAP / Reuters", "Reuters, AFP", "PAP".
_CREDIT_PART = r"[\w][\w.\-]*(?:\s[\w][\w.\-]*){0,2}"
_CREDIT_LINE = re.compile(rf"^\(?\s*{_CREDIT_PART}(?:\s*[/,]\s*{_CREDIT_PART})*\s*/?\)?\.?$", re.UNICODE)
_AGENCY_WORD = re.compile(rf"^(?:{_AGENCY})$", re.IGNORECASE)
MAX_CREDIT_LINE_CHARS = 80
# Paywall prompt: "Pozostało 80% artykułu", "Dalsza część artykułu dostępna dla subskrybentów".
_PAYWALL_PERCENT = re.compile(r"\bpozostał\w*\s+(?:jeszcze\s+)?\d{1,3}\s*%", re.IGNORECASE)
MAX_PAYWALL_PROMPT_WORDS = 40
# "Strona główna | Region | Kraj": short parts between bars or bullets.
_MENU_SEPARATOR = re.compile(r"\s+[|•·]\s+")
MAX_MENU_PART_WORDS = 4
_COPYRIGHT_START = re.compile(r"^(?:copyright\b|©|\(c\)\s)", re.IGNORECASE)
_RIGHTS_RESERVED = re.compile(r"wszelkie prawa zastrzeżone|all rights reserved", re.IGNORECASE)
MAX_COPYRIGHT_WORDS = 40
# Bullets of a related-links list ("» Tytuł"), only right after a bare "Czytaj więcej:".
_LINK_BULLET = re.compile(r"^[»›→▸▶•·■\-–]\s*\S")

# The tail of an article (last paragraphs) is where signatures and credit lines live.
TAIL_PARAGRAPHS = 4


@dataclass(frozen=True)
class Removal:
    rule: str
    text: str

    def as_record(self) -> dict[str, str]:
        """The removal as ``cleaning.removed`` stores it (not ``dataclasses.asdict``, which
        deep-copies field by field: ~10 µs a removal, ~1% of a page)."""
        return {"rule": self.rule, "text": self.text}


@dataclass
class Cleaned:
    paragraphs: list[str]
    removed: list[Removal] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # block kind of each kept paragraph
    credits: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    paywalled: bool = False
    # Page position of each credit (parallel to ``credits``), to keep page order.
    credit_at: list[float] = field(default_factory=list)
    kept_at: list[int] = field(default_factory=list)

    def add_credit(self, position: float, text: str) -> None:
        self.credits.append(text)
        self.credit_at.append(position)

    def sort_credits(self) -> None:
        order = sorted(range(len(self.credits)), key=lambda i: self.credit_at[i])
        self.credits = [self.credits[i] for i in order]
        self.credit_at = [self.credit_at[i] for i in order]


def split_names(value: str) -> list[str]:
    """"Jan Kowalski i Anna Nowak" → ["Jan Kowalski", "Anna Nowak"]."""
    value = re.sub(r"\s*\((?:[^)]*)\)\s*", " ", value).strip(" .;,")
    return [n.strip(" .") for n in _NAME_SPLIT.split(value) if n.strip(" .")]


def _looks_like_credit_part(part: str, site_names: tuple[str, ...]) -> bool:
    low = part.strip().lower()
    return bool(_AGENCY_WORD.match(low)) or "." in low or low in site_names


def is_credit_line(text: str, site_names: tuple[str, ...] = ()) -> bool:
    """"Kresy.pl/Reuters", "PAP/Reuters", "Reuters, AFP": a line naming sources only."""
    text = text.strip()
    if len(text) > MAX_CREDIT_LINE_CHARS or not _CREDIT_LINE.match(text):
        return False
    parts = [p for p in re.split(r"\s*[/,]\s*", text.strip("()/. ")) if p]
    if not parts:
        return False
    # Every part must be a known agency, a domain or the outlet; one bare word like
    # "Dziękuję." or "Tak/Nie" is never a credit.
    return all(_looks_like_credit_part(p, site_names) for p in parts)


def _name_line(match: re.Match[str] | None) -> str:
    if not match:
        return ""
    value = (match.groupdict().get("value") or match.groupdict().get("value2") or "").strip()
    if not value or len(words(value)) > MAX_NAME_LINE_WORDS or re.search(r"[.!?]\s+\w", value):
        return ""
    return value


def is_navigation_line(text: str, tokens: list[str] | None = None) -> bool:
    """A menu/tool line: "Strona główna | Region | Kraj", "Wersja do druku | Wróć do działu"."""
    if is_phrase_paragraph(text, _NAVIGATION, residue=1, tokens=tokens):
        return True
    parts = _MENU_SEPARATOR.split(text.strip(" |•·"))
    return len(parts) >= 3 and all(
        0 < len(words(p)) <= MAX_MENU_PART_WORDS and not p.rstrip().endswith((".", "!", "?", "”", '"'))
        for p in parts
    )


_YEAR = re.compile(r"(?:^|\.)(?:19|20)\d\d$")
_MONTHS = frozenset(w for w in phrases.DATE_LINE_WORDS if w.endswith(("ia", "ca", "go", "ja", "nia")))


def is_date_line(tokens: list[str]) -> bool:
    """Nothing but a date: "Piątek, 27 listopada 2026", "Opublikowano: 25.11.2026, 21:36".

    A year or a month name must be there: a bare "12:30" (a live-blog entry) or a score
    "2:1" is story text.
    """
    if not tokens or len(tokens) > 12:
        return False
    if not any(_YEAR.search(t) or t in _MONTHS for t in tokens):
        return False
    return all(t in _DATE_WORDS or re.match(r"^\d[\d.]*$", t) for t in tokens)


def _classify(text: str, outlet_table: dict, learned: frozenset[str], tokens: list[str]) -> str:
    """The name of the rule that makes ``text`` boilerplate, or ``""``."""
    if outlet_table and is_phrase_paragraph(text, outlet_table, tokens=tokens):
        return "outlet_phrase"
    if learned and paragraph_fingerprint(text) in learned:
        return "learned_boilerplate"
    if len(text) > MAX_COOKIE_NOTICE_CHARS and len(tokens) > MAX_COPYRIGHT_WORDS:
        # Every other rule is about short paragraphs; a long one can only be a menu line.
        return "navigation" if _MENU_SEPARATOR.search(text) and is_navigation_line(text, tokens) else ""
    if is_phrase_paragraph(text, _DONATION, tokens=tokens):
        return "donation_appeal"
    if len(tokens) <= MAX_RELATED_LINK_WORDS and _RELATED_LINK.match(text):
        return "related_links"
    if _AD_MARKER.match(text):
        return "advertising_marker"
    if is_phrase_paragraph(text, _PROMPTS, tokens=tokens):
        return "newsletter_social_prompt"
    if is_phrase_paragraph(text, _COMMENTS, residue=1, tokens=tokens):
        return "comment_prompt"
    if is_navigation_line(text, tokens):
        return "navigation"
    if is_date_line(tokens):
        return "date_line"
    if len(tokens) <= MAX_COPYRIGHT_WORDS and (_COPYRIGHT_START.match(text) or (
        _RIGHTS_RESERVED.search(text) and len(tokens) <= MAX_COPYRIGHT_WORDS // 2
    )):
        return "copyright_notice"
    if (
        len(text) <= MAX_COOKIE_NOTICE_CHARS
        and _COOKIE_OPENER.match(text)
        and _COOKIE_WORD.search(text)
        and _CONSENT_WORD.search(text)
    ):
        return "cookie_notice"
    return ""


def strip_boilerplate(
    paragraphs: list[str],
    *,
    title: str = "",
    outlet_phrases: tuple[str, ...] = (),
    learned: frozenset[str] = frozenset(),
    site_names: tuple[str, ...] = (),
    kinds: list[str] | None = None,
    groups: list[int] | None = None,
    zones: PageZones | None = None,
) -> Cleaned:
    """Apply every rule; return the kept paragraphs and what was removed, by rule.

    ``kinds`` and ``groups`` describe each paragraph's block (see ``extract.Block``);
    ``zones`` tells where on the page a text stands (links, captions, boxes).
    """
    kinds = kinds or ["p"] * len(paragraphs)
    groups = groups or [0] * len(paragraphs)
    structural = layout_rules(paragraphs, kinds, groups, zones) if zones else [""] * len(paragraphs)
    outlet_table = _phrase_table(outlet_phrases)
    site_names = tuple(s.lower() for s in site_names if s)
    out = Cleaned(paragraphs=[])
    folded_title = " ".join(words(title))
    in_link_list = False
    last_prompt: int | None = None
    for index, text in enumerate(paragraphs):
        tokens = words(text)
        if index < 6 and folded_title and " ".join(tokens) == folded_title:
            out.removed.append(Removal("title_repeat", text))
            continue
        if structural[index]:
            out.removed.append(Removal(structural[index], text))
            continue
        if in_link_list and _LINK_BULLET.match(text) and len(tokens) <= MAX_RELATED_LINK_WORDS:
            out.removed.append(Removal("related_links", text))
            continue
        rule = _classify(text, outlet_table, learned, tokens)
        # "Czytaj więcej:" alone heads a list of bulleted links.
        in_link_list = rule == "related_links" and len(tokens) <= 3
        if rule:
            out.removed.append(Removal(rule, text))
            continue
        media = _MEDIA_CREDIT.match(text)
        if media and len(tokens) <= MAX_CREDIT_WORDS + 1 and not re.search(r"[.!?]\s+\w", media["value"]):
            out.removed.append(Removal("media_credit", text))
            out.add_credit(index, text)
            continue
        if _SIGNATURE_PARAGRAPH.match(text):
            # "hlo/ owz/" or "(PAP)" alone is never story text, wherever it stands.
            out.removed.append(Removal("agency_signature", text))
            out.add_credit(index, _signature_credit(text))
            continue
        author = _name_line(_AUTHOR_LINE.match(text))
        if author:
            out.removed.append(Removal("author_line", text))
            out.authors.extend(split_names(author))
            continue
        source = _name_line(_SOURCE_LINE.match(text))
        if source:
            out.removed.append(Removal("source_line", text))
            out.add_credit(index, source)
            continue
        if _is_paywall_prompt(text, tokens):
            # A metered paywall's marker inside a text served in full: the marker goes, the
            # story after it stays (the record is a teaser only if nothing follows).
            out.removed.append(Removal("paywall_prompt", text))
            last_prompt = index
            continue
        out.paragraphs.append(text)
        out.kinds.append(kinds[index])
        out.kept_at.append(index)
    _strip_tail(out, site_names, outlet_table)
    if last_prompt is not None and not any(
        at > last_prompt and len(words(text)) >= STORY_PARAGRAPH_WORDS for at, text in zip(out.kept_at, out.paragraphs)
    ):
        out.paywalled = True
    out.sort_credits()
    return out


def _strip_tail(out: Cleaned, site_names: tuple[str, ...], outlet_table: dict) -> None:
    """Signatures, credit lines and paywall prompts at the end of the story."""
    examined = 0
    while out.paragraphs and examined < TAIL_PARAGRAPHS:
        last = out.paragraphs[-1]
        if is_credit_line(last, site_names):
            out.paragraphs.pop()
            out.kinds.pop()
            out.removed.append(Removal("credit_line", last))
            out.add_credit(out.kept_at.pop(), last.strip())
        elif _is_paywall_prompt(last):
            out.paragraphs.pop()
            out.kinds.pop()
            out.kept_at.pop()
            out.removed.append(Removal("paywall_prompt", last))
            out.paywalled = True
        elif len(out.paragraphs) > 1 and tail_rule(last, out.kinds[-1], story_ended=True):
            out.removed.append(Removal(tail_rule(last, out.kinds[-1], story_ended=True), last))
            out.paragraphs.pop()
            out.kinds.pop()
            out.kept_at.pop()
        else:
            break
        examined += 1
    # A signature glued to the end of a paragraph ("… jednogłośnie. hlo/ owz/"); usually
    # the last one, but a sidebar can follow it, so every paragraph is checked.
    for index, text in enumerate(out.paragraphs):
        suffix = _SIGNATURE_SUFFIX.search(text)
        if suffix:
            out.paragraphs[index] = text[: suffix.start()].rstrip()
            out.removed.append(Removal("agency_signature", suffix["sig"]))
            out.add_credit(out.kept_at[index] + 0.5, _signature_credit(suffix["sig"]))


def _signature_credit(signature: str) -> str:
    """"(PAP)" → "PAP"; "hlo/ owz/" stays as it is."""
    signature = " ".join(signature.split())
    return signature[1:-1].strip() if signature.startswith("(") and signature.endswith(")") else signature


def _is_paywall_prompt(text: str, tokens: list[str] | None = None) -> bool:
    tokens = words(text) if tokens is None else tokens
    if len(tokens) > MAX_PAYWALL_PROMPT_WORDS:
        return False
    if _PAYWALL_PERCENT.search(text):
        return True
    return is_phrase_paragraph(text, _PAYWALL, residue=4, tokens=tokens)
