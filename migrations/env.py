"""Alembic environment for newswatch.

Used both by ``newswatch db ...`` / :mod:`newswatch.store.migrate` (which hand over an open
connection in ``config.attributes["connection"]``) and by the plain ``alembic`` command (URL from
``-x db=URL``, else ``$NEWSWATCH_DATABASE_URL``, else the default SQLite file).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from newswatch.store.engine import make_engine, parse_database_url, resolve_database_url
from newswatch.store.migrate import configure_context
from newswatch.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    x_args = context.get_x_argument(as_dictionary=True)
    return resolve_database_url(x_args.get("db") or config.get_main_option("sqlalchemy.url"))


def run_migrations_offline() -> None:
    url = parse_database_url(_url())
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **configure_context(url.get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **configure_context(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
