"""Several `newswatch crawl` workers sharing one Redis frontier and one PostgreSQL archive."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.exc import ProgrammingError

from newswatch.demo.server import Page, SiteServer
from newswatch.store import models
from tests.conftest import RedisForTest
from tests.crawl_site import (
    archive,
    article_html,
    articles_by_url,
    child_env,
    newswatch_command,
    rss,
    section,
    sitemap,
    write_sources,
    xml_page,
)

pytestmark = pytest.mark.slow

ARTICLES = [f"/artikel/meldung-{n:03d}.html" for n in range(60)]


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = SiteServer()
    server.set("/robots.txt", Page(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    # the same articles in the feed, the sitemap and the section page: three ways to reach each
    server.set("/feed.xml", xml_page(rss(server.base_url, ARTICLES)))
    server.set("/sitemap.xml", xml_page(sitemap(server.base_url, ARTICLES)))
    server.set("/wirtschaft/", Page(section(ARTICLES)))
    for n, path in enumerate(ARTICLES):
        server.set(path, Page(article_html(f"Meldung {n}"), delay=0.05))
    with server:
        yield server


def shared_sources(tmp_path: Path, site: SiteServer, redis: RedisForTest) -> Path:
    return write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml"],
        sitemaps=["/sitemap.xml"],
        sections=["/wirtschaft/"],
        crawl_extra=(
            f'redis_url = "{redis.url}"\nredis_prefix = "{redis.prefix}"\n'
            "frontier_wait = 2\nconcurrent_requests = 4\n"
        ),
    )


def start_worker(sources: Path, db_url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        newswatch_command("crawl", "--sources", str(sources), "--db", db_url, *extra),
        cwd=sources.parent,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_workers(sources: Path, db_url: str, count: int) -> list[tuple[int, str]]:
    workers = [start_worker(sources, db_url) for _ in range(count)]
    results = []
    for worker in workers:
        _, stderr = worker.communicate(timeout=180)
        results.append((worker.returncode, stderr))
    return results


def worker_runs(db_url: str) -> list[models.CrawlRun]:
    with archive(db_url) as session:
        return list(session.scalars(select(models.CrawlRun).order_by(models.CrawlRun.id)))


def stored_articles(db_url: str) -> int:
    """How many articles are archived so far (0 while the schema is still being created)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(models.Article)) or 0)
    except ProgrammingError:
        return 0
    finally:
        engine.dispose()


def make_due_now(db_url: str) -> None:
    with archive(db_url) as session:
        session.execute(update(models.Article).values(next_check_at=models.Article.first_seen_at))
        session.commit()


def test_two_workers_share_one_frontier_and_fetch_and_store_each_article_once(
    site: SiteServer, tmp_path: Path, postgres_url: str, test_redis: RedisForTest
) -> None:
    for n, path in enumerate(ARTICLES):  # slow enough that one worker cannot do it all alone
        site.set(path, Page(article_html(f"Meldung {n}"), delay=0.3))
    sources = shared_sources(tmp_path, site, test_redis)

    for returncode, stderr in run_workers(sources, postgres_url, 2):
        assert returncode == 0, stderr

    assert {p: len(site.requests_for(p)) for p in ARTICLES} == {p: 1 for p in ARTICLES}
    assert len(site.requests_for("/feed.xml")) == 1  # seeded once, by one of the two
    articles = articles_by_url(postgres_url)
    assert sorted(articles) == sorted(site.url(p) for p in ARTICLES)
    assert {u: [v.version_no for v in a.versions] for u, a in articles.items()} == {
        u: [1] for u in articles
    }
    runs = worker_runs(postgres_url)
    assert [(r.role, r.status) for r in runs] == [("worker", "finished")] * 2
    assert len({r.pid for r in runs}) == 2
    assert sum(r.counters["new"] for r in runs) == len(ARTICLES)
    assert min(r.counters["pages"] for r in runs) > 0  # both did a share of the work
    assert sum("seeded" in r.counters["frontier"] for r in runs) == 1
    listing = subprocess.run(
        newswatch_command("runs", "--db", postgres_url),
        env=child_env(), capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert sorted(line.split()[-1] for line in listing[1:]) == sorted(
        f"{r.host}:{r.pid}" for r in runs
    )
    assert [line.split()[-2] for line in listing[1:]] == ["worker", "worker"]


def test_due_rechecks_are_fetched_once_per_round_and_changed_pages_become_versions(
    site: SiteServer, tmp_path: Path, postgres_url: str, test_redis: RedisForTest
) -> None:
    sources = shared_sources(tmp_path, site, test_redis)
    assert all(code == 0 for code, _ in run_workers(sources, postgres_url, 2))
    edited = ARTICLES[:5]
    for path in edited:
        site.set(path, Page(article_html("Korrigierte Meldung")))
    make_due_now(postgres_url)

    for returncode, stderr in run_workers(sources, postgres_url, 2):
        assert returncode == 0, stderr

    assert all(len(site.requests_for(path)) == 2 for path in ARTICLES)
    second = site.requests_for(ARTICLES[-1])[1]
    assert second.headers.get("if-none-match") and second.status == 304
    articles = articles_by_url(postgres_url)
    versions = {url: [v.version_no for v in a.versions] for url, a in articles.items()}
    assert versions == {
        site.url(p): ([1, 2] if p in edited else [1]) for p in ARTICLES
    }
    second_round = worker_runs(postgres_url)[2:]
    assert sum(r.counters["rechecks"] for r in second_round) == len(ARTICLES)
    assert sum(r.counters["changed"] for r in second_round) == len(edited)


def test_work_lost_with_a_killed_worker_is_done_by_the_next_run(
    site: SiteServer, tmp_path: Path, postgres_url: str, test_redis: RedisForTest
) -> None:
    for n, path in enumerate(ARTICLES):
        site.set(path, Page(article_html(f"Meldung {n}"), delay=0.3))
    sources = shared_sources(tmp_path, site, test_redis)
    victim = start_worker(sources, postgres_url)
    while stored_articles(postgres_url) < 5:  # mid-run: some stored, many popped or queued
        assert victim.poll() is None, victim.communicate()[1]
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    # a worker started right away finishes the queue; what the victim had popped is lost ...
    for returncode, stderr in run_workers(sources, postgres_url, 1):
        assert returncode == 0, stderr
    assert stored_articles(postgres_url) < len(ARTICLES)
    # ... until the next run, which seeds a new round: discovery finds what is not archived yet
    for returncode, stderr in run_workers(sources, postgres_url, 1):
        assert returncode == 0, stderr

    articles = articles_by_url(postgres_url)
    assert sorted(articles) == sorted(site.url(p) for p in ARTICLES)
    assert all([v.version_no for v in a.versions] == [1] for a in articles.values())
    runs = worker_runs(postgres_url)
    assert runs[0].status == "failed" and "killed" in (runs[0].error or "")
    assert [r.status for r in runs[1:]] == ["finished", "finished"]


def test_seed_only_queues_a_round_that_a_worker_then_crawls(
    site: SiteServer, tmp_path: Path, postgres_url: str, test_redis: RedisForTest
) -> None:
    sources = shared_sources(tmp_path, site, test_redis)
    seed = start_worker(sources, postgres_url, "--seed")
    _, stderr = seed.communicate(timeout=120)
    assert seed.returncode == 0, stderr
    again = start_worker(sources, postgres_url, "--seed")
    _, stderr = again.communicate(timeout=120)

    assert again.returncode == 3 and "still busy" in stderr  # the round is not done yet
    assert not site.requests_for("/feed.xml")  # seeding fetches nothing
    for returncode, stderr in run_workers(sources, postgres_url, 1):
        assert returncode == 0, stderr
    assert len(articles_by_url(postgres_url)) == len(ARTICLES)
    assert len(site.requests_for("/feed.xml")) == 1  # the worker joined the seeded round
    seeder, worker = worker_runs(postgres_url)
    assert (seeder.role, seeder.status, worker.role) == ("seed", "finished", "worker")
    assert seeder.counters["frontier"]["seeded"] == 3  # feed, sitemap, section page
    assert "seeded" not in worker.counters["frontier"]
