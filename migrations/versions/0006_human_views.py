"""Views named for humans (Datasette, sqlite3, psql): ``article_timeline`` and
``topic_articles``. The same SQL on both dialects; hidden from autogenerate
(newswatch.store.migrate.UNMANAGED_NAMES).

- ``article_timeline``: one row per version: article URL, source, version_no, fetched_at,
  published/modified dates, title, word count and the change summary (JSON).
- ``topic_articles``: one row per topic and article: the latest version of the article that
  matched the topic, with its matched terms, hits per term and total hits.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ARTICLE_TIMELINE = """
CREATE VIEW article_timeline AS
SELECT
    a.id AS article_id,
    a.canonical_url AS url,
    s.name AS source_name,
    v.version_no,
    v.id AS version_id,
    v.fetched_at,
    v.published_at,
    v.modified_at,
    v.title,
    v.word_count,
    v.change_summary
FROM article_versions v
JOIN articles a ON a.id = v.article_id
LEFT JOIN sources s ON s.id = a.source_id
"""

TOPIC_ARTICLES = """
CREATE VIEW topic_articles AS
SELECT
    t.name AS topic,
    a.id AS article_id,
    a.canonical_url AS url,
    s.name AS source_name,
    v.version_no,
    v.id AS version_id,
    v.title,
    v.published_at,
    v.fetched_at,
    m.matched_terms,
    m.term_hits,
    m.hit_count
FROM topic_matches m
JOIN topics t ON t.id = m.topic_id
JOIN article_versions v ON v.id = m.version_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN sources s ON s.id = a.source_id
WHERE v.version_no = (
    SELECT max(later.version_no)
    FROM topic_matches other
    JOIN article_versions later ON later.id = other.version_id
    WHERE other.topic_id = m.topic_id AND other.article_id = m.article_id
)
"""


def upgrade() -> None:
    op.execute(ARTICLE_TIMELINE)
    op.execute(TOPIC_ARTICLES)


def downgrade() -> None:
    op.execute("DROP VIEW topic_articles")
    op.execute("DROP VIEW article_timeline")
