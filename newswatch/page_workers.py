"""Page worker processes: extraction and storage on another CPU than the crawl's downloads.

Scrapy runs downloads, scheduling and item pipelines on one thread. Extracting and storing an
article costs more CPU than downloading it, so with a single thread the crawl waits for the
pipeline. :class:`PageWorkers` runs :class:`newswatch.processing.PageProcessor` in worker
processes (``spawn``: nothing of the crawl process, such as its run lock or its database
connections, is inherited) and hands each item's :class:`PageOutcome` back to the reactor.

- Two items per worker are in flight (the one it works on and the next); the others wait in the
  crawl process, and Scrapy's scraper slot holds back downloads when too many wait. A worker
  that dies is replaced; the items it had are tried once more, each alone in a worker of its
  own, and an item that kills that worker too is counted as ``errors/worker`` and logged. So a
  page that crashes the extractor (a segfault in a C library, say) is lost, the pages beside
  it are not, and the crawl goes on.
- Workers ignore SIGINT and SIGTERM: the crawl process decides when to stop, finishes the items
  in flight and then shuts the workers down. If the crawl process is killed, its workers die
  with it (Linux: ``PR_SET_PDEATHSIG``; elsewhere they notice within a second). Each article is
  written in its own transaction, so a kill never leaves half an article.
- Log records emitted in a worker while it processes an item travel back with the outcome and
  are logged in the crawl process, so they end up in the crawl's log like any other.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from newswatch.archive import CrawlArchive
from newswatch.config import SourceConfig
from newswatch.processing import CrawlItem, PageOutcome, PageProcessor
from newswatch.topics.matching import CompiledTopic

#: Called in the worker with the item; the default processes it with the worker's processor.
Work = Callable[[CrawlItem], PageOutcome]


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to build its own :class:`PageProcessor` (picklable)."""

    #: opens the worker's own connection to the archive (a module-level function or partial)
    open_archive: Callable[[], CrawlArchive]
    sources: Mapping[str, SourceConfig]
    topics: tuple[CompiledTopic, ...] = ()
    only_topics: bool = False


#: Items handed to each worker at a time: one it works on and the next, ready to start (with
#: only one, a worker waits for the busy crawl process between two pages).
IN_FLIGHT_PER_WORKER = 2

#: Most page workers chosen automatically (each holds an extractor and a database connection,
#: about 100 MB; beyond a few, an SQLite archive's single writer lock is the limit).
MAX_AUTO_WORKERS = 4


def default_worker_count(cpus: int | None = None) -> int:
    """One worker per CPU beyond the first (which runs the crawl itself), but two on two CPUs,
    at most :data:`MAX_AUTO_WORKERS`; none on a single CPU (pages are processed in the crawl).

    Two on two CPUs because the crawl process needs only part of a CPU (about a third at 225
    generated pages/s, less on real pages, where extraction is the work): with one worker
    the rest of that CPU stays idle. Measured on two CPUs: +14% articles/s on generated pages,
    +57% on real news pages (docs/performance.md)."""
    cpus = os.cpu_count() if cpus is None else cpus
    cpus = cpus or 1
    if cpus <= 1:
        return 0
    return min(max(2, cpus - 1), MAX_AUTO_WORKERS)


class PageWorkers:
    """A pool of page workers used from the crawl's asyncio event loop (Scrapy's asyncio
    reactor); see the module docstring."""

    def __init__(self, spec: WorkerSpec, workers: int, *, work: Work | None = None) -> None:
        if workers < 1:
            raise ValueError("PageWorkers needs at least one worker")
        self.spec = spec
        self.workers = workers
        self.work = work
        self._executor = self._start(workers)
        self._slots: asyncio.Semaphore | None = None
        #: one worker for items whose first worker died, run one at a time (started on demand)
        self._retry_executor: ProcessPoolExecutor | None = None
        self._retry_turn: asyncio.Lock | None = None

    def _start(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.spec, os.getpid(), self.work),
        )

    async def process(self, item: CrawlItem) -> PageOutcome:
        """Process ``item`` in a worker; never raises (a failure is an outcome).

        If the worker dies while the item is in flight (the item may be the cause, or only
        beside it), the item is tried once more, alone in a worker of its own, so that a page
        that kills workers takes no other page with it."""
        if self._slots is None:  # created here: they belong to the running loop
            self._slots = asyncio.Semaphore(self.workers * IN_FLIGHT_PER_WORKER)
            self._retry_turn = asyncio.Lock()
        async with self._slots:
            executor = self._executor
            try:
                return await asyncio.wrap_future(executor.submit(_process, item))
            except Exception:  # BrokenProcessPool: a worker died (or could not start)
                if executor is self._executor:  # not yet replaced by another item's failure
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = self._start(self.workers)
        assert self._retry_turn is not None
        async with self._retry_turn:
            retry = self._retry_executor or self._start(1)
            self._retry_executor = retry
            try:
                return await asyncio.wrap_future(retry.submit(_process, item))
            except Exception as exc:
                retry.shutdown(wait=False, cancel_futures=True)
                self._retry_executor = None
                return _worker_died(item, exc)

    def close(self) -> None:
        """Stop the workers once the items in flight are done."""
        self._executor.shutdown(wait=True)
        if self._retry_executor is not None:
            self._retry_executor.shutdown(wait=True)


def _worker_died(item: CrawlItem, error: BaseException) -> PageOutcome:
    outcome = PageOutcome()
    outcome.count("errors/worker")
    outcome.note(
        logging.ERROR,
        f"Page worker failed on {item.url}: {type(error).__name__}: {error}; "
        "not stored in this run",
        logger=__name__,
    )
    return outcome


# --- in the worker process ------------------------------------------------------------------

_processor: PageProcessor | None = None
_work: Work | None = None
_records: list[logging.LogRecord] = []


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _records.append(record)


def _start_worker(spec: WorkerSpec, parent_pid: int, work: Work | None) -> None:
    """Worker initializer: signals, parent watch, logging, and the processor."""
    global _processor, _work
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    root = logging.getLogger()
    root.handlers[:] = [_Collect(logging.INFO)]
    root.setLevel(logging.INFO)
    _processor = PageProcessor(
        spec.open_archive(), spec.sources, tuple(spec.topics), spec.only_topics
    )
    _work = work


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _process(item: CrawlItem) -> PageOutcome:
    assert _processor is not None, "worker not initialised"
    _records.clear()
    try:
        outcome = _work(item) if _work is not None else _processor.process(item)
    finally:
        records = list(_records)
        _records.clear()
    for record in records:
        outcome.note(record.levelno, record.getMessage(), logger=record.name)
    return outcome


def processor_for_worker() -> PageProcessor:
    """The processor of this worker process (for a custom ``work`` function)."""
    assert _processor is not None, "worker not initialised"
    return _processor

