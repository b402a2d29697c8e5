"""Apply the boilerplate rules to the paragraphs of a text."""

from __future__ import annotations

from collections.abc import Sequence

from newswatch.clean.rules import Action, Rule, rules_for

# A CUT marker only ends the text when at least this share of the text's characters comes
# before it (at the top, such a line is more likely a stray navigation item than the end of
# the article; the related-links block after it is many short lines).
CUT_AFTER_SHARE = 0.5


# STRIP rules remove trailing text (a credit after the last sentence); only this many
# characters at the end of a paragraph are searched.
STRIP_TAIL_CHARS = 200


def _strip_trailing(paragraph: str, rules: Sequence[Rule], lowered: str | None = None) -> str:
    if lowered is None or len(lowered) != len(paragraph):  # lower() lengthened a character
        lowered = None
    for rule in rules:
        if rule.action is Action.STRIP:
            offset = max(0, len(paragraph) - STRIP_TAIL_CHARS)
            if rule.folded is not None and lowered is not None:
                if not rule.may_occur_in(lowered):
                    continue
                match = rule.folded.search(lowered, offset)
            else:
                match = rule.compiled.search(paragraph, offset)
            if match:
                paragraph = paragraph[: match.start()].rstrip()
                lowered = None if lowered is None else lowered[: len(paragraph)]
    return paragraph


def _remove_inline(paragraph: str, rules: Sequence[Rule], lowered: str) -> str:
    """``paragraph`` without the spans REMOVE rules match (found on ``lowered`` first)."""
    for rule in rules:
        if rule.action is Action.REMOVE and rule.matches(paragraph, lowered):
            # the pattern takes the space before the span: "an (Lesen Sie auch: …)." -> "an."
            paragraph = rule.compiled.sub("", paragraph).strip()
            lowered = paragraph.lower()
    return paragraph


def is_boilerplate(paragraph: str, rules: Sequence[Rule],
                   lowered: str | None = None) -> Rule | None:
    """The first DROP rule that marks this paragraph as boilerplate, if any (``lowered``:
    ``paragraph.lower()``, when the caller has it)."""
    if lowered is None:
        lowered = paragraph.lower()
    length = len(paragraph)
    for rule in rules:
        if rule.action is Action.DROP and length <= rule.max_chars and rule.matches(
            paragraph, lowered
        ):
            return rule
    return None


def clean_paragraphs(paragraphs: Sequence[str], language: str | None = None,
                     rules: Sequence[Rule] | None = None) -> list[str]:
    """The paragraphs that are article text, with trailing credits stripped, in order."""
    active = list(rules) if rules is not None else rules_for(language)
    cut_rules = [rule for rule in active if rule.action is Action.CUT]
    inline_rules = [rule for rule in active if rule.action is Action.REMOVE]
    kept: list[str] = []
    total = sum(len(paragraph) for paragraph in paragraphs)
    seen = 0
    for paragraph in paragraphs:
        lowered = paragraph.lower()
        if seen >= total * CUT_AFTER_SHARE and any(
            len(paragraph) <= rule.max_chars and rule.matches(paragraph, lowered)
            for rule in cut_rules
        ):
            break
        seen += len(paragraph)
        if is_boilerplate(paragraph, active, lowered):
            continue
        if inline_rules:
            paragraph = _remove_inline(paragraph, inline_rules, lowered)
            lowered = paragraph.lower()
        stripped = _strip_trailing(paragraph, active, lowered)
        if stripped and (stripped == paragraph or not is_boilerplate(stripped, active)):
            kept.append(stripped)
    return kept
