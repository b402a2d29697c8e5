"""Thin adapters that make scrapy-redis 0.9.1 fit Scrapy 2.13+ and newswatch's rounds.

What scrapy-redis 0.9.1 does not do on Scrapy 2.19, and what is changed here (nothing else):

- its scheduler passes ``spider=`` to ``StatsCollector.inc_value`` (deprecated since Scrapy
  2.13, a warning per request): :class:`FrontierScheduler` counts without it;
- its dupefilter hashes method + URL + body itself instead of asking Scrapy's request
  fingerprinter, and keeps one set forever (scrapy-redis#84: a page seen once is never fetched
  again): :class:`RoundDupeFilter` uses ``crawler.request_fingerprinter`` and the current
  round's expiring set (:meth:`Frontier.seen`);
- its idle handling lives in ``RedisSpider`` (start URLs read from Redis), which does not fit a
  config-driven spider: :class:`FrontierWorker` seeds under the Redis lock, sends heartbeats
  and decides when a worker may stop (queue drained, with a bounded wait for busy workers).

The queue (``scrapy_redis.queue.PriorityQueue``) is used as it is, with JSON instead of pickle
(:mod:`newswatch.frontier.serializer`). Scrapy's ``start()``/async start needs no change: in a
shared frontier the spider's ``start()`` yields nothing and the seeder pushes the start
requests into Redis directly.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newswatch.frontier.coordination import Frontier, new_worker_id
from newswatch.frontier.seeding import seed_if_drained

logger = logging.getLogger(__name__)


def frontier_from_settings(settings: BaseSettings) -> Frontier:
    return Frontier.from_url(
        settings["REDIS_URL"],
        settings.get("NEWSWATCH_FRONTIER_PREFIX", "newswatch"),
        wait=settings.getfloat("NEWSWATCH_FRONTIER_WAIT", 30.0),
    )


class RoundDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter on the current round's seen-set, with Scrapy's fingerprints."""

    def __init__(self, frontier: Frontier, crawler: Crawler, debug: bool = False) -> None:
        super().__init__(frontier.server, key=frontier.seen_prefix, debug=debug)
        self.frontier = frontier
        self.fingerprinter = crawler.request_fingerprinter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(frontier_from_settings(settings), crawler, settings.getbool("DUPEFILTER_DEBUG"))

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        return cls.from_crawler(spider.crawler)

    def request_seen(self, request: Request) -> bool:
        return self.frontier.seen(self.fingerprinter.fingerprint(request).hex())

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def clear(self) -> None:
        """Seen-sets belong to rounds and expire; one worker closing must not clear them."""

    def close(self, reason: str = "") -> None:
        pass


class FrontierScheduler(Scheduler):
    """scrapy-redis' scheduler; stats counted without the deprecated ``spider`` argument."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance = cls.from_settings(crawler.settings)
        instance.stats = crawler.stats
        instance.df = RoundDupeFilter.from_crawler(crawler)
        instance.persist = True  # other workers still use the queue when this one closes
        return instance

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(0)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class FrontierWorker:
    """One worker's part in the shared frontier (enabled by ``NEWSWATCH_SHARED_FRONTIER``).

    On open: seed a new round if the frontier is drained (under the seed lock). While running:
    a heartbeat says "busy" whenever requests are in flight here. On idle: keep waiting while
    the queue has requests, while ``--follow`` is on, or while other workers are busy (they may
    still discover more), but not longer than ``frontier_wait`` seconds; then let it close.
    """

    def __init__(self, crawler: Crawler, frontier: Frontier, *, follow: bool, seed: bool) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.follow = follow
        self.seed = seed
        self.worker_id = new_worker_id()
        self.idle_since: float | None = None
        self.heartbeat: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSWATCH_SHARED_FRONTIER"):
            raise NotConfigured("no shared frontier")
        worker = cls(
            crawler,
            frontier_from_settings(settings),
            follow=settings.getbool("NEWSWATCH_FRONTIER_FOLLOW"),
            seed=settings.getbool("NEWSWATCH_FRONTIER_SEED", True),
        )
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    def spider_opened(self, spider: Spider) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("newswatch/frontier/worker", self.worker_id)
        if self.seed:
            result = seed_if_drained(self.frontier, spider, self.worker_id, datetime.now(UTC))
            if result is not None:
                stats.set_value("newswatch/frontier/seeded", result.rechecks + result.discovery)
                logger.info(
                    "Seeded round %d of frontier %r: %d re-check(s), %d discovery request(s)",
                    result.round, self.frontier.prefix, result.rechecks, result.discovery,
                )
        stats.set_value("newswatch/frontier/round", self.frontier.current_round())
        self.heartbeat = LoopingCall(self._beat)
        self.heartbeat.start(self.frontier.heartbeat_interval, now=True)

    def _beat(self) -> None:
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        try:
            if self.frontier.queued():
                # Requests wait in the shared queue (perhaps queued by another worker): ask the
                # engine to pull now rather than at its own next heartbeat (every 5 s). Not only
                # when the engine is idle: requests waiting in the queue already make
                # spider_is_idle() false, so a worker that found the queue empty at start would
                # otherwise look again only after 5 s.
                slot = getattr(engine, "_slot", None)
                if slot is not None:
                    slot.nextcall.schedule()
            if not engine.spider_is_idle():
                self.frontier.mark_busy(self.worker_id)
                self.idle_since = None
        except Exception:  # Redis hiccup: the next beat tries again
            logger.warning("Frontier heartbeat failed", exc_info=True)

    def spider_idle(self, spider: Spider) -> None:
        self.frontier.mark_idle(self.worker_id)
        if self.frontier.queued() or self.follow:
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        waited = now - self.idle_since
        if waited < self.frontier.wait and (
            self.frontier.is_seeding() or self.frontier.busy_workers(exclude=self.worker_id)
        ):
            raise DontCloseSpider
        logger.info("Frontier %r drained; this worker stops", self.frontier.prefix)

    def spider_closed(self, spider: Spider) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            self.frontier.mark_idle(self.worker_id)
        except Exception:
            logger.warning("Could not deregister from the frontier", exc_info=True)
