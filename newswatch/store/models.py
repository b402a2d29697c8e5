"""SQLAlchemy 2 typed models: the archive's schema (documented in README.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from newswatch.store.types import JSONType, UTCDateTime

#: Named constraints so that Alembic autogenerate diffs are stable on both dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
    }


class Source(Base):
    """A configured news source (one ``[[source]]`` table of sources.toml)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domains: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(20))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One article, identified by its canonical URL; its content lives in versions."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    first_seen_at: Mapped[datetime]
    last_checked_at: Mapped[datetime]
    last_changed_at: Mapped[datetime]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    check_count: Mapped[int] = mapped_column(Integer, default=0)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    http_etag: Mapped[str | None] = mapped_column(Text)
    http_last_modified: Mapped[str | None] = mapped_column(Text)
    #: active | gone (404/410) | error
    status: Mapped[str] = mapped_column(String(20), default="active")

    source: Mapped[Source | None] = relationship(back_populates="articles")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.version_no", cascade="all, delete-orphan"
    )


class RawPage(Base):
    """Fetched HTML of a stored version: compressed (``compression`` names the codec, see
    :mod:`newswatch.store.compression`), addressed by SHA-256 of the original bytes."""

    __tablename__ = "raw_pages"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    compression: Mapped[str] = mapped_column(String(10), default="zlib")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class ArticleVersion(Base):
    """One meaningful version of an article (a new row only when the content fingerprint changes).

    ``is_latest`` marks the article's highest ``version_no`` (exactly one per article;
    ``save_article`` moves it in the transaction that adds a version; migration 0008). Search
    walks ``ix_article_versions_latest_published`` newest-first over the latest versions only.
    The full-text objects and the ``latest_versions`` view are made by migrations 0002, 0007
    and 0008 (hidden from autogenerate).
    """

    __tablename__ = "article_versions"
    __table_args__ = (
        UniqueConstraint("article_id", "version_no"),
        Index("ix_article_versions_published_at", "published_at"),
        Index("ix_article_versions_fetched_at", "fetched_at"),
        # At most one latest version per article: the last line of defence against two
        # concurrent saves both marking their version latest.
        Index(
            "ix_article_versions_latest_article_id",
            "article_id",
            unique=True,
            # SQLite uses a partial index only for a query term spelled like its condition, and
            # SQLAlchemy spells a boolean test "is_latest = 1" there.
            sqlite_where=text("is_latest = 1"),
            postgresql_where=text("is_latest"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version_no: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    teaser: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime | None]
    #: the UTC offset (minutes east) the page stated for published_at; NULL if none
    published_offset_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    modified_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(20))
    section: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    image_url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    is_paywalled: Mapped[bool] = mapped_column(Boolean, default=False)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: {"fields": [...], "words_added": n, "words_removed": n} — empty for version 1
    change_summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    raw_page_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("raw_pages.sha256", ondelete="SET NULL"), index=True
    )
    #: True for the article's highest version_no only (see the class docstring)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="versions")


class Topic(Base):
    """A named boolean keyword query (topics.toml)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class TopicMatch(Base):
    """Evidence that one version matched one topic."""

    __tablename__ = "topic_matches"
    __table_args__ = (UniqueConstraint("topic_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    matched_terms: Mapped[list[str]] = mapped_column(default=list)
    hit_count: Mapped[int] = mapped_column(Integer, default=0)
    #: hits per matched term, ``{term as written in the query: hits}``
    term_hits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    matched_at: Mapped[datetime]


class SeenUrl(Base):
    """A URL that was fetched but deliberately not archived (``crawl --only-topics``: it matched
    no topic). Remembered so that later runs do not fetch it again; it is not an article, so
    ``articles`` keeps its rule "every article has a version"."""

    __tablename__ = "seen_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    #: why it was not stored: "off_topic"
    reason: Mapped[str] = mapped_column(String(20), default="off_topic")
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class CrawlRun(Base):
    """One `newswatch crawl` run (or one worker's share of a distributed run)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    #: running | finished | failed | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    #: single (one host) | worker (a shared-frontier worker) | seed (``crawl --seed`` only)
    role: Mapped[str] = mapped_column(String(20), default="single", server_default="single")
    sources: Mapped[list[str]] = mapped_column(default=list)
    #: pages, new, changed, unchanged, not_modified, gone, errors: {kind: n}
    counters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


# The stories tables are defined beside their code (newswatch.stories.models) on this Base;
# importing them here puts them in Base.metadata wherever it is used (Alembic, tests).
from newswatch.stories import models as _stories_models  # noqa: E402, F401
