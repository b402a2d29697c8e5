"""What happens to one fetch: extract, identify, tag and store it — plain code, no Scrapy.

:class:`PageProcessor` is the crawl's domain step. The item pipeline runs it either in the
crawl process or, to use more CPUs, in page worker processes
(:mod:`newswatch.page_workers`); both get the same :class:`PageOutcome` back: which counters to
increment and what to log. A failure on one page is an outcome (counted, logged), never an
exception, so one bad page cannot stop a crawl.

:meth:`PageProcessor.prepare` does everything up to the archive write and hands that write
back (:class:`PreparedItem`), so that a caller can run the write on another thread while it
prepares the next item (the crawl process does: :mod:`newswatch.pipelines`);
:meth:`PageProcessor.process` does both, one after the other.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from newswatch.archive import CrawlArchive
from newswatch.article import Article
from newswatch.config import SourceConfig
from newswatch.discovery import choose_article_url, declared_canonical_url
from newswatch.extract import extract_article
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.store.errors import StoreError
from newswatch.topics.matching import CompiledTopic, TopicMatchResult, match_topics

#: What the spider hands over: a page to process, a 304, or a 404/410.
CrawlItem = FetchedPage | NotModified | Gone


@dataclass
class PageOutcome:
    """The result of processing one item, for the crawl's stats and log."""

    #: stats keys below ``newswatch/`` to increment by one, e.g. ``"new"``, ``"errors/store"``
    counts: list[str] = field(default_factory=list)
    #: ``(logger name, level, message)`` records for the crawl log
    log: list[tuple[str, int, str]] = field(default_factory=list)

    def count(self, key: str) -> None:
        self.counts.append(key)

    def note(self, level: int, message: str, logger: str = __name__) -> None:
        self.log.append((logger, level, message))


@dataclass(frozen=True)
class PreparedItem:
    """An item processed up to its archive write; :meth:`finish` does the write, which counts
    and logs into ``outcome`` like the rest."""

    outcome: PageOutcome
    #: the archive write still to do (None: there is none, ``outcome`` is complete)
    write: Callable[[], None] | None = None

    def finish(self) -> PageOutcome:
        """Do the write (if any); the complete outcome."""
        if self.write is not None:
            self.write()
        return self.outcome


@dataclass(frozen=True)
class PageProcessor:
    """Processes crawl items against one archive, with the sources' rules and the topics.

    Each saved article is matched against ``topics`` and a new or changed version gets its
    ``topic_matches``; with ``only_topics`` a new article that matches no topic is not stored,
    only remembered as seen. A re-checked page whose bytes are those the latest version was
    made from is recorded like a 304, without extracting it again.
    """

    archive: CrawlArchive
    sources: Mapping[str, SourceConfig]
    topics: tuple[CompiledTopic, ...] = ()
    only_topics: bool = False

    def process(self, item: CrawlItem) -> PageOutcome:
        """Process ``item`` completely: :meth:`prepare`, then its archive write."""
        return self.prepare(item).finish()

    def prepare(self, item: CrawlItem) -> PreparedItem:
        """Everything before the archive write (for a page: the comparison of a re-checked
        page with the archived one, extraction, identity, topics), and that write."""
        outcome = PageOutcome()
        if isinstance(item, FetchedPage):
            return PreparedItem(outcome, self._page(item, outcome))
        if isinstance(item, NotModified):
            return PreparedItem(outcome, functools.partial(self._not_modified, item, outcome))
        return PreparedItem(outcome, functools.partial(self._gone, item, outcome))

    def _not_modified(self, item: NotModified, outcome: PageOutcome) -> None:
        _guarded(
            outcome,
            "not_modified",
            lambda: self.archive.not_modified(
                item.url,
                checked_at=item.checked_at,
                http_etag=item.http_etag,
                http_last_modified=item.http_last_modified,
            ),
        )

    def _gone(self, item: Gone, outcome: PageOutcome) -> None:
        _guarded(outcome, "gone", lambda: self.archive.gone(item.url, checked_at=item.checked_at))

    def _page(self, page: FetchedPage, outcome: PageOutcome) -> Callable[[], None] | None:
        """Prepare a fetched page; return its archive write (None: nothing to write)."""
        if page.recheck_url is not None and self._same_bytes_as_latest(page, outcome):
            return None
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
            outcome.count("errors/extract")
            outcome.note(
                logging.ERROR, f"Extraction failed for {page.url}\n{traceback.format_exc()}"
            )
            return None
        if not article.body.strip():
            outcome.count("skipped/no_article_text")
            outcome.note(logging.INFO, f"No article text on {page.url}; not stored")
            return None
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
            outcome.count("skipped/off_topic")
            urls = list(dict.fromkeys([article.canonical_url or page.url, page.url]))
            return functools.partial(self._remember_seen, urls, page, source.name, outcome)
        return functools.partial(self._save, article, page, results, outcome)

    def _save(
        self,
        article: Article,
        page: FetchedPage,
        results: Sequence[TopicMatchResult],
        outcome: PageOutcome,
    ) -> None:
        status: str | None = _guarded(
            outcome, "saved", lambda: self.archive.save(article, page, results)
        )
        if status is not None:
            outcome.count(status)

    def _remember_seen(
        self, urls: list[str], page: FetchedPage, source_name: str, outcome: PageOutcome
    ) -> None:
        for url in urls:
            remember = functools.partial(
                self.archive.remember_seen, url, source_name=source_name, seen_at=page.fetched_at
            )
            _guarded(outcome, "seen", remember)

    def _same_bytes_as_latest(self, page: FetchedPage, outcome: PageOutcome) -> bool:
        url = page.recheck_url
        assert url is not None
        digest = hashlib.sha256(page.body).hexdigest()
        same = _guarded(
            outcome,
            "same_page",
            lambda: self.archive.same_page(
                url,
                digest,
                checked_at=page.fetched_at,
                http_etag=page.http_etag,
                http_last_modified=page.http_last_modified,
            ),
        )
        if same:
            outcome.count("unchanged")
        return bool(same)


def _guarded(outcome: PageOutcome, what: str, action: Callable[[], Any]) -> Any:
    try:
        result = action()
    except (SQLAlchemyError, StoreError) as exc:  # StoreError: locked, full, unreachable
        outcome.count("errors/store")
        outcome.note(logging.ERROR, f"Archive error ({what}): {_short(exc)}")
        return None
    if what in ("not_modified", "gone"):
        outcome.count(what)
    return result


def _short(exc: SQLAlchemyError | StoreError) -> str:
    """The driver's message without SQL, parameters or connection details."""
    if isinstance(exc, StoreError):  # already one line, password masked
        return f"{type(exc).__name__}: {exc}"
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {str(orig or exc).splitlines()[0]}"

