"""Volatile text: page furniture that changes without the article changing.

Comment counters, relative times ("vor 5 Minuten", "2 hours ago") and live-ticker / "last
updated" stamps are masked before an article's content fingerprint is computed, so that a
re-crawl that only sees a new counter or a new "Stand:" line does not make a new version.

The patterns are plain data: tuples of compiled regular expressions per language, combined in
:data:`DEFAULT_VOLATILE_PATTERNS`. Extend them by passing your own sequence (e.g.
``DEFAULT_VOLATILE_PATTERNS + (re.compile(r"..."),)``) to ``content_fingerprint`` /
``save_article``. A pattern should match only text that never carries the article's meaning:
the trade-off is that an edit *inside* a masked span (e.g. "vor 5 Minuten" → "vor 6 Minuten"
in running text) is not seen as a change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_F = re.IGNORECASE | re.MULTILINE

_NUM = r"\d+(?:[.,\u202f\u00a0]\d{3})*"  # 5, 5548, 5.548, 5,548
_CLOCK_DE = r"(?:\d{1,2}:\d{2}(?:\s*Uhr)?|\d{1,2}\.\d{2}\s*Uhr)"  # 14:32, 14:32 Uhr, 14.32 Uhr
_CLOCK_EN = r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?"
_DATE_DE = r"\d{1,2}\.\s*(?:\d{1,2}\.|[A-Za-zäÄ]+\.?)\s*(?:\d{2,4})?"
_DATE_EN = (
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s*(?:\d{4})?|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)

#: For a pattern that cannot match unless one of these words occurs in the text (compared
#: case-folded), :func:`mask_volatile` first looks for the words, which is far cheaper than
#: letting the regular expression scan the text. Filled by :func:`_needs`; patterns without an
#: entry (your own, say) are always applied.
REQUIRED_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {}

#: A second, narrower test for a pattern: a regular expression in lower case, searched
#: case-sensitively in the case-folded text, that finds something in every text the pattern
#: would change (the pattern's fixed core: "vor" + space + a number or "ein…"). A common
#: word such as "vor" passes the word test in most German texts; this test begins with a
#: literal, which Python's regex engine skips ahead to (it cannot for a pattern that begins
#: with optional parts and matches ignoring case). Filled by :func:`_needs`.
REQUIRED_PROBES: dict[re.Pattern[str], re.Pattern[str]] = {}


def _needs(pattern: re.Pattern[str], *words: str, probe: str | None = None) -> re.Pattern[str]:
    if words:
        REQUIRED_WORDS[pattern] = words
    if probe is not None:
        REQUIRED_PROBES[pattern] = re.compile(probe)
    return pattern


VOLATILE_PATTERNS_DE: tuple[re.Pattern[str], ...] = (
    # Comment counters: "Kommentare5548", "Kommentare (12)", "12 Kommentare", "1 Kommentar"
    _needs(re.compile(rf"\b(?:Leser)?kommentare?\s*[:(]?\s*{_NUM}\s*\)?", _F), "kommentar"),
    _needs(re.compile(rf"\b{_NUM}\s*(?:Leser)?kommentare?\b", _F), "kommentar"),
    # View/share counters: "12.345 Aufrufe", "87 Mal geteilt", "3.402 Mal gelesen"
    _needs(
        re.compile(rf"\b{_NUM}\s*(?:Aufrufe|Mal\s+(?:gelesen|geteilt|angesehen))\b", _F),
        "aufrufe",
        "mal",
        probe="aufrufe|gelesen|geteilt|angesehen",
    ),
    # Relative times: "vor 5 Minuten", "vor 2 Std.", "vor einer Stunde", "Aktualisiert vor 3 Tagen"
    _needs(
        re.compile(
            r"\b(?:(?:zuletzt\s+)?aktualisiert|ge(?:ä|ae)ndert|ver(?:ö|oe)ffentlicht)?\s*"
            r"vor\s+(?:\d+|einer|einem|wenigen|ein\s+paar)\s+"
            r"(?:Sekunden?|Sek\.|Minuten?|Min\.?|Stunden?|Std\.?)",
            _F,
        ),
        "vor",
        probe=r"vor\s+(?:\d|ein|wenig)",
    ),
    _needs(
        re.compile(
            r"\b(?:(?:zuletzt\s+)?aktualisiert|ge(?:ä|ae)ndert)\s*:?\s*vor\s+(?:\d+|einem|einer)"
            r"\s+(?:Tag(?:en)?|Wochen?)\b",
            _F,
        ),
        "vor",
        probe=r"vor\s+(?:\d|ein)",
    ),
    # "Stand: 23.01.2025 14:30 Uhr", "Aktualisiert am 23. Januar 2025, 14:30 Uhr"
    _needs(
        re.compile(
            rf"\b(?:Stand|(?:zuletzt\s+)?aktualisiert(?:\s+am)?|Update)\s*:?\s*"
            rf"(?:{_DATE_DE},?\s*(?:um\s+)?(?:{_CLOCK_DE})?|(?:um\s+)?{_CLOCK_DE})",
            _F,
        ),
        "stand",
        "aktualisiert",
        "update",
        probe=r"(?:stand|aktualisiert(?:\s+am)?|update)\s*:?\s*(?:um\s+)?\d",
    ),
    # Live-ticker entry stamps at the start of a line: "14:32 Uhr", "14.32 Uhr:"
    _needs(re.compile(rf"^\s*{_CLOCK_DE}\s*:?", _F), probe=":|uhr"),
)

VOLATILE_PATTERNS_EN: tuple[re.Pattern[str], ...] = (
    # Comment counters: "123 comments", "Comments (12)", "1,204 Comments"
    _needs(re.compile(rf"\b{_NUM}\s*comments?\b", _F), "comment"),
    _needs(re.compile(rf"\bcomments?\s*[:(]?\s*{_NUM}\s*\)?", _F), "comment"),
    # View/share counters: "1,204 views", "87 shares", "15 likes"
    _needs(
        re.compile(rf"\b{_NUM}\s*(?:views|shares|likes|reads)\b", _F),
        "views",
        "shares",
        "likes",
        "reads",
    ),
    # Relative times: "5 minutes ago", "an hour ago", "updated 2 hours ago", "3 days ago"
    _needs(
        re.compile(
            r"\b(?:(?:last\s+)?updated|published|posted)?\s*:?\s*"
            r"(?:\d+|an?|a\s+few)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)"
            r"\s+ago\b",
            _F,
        ),
        "ago",
        probe=r"\sago",
    ),
    # "Updated: 2:32 PM ET", "Last updated: January 23, 2025 2:32 p.m. EST", "Updated 14:30 GMT"
    _needs(
        re.compile(
            rf"\b(?:last\s+)?updated\s*(?:on|at)?\s*:?\s*"
            rf"(?:{_DATE_EN},?\s*(?:at\s+)?(?:{_CLOCK_EN})?|(?:at\s+)?{_CLOCK_EN})",
            _F,
        ),
        "updated",
    ),
    # Live-ticker entry stamps at the start of a line: "2:32 PM ET", "14:32 GMT"
    _needs(re.compile(rf"^\s*{_CLOCK_EN}\s*:?", _F), probe=":"),
)

DEFAULT_VOLATILE_PATTERNS: tuple[re.Pattern[str], ...] = VOLATILE_PATTERNS_DE + VOLATILE_PATTERNS_EN


def mask_volatile(
    text: str, patterns: Sequence[re.Pattern[str]] = DEFAULT_VOLATILE_PATTERNS
) -> str:
    """``text`` with every span matched by one of ``patterns`` replaced by a space."""
    folded: str | None = None  # of the current text
    loose: str | None = None  # ``folded`` for the probes
    for pattern in patterns:
        if folded is None:
            folded, loose = _fold(text), None
        words = REQUIRED_WORDS.get(pattern)
        if words is not None and not any(word in folded for word in words):
            continue
        probe = REQUIRED_PROBES.get(pattern)
        if probe is not None:
            if loose is None:
                loose = _loosen(folded)
            if probe.search(loose) is None:
                continue
        text, replaced = pattern.subn(" ", text)
        if replaced:
            # a replaced span can join text around it into a match (probes span spaces)
            folded = None
    return text


# re.IGNORECASE also matches the dotless ı to i (casefold() keeps it; ſ and K it folds).
_DOTLESS_I = "\u0131"
# ... and the dotted İ to i, which casefold() makes "i" + this combining dot.
_COMBINING_DOT = "\u0307"


def _fold(text: str) -> str:
    return text.casefold().replace(_DOTLESS_I, "i")


def _loosen(folded: str) -> str:
    return folded.replace(_COMBINING_DOT, "") if _COMBINING_DOT in folded else folded
