"""Matching articles against compiled topics: plain functions over plain data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newswatch.article import Article
from newswatch.topics.config import TopicConfig
from newswatch.topics.query import CompiledQuery, MatchText, compile_query

__all__ = [
    "CompiledTopic",
    "TopicMatchResult",
    "compile_topic",
    "compile_topics",
    "match_text",
    "match_topic",
    "match_topics",
]


@dataclass(frozen=True)
class CompiledTopic:
    """A topic with its query compiled once, ready to match many articles."""

    config: TopicConfig
    query: CompiledQuery

    @property
    def name(self) -> str:
        return self.config.name


@dataclass(frozen=True)
class TopicMatchResult:
    """Whether one text matched one topic, with the evidence.

    ``terms`` maps each positive (not negated) query term found in the text, as written in the
    query, to its number of hits; ``hit_count`` is their sum. ``excluded_by`` names the filter
    (``"language"`` or ``"source"``) that ruled the article out before its text was looked at.
    """

    topic: str
    matched: bool
    terms: dict[str, int] = field(default_factory=dict)
    hit_count: int = 0
    excluded_by: str | None = None


def compile_topic(config: TopicConfig) -> CompiledTopic:
    """Compile a topic's query; raises ``TopicSyntaxError`` naming the topic."""
    return CompiledTopic(config=config, query=compile_query(config.query, topic=config.name))


def compile_topics(configs: Iterable[TopicConfig]) -> list[CompiledTopic]:
    return [compile_topic(config) for config in configs]


def _primary_language(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def match_text(
    topic: CompiledTopic,
    text: MatchText,
    *,
    language: str | None = None,
    source: str | None = None,
) -> TopicMatchResult:
    """Match prepared text. A language/source filter applies only when that value is known."""
    config = topic.config
    if language and config.languages and _primary_language(language) not in config.languages:
        return TopicMatchResult(topic.name, matched=False, excluded_by="language")
    if source and config.sources and source not in config.sources:
        return TopicMatchResult(topic.name, matched=False, excluded_by="source")
    result = topic.query.evaluate(text)
    hit_count = result.hit_count
    return TopicMatchResult(
        topic.name,
        matched=result.matched and hit_count >= config.min_hits,
        terms=result.terms,
        hit_count=hit_count,
    )


def match_topic(
    topic: CompiledTopic, article: Article, *, source_name: str | None = None
) -> TopicMatchResult:
    """Match one article's title, teaser and body against one topic."""
    text = MatchText.of(article.title, article.teaser, article.body)
    return match_text(topic, text, language=article.language, source=source_name)


def match_topics(
    topics: Iterable[CompiledTopic], article: Article, *, source_name: str | None = None
) -> list[TopicMatchResult]:
    """Match one article against every topic (the text is prepared once); one result per topic,
    matched or not, in the order given."""
    text = MatchText.of(article.title, article.teaser, article.body)
    return [
        match_text(topic, text, language=article.language, source=source_name) for topic in topics
    ]
