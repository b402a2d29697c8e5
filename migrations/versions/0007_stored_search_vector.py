"""PostgreSQL full text: a stored ``tsvector`` column instead of an expression index.

The expression GIN index of 0002 let the planner find rare words fast, but for a common word it
chose a sequential scan that ran ``to_tsvector`` over every version's text again: 12 s for one
search over 20,000 versions (benchmarks/archive.py). The vector is now a generated, stored
column ``article_versions.search_vector`` (same expression without word positions, so the same
matches for newswatch's AND queries) with the GIN
index ``ix_article_versions_fulltext`` on it; a scan reads the stored vector. SQLite is
unchanged (FTS5). The column is not in the models and is hidden from autogenerate
(newswatch.store.migrate.UNMANAGED_NAMES).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The document of a version, exactly as in 0002 (and newswatch.store.search).
DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || teaser || ' ' || left(body, 200000))"

POSTGRES_UPGRADE = [
    "DROP INDEX ix_article_versions_fulltext",
    # strip(): lexemes without positions, less than half the size; searches are plain AND
    # queries (plainto_tsquery), which positions do not change.
    f"ALTER TABLE article_versions ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (strip({DOCUMENT})) STORED",
    "CREATE INDEX ix_article_versions_fulltext ON article_versions USING gin (search_vector)",
]

POSTGRES_DOWNGRADE = [
    "DROP INDEX ix_article_versions_fulltext",
    "ALTER TABLE article_versions DROP COLUMN search_vector",
    f"CREATE INDEX ix_article_versions_fulltext ON article_versions USING gin ({DOCUMENT})",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)
