"""Throwaway PostgreSQL databases for tests (on the server of NEWSWATCH_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database named after the configured one, yield its URL, drop it.

    Skips the calling test when ``NEWSWATCH_TEST_POSTGRES_URL`` is not set.
    """
    base_url = os.environ.get("NEWSWATCH_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("NEWSWATCH_TEST_POSTGRES_URL not set")
    base = make_url(base_url)
    name = f"{base.database or 'newswatch_test'}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
