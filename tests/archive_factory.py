"""Builds small archives for tests of code that reads the archive, through the store's own
``ensure_schema`` and ``save_article``.

Creating and migrating a PostgreSQL database costs over a second, so a test module shares one
migrated archive per backend (:func:`shared_archive`, module-scoped) and each test gets a
session on it that is emptied afterwards (:func:`fresh_session`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from newswatch.article import Article as ArticleData
from newswatch.store import ensure_schema, make_engine, save_article, session_factory
from newswatch.store.models import Article, Base
from tests.postgres_databases import fresh_postgres_database

T0 = datetime(2025, 1, 21, 9, 0, tzinfo=UTC)

#: Parameters for a module-scoped archive fixture: SQLite always, PostgreSQL when configured.
BACKENDS: list[Any] = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def shared_archive(backend: str, directory: Path) -> Iterator[Engine]:
    """A migrated archive for the tests of one module."""
    with fresh_postgres_database() if backend == "postgres" else _sqlite(directory) as url:
        engine = make_engine(url)
        ensure_schema(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _sqlite(directory: Path) -> Iterator[str]:
    yield f"sqlite:///{directory / 'newswatch.db'}"


@contextmanager
def fresh_session(engine: Engine) -> Iterator[Session]:
    """A session on ``engine``'s archive; every table is emptied when the test is done."""
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        _empty(engine)


def _empty(engine: Engine) -> None:
    tables = Base.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


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
    fetched_at: datetime = T0,
) -> Article:
    """Save one version per body text, fetched an hour apart from ``fetched_at`` on (oldest
    first; an existing URL gets new versions); return the article row."""
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
            fetched_at=fetched_at + timedelta(hours=number),
        )
    assert outcome is not None, "an article needs at least one body"
    return session.get_one(Article, outcome.article_id)
