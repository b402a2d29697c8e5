"""``article_versions.is_latest`` (migration 0008): exactly one version per article, the one
with the highest version_no, after every kind of save, concurrent saves, and plain SQL."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from newswatch.store import migrate, models, save_article
from newswatch.store.integrity import check_archive
from newswatch.store.search import search
from tests.store_db import migrated_engine
from tests.store_samples import FETCHED_AT, GERMAN_BODY, english_article, german_article

LATER = FETCHED_AT + timedelta(hours=1)
#: The module (``newswatch.store.search`` the attribute is the function of that name).
search_module = sys.modules["newswatch.store.search"]


@pytest.fixture
def store(db_url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    with migrated_engine(db_url) as (engine, factory):
        yield engine, factory


@pytest.fixture
def sessions(store: tuple[Engine, sessionmaker[Session]]) -> sessionmaker[Session]:
    return store[1]


def problems(session: Session) -> set[str]:
    """The codes of the integrity check of the session's archive."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return {problem.code for problem in check_archive(engine).problems}


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


def latest_flags(session: Session) -> dict[int, list[tuple[int, bool]]]:
    """{article id: [(version_no, is_latest), ...]} for every article."""
    flags: dict[int, list[tuple[int, bool]]] = {}
    rows = session.execute(
        select(
            models.ArticleVersion.article_id,
            models.ArticleVersion.version_no,
            models.ArticleVersion.is_latest,
        ).order_by(models.ArticleVersion.article_id, models.ArticleVersion.version_no)
    )
    for article_id, version_no, is_latest in rows:
        flags.setdefault(article_id, []).append((version_no, bool(is_latest)))
    return flags


def assert_one_latest_per_article_the_highest(session: Session) -> None:
    for article_id, numbered in latest_flags(session).items():
        marked = [number for number, is_latest in numbered if is_latest]
        assert marked == [max(number for number, _ in numbered)], f"article {article_id}"


def test_new_changed_and_unchanged_saves_keep_one_latest_version(session: Session) -> None:
    new = save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    save_article(session, english_article(), source_name="e", fetched_at=FETCHED_AT)
    assert latest_flags(session)[new.article_id] == [(1, True)]

    edited = german_article(body=GERMAN_BODY + "\n\nNachtrag.")
    changed = save_article(session, edited, source_name="t", fetched_at=LATER)
    assert changed.status == "changed"
    assert latest_flags(session)[new.article_id] == [(1, False), (2, True)]

    unchanged = save_article(session, edited, source_name="t", fetched_at=LATER)
    assert unchanged.status == "unchanged"
    assert latest_flags(session)[new.article_id] == [(1, False), (2, True)]
    assert_one_latest_per_article_the_highest(session)
    assert problems(session) == set()


def test_concurrent_changed_saves_leave_one_latest_version(
    sessions: sessionmaker[Session],
) -> None:
    def save(n: int) -> str:
        with sessions() as session:
            edited = german_article(body=f"{GERMAN_BODY}\n\nNachtrag Nummer {n}.")
            return save_article(session, edited, source_name="t", fetched_at=LATER).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(save, range(16)))
    assert statuses.count("changed") == 15
    with sessions() as session:
        assert_one_latest_per_article_the_highest(session)
        [(article_id, numbered)] = latest_flags(session).items()
        assert len(numbered) == 16
        [hit] = search(session, "Nachtrag")
        assert (hit.article_id, hit.version_no) == (article_id, 16)


def test_a_second_latest_version_of_one_article_is_refused(session: Session) -> None:
    outcome = save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    row = session.get(models.ArticleVersion, outcome.version_id)
    assert row is not None
    values = {
        column.key: getattr(row, column.key)
        for column in models.ArticleVersion.__table__.columns
        if column.key != "id"
    }
    with pytest.raises(IntegrityError):
        session.execute(
            insert(models.ArticleVersion).values({**values, "version_no": 2, "is_latest": True})
        )
    session.rollback()


def test_a_version_inserted_with_plain_sql_becomes_latest_when_it_is_the_newest(
    session: Session,
) -> None:
    outcome = save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    session.execute(
        text(
            "INSERT INTO article_versions (article_id, version_no, fetched_at, url, title, "
            "teaser, body, authors, tags, is_paywalled, word_count, content_hash, "
            "change_summary) SELECT article_id, 2, fetched_at, url, 'Amarillo', teaser, body, "
            "authors, tags, is_paywalled, word_count, 'x', change_summary FROM article_versions "
            "WHERE id = :v"
        ),
        {"v": outcome.version_id},
    )
    session.commit()
    assert latest_flags(session)[outcome.article_id] == [(1, False), (2, True)]
    [hit] = search(session, "Amarillo")
    assert hit.version_no == 2


def test_deleting_the_latest_version_makes_the_previous_one_latest(session: Session) -> None:
    save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    edited = german_article(body=GERMAN_BODY + "\n\nNachtrag.")
    changed = save_article(session, edited, source_name="t", fetched_at=LATER)
    session.execute(
        delete(models.ArticleVersion).where(models.ArticleVersion.id == changed.version_id)
    )
    session.commit()
    assert latest_flags(session)[changed.article_id] == [(1, True)]


def test_deleting_an_article_removes_it_from_search(session: Session) -> None:
    save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    edited = german_article(body=GERMAN_BODY + "\n\nNachtrag.")
    changed = save_article(session, edited, source_name="t", fetched_at=LATER)
    session.execute(delete(models.Article).where(models.Article.id == changed.article_id))
    session.commit()
    assert search(session, "Nachtrag") == []
    assert session.scalar(select(func.count()).select_from(models.ArticleVersion)) == 0
    assert problems(session) == set()


def test_a_wrong_latest_flag_is_found_by_the_integrity_check(session: Session) -> None:
    save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
    edited = german_article(body=GERMAN_BODY + "\n\nNachtrag.")
    changed = save_article(session, edited, source_name="t", fetched_at=LATER)
    # Move the flag back to version 1 without the triggers' help (they only act on insert and
    # delete), as a careless writer could.
    session.execute(
        text("UPDATE article_versions SET is_latest = false WHERE id = :v"),
        {"v": changed.version_id},
    )
    session.execute(
        text(
            "UPDATE article_versions SET is_latest = true WHERE article_id = :a AND version_no = 1"
        ),
        {"a": changed.article_id},
    )
    session.commit()
    assert "latest-version" in problems(session)


def test_upgrade_from_0007_marks_the_highest_version_of_each_article(
    store: tuple[Engine, sessionmaker[Session]],
) -> None:
    engine, factory = store
    with factory() as session:
        save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
        edited = german_article(body=GERMAN_BODY + "\n\nNachtrag.")
        save_article(session, edited, source_name="t", fetched_at=LATER)
        save_article(session, english_article(), source_name="e", fetched_at=FETCHED_AT)
    migrate.downgrade(engine, "0007")
    with engine.begin() as conn:  # what 0007 knows: versions without a flag
        assert "is_latest" not in {c["name"] for c in inspect(conn).get_columns("article_versions")}
    migrate.upgrade(engine)
    with factory() as session:
        assert sorted(latest_flags(session).values()) == [[(1, False), (2, True)], [(1, True)]]
        [hit] = search(session, "Nachtrag")
        assert hit.version_no == 2
        assert problems(session) == set()


@pytest.mark.parametrize(
    ("probe_cost", "plan"),
    [(0, "CORRELATED SCALAR SUBQUERY"), (10**9, "LIST SUBQUERY")],
    ids=["common word: FTS5 probe per version", "medium word: list of matches"],
)
def test_sqlite_search_for_a_frequent_word_walks_the_latest_versions_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe_cost: int, plan: str
) -> None:
    # SQLite only: PostgreSQL's plan depends on its statistics (see benchmarks/archive.py).
    # With no cost for a walk step, a match is never few enough to be looked up and sorted; the
    # cost of a probe decides between the two walks.
    monkeypatch.setattr(search_module, "STEP_COST", 0)
    monkeypatch.setattr(search_module, "PROBE_COST", probe_cost)
    plans: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT articles.id"):
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.extend(row[3] for row in rows.fetchall())

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with migrated_engine(url) as (engine, factory), factory() as session:
        save_article(session, german_article(), source_name="t", fetched_at=FETCHED_AT)
        save_article(session, english_article(), source_name="e", fetched_at=FETCHED_AT)
        event.listen(engine, "before_cursor_execute", explain)
        try:
            assert len(search(session, "Stargate", limit=1)) == 1
        finally:
            event.remove(engine, "before_cursor_execute", explain)
    assert any("USING INDEX ix_article_versions_latest_published" in step for step in plans), plans
    assert not any(step == "USE TEMP B-TREE FOR ORDER BY" for step in plans), plans
    assert any(step.startswith(plan) for step in plans), plans


#: (probe cost, step cost) that make SQLite search take each of its three plans.
SQLITE_PLANS = {"sort": (45, 10**9), "list": (10**9, 0), "probe": (0, 0)}


def test_every_sqlite_plan_returns_the_same_articles_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Limits below the number of matches (5): with no more matches than the limit, every plan
    # sorts. Ties on published_at, missing published_at (ordered by first_seen_at), two sources, an
    # older version that alone mentions the word: what the plans could get wrong.
    published = [
        datetime(2025, 1, 22, 6, 30, tzinfo=UTC),
        datetime(2025, 1, 22, 6, 30, tzinfo=UTC),
        None,
        datetime(2025, 1, 20, tzinfo=UTC),
        None,
        datetime(2025, 1, 23, tzinfo=UTC),
    ]
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    results: dict[str, list[list[tuple[int, int]]]] = {}
    with migrated_engine(url) as (_engine, factory), factory() as session:
        for n, when in enumerate(published):
            article = german_article(
                canonical_url=f"https://example.org/{n}",
                published_at=when,
                body=f"{GERMAN_BODY}\n\nNachtrag {n}.",
            )
            fetched = FETCHED_AT + timedelta(hours=n)
            save_article(session, article, source_name=f"s{n % 2}", fetched_at=fetched)
        gone = german_article(canonical_url="https://example.org/3", body="Ohne das Wort.")
        save_article(session, gone, source_name="s1", fetched_at=LATER + timedelta(days=1))
        for name, (probe_cost, step_cost) in SQLITE_PLANS.items():
            monkeypatch.setattr(search_module, "PROBE_COST", probe_cost)
            monkeypatch.setattr(search_module, "STEP_COST", step_cost)
            results[name] = [
                [(hit.article_id, hit.version_no) for hit in search(session, "Nachtrag", **kw)]
                for kw in (
                    {"limit": 1},
                    {"limit": 3},
                    {"limit": 10},
                    {"limit": 1, "source": "s1"},
                    {"limit": 2, "since": datetime(2025, 1, 21, tzinfo=UTC)},
                )
            ]
    assert results["list"] == results["sort"]
    assert results["probe"] == results["sort"]
    # Newest first, the tie on published_at broken by first_seen_at, articles without a date
    # last (by first_seen_at); article 4 only had the word in its older version.
    assert results["sort"][2] == [(6, 1), (2, 1), (1, 1), (5, 1), (3, 1)]
    assert results["sort"][1] == [(6, 1), (2, 1), (1, 1)]
    assert results["sort"][3] == [(6, 1)]


def test_postgres_walk_and_gin_plans_return_the_same_articles(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite WALK_RATIO does nothing: the two runs are the same there.
    with sessions() as session:
        for n in range(5):
            article = german_article(
                canonical_url=f"https://example.org/{n}",
                published_at=None if n == 2 else datetime(2025, 1, 20 + n % 3, tzinfo=UTC),
                body=f"{GERMAN_BODY}\n\nNachtrag {n}.",
            )
            fetched = FETCHED_AT + timedelta(hours=n)
            save_article(session, article, source_name=f"s{n % 2}", fetched_at=fetched)
        found = {}
        for name, ratio in {"walk": 0, "gin": 10**12}.items():
            monkeypatch.setattr(search_module, "WALK_RATIO", ratio)
            found[name] = [
                [(hit.article_id, hit.version_no) for hit in search(session, query, **kw)]
                for query, kw in (
                    ("Nachtrag", {"limit": 2}),
                    ("Nachtrag", {"limit": 10, "source": "s1"}),
                    ("Stargate Nachtrag", {"limit": 10}),
                    ("Zeitungsente", {"limit": 10}),
                )
            ]
    assert found["walk"] == found["gin"]
    assert found["gin"][0] == [(5, 1), (2, 1)]  # the newest two; the tie by first_seen_at
