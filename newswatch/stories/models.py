"""Tables of cross-source stories.

They are registered on the archive's :class:`newswatch.store.models.Base` (which imports this
module, so ``Base.metadata`` always has them) and created by Alembic migration 0005 like the
rest of the schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newswatch.store.models import Base
from newswatch.store.types import JSONType

_ARTICLE_ID = "articles.id"
_VERSION_ID = "article_versions.id"


def _fk(column: Any) -> ForeignKey:
    return ForeignKey(column, ondelete="CASCADE")


class Story(Base):
    """A group of articles that carry the same text (e.g. one agency story on several sites)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Title of the earliest member, for humans.
    title: Mapped[str] = mapped_column(Text, default="")
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryMember(Base):
    """An article's place in a story (an article is in at most one story)."""

    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True)
    story_id: Mapped[int] = mapped_column(_fk("stories.id"), index=True)
    #: The version whose body was compared when the article joined.
    version_id: Mapped[int] = mapped_column(_fk(_VERSION_ID))
    #: Estimated Jaccard similarity to the member it was matched with.
    similarity: Mapped[float] = mapped_column(Float)
    joined_at: Mapped[datetime]


class BodySignature(Base):
    """MinHash signature of the latest clustered version of an article's body."""

    __tablename__ = "body_signatures"

    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True)
    version_id: Mapped[int] = mapped_column(_fk(_VERSION_ID), index=True)
    signature: Mapped[list[int]] = mapped_column(JSONType)


class SignatureBand(Base):
    """One LSH band key of a signature: articles sharing a key are near-duplicate candidates."""

    __tablename__ = "signature_bands"

    band_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    article_id: Mapped[int] = mapped_column(_fk(_ARTICLE_ID), primary_key=True, index=True)
