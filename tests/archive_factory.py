"""Builds small archives directly with the models, for tests of code that reads the archive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from newswatch.store.models import Article, ArticleVersion, Base, Source

T0 = datetime(2025, 1, 21, 9, 0, tzinfo=UTC)


@contextmanager
def archive_session(db_url: str) -> Iterator[Session]:
    """A session on a database with the newswatch schema."""
    engine = create_engine(db_url)
    Base.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def add_article(
    session: Session,
    url: str,
    *bodies: str,
    title: str | None = None,
    source: str | None = None,
    language: str = "en",
    published_at: datetime | None = T0,
) -> Article:
    """An article with one version per body text, oldest first, fetched an hour apart."""
    source_row = None
    if source is not None:
        source_row = session.scalar(select(Source).where(Source.name == source))
        if source_row is None:
            source_row = Source(name=source, domains=[], config={}, created_at=T0, updated_at=T0)
    article = Article(
        canonical_url=url,
        source=source_row,
        first_seen_at=T0,
        last_checked_at=T0,
        last_changed_at=T0,
        version_count=len(bodies),
    )
    for number, body in enumerate(bodies, start=1):
        article.versions.append(
            ArticleVersion(
                version_no=number,
                fetched_at=T0 + timedelta(hours=number),
                url=url,
                title=title if title is not None else f"Article {url}",
                body=body,
                authors=["Ada Lovelace"],
                published_at=published_at,
                language=language,
                tags=["AI"],
                word_count=len(body.split()),
                content_hash=f"{url}#{number}",
            )
        )
    session.add(article)
    session.flush()
    return article
