"""seen_urls (URLs fetched but not archived by ``crawl --only-topics``) and
topic_matches.term_hits (hits per matched term).

``seen_urls`` is separate from ``articles`` on purpose: an article always has at least one
version, a seen URL never has one. Existing ``topic_matches`` rows get ``term_hits = {}``;
``newswatch topics rematch`` fills them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of newswatch.store.types: migrations must not change when the models do.
UTC_DATETIME = sa.DateTime(timezone=True)


def json_type() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "seen_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_seen_urls_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_urls")),
        sa.UniqueConstraint("url", name=op.f("uq_seen_urls_url")),
    )
    op.create_index(op.f("ix_seen_urls_source_id"), "seen_urls", ["source_id"])
    with op.batch_alter_table("topic_matches") as batch:
        batch.add_column(
            sa.Column("term_hits", json_type(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("topic_matches") as batch:
        batch.drop_column("term_hits")
    op.drop_index(op.f("ix_seen_urls_source_id"), table_name="seen_urls")
    op.drop_table("seen_urls")
