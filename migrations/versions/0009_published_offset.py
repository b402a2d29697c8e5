"""article_versions.published_offset_minutes: the UTC offset the page states for its date.

``published_at`` is stored in UTC. A page from New York that says it was published at 22:30
(-05:00) on 23 January is stored as 03:30 UTC on 24 January; with the offset kept (-300), the
date as the page printed it can be shown again: ``published_at`` + offset. NULL where the page
gave no offset and none was assumed, and for versions stored before this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both dialects (SQLite >= 3.35 drops columns itself): a batch copy of
# article_versions would have to drop and rebuild its views and full-text triggers.


def upgrade() -> None:
    op.add_column(
        "article_versions", sa.Column("published_offset_minutes", sa.SmallInteger(), nullable=True)
    )


def downgrade() -> None:
    op.execute("ALTER TABLE article_versions DROP COLUMN published_offset_minutes")
