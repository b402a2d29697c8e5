"""Where the archive lives: database URL resolution, engines and sessions.

The URL comes from ``--db``, else ``$NEWSWATCH_DATABASE_URL``, else ``sqlite:///newswatch.db``
in the working directory. SQLite connections get WAL, foreign keys and a busy timeout;
PostgreSQL is reached through psycopg 3 (``postgresql://`` URLs are rewritten to
``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from newswatch.store.errors import (
    BadDatabaseURL,
    DatabaseFull,
    DatabaseLocked,
    DatabaseUnavailable,
    StoreError,
)

ENV_VAR = "NEWSWATCH_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///newswatch.db"
#: How long an SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: How long to wait for a PostgreSQL server to answer (unless the URL sets connect_timeout).
POSTGRES_CONNECT_TIMEOUT_S = 10

_POSTGRES_DRIVERS = {"postgresql", "postgres", "postgresql+psycopg"}


def resolve_database_url(cli_value: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The database URL to use: ``--db``, else ``$NEWSWATCH_DATABASE_URL``, else the default."""
    env = os.environ if environ is None else environ
    if cli_value:
        return cli_value
    from_env = env.get(ENV_VAR, "").strip()
    return from_env or DEFAULT_DATABASE_URL


def sqlite_file(url: str | URL) -> str | None:
    """The database file an SQLite URL names, or None for another database or an SQLite
    database in memory (``sqlite://``, ``sqlite:///:memory:``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def safe_url(url: str | URL) -> str:
    """The URL as text with any password masked, for messages and logs."""
    try:
        return printable(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        return "<unparseable database URL>"


def printable(text: str) -> str:
    """``text`` with control and other unprintable characters escaped (messages stay one line)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def parse_database_url(url: str | URL) -> URL:
    """Parse and normalise a database URL; :class:`BadDatabaseURL` if newswatch can't use it."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise BadDatabaseURL(
            "not a database URL (expected e.g. sqlite:///newswatch.db or "
            "postgresql://user@host/dbname)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.drivername != "sqlite":
            raise BadDatabaseURL(f"unsupported SQLite driver in {safe_url(parsed)}: use sqlite:///")
        return parsed
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    raise BadDatabaseURL(
        f"unsupported database {safe_url(parsed)}: newswatch supports sqlite:/// and postgresql://"
    )


def make_engine(
    url: str | URL,
    *,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    synchronous_commit: bool = True,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url`` with newswatch's connection settings (see module docstring).

    ``sqlite_busy_timeout_ms``: how long an SQLite writer waits for another writer's lock.
    ``synchronous_commit=False``: PostgreSQL sessions run with ``synchronous_commit = off``
    (a commit returns before its WAL record is flushed to disk; a crash of the server or the
    machine, not of newswatch, can lose the last fraction of a second of commits, never half
    of one). SQLite connections always run ``synchronous = NORMAL`` in WAL mode, the same
    trade. Other keyword arguments go to :func:`sqlalchemy.create_engine`.
    """
    parsed = parse_database_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, **kwargs)
            event.listen(engine, "connect", _sqlite_connection_setup(sqlite_busy_timeout_ms))
            return engine
        if "connect_timeout" not in parsed.query:
            kwargs.setdefault("connect_args", {}).setdefault(
                "connect_timeout", POSTGRES_CONNECT_TIMEOUT_S
            )
        if not synchronous_commit:
            connect_args = kwargs.setdefault("connect_args", {})
            options = connect_args.get("options", "")
            connect_args["options"] = f"{options} -c synchronous_commit=off".strip()
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ImportError):
        raise BadDatabaseURL(
            f"the driver for {safe_url(parsed)} is not installed "
            "(for PostgreSQL: pip install 'newswatch[postgres]')"
        ) from None
    except ArgumentError as exc:
        raise BadDatabaseURL(f"invalid database URL {safe_url(parsed)}: {exc}") from None


def _sqlite_connection_setup(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return configure


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (the CLI prints them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def connect(engine: Engine) -> Connection:
    """Open a connection; "cannot reach/open the database" becomes :class:`DatabaseUnavailable`."""
    try:
        return engine.connect()
    except DBAPIError as exc:
        if isinstance(exc, ProgrammingError):  # psycopg: an unknown connection option
            raise BadDatabaseURL(
                f"invalid connection parameters in {safe_url(engine.url)}: "
                f"{_first_line(exc.orig, engine.url)}"
            ) from None
        if not isinstance(exc, OperationalError | InterfaceError):
            raise
        raise DatabaseUnavailable(
            f"cannot open database {safe_url(engine.url)}: {_first_line(exc.orig, engine.url)}"
        ) from None


#: SQLSTATEs of PostgreSQL errors that mean "the server went away" (class 08, 57P0x).
_PG_CONNECTION_LOST = ("08", "57P01", "57P02", "57P03")


def database_error(exc: DBAPIError, url: URL) -> StoreError | None:
    """The :class:`StoreError` that explains a database failure caused by the environment
    (unreachable or lost server, a lock held too long, a full disk), or ``None`` when ``exc``
    is something else (a constraint violation, a bug) that should propagate unchanged.

    The message is one line and never contains the password.
    """
    orig = exc.orig
    line = _first_line(orig, url)
    where = safe_url(url)
    sqlite_name = str(getattr(orig, "sqlite_errorname", "") or "")
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or sqlstate == "55P03":
        return DatabaseLocked(
            f"database {where} is locked by another writer and stayed locked past the "
            f"busy timeout: {line}"
        )
    if sqlite_name.startswith("SQLITE_FULL") or sqlstate in ("53100", "53400"):
        return DatabaseFull(f"database {where} is full (disk full or size limit): {line}")
    if sqlite_name.startswith(("SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN")):
        return StoreError(f"cannot write to database {where}: {line}")
    lost = exc.connection_invalidated or sqlstate.startswith(_PG_CONNECTION_LOST)
    no_code = not sqlite_name and not sqlstate  # psycopg: "server closed the connection"
    if lost or (isinstance(exc, OperationalError | InterfaceError) and no_code):
        return DatabaseUnavailable(f"lost the connection to database {where}: {line}")
    return None


def _first_line(error: BaseException | None, url: URL) -> str:
    text = str(error or "").strip().splitlines()
    line = text[0] if text else "unknown error"
    if url.password:
        line = line.replace(str(url.password), "***")
    return line
