"""Deterministic language identification (py3langid: naive Bayes over byte n-grams) on a
bounded sample."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# py3langid's cost is a pure-Python walk over the sample's bytes plus one sparse product
# per page, so it grows with the sample. Two slices of 250 characters (the start and the
# middle of the text) give the same language as the whole text on all newsroom pages and
# on 967 of 970 real pages (the others mix languages, or are in a language the model lacks),
# at a third (newsroom) to a ninth (real pages) of the cost (bench/language.py).
SLICE_CHARS = 250

# Records carry ISO 639-1 codes. The model also knows languages that belong to an ISO
# 639-1 macrolanguage: they are counted as that language (Wu and Cantonese are "zh",
# Egyptian and Moroccan Arabic "ar", …), their probabilities added. Languages without a
# two-letter code keep the model's ISO 639-3 code ("ace", "vec", …); "zxx" (no linguistic
# content) is no language.
_ISO_639_1 = {
    "wuu": "zh", "yue": "zh", "arz": "ar", "ary": "ar", "uzs": "uz", "sdh": "ku",
    "ltg": "lv", "gug": "gn", "fuv": "ff", "kik": "ki", "zxx": "",
}


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Loading the model takes about a second: once per process (the workers' fork server
    # loads it in its warm-up, so forked workers share it).
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_sample(text: str) -> str:
    """The start and the middle of ``text``, cut at spaces (deterministic)."""
    if len(text) <= 2 * SLICE_CHARS:
        return text
    return _cut(text, 0) + "\n" + _cut(text, len(text) // 2)


def _cut(text: str, start: int) -> str:
    if start:
        space = text.find(" ", start, start + 40)
        start = space + 1 if space >= 0 else start
    end = text.rfind(" ", start, start + SLICE_CHARS)
    return text[start: end if end > start + SLICE_CHARS // 2 else start + SLICE_CHARS]


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(ISO 639-1 code, probability)``; ``("", 0.0)`` when there is no signal."""
    sample = language_sample(text)
    if not any(char.isalpha() for char in sample):
        return "", 0.0
    by_code: dict[str, float] = {}
    for label, probability in _identifier().rank(sample):
        code = _ISO_639_1.get(label, label)
        by_code[code] = by_code.get(code, 0.0) + probability
    code = max(by_code, key=by_code.__getitem__)  # ties: the model's rank order
    return (code, round(by_code[code], 4)) if code else ("", 0.0)
