"""Tables of cross-source stories.

They live on their own declarative base, not on :class:`newswatch.store.models.Base`: the core
schema is managed by Alembic migrations owned by the store, and these tables are created on
demand by :func:`ensure_stories_schema` (``CREATE TABLE IF NOT EXISTS`` on both dialects) until
they are folded into a migration. Foreign keys point at the core tables' columns directly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, Float, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from newswatch.store.models import NAMING_CONVENTION, Article, ArticleVersion
from newswatch.store.types import JSONType, UTCDateTime

_ARTICLE_ID = Article.__table__.c.id
_VERSION_ID = ArticleVersion.__table__.c.id


class StoriesBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), list[int]: JSONType}


def ensure_stories_schema(bind: Engine | Connection) -> None:
    """Create the stories tables where they are missing (the core schema must exist)."""
    StoriesBase.metadata.create_all(bind, checkfirst=True)


def _fk(column: Any) -> ForeignKey:
    return ForeignKey(column, ondelete="CASCADE")


class Story(StoriesBase):
    """A group of articles that carry the same text (e.g. one agency story on several sites)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Title of the earliest member, for humans.
    title: Mapped[str] = mapped_column(Text, default="")
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryMember(StoriesBase):
    """An article's place in a story (an article is in at most one story)."""

    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True)
    story_id: Mapped[int] = mapped_column(_fk("stories.id"), index=True)
    #: The version whose body was compared when the article joined.
    version_id: Mapped[int] = mapped_column(_fk(_VERSION_ID))
    #: Estimated Jaccard similarity to the member it was matched with.
    similarity: Mapped[float] = mapped_column(Float)
    joined_at: Mapped[datetime]


class BodySignature(StoriesBase):
    """MinHash signature of the latest clustered version of an article's body."""

    __tablename__ = "body_signatures"

    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True)
    version_id: Mapped[int] = mapped_column(_fk(_VERSION_ID), index=True)
    signature: Mapped[list[int]]


class SignatureBand(StoriesBase):
    """One LSH band key of a signature: articles sharing a key are near-duplicate candidates."""

    __tablename__ = "signature_bands"

    band_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True, index=True)
