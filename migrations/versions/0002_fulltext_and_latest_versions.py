"""Full-text search over the latest version of each article, and the latest_versions view.

SQLite: an FTS5 table ``article_search`` (rowid = article id; columns title, teaser, body) kept
in sync with ``article_versions`` by triggers, so every writer (newswatch or plain SQL) keeps it
right in the same transaction. Tokenizer unicode61 without diacritics folding.

PostgreSQL: an expression GIN index on ``to_tsvector('simple', title || ' ' || teaser || ' ' ||
left(body, 200000))`` over all versions; queries restrict matches to the latest version. The 'simple'
configuration (lower-casing, no stemming, no stop words) treats German and English alike and
matches the SQLite tokenizer, so both dialects return the same articles.

Only the first 200,000 characters of a body are indexed, on both dialects: PostgreSQL cannot
build a tsvector over 1 MB, and a page of junk must not make an article unsaveable.

Both are created here by hand and hidden from autogenerate (newswatch.store.migrate
.include_object). Upgrading from 0001 fills the index from the existing versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LATEST_VERSIONS_VIEW = """
CREATE VIEW latest_versions AS
SELECT
    v.id AS version_id,
    v.article_id,
    v.version_no,
    a.canonical_url,
    s.name AS source_name,
    v.url,
    v.title,
    v.teaser,
    v.body,
    v.authors,
    v.published_at,
    v.modified_at,
    v.language,
    v.section,
    v.tags,
    v.image_url,
    v.publisher,
    v.is_paywalled,
    v.word_count,
    v.content_hash,
    v.change_summary,
    v.fetched_at,
    a.source_id,
    a.status,
    a.first_seen_at,
    a.last_checked_at,
    a.last_changed_at,
    a.next_check_at,
    a.check_count,
    a.version_count
FROM article_versions v
JOIN articles a ON a.id = v.article_id
LEFT JOIN sources s ON s.id = a.source_id
WHERE v.version_no = (
    SELECT max(v2.version_no) FROM article_versions v2 WHERE v2.article_id = v.article_id
)
"""

# Re-index one article (given as a trigger's NEW/OLD reference) from its newest version.
_SQLITE_REFRESH = """
    DELETE FROM article_search WHERE rowid = {ref}.article_id;
    INSERT INTO article_search (rowid, title, teaser, body)
        SELECT article_id, title, teaser, substr(body, 1, 200000) FROM article_versions
        WHERE article_id = {ref}.article_id
        ORDER BY version_no DESC LIMIT 1;
"""

SQLITE_UPGRADE = [
    """CREATE VIRTUAL TABLE article_search USING fts5(
        title, teaser, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER article_search_after_insert AFTER INSERT ON article_versions
    BEGIN {_SQLITE_REFRESH.format(ref="NEW")} END""",
    f"""CREATE TRIGGER article_search_after_delete AFTER DELETE ON article_versions
    BEGIN {_SQLITE_REFRESH.format(ref="OLD")} END""",
    f"""CREATE TRIGGER article_search_after_update AFTER UPDATE ON article_versions
    BEGIN {_SQLITE_REFRESH.format(ref="OLD")} {_SQLITE_REFRESH.format(ref="NEW")} END""",
    """INSERT INTO article_search (rowid, title, teaser, body)
    SELECT v.article_id, v.title, v.teaser, substr(v.body, 1, 200000) FROM article_versions v
    WHERE v.version_no = (
        SELECT max(v2.version_no) FROM article_versions v2 WHERE v2.article_id = v.article_id
    )""",
    LATEST_VERSIONS_VIEW,
]

SQLITE_DOWNGRADE = [
    "DROP VIEW latest_versions",
    "DROP TRIGGER article_search_after_update",
    "DROP TRIGGER article_search_after_delete",
    "DROP TRIGGER article_search_after_insert",
    "DROP TABLE article_search",
]

POSTGRES_UPGRADE = [
    """CREATE INDEX ix_article_versions_fulltext ON article_versions
    USING gin (
        to_tsvector('simple'::regconfig, title || ' ' || teaser || ' ' || left(body, 200000))
    )""",
    LATEST_VERSIONS_VIEW,
]

POSTGRES_DOWNGRADE = [
    "DROP VIEW latest_versions",
    "DROP INDEX ix_article_versions_fulltext",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _run(SQLITE_UPGRADE)
    else:
        _run(POSTGRES_UPGRADE)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _run(SQLITE_DOWNGRADE)
    else:
        _run(POSTGRES_DOWNGRADE)
