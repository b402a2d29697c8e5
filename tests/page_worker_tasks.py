"""Work functions for page worker tests: module-level, so a spawned worker can import them."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from newswatch.page_workers import processor_for_worker
from newswatch.processing import CrawlItem, PageOutcome


def crash_on_marked_pages(item: CrawlItem) -> PageOutcome:
    """Dies like a segfaulting extractor would, on URLs containing 'crash'."""
    if "crash" in item.url:
        os._exit(139)
    return processor_for_worker().process(item)


def log_a_warning(item: CrawlItem) -> PageOutcome:
    logging.getLogger("trafilatura.core").warning("odd markup on %s", item.url)
    return processor_for_worker().process(item)


def report_pid_then_hang(item: CrawlItem) -> PageOutcome:
    """Writes the worker's pid to the file named by the item's URL path, then works forever."""
    Path(item.url.removeprefix("file://")).write_text(str(os.getpid()))
    while True:
        time.sleep(0.1)


def open_archive_slowly() -> object:
    """An archive opener that takes a minute: a worker that is still starting."""
    time.sleep(60)
    raise RuntimeError("not reached in the tests")


def open_archive_and_fail() -> object:
    raise OSError("the archive is on a disk that is gone")


def note_pid_then_work_a_while(item: CrawlItem) -> PageOutcome:
    """Appends the worker's pid to the file named by the item's URL path, works for two
    seconds, then succeeds: one line per time the item was worked on."""
    with Path(item.url.removeprefix("file://")).open("a") as notes:
        notes.write(f"{os.getpid()}\n")
    time.sleep(2.0)
    outcome = PageOutcome()
    outcome.count("new")
    return outcome
