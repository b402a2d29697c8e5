"""Database faults at the store level: unreachable at start, PostgreSQL connection dropped
mid-run, SQLite locked by another writer, SQLite full. Nothing committed is ever lost."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from newswatch.cli import main
from newswatch.cli.database import EXIT_DATABASE_UNAVAILABLE
from newswatch.store import (
    DatabaseFull,
    DatabaseLocked,
    DatabaseUnavailable,
    make_engine,
    migrate,
    models,
    save_article,
    session_factory,
)
from newswatch.store.engine import database_error
from newswatch.store.integrity import check_archive
from tests.integrity_samples import OtherWriter
from tests.store_samples import FETCHED_AT, english_article, german_article

PASSWORD = "s3cr3t-Pw"
LATER = FETCHED_AT + timedelta(hours=1)


def closed_port() -> int:
    """A loopback port nothing listens on (bound once by us, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def article_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(models.Article)).scalar_one())


def another_article(n: int) -> Any:
    return english_article(
        url=f"https://www.example-news.com/technology/ai-{n}",
        canonical_url=f"https://www.example-news.com/technology/ai-{n}",
        title=f"AI investment, part {n}",
    )


# --- unreachable at start --------------------------------------------------------------------

COMMANDS = [
    ["db", "current"],
    ["db", "upgrade"],
    ["search", "Stargate"],
    ["show", "1"],
    ["diff", "1"],
    ["check"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("where", ["closed port", "unknown host"])
def test_unreachable_database_at_start_is_one_line_and_exit_code_3(
    command: list[str], where: str
) -> None:
    host = f"127.0.0.1:{closed_port()}" if where == "closed port" else "db.invalid"
    url = f"postgresql://newswatch:{PASSWORD}@{host}/news?connect_timeout=3"
    result = CliRunner().invoke(main, [*command, "--db", url])
    assert result.exit_code == EXIT_DATABASE_UNAVAILABLE == 3
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot open database postgresql+psycopg://newswatch:***@")
    assert PASSWORD not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("where", ["closed port", "unknown host"])
def test_runs_reports_an_unreachable_database_in_one_line_with_the_crawl_exit_code(
    where: str,
) -> None:
    # `runs` belongs to the crawl commands, whose code for "database problem" is 4
    # (newswatch.cli.crawl; `crawl` itself is tested in tests/test_crawl_cli.py).
    host = f"127.0.0.1:{closed_port()}" if where == "closed port" else "db.invalid"
    url = f"postgresql://newswatch:{PASSWORD}@{host}/news?connect_timeout=3"
    result = CliRunner().invoke(main, ["runs", "--db", url])
    assert result.exit_code == 4
    [line] = result.output.splitlines()
    assert "cannot open database postgresql+psycopg://newswatch:***@" in line
    assert PASSWORD not in result.output


@pytest.mark.parametrize("command", COMMANDS[:5], ids=lambda c: " ".join(c))
def test_sqlite_file_in_a_missing_directory_is_exit_code_3(
    command: list[str], tmp_path: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'gone' / 'newswatch.db'}"
    result = CliRunner().invoke(main, [*command, "--db", url])
    assert result.exit_code == EXIT_DATABASE_UNAVAILABLE
    assert len(result.stderr.splitlines()) == 1
    assert "unable to open database file" in result.stderr


# --- PostgreSQL connection dropped mid-run ----------------------------------------------------


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    # trust authentication ignores the password; it is here to prove it never shows
    url = make_url(postgres_url).set(password=PASSWORD)
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def admin(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(
        make_url(postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    yield engine
    engine.dispose()


def terminate(admin: Engine, backend_pid: int) -> None:
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": backend_pid}).scalar()


def backend_pid(session: Session) -> int:
    """Start a transaction on ``session`` (as a crawl's session would be) and name its server."""
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.postgres
def test_idle_connection_killed_between_saves_is_replaced(pg_engine: Engine, admin: Engine) -> None:
    with session_factory(pg_engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        with pg_engine.connect() as conn:  # the pooled connection the next save will get
            pid = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        terminate(admin, pid)
        outcome = save_article(session, english_article(), source_name="ex", fetched_at=LATER)
    assert outcome.status == "new"
    assert article_count(pg_engine) == 2


@pytest.mark.postgres
def test_connection_killed_while_in_use_is_retried_and_nothing_is_lost(
    pg_engine: Engine, admin: Engine
) -> None:
    with session_factory(pg_engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        terminate(admin, backend_pid(session))
        outcome = save_article(session, english_article(), source_name="ex", fetched_at=LATER)
        assert outcome.status == "new"
        again = save_article(session, german_article(), source_name="tagesschau", fetched_at=LATER)
    assert again.status == "unchanged"
    assert article_count(pg_engine) == 2
    assert check_archive(pg_engine).problems == []


@pytest.mark.postgres
def test_server_that_stays_away_is_a_clear_store_error_and_committed_data_stays(
    pg_engine: Engine, admin: Engine
) -> None:
    database = pg_engine.url.database
    with session_factory(pg_engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        pid = backend_pid(session)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false'))
        terminate(admin, pid)
        with pytest.raises(DatabaseUnavailable) as raised:
            save_article(session, english_article(), source_name="ex", fetched_at=LATER)
    message = str(raised.value)
    assert len(message.splitlines()) == 1
    assert "not currently accepting connections" in message
    assert PASSWORD not in message
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true'))
    pg_engine.dispose()
    assert article_count(pg_engine) == 1
    assert check_archive(pg_engine).problems == []


# --- SQLite locked by another writer ----------------------------------------------------------


@pytest.fixture
def sqlite_path(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    with session_factory(engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    engine.dispose()
    path = make_url(sqlite_url).database
    assert path is not None
    return path


def test_writer_waits_for_a_lock_that_is_released_within_the_busy_timeout(
    sqlite_path: str,
) -> None:
    engine = make_engine(f"sqlite:///{sqlite_path}", sqlite_busy_timeout_ms=20_000)
    with OtherWriter(sqlite_path) as other, session_factory(engine)() as session:
        threading.Timer(0.3, other.release.set).start()
        outcome = save_article(session, english_article(), source_name="ex", fetched_at=LATER)
    assert outcome.status == "new"
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sources")).scalars())
    assert names == {"tagesschau", "ex", "other-writer"}
    engine.dispose()


def test_lock_held_past_the_busy_timeout_is_a_clear_error_and_nothing_is_half_written(
    sqlite_path: str,
) -> None:
    engine = make_engine(f"sqlite:///{sqlite_path}", sqlite_busy_timeout_ms=200)
    with (
        OtherWriter(sqlite_path),
        session_factory(engine)() as session,
        pytest.raises(DatabaseLocked, match="locked by another writer"),
    ):
        save_article(session, english_article(), source_name="ex", fetched_at=LATER)
    assert article_count(engine) == 1
    with session_factory(engine)() as session:  # the lock is gone: the same save now works
        outcome = save_article(session, english_article(), source_name="ex", fetched_at=LATER)
    assert outcome.status == "new"
    assert check_archive(engine).problems == []
    engine.dispose()


# --- SQLite full ------------------------------------------------------------------------------


def capped_engine(path: str, extra_pages: int) -> Engine:
    """An engine whose connections may grow the file by at most ``extra_pages`` pages."""
    with sqlite3.connect(path) as probe:
        probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = int(probe.execute("PRAGMA page_count").fetchone()[0])
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    return engine


def test_full_database_is_a_clear_error_and_stored_data_is_intact(sqlite_path: str) -> None:
    engine = capped_engine(sqlite_path, extra_pages=2)
    huge = another_article(1)
    huge.body = "\n\n".join(f"Absatz {i}: " + "Rechenzentrum " * 60 for i in range(400))
    with session_factory(engine)() as session:
        with pytest.raises(DatabaseFull, match="is full"):
            save_article(session, huge, source_name="ex", fetched_at=LATER, raw_html=b"x" * 200_000)
        again = save_article(session, german_article(), source_name="tagesschau", fetched_at=LATER)
    assert again.status == "unchanged"  # small writes that fit still work
    assert article_count(engine) == 1
    assert check_archive(engine).problems == []
    engine.dispose()


#: Run in a child process: RLIMIT_FSIZE makes the OS refuse to grow any file beyond a limit,
#: the closest to a full disk a test can get without mounting a tiny filesystem.
FILE_SIZE_LIMIT_CHILD = """
import os, resource, signal, sys
from datetime import UTC, datetime
from newswatch.store import StoreError, make_engine, save_article, session_factory
from tests.store_samples import english_article

path = sys.argv[1]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write() instead of a killed process
engine = make_engine(f"sqlite:///{path}")
with engine.connect():
    pass
files = [path + suffix for suffix in ("", "-wal") if os.path.exists(path + suffix)]
largest = max(os.path.getsize(name) for name in files)
resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 65536, largest + 65536))
article = english_article(
    url="https://www.example-news.com/big", canonical_url="https://www.example-news.com/big",
    body="\\n\\n".join(f"Absatz {i}: " + "Rechenzentrum " * 60 for i in range(400)),
)
with session_factory(engine)() as session:
    try:
        save_article(session, article, source_name="ex", fetched_at=datetime.now(UTC),
                     raw_html=os.urandom(300_000))
    except StoreError as exc:
        print(type(exc).__name__, exc, sep=": ")
"""


def test_write_refused_by_the_operating_system_is_a_clear_error_and_data_is_intact(
    sqlite_path: str,
) -> None:
    repository = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT_CHILD, sqlite_path],
        capture_output=True,
        text=True,
        cwd=repository,
        env={**os.environ, "PYTHONPATH": str(repository)},
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stderr == ""
    assert child.stdout.startswith("StoreError: cannot write to database sqlite:///")
    engine = make_engine(f"sqlite:///{sqlite_path}")
    assert article_count(engine) == 1
    assert check_archive(engine).problems == []
    engine.dispose()


# --- through the crawl's pipeline ---------------------------------------------------------------


def test_a_locked_archive_during_a_crawl_is_counted_and_logged_not_raised(
    sqlite_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    from newswatch.config import CrawlConfig
    from newswatch.store_archive import StoreArchive
    from tests.crawl_site import article_html
    from tests.test_crawl_pipeline import SOURCE, make_pipeline, page, stat

    engine = make_engine(f"sqlite:///{sqlite_path}", sqlite_busy_timeout_ms=200)
    archive = StoreArchive(engine, crawl_config=CrawlConfig(), sources=[SOURCE])
    pipeline, spider = make_pipeline(archive)  # type: ignore[arg-type]
    with OtherWriter(sqlite_path):
        pipeline.process_item(page("https://www.heise.de/news/a.html", article_html("Stargate")))
    assert stat(spider, "errors/store") == 1
    [record] = [r for r in caplog.records if r.name == "newswatch.processing"]
    assert record.getMessage().startswith("Archive error (saved): DatabaseLocked: database ")
    pipeline.process_item(page("https://www.heise.de/news/a.html", article_html("Stargate")))
    assert stat(spider, "new") == 1  # the lock is gone: the next page is saved
    assert article_count(engine) == 2
    engine.dispose()


# --- which driver errors become which store errors ---------------------------------------------


class FakeDriverError(Exception):
    """Stands in for a psycopg / sqlite3 exception: only the attributes newswatch reads."""

    def __init__(self, message: str, *, sqlstate: str | None = None, sqlite_name: str = "") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.sqlite_errorname = sqlite_name


PG_URL = make_url(f"postgresql+psycopg://newswatch:{PASSWORD}@db.example/news")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OperationalError("x", {}, FakeDriverError("disk full", sqlstate="53100")), DatabaseFull),
        (
            OperationalError("x", {}, FakeDriverError("lock timeout", sqlstate="55P03")),
            DatabaseLocked,
        ),
        (
            OperationalError("x", {}, FakeDriverError("terminating connection", sqlstate="57P01")),
            DatabaseUnavailable,
        ),
        (
            OperationalError("x", {}, FakeDriverError("server closed the connection")),
            DatabaseUnavailable,
        ),
        (
            OperationalError(
                "x", {}, FakeDriverError("database is locked", sqlite_name="SQLITE_BUSY")
            ),
            DatabaseLocked,
        ),
        (
            OperationalError("x", {}, FakeDriverError("disk is full", sqlite_name="SQLITE_FULL")),
            DatabaseFull,
        ),
    ],
    ids=["pg-53100", "pg-55P03", "pg-57P01", "pg-no-code", "sqlite-busy", "sqlite-full"],
)
def test_environment_failures_become_store_errors(error: DBAPIError, expected: type) -> None:
    explained = database_error(error, PG_URL)
    assert type(explained) is expected
    assert PASSWORD not in str(explained)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("x", {}, FakeDriverError("duplicate key", sqlstate="23505")),
        OperationalError("x", {}, FakeDriverError("no such table: x", sqlite_name="SQLITE_ERROR")),
        OperationalError("x", {}, FakeDriverError("statement timeout", sqlstate="57014")),
    ],
    ids=["pg-unique-violation", "sqlite-no-such-table", "pg-statement-timeout"],
)
def test_other_database_errors_propagate_unchanged(error: DBAPIError) -> None:
    assert database_error(error, PG_URL) is None


def test_the_password_is_masked_even_when_the_driver_repeats_it() -> None:
    error = OperationalError("x", {}, FakeDriverError(f"auth failed for {PASSWORD}"))
    explained = database_error(error, PG_URL)
    assert explained is not None
    assert PASSWORD not in str(explained)
