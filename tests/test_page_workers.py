"""Page workers: extraction and storage in worker processes, with the crawl's guarantees."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from newswatch.config import CrawlConfig, SourceConfig
from newswatch.page_workers import PageWorkers, WorkerSpec, default_worker_count
from newswatch.pages import FetchedPage
from newswatch.processing import PageOutcome, PageProcessor
from newswatch.store import ensure_schema, make_engine, models, session_factory
from newswatch.store_archive import StoreArchive
from tests import page_worker_tasks
from tests.crawl_fakes import MemoryArchive
from tests.crawl_site import article_html

SOURCE = SourceConfig(name="heise", language="de", domains=("heise.de",))
NOW = datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


def page(url: str, title: str = "Stargate", **kwargs: object) -> FetchedPage:
    return FetchedPage(
        url=url, source_name="heise", body=article_html(title), fetched_at=NOW, **kwargs  # type: ignore[arg-type]
    )


def store_archive(sqlite_url: str) -> StoreArchive:
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    return StoreArchive(engine, crawl_config=CrawlConfig(), sources=[SOURCE], owns_engine=True)


def run_in_workers(workers: PageWorkers, *items: FetchedPage) -> list[PageOutcome]:
    async def run() -> list[PageOutcome]:
        return list(await asyncio.gather(*(workers.process(item) for item in items)))

    try:
        return asyncio.run(run())
    finally:
        workers.close()


def stored_articles(sqlite_url: str) -> int:
    engine = make_engine(sqlite_url)
    try:
        with session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(models.Article)) or 0
    finally:
        engine.dispose()


def test_one_worker_per_cpu_beyond_the_first_but_two_on_two_cpus_at_most_four() -> None:
    counts = [default_worker_count(cpus) for cpus in (1, 2, 3, 4, 8)]
    assert counts == [0, 2, 2, 3, 4]


def test_a_worker_extracts_and_stores_pages_in_its_own_process(sqlite_url: str) -> None:
    archive = store_archive(sqlite_url)
    workers = PageWorkers(WorkerSpec(archive.opener(), {"heise": SOURCE}), 1)

    outcomes = run_in_workers(
        workers, page("https://www.heise.de/a-1.html", "Eins"), page("https://www.heise.de/b-2.html")
    )

    assert [o.counts for o in outcomes] == [["new"], ["new"]]
    assert stored_articles(sqlite_url) == 2


def test_two_workers_share_one_sqlite_archive_without_losing_or_doubling_articles(
    sqlite_url: str,
) -> None:
    archive = store_archive(sqlite_url)
    workers = PageWorkers(WorkerSpec(archive.opener(), {"heise": SOURCE}), 2)
    urls = [f"https://www.heise.de/news/{n}.html" for n in range(6)]

    outcomes = run_in_workers(workers, *(page(url, f"Artikel {url}") for url in urls + urls))

    counts = sorted(key for outcome in outcomes for key in outcome.counts)
    assert counts == ["new"] * 6 + ["unchanged"] * 6
    assert stored_articles(sqlite_url) == 6


def test_a_worker_that_dies_is_replaced_and_only_its_page_is_lost(sqlite_url: str) -> None:
    archive = store_archive(sqlite_url)
    spec = WorkerSpec(archive.opener(), {"heise": SOURCE})
    workers = PageWorkers(spec, 1, work=page_worker_tasks.crash_on_marked_pages)

    outcomes = run_in_workers(
        workers,
        page("https://www.heise.de/before-1.html", "Davor"),
        page("https://www.heise.de/crash-2.html", "Absturz"),
        page("https://www.heise.de/after-3.html", "Danach"),
    )

    assert [o.counts for o in outcomes] == [["new"], ["errors/worker"], ["new"]]
    assert "crash-2.html" in outcomes[1].log[0][2]
    assert stored_articles(sqlite_url) == 2


def test_log_records_of_a_worker_come_back_with_the_outcome(sqlite_url: str) -> None:
    archive = store_archive(sqlite_url)
    spec = WorkerSpec(archive.opener(), {"heise": SOURCE})
    workers = PageWorkers(spec, 1, work=page_worker_tasks.log_a_warning)

    (outcome,) = run_in_workers(workers, page("https://www.heise.de/a-1.html"))

    assert ("trafilatura.core", 30, "odd markup on https://www.heise.de/a-1.html") in outcome.log


def crawl_process_script(
    sqlite_url: str, work: str, item_file: Path, *, then: str, first: str = ""
) -> str:
    """Python source for a stand-in crawl process: one page worker running
    ``page_worker_tasks.<work>`` on one item named by ``item_file``, then ``then``."""
    return (
        textwrap.dedent(
            f"""
            import asyncio, signal
            from datetime import UTC, datetime
            from newswatch.config import CrawlConfig
            from newswatch.page_workers import PageWorkers, WorkerSpec
            from newswatch.pages import FetchedPage
            from newswatch.store import ensure_schema, make_engine
            from newswatch.store_archive import StoreArchive
            from tests import page_worker_tasks

            {first}
            engine = make_engine({sqlite_url!r})
            ensure_schema(engine)
            archive = StoreArchive(engine, crawl_config=CrawlConfig(), sources=[])
            workers = PageWorkers(
                WorkerSpec(archive.opener(), {{}}), 1, work=page_worker_tasks.{work}
            )
            item = FetchedPage(url="file://{item_file}", source_name="x", body=b"",
                               fetched_at=datetime.now(UTC))
            """
        )
        + then
    )


@pytest.mark.slow
def test_workers_die_with_a_killed_crawl_process(tmp_path: Path, sqlite_url: str) -> None:
    pid_file = tmp_path / "worker.pid"
    script = crawl_process_script(
        sqlite_url, "report_pid_then_hang", pid_file, then="asyncio.run(workers.process(item))"
    )
    crawl = subprocess.Popen(
        [sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1]
    )
    try:
        wait_for_the_worker(pid_file, crawl)
        worker_pid = int(pid_file.read_text())
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        deadline = time.monotonic() + 10
        while _alive(worker_pid):
            assert time.monotonic() < deadline, "the worker outlived the killed crawl process"
            time.sleep(0.1)
    finally:
        if crawl.poll() is None:
            crawl.kill()


@pytest.mark.slow
def test_a_sigterm_to_the_whole_process_group_lets_the_page_in_flight_finish(
    tmp_path: Path, sqlite_url: str
) -> None:
    """cron's `timeout`, a terminal's ^C and systemd signal the whole process group (systemd
    the whole cgroup). The crawl process decides when to stop; the page a worker holds is
    finished, once, not killed with the worker and tried again."""
    notes = tmp_path / "worked-on"
    script = crawl_process_script(
        sqlite_url,
        "note_pid_then_work_a_while",
        notes,
        then=(
            "outcome = asyncio.run(workers.process(item))\n"
            "workers.close()\n"
            "print('OUTCOME', *outcome.counts)\n"
        ),
        # as Scrapy does on SIGTERM: finish what is in flight, then stop
        first="signal.signal(signal.SIGTERM, lambda *_: None)",
    )
    crawl = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_the_worker(notes, crawl)
        os.killpg(crawl.pid, signal.SIGTERM)
        output, _ = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
    assert "OUTCOME new" in output
    assert len(notes.read_text().split()) == 1, "the page was worked on twice"


def wait_for_the_worker(note: Path, crawl: subprocess.Popen[Any]) -> None:
    """Until the worker of the stand-in crawl process has written ``note`` (at most 60 s)."""
    deadline = time.monotonic() + 60
    while not (note.exists() and note.read_text()):
        assert time.monotonic() < deadline, "the worker did not start"
        assert crawl.poll() is None, "the crawl process ended early"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def test_a_recheck_that_returns_the_bytes_of_the_latest_version_is_not_extracted_again() -> None:
    item = page("https://www.heise.de/a-1.html", recheck_url="https://www.heise.de/a-1.html")
    archive = MemoryArchive(
        latest_pages={"https://www.heise.de/a-1.html": hashlib.sha256(item.body).hexdigest()}
    )

    outcome = PageProcessor(archive, {"heise": SOURCE}).process(item)

    assert outcome.counts == ["unchanged"]
    assert archive.saved == [] and archive.not_modified_urls == ["https://www.heise.de/a-1.html"]


def test_a_recheck_with_other_bytes_is_extracted_and_saved() -> None:
    item = page("https://www.heise.de/a-1.html", recheck_url="https://www.heise.de/a-1.html")
    archive = MemoryArchive(latest_pages={"https://www.heise.de/a-1.html": "0" * 64})

    outcome = PageProcessor(archive, {"heise": SOURCE}).process(item)

    assert outcome.counts == ["new"] and len(archive.saved) == 1


def test_the_archive_knows_the_page_its_latest_version_was_made_from(sqlite_url: str) -> None:
    archive = store_archive(sqlite_url)
    processor = PageProcessor(archive, {"heise": SOURCE})
    first = page("https://www.heise.de/a-1.html")
    processor.process(first)
    url = "https://www.heise.de/a-1.html"
    same = hashlib.sha256(first.body).hexdigest()
    check = {"checked_at": NOW, "http_etag": '"v2"', "http_last_modified": None}

    assert archive.same_page(url, same, **check) is True
    assert archive.same_page(url, hashlib.sha256(b"other").hexdigest(), **check) is False
    assert archive.same_page("https://www.heise.de/unknown.html", same, **check) is False
    with archive.sessions() as session:
        stored = session.scalars(select(models.Article)).one()
        assert (stored.check_count, stored.http_etag) == (2, '"v2"')
    archive.close()
