"""Shared fixtures: database URLs for SQLite (always) and PostgreSQL (when configured).

PostgreSQL tests run when ``NEWSWATCH_TEST_POSTGRES_URL`` points at a server where the user may
CREATE DATABASE (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/newswatch_test``); each test
gets a fresh database named after that one, dropped afterwards. Redis tests run when
``NEWSWATCH_TEST_REDIS_URL`` is set; they use its db 15 and a key prefix per test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.postgres_databases import fresh_postgres_database

if TYPE_CHECKING:
    from newswatch.frontier import Frontier

POSTGRES_URL = os.environ.get("NEWSWATCH_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("NEWSWATCH_TEST_REDIS_URL")
CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="NEWSWATCH_TEST_POSTGRES_URL not set"
)
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="NEWSWATCH_TEST_REDIS_URL not set")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database URL, once for SQLite and once for PostgreSQL (skipped when unset)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def corpus_dir() -> Path:
    """../shared/corpus (real pages by others; see its README). Skips when absent."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@dataclass(frozen=True)
class RedisForTest:
    """Redis db 15 of ``NEWSWATCH_TEST_REDIS_URL`` and a key prefix of this test's own."""

    url: str
    prefix: str

    def frontier(self, wait: float = 2.0) -> Frontier:
        from newswatch.frontier import Frontier  # needs the redis extra

        return Frontier.from_url(self.url, self.prefix, wait=wait)


@pytest.fixture
def test_redis() -> Iterator[RedisForTest]:
    """A frontier namespace in Redis (db 15, unique prefix), deleted afterwards."""
    if not REDIS_URL:
        pytest.skip("NEWSWATCH_TEST_REDIS_URL not set")
    parts = urlsplit(REDIS_URL)
    redis = RedisForTest(urlunsplit(parts._replace(path="/15")), f"nwtest-{uuid.uuid4().hex[:10]}")
    frontier = redis.frontier()
    try:
        yield redis
    finally:
        frontier.clear()
        frontier.server.close()
