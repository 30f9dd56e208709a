"""Bytes → text: decode an HTML page with the charset its bytes really use.

Order: a byte-order mark; then a UTF-8 validity check (valid UTF-8 with non-ASCII bytes is
UTF-8, whatever the page declares — declared ISO-8859-2 over UTF-8 bytes gives mojibake);
then the declared charset (HTTP ``Content-Type``, ``<meta charset>``) when it decodes the
bytes cleanly; otherwise the candidate charset — declared, detected by charset-normalizer,
or a common Latin code page — whose text reads most like letters (windows-1250 bytes
declared as UTF-8 become Polish again, not replacement characters).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode

# How the charset was found when the declared one was not used (``http.encoding_fallback``).
FALLBACK_UTF8 = "utf8"          # another charset was declared, but the bytes are valid UTF-8
FALLBACK_DETECTED = "detected"  # the declared charset (or none) failed: detected from the bytes

# Legacy code pages tried before the detector's guesses, the page's language first (as
# browsers default by locale): close code pages (windows-1250 / ISO-8859-2 / ISO-8859-10)
# are hard to tell apart by statistics but easy by the letters they produce.
_COMMON_CANDIDATES = ("cp1250", "iso8859_2", "cp1252", "cp1251")
_LANGUAGE_CANDIDATES = {
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "ro", "bs"), ("cp1250", "iso8859_2")),
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk"), ("cp1251", "koi8_r", "iso8859_5")),
    **dict.fromkeys(("lt", "lv", "et"), ("cp1257", "iso8859_13")),
    "el": ("cp1253", "iso8859_7"), "tr": ("cp1254", "iso8859_9"),
}
# Non-ASCII letters of languages whose pages are often mislabelled between close code pages.
_ALPHABETS = {
    "pl": frozenset("ąćęłńóśźż"), "cs": frozenset("áčďéěíňóřšťúůýž"), "sk": frozenset("áäčďéíĺľňóôŕšťúýž"),
    "hu": frozenset("áéíóöőúüű"), "de": frozenset("äöüß"),
}
_LANG_ATTRIBUTE = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([a-zA-Z]{2})\b", re.IGNORECASE)
_DETECTION_SAMPLE = 8192
# The bytes around non-ASCII runs decide the charset; ASCII decodes the same in all.
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
_CONTEXT_BYTES = 24
# Non-letters that are common in text and never evidence of a wrong code page.
_TEXT_SYMBOLS = frozenset("„”“‘’‚«»‹›–—…·•°€£§©®™\u00a0\u202f\u2009\u00ad×÷½¼¾²³¹µ")

_C1_CONTROL = re.compile("[\x80-\x9f]")
_ASCII_BYTES = bytes(range(128))
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Share of non-ASCII bytes in valid UTF-8 sequences above which a page is UTF-8.
MIN_UTF8_SHARE = 0.9

# Magic numbers of the binary types a crawl meets instead of HTML.
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF",
                 b"ID3", b"OggS", b"\x00\x00\x01\x00", b"wOFF", b"wOF2", b"\x7fELF", b"BM")
# Share of control bytes (NUL, etc.; not tab/newline) above which a body is binary.
MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback: str = ""  # "", FALLBACK_UTF8 or FALLBACK_DETECTED


def looks_binary(body: bytes) -> bool:
    """An image, archive or other binary body — not a page with a stray NUL byte."""
    head = body[:4096]
    if head.startswith(_BINARY_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > MAX_CONTROL_SHARE * len(head)


def _looks_utf16(head: bytes) -> bool:
    """BOM-less UTF-16: every other byte NUL (ASCII text in UTF-16)."""
    sample = head[:512]
    return len(sample) >= 16 and (sample[0::2].count(0) > 0.4 * len(sample) / 2 or sample[1::2].count(0) > 0.4 * len(sample) / 2)


def _codec(name: str | None) -> str:
    try:
        return codecs.lookup(name).name if name else ""
    except LookupError:
        return ""


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body``: see the module docstring for the order."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return Decoded(to_unicode(body[len(bom):], bom_encoding), bom_encoding)
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    declared_codec = _codec(declared)
    if declared_codec.startswith(("utf-16", "utf-32")) or (not declared_codec and _looks_utf16(body[:512])):
        encoding = declared or "utf-16-le"
        return Decoded(to_unicode(body, encoding), encoding)
    if body.isascii():
        return Decoded(body.decode("ascii"), declared or "utf-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text or utf8_share(body) >= MIN_UTF8_SHARE:
        # UTF-8, or UTF-8 with a few broken bytes (a truncated character, a pasted fragment):
        # a legacy code page almost never forms valid UTF-8 sequences.
        fallback = "" if declared_codec in ("", "utf-8") else FALLBACK_UTF8
        return Decoded(text or to_unicode(body, "utf-8"), "utf-8", fallback)
    if declared_codec and declared_codec != "utf-8":
        try:
            text = body.decode(declared_codec)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            # C1 control characters are what another code page's letters become
            # (windows-1250 "ś" read as ISO-8859-2): the declaration is wrong.
            if not _C1_CONTROL.search(text) and not _foreign_letters(_sample(body), _language(body), declared_codec):
                return Decoded(text, declared or declared_codec)
    encoding = detect_encoding(body, declared_codec)
    fallback = "" if _codec(encoding) == declared_codec else FALLBACK_DETECTED
    return Decoded(to_unicode(body, encoding), encoding, fallback)


def _sample(body: bytes) -> bytes:
    """The bytes around the page's first non-ASCII runs (they decide the charset)."""
    pieces, size = [], 0
    for run in _NON_ASCII_RUN.finditer(body):
        piece = body[max(0, run.start() - _CONTEXT_BYTES): run.end() + _CONTEXT_BYTES]
        pieces.append(piece)
        size += len(piece)
        if size >= _DETECTION_SAMPLE:
            break
    return b"\n".join(pieces)


def _language(body: bytes) -> str:
    """The page's ``<html lang>`` (two letters, lower-cased) or ``""``."""
    match = _LANG_ATTRIBUTE.search(body[:4096])
    return match.group(1).decode().lower() if match else ""


def _foreign_letters(sample: bytes, language: str, encoding: str) -> int:
    """Letters that ``language`` does not have in ``sample`` decoded as ``encoding``: "š" in
    Polish text is a windows-1250 "ą" read as ISO-8859-2 (0 when the alphabet is unknown)."""
    alphabet = _ALPHABETS.get(language)
    if not alphabet:
        return 0
    try:
        text = sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return len(sample)
    return sum(1 for char in text if not char.isascii() and char.isalpha() and char.lower() not in alphabet)


def utf8_share(body: bytes) -> float:
    """Share of the non-ASCII bytes of ``body`` that form valid UTF-8 sequences."""
    non_ascii = len(body.translate(None, _ASCII_BYTES))
    if not non_ascii:
        return 1.0
    return sum(len(m) for m in _UTF8_SEQUENCE.findall(body)) / non_ascii


def detect_encoding(body: bytes, declared: str = "") -> str:
    """The charset, among the detector's guesses and common code pages, whose decoding of
    ``body`` produces the fewest characters that are neither letters nor text symbols."""
    sample = _sample(body)
    language = _language(body)
    candidates: list[str] = []
    if declared and declared != "utf-8":
        candidates.append(declared)
    candidates.extend(_LANGUAGE_CANDIDATES.get(language, ()))
    candidates.extend(_COMMON_CANDIDATES)
    candidates.extend(_codec(r.encoding) for r in list(from_bytes(sample))[:4])
    best, best_score = "cp1252", None
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            text = sample.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _oddity(text) + _foreign_letters(sample, language, name)
        if best_score is None or score < best_score:
            best, best_score = name, score
    return best


def _oddity(text: str) -> int:
    """Characters that text in the right charset rarely has: controls, and non-letter
    symbols inside words ("Å‚", "¹", "ˇ" where a Polish letter belongs)."""
    score = 0
    for index, char in enumerate(text):
        if char.isascii() or char in _TEXT_SYMBOLS:
            continue
        category = unicodedata.category(char)
        if category[0] == "C":
            score += 2
        elif category[0] != "L":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isalpha() or after.isalpha():
                score += 1
    return score
