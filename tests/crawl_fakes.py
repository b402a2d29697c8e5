"""An in-memory CrawlArchive for spider and pipeline tests (records what the crawl did), and
small helpers those tests share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswatch.archive import RecheckTarget, SaveStatus
from newswatch.article import Article
from newswatch.pages import FetchedPage
from newswatch.spiders.news import NewsSpider
from newswatch.topics.matching import TopicMatchResult
from tests.crawl_site import article_html


@dataclass
class MemoryArchive:
    known: set[str] = field(default_factory=set)
    due: list[RecheckTarget] = field(default_factory=list)
    saved: list[Article] = field(default_factory=list)
    not_modified_urls: list[str] = field(default_factory=list)
    gone_urls: list[str] = field(default_factory=list)
    due_asked_at: list[datetime] = field(default_factory=list)
    #: topic results passed with each save, in save order
    topic_results: list[list[TopicMatchResult]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    #: ``{url: SHA-256 of the page its latest version was made from}`` for :meth:`same_page`
    latest_pages: dict[str, str] = field(default_factory=dict)

    def due_rechecks(self, now: datetime, sources: Sequence[str]) -> list[RecheckTarget]:
        self.due_asked_at.append(now)
        return [t for t in self.due if t.source_name in sources]

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        return set(urls) & self.known

    def save(
        self,
        article: Article,
        page: FetchedPage,
        topic_results: Sequence[TopicMatchResult] = (),
    ) -> SaveStatus:
        url = article.canonical_url or article.url
        status: SaveStatus = "unchanged" if url in self.known else "new"
        self.known.add(url)
        self.saved.append(article)
        self.topic_results.append(list(topic_results))
        return status

    def remember_seen(self, url: str, *, source_name: str, seen_at: datetime) -> None:
        self.seen.append(url)
        self.known.add(url)

    def same_page(
        self,
        url: str,
        page_sha256: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> bool:
        if self.latest_pages.get(url) != page_sha256:
            return False
        self.not_modified_urls.append(url)
        return True

    def not_modified(
        self,
        url: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> None:
        self.not_modified_urls.append(url)

    def gone(self, url: str, *, checked_at: datetime) -> None:
        self.gone_urls.append(url)

    def close(self) -> None:
        pass


def newswatch_stat(spider: NewsSpider, key: str) -> Any:
    """The crawl stat ``newswatch/<key>`` (None: never counted)."""
    assert spider.crawler.stats is not None
    return spider.crawler.stats.get_value(f"newswatch/{key}")


def numbered_article(number: int, fetched_at: datetime) -> FetchedPage:
    """Article page number ``number`` of source "heise", titled "Artikel <number>"."""
    return FetchedPage(
        url=f"https://www.heise.de/news/artikel-{number}.html",
        source_name="heise",
        body=article_html(f"Artikel {number}"),
        fetched_at=fetched_at,
    )
