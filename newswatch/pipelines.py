"""The one item pipeline: a thin adapter from fetched pages to extract -> (topics) -> store."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy.exc import SQLAlchemyError

from newswatch.archive import CrawlArchive
from newswatch.config import SourceConfig
from newswatch.discovery import choose_article_url, declared_canonical_url
from newswatch.extract import extract_article
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.store.errors import StoreError
from newswatch.topics.matching import CompiledTopic, match_topics

logger = logging.getLogger(__name__)


class ArticlePipeline:
    """Extract each fetched page and save it; record 304s and gone articles.

    Uses the spider's archive (one engine per crawl) and topics: each saved article is matched
    against them and a new or changed version gets its ``topic_matches``; with ``only_topics``
    an article that matches no topic is not stored, only remembered as seen. Failures are
    counted per kind (``newswatch/errors/extract``, ``newswatch/errors/store``) and logged; one
    bad page never
    stops the crawl, and each article is saved in its own transaction.
    """

    def __init__(
        self,
        archive: CrawlArchive,
        sources: dict[str, SourceConfig],
        stats: StatsCollector,
        *,
        topics: tuple[CompiledTopic, ...] = (),
        only_topics: bool = False,
    ) -> None:
        self.archive = archive
        self.sources = sources
        self.stats = stats
        self.topics = topics
        self.only_topics = only_topics

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider: Any = crawler.spider
        if spider is None or getattr(spider, "archive", None) is None:
            raise RuntimeError("ArticlePipeline needs a spider with an archive (NewsSpider)")
        assert crawler.stats is not None
        return cls(
            spider.archive,
            spider.sources_by_name,
            crawler.stats,
            topics=tuple(getattr(spider, "topics", ())),
            only_topics=bool(getattr(spider, "only_topics", False)),
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, FetchedPage):
            self._save(item)
        elif isinstance(item, NotModified):
            self._guarded(
                "not_modified",
                lambda: self.archive.not_modified(
                    item.url,
                    checked_at=item.checked_at,
                    http_etag=item.http_etag,
                    http_last_modified=item.http_last_modified,
                ),
            )
        elif isinstance(item, Gone):
            self._guarded("gone", lambda: self.archive.gone(item.url, checked_at=item.checked_at))
        return None

    def _save(self, page: FetchedPage) -> None:
        source = self.sources[page.source_name]
        try:
            article = extract_article(
                page.body,
                page.url,
                headers=page.headers,
                overrides=source.extract,
                fetched_at=page.fetched_at,
            )
        except Exception:  # an extractor bug on one page must not stop the crawl
            self.stats.inc_value("newswatch/errors/extract")
            logger.exception("Extraction failed for %s", page.url)
            return
        if not article.body.strip():
            self.stats.inc_value("newswatch/skipped/no_article_text")
            logger.info("No article text on %s; not stored", page.url)
            return
        declared = article.canonical_url or declared_canonical_url(page.body)
        article.canonical_url = choose_article_url(page.url, declared, source.domains)
        if page.recheck_url and article.canonical_url != page.recheck_url:
            # a re-check keeps the identity it was scheduled under
            article.canonical_url = page.recheck_url
        if not article.language and source.language:
            article.language = source.language
        results = match_topics(self.topics, article, source_name=source.name)
        if self.only_topics and page.recheck_url is None and not any(r.matched for r in results):
            # a new article off every topic; archived articles keep getting their versions
            self.stats.inc_value("newswatch/skipped/off_topic")
            for url in dict.fromkeys([article.canonical_url or page.url, page.url]):
                self._guarded(
                    "seen",
                    lambda url=url: self.archive.remember_seen(
                        url, source_name=source.name, seen_at=page.fetched_at
                    ),
                )
            return
        status = self._guarded("saved", lambda: self.archive.save(article, page, results))
        if status is not None:
            self.stats.inc_value(f"newswatch/{status}")

    def _guarded(self, what: str, action: Any) -> Any:
        try:
            result = action()
        except (SQLAlchemyError, StoreError) as exc:  # StoreError: locked, full, unreachable
            self.stats.inc_value("newswatch/errors/store")
            logger.error("Archive error (%s): %s", what, _short(exc))
            return None
        if what in ("not_modified", "gone"):
            self.stats.inc_value(f"newswatch/{what}")
        return result


def _short(exc: SQLAlchemyError | StoreError) -> str:
    """The driver's message without SQL, parameters or connection details."""
    if isinstance(exc, StoreError):  # already one line, password masked
        return f"{type(exc).__name__}: {exc}"
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {str(orig or exc).splitlines()[0]}"
