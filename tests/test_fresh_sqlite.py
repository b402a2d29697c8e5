"""A new SQLite archive from the recorded schema: the same database the migrations make, made
in one transaction without Alembic."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from newswatch.store import fresh_sqlite, migrate, sqlite_schema_at_head
from newswatch.store.engine import make_engine


@pytest.fixture
def new_file(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    database = tmp_path / "archive.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    yield database, engine
    engine.dispose()


def normalised(sql: str) -> str:
    """``sql`` with a table's constraints sorted: Alembic's batch mode writes a rebuilt table's
    constraints in an order that changes from run to run."""
    if not sql.startswith("CREATE TABLE"):
        return sql
    head, _, rest = sql.partition("(")
    body, _, tail = rest.rpartition(")")
    items, depth, start = [], 0, 0
    for index, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(body[start:index].strip())
            start = index + 1
    items.append(body[start:].strip())
    columns = [item for item in items if not item.startswith("CONSTRAINT")]
    constraints = sorted(item for item in items if item.startswith("CONSTRAINT"))
    return f"{head}({', '.join(columns + constraints)}){tail}"


def schema_and_rows(database: Path) -> tuple[list[tuple[str, ...]], dict[str, list[tuple]]]:
    """Every object SQLite knows of (its own and FTS5's tables included) and the rows of every
    table but FTS5's (whose structure record tells what was done to the empty index)."""
    with sqlite3.connect(database) as connection:
        objects = sorted(
            (kind, name, table, normalised(sql))
            for kind, name, table, sql in connection.execute(
                "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"
            )
        )
        rows = {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall())
            for kind, name, _, _ in objects
            if kind == "table" and not name.startswith("article_search")
        }
    connection.close()
    return objects, rows


def test_the_recording_is_what_the_migrations_make_now(tmp_path: Path) -> None:
    fresh = tmp_path / "recording.py"
    fresh_sqlite.record(fresh)
    namespace: dict[str, object] = {}
    exec(fresh.read_text(encoding="utf-8"), namespace)
    assert namespace["REVISION"] == sqlite_schema_at_head.REVISION == migrate.head()
    assert sorted(normalised(s) for s in namespace["STATEMENTS"]) == sorted(  # type: ignore[attr-defined]
        normalised(s) for s in sqlite_schema_at_head.STATEMENTS
    ), "a migration changed the schema: run python -m newswatch.store.fresh_sqlite"


def test_a_new_archive_from_the_recording_equals_one_made_by_the_migrations(
    tmp_path: Path,
) -> None:
    recorded, migrated = tmp_path / "recorded.sqlite", tmp_path / "migrated.sqlite"
    for database, make in ((recorded, migrate.ensure_schema), (migrated, migrate.upgrade)):
        engine = make_engine(f"sqlite:///{database}")
        make(engine)
        engine.dispose()

    assert schema_and_rows(recorded) == schema_and_rows(migrated)


def test_an_empty_sqlite_file_is_created_at_head_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    code = (
        "import sys\n"
        "from newswatch.store import ensure_schema, make_engine\n"
        f"ensure_schema(make_engine({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
    engine = make_engine(url)
    assert migrate.current(engine) == migrate.head()
    engine.dispose()


def test_an_archive_made_from_the_recording_migrates_down_and_up_again(
    new_file: tuple[Path, Engine],
) -> None:
    _, engine = new_file
    migrate.ensure_schema(engine)
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()


def test_a_database_that_is_not_empty_is_left_to_the_migrations(
    new_file: tuple[Path, Engine],
) -> None:
    _, engine = new_file
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))

    assert not fresh_sqlite.create_at_head(engine, migrate.HEAD_REVISION)


def test_a_recording_of_another_revision_is_not_used(new_file: tuple[Path, Engine]) -> None:
    _, engine = new_file
    assert not fresh_sqlite.create_at_head(engine, "9999_from_the_future")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar() == 0


def test_a_creation_that_fails_midway_leaves_an_empty_database(
    new_file: tuple[Path, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, engine = new_file
    broken = (*sqlite_schema_at_head.STATEMENTS, "CREATE TABLE broken (")
    monkeypatch.setattr(sqlite_schema_at_head, "STATEMENTS", broken)

    with pytest.raises(OperationalError):
        fresh_sqlite.create_at_head(engine, migrate.HEAD_REVISION)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar() == 0
