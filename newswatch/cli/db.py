"""`newswatch db upgrade|downgrade|current`: schema migrations (Alembic) of the archive."""

from __future__ import annotations

import click

from newswatch.cli import main
from newswatch.cli.database import open_engine
from newswatch.cli.options import db_option
from newswatch.store import migrate
from newswatch.store.engine import safe_url


@main.group()
def db() -> None:
    """Create, upgrade or downgrade the archive's schema."""


@db.command()
@click.argument("revision", default="head")
@db_option
def upgrade(revision: str, db_url: str | None) -> None:
    """Upgrade the schema to REVISION (default: head). Creates an empty archive."""
    with open_engine(db_url) as engine:
        migrate.upgrade(engine, revision)
        click.echo(f"{safe_url(engine.url)}: schema at {migrate.current(engine)}")


@db.command()
@click.argument("revision")
@db_option
def downgrade(revision: str, db_url: str | None) -> None:
    """Downgrade the schema to REVISION ('base' removes every table and its data)."""
    with open_engine(db_url) as engine:
        migrate.downgrade(engine, revision)
        click.echo(f"{safe_url(engine.url)}: schema at {migrate.current(engine) or 'base'}")


@db.command()
@db_option
def current(db_url: str | None) -> None:
    """Show the schema revision of the database and the newest one this code knows."""
    with open_engine(db_url) as engine:
        revision = migrate.current(engine)
        head = migrate.head()
        if revision is None:
            state = "empty (run `newswatch db upgrade`)"
        elif revision == head:
            state = f"{revision} (head)"
        else:
            state = f"{revision} (head is {head})"
        click.echo(f"{safe_url(engine.url)}: {state}")
