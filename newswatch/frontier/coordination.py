"""The shared frontier's bookkeeping in Redis, next to scrapy-redis' request queue.

Keys (``<prefix>`` is ``[crawl] redis_prefix``, default ``newswatch``):

- ``<prefix>:requests`` — scrapy-redis' priority queue (a sorted set of JSON requests);
- ``<prefix>:round`` — the number of the current round (one seeding = one round);
- ``<prefix>:seen:<round>`` — request fingerprints seen in that round (the dupefilter); every
  round starts empty and the set expires :data:`SEEN_TTL` after its last use, so nothing that
  was filtered once stays filtered (scrapy-redis#84);
- ``<prefix>:seeding`` — the seed lock (``SET NX`` with expiry), held while one worker pushes
  discovery and due re-checks;
- ``<prefix>:workers`` — a sorted set: worker id -> Redis time of its last busy heartbeat.

The frontier is *drained* when the queue is empty, nobody seeds and no worker was busy within
``wait`` seconds. Only a drained frontier is seeded again, so each due re-check is queued once
per round. Plain Python over a Redis client; no Scrapy in here.
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

import redis

#: Seen-sets of old rounds are deleted this long after their last write.
SEEN_TTL = 24 * 3600
#: A seeder that dies holding the seed lock blocks seeding at most this long.
SEED_LOCK_TTL = 600

# Read the current round and add the fingerprint to that round's set, in one step.
_SEEN_SCRIPT = """
local round = redis.call('GET', KEYS[1]) or '0'
local key = ARGV[1] .. round
local added = redis.call('SADD', key, ARGV[2])
redis.call('EXPIRE', key, tonumber(ARGV[3]))
return added
"""
# Delete the seed lock only if this worker holds it.
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def new_worker_id() -> str:
    """``host:pid:random`` — unique per process, readable in ``redis-cli``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Frontier:
    """Rounds, the seed lock, worker heartbeats and the round's seen-set, in one Redis."""

    def __init__(self, server: redis.Redis, prefix: str, *, wait: float = 30.0) -> None:
        self.server = server
        self.prefix = prefix
        self.wait = wait
        self.queue_key = f"{prefix}:requests"
        self.round_key = f"{prefix}:round"
        self.seen_prefix = f"{prefix}:seen:"
        self.seed_key = f"{prefix}:seeding"
        self.workers_key = f"{prefix}:workers"
        self._seen = server.register_script(_SEEN_SCRIPT)
        self._release = server.register_script(_RELEASE_SCRIPT)

    @classmethod
    def from_url(cls, url: str, prefix: str, *, wait: float = 30.0) -> Frontier:
        server = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        return cls(server, prefix, wait=wait)

    @property
    def heartbeat_interval(self) -> float:
        """How often a busy worker says so (several heartbeats fit into ``wait``)."""
        return max(min(self.wait / 4, 5.0), 0.1)

    def ping(self) -> None:
        """Raise redis.RedisError when the server cannot be reached."""
        self.server.ping()

    def now(self) -> float:
        """Redis' clock, so that hosts with skewed clocks agree on heartbeat ages."""
        seconds, micros = self.server.time()
        return float(seconds) + micros / 1e6

    # --- state ----------------------------------------------------------------------------

    def queued(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def current_round(self) -> int:
        value = self.server.get(self.round_key)
        return int(value) if value is not None else 0

    def busy_workers(self, *, exclude: str | None = None) -> list[str]:
        """Workers that were busy within ``wait`` seconds (``exclude``: the caller)."""
        since = self.now() - self.wait
        members: list[Any] = self.server.zrangebyscore(self.workers_key, since, "+inf")
        names = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
        return [name for name in names if name != exclude]

    def is_seeding(self) -> bool:
        return bool(self.server.exists(self.seed_key))

    def is_drained(self, *, exclude: str | None = None) -> bool:
        """Nothing queued, nobody seeding, no (other) worker busy."""
        return (
            self.queued() == 0
            and not self.is_seeding()
            and not self.busy_workers(exclude=exclude)
        )

    # --- workers --------------------------------------------------------------------------

    def mark_busy(self, worker: str) -> None:
        now = self.now()
        self.server.zadd(self.workers_key, {worker: now})
        # forget workers that have been silent for an hour (killed ones, say)
        self.server.zremrangebyscore(self.workers_key, "-inf", now - 3600)

    def mark_idle(self, worker: str) -> None:
        self.server.zrem(self.workers_key, worker)

    # --- seeding --------------------------------------------------------------------------

    def begin_seeding(self, worker: str) -> int | None:
        """Take the seed lock and start a new round when the frontier is drained.

        Returns the new round's number, or None (someone else seeds, or work is still
        queued or in progress: this worker joins that round instead). The caller pushes the
        requests and then calls :meth:`end_seeding`.
        """
        if not self.server.set(self.seed_key, worker, nx=True, ex=SEED_LOCK_TTL):
            return None
        if self.queued() or self.busy_workers(exclude=worker):
            self.end_seeding(worker)
            return None
        self.mark_busy(worker)
        return int(self.server.incr(self.round_key))

    def end_seeding(self, worker: str) -> None:
        self._release(keys=[self.seed_key], args=[worker])

    # --- dupefilter -----------------------------------------------------------------------

    def seen(self, fingerprint: str) -> bool:
        """Whether ``fingerprint`` was seen in the current round (and remember it)."""
        added = self._seen(keys=[self.round_key], args=[self.seen_prefix, fingerprint, SEEN_TTL])
        return int(added) == 0

    def clear(self) -> None:
        """Delete every key of this frontier (tests, or starting over)."""
        keys = list(self.server.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            self.server.delete(*keys)
