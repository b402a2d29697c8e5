"""The crawler's archive on top of newswatch.store: one engine per crawl, one transaction per
article, next_check_at computed from the re-check ladder."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from newswatch.archive import RecheckTarget, SaveStatus
from newswatch.article import Article
from newswatch.config import CrawlConfig, SourceConfig
from newswatch.pages import FetchedPage
from newswatch.scheduling import next_check_at
from newswatch.store import (
    due_rechecks,
    ensure_schema,
    make_engine,
    mark_gone,
    mark_not_modified,
    models,
    resolve_database_url,
    save_article,
    session_factory,
)
from newswatch.store.engine import sqlite_file
from newswatch.store.lookup import latest_raw_page_sha256
from newswatch.store.save import SaveOutcome, ensure_source
from newswatch.store.seen import archived_or_seen, remember_seen_url
from newswatch.topics.matching import TopicMatchResult
from newswatch.topics.store import add_topic_matches


class StoreArchive:
    """:class:`newswatch.archive.CrawlArchive` backed by the SQL archive."""

    def __init__(
        self,
        engine: Engine,
        *,
        crawl_config: CrawlConfig,
        sources: Sequence[SourceConfig],
        owns_engine: bool = False,
        topic_ids: Mapping[str, int] | None = None,
    ) -> None:
        """``topic_ids`` (from :func:`newswatch.topics.store.sync_topics`) resolve the topic
        names of match results passed to :meth:`save`."""
        self.engine = engine
        self.crawl_config = crawl_config
        self.sources = tuple(sources)
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.ladder = crawl_config.recheck_ladder
        self.default_max_age = timedelta(days=crawl_config.max_age_days)
        self.max_ages = {s.name: s.max_age for s in sources}
        self.owns_engine = owns_engine
        self.topic_ids = dict(topic_ids or {})
        #: source ids by name, looked up once per crawl (newswatch never deletes a source)
        self._source_ids: dict[str, int] = {}

    @classmethod
    def open(
        cls, database_url: str | None, *, crawl_config: CrawlConfig, sources: Sequence[SourceConfig]
    ) -> StoreArchive:
        """An archive with its own engine (for ``scrapy crawl news``); upgrades the schema."""
        engine = crawl_engine(resolve_database_url(database_url), crawl_config)
        ensure_schema(engine)
        return cls(engine, crawl_config=crawl_config, sources=sources, owns_engine=True)

    def close(self) -> None:
        if self.owns_engine:
            self.engine.dispose()

    def opener(self) -> Callable[[], StoreArchive]:
        """A picklable function that opens this archive again, with an engine of its own (for
        a page worker process; the schema is already up to date)."""
        return functools.partial(
            _reopen,
            self.engine.url.render_as_string(hide_password=False),
            self.crawl_config,
            self.sources,
            self.topic_ids,
        )

    @property
    def writes_from_any_thread(self) -> bool:
        """Whether saves may run on another thread than the other calls (the crawl's store
        thread): yes, but for an in-memory SQLite database, which each thread would see
        empty."""
        url = self.engine.url
        return url.get_backend_name() != "sqlite" or sqlite_file(url) is not None

    def due_rechecks(self, now: datetime, sources: Sequence[str]) -> list[RecheckTarget]:
        with self.sessions() as session:
            due = due_rechecks(session, now, sources=list(sources))
        return [
            RecheckTarget(d.url, d.source_name, d.http_etag, d.http_last_modified) for d in due
        ]

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        # A plain connection, no ORM session: this runs once per feed, sitemap or section page.
        with self.engine.connect() as connection:
            return archived_or_seen(connection, urls)

    def remember_seen(self, url: str, *, source_name: str, seen_at: datetime) -> None:
        with self.sessions() as session:
            source_id = self._source_id(session, source_name, seen_at)
            remember_seen_url(
                session, url, source_id=source_id, seen_at=seen_at, reason="off_topic"
            )
            session.commit()

    def _source_id(self, session: Session, name: str, now: datetime) -> int:
        """The id of source ``name``, looked up (or created, committed) once per archive;
        ``ensure_source`` retries when a page worker of the same crawl creates it first."""
        source_id = self._source_ids.get(name)
        if source_id is None:
            source_id = self._source_ids[name] = ensure_source(session, name, now)
        return source_id

    def save(
        self,
        article: Article,
        page: FetchedPage,
        topic_results: Sequence[TopicMatchResult] = (),
    ) -> SaveStatus:
        """Save, with the topic matches of a new or changed version, in one transaction."""
        record_matches = (
            functools.partial(self._add_matches, topic_results, page.fetched_at)
            if topic_results
            else None
        )
        with self.sessions() as session:
            source_id = self._source_id(session, page.source_name, page.fetched_at)
            outcome = save_article(
                session,
                article,
                source_name=page.source_name,
                fetched_at=page.fetched_at,
                raw_html=page.body,
                http_etag=page.http_etag,
                http_last_modified=page.http_last_modified,
                schedule=functools.partial(self._schedule, now=page.fetched_at),
                source_id=source_id,
                on_new_version=record_matches,
            )
        return outcome.status

    def _add_matches(
        self,
        results: Sequence[TopicMatchResult],
        now: datetime,
        session: Session,
        outcome: SaveOutcome,
    ) -> None:
        add_topic_matches(
            session,
            article_id=outcome.article_id,
            version_id=outcome.version_id,
            results=results,
            topic_ids=self.topic_ids or None,
            now=now,
        )

    def same_page(
        self,
        url: str,
        page_sha256: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> bool:
        with self.sessions() as session:
            latest = latest_raw_page_sha256(session, url)
        if latest != page_sha256:
            return False
        self.not_modified(
            url,
            checked_at=checked_at,
            http_etag=http_etag,
            http_last_modified=http_last_modified,
        )
        return True

    def not_modified(
        self,
        url: str,
        *,
        checked_at: datetime,
        http_etag: str | None,
        http_last_modified: str | None,
    ) -> None:
        with self.sessions() as session:
            mark_not_modified(
                session,
                url,
                checked_at=checked_at,
                next_check_at=self._next_check(session, url, checked_at),
                http_etag=http_etag,
                http_last_modified=http_last_modified,
            )
            session.commit()

    def gone(self, url: str, *, checked_at: datetime) -> None:
        with self.sessions() as session:
            mark_gone(session, url, checked_at=checked_at)
            session.commit()

    def _schedule(
        self, first_seen: datetime, checks: int, source: str | None, *, now: datetime
    ) -> datetime | None:
        """When to look again after check number ``checks`` (happening at ``now``)."""
        max_age = self.max_ages.get(source or "", self.default_max_age)
        return next_check_at(first_seen, checks, now, self.ladder, max_age)

    def _next_check(self, session: Session, url: str, now: datetime) -> datetime | None:
        """When to look again after the check of the archived article ``url`` happening at
        ``now`` (its source is read in the same query as its check history)."""
        row = session.execute(
            select(models.Article.first_seen_at, models.Article.check_count, models.Source.name)
            .outerjoin(models.Source, models.Article.source_id == models.Source.id)
            .where(models.Article.canonical_url == url)
        ).one_or_none()
        first_seen, checks_before, stored_source = row if row is not None else (now, 0, None)
        session.rollback()  # end the read transaction before the store opens its own
        return self._schedule(first_seen, checks_before + 1, stored_source, now=now)


def crawl_engine(url: str, crawl_config: CrawlConfig) -> Engine:
    """The engine a crawl writes its archive with: commits on PostgreSQL wait for the WAL flush
    only with ``[crawl] synchronous_commit = true`` (:func:`newswatch.store.make_engine`)."""
    return make_engine(url, synchronous_commit=crawl_config.synchronous_commit)


def _reopen(
    url: str,
    crawl_config: CrawlConfig,
    sources: tuple[SourceConfig, ...],
    topic_ids: dict[str, int],
) -> StoreArchive:
    return StoreArchive(
        crawl_engine(url, crawl_config),
        crawl_config=crawl_config,
        sources=sources,
        owns_engine=True,
        topic_ids=topic_ids,
    )
