"""Downloader middlewares: retries with backoff and Retry-After; the SSRF guard; refusing
compressed bodies that were cut short."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from newswatch.content_encoding import is_cut_short
from newswatch.discovery.addresses import PrivateAddressError, check_url_target
from newswatch.discovery.urls import is_same_site

logger = logging.getLogger(__name__)

#: Statuses whose Retry-After header is honoured.
RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds to wait according to a Retry-After header (delta-seconds or HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # not "²" or "٣": str.isdigit knows every script
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def backoff_delay(retry_times: int, *, base: float, cap: float) -> float:
    """Backoff before retry number ``retry_times + 1``: base, 2·base, 4·base, … at most cap."""
    return min(base * (2**retry_times), cap) if base > 0 else 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, plus a wait before each retry.

    The wait is the server's ``Retry-After`` on 429/503 when it gives one, otherwise exponential
    backoff. A Retry-After longer than ``NEWSWATCH_RETRY_AFTER_MAX`` is not waited for: the
    request is given up (counted) instead. Waits end early when the crawl is stopping.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("NEWSWATCH_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("NEWSWATCH_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("NEWSWATCH_RETRY_AFTER_MAX", 300.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retries = int(request.meta.get("retry_times", 0))
        delay = backoff_delay(retries, base=self.backoff_base, cap=self.backoff_max)
        if response.status in RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
            if asked is not None:
                if asked > self.retry_after_max:
                    logger.warning(
                        "Giving up %s: server asks to retry after %.0f s (limit %.0f s)",
                        request.url, asked, self.retry_after_max,
                    )
                    self._stats_inc("newswatch/errors/retry_after_too_long")
                    return response
                delay = asked
                self._stats_inc("newswatch/retry_after_honoured")
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if delay > 0:
            logger.info("Retrying %s in %.1f s (HTTP %d)", request.url, delay, response.status)
            if not await self._wait(delay):
                return response
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retries = int(request.meta.get("retry_times", 0))
        retry = self._retry(request, exception)
        if retry is None:
            return None
        delay = backoff_delay(retries, base=self.backoff_base, cap=self.backoff_max)
        if delay > 0 and not await self._wait(delay):
            return None
        return retry

    async def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the crawl started stopping meanwhile."""
        from twisted.internet import reactor  # the installed one; never install a default here

        remaining = seconds
        while remaining > 0:
            engine = self.crawler.engine
            if engine is not None and not engine.running:
                return False
            step = min(remaining, 0.5)
            await maybe_deferred_to_future(deferLater(reactor, step, lambda: None))
            remaining -= step
        return True

    def _stats_inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


class PrivateAddressMiddleware:
    """Refuse requests to private, loopback, link-local and reserved addresses (SSRF).

    A private address is fetched only when the URL is on the site of a source that sets
    ``allow_private_addresses``: a feed entry, sitemap entry or redirect of such a source
    that leads to another private host is refused like any other.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        sources: dict[str, Any] = getattr(self.crawler.spider, "sources_by_name", {})
        allow = any(
            s.allow_private_addresses and is_same_site(request.url, s.domains)
            for s in sources.values()
        )
        try:
            check_url_target(request.url, allow_private=allow)
        except PrivateAddressError as exc:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newswatch/skipped/private_address")
            logger.warning("Refused %s: %s", request.url, exc)
            raise IgnoreRequest(f"private address: {exc}") from None


class TruncatedBodyError(Exception):
    """A compressed response body ended before its compressed stream did."""


class CompleteBodyMiddleware:
    """Retry, then fail (``errors/data_loss``), responses whose compressed body was cut short.

    Scrapy's HttpCompressionMiddleware (590) hands on whatever part of a truncated gzip, br,
    deflate or zstd stream it could decompress; this middleware (595) sees the response
    before it and keeps such partial pages out of the archive.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        encodings = response.headers.getlist("Content-Encoding")
        if not encodings or request.method == "HEAD":
            return response
        limit = int(request.meta.get("download_maxsize", self.max_size)) or 2**62
        if not is_cut_short(response.body, encodings, limit=limit):
            return response
        logger.warning(
            "The compressed body of %s ends early (%d bytes received)",
            request.url, len(response.body),
        )
        if self.crawler.spider is not None and not request.meta.get("dont_retry", False):
            retry = get_retry_request(
                request, spider=self.crawler.spider, reason="truncated compressed body"
            )
            if retry is not None:
                return retry
        raise TruncatedBodyError(
            f"the compressed body ends before its stream does ({len(response.body)} bytes)"
        )
