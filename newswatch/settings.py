"""Scrapy settings for newswatch (``scrapy.cfg`` points here; ``scrapy crawl news`` uses them).

The politeness values mirror :class:`newswatch.config.CrawlConfig`'s defaults;
:func:`settings_for` turns a loaded ``[crawl]`` table into the overrides for one run.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings as _scrapy_defaults

from newswatch.config import CrawlConfig

_DEFAULTS = CrawlConfig()

BOT_NAME = "newswatch"
SPIDER_MODULES = ["newswatch.spiders"]
NEWSPIDER_MODULE = "newswatch.spiders"

# --- politeness -----------------------------------------------------------------------------
USER_AGENT = _DEFAULTS.full_user_agent
ROBOTSTXT_OBEY = _DEFAULTS.obey_robots_txt
CONCURRENT_REQUESTS = _DEFAULTS.concurrent_requests
CONCURRENT_REQUESTS_PER_DOMAIN = _DEFAULTS.concurrent_requests_per_domain
DOWNLOAD_DELAY = _DEFAULTS.download_delay
AUTOTHROTTLE_ENABLED = _DEFAULTS.autothrottle
AUTOTHROTTLE_START_DELAY = max(_DEFAULTS.download_delay, 1.0)
AUTOTHROTTLE_MAX_DELAY = _DEFAULTS.autothrottle_max_delay
AUTOTHROTTLE_TARGET_CONCURRENCY = _DEFAULTS.autothrottle_target_concurrency
DOWNLOAD_TIMEOUT = _DEFAULTS.download_timeout
DOWNLOAD_MAXSIZE = _DEFAULTS.download_maxsize
DOWNLOAD_WARNSIZE = _DEFAULTS.download_warnsize
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False

# --- retries: our middleware adds backoff and Retry-After to Scrapy's RetryMiddleware ----------
RETRY_ENABLED = True
RETRY_TIMES = _DEFAULTS.retry_times
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NEWSWATCH_RETRY_BACKOFF_BASE = _DEFAULTS.retry_backoff_base
NEWSWATCH_RETRY_BACKOFF_MAX = _DEFAULTS.retry_backoff_max
NEWSWATCH_RETRY_AFTER_MAX = _DEFAULTS.retry_after_max

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newswatch.middlewares.BackoffRetryMiddleware": 550,
    # before robots.txt (100) so that no request, not even for robots.txt, reaches a private host
    "newswatch.middlewares.PrivateAddressMiddleware": 50,
    # sees responses before HttpCompressionMiddleware (590) decompresses what it can of them
    "newswatch.middlewares.CompleteBodyMiddleware": 595,
}
ITEM_PIPELINES = {"newswatch.pipelines.ArticlePipeline": 300}
# Items processed in parallel per response. Scrapy starts this many asyncio tasks for the
# output of every callback (default 100); an article response yields one item, so 100 tasks
# per page cost the crawl process a third of its time. Items of different responses still
# run in parallel (and in the page workers).
CONCURRENT_ITEMS = 4

# --- misc -------------------------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

#: Switched off above and left out of Scrapy's base component lists, because Scrapy imports
#: every component named there (even one set to None) before it can find out that it is off:
#: the remote control imports aiohttp when that is installed (90 ms), the cookies middleware
#: tldextract (50 ms), each crawl's start-up.
NOT_LOADED = frozenset(
    {
        "scrapy.extensions.remote_control.RemoteControl",
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    }
)
EXTENSIONS_BASE = {
    path: order
    for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if path not in NOT_LOADED
}
DOWNLOADER_MIDDLEWARES_BASE = {
    path: order
    for path, order in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
    if path not in NOT_LOADED
}
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

#: Read by the spider when it is started with ``scrapy crawl news`` (the CLI passes objects).
NEWSWATCH_SOURCES = None
NEWSWATCH_DATABASE_URL = None

#: True when the requests live in the shared Redis frontier (see :func:`frontier_settings`).
NEWSWATCH_SHARED_FRONTIER = False
#: With a shared frontier: keep polling it instead of exiting when it is drained.
NEWSWATCH_FRONTIER_FOLLOW = False


def settings_for(crawl: CrawlConfig) -> dict[str, Any]:
    """Scrapy setting overrides for one run's ``[crawl]`` table."""
    return {
        "USER_AGENT": crawl.full_user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": crawl.autothrottle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": crawl.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "DOWNLOAD_MAXSIZE": crawl.download_maxsize,
        "DOWNLOAD_WARNSIZE": crawl.download_warnsize,
        "RETRY_TIMES": crawl.retry_times,
        "NEWSWATCH_RETRY_BACKOFF_BASE": crawl.retry_backoff_base,
        "NEWSWATCH_RETRY_BACKOFF_MAX": crawl.retry_backoff_max,
        "NEWSWATCH_RETRY_AFTER_MAX": crawl.retry_after_max,
        "NEWSWATCH_PAGE_WORKERS": -1 if crawl.page_workers is None else crawl.page_workers,
        "NEWSWATCH_PAGE_WORKERS_AFTER": crawl.page_workers_after,
        **(frontier_settings(crawl) if crawl.redis_url else {}),
    }


def frontier_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """scrapy-redis as scheduler and dupefilter, through the adapters in newswatch.frontier.

    The queue is a Redis sorted set (priority order: re-checks first); requests are stored as
    JSON, not pickle; the queue persists when a worker closes (other workers still use it).
    """
    prefix = crawl.redis_prefix
    return {
        "NEWSWATCH_SHARED_FRONTIER": True,
        "NEWSWATCH_FRONTIER_PREFIX": prefix,
        "NEWSWATCH_FRONTIER_WAIT": crawl.frontier_wait,
        "REDIS_URL": crawl.redis_url,
        "SCHEDULER": "newswatch.frontier.scrapy_adapter.FrontierScheduler",
        "DUPEFILTER_CLASS": "newswatch.frontier.scrapy_adapter.RoundDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_SERIALIZER": "newswatch.frontier.serializer",
        "SCHEDULER_PERSIST": True,
        "EXTENSIONS": {"newswatch.frontier.scrapy_adapter.FrontierWorker": 500},
    }
