"""topics.toml -> typed, validated :class:`TopicConfig` objects, with errors naming file, topic
and field.

Format::

    [[topic]]
    name = "ai-investment"                # required, unique
    query = 'Stargate OR "data center"'   # required, see docs/topics.md
    description = "..."                   # optional
    languages = ["de", "en"]              # optional: only articles in these languages
    sources = ["heise", "reuters"]        # optional: only articles from these sources
    min_hits = 2                          # optional, default 1
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newswatch.topics.query import TopicSyntaxError, compile_query

__all__ = [
    "DEFAULT_TOPICS_FILE",
    "TOPICS_ENV_VAR",
    "TopicConfig",
    "TopicConfigError",
    "load_topics",
    "parse_topics",
    "resolve_topics_path",
]

TOPICS_ENV_VAR = "NEWSWATCH_TOPICS"
DEFAULT_TOPICS_FILE = "topics.toml"

_TOPIC_KEYS = {"name", "query", "description", "languages", "sources", "min_hits"}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class TopicConfigError(ValueError):
    """topics.toml is missing, unreadable or invalid; the message names file, topic and field."""


@dataclass(frozen=True)
class TopicConfig:
    """One ``[[topic]]`` table of topics.toml."""

    name: str
    query: str
    description: str = ""
    #: Primary language codes (``de``, ``en``); empty means every language.
    languages: tuple[str, ...] = ()
    #: Source names from sources.toml; empty means every source.
    sources: tuple[str, ...] = ()
    #: Minimum number of hits of positive terms for a match.
    min_hits: int = 1

    def settings(self) -> dict[str, Any]:
        """Everything but name and query, as stored in ``topics.config``."""
        return {
            "description": self.description,
            "languages": list(self.languages),
            "sources": list(self.sources),
            "min_hits": self.min_hits,
        }


def resolve_topics_path(
    option: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Path:
    """``--topics`` if given, else ``$NEWSWATCH_TOPICS``, else ``./topics.toml``."""
    if option:
        return Path(option)
    env = os.environ if environ is None else environ
    return Path(env.get(TOPICS_ENV_VAR) or DEFAULT_TOPICS_FILE)


def load_topics(path: str | os.PathLike[str]) -> list[TopicConfig]:
    """Read and validate a topics file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TopicConfigError(f"{path}: topics file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TopicConfigError(f"{path}: cannot read topics file: {exc}") from None
    return parse_topics(text, source=str(path))


def parse_topics(text: str, *, source: str = "<topics>") -> list[TopicConfig]:
    """Parse topics.toml text; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopicConfigError(f"{source}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - {"topic"})
    if unknown:
        raise TopicConfigError(
            f"{source}: unknown top-level key {unknown[0]!r} (expected [[topic]] tables)"
        )
    tables = data.get("topic", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise TopicConfigError(f"{source}: 'topic' must be an array of tables ([[topic]])")
    configs: list[TopicConfig] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        config = _topic_from_table(table, source=source, number=number)
        if config.name in seen:
            raise TopicConfigError(f"{source}: topic {config.name!r}: duplicate name")
        seen.add(config.name)
        configs.append(config)
    return configs


def _topic_from_table(table: dict[str, Any], *, source: str, number: int) -> TopicConfig:
    name = table.get("name")
    label = f"topic {name!r}" if isinstance(name, str) and name.strip() else f"topic #{number}"

    def fail(field: str, problem: str) -> TopicConfigError:
        return TopicConfigError(f"{source}: {label}, field {field!r}: {problem}")

    unknown = sorted(set(table) - _TOPIC_KEYS)
    if unknown:
        expected = ", ".join(sorted(_TOPIC_KEYS))
        raise fail(unknown[0], f"unknown key (expected one of: {expected})")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "required, a non-empty string")
    if name != name.strip():
        raise fail("name", "must not start or end with whitespace")
    query = table.get("query")
    if not isinstance(query, str) or not query.strip():
        raise fail("query", "required, a non-empty string")
    try:
        compile_query(query, topic=name)
    except TopicSyntaxError as exc:
        raise TopicConfigError(f"{source}: {label}, field 'query': {exc}") from None
    description = table.get("description", "")
    if not isinstance(description, str):
        raise fail("description", "must be a string")
    languages = _string_list(table.get("languages", []), lambda p: fail("languages", p))
    for language in languages:
        if not _LANGUAGE_CODE.match(language.lower()):
            raise fail(
                "languages", f"{language!r} is not a primary language code such as 'de' or 'en'"
            )
    sources = _string_list(table.get("sources", []), lambda p: fail("sources", p))
    min_hits = table.get("min_hits", 1)
    if isinstance(min_hits, bool) or not isinstance(min_hits, int) or min_hits < 1:
        raise fail("min_hits", "must be a whole number of at least 1")
    return TopicConfig(
        name=name,
        query=query,
        description=description,
        languages=tuple(dict.fromkeys(language.lower() for language in languages)),
        sources=tuple(dict.fromkeys(sources)),
        min_hits=min_hits,
    )


def _string_list(value: object, fail: Callable[[str], TopicConfigError]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail("must be a list of non-empty strings")
    return [v.strip() for v in value]
