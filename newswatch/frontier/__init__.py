"""The shared frontier for several crawl workers: scrapy-redis' scheduler and queue in Redis.

Selected by ``[crawl] redis_url`` or ``$NEWSWATCH_REDIS_URL`` (:func:`newswatch.settings
.frontier_settings`); without it nothing here is used. See docs/deployment.md.

- :mod:`~newswatch.frontier.coordination` — rounds, seed lock, heartbeats, seen-sets (Redis);
- :mod:`~newswatch.frontier.seeding` — push one round's start requests into the queue;
- :mod:`~newswatch.frontier.serializer` — JSON (not pickle) for queued requests;
- :mod:`~newswatch.frontier.scrapy_adapter` — scheduler, dupefilter and worker extension.
"""

from newswatch.frontier.coordination import Frontier, new_worker_id
from newswatch.frontier.seeding import SeedResult, seed_frontier, seed_if_drained

__all__ = ["Frontier", "SeedResult", "new_worker_id", "seed_frontier", "seed_if_drained"]
