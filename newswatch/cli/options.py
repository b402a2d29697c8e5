"""Click options shared by several commands."""

from __future__ import annotations

import click

db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="Database URL (default: $NEWSWATCH_DATABASE_URL, else sqlite:///newswatch.db).",
)
