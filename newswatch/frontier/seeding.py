"""Seeding: push one round's discovery and due re-checks into the shared queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapy_redis.queue import PriorityQueue

from newswatch.frontier import serializer
from newswatch.frontier.coordination import Frontier


@dataclass(frozen=True)
class SeedResult:
    round: int
    rechecks: int
    discovery: int


def frontier_queue(frontier: Frontier, spider: Any) -> PriorityQueue:
    """scrapy-redis' priority queue on the frontier's key, with the JSON serializer."""
    return PriorityQueue(
        server=frontier.server, spider=spider, key=frontier.queue_key, serializer=serializer
    )


def seed_frontier(frontier: Frontier, spider: Any, round_no: int, now: datetime) -> SeedResult:
    """Push ``spider.start_requests_now(now)`` (due re-checks, then feeds, sitemaps, sections).

    ``spider`` is a :class:`newswatch.spiders.news.NewsSpider`; its method names are what the
    queued requests name as callbacks, so any worker's spider can run them.
    """
    queue = frontier_queue(frontier, spider)
    rechecks = discovery = 0
    for request in spider.start_requests_now(now):
        queue.push(request)
        if "recheck_url" in request.meta:
            rechecks += 1
        else:
            discovery += 1
    return SeedResult(round=round_no, rechecks=rechecks, discovery=discovery)


def seed_if_drained(
    frontier: Frontier, spider: Any, worker: str, now: datetime
) -> SeedResult | None:
    """Seed a new round under the seed lock if the frontier is drained, else None."""
    round_no = frontier.begin_seeding(worker)
    if round_no is None:
        return None
    try:
        return seed_frontier(frontier, spider, round_no, now)
    finally:
        frontier.end_seeding(worker)
