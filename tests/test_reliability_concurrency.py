"""Concurrency: cron starting two crawls at once; reading the archive while a crawl writes it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select

from newswatch.cli import main
from newswatch.demo.server import Page, SiteServer
from newswatch.store import models
from tests.archive_integrity import archive_problems
from tests.crawl_site import (
    archive,
    article_html,
    articles_by_url,
    child_env,
    newswatch_command,
    rss,
    write_sources,
    xml_page,
)
from tests.hostile_site import HostileSite

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with HostileSite() as server:
        yield server


def slow_site(site: SiteServer, tmp_path: Path, articles: int, delay: float) -> Path:
    paths = [f"/artikel/a{i}.html" for i in range(articles)]
    site.set("/feed.xml", xml_page(rss(site.base_url, paths)))
    for i, path in enumerate(paths):
        site.set(path, Page(article_html(f"Rechenzentrum Nummer {i}"), delay=delay))
    return write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml"],
        crawl_extra="concurrent_requests = 1",
    )


def start_crawl(sources: Path, db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        newswatch_command("crawl", "--sources", str(sources), "--db", db_url),
        cwd=sources.parent,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_crawls_started_together_one_runs_and_the_other_exits_3(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    sources = slow_site(site, tmp_path, articles=12, delay=0.25)

    first, second = start_crawl(sources, db_url), start_crawl(sources, db_url)
    outputs = [child.communicate(timeout=120) for child in (first, second)]

    codes = sorted(child.returncode for child in (first, second))
    assert codes == [0, 3], outputs
    refused = outputs[[first.returncode, second.returncode].index(3)][1]
    assert "another crawl is running" in refused and refused.count("\n") == 1
    assert len(articles_by_url(db_url)) == 12
    assert all(len(site.requests_for(f"/artikel/a{i}.html")) == 1 for i in range(12))
    with archive(db_url) as session:
        assert session.scalar(select(func.count()).select_from(models.CrawlRun)) == 1


def test_search_and_show_read_the_archive_while_a_crawl_writes_it(
    site: SiteServer, tmp_path: Path
) -> None:
    sources = slow_site(site, tmp_path, articles=25, delay=0.15)
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    runner = CliRunner()
    crawler = start_crawl(sources, db_url)
    reads: list[tuple[int, int]] = []  # (articles found by search, articles stored)
    try:
        deadline = time.monotonic() + 90
        while crawler.poll() is None and time.monotonic() < deadline:
            stored = stored_ids(db_url)
            if stored:
                found = runner.invoke(
                    main, ["search", "Rechenzentrum", "--limit", "100", "--db", db_url]
                )
                shown = runner.invoke(main, ["show", str(stored[-1]), "--db", db_url])
                assert found.exit_code == 0, found.output
                assert shown.exit_code == 0, shown.output
                assert f"article {stored[-1]}" in shown.output
                reads.append(
                    (found.output.count("\n#") + found.output.startswith("#"), len(stored))
                )
            time.sleep(0.1)
        crawler.communicate(timeout=60)
    finally:
        if crawler.poll() is None:
            crawler.kill()
            crawler.communicate()

    assert crawler.returncode == 0
    assert len(reads) >= 3, "the reads should overlap the crawl"
    assert any(found < 25 for found, _ in reads)  # some reads saw the archive mid-crawl
    assert all(found >= stored_before for found, stored_before in reads)
    assert len(articles_by_url(db_url)) == 25 and archive_problems(db_url) == []


def stored_ids(db_url: str) -> list[int]:
    with archive(db_url) as session:
        if not inspect(session.get_bind()).has_table("article_versions"):
            return []
        return list(
            session.scalars(
                select(models.Article.id)
                .where(models.Article.version_count > 0)
                .order_by(models.Article.id)
            )
        )
