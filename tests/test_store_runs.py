"""Crawl-run bookkeeping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from newswatch.store import finish_run, models, recent_runs, start_run
from tests.store_db import migrated_engine


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with migrated_engine(db_url) as (_engine, factory), factory() as session:
        yield session


def test_started_run_is_running_until_finished(session: Session) -> None:
    run_id = start_run(session, host="crawler-1", pid=4242, sources=["tagesschau", "heise"])
    run = session.get(models.CrawlRun, run_id)
    assert run is not None
    assert (run.status, run.host, run.pid, run.sources) == (
        "running",
        "crawler-1",
        4242,
        ["tagesschau", "heise"],
    )
    assert run.finished_at is None

    counters = {"pages": 120, "new": 14, "changed": 3, "unchanged": 100, "errors": {"http": 3}}
    finish_run(session, run_id, status="finished", counters=counters)
    session.expire_all()
    run = session.get(models.CrawlRun, run_id)
    assert run is not None
    assert run.status == "finished"
    assert run.counters == counters
    assert run.finished_at is not None and run.finished_at >= run.started_at


def test_failed_run_keeps_its_error(session: Session) -> None:
    run_id = start_run(session, host="h", pid=1, sources=[])
    finish_run(session, run_id, status="failed", counters={}, error="database is locked")
    [run] = recent_runs(session, 5)
    assert (run.status, run.error) == ("failed", "database is locked")


def test_recent_runs_lists_newest_first(session: Session) -> None:
    ids = [start_run(session, host="h", pid=n, sources=[]) for n in range(3)]
    assert [run.id for run in recent_runs(session, 2)] == [ids[2], ids[1]]


def test_finishing_with_a_non_final_status_is_an_error(session: Session) -> None:
    run_id = start_run(session, host="h", pid=1, sources=[])
    with pytest.raises(ValueError, match="final run status"):
        finish_run(session, run_id, status="running", counters={})
