"""crawl_runs.role: what a run did — single (one host), worker (shared frontier), seed.

With several workers on a shared Redis frontier, each worker records its own run row; the role
tells a worker's share of a round from a one-host run and from a seed-only run
(``newswatch crawl --seed``). Existing rows were one-host runs: they get 'single'.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="single")
        )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("role")
