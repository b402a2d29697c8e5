"""Topics: a boolean keyword query language, topics.toml loading, and matching articles.

Store-side functions (sync, recording matches, rematch) live in :mod:`newswatch.topics.store`.
"""

from newswatch.topics.config import (
    DEFAULT_TOPICS_FILE,
    TOPICS_ENV_VAR,
    TopicConfig,
    TopicConfigError,
    load_topics,
    parse_topics,
    resolve_topics_path,
)
from newswatch.topics.matching import (
    CompiledTopic,
    TopicMatchResult,
    compile_topic,
    compile_topics,
    match_text,
    match_topic,
    match_topics,
)
from newswatch.topics.query import CompiledQuery, MatchText, TopicSyntaxError, compile_query

__all__ = [
    "DEFAULT_TOPICS_FILE",
    "TOPICS_ENV_VAR",
    "CompiledQuery",
    "CompiledTopic",
    "MatchText",
    "TopicConfig",
    "TopicConfigError",
    "TopicMatchResult",
    "TopicSyntaxError",
    "compile_query",
    "compile_topic",
    "compile_topics",
    "load_topics",
    "match_text",
    "match_topic",
    "match_topics",
    "parse_topics",
    "resolve_topics_path",
]
