"""Schema migrations (Alembic) as plain functions: upgrade, downgrade, current, ensure_schema.

The migration scripts live in the top-level ``migrations/`` directory of the source tree and are
found relative to this package, so ``newswatch db upgrade`` works from any working directory of
an (editable) install. Objects that Alembic's autogenerate cannot describe — the full-text
index and the ``latest_versions`` view — are created by the migrations themselves and hidden
from autogenerate by :func:`include_object`, so ``alembic check`` stays clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

from newswatch.store.engine import connect, safe_url
from newswatch.store.errors import SchemaAheadError, StoreError


def _find_migrations_dir() -> Path:
    """The top-level ``migrations/`` of a source checkout, else the copy a wheel installed."""
    source_tree = Path(__file__).resolve().parents[2] / "migrations"
    if (source_tree / "env.py").is_file():
        return source_tree
    return Path(__file__).resolve().parents[1] / "_migrations"


MIGRATIONS_DIR = _find_migrations_dir()

#: Database objects that the migrations manage by hand (full-text search, views).
FULLTEXT_TABLE = "article_search"
UNMANAGED_TABLE_PREFIX = FULLTEXT_TABLE + "_"  # FTS5 shadow tables: article_search_data, ...
UNMANAGED_NAMES = frozenset(
    {
        FULLTEXT_TABLE,
        "latest_versions",
        "article_timeline",
        "topic_articles",
        "ix_article_versions_fulltext",
        "search_vector",  # PostgreSQL: generated tsvector column (migrations 0007, 0008)
        "ix_article_versions_latest_published",  # published_at DESC NULLS LAST (0008)
        "article_search_source",  # SQLite: the FTS5 table's content view (0008)
    }
)

#: Any constant: serialises concurrent upgrades of one PostgreSQL database.
_PG_MIGRATION_LOCK = 7_316_524_001


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic autogenerate filter: ignore the hand-made full-text objects and views."""
    if name is None:
        return True
    return name not in UNMANAGED_NAMES and not name.startswith(UNMANAGED_TABLE_PREFIX)


def configure_context(dialect_name: str) -> dict[str, Any]:
    """Keyword arguments for ``context.configure`` shared by env.py and the tests."""
    from newswatch.store.models import Base

    return {
        "target_metadata": Base.metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "include_object": include_object,
    }


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at newswatch's migrations (and at ``connection`` if given)."""
    from alembic.config import Config
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise StoreError(
            f"migration scripts not found at {MIGRATIONS_DIR}; this newswatch installation is "
            "incomplete: reinstall it (pip install newswatch, or pip install -e . from a checkout)"
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    with connect(engine) as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            # Python's sqlite3 runs DDL outside any transaction unless one is open: without this
            # BEGIN a process killed mid-migration leaves half a schema that no later run can
            # upgrade. SQLite's DDL is transactional, so the whole upgrade commits or none of it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        yield conn


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    from alembic import command
    from alembic.util.exc import CommandError

    with _migration_connection(engine) as conn:
        _check_not_ahead(conn)
        try:
            command.upgrade(alembic_config(conn), revision)
        except CommandError as exc:
            raise StoreError(f"cannot upgrade to {revision!r}: {exc}") from None


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table)."""
    from alembic import command
    from alembic.util.exc import CommandError

    with _migration_connection(engine) as conn:
        _check_not_ahead(conn)
        try:
            command.downgrade(alembic_config(conn), revision)
        except CommandError as exc:
            raise StoreError(f"cannot downgrade to {revision!r}: {exc}") from None


def current(engine: Engine) -> str | None:
    """The database's revision, or ``None`` for an empty (never migrated) database."""
    from alembic.runtime.migration import MigrationContext

    with connect(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


#: The newest revision in ``migrations/versions`` (``head()`` reads it from the scripts; a test
#: keeps the two equal). ``ensure_schema`` compares with it so that a database already at the
#: newest revision, every crawl's case, is checked without importing Alembic (0.1 s a process).
HEAD_REVISION = "0009"


def head() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def ensure_schema(engine: Engine) -> None:
    """Bring an empty or older database up to date; refuse one migrated by newer code.

    An empty SQLite database gets the recorded schema at the newest revision in one
    transaction (:mod:`newswatch.store.fresh_sqlite`) instead of every migration in turn."""
    with connect(engine) as conn:
        stamped = _stamped_revisions(conn)
    if stamped == [HEAD_REVISION]:
        return
    if not stamped:
        from newswatch.store.fresh_sqlite import create_at_head

        if create_at_head(engine, HEAD_REVISION):
            return
    with connect(engine) as conn:
        from alembic.runtime.migration import MigrationContext

        revision = MigrationContext.configure(conn).get_current_revision()
    if revision == head():
        return
    _raise_if_unknown(revision, engine)
    upgrade(engine)


def revision_of(conn: Connection) -> str | None:
    """The revision of the database behind ``conn`` (``None`` when empty).

    :class:`SchemaAheadError` when this code does not know the revision.
    """
    from alembic.runtime.migration import MigrationContext

    revision = MigrationContext.configure(conn).get_current_revision()
    _raise_if_unknown(revision, conn.engine)
    return revision


def _stamped_revisions(conn: Connection) -> list[str]:
    """The revisions in Alembic's version table, read with plain SQL ([] without the table)."""
    if not inspect(conn).has_table("alembic_version"):
        return []
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return [str(row) for row in rows]


def _check_not_ahead(conn: Connection) -> None:
    revision_of(conn)


def _raise_if_unknown(revision: str | None, engine: Engine) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaAheadError(
            f"database {safe_url(engine.url)} is at schema revision {revision!r}, which this "
            f"newswatch does not know (newest known: {head()!r}); upgrade newswatch"
        )
