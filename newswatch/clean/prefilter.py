"""Required literals of a regular expression: a cheap test that rules out most non-matches.

``required_literals(pattern)`` returns strings such that every text the pattern matches in
contains at least one of them, or ``None`` when no such set was found. A rule whose pattern
scans the whole paragraph (not anchored at its start) then only runs where one of the strings
occurs: ``str.__contains__`` is a fast substring search, whereas Python's regex engine tries
every alternative at every position of a text when a pattern has no literal prefix.

The set is derived from the parsed pattern (``re._parser``, the parser ``re.compile`` uses), so
it cannot drift from the rule: literal runs of a sequence, the union over the branches of an
alternation, the inside of a group or of a repetition that must occur at least once. Anything
else (character classes, look-arounds, back-references, case-insensitive parts, an opcode a
future Python adds) requires nothing, which only makes the test weaker, never wrong.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Sequence
from typing import Any

_sre_parse: Any
_c: Any
try:  # the parser behind re.compile (Python 3.11+); a missing one disables the prefilter
    _sre_parse = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover
    _sre_parse = _c = None

#: Shorter strings occur in most texts: a test for them costs more than it saves.
MIN_LITERAL_CHARS = 3
#: More alternatives than this and the test costs about as much as the pattern.
MAX_LITERALS = 16

Requirement = frozenset[str] | None


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which occurs in every match of ``pattern`` (compiled with ``flags``,
    case-sensitively), or ``None``. Only sets of at most ``MAX_LITERALS`` strings of at least
    ``MIN_LITERAL_CHARS`` characters are returned."""
    if _sre_parse is None or flags & re.IGNORECASE:
        return None
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return None
    if parsed.state.flags & re.IGNORECASE:  # (?i) at the start of the pattern
        return None
    found = _sequence(list(parsed))
    if not found or len(found) > MAX_LITERALS:
        return None
    if min(len(text) for text in found) < MIN_LITERAL_CHARS:
        return None
    return found


def starts_anchored(pattern: str, flags: int = 0) -> bool:
    """Whether ``pattern`` can only match at the start of the text (``^`` or ``\\A`` first,
    without MULTILINE): the regex engine then tries one position only, and a prefilter would
    cost more than the search."""
    parsed = _parsed(pattern, flags)
    if parsed is None:
        return False
    items = list(parsed)
    if not items:
        return False
    op, argument = items[0]
    if op is _c.AT and argument is _c.AT_BEGINNING_STRING:
        return True
    return bool(
        op is _c.AT and argument is _c.AT_BEGINNING and not parsed.state.flags & re.MULTILINE
    )


@functools.lru_cache(maxsize=256)
def _parsed(pattern: str, flags: int) -> Any:
    """The parse tree of ``pattern`` (shared by the two questions asked of each rule), or None."""
    if _sre_parse is None:
        return None
    try:
        return _sre_parse.parse(pattern, flags)
    except (re.error, RecursionError):
        return None


def _best(candidates: Sequence[frozenset[str]]) -> Requirement:
    """The most selective requirement: the longest shortest string, then the fewest strings."""
    if not candidates:
        return None
    return max(candidates, key=lambda found: (min(map(len, found)), -len(found)))


def _sequence(items: Sequence[tuple[Any, Any]]) -> Requirement:
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, argument in items:
        if op is _c.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = _item(op, argument)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return _best(candidates)


def _item(op: Any, argument: Any) -> Requirement:
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in argument[1]:
            found = _sequence(list(branch))
            if not found:
                return None  # this branch can match without any known literal
            union |= found
        return _minimal(union)
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, inner = argument
        if add_flags & re.IGNORECASE:
            return None
        return _sequence(list(inner))
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(argument))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        minimum, _maximum, inner = argument
        return _sequence(list(inner)) if minimum >= 1 else None
    return None  # classes, anchors, look-arounds, back-references: nothing required


def _minimal(found: set[str]) -> frozenset[str]:
    """``found`` without strings that contain another of its strings (implied by it)."""
    return frozenset(
        text for text in found
        if not any(other != text and other in text for other in found)
    )
