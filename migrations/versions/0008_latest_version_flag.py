"""The latest version is marked (``article_versions.is_latest``); search walks it newest-first.

Before, "latest version" was a correlated ``max(version_no)`` per candidate row, and search
sorted every match by date: 200–300 ms for a common word at only 20,000 versions
(docs/performance.md). Now:

Both dialects:

- ``article_versions.is_latest`` (boolean, NOT NULL, default false): true on the highest
  ``version_no`` of each article. ``save_article`` moves it in the transaction that adds a
  version. Backfilled here from ``max(version_no)``.
- ``ix_article_versions_latest_article_id``: unique on ``article_id`` WHERE ``is_latest`` (in the
  models): two latest versions of one article cannot be committed.
- ``ix_article_versions_latest_published``: ``published_at DESC NULLS LAST`` (SQLite: and
  ``article_id``) WHERE ``is_latest`` (by hand, hidden from autogenerate): search reads it
  newest-first and stops at its LIMIT.
- the ``latest_versions`` view selects ``WHERE v.is_latest`` instead of the ``max()`` subquery.
- triggers keep the rule for every writer, not only ``save_article``: a version inserted without
  the flag that has the highest ``version_no`` takes it over (``article_versions_latest_after_
  insert``), and deleting the latest version makes the previous one latest (SQLite: in
  ``article_search_after_delete``; PostgreSQL: ``article_versions_after_delete``; the functions
  are ``article_versions_take_over_latest`` and ``article_versions_promote_previous``).

SQLite: ``article_search`` becomes an external-content FTS5 table over the view
``article_search_source`` (the latest versions' title, teaser and first 200,000 characters of
body, rowid = article id): the index no longer keeps its own copy of the text (which was 30% of
the file). The triggers now follow ``is_latest``: a version that becomes latest is indexed, one
that stops being latest (or is deleted) is removed with FTS5's ``'delete'`` command and the
values it was indexed with.

PostgreSQL: ``search_vector`` (0007) is stored for latest versions only (NULL for older ones)
and the GIN index ``ix_article_versions_fulltext`` is partial (WHERE ``is_latest``): older
versions cost no index space. ANALYZE keeps statistics on 10,000 of its lexemes (search asks
the planner's estimate to choose between the GIN index and the newest-first walk).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sibling(file_name: str) -> ModuleType:
    path = Path(__file__).with_name(file_name)
    spec = importlib.util.spec_from_file_location(f"newswatch_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0002 = _sibling("0002_fulltext_and_latest_versions.py")
_0007 = _sibling("0007_stored_search_vector.py")

LATEST_INDEX = "ix_article_versions_latest_article_id"
PUBLISHED_INDEX = "ix_article_versions_latest_published"

BACKFILL = """
UPDATE article_versions SET is_latest = true
WHERE version_no = (
    SELECT max(v2.version_no) FROM article_versions v2
    WHERE v2.article_id = article_versions.article_id
)
"""

#: The condition of the partial indexes, per dialect. SQLite uses a partial index only for a
#: query term spelled exactly like it, and SQLAlchemy spells a boolean test "is_latest = 1" there.
LATEST = {"sqlite": "is_latest = 1", "postgresql": "is_latest"}

#: 0002's view with the flag instead of the correlated max(version_no).
LATEST_VERSIONS_VIEW = _0002.LATEST_VERSIONS_VIEW.split("WHERE v.version_no = (")[0] + (
    "WHERE v.{latest}\n"
)

#: Newest first over the latest versions: the order of newswatch search. On SQLite with
#: article_id, so that a walk testing article ids against a list of matches reads the index
#: alone (search.py's "medium" plan; PostgreSQL has no such plan).
PUBLISHED_INDEX_DDL = (
    f"CREATE INDEX {PUBLISHED_INDEX} ON article_versions ({{columns}}) WHERE {{latest}}"
)
PUBLISHED_INDEX_COLUMNS = {
    "sqlite": "published_at DESC, article_id",  # DESC puts NULLs last on SQLite
    "postgresql": "published_at DESC NULLS LAST",
}

# --- SQLite ---------------------------------------------------------------------------------

_INDEX_NEW = """INSERT INTO article_search (rowid, title, teaser, body)
    SELECT NEW.article_id, NEW.title, NEW.teaser, substr(NEW.body, 1, 200000)
    WHERE NEW.is_latest;"""
_UNINDEX_OLD = """INSERT INTO article_search (article_search, rowid, title, teaser, body)
    SELECT 'delete', OLD.article_id, OLD.title, OLD.teaser, substr(OLD.body, 1, 200000)
    WHERE OLD.is_latest;"""

# Deleting the latest version makes the previous one latest (and, on SQLite, indexed through
# the update trigger), so that plain SQL deletes keep "latest = highest version_no".
_PROMOTE_PREVIOUS = """UPDATE article_versions SET is_latest = true
    WHERE article_id = OLD.article_id AND version_no = (
        SELECT max(v2.version_no) FROM article_versions v2 WHERE v2.article_id = OLD.article_id
    );"""

# A version inserted without the flag (plain SQL, bulk loads) that has the highest version_no
# takes it over, so "latest = highest version_no" holds for every writer. save_article moves
# the flag itself (the old row first, then an insert with is_latest true), so this does nothing
# for it.
_TAKE_OVER = """UPDATE article_versions SET is_latest = false
        WHERE article_id = NEW.article_id AND is_latest AND id <> NEW.id;
    UPDATE article_versions SET is_latest = true WHERE id = NEW.id;"""
_IS_NEWEST = """NEW.version_no >= (
        SELECT max(v2.version_no) FROM article_versions v2 WHERE v2.article_id = NEW.article_id
    )"""

SQLITE_TAKE_OVER = f"""CREATE TRIGGER article_versions_latest_after_insert
    AFTER INSERT ON article_versions WHEN NOT NEW.is_latest AND {_IS_NEWEST}
    BEGIN {_TAKE_OVER} END"""

SQLITE_FULLTEXT = [
    """CREATE VIEW article_search_source AS
    SELECT article_id, title, teaser, substr(body, 1, 200000) AS body
    FROM article_versions WHERE is_latest = 1""",
    """CREATE VIRTUAL TABLE article_search USING fts5(
        title, teaser, body, content = 'article_search_source', content_rowid = 'article_id',
        tokenize = 'unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER article_search_after_insert AFTER INSERT ON article_versions
    WHEN NEW.is_latest BEGIN {_INDEX_NEW} END""",
    f"""CREATE TRIGGER article_search_after_delete AFTER DELETE ON article_versions
    WHEN OLD.is_latest BEGIN {_UNINDEX_OLD} {_PROMOTE_PREVIOUS} END""",
    f"""CREATE TRIGGER article_search_after_update
    AFTER UPDATE OF is_latest, article_id, title, teaser, body ON article_versions
    WHEN OLD.is_latest OR NEW.is_latest BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END""",
    "INSERT INTO article_search (article_search) VALUES ('rebuild')",
]

#: 0002's triggers and FTS table, dropped (upgrade) and made again (downgrade).
SQLITE_0002_FULLTEXT_DROP = [
    "DROP TRIGGER article_search_after_update",
    "DROP TRIGGER article_search_after_delete",
    "DROP TRIGGER article_search_after_insert",
    "DROP TABLE article_search",
]


def _sqlite_upgrade() -> None:
    for statement in ["DROP VIEW latest_versions", *SQLITE_0002_FULLTEXT_DROP]:
        op.execute(statement)
    op.execute("ALTER TABLE article_versions ADD COLUMN is_latest BOOLEAN DEFAULT 0 NOT NULL")
    op.execute(BACKFILL)
    _create_latest_indexes("sqlite")
    op.execute(LATEST_VERSIONS_VIEW.format(latest=LATEST["sqlite"]))
    for statement in SQLITE_FULLTEXT:
        op.execute(statement)
    op.execute(SQLITE_TAKE_OVER)


def _sqlite_downgrade() -> None:
    for statement in [
        "DROP TRIGGER article_versions_latest_after_insert",
        "DROP TRIGGER article_search_after_update",
        "DROP TRIGGER article_search_after_delete",
        "DROP TRIGGER article_search_after_insert",
        "DROP TABLE article_search",
        "DROP VIEW article_search_source",
        "DROP VIEW latest_versions",
    ]:
        op.execute(statement)
    _drop_latest_indexes()
    op.execute("ALTER TABLE article_versions DROP COLUMN is_latest")
    # 0002's FTS5 table, triggers, fill and view, exactly as 0002 makes them.
    for statement in _0002.SQLITE_UPGRADE:
        op.execute(statement)


# --- PostgreSQL -----------------------------------------------------------------------------

POSTGRES_LATEST_VECTOR = (
    "ALTER TABLE article_versions ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (CASE WHEN is_latest THEN strip({_0007.DOCUMENT}) END) STORED"
)


POSTGRES_PROMOTE = [
    f"""CREATE FUNCTION article_versions_promote_previous() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {_PROMOTE_PREVIOUS}
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER article_versions_after_delete AFTER DELETE ON article_versions
    FOR EACH ROW WHEN (OLD.is_latest) EXECUTE FUNCTION article_versions_promote_previous()""",
    f"""CREATE FUNCTION article_versions_take_over_latest() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF {_IS_NEWEST} THEN
            {_TAKE_OVER}
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER article_versions_latest_after_insert AFTER INSERT ON article_versions
    FOR EACH ROW WHEN (NOT NEW.is_latest) EXECUTE FUNCTION article_versions_take_over_latest()""",
]


#: Statistics on 10,000 lexemes instead of 1,000: search asks the planner how many latest
#: versions a word is in (newswatch.store.search), and words down to about 1% of the articles
#: must be among those counted.
POSTGRES_VECTOR_STATISTICS = (
    "ALTER TABLE article_versions ALTER COLUMN search_vector SET STATISTICS 1000"
)

POSTGRES_FULLTEXT_INDEX = (
    "CREATE INDEX ix_article_versions_fulltext ON article_versions "
    "USING gin (search_vector) WHERE is_latest"
)


def _postgres_upgrade() -> None:
    op.execute("DROP VIEW latest_versions")
    op.execute("DROP INDEX ix_article_versions_fulltext")
    op.execute("ALTER TABLE article_versions DROP COLUMN search_vector")
    op.execute("ALTER TABLE article_versions ADD COLUMN is_latest boolean DEFAULT false NOT NULL")
    op.execute(
        "UPDATE article_versions v SET is_latest = true "
        "FROM (SELECT article_id, max(version_no) AS version_no FROM article_versions "
        "GROUP BY article_id) latest "
        "WHERE v.article_id = latest.article_id AND v.version_no = latest.version_no"
    )
    # Added after the backfill: the table is rewritten once, with vectors for latest rows only.
    op.execute(POSTGRES_LATEST_VECTOR)
    op.execute(POSTGRES_VECTOR_STATISTICS)
    op.execute(POSTGRES_FULLTEXT_INDEX)
    _create_latest_indexes("postgresql")
    op.execute(LATEST_VERSIONS_VIEW.format(latest=LATEST["postgresql"]))
    for statement in POSTGRES_PROMOTE:
        op.execute(statement)


def _postgres_downgrade() -> None:
    op.execute("DROP TRIGGER article_versions_latest_after_insert ON article_versions")
    op.execute("DROP FUNCTION article_versions_take_over_latest()")
    op.execute("DROP TRIGGER article_versions_after_delete ON article_versions")
    op.execute("DROP FUNCTION article_versions_promote_previous()")
    op.execute("DROP VIEW latest_versions")
    op.execute("DROP INDEX ix_article_versions_fulltext")
    op.execute("ALTER TABLE article_versions DROP COLUMN search_vector")
    _drop_latest_indexes()
    op.execute("ALTER TABLE article_versions DROP COLUMN is_latest")
    for statement in _0007.POSTGRES_UPGRADE[1:]:  # 0007's column and GIN index
        op.execute(statement)
    op.execute(_0002.LATEST_VERSIONS_VIEW)


def _create_latest_indexes(dialect: str) -> None:
    op.create_index(
        LATEST_INDEX,
        "article_versions",
        ["article_id"],
        unique=True,
        sqlite_where=sa.text(LATEST["sqlite"]),
        postgresql_where=sa.text(LATEST["postgresql"]),
    )
    op.execute(published_index_ddl(dialect))


def published_index_ddl(dialect: str) -> str:
    """The statement that makes ix_article_versions_latest_published on ``dialect``."""
    return PUBLISHED_INDEX_DDL.format(
        columns=PUBLISHED_INDEX_COLUMNS[dialect], latest=LATEST[dialect]
    )


def _drop_latest_indexes() -> None:
    op.execute(f"DROP INDEX {PUBLISHED_INDEX}")
    op.drop_index(LATEST_INDEX, table_name="article_versions")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_downgrade()
    else:
        _sqlite_downgrade()
