"""Finding stored articles by id or URL, with their versions (for show/diff and friends)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from newswatch.store import models
from newswatch.store.errors import ArticleNotFound

#: The largest article id per dialect (INTEGER: 32 bits on PostgreSQL, 64 on SQLite); a
#: larger number names no article (and must not reach the database as a parameter).
_MAX_ID = {"postgresql": 2**31 - 1, "sqlite": 2**63 - 1}


def find_article(session: Session, ref: str) -> models.Article:
    """The article with id ``ref`` (digits), canonical URL ``ref``, or a version fetched from it."""
    ref = ref.replace("\x00", "").strip()  # stored text has none (PostgreSQL cannot hold it)
    article: models.Article | None = None
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        largest = _MAX_ID.get(session.get_bind().dialect.name, 2**31 - 1)
        article = session.get(models.Article, number) if number <= largest else None
    else:
        article = session.scalar(select(models.Article).where(models.Article.canonical_url == ref))
        if article is None:
            article = session.scalar(
                select(models.Article)
                .join(models.ArticleVersion, models.ArticleVersion.article_id == models.Article.id)
                .where(models.ArticleVersion.url == ref)
                .limit(1)
            )
    if article is None:
        raise ArticleNotFound(f"no stored article with id or URL {ref!r}")
    return article


def latest_raw_page_sha256(session: Session, canonical_url: str) -> str | None:
    """SHA-256 of the page the latest version of this article was extracted from, if any."""
    return session.scalar(
        select(models.ArticleVersion.raw_page_sha256)
        .join(models.Article, models.Article.id == models.ArticleVersion.article_id)
        .where(models.Article.canonical_url == canonical_url)
        .order_by(models.ArticleVersion.version_no.desc())
        .limit(1)
    )


def article_versions(session: Session, article_id: int) -> list[models.ArticleVersion]:
    """All versions of an article, oldest first."""
    query = (
        select(models.ArticleVersion)
        .where(models.ArticleVersion.article_id == article_id)
        .order_by(models.ArticleVersion.version_no)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class VersionTopic:
    """One topic a version matched, with the evidence (``term_hits`` may be empty on rows
    recorded before per-term counts existed)."""

    topic: str
    terms: list[str]
    term_hits: dict[str, int]
    hit_count: int


def version_topics(session: Session, article_id: int) -> dict[int, list[VersionTopic]]:
    """``{version id: topics it matched}`` for one article, topics by name."""
    rows = session.execute(
        select(
            models.TopicMatch.version_id,
            models.Topic.name,
            models.TopicMatch.matched_terms,
            models.TopicMatch.term_hits,
            models.TopicMatch.hit_count,
        )
        .join(models.Topic, models.Topic.id == models.TopicMatch.topic_id)
        .where(models.TopicMatch.article_id == article_id)
        .order_by(models.TopicMatch.version_id, models.Topic.name)
    )
    found: dict[int, list[VersionTopic]] = {}
    for version_id, name, terms, term_hits, hit_count in rows:
        found.setdefault(version_id, []).append(
            VersionTopic(name, list(terms or []), dict(term_hits or {}), hit_count)
        )
    return found
