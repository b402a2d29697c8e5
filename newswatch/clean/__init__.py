"""Cleaning: remove boilerplate that survives extraction and normalise text.

``clean_text`` works on any text of paragraphs (separated by blank lines); ``clean_article``
applies it to an ``Article``'s title, teaser, body and authors. The rules are data, in
``newswatch.clean.rules``.
"""

from __future__ import annotations

from dataclasses import replace

from newswatch.article import Article
from newswatch.clean.boilerplate import clean_paragraphs, is_boilerplate
from newswatch.clean.normalize import normalize_inline, normalize_text, split_paragraphs
from newswatch.clean.rules import RULES, Action, Rule, rules_for

__all__ = [
    "RULES",
    "Action",
    "Rule",
    "clean_article",
    "clean_paragraphs",
    "clean_text",
    "is_boilerplate",
    "normalize_inline",
    "normalize_text",
    "rules_for",
]


def clean_text(text: str, language: str | None = None) -> str:
    """``text`` without boilerplate paragraphs, normalised; paragraphs joined by blank lines.

    Never raises; a text that is all boilerplate becomes "".
    """
    if not isinstance(text, str) or not text:
        return ""
    paragraphs = split_paragraphs(normalize_text(text))
    return "\n\n".join(clean_paragraphs(paragraphs, language))


def clean_article(article: Article) -> Article:
    """A copy of ``article`` with title, teaser and body cleaned and normalised."""
    language = article.language
    title = normalize_inline(article.title)
    teaser = " ".join(clean_text(article.teaser, language).split("\n\n"))
    body = clean_text(article.body, language)
    authors = [name for name in (normalize_inline(a) for a in article.authors) if name]
    tags = list(dict.fromkeys(tag for tag in (normalize_inline(t) for t in article.tags) if tag))
    section = normalize_inline(article.section) if article.section else None
    return replace(article, title=title, teaser=teaser, body=body, authors=authors, tags=tags,
                   section=section or None)
