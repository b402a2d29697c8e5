"""The one item pipeline: a thin adapter from the spider's items to the page processor.

Each item (a fetched page, a 304, a 404/410) goes to :class:`newswatch.processing.PageProcessor`
— in this process, or in page worker processes (:mod:`newswatch.page_workers`) when the archive
can be opened again from another process and ``[crawl] page_workers`` asks for them (by
default: one per CPU beyond the first, but two on two CPUs, at most four). Workers start only
once the pages waiting are worth it (:class:`newswatch.page_workers.WorthStarting`: a site of a
few hundred small pages is crawled fastest without them); until then items are processed in the
crawl process (counted as ``newswatch/in_crawl_process``), from then on they wait for the
workers (or, should none start, are processed in the crawl process after all). The
outcome's counters go to the crawl stats (``newswatch/new``, ``newswatch/errors/store``, …) and
its records to the crawl log.

In the crawl process an item's archive write runs on a thread of its own (the store thread,
one for the crawl, writes in the order the items came), while the event loop goes on with the
next page: the database's work (the search index, the commit) overlaps the next extraction
instead of adding to it. An item is done (and counted) only once its write has committed:
nothing is reported stored that is not. A killed crawl loses the pages still queued for the
thread (extracted, not yet written), which the next run, not knowing them, fetches again; a
stopped one (SIGTERM, the end) finishes them, as Scrapy waits for items in progress.
Archives that cannot be written from another thread (``writes_from_any_thread`` false, e.g. an
in-memory SQLite database) are written in the event loop as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed

from newswatch.page_workers import (
    WORTH_STARTING_SECONDS,
    PageWorkers,
    WorkerSpec,
    WorthStarting,
    default_worker_count,
)
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.processing import CrawlItem, PageOutcome, PageProcessor, PreparedItem

logger = logging.getLogger(__name__)

#: Scrapy setting: page worker processes; -1 (the default) lets the machine decide.
PAGE_WORKERS_SETTING = "NEWSWATCH_PAGE_WORKERS"
#: Scrapy setting: seconds of waiting work that start the page workers (``[crawl]
#: page_workers_after``; 0: with the first page).
PAGE_WORKERS_AFTER_SETTING = "NEWSWATCH_PAGE_WORKERS_AFTER"


class ArticlePipeline:
    """Process each item and count what happened; one bad page never stops the crawl."""

    def __init__(
        self,
        processor: PageProcessor,
        stats: StatsCollector,
        *,
        workers: PageWorkers | None = None,
        worth_starting: WorthStarting | None = None,
        store_thread: ThreadPoolExecutor | None = None,
    ) -> None:
        """``store_thread``: a one-thread executor for the archive writes of items processed
        in this process (None: they are written in the event loop)."""
        self.processor = processor
        self.stats = stats
        self.workers = workers
        self.worth_starting = worth_starting or WorthStarting()
        self.store_thread = store_thread

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider: Any = crawler.spider
        if spider is None or getattr(spider, "archive", None) is None:
            raise RuntimeError("ArticlePipeline needs a spider with an archive (NewsSpider)")
        assert crawler.stats is not None
        processor = PageProcessor(
            spider.archive,
            spider.sources_by_name,
            topics=tuple(getattr(spider, "topics", ())),
            only_topics=bool(getattr(spider, "only_topics", False)),
        )
        after = crawler.settings.getfloat(PAGE_WORKERS_AFTER_SETTING, WORTH_STARTING_SECONDS)
        # A worker on the shared frontier cannot see the queue's length in its own stats (the
        # other workers fill it), and a frontier is there for big crawls: workers at once.
        if crawler.settings.getbool("NEWSWATCH_SHARED_FRONTIER"):
            after = 0.0
        return cls(
            processor,
            crawler.stats,
            workers=_workers_for(crawler, processor),
            worth_starting=WorthStarting(after),
            store_thread=_store_thread_for(processor),
        )

    def process_item(self, item: Any, spider: Any = None) -> Coroutine[Any, Any, None] | None:
        if not isinstance(item, FetchedPage | NotModified | Gone):
            return None
        workers = self.workers
        if workers is not None and (
            workers.started or self.worth_starting.now(_waiting(self.stats))
        ):
            # From here on every page goes to the workers and waits for them to start: the
            # crawl process keeps a CPU free for their start instead of competing with it.
            workers.start()
            return self._in_worker(workers, item)
        started = time.perf_counter()
        prepared = self._prepare_here(item)
        self.worth_starting.observe(time.perf_counter() - started)
        return self._finish_here(prepared)

    def _prepare_here(self, item: CrawlItem) -> PreparedItem:
        self.stats.inc_value("newswatch/in_crawl_process")
        return self.processor.prepare(item)

    def _finish_here(self, prepared: PreparedItem) -> Coroutine[Any, Any, None] | None:
        """Do ``prepared``'s archive write: on the store thread (a coroutine that ends once it
        has committed), or at once when there is no store thread or nothing to write."""
        if prepared.write is None or self.store_thread is None:
            _record(prepared.finish(), self.stats)
            return None
        # submitted now, not when the coroutine first runs: writes keep the items' order
        return self._record_when_done(self.store_thread.submit(prepared.finish))

    async def _record_when_done(self, writing: Future[PageOutcome]) -> None:
        _record(await asyncio.wrap_future(writing), self.stats)

    async def _in_worker(self, workers: PageWorkers, item: CrawlItem) -> None:
        if not workers.ready:
            error = await workers.wait_started()
            if error is not None:
                if self.workers is workers:
                    self._give_up_workers(workers, error)
                finishing = self._finish_here(self._prepare_here(item))
                if finishing is not None:
                    await finishing
                return
        _record(await workers.process(item), self.stats)

    def _give_up_workers(self, workers: PageWorkers, error: BaseException) -> None:
        logger.warning(
            "Page workers could not start (%s: %s); pages are processed in the crawl process",
            type(error).__name__,
            error,
        )
        workers.close()
        self.workers = None

    def close_spider(self, spider: Any = None) -> None:
        if self.workers is not None:
            self.workers.close()
        if self.store_thread is not None:
            self.store_thread.shutdown(wait=True)  # Scrapy already waited for its items


def _waiting(stats: StatsCollector) -> int:
    """Requests scheduled but not yet sent: about the pages still to process."""
    enqueued = int(stats.get_value("scheduler/enqueued", 0))
    dequeued = int(stats.get_value("scheduler/dequeued", 0))
    return max(0, enqueued - dequeued)


def _record(outcome: PageOutcome, stats: StatsCollector) -> None:
    """An outcome into the crawl: its counters into the stats, its records into the log."""
    for key in outcome.counts:
        stats.inc_value(f"newswatch/{key}")
    for name, level, message in outcome.log:
        logging.getLogger(name).log(level, "%s", message)


def _store_thread_for(processor: PageProcessor) -> ThreadPoolExecutor | None:
    """The store thread, when the archive can be written from another thread and the reactor
    is Scrapy's asyncio reactor (whose event loop awaits the thread's results)."""
    if not getattr(processor.archive, "writes_from_any_thread", False):
        return None
    if not (is_reactor_installed() and is_asyncio_reactor_installed()):
        return None
    return new_store_thread()


def new_store_thread() -> ThreadPoolExecutor:
    """The store thread: one thread, so that the archive writes keep the items' order."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="newswatch-store")


def _workers_for(crawler: Crawler, processor: PageProcessor) -> PageWorkers | None:
    """Page workers when wanted and possible: the archive must say how to open it again in
    another process (``opener()``), and the reactor must be Scrapy's asyncio reactor."""
    wanted = crawler.settings.getint(PAGE_WORKERS_SETTING, -1)
    count = default_worker_count() if wanted < 0 else wanted
    opener = getattr(processor.archive, "opener", None)
    if count == 0 or not callable(opener):
        return None
    if not (is_reactor_installed() and is_asyncio_reactor_installed()):
        return None
    spec = WorkerSpec(opener(), dict(processor.sources), processor.topics, processor.only_topics)
    return PageWorkers(spec, count)
