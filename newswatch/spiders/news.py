"""The one generic news spider: config in, article pages out. No per-site code.

Per run it (1) re-checks archived articles that are due, with If-None-Match / If-Modified-Since,
and (2) discovers new article links from each source's feeds, sitemaps and section pages.
Discovered links are canonicalised, kept only when on the source's site, allowed by its
allow/deny rules, young enough, and not yet in the archive (known articles are the re-check
schedule's business). Everything it skips or fails on is counted in the crawl stats under
``newswatch/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from newswatch.archive import CrawlArchive, RecheckTarget
from newswatch.config import CrawlConfig, SourceConfig, load_config, with_environment
from newswatch.discovery import (
    XMLDocumentError,
    canonicalize_url,
    is_same_site,
    parse_sitemap,
    read_feed,
    section_links,
    unpack_sitemap,
)
from newswatch.discovery.dates import is_too_old
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.settings import settings_for
from newswatch.topics.matching import CompiledTopic

logger = logging.getLogger(__name__)

#: Sitemap indexes nested deeper than this are not followed (loop and fan-out protection).
MAX_SITEMAP_DEPTH = 3
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _now() -> datetime:
    return datetime.now(UTC)


class NewsSpider(Spider):
    """Crawl the configured sources (``scrapy crawl news`` or ``newswatch crawl``)."""

    name = "news"

    def __init__(
        self,
        *args: Any,
        sources: Sequence[SourceConfig] = (),
        crawl_config: CrawlConfig | None = None,
        archive: CrawlArchive | None = None,
        recheck_all: bool = False,
        topics: Sequence[CompiledTopic] = (),
        only_topics: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sources: tuple[SourceConfig, ...] = tuple(sources)
        self.sources_by_name = {s.name: s for s in self.sources}
        self.crawl_config = crawl_config or CrawlConfig()
        self.archive = archive
        self.owns_archive = False
        self.recheck_all = recheck_all
        #: compiled topics the pipeline tags each new or changed version with
        self.topics: tuple[CompiledTopic, ...] = tuple(topics)
        #: store only articles that match a topic (remember the others as seen)
        self.only_topics = only_topics
        self._seen_sitemaps: set[str] = set()
        self._requested: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """With ``scrapy crawl news -s NEWSWATCH_SOURCES=…``, apply that file's ``[crawl]``
        (and ``$NEWSWATCH_REDIS_URL``, as ``newswatch crawl`` does)."""
        super().update_settings(settings)
        path = settings.get("NEWSWATCH_SOURCES")
        if path:
            crawl = with_environment(load_config(path).crawl)
            settings.setdict(settings_for(crawl), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build from objects passed in (``newswatch crawl``), or from settings (``scrapy crawl``):
        ``NEWSWATCH_SOURCES`` (path) and ``NEWSWATCH_DATABASE_URL``; ``-a source=a,b`` selects."""
        if "sources" not in kwargs:
            from newswatch.config import resolve_sources_path

            config = load_config(resolve_sources_path(crawler.settings.get("NEWSWATCH_SOURCES")))
            names = [n for n in str(kwargs.pop("source", "")).split(",") if n]
            kwargs["sources"] = config.select(names)
            kwargs["crawl_config"] = config.crawl
        owns_archive = False
        if kwargs.get("archive") is None:
            from newswatch.store_archive import StoreArchive

            kwargs["archive"] = StoreArchive.open(
                crawler.settings.get("NEWSWATCH_DATABASE_URL"),
                crawl_config=kwargs.get("crawl_config") or CrawlConfig(),
                sources=kwargs["sources"],
            )
            owns_archive = True
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.owns_archive = owns_archive
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def closed(self, reason: str) -> None:
        if self.owns_archive and self.archive is not None:
            self.archive.close()

    # --- start --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.settings.getbool("NEWSWATCH_SHARED_FRONTIER"):
            # several workers: the seeder pushes these into Redis (newswatch.frontier)
            return
        for request in self.start_requests_now(_now()):
            yield request

    def start_requests_now(self, now: datetime) -> Iterator[Request]:
        """Due re-checks first (they carry the conditional headers), then discovery."""
        if self.archive is not None and self.sources:
            due_at = now + timedelta(days=36500) if self.recheck_all else now
            try:
                due = self.archive.due_rechecks(due_at, [s.name for s in self.sources])
            except SQLAlchemyError as exc:
                due = []
                self._error("store", f"cannot read due re-checks: {type(exc).__name__}")
            for target in due:
                request = self._recheck_request(target)
                if request is not None:
                    yield request
        for source in self.sources:
            meta = {"newswatch_source": source.name}
            for url in source.feeds:
                yield Request(url, callback=self.parse_feed, errback=self.on_error, meta=meta)
            for url in source.sitemaps:
                self._seen_sitemaps.add(canonicalize_url(url))
                yield Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    meta={**meta, "sitemap_depth": 0},
                )
            for url in source.sections:
                yield Request(url, callback=self.parse_section, errback=self.on_error, meta=meta)

    def _recheck_request(self, target: RecheckTarget) -> Request | None:
        source = self.sources_by_name.get(target.source_name or "")
        if source is None:
            return None
        headers: dict[str, str] = {}
        if target.http_etag:
            headers["If-None-Match"] = target.http_etag
        if target.http_last_modified:
            headers["If-Modified-Since"] = target.http_last_modified
        self._requested.add(target.url)
        self._inc("rechecks")
        return Request(
            target.url,
            headers=headers,
            callback=self.parse_article,
            errback=self.on_error,
            priority=10,
            dont_filter=True,  # a due re-check is never a duplicate (the schedule chose it)
            meta={
                "newswatch_source": source.name,
                "recheck_url": target.url,
                "handle_httpstatus_list": [304, 404, 410],
            },
        )

    # --- discovery ----------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        source = self._source(response)
        limit = self.crawl_config.max_links_per_feed
        try:
            feed = read_feed(response.body, response.url, default_tz=source.timezone, limit=limit)
        except XMLDocumentError as exc:
            self._error("bad_feed", f"{response.url}: {exc}")
            return
        self._count_left_out(response.url, feed.left_out, limit)
        self._inc("discovered/feed_entries", len(feed.entries))
        yield from self._article_requests(
            ((entry.url, entry.published_at) for entry in feed.entries), source
        )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        source = self._source(response)
        maxsize = int(self.settings.getint("DOWNLOAD_MAXSIZE")) if self.settings else 0
        try:
            data = unpack_sitemap(response.body, max_size=maxsize)
            sitemap = parse_sitemap(
                data,
                response.url,
                default_tz=source.timezone,
                limit=self.crawl_config.max_links_per_feed,
            )
        except XMLDocumentError as exc:
            self._error("bad_sitemap", f"{response.url}: {exc}")
            return
        self._count_left_out(response.url, sitemap.left_out, self.crawl_config.max_links_per_feed)
        now = _now()
        if sitemap.kind == "urlset":
            self._inc("discovered/sitemap_urls", len(sitemap.entries))
            yield from self._article_requests(
                ((entry.url, entry.date) for entry in sitemap.entries), source
            )
            return
        depth = int(response.meta.get("sitemap_depth", 0)) + 1
        for entry in sitemap.entries:
            url = canonicalize_url(entry.url)
            if is_too_old(entry.date, now, source.max_age):
                self._inc("skipped/too_old")
                continue
            if not is_same_site(url, source.domains):
                self._inc("skipped/off_site")
                continue
            if url in self._seen_sitemaps or depth > MAX_SITEMAP_DEPTH:
                self._inc("skipped/sitemap_loop")
                logger.warning("Not following sitemap %s (seen before or nested too deep)", url)
                continue
            self._seen_sitemaps.add(url)
            yield Request(
                url,
                callback=self.parse_sitemap,
                errback=self.on_error,
                meta={"newswatch_source": source.name, "sitemap_depth": depth},
            )

    def parse_section(self, response: Response) -> Iterator[Request]:
        source = self._source(response)
        if not isinstance(response, TextResponse):
            self._inc("skipped/non_html")
            return
        links = section_links(
            response.body,
            response.url,
            domains=source.domains,
            allow=source.allow,
            deny=source.deny,
        )
        self._inc("discovered/section_links", len(links))
        yield from self._article_requests(((url, None) for url in links), source, filtered=True)

    def _article_requests(
        self,
        links: Iterable[tuple[str, datetime | None]],
        source: SourceConfig,
        *,
        filtered: bool = False,
    ) -> Iterator[Request]:
        """Requests for the links of one feed, sitemap or section page that pass the rules
        and that the archive does not know yet (asked about all of them at once)."""
        candidates = [
            url
            for url in (
                self._candidate(url, source, published, filtered=filtered)
                for url, published in links
            )
            if url is not None
        ]
        known: set[str] = set()
        if self.archive is not None and candidates:
            known = self.archive.known_urls(candidates)
        for url in candidates:
            if url in known:
                self._inc("skipped/known")
                continue
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={"newswatch_source": source.name},
            )

    def _candidate(
        self, url: str, source: SourceConfig, published: datetime | None, *, filtered: bool
    ) -> str | None:
        """The canonical URL to request, or None when this run has it already or a rule
        leaves it out (counted)."""
        url = canonicalize_url(url)
        if url in self._requested:
            return None
        if not is_same_site(url, source.domains):
            self._inc("skipped/off_site")
            return None
        if not filtered and not source.link_allowed(url):
            self._inc("skipped/link_rules")
            return None
        if is_too_old(published, _now(), source.max_age):
            self._inc("skipped/too_old")
            return None
        self._requested.add(url)
        return url

    # --- articles -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[FetchedPage | NotModified | Gone]:
        source = self._source(response)
        now = _now()
        recheck_url: str | None = response.meta.get("recheck_url")
        if response.status == 304:
            yield NotModified(
                url=recheck_url or canonicalize_url(response.url),
                source_name=source.name,
                checked_at=now,
                http_etag=_header(response, b"ETag"),
                http_last_modified=_header(response, b"Last-Modified"),
            )
            return
        if response.status in (404, 410):
            if recheck_url:
                yield Gone(url=recheck_url, source_name=source.name, checked_at=now,
                           status=response.status)
            else:
                self._error(f"http_{response.status}", response.url)
            return
        self._inc("pages")
        if not is_same_site(response.url, source.domains):
            self._inc("skipped/off_site")
            logger.info("Skipping %s: redirected off the source's site", response.url)
            return
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        looks_binary = b"\x00" in response.body[:2048]
        if (
            not isinstance(response, TextResponse)
            or (content_type and not content_type.startswith(HTML_TYPES))
            or looks_binary
        ):
            self._inc("skipped/non_html")
            logger.info("Skipping non-HTML response %s (%s)", response.url, content_type.decode(
                "latin-1") or "no Content-Type")
            return
        yield FetchedPage(
            url=response.url,
            source_name=source.name,
            body=response.body,
            fetched_at=now,
            status=response.status,
            encoding=response.encoding,
            headers={
                k.decode("latin-1"): _header(response, k) or ""
                for k in (b"Content-Type", b"Content-Language", b"Last-Modified", b"ETag")
                if response.headers.get(k)
            },
            http_etag=_header(response, b"ETag"),
            http_last_modified=_header(response, b"Last-Modified"),
            recheck_url=recheck_url,
        )

    # --- errors and counters ------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        kind = classify_failure(failure)
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if kind.startswith("skipped/"):
            if kind != "skipped/private_address":  # the middleware counted that one already
                self._inc(kind)
            return
        self._error(kind, f"{url}: {failure.getErrorMessage()}")

    def request_dropped(self, request: Request, spider: Spider | None = None) -> None:
        """A redirect to a URL this run already requested was dropped by the dupefilter:
        a redirect loop (counted as an error) or another way to an article already fetched."""
        chain = request.meta.get("redirect_urls")
        if not chain:
            return
        if canonicalize_url(request.url) in {canonicalize_url(u) for u in chain}:
            self._error("redirect_loop", f"{chain[0]}: redirects back to {request.url}")
        else:
            self._inc("skipped/redirect_to_seen")

    def _count_left_out(self, url: str, left_out: int, limit: int) -> None:
        if left_out:
            self._inc("skipped/link_limit", left_out)
            logger.warning(
                "%s lists more than %d links (max_links_per_feed); %d left unread",
                url, limit, left_out,
            )

    def _source(self, response: Response) -> SourceConfig:
        return self.sources_by_name[response.meta["newswatch_source"]]

    def _inc(self, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)  # None when seeding outside a crawl
        if crawler is not None and crawler.stats is not None and count:
            crawler.stats.inc_value(f"newswatch/{key}", count)

    def _error(self, kind: str, message: str) -> None:
        self._inc(f"errors/{kind}")
        logger.warning("%s: %s", kind, message)


def classify_failure(failure: Failure) -> str:
    """A short, stable name for why a request failed (``errors/…`` or ``skipped/…`` key)."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "skipped/robots"
        if "private address" in text:
            return "skipped/private_address"
        if "max redirections" in text:  # a redirect loop, or a chain longer than allowed
            return "too_many_redirects"
        if "DOWNLOAD_MAXSIZE" in text:  # too large once decompressed
            return "too_large"
        return "skipped/ignored"
    name = type(exc).__name__
    known = {
        "DNSLookupError": "dns",
        "CannotResolveHostError": "dns",
        "DownloadConnectionRefusedError": "connection_refused",
        "DownloadFailedError": "connection_lost",
        "ResponseDataLossError": "data_loss",
        "UnsupportedURLSchemeError": "unsupported_scheme",
        "TimeoutError": "timeout",
        "DownloadTimeoutError": "timeout",
        "TCPTimedOutError": "timeout",
        "ConnectionRefusedError": "connection_refused",
        "ConnectionLost": "connection_lost",
        "ResponseNeverReceived": "connection_lost",
        "ConnectionDone": "connection_lost",
        "DownloadCancelledError": "too_large",
        "ResponseFailed": "response_failed",
        "TruncatedBodyError": "data_loss",
    }
    return known.get(name, name)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None
