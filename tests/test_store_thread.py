"""The crawl process's store thread: an item's archive write runs beside the next page's
extraction, in item order, and the item is counted only once the write is done."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from scrapy.utils.test import get_crawler
from sqlalchemy.exc import OperationalError

from newswatch.archive import SaveStatus
from newswatch.article import Article
from newswatch.config import CrawlConfig, SourceConfig
from newswatch.pages import FetchedPage, NotModified
from newswatch.pipelines import ArticlePipeline, new_store_thread
from newswatch.processing import PageProcessor
from newswatch.spiders.news import NewsSpider
from newswatch.store import make_engine
from newswatch.store_archive import StoreArchive
from newswatch.topics.matching import TopicMatchResult
from tests.crawl_fakes import MemoryArchive, numbered_article
from tests.crawl_fakes import newswatch_stat as stat

SOURCE = SourceConfig(name="heise", language="de", domains=("heise.de",))
NOW = datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


class ThreadedArchive(MemoryArchive):
    """Records which thread each save ran on; a save waits until ``release`` is set."""

    writes_from_any_thread = True

    def __init__(self) -> None:
        super().__init__()
        self.save_threads: list[str] = []
        self.release = threading.Event()
        self.release.set()

    def save(
        self,
        article: Article,
        page: FetchedPage,
        topic_results: Sequence[TopicMatchResult] = (),
    ) -> SaveStatus:
        assert self.release.wait(10), "the test never released the save"
        self.save_threads.append(threading.current_thread().name)
        return super().save(article, page, topic_results)


def pipeline_with_store_thread(archive: MemoryArchive) -> tuple[ArticlePipeline, NewsSpider]:
    crawler = get_crawler(NewsSpider, {})
    spider: NewsSpider = crawler._create_spider(sources=[SOURCE], archive=archive)
    crawler.spider = spider
    assert crawler.stats is not None
    pipeline = ArticlePipeline(
        PageProcessor(archive, {"heise": SOURCE}),
        crawler.stats,
        store_thread=new_store_thread(),
    )
    return pipeline, spider


def page(number: int) -> FetchedPage:
    return numbered_article(number, NOW)



def test_the_save_runs_on_the_store_thread_not_in_the_event_loop() -> None:
    archive = ThreadedArchive()
    pipeline, spider = pipeline_with_store_thread(archive)

    async def crawl() -> None:
        finishing = pipeline.process_item(page(1))
        assert finishing is not None
        await finishing

    asyncio.run(crawl())
    pipeline.close_spider()
    assert archive.save_threads[0].startswith("newswatch-store")
    assert stat(spider, "new") == 1


def test_an_item_is_counted_only_once_its_save_is_done() -> None:
    archive = ThreadedArchive()
    archive.release.clear()
    pipeline, spider = pipeline_with_store_thread(archive)

    async def crawl() -> None:
        finishing = pipeline.process_item(page(1))
        assert finishing is not None
        task = asyncio.ensure_future(finishing)
        await asyncio.sleep(0.05)
        assert not task.done()
        assert stat(spider, "new") is None  # extracted, not yet stored: not counted
        archive.release.set()
        await task
        assert stat(spider, "new") == 1

    asyncio.run(crawl())
    pipeline.close_spider()


def test_the_next_page_is_extracted_while_a_save_runs_and_saves_keep_the_item_order() -> None:
    archive = ThreadedArchive()
    archive.release.clear()
    pipeline, spider = pipeline_with_store_thread(archive)

    async def crawl() -> None:
        first = pipeline.process_item(page(1))  # its save waits for release
        second = pipeline.process_item(page(2))  # extracted meanwhile, in the event loop
        third = pipeline.process_item(page(3))
        assert first is not None and second is not None and third is not None
        tasks = [asyncio.ensure_future(c) for c in (third, second, first)]
        archive.release.set()
        await asyncio.gather(*tasks)

    asyncio.run(crawl())
    pipeline.close_spider()
    assert [a.url for a in archive.saved] == [page(n).url for n in (1, 2, 3)]
    assert stat(spider, "in_crawl_process") == 3
    assert stat(spider, "new") == 3


def test_an_archive_error_on_the_store_thread_is_counted_and_the_crawl_goes_on() -> None:
    class BrokenArchive(ThreadedArchive):
        def save(self, article, page, topic_results=()):  # type: ignore[no-untyped-def]
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    pipeline, spider = pipeline_with_store_thread(BrokenArchive())

    async def crawl() -> None:
        for number in (1, 2):
            finishing = pipeline.process_item(page(number))
            assert finishing is not None
            await finishing

    asyncio.run(crawl())
    pipeline.close_spider()
    assert stat(spider, "errors/store") == 2


def test_an_item_with_nothing_to_write_never_waits_for_the_store_thread() -> None:
    archive = ThreadedArchive()
    archive.release.clear()  # a save would block
    pipeline, spider = pipeline_with_store_thread(archive)
    empty = FetchedPage(
        url="https://www.heise.de/news/leer.html", source_name="heise", body=b"<html></html>",
        fetched_at=NOW,
    )

    assert pipeline.process_item(empty) is None  # done at once: no article text, no write
    pipeline.close_spider()
    assert stat(spider, "skipped/no_article_text") == 1


def test_a_304_is_recorded_on_the_store_thread_too() -> None:
    archive = ThreadedArchive()
    pipeline, spider = pipeline_with_store_thread(archive)

    async def crawl() -> None:
        finishing = pipeline.process_item(NotModified(page(1).url, "heise", NOW))
        assert finishing is not None
        await finishing

    asyncio.run(crawl())
    pipeline.close_spider()
    assert archive.not_modified_urls == [page(1).url]
    assert stat(spider, "not_modified") == 1


def test_an_archive_in_a_file_is_written_from_the_store_thread(tmp_path: Path) -> None:
    archive = StoreArchive(
        make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}"),
        crawl_config=CrawlConfig(),
        sources=[SOURCE],
        owns_engine=True,
    )
    assert archive.writes_from_any_thread
    archive.close()


def test_an_in_memory_sqlite_archive_is_written_in_the_event_loop() -> None:
    # every thread would get an empty database of its own
    archive = StoreArchive(
        make_engine("sqlite://"), crawl_config=CrawlConfig(), sources=[SOURCE], owns_engine=True
    )
    assert not archive.writes_from_any_thread
    archive.close()


def test_prepare_extracts_a_page_and_leaves_its_save_to_finish() -> None:
    archive = MemoryArchive()
    prepared = PageProcessor(archive, {"heise": SOURCE}).prepare(page(1))

    assert archive.saved == [] and prepared.write is not None
    assert prepared.finish().counts == ["new"]
    assert [a.title for a in archive.saved] == ["Artikel 1"]


WIRING = """
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.test import get_crawler
from newswatch.pipelines import ArticlePipeline, new_store_thread
from newswatch.spiders.news import NewsSpider
from tests.test_page_workers import SOURCE, store_archive
crawler = get_crawler(NewsSpider, {"NEWSWATCH_PAGE_WORKERS": 0})
crawler.spider = crawler._create_spider(sources=[SOURCE], archive=store_archive(URL))
pipeline = ArticlePipeline.from_crawler(crawler)
print("store thread" if pipeline.store_thread is not None else "no store thread")
pipeline.close_spider()
"""


def test_a_crawl_into_a_file_gets_the_store_thread_under_the_asyncio_reactor(
    tmp_path: Path,
) -> None:
    # in a process of its own: a reactor is installed once per process
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-c", f"URL = {url!r}\n{WIRING}"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "store thread"
