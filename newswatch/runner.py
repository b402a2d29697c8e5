"""Run one crawl in this process (Scrapy's CrawlerProcess) and summarise it.

A Twisted reactor can only run once per process: call :func:`run_crawl` once per process (the
CLI does; the demo and the tests start ``newswatch crawl`` in subprocesses).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newswatch.archive import CrawlArchive
from newswatch.config import CrawlConfig, SourceConfig
from newswatch.settings import settings_for
from newswatch.spiders.news import NewsSpider
from newswatch.topics.matching import CompiledTopic

logger = logging.getLogger("newswatch.crawl")

COUNTER_KEYS = ("pages", "new", "changed", "unchanged", "not_modified", "gone", "rechecks")


@dataclass
class CrawlResult:
    status: str  #: finished | failed | interrupted
    counters: dict[str, Any]
    finish_reason: str | None = None
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def summarise(stats: Mapping[str, Any]) -> dict[str, Any]:
    """crawl_runs counters from Scrapy stats: totals, skipped by reason, errors by kind."""
    counters: dict[str, Any] = {key: int(stats.get(f"newswatch/{key}", 0)) for key in COUNTER_KEYS}
    counters["requests"] = int(stats.get("downloader/request_count", 0))
    skipped: dict[str, int] = {}
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("newswatch/skipped/"):
            skipped[key.removeprefix("newswatch/skipped/")] = int(value)
        elif key.startswith("newswatch/errors/"):
            kind = key.removeprefix("newswatch/errors/")
            errors[kind] = errors.get(kind, 0) + int(value)
        elif key.startswith("spider_exceptions/"):
            kind = "spider_" + key.removeprefix("spider_exceptions/")
            errors[kind] = errors.get(kind, 0) + int(value)
    if stats.get("robotstxt/forbidden") and "robots" not in skipped:
        skipped["robots"] = int(stats["robotstxt/forbidden"])
    counters["skipped"] = dict(sorted(skipped.items()))
    counters["errors"] = dict(sorted(errors.items()))
    if "newswatch/frontier/worker" in stats:  # a worker on the shared frontier
        counters["frontier"] = {
            key: stats[f"newswatch/frontier/{key}"]
            for key in ("worker", "round", "seeded")
            if f"newswatch/frontier/{key}" in stats
        }
    return counters


def format_summary(counters: Mapping[str, Any]) -> str:
    errors = counters.get("errors", {})
    skipped = counters.get("skipped", {})
    parts = [f"{key.replace('_', ' ')} {counters.get(key, 0)}" for key in COUNTER_KEYS]
    line = ", ".join(parts)
    line += f"; errors {sum(errors.values())}"
    if errors:
        line += " (" + ", ".join(f"{k} {v}" for k, v in errors.items()) + ")"
    if skipped:
        line += "; skipped " + ", ".join(f"{k} {v}" for k, v in skipped.items())
    return line


def crawl_settings(
    crawl: CrawlConfig, *, log_file: Path | None, quiet: bool, follow: bool = False
) -> Settings:
    settings = Settings()
    settings.setmodule("newswatch.settings", priority="project")
    settings.update(settings_for(crawl), priority="project")
    if follow:
        settings.set("NEWSWATCH_FRONTIER_FOLLOW", True, priority="cmdline")
    if log_file is not None:
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
        settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    elif quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    return settings


def run_crawl(
    *,
    crawl: CrawlConfig,
    sources: Sequence[SourceConfig],
    archive: CrawlArchive,
    log_file: Path | None = None,
    progress: bool = False,
    recheck_all: bool = False,
    follow: bool = False,
    topics: Sequence[CompiledTopic] = (),
    only_topics: bool = False,
) -> CrawlResult:
    """Crawl ``sources`` into ``archive``, tagging versions with ``topics`` (and storing only
    matching new articles with ``only_topics``); blocks until done or stopped (SIGINT/SIGTERM).

    With ``crawl.redis_url`` this process is one worker on the shared frontier; ``follow``
    keeps it polling the frontier after it is drained."""
    process = CrawlerProcess(
        crawl_settings(crawl, log_file=log_file, quiet=progress, follow=follow)
    )
    crawler = process.create_crawler(NewsSpider)
    failures: list[str] = []
    deferred = process.crawl(
        crawler,
        sources=sources,
        crawl_config=crawl,
        archive=archive,
        recheck_all=recheck_all,
        topics=topics,
        only_topics=only_topics,
    )
    ended: list[bool] = []  # stays empty if a signal stops the reactor before the crawl ends

    def note_end(outcome: Any) -> Any:
        ended.append(True)
        return outcome

    deferred.addBoth(note_end)
    deferred.addErrback(lambda failure: failures.append(failure.getErrorMessage()))
    ticker = _start_progress(crawler) if progress else None
    process.start()
    if ticker is not None and ticker.running:
        ticker.stop()
    if progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    stats = dict(crawler.stats.get_stats()) if crawler.stats is not None else {}
    counters = summarise(stats)
    reason = stats.get("finish_reason")
    status, error = crawl_outcome(
        failures=failures,
        finish_reason=reason,
        crawl_ended=bool(ended),
        store_errors=int(counters["errors"].get("store", 0)),
    )
    return CrawlResult(status, counters, reason, error, stats)


def crawl_outcome(
    *, failures: Sequence[str], finish_reason: str | None, crawl_ended: bool, store_errors: int
) -> tuple[str, str | None]:
    """(status, error) of a crawl that has returned from the reactor.

    A crawl whose deferred never fired was stopped by SIGINT/SIGTERM: Scrapy stops the reactor
    without closing a spider whose engine had not started yet, so no finish reason is
    recorded; that is an interruption like any other, not a failure."""
    if failures:
        return "failed", failures[0]
    if finish_reason is None:
        if not crawl_ended:
            return "interrupted", "stopped by signal before the crawl started"
        return "failed", "crawl did not start"
    if finish_reason == "shutdown":
        return "interrupted", "stopped by signal"
    if finish_reason != "finished":
        return "failed", f"crawl ended early: {finish_reason}"
    if store_errors:
        return "failed", f"{store_errors} archive write(s) failed"
    return "finished", None


def _start_progress(crawler: Any) -> Any:
    from twisted.internet.task import LoopingCall

    def show() -> None:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        counters = summarise(stats)
        errors = sum(counters["errors"].values())
        sys.stderr.write(
            f"\r\033[Krequests {counters['requests']} · pages {counters['pages']} · "
            f"new {counters['new']} · changed {counters['changed']} · "
            f"unchanged {counters['unchanged']} · 304 {counters['not_modified']} · "
            f"errors {errors}"
        )
        sys.stderr.flush()

    ticker = LoopingCall(show)
    ticker.start(1.0, now=False)
    return ticker
