"""Builds small archives for tests of code that reads the archive, through the store's own
``ensure_schema`` and ``save_article``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from newswatch.article import Article as ArticleData
from newswatch.store import ensure_schema, make_engine, save_article, session_factory
from newswatch.store.models import Article

T0 = datetime(2025, 1, 21, 9, 0, tzinfo=UTC)


@contextmanager
def archive_session(db_url: str) -> Iterator[Session]:
    """A session on a database migrated to the newest schema."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    try:
        with session_factory(engine)() as session:
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
    """Save one version per body text (oldest first, fetched an hour apart); return the row."""
    outcome = None
    for number, body in enumerate(bodies, start=1):
        outcome = save_article(
            session,
            ArticleData(
                url=url,
                title=title if title is not None else f"Article {url}",
                body=body,
                authors=["Ada Lovelace"],
                published_at=published_at,
                language=language,
                tags=["AI"],
            ),
            source_name=source,
            fetched_at=T0 + timedelta(hours=number),
        )
    assert outcome is not None, "an article needs at least one body"
    return session.get_one(Article, outcome.article_id)
