"""Streaming export of the archive as JSON Lines or CSV, in constant memory.

Rows come from one query executed with ``yield_per`` (a server-side cursor on PostgreSQL, the
stepping cursor on SQLite), one partition at a time; the topic names of a partition's versions
are looked up per partition. Nothing holds more than ``chunk_size`` rows.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Executable, exists, func, select
from sqlalchemy.orm import Session

from newswatch.store.models import Article, ArticleVersion, Source, Topic, TopicMatch

__all__ = [
    "EXPORT_FIELDS",
    "ExportQuery",
    "iter_export_rows",
    "write_csv",
    "write_jsonl",
]

#: Columns of an exported row, in order (also the CSV header).
EXPORT_FIELDS = (
    "article_id",
    "version_id",
    "version_no",
    "url",
    "source",
    "title",
    "teaser",
    "body",
    "authors",
    "published_at",
    "modified_at",
    "fetched_at",
    "language",
    "section",
    "tags",
    "image_url",
    "publisher",
    "is_paywalled",
    "word_count",
    "topics",
)


@dataclass(frozen=True)
class ExportQuery:
    """Which versions to export.

    ``topic``: only articles any version of which matched that topic. ``since`` (inclusive) and
    ``until`` (exclusive): the version's publication time, or its fetch time when the
    publication time is unknown. ``all_versions``: every version instead of the latest only.
    """

    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    all_versions: bool = False


def _statement(query: ExportQuery) -> Executable:
    stmt = (
        select(
            ArticleVersion.article_id,
            ArticleVersion.id,
            ArticleVersion.version_no,
            Article.canonical_url,
            Source.name,
            ArticleVersion.title,
            ArticleVersion.teaser,
            ArticleVersion.body,
            ArticleVersion.authors,
            ArticleVersion.published_at,
            ArticleVersion.modified_at,
            ArticleVersion.fetched_at,
            ArticleVersion.language,
            ArticleVersion.section,
            ArticleVersion.tags,
            ArticleVersion.image_url,
            ArticleVersion.publisher,
            ArticleVersion.is_paywalled,
            ArticleVersion.word_count,
        )
        .join(Article, Article.id == ArticleVersion.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .order_by(ArticleVersion.article_id, ArticleVersion.version_no)
    )
    if not query.all_versions:
        stmt = stmt.where(ArticleVersion.is_latest)
    if query.topic is not None:
        stmt = stmt.where(
            exists()
            .where(TopicMatch.article_id == ArticleVersion.article_id)
            .where(TopicMatch.topic_id == Topic.id)
            .where(Topic.name == query.topic)
        )
    if query.source is not None:
        stmt = stmt.where(Source.name == query.source)
    when = func.coalesce(ArticleVersion.published_at, ArticleVersion.fetched_at)
    if query.since is not None:
        stmt = stmt.where(when >= query.since)
    if query.until is not None:
        stmt = stmt.where(when < query.until)
    return stmt


def _topics_of(session: Session, version_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(TopicMatch.version_id, Topic.name)
        .join(Topic, Topic.id == TopicMatch.topic_id)
        .where(TopicMatch.version_id.in_(version_ids))
        .order_by(TopicMatch.version_id, Topic.name)
    )
    for version_id, name in rows:
        names[version_id].append(name)
    return names


def iter_export_rows(
    session: Session, query: ExportQuery | None = None, *, chunk_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Yield one dict per exported version (keys: :data:`EXPORT_FIELDS`), streaming."""
    stmt = _statement(query or ExportQuery())
    result = session.execute(stmt, execution_options={"yield_per": chunk_size})
    try:
        for partition in result.partitions():
            topics = _topics_of(session, [row[1] for row in partition])
            for row in partition:
                record = dict(zip(EXPORT_FIELDS[:-1], row, strict=True))
                record["topics"] = topics.get(record["version_id"], [])
                yield record
    finally:
        result.close()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def write_jsonl(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """One JSON object per line (UTF-8 text, datetimes ISO 8601 UTC); returns the row count."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, default=_json_default))
        stream.write("\n")
        count += 1
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value


def write_csv(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """CSV with a header row; lists (authors, tags, topics) joined by "; "; returns the count."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in EXPORT_FIELDS])
        count += 1
    return count
