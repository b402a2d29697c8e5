"""Helpers for store tests: a migrated database and sessions on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from newswatch.store import migrate
from newswatch.store.engine import make_engine, session_factory


@contextmanager
def migrated_engine(url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        yield engine, session_factory(engine)
    finally:
        engine.dispose()
