"""Opening the archive from a command, and turning store errors into one line + exit code.

Exit codes of every command that uses the archive:

- 0 — success (also: a search without matches)
- 1 — the request cannot be met: no such article or version, a failed downgrade, a database
  error while running the command
- 2 — usage error, including a database URL newswatch cannot use
- 3 — the database cannot be reached or opened
- 4 — the database schema is newer than this newswatch (upgrade newswatch)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from newswatch.store import migrate
from newswatch.store.engine import make_engine, resolve_database_url, session_factory
from newswatch.store.errors import (
    BadDatabaseURL,
    DatabaseUnavailable,
    SchemaAheadError,
    StoreError,
)

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DATABASE_UNAVAILABLE = 3
EXIT_SCHEMA_AHEAD = 4


class StoreCommandError(click.ClickException):
    """A store problem reported as ``Error: <one line>`` with exit code 1."""

    exit_code = EXIT_FAILED


class BadDatabaseURLError(StoreCommandError):
    exit_code = EXIT_USAGE


class DatabaseUnavailableError(StoreCommandError):
    exit_code = EXIT_DATABASE_UNAVAILABLE


class SchemaAheadCommandError(StoreCommandError):
    exit_code = EXIT_SCHEMA_AHEAD


def command_error(error: StoreError) -> StoreCommandError:
    """The click exception (message and exit code) that reports ``error``."""
    if isinstance(error, BadDatabaseURL):
        return BadDatabaseURLError(str(error))
    if isinstance(error, DatabaseUnavailable):
        return DatabaseUnavailableError(str(error))
    if isinstance(error, SchemaAheadError):
        return SchemaAheadCommandError(str(error))
    return StoreCommandError(str(error))


@contextmanager
def store_errors(engine: Engine | None = None) -> Iterator[None]:
    """Report store and database errors as one clear line and the documented exit code."""
    try:
        yield
    except StoreError as exc:
        raise command_error(exc) from None
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        line = detail[0] if detail else type(exc).__name__
        if engine is not None and engine.url.password:
            line = line.replace(str(engine.url.password), "***")
        raise StoreCommandError(f"database error: {line}") from None


@contextmanager
def open_engine(db_url: str | None) -> Iterator[Engine]:
    """An engine for ``--db`` / $NEWSWATCH_DATABASE_URL / the default, disposed afterwards."""
    with store_errors():
        engine = make_engine(resolve_database_url(db_url))
    try:
        with store_errors(engine):
            yield engine
    finally:
        engine.dispose()


@contextmanager
def open_session(db_url: str | None) -> Iterator[Session]:
    """A session on an up-to-date archive (empty or older databases are upgraded first)."""
    with open_engine(db_url) as engine:
        migrate.ensure_schema(engine)
        with session_factory(engine)() as session:
            yield session
