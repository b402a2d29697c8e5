"""The language of a page: declared in markup or headers, else guessed from stop words."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CODE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_WORDS: dict[str, frozenset[str]] = {
    "de": _words(
        "der die das und ist nicht mit sich auch auf für eine einen dem den des von zu im "
        "wird wurde sind hat haben aber oder wie nach bei"
    ),
    "en": _words(
        "the and is are was were with for that this not have has from but which will would "
        "been their they"
    ),
    "fr": _words(
        "le la les et est une des dans pour pas que qui sur avec sont du au"
    ),
    "es": _words(
        "el la los las y es una por para con que del se su al como pero"
    ),
    "it": _words(
        "il la che di e è una per non con sono del della gli nel anche"
    ),
    "nl": _words(
        "de het een en is niet met voor zijn van dat op ook maar wordt"
    ),
    "pt": _words(
        "o a os as e é um uma para com não que do da em por mais"
    ),
    "pl": _words(
        "i w na z się nie do jest to że o jak ale po"
    ),
}
_TOKEN = re.compile(r"[^\W\d_]+")
MIN_HITS = 8


def normalize_language(value: str | None) -> str | None:
    """ "de-DE", "de_AT", "DE" -> "de"; anything that is not a language tag -> None."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip().split(",")[0].strip()
    if not _CODE.match(value):
        return None
    code = re.split(r"[-_]", value)[0].lower()
    return code if len(code) == 2 else None


def first_language(values: Iterable[str | None]) -> str | None:
    for value in values:
        code = normalize_language(value)
        if code:
            return code
    return None


def guess_language(text: str) -> str | None:
    """The language whose stop words are most frequent in ``text``, when clear enough."""
    counts = dict.fromkeys(_STOP_WORDS, 0)
    for token in _TOKEN.findall(text[:20_000].lower()):
        for code, words in _STOP_WORDS.items():
            if token in words:
                counts[code] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, hits), (_, runner_up) = ranked[0], ranked[1]
    if hits >= MIN_HITS and hits >= 1.5 * runner_up:
        return best
    return None
