"""Page worker processes: extraction and storage on another CPU than the crawl's downloads.

Scrapy runs downloads, scheduling and item pipelines on one thread. Extracting and storing an
article costs more CPU than downloading it, so with a single thread the crawl waits for the
pipeline. :class:`PageWorkers` runs :class:`newswatch.processing.PageProcessor` in worker
processes and hands each item's :class:`PageOutcome` back to the reactor.

- Workers start only when they pay: starting them costs each about half a second of CPU (the
  imports of extraction and storage), which a site of a few hundred small pages never earns
  back. The pipeline processes pages in the crawl process and asks :class:`WorthStarting`
  whether the pages waiting would keep it busier than starting workers costs; once they
  would, it calls :meth:`PageWorkers.start` and from then on hands every page to the workers,
  where it waits until one is ready (:meth:`PageWorkers.wait_started`). Workers that never got
  a page are stopped at once when the crawl ends.
- Workers are ``spawn``ed: nothing of the crawl process, such as its run lock, its threads or
  its database connections, is inherited.
- Two items per worker are in flight (the one it works on and the next); the others wait in the
  crawl process, and Scrapy's scraper slot holds back downloads when too many wait. A worker
  that dies is replaced; the items it had are tried once more, each alone in a worker of its
  own, and an item that kills that worker too is counted as ``errors/worker`` and logged. So a
  page that crashes the extractor (a segfault in a C library, say) is lost, the pages beside
  it are not, and the crawl goes on.
- Workers ignore SIGINT and SIGTERM: the crawl process decides when to stop, finishes the items
  in flight and then shuts the workers down. If the crawl process is killed, its workers die
  with it (Linux: ``PR_SET_PDEATHSIG``; everywhere a thread that checks every second that
  the crawl process is still their parent). Each article is written in its own transaction,
  so a kill never leaves half an article.
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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from newswatch.archive import CrawlArchive
from newswatch.config import CrawlConfig, SourceConfig
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

#: Seconds of processing in the crawl process that starting the workers is worth by default
#: (``[crawl] page_workers_after``): above this much waiting work they start. Starting them
#: costs about half a second of CPU each and, on a site of small pages, competes with the
#: crawl for the CPUs it needs itself: 300 generated pages crawl fastest without workers,
#: 5,000 with them (docs/performance.md, "Small sites").
WORTH_STARTING_SECONDS = CrawlConfig.page_workers_after


class WorthStarting:
    """Decides when starting page workers pays (plain arithmetic, no processes).

    The crawl process reports how long each page took it (:meth:`observe`) and asks with the
    number of pages still waiting (:meth:`now`): workers are worth starting once the waiting
    pages, at the typical time a page takes, would keep the crawl process busy for
    ``worth_seconds`` or more. The first pages are not typical (the first extraction and the
    first write warm caches up), so the first ``warm_up`` observations are not counted."""

    def __init__(self, worth_seconds: float = WORTH_STARTING_SECONDS, *, warm_up: int = 2) -> None:
        self.worth_seconds = worth_seconds
        self.warm_up = warm_up
        self._seen = 0
        self._typical: float | None = None

    def observe(self, seconds: float) -> None:
        self._seen += 1
        if self._seen <= self.warm_up:
            return
        if self._typical is None:
            self._typical = seconds
        else:  # a moving average: the typical page of the last twenty or so
            self._typical += (seconds - self._typical) / 8

    @property
    def typical_seconds(self) -> float | None:
        return self._typical

    @property
    def at_once(self) -> bool:
        """Workers from the first page on (a threshold of 0): pages wait for them."""
        return self.worth_seconds <= 0

    def now(self, waiting: int) -> bool:
        if self.at_once:
            return True
        return self._typical is not None and self._typical * waiting >= self.worth_seconds


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
        #: one future per worker, done when that worker has started (see :meth:`start`)
        self._starting: list[Future[int]] = []
        self._items_sent = False

    def _start(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(self.spec, os.getpid(), self.work),
        )

    def start(self) -> None:
        """Start the workers now, without waiting for them (idempotent)."""
        if not self._starting:
            self._starting = [self._executor.submit(_started) for _ in range(self.workers)]

    @property
    def started(self) -> bool:
        """True once :meth:`start` was called."""
        return bool(self._starting)

    async def wait_started(self) -> BaseException | None:
        """Start the workers and wait until one is ready (``None``) or every one has failed to
        start (then: why)."""
        self.start()
        while not self.ready:
            error = self.failed
            if error is not None:
                return error
            starting = [asyncio.wrap_future(f) for f in self._starting if not f.done()]
            await asyncio.wait(starting, return_when=asyncio.FIRST_COMPLETED)
        return None

    @property
    def ready(self) -> bool:
        """True once a worker has started and can take items."""
        return any(f.done() and not f.cancelled() and f.exception() is None for f in self._starting)

    @property
    def failed(self) -> BaseException | None:
        """Why the workers could not start, once every one of them has failed to (or was
        stopped before it had)."""
        if not self._starting or not all(f.done() for f in self._starting) or self.ready:
            return None
        for future in self._starting:
            if not future.cancelled() and future.exception() is not None:
                return future.exception()
        return RuntimeError("the page workers were stopped before they had started")

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
            self._items_sent = True
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
        """Stop the workers once the items in flight are done; workers that never got an
        item are stopped at once, even if they are still starting."""
        if not self._items_sent:
            _stop_now(self._executor)
        else:
            self._executor.shutdown(wait=True)
        if self._retry_executor is not None:
            self._retry_executor.shutdown(wait=True)


def _context() -> multiprocessing.context.BaseContext:
    """``spawn``: a fresh interpreter that inherits nothing of the crawl process (its threads,
    reactor, run lock and database connections). Not a fork server either: it does not ignore
    SIGTERM, so a signal to the whole process group (``timeout``, systemd, ^C in a terminal)
    would kill it and, through ``PR_SET_PDEATHSIG``, the workers with the pages they hold."""
    return multiprocessing.get_context("spawn")


def _stop_now(executor: ProcessPoolExecutor) -> None:
    """Shut ``executor`` down without waiting for workers that are still starting (they hold
    no item, so nothing is lost)."""
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()


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


def _start_worker(spec: WorkerSpec, crawl_pid: int, work: Work | None) -> None:
    """Worker initializer: signals, parent watch, logging, and the processor."""
    global _processor, _work
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(crawl_pid)
    root = logging.getLogger()
    root.handlers[:] = [_Collect(logging.INFO)]
    root.setLevel(logging.INFO)
    _processor = PageProcessor(
        spec.open_archive(), spec.sources, tuple(spec.topics), spec.only_topics
    )
    _work = work


def _started() -> int:
    return os.getpid()


def _die_with_parent(crawl_pid: int) -> None:
    """Exit when the crawl process ``crawl_pid``, this worker's parent, is gone: at once on
    Linux, within a second everywhere. Compared by pid, not by asking whether that process is
    alive: a killed crawl process stays a zombie until whoever started it reaps it, which may
    wait for this worker to close the output it inherited."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != crawl_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == crawl_pid:
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

