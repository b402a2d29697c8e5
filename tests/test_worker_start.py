"""When page workers start: only once the waiting pages are worth it, and never in the way.

Starting a worker costs about half a second of CPU (its imports). On a site of a few hundred
small pages that is never earned back, so the crawl process handles them itself; on a big
site the workers start once the pages waiting would keep the crawl process busy for longer
than :data:`WORTH_STARTING_SECONDS`.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newswatch.config import NewswatchConfig, SourceConfig, load_config
from newswatch.page_workers import (
    WORTH_STARTING_SECONDS,
    PageWorkers,
    WorkerSpec,
    WorthStarting,
)
from newswatch.pages import FetchedPage
from newswatch.pipelines import ArticlePipeline
from newswatch.processing import CrawlItem, PageOutcome
from newswatch.settings import settings_for
from newswatch.spiders.news import NewsSpider
from tests import page_worker_tasks
from tests.crawl_fakes import MemoryArchive, numbered_article
from tests.test_page_workers import store_archive

SOURCE = SourceConfig(name="heise", language="de", domains=("heise.de",))
ONE_SOURCE = '[[source]]\nname = "heise"\nfeeds = ["https://www.heise.de/rss"]\n'


def load_config_text(text: str) -> NewswatchConfig:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "sources.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)
NOW = datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


def observed(*seconds: float, worth: float = 2.0, warm_up: int = 2) -> WorthStarting:
    decision = WorthStarting(worth, warm_up=warm_up)
    for value in seconds:
        decision.observe(value)
    return decision


# --- the decision ---------------------------------------------------------------------------


def test_nothing_is_worth_starting_before_a_page_has_been_timed() -> None:
    assert not WorthStarting().now(waiting=1_000_000)


def test_the_first_pages_do_not_count_because_they_warm_caches_up() -> None:
    decision = observed(0.9, 0.5)  # first extraction, first write: slow
    assert decision.typical_seconds is None
    assert not decision.now(waiting=100)


def test_a_few_hundred_small_pages_are_not_worth_starting_workers() -> None:
    decision = observed(0.9, 0.5, *[0.004] * 20, worth=WORTH_STARTING_SECONDS)
    assert not decision.now(waiting=300)


def test_thousands_of_pages_waiting_are_worth_starting_workers() -> None:
    decision = observed(0.9, 0.5, *[0.004] * 20, worth=WORTH_STARTING_SECONDS)
    assert decision.now(waiting=5_000)


def test_heavy_pages_are_worth_it_sooner() -> None:
    decision = observed(0.9, 0.5, *[0.02] * 20, worth=WORTH_STARTING_SECONDS)
    assert decision.now(waiting=300)


def test_the_typical_time_follows_the_pages_as_they_change() -> None:
    decision = observed(0.9, 0.5, *[0.05] * 5, *[0.004] * 60)
    assert decision.typical_seconds is not None
    assert decision.typical_seconds < 0.005


def test_a_threshold_of_zero_starts_workers_at_once() -> None:
    assert WorthStarting(0.0, warm_up=0).now(waiting=0)


@pytest.mark.parametrize(
    ("crawl_lines", "seconds"),
    [
        ("", WORTH_STARTING_SECONDS),
        ("page_workers_after = 10", 10.0),
        ("page_workers_after = 0", 0.0),
    ],
)
def test_the_threshold_comes_from_the_crawl_config(crawl_lines: str, seconds: float) -> None:
    crawl = load_config_text(f"[crawl]\n{crawl_lines}\n" + ONE_SOURCE).crawl
    crawler = get_crawler(NewsSpider, settings_for(crawl))
    spider = crawler._create_spider(sources=[SOURCE], archive=MemoryArchive())
    crawler.spider = spider

    pipeline = ArticlePipeline.from_crawler(crawler)

    assert pipeline.worth_starting.worth_seconds == seconds
    assert pipeline.worth_starting.at_once is (seconds == 0)


# --- the pipeline with workers that are not (yet) there ---------------------------------------


class FakeWorkers:
    """Stands in for PageWorkers: records what the pipeline asks of it; its workers start at
    once, or fail to with ``failure``."""

    def __init__(self, *, failure: Exception | None = None):
        self.started = False
        self.waited_for = 0
        self.closed = False
        self.processed: list[str] = []
        self.failure = failure

    def start(self) -> None:
        self.started = True

    @property
    def ready(self) -> bool:
        return False  # the pipeline asks wait_started() first

    async def wait_started(self) -> BaseException | None:
        self.start()
        self.waited_for += 1
        return self.failure

    async def process(self, item: CrawlItem) -> PageOutcome:
        self.processed.append(item.url)
        outcome = PageOutcome()
        outcome.count("new")
        return outcome

    def close(self) -> None:
        self.closed = True


def pipeline_with(
    workers: FakeWorkers, decision: WorthStarting, archive: MemoryArchive
) -> tuple[ArticlePipeline, NewsSpider]:
    crawler = get_crawler(NewsSpider, {})
    spider = crawler._create_spider(sources=[SOURCE], archive=archive)
    assert isinstance(spider, NewsSpider)
    crawler.spider = spider
    pipeline = ArticlePipeline.from_crawler(crawler)
    pipeline.workers = workers  # type: ignore[assignment]
    pipeline.worth_starting = decision
    return pipeline, spider


def page(n: int) -> FetchedPage:
    return numbered_article(n, NOW)


def feed(pipeline: ArticlePipeline, *items: FetchedPage) -> None:
    for item in items:
        pending = pipeline.process_item(item)
        if pending is not None:
            asyncio.run(pending)


def set_waiting(spider: NewsSpider, waiting: int) -> None:
    assert spider.crawler.stats is not None
    spider.crawler.stats.set_value("scheduler/enqueued", waiting)
    spider.crawler.stats.set_value("scheduler/dequeued", 0)


def test_a_small_crawl_is_processed_in_the_crawl_process_without_starting_workers() -> None:
    archive, workers = MemoryArchive(), FakeWorkers()
    pipeline, spider = pipeline_with(workers, WorthStarting(2.0, warm_up=0), archive)
    set_waiting(spider, 10)

    feed(pipeline, *(page(n) for n in range(5)))

    assert not workers.started
    assert len(archive.saved) == 5
    assert spider.crawler.stats is not None
    assert spider.crawler.stats.get_value("newswatch/in_crawl_process") == 5


def test_workers_start_once_the_waiting_pages_are_worth_it_and_then_take_every_page() -> None:
    archive, workers = MemoryArchive(), FakeWorkers()
    pipeline, spider = pipeline_with(workers, WorthStarting(1e-9, warm_up=0), archive)
    set_waiting(spider, 1_000)

    feed(pipeline, page(1), page(2), page(3))

    assert workers.started
    assert len(archive.saved) == 1  # the first page timed the work; then it was worth it
    assert workers.processed == [page(n).url for n in (2, 3)]


def test_pages_wait_for_the_workers_once_they_are_starting() -> None:
    archive, workers = MemoryArchive(), FakeWorkers()
    pipeline, spider = pipeline_with(workers, WorthStarting(1e-9, warm_up=0), archive)
    set_waiting(spider, 1_000)
    feed(pipeline, page(1), page(2))
    set_waiting(spider, 0)  # nothing waits any more: the workers are started all the same

    feed(pipeline, page(3), page(4))

    assert workers.waited_for == 3
    assert len(workers.processed) == 3


def test_with_a_threshold_of_zero_every_page_goes_to_the_workers() -> None:
    archive, workers = MemoryArchive(), FakeWorkers()
    pipeline, _ = pipeline_with(workers, WorthStarting(0.0), archive)

    feed(pipeline, *(page(n) for n in range(3)))

    assert archive.saved == []
    assert len(workers.processed) == 3


def test_workers_that_cannot_start_leave_the_pages_to_the_crawl_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    archive = MemoryArchive()
    workers = FakeWorkers(failure=OSError("the archive is on a disk that is gone"))
    pipeline, spider = pipeline_with(workers, WorthStarting(1e-9, warm_up=0), archive)
    set_waiting(spider, 1_000)

    feed(pipeline, *(page(n) for n in range(4)))

    assert workers.closed and pipeline.workers is None
    assert len(archive.saved) == 4
    assert "Page workers could not start (OSError" in caplog.text


# --- real worker processes ------------------------------------------------------------------


def test_waiting_for_the_workers_returns_once_one_is_ready(sqlite_url: str) -> None:
    workers = PageWorkers(WorkerSpec(store_archive(sqlite_url).opener(), {"heise": SOURCE}), 1)
    try:
        assert not workers.ready and not workers.started

        assert asyncio.run(workers.wait_started()) is None

        assert workers.ready and workers.failed is None
    finally:
        workers.close()


def test_workers_that_cannot_open_the_archive_report_why() -> None:
    spec = WorkerSpec(page_worker_tasks.open_archive_and_fail, {"heise": SOURCE})  # type: ignore[arg-type]
    workers = PageWorkers(spec, 2)
    try:
        error = asyncio.run(workers.wait_started())

        assert error is not None and not workers.ready
        assert workers.failed is error
    finally:
        workers.close()


def test_workers_that_never_got_a_page_are_stopped_without_waiting_for_them() -> None:
    spec = WorkerSpec(page_worker_tasks.open_archive_slowly, {"heise": SOURCE})  # type: ignore[arg-type]
    workers = PageWorkers(spec, 2)
    workers.start()

    closing = threading.Thread(target=workers.close)
    closing.start()
    closing.join(timeout=30)  # the workers would need a minute to start

    assert not closing.is_alive(), "close() waited for workers that were still starting"


def test_pages_waiting_for_workers_that_are_stopped_while_starting_are_told_so() -> None:
    spec = WorkerSpec(page_worker_tasks.open_archive_slowly, {"heise": SOURCE})  # type: ignore[arg-type]
    workers = PageWorkers(spec, 2)

    async def wait_then_stop() -> BaseException | None:
        waiting = asyncio.ensure_future(workers.wait_started())
        await asyncio.sleep(0.2)
        workers.close()  # the crawl ends while the workers are still starting
        return await asyncio.wait_for(waiting, timeout=30)

    error = asyncio.run(wait_then_stop())

    assert error is not None and not workers.ready
