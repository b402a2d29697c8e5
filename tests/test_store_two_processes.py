"""Two processes saving the same article at the same moment, as two crawl workers would."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from multiprocessing.synchronize import Barrier

from sqlalchemy import func, select

from newswatch.store import ensure_schema, make_engine, models, save_article, session_factory
from tests.store_samples import FETCHED_AT, german_article

SAVES_PER_PROCESS = 12


def save_versions(db_url: str, worker: str, barrier: Barrier) -> None:
    """Save the article SAVES_PER_PROCESS times, each time with a text no one else writes."""
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    barrier.wait()
    for n in range(SAVES_PER_PROCESS):
        article = german_article(title=f"Stargate ({worker}, Fassung {n})")
        with sessions() as session:
            save_article(
                session,
                article,
                source_name="tagesschau",
                fetched_at=FETCHED_AT + timedelta(minutes=n),
            )
    engine.dispose()


def test_two_processes_saving_one_article_give_one_row_and_gapless_versions(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=save_versions, args=(db_url, name, barrier))
        for name in ("worker-a", "worker-b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]

    with session_factory(engine)() as session:
        articles = session.scalars(select(models.Article)).all()
        numbers = session.scalars(
            select(models.ArticleVersion.version_no).order_by(models.ArticleVersion.version_no)
        ).all()
        sources = session.scalar(select(func.count()).select_from(models.Source))
    engine.dispose()
    # every save has a title nobody saved before, so every save is a new version
    assert len(articles) == 1 and sources == 1
    assert list(numbers) == list(range(1, 2 * SAVES_PER_PROCESS + 1))
    assert articles[0].check_count == 2 * SAVES_PER_PROCESS
    assert articles[0].version_count == 2 * SAVES_PER_PROCESS
