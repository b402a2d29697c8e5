"""Upgrade from every earlier revision on a populated archive and downgrade back: nothing lost.

The revisions come from Alembic's history, so a new migration is covered without editing this
file. For each earlier revision R: a populated archive at head is migrated down to R (what R can
hold is the data under test), then up to head and down to R again. Row counts and a content
checksum of every table and column that exists at R are equal at every step, the archive passes
the integrity check at head, and search still finds the articles.
(tests/test_migrations.py covers the schema itself: alembic check, base, schema-ahead.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from newswatch.store import migrate, session_factory
from newswatch.store.engine import make_engine
from newswatch.store.integrity import check_archive
from newswatch.store.search import search
from tests.integrity_samples import populate


def earlier_revisions() -> list[str]:
    """Every revision except head, newest first (walked from Alembic's script directory)."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [rev.revision for rev in script.walk_revisions() if rev.revision != migrate.head()]


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


Snapshot = dict[str, TableDigest]


def snapshot(engine: Engine, columns_of: dict[str, list[str]] | None = None) -> Snapshot:
    """Row count and checksum per table, over ``columns_of`` (default: every column now)."""
    with engine.connect() as conn:
        columns = columns_of if columns_of is not None else table_columns(conn)
        return {table: digest(conn, table, cols) for table, cols in columns.items()}


def table_columns(conn: Connection) -> dict[str, list[str]]:
    inspector = inspect(conn)
    # Hand-made search objects (PostgreSQL's generated search_vector) are derived from the rows
    # and are remade, not restored, by each migration: they are not data.
    return {
        table: sorted(
            column["name"]
            for column in inspector.get_columns(table)
            if column["name"] not in migrate.UNMANAGED_NAMES
        )
        for table in inspector.get_table_names()
        if table != "alembic_version"
        and not table.startswith(migrate.UNMANAGED_TABLE_PREFIX)
        and table != migrate.FULLTEXT_TABLE
    }


def digest(conn: Connection, table: str, columns: list[str]) -> TableDigest:
    quoted = ", ".join(f'"{name}"' for name in columns)
    rows = conn.execute(text(f'SELECT {quoted} FROM "{table}"')).all()
    lines = sorted(json.dumps([canonical(value) for value in row], default=str) for row in rows)
    return TableDigest(len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())


def canonical(value: object) -> object:
    """One spelling per value, whichever way the driver hands it over."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)  # JSON stored as text on SQLite, decoded on PostgreSQL
        except ValueError:
            return value
    if isinstance(value, memoryview):
        return bytes(value).hex()
    if isinstance(value, bytes):
        return value.hex()
    return value


def found_by_search(engine: Engine) -> dict[str, list[tuple[int, int]]]:
    with session_factory(engine)() as session:
        return {
            query: [(hit.article_id, hit.version_no) for hit in search(session, query)]
            for query in ("Stargate", "Brussels", "Milliarden")
        }


@pytest.fixture
def populated_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    populate(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("revision", earlier_revisions())
def test_upgrade_from_earlier_revision_and_downgrade_back_keeps_every_row(
    populated_engine: Engine, revision: str
) -> None:
    engine = populated_engine
    at_head = snapshot(engine)
    found_at_head = found_by_search(engine)
    assert all(table.rows for table in at_head.values()), "every table is populated"

    migrate.downgrade(engine, revision)
    with engine.connect() as conn:
        columns_at_revision = table_columns(conn)
    at_revision = snapshot(engine, columns_at_revision)
    assert {t: d.rows for t, d in at_revision.items() if t in at_head} == {
        t: at_head[t].rows for t in at_revision if t in at_head
    }, "the downgrade dropped rows"

    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert snapshot(engine, columns_at_revision) == at_revision, "the upgrade changed old data"
    # Tables and columns added after R (seen_urls, stories, term_hits) cannot survive a
    # downgrade below them; everything that existed at R must come back whole.
    with engine.connect() as conn:
        columns_at_head = table_columns(conn)
    unchanged = [t for t in columns_at_revision if columns_at_head.get(t) == columns_at_revision[t]]
    now = snapshot(engine)
    assert {t: now[t] for t in unchanged} == {t: at_head[t] for t in unchanged}, (
        "the downgrade lost data that the upgrade cannot restore"
    )
    assert check_archive(engine).problems == []
    assert found_by_search(engine) == found_at_head

    migrate.downgrade(engine, revision)
    assert migrate.current(engine) == revision
    assert snapshot(engine, columns_at_revision) == at_revision


def test_history_is_walked_from_the_scripts() -> None:
    revisions = earlier_revisions()
    assert revisions, "there is at least one migration before head"
    assert migrate.head() not in revisions
    assert "0001" in revisions
