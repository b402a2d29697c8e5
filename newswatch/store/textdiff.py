"""Word-level differences between two texts (change summaries and ``newswatch diff``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

#: Above this many words (both sides together) difflib's autojunk heuristic is switched on.
EXACT_DIFF_LIMIT = 20_000
#: Above this many words only a bag-of-words count is made (no alignment at all).
ALIGNMENT_LIMIT = 200_000


@dataclass(frozen=True)
class WordChange:
    """One run of words: kept ("equal"), removed ("delete") or added ("insert")."""

    op: Literal["equal", "delete", "insert"]
    words: tuple[str, ...]


#: Token that stands for a paragraph break in :func:`word_diff` output.
PARAGRAPH_BREAK = "\n\n"
_PARAGRAPHS = re.compile(r"\n\s*\n")


def words_and_breaks(text: str) -> list[str]:
    """The words of ``text``, with :data:`PARAGRAPH_BREAK` tokens between its paragraphs."""
    tokens: list[str] = []
    for paragraph in _PARAGRAPHS.split(text.strip()):
        words = paragraph.split()
        if words:
            if tokens:
                tokens.append(PARAGRAPH_BREAK)
            tokens.extend(words)
    return tokens


def word_diff(old: str, new: str) -> Iterator[WordChange]:
    """The words of ``old`` and ``new`` aligned as kept/removed/added runs.

    Paragraph breaks are kept as :data:`PARAGRAPH_BREAK` tokens so the result can be shown
    paragraph by paragraph.
    """
    a, b = words_and_breaks(old), words_and_breaks(new)
    if len(a) + len(b) > ALIGNMENT_LIMIT:
        yield WordChange("delete", tuple(a))
        yield WordChange("insert", tuple(b))
        return
    matcher = SequenceMatcher(None, a, b, autojunk=len(a) + len(b) > EXACT_DIFF_LIMIT)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield WordChange("equal", tuple(a[i1:i2]))
            continue
        if i2 > i1:
            yield WordChange("delete", tuple(a[i1:i2]))
        if j2 > j1:
            yield WordChange("insert", tuple(b[j1:j2]))


def count_word_changes(old: str, new: str) -> tuple[int, int]:
    """``(words_added, words_removed)`` between two texts."""
    a, b = old.split(), new.split()
    if len(a) + len(b) > ALIGNMENT_LIMIT:
        return _bag_difference(a, b)
    added = removed = 0
    for change in word_diff(old, new):
        count = sum(1 for word in change.words if word != PARAGRAPH_BREAK)
        if change.op == "insert":
            added += count
        elif change.op == "delete":
            removed += count
    return added, removed


def _bag_difference(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    before, after = Counter(a), Counter(b)
    return sum((after - before).values()), sum((before - after).values())
