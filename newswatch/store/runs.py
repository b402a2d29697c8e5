"""Crawl-run bookkeeping: one ``crawl_runs`` row per run (or per worker of a distributed run)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newswatch.store.models import CrawlRun

RUN_STATUSES = frozenset({"running", "finished", "failed", "interrupted"})
RUN_ROLES = frozenset({"single", "worker", "seed"})


def start_run(
    session: Session, *, host: str, pid: int, sources: list[str], role: str = "single"
) -> int:
    """Record that a run started now; returns its id. Commits."""
    if role not in RUN_ROLES:
        raise ValueError(f"run role must be single, worker or seed, not {role!r}")
    run = CrawlRun(
        started_at=datetime.now(UTC),
        status="running",
        host=host,
        pid=pid,
        role=role,
        sources=list(sources),
        counters={},
    )
    session.add(run)
    session.commit()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    counters: Mapping[str, Any],
    error: str | None = None,
) -> None:
    """Record a run's end, its final status and counters. Commits."""
    if status not in RUN_STATUSES - {"running"}:
        raise ValueError(
            f"final run status must be finished, failed or interrupted, not {status!r}"
        )
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run with id {run_id}")
    run.finished_at = datetime.now(UTC)
    run.status = status
    run.counters = dict(counters)
    run.error = error
    session.commit()


def recent_runs(session: Session, limit: int = 20) -> list[CrawlRun]:
    """The newest runs first."""
    query = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    return list(session.scalars(query))
