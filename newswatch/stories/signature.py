"""MinHash signatures of article bodies and their LSH band keys (plain functions).

Two bodies' Jaccard similarity over word 5-shingles is estimated by the share of equal
positions of their signatures. Locality-sensitive hashing splits a signature into bands; two
bodies that agree on every value of at least one band become candidates, so the archive finds
candidates by looking up band keys instead of comparing every pair. With 64 values in 16 bands
of 4, a pair with similarity 0.6 shares a band with probability 1 - (1 - 0.6**4)**16 ≈ 0.9, a
pair with 0.3 only with probability 0.12 — and candidates are then checked against the
threshold.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Sequence

__all__ = [
    "BANDS",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "band_keys",
    "body_signature",
    "estimated_similarity",
    "shingles",
]

NUM_PERM = 64
BANDS = 16
SHINGLE_SIZE = 5

_WORD = re.compile(r"\w+")
#: One SHAKE-128 output of 4 bytes per position gives NUM_PERM independent 32-bit hash values.
_UNPACK = struct.Struct(f"<{NUM_PERM}I").unpack


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The word ``size``-grams of ``text`` (NFC, case-folded, words only)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _hash_values(shingle: str) -> tuple[int, ...]:
    return _UNPACK(hashlib.shake_128(shingle.encode()).digest(4 * NUM_PERM))


def body_signature(text: str) -> tuple[int, ...] | None:
    """The MinHash signature (``NUM_PERM`` values) of ``text``, or None when it has no words.

    Each position is the minimum over the shingles of one hash function (slices of a fixed
    SHAKE-128 output, so stored signatures stay comparable across runs and versions).
    """
    grams = shingles(text)
    if not grams:
        return None
    return tuple(map(min, zip(*map(_hash_values, grams), strict=True)))


def band_keys(signature: Sequence[int], bands: int = BANDS) -> list[str]:
    """One key per band: ``"<band>:<hash of the band's values>"``."""
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        values = ",".join(str(v) for v in signature[band * rows : (band + 1) * rows])
        digest = hashlib.blake2b(values.encode(), digest_size=8).hexdigest()
        keys.append(f"{band}:{digest}")
    return keys


def estimated_similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if len(first) != len(second) or not first:
        raise ValueError("signatures of different lengths")
    return sum(1 for x, y in zip(first, second, strict=True) if x == y) / len(first)
