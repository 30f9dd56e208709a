"""Deterministic language identification (langdetect with a fixed seed) on a bounded sample."""

from __future__ import annotations

from functools import lru_cache

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

# langdetect's cost is its n-gram extraction (pure Python, linear in the text) plus one
# probability update per sampled n-gram per trial. Two slices of 250 characters (the start
# and the middle of the text) and one trial instead of 7 give the same language as 2,000
# characters and 7 trials on all 78 newsroom pages and on 499 of 500 real pages (the other
# is mixed-language), at about a fifth of the cost.
SLICE_CHARS = 250
TRIALS = 1
SEED = 0  # langdetect samples randomly; a fixed seed gives the same answer for the same text


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(SEED)
    return factory


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
    """Return ``(language code, probability)``; ``("", 0.0)`` when there is no signal."""
    detector = _factory().create()
    detector.n_trial = TRIALS
    detector.append(language_sample(text))
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "", 0.0
    return best.lang, round(best.prob, 4)
