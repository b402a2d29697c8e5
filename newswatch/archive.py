"""What the crawler needs from the archive, as a small protocol.

The spider and the pipeline talk to a :class:`CrawlArchive`; :mod:`newswatch.store_archive`
implements it on top of :mod:`newswatch.store` (one engine per crawl), and tests can pass any
other implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from newswatch.article import Article
from newswatch.pages import FetchedPage
from newswatch.topics.matching import TopicMatchResult

SaveStatus = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class RecheckTarget:
    """An archived article that is due for a conditional re-fetch."""

    url: str
    source_name: str | None
    http_etag: str | None = None
    http_last_modified: str | None = None


class CrawlArchive(Protocol):
    def due_rechecks(self, now: datetime, sources: Sequence[str]) -> list[RecheckTarget]:
        """Articles of ``sources`` whose next check is due at ``now``."""
        ...

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` (canonical URLs) that the archive already tracks an article under,
        or has seen and chose not to store (:meth:`remember_seen`)."""
        ...

    def save(
        self,
        article: Article,
        page: FetchedPage,
        topic_results: Sequence[TopicMatchResult] = (),
    ) -> SaveStatus:
        """Store one extracted article (a new article, a new version, or unchanged); for a new
        or changed version, record ``topic_results`` (one per topic) as its topic matches."""
        ...

    def remember_seen(self, url: str, *, source_name: str, seen_at: datetime) -> None:
        """Remember a fetched URL that was not stored (``--only-topics``: matched no topic), so
        that :meth:`known_urls` names it on later runs."""
        ...

    def same_page(
        self,
        url: str,
        page_sha256: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> bool:
        """If the latest version of the article archived under ``url`` was made from a page
        with this SHA-256, record the check like :meth:`not_modified` and return True (there is
        nothing new to extract); otherwise change nothing and return False."""
        ...

    def not_modified(
        self,
        url: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> None: ...

    def gone(self, url: str, *, checked_at: datetime) -> None: ...

    def close(self) -> None: ...
