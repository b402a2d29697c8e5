"""Find the article described by a page's JSON-LD, tolerating the broken JSON found in the wild."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
        "liveblogposting", "blogposting", "socialmediaposting", "techarticle", "report",
        "scholarlyarticle", "webpage",
    }
)
# A generic WebPage only counts when no real article type is present.
_WEAK_TYPES = frozenset({"webpage"})
MAX_SCRIPT_CHARS = 2_000_000
MAX_OBJECTS = 500
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _loads_lenient(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:]
    if text.endswith("-->"):
        text = text[:-3]
    text = text.replace("<![CDATA[", "").replace("]]>", "").strip().rstrip(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", _CONTROL_CHARS.sub(" ", text))):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    # Several objects written one after another: decode them one by one.
    decoder = json.JSONDecoder(strict=False)
    objects: list[Any] = []
    position = 0
    while position < len(text) and len(objects) < MAX_OBJECTS:
        while position < len(text) and text[position] in " \t\r\n,;":
            position += 1
        if position >= len(text):
            break
        try:
            value, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            break
        objects.append(value)
    return objects or None


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD value, following arrays, @graph and mainEntity (bounded depth)."""
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value[:MAX_OBJECTS]:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            inner = value.get(key)
            if isinstance(inner, list | dict):
                yield from _walk(inner, depth + 1)


def type_names(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {name.split("/")[-1].lower() for name in names if isinstance(name, str)}


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, flattened."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        text = script.text or ""
        if not text.strip() or len(text) > MAX_SCRIPT_CHARS:
            continue
        data = _loads_lenient(text)
        for obj in _walk(data):
            objects.append(obj)
            if len(objects) >= MAX_OBJECTS:
                return objects
    return objects


def find_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object that describes the article: a real article type wins over WebPage,
    and among equals the one with the most article fields."""

    def score(obj: dict[str, Any]) -> tuple[int, int]:
        names = type_names(obj)
        strong = bool(names & ARTICLE_TYPES - _WEAK_TYPES)
        fields = sum(
            1 for key in ("headline", "datePublished", "author", "articleBody") if obj.get(key)
        )
        return (1 if strong else 0, fields)

    candidates = [obj for obj in objects if type_names(obj) & ARTICLE_TYPES]
    if not candidates:
        return None
    best = max(candidates, key=score)
    return best if score(best)[0] or score(best)[1] else None


def text_of(value: Any) -> str | None:
    """A string from a JSON-LD value that may be a string, a {name|@value|url} dict or a list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "url", "@id", "text"):
            found = text_of(value.get(key))
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
    return None


def texts_of(value: Any) -> list[str]:
    """Every string in a JSON-LD value (lists flattened, dicts by name)."""
    if isinstance(value, list):
        return [text for item in value for text in texts_of(item)]
    found = text_of(value)
    return [found] if found else []
