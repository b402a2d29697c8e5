"""Stories tables (cross-source near-duplicates) under Alembic.

Before this revision newswatch created them on demand (``CREATE TABLE IF NOT EXISTS`` from
``newswatch stories``); an archive that already has them keeps them and their rows, so
``upgrade`` creates only the missing ones. ``downgrade`` drops all four.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of newswatch.store.types: migrations must not change when the models do.
UTC_DATETIME = sa.DateTime(timezone=True)


def json_type() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _cascade(column: str, target: str, table: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "stories" not in existing:
        op.create_table(
            "stories",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("article_count", sa.Integer(), nullable=False),
            sa.Column("source_count", sa.Integer(), nullable=False),
            sa.Column("created_at", UTC_DATETIME, nullable=False),
            sa.Column("updated_at", UTC_DATETIME, nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        )
    if "story_members" not in existing:
        op.create_table(
            "story_members",
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("story_id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("similarity", sa.Float(), nullable=False),
            sa.Column("joined_at", UTC_DATETIME, nullable=False),
            _cascade("article_id", "articles.id", "story_members"),
            _cascade("story_id", "stories.id", "story_members"),
            _cascade("version_id", "article_versions.id", "story_members"),
            sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_members")),
        )
        op.create_index(op.f("ix_story_members_story_id"), "story_members", ["story_id"])
    if "body_signatures" not in existing:
        op.create_table(
            "body_signatures",
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("version_id", sa.Integer(), nullable=False),
            sa.Column("signature", json_type(), nullable=False),
            _cascade("article_id", "articles.id", "body_signatures"),
            _cascade("version_id", "article_versions.id", "body_signatures"),
            sa.PrimaryKeyConstraint("article_id", name=op.f("pk_body_signatures")),
        )
        op.create_index(op.f("ix_body_signatures_version_id"), "body_signatures", ["version_id"])
    if "signature_bands" not in existing:
        op.create_table(
            "signature_bands",
            sa.Column("band_key", sa.String(length=40), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            _cascade("article_id", "articles.id", "signature_bands"),
            sa.PrimaryKeyConstraint("band_key", "article_id", name=op.f("pk_signature_bands")),
        )
        op.create_index(op.f("ix_signature_bands_article_id"), "signature_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signature_bands_article_id"), table_name="signature_bands")
    op.drop_table("signature_bands")
    op.drop_index(op.f("ix_body_signatures_version_id"), table_name="body_signatures")
    op.drop_table("body_signatures")
    op.drop_index(op.f("ix_story_members_story_id"), table_name="story_members")
    op.drop_table("story_members")
    op.drop_table("stories")
