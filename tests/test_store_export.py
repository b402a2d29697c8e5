"""Exporting the archive: filters, JSON Lines and CSV formats, and streaming."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session

from newswatch.store.export import (
    EXPORT_FIELDS,
    ExportQuery,
    iter_export_rows,
    write_csv,
    write_jsonl,
)
from newswatch.store.models import Article, ArticleVersion
from newswatch.topics import TopicConfig
from newswatch.topics.store import rematch
from tests.archive_factory import BACKENDS, T0, add_article, fresh_session, shared_archive

STARGATE = TopicConfig(name="stargate", query="Stargate")


@pytest.fixture(scope="module", params=BACKENDS)
def archive_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with shared_archive(request.param, tmp_path_factory.mktemp("archive")) as engine:
        yield engine


@pytest.fixture
def session(archive_engine: Engine) -> Iterator[Session]:
    with fresh_session(archive_engine) as session:
        yield session


@pytest.fixture
def archive(session: Session) -> Session:
    add_article(
        session,
        "https://heise.example/stargate",
        "Stargate draft",
        "Stargate: OpenAI, SoftBank und Oracle",
        source="heise",
        language="de",
    )
    add_article(
        session,
        "https://reuters.example/chips",
        "Nvidia sells chips",
        source="reuters",
        published_at=T0 + timedelta(days=2),
    )
    add_article(session, "https://blog.example/undated", "Stargate SG-1 rewatch", published_at=None)
    session.commit()
    rematch(session, [STARGATE])
    return session


def urls(rows: Iterator[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(row["url"], row["version_no"]) for row in rows]


def test_exports_the_latest_version_of_every_article_by_default(archive: Session) -> None:
    assert urls(iter_export_rows(archive)) == [
        ("https://heise.example/stargate", 2),
        ("https://reuters.example/chips", 1),
        ("https://blog.example/undated", 1),
    ]


def test_all_versions_exports_every_version_oldest_first(archive: Session) -> None:
    rows = iter_export_rows(archive, ExportQuery(all_versions=True))
    assert urls(rows)[:2] == [
        ("https://heise.example/stargate", 1),
        ("https://heise.example/stargate", 2),
    ]


def test_topic_selects_articles_that_matched_it(archive: Session) -> None:
    rows = list(iter_export_rows(archive, ExportQuery(topic="stargate")))
    assert urls(iter(rows)) == [
        ("https://heise.example/stargate", 2),
        ("https://blog.example/undated", 1),
    ]
    assert rows[0]["topics"] == ["stargate"]


def test_source_filter(archive: Session) -> None:
    rows = iter_export_rows(archive, ExportQuery(source="reuters"))
    assert urls(rows) == [("https://reuters.example/chips", 1)]


def test_since_and_until_use_publication_time_else_fetch_time(archive: Session) -> None:
    # Undated article: fetched at T0 + 1h. Chips: published T0 + 2 days. Stargate: published T0.
    window = ExportQuery(since=T0 + timedelta(minutes=30), until=T0 + timedelta(days=1))
    assert urls(iter_export_rows(archive, window)) == [("https://blog.example/undated", 1)]
    assert urls(iter_export_rows(archive, ExportQuery(since=T0 + timedelta(days=2)))) == [
        ("https://reuters.example/chips", 1)
    ]


def test_jsonl_has_one_object_per_line_with_every_field(archive: Session) -> None:
    out = io.StringIO()
    count = write_jsonl(iter_export_rows(archive, ExportQuery(source="heise")), out)
    lines = out.getvalue().splitlines()
    assert count == len(lines) == 1
    row = json.loads(lines[0])
    assert tuple(row) == EXPORT_FIELDS
    assert row["title"] == "Article https://heise.example/stargate"
    assert row["body"] == "Stargate: OpenAI, SoftBank und Oracle"
    assert row["source"] == "heise"
    assert row["authors"] == ["Ada Lovelace"]
    assert row["published_at"] == "2025-01-21T09:00:00+00:00"
    assert row["topics"] == ["stargate"]
    assert row["is_paywalled"] is False


def test_csv_has_a_header_and_flattens_lists_and_datetimes(archive: Session) -> None:
    out = io.StringIO()
    count = write_csv(iter_export_rows(archive), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 3
    assert tuple(rows[0]) == EXPORT_FIELDS
    assert rows[0]["authors"] == "Ada Lovelace"
    assert rows[0]["published_at"] == "2025-01-21T09:00:00+00:00"
    assert rows[0]["is_paywalled"] == "false"
    assert rows[2]["published_at"] == ""
    assert rows[2]["topics"] == "stargate"


def test_export_streams_instead_of_loading_every_row(session: Session) -> None:
    total, chunk = 3000, 500
    session.execute(
        insert(Article),
        [
            {
                "id": n,
                "canonical_url": f"https://bulk.example/{n}",
                "first_seen_at": T0,
                "last_checked_at": T0,
                "last_changed_at": T0,
            }
            for n in range(1, total + 1)
        ],
    )
    session.execute(
        insert(ArticleVersion),
        [
            {
                "article_id": n,
                "version_no": 1,
                "fetched_at": T0,
                "url": f"https://bulk.example/{n}",
                "body": f"body {n}",
                "content_hash": str(n),
            }
            for n in range(1, total + 1)
        ],
    )
    session.commit()
    cursors: list[Any] = []

    def remember_export_cursor(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "article_versions.body" in statement:
            cursors.append(cursor)

    engine = session.get_bind()
    event.listen(engine, "after_cursor_execute", remember_export_cursor)
    try:
        rows = iter_export_rows(session, chunk_size=chunk)
        first = next(rows)
        assert first["url"] == "https://bulk.example/1"
        (cursor,) = cursors
        if engine.dialect.name == "postgresql":
            import psycopg

            assert isinstance(cursor, psycopg.ServerCursor)
        # Only the first chunk has left the database cursor; the rest is still waiting there.
        assert len(cursor.fetchall()) == total - chunk
        rows.close()
    finally:
        event.remove(engine, "after_cursor_execute", remember_export_cursor)
