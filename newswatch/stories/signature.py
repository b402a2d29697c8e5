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
import unicodedata
from collections.abc import Sequence

__all__ = [
    "BANDS",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "band_keys",
    "body_signature",
    "estimated_similarity",
    "shingle_hashes",
]

NUM_PERM = 64
BANDS = 16
SHINGLE_SIZE = 5

_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
_WORD = re.compile(r"\w+")


def _permutations(count: int) -> list[tuple[int, int]]:
    # Fixed, reproducible coefficients: signatures stored in the archive must stay comparable.
    coefficients = []
    for i in range(count):
        digest = hashlib.blake2b(f"newswatch-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE
        coefficients.append((a, b))
    return coefficients


_PERMUTATIONS = _permutations(NUM_PERM)


def shingle_hashes(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    """32-bit hashes of the word ``size``-grams of ``text`` (NFC, case-folded, words only)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    if len(words) < size:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "big") for g in grams
    }


def body_signature(text: str) -> tuple[int, ...] | None:
    """The MinHash signature (``NUM_PERM`` values) of ``text``, or None when it has no words."""
    hashes = shingle_hashes(text)
    if not hashes:
        return None
    return tuple(
        min(((a * h + b) % _MERSENNE) & _MAX_HASH for h in hashes) for a, b in _PERMUTATIONS
    )


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
