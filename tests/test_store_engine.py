"""Database URL resolution, engine settings and clear connection errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from newswatch.store.engine import (
    DEFAULT_DATABASE_URL,
    connect,
    make_engine,
    parse_database_url,
    resolve_database_url,
    safe_url,
    sqlite_file,
)
from newswatch.store.errors import BadDatabaseURL, DatabaseUnavailable


def test_command_line_url_wins_over_environment() -> None:
    env = {"NEWSWATCH_DATABASE_URL": "sqlite:///from-env.db"}
    assert resolve_database_url("sqlite:///from-cli.db", env) == "sqlite:///from-cli.db"


def test_environment_url_is_used_without_command_line_value() -> None:
    env = {"NEWSWATCH_DATABASE_URL": "postgresql://nw@db.example/news"}
    assert resolve_database_url(None, env) == "postgresql://nw@db.example/news"


def test_default_is_sqlite_file_in_working_directory() -> None:
    assert resolve_database_url(None, {}) == DEFAULT_DATABASE_URL == "sqlite:///newswatch.db"
    assert resolve_database_url(None, {"NEWSWATCH_DATABASE_URL": "  "}) == DEFAULT_DATABASE_URL


def test_plain_postgresql_url_is_rewritten_to_psycopg3() -> None:
    url = parse_database_url("postgresql://nw:secret@db.example:5432/news")
    assert url.drivername == "postgresql+psycopg"
    assert parse_database_url("postgres://db.example/news").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url", ["not a url", "mysql://root:hunter2@db/news", "sqlite+pysqlcipher:///x.db"]
)
def test_unsupported_or_garbled_url_is_a_bad_database_url(url: str) -> None:
    with pytest.raises(BadDatabaseURL):
        make_engine(url)


def test_messages_never_contain_the_password() -> None:
    with pytest.raises(BadDatabaseURL) as excinfo:
        make_engine("mysql://root:hunter2@db/news")
    assert "hunter2" not in str(excinfo.value)
    assert "hunter2" not in safe_url("postgresql://nw:hunter2@db/news")


def test_unreachable_postgres_server_is_database_unavailable() -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    engine = make_engine("postgresql://nw:hunter2@127.0.0.1:9/news?connect_timeout=3")
    with pytest.raises(DatabaseUnavailable) as excinfo:
        connect(engine)
    message = str(excinfo.value)
    assert "127.0.0.1:9" in message
    assert "hunter2" not in message


def test_sqlite_file_in_missing_directory_is_database_unavailable(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    with pytest.raises(DatabaseUnavailable):
        connect(engine)


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    engine.dispose()


def connect_params(url: str, **options: Any) -> dict[str, Any]:
    """The keyword arguments newswatch's engine (made with ``options``) hands to psycopg."""
    engine = make_engine(url, **options)
    seen: dict[str, Any] = {}

    @event.listens_for(engine, "do_connect")
    def capture(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        seen.update(cparams)

    with pytest.raises(DatabaseUnavailable):  # nothing listens on port 9
        connect(engine)
    engine.dispose()
    return seen


def test_postgres_connections_time_out_unless_the_url_says_otherwise() -> None:
    assert connect_params("postgresql://nw@127.0.0.1:9/news")["connect_timeout"] == 10
    assert (
        connect_params("postgresql://nw@127.0.0.1:9/news?connect_timeout=3")["connect_timeout"]
        == "3"
    )


def test_postgres_commits_wait_for_the_disk_unless_the_engine_says_otherwise() -> None:
    assert "options" not in connect_params("postgresql://nw@127.0.0.1:9/news")
    relaxed = connect_params("postgresql://nw@127.0.0.1:9/news", synchronous_commit=False)
    assert relaxed["options"] == "-c synchronous_commit=off"
    assert relaxed["connect_timeout"] == 10


@pytest.mark.postgres
def test_a_crawl_writes_postgres_without_waiting_for_the_wal_flush_unless_configured(
    postgres_url: str,
) -> None:
    from newswatch.config import CrawlConfig
    from newswatch.store_archive import crawl_engine

    def setting(engine: Engine) -> str:
        with engine.connect() as conn:
            value = str(conn.execute(text("SHOW synchronous_commit")).scalar())
        engine.dispose()
        return value

    assert setting(crawl_engine(postgres_url, CrawlConfig())) == "off"
    assert setting(crawl_engine(postgres_url, CrawlConfig(synchronous_commit=True))) == "on"
    assert setting(make_engine(postgres_url)) == "on"  # readers, migrations, the CLI


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///archive.db", "archive.db"),
        ("sqlite:////var/lib/newswatch/archive.db", "/var/lib/newswatch/archive.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://newswatch@db.example/archive", None),
    ],
)
def test_sqlite_file_names_the_file_of_an_sqlite_archive_only(url: str, file: str | None) -> None:
    assert sqlite_file(url) == file
