"""MinHash fingerprints of an article's words and the LSH band keys that find its near duplicates.

Pure: strings in, bytes and integers out (no Scrapy, no database), cheap enough to run in
the text worker processes (see ``bench/dedup.py`` for the milliseconds per article).

- **Shingles** are runs of ``shingle_size`` lower-cased words taken *within one sentence*
  of the lead and the body together. Reordered paragraphs, a lead promoted into the body
  or paragraphs split or merged differently therefore leave the shingle set unchanged; an
  added or removed sentence, or an attribution prefix ("Jak podaje PAP, …"), changes only
  its own shingles. The headline is left out: syndicating outlets rewrite it.
- **MinHash** (datasketch, 32-bit affine permutations) estimates the Jaccard similarity of
  two shingle sets as the share of equal signature values.
- **LSH band keys**: the signature is cut into ``bands`` bands of ``rows`` values; each
  band hashes to one signed 64-bit key. Two texts with Jaccard ``s`` share at least one
  key with probability ``1 - (1 - s**rows)**bands`` — with the defaults (128 values, 32
  bands of 4) 0.9999 at ``s`` = 0.8 and 0.003 at ``s`` = 0.1. The keys also hash the
  parameters, so signatures made with other settings never become candidates.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"\w+")
# A sentence ends at . ! ? or … followed by space (closing quotes/brackets may sit between).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"»)\]]*\s+")
_VALUE_BYTES = 4  # one signature value: a little-endian uint32


@dataclass(frozen=True)
class MinHashParams:
    """How texts are fingerprinted; stored fingerprints are only comparable under equal params."""

    shingle_size: int = 5
    permutations: int = 128
    bands: int = 32
    seed: int = 1

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle size must be at least 1, not {self.shingle_size}")
        if self.permutations < 1:
            raise ValueError(f"MinHash permutations must be at least 1, not {self.permutations}")
        if not 1 <= self.bands <= self.permutations:
            raise ValueError(f"LSH bands must be between 1 and the permutations ({self.permutations}), not {self.bands}")

    @property
    def rows(self) -> int:
        """Signature values per band (values past ``bands * rows`` only refine the similarity)."""
        return self.permutations // self.bands

    @property
    def tag(self) -> bytes:
        """Identifies these parameters inside every band key."""
        return f"w{self.shingle_size}p{self.permutations}b{self.bands}s{self.seed}".encode()


@dataclass(frozen=True)
class Fingerprint:
    minhash: bytes          # the signature: ``permutations`` little-endian uint32 values
    lsh: tuple[int, ...]    # one signed 64-bit key per band


def sentences(text: str) -> list[str]:
    """``text`` split at paragraph breaks and sentence ends."""
    return [s for paragraph in text.split("\n") for s in _SENTENCE_END.split(paragraph) if s.strip()]


def shingles(lead: str, text: str, size: int) -> set[bytes]:
    """Word ``size``-grams of each sentence of lead and text (a shorter sentence is one shingle)."""
    out: set[bytes] = set()
    for sentence in sentences(lead) + sentences(text):
        words = _WORD.findall(sentence.lower())
        if not words:
            continue
        if len(words) <= size:
            out.add(" ".join(words).encode())
            continue
        for start in range(len(words) - size + 1):
            out.add(" ".join(words[start : start + size]).encode())
    return out


@lru_cache(maxsize=8)
def _template(permutations: int, seed: int) -> Any:
    # datasketch (with numpy and scipy, ~2 s) is imported on first use, not at every
    # `scrapy` start; drawing the permutation parameters once is what makes a MinHash cheap.
    from datasketch import MinHash

    return MinHash(num_perm=permutations, seed=seed)


def signature(lead: str, text: str, params: MinHashParams) -> bytes | None:
    """The MinHash signature (little-endian uint32 values) of the text, or None when it has no words."""
    grams = shingles(lead, text, params.shingle_size)
    if not grams:
        return None
    from datasketch import MinHash  # see _template

    permutations = _template(params.permutations, params.seed).permutations
    minhash = MinHash(num_perm=params.permutations, seed=params.seed, permutations=permutations, scheme="affine32")
    minhash.update_batch(grams)
    return minhash.hashvalues.astype("<u4", copy=False).tobytes()


def band_keys(values: bytes, params: MinHashParams) -> tuple[int, ...]:
    """One signed 64-bit key per band of the signature (BSON int64)."""
    width = params.rows * _VALUE_BYTES
    salt = _salt(params)
    keys = []
    for band in range(params.bands):
        digest = hashlib.blake2b(
            values[band * width : (band + 1) * width],
            digest_size=8,
            salt=salt,
            person=b"lsh" + band.to_bytes(4, "little"),
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


@lru_cache(maxsize=8)
def _salt(params: MinHashParams) -> bytes:
    return hashlib.blake2b(params.tag, digest_size=16).digest()


def fingerprint(lead: str, text: str, params: MinHashParams) -> Fingerprint | None:
    """Signature and band keys of an article's lead and text; None when it has no words."""
    values = signature(lead, text, params)
    if values is None:
        return None
    return Fingerprint(values, band_keys(values, params))


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (0.0 when they are not comparable)."""
    if len(a) != len(b) or not a or len(a) % _VALUE_BYTES:
        return 0.0
    left, right = memoryview(a).cast("I"), memoryview(b).cast("I")  # equal values: any byte order
    return sum(x == y for x, y in zip(left, right)) / len(left)
