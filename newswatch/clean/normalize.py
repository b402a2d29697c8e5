"""Unicode and whitespace normalisation for article text."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that only break words apart or glue them together.
# (A regular expression: str.translate with a table is ten times slower on plain text.)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
# Every kind of typographic or no-break space becomes a plain space.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)*")


def normalize_inline(text: str) -> str:
    """One line of text: NFC, no invisible characters, single plain spaces, stripped."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub("", _SPACES.sub(" ", text))
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """A text of paragraphs: each line normalised inline, at most one blank line in a row."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    text = _CONTROL.sub("", _SPACES.sub(" ", text))
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a normalised text (separated by blank lines), empty ones dropped."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]
