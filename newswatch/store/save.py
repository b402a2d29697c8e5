"""Saving fetched articles: one transaction per article, a new version only on real change.

Identity is ``article.canonical_url or article.url``. A fetch whose content fingerprint (see
:mod:`newswatch.store.fingerprint`) equals the latest version's only updates the article's
check bookkeeping; otherwise a new version is written with the next version number and a change
summary. On PostgreSQL the article row is locked (``SELECT ... FOR UPDATE``) while the next
version number is chosen; on both dialects the unique (article_id, version_no) and
canonical_url constraints are the last line of defence: a conflicting concurrent save is rolled
back and retried, so version numbers never have gaps or duplicates.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import CursorResult, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from newswatch.article import Article
from newswatch.store import models
from newswatch.store.compression import CODEC, compress_page, decompress_page
from newswatch.store.engine import database_error
from newswatch.store.fingerprint import content_fingerprint
from newswatch.store.textdiff import count_word_changes
from newswatch.store.types import UTCDateTime
from newswatch.store.volatile import DEFAULT_VOLATILE_PATTERNS

#: How often a save is attempted when it loses a race or its connection drops.
MAX_ATTEMPTS = 5
#: PostgreSQL serialization failure and deadlock: safe to retry the whole transaction.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

#: Fields compared for a change summary, in the order they are reported.
SUMMARY_FIELDS = (
    "title",
    "teaser",
    "body",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "section",
    "tags",
    "image_url",
    "publisher",
    "is_paywalled",
)

T = TypeVar("T")

#: Computes an article's next check from its ``first_seen_at``, its number of checks including
#: the current one, and its source name (e.g. the crawl's re-check ladder).
Schedule = Callable[[datetime, int, str | None], datetime | None]


@dataclass(frozen=True)
class SaveOutcome:
    """What :func:`save_article` did. ``version_*`` name the latest version after the save."""

    status: Literal["new", "changed", "unchanged"]
    article_id: int
    version_id: int
    version_no: int
    #: {"fields": [...], "words_added": n, "words_removed": n}; empty unless status is "changed"
    change_summary: dict[str, Any] = field(default_factory=dict)


#: Runs inside the transaction of a save that wrote a new version, before its commit (e.g. to
#: record the version's topic matches with it); it must only flush, never commit.
NewVersionHook = Callable[[Session, SaveOutcome], None]


@dataclass(frozen=True)
class DueCheck:
    """An article whose re-check is due, with the validators for a conditional request."""

    url: str
    source_name: str | None
    http_etag: str | None
    http_last_modified: str | None


def save_article(
    session: Session,
    article: Article,
    *,
    source_name: str | None,
    fetched_at: datetime,
    raw_html: bytes | None = None,
    http_etag: str | None = None,
    http_last_modified: str | None = None,
    next_check_at: datetime | None = None,
    volatile_patterns: Sequence[re.Pattern[str]] = DEFAULT_VOLATILE_PATTERNS,
    schedule: Schedule | None = None,
    source_id: int | None = None,
    on_new_version: NewVersionHook | None = None,
) -> SaveOutcome:
    """Store one fetched article and commit. See the module docstring for the rules.

    ``http_etag``, ``http_last_modified`` and ``next_check_at`` are those of this response and
    replace the stored ones. ``raw_html`` is kept (compressed, de-duplicated) for new versions.
    With ``schedule``, ``next_check_at`` is instead computed from the article row read in the
    same transaction (no separate look-up). ``source_id``: the id of ``source_name``'s row, when
    the caller already knows it (:func:`ensure_source`); saves a look-up per article.
    ``on_new_version(session, outcome)`` runs in the same transaction when a new version was
    written (status "new" or "changed"), so that what it writes is committed with the version
    or not at all; it runs again when the save is retried.
    """
    _require_aware(fetched_at, "fetched_at")
    if next_check_at is not None:
        _require_aware(next_check_at, "next_check_at")
    article = without_nul_characters(article)
    fingerprint = content_fingerprint(
        article.title, article.teaser, article.body, article.authors, volatile_patterns
    )

    def attempt() -> SaveOutcome:
        outcome = _save_once(
            session,
            article,
            fingerprint,
            source_name=source_name,
            fetched_at=fetched_at,
            raw_html=raw_html,
            http_etag=http_etag,
            http_last_modified=http_last_modified,
            next_check_at=next_check_at,
            schedule=schedule,
            source_id=source_id,
        )
        if on_new_version is not None and outcome.status != "unchanged":
            on_new_version(session, outcome)
        return outcome

    return _in_transaction(session, attempt)


def _in_transaction(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` and commit; on a lost race or a dropped connection roll back and run it
    again (at most :data:`MAX_ATTEMPTS` times in all).

    A locked, full or unreachable database raises the matching :class:`StoreError`
    (:func:`newswatch.store.engine.database_error`); nothing of ``work`` is committed then.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            result = work()
            session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            if attempt < MAX_ATTEMPTS and (_is_retryable(exc) or exc.connection_invalidated):
                continue
            explained = database_error(exc, session.get_bind().engine.url)
            if explained is None:
                raise
            raise explained from exc
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _is_retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def _save_once(
    session: Session,
    article: Article,
    fingerprint: str,
    *,
    source_name: str | None,
    fetched_at: datetime,
    raw_html: bytes | None,
    http_etag: str | None,
    http_last_modified: str | None,
    next_check_at: datetime | None,
    schedule: Schedule | None = None,
    source_id: int | None = None,
) -> SaveOutcome:
    identity = article.canonical_url or article.url
    # Write first: this takes the article's row lock on PostgreSQL and the database write lock
    # on SQLite, so everything read below is current until commit (no lost updates).
    # Core statements go to the session's connection: session.execute() would first look for
    # ORM work in them (about 0.1 ms a statement).
    connection = session.connection()
    bumped = connection.execute(
        _BUMP_CHECKS, {"identity": identity, "checked_at": fetched_at}
    ).rowcount
    if source_id is None and source_name:
        source_id = _source_id(session, source_name, fetched_at)
    # Nothing bumped: no such article, so insert it. (On PostgreSQL a concurrent first save may
    # commit the row after our UPDATE; our insert then fails on the unique URL -> retry, and
    # the next attempt bumps it.)
    row = session.scalars(_LOCK_ARTICLE, {"identity": identity}).one() if bumped else None

    if row is None:
        if schedule is not None:
            next_check_at = _scheduled(schedule, fetched_at, 1, source_name)
        # Core inserts, not ORM objects: nothing reads the new rows back in this session, and
        # the unit of work cost more than the statements themselves. A concurrent insert of
        # the same URL fails here -> retry.
        inserted = connection.execute(
            _INSERT_ARTICLE,
            {
                "canonical_url": identity,
                "source_id": source_id,
                "first_seen_at": fetched_at,
                "last_checked_at": fetched_at,
                "last_changed_at": fetched_at,
                "next_check_at": next_check_at,
                "check_count": 1,
                "version_count": 1,
                "http_etag": http_etag,
                "http_last_modified": http_last_modified,
                "status": "active",
            },
        )
        article_id = _inserted_id(inserted)
        version_id = _add_version(
            session, article_id, 1, article, fingerprint, fetched_at, raw_html, {}
        )
        return SaveOutcome("new", article_id, version_id, 1, {})

    latest = session.scalars(_LATEST_VERSION, {"article_id": row.id}).one_or_none()
    row.http_etag = http_etag
    row.http_last_modified = http_last_modified
    if schedule is not None:
        next_check_at = _scheduled(schedule, row.first_seen_at, row.check_count, source_name)
    row.next_check_at = next_check_at
    row.status = "active"
    if row.source_id is None:
        row.source_id = source_id

    if latest is not None and latest.content_hash == fingerprint:
        session.flush()
        return SaveOutcome("unchanged", row.id, latest.id, latest.version_no, {})

    version_no = (latest.version_no if latest else 0) + 1
    summary = summarise_change(latest, article) if latest is not None else {}
    if latest is not None:
        # Only one latest version per article (a partial unique index): unmark it first.
        latest.is_latest = False
        session.flush()
    version_id = _add_version(
        session, row.id, version_no, article, fingerprint, fetched_at, raw_html, summary
    )
    row.version_count = version_no
    row.last_changed_at = fetched_at
    session.flush()
    return SaveOutcome("changed", row.id, version_id, version_no, summary)


# Statements of every save, built once (building them cost as much as running them). Core
# statements on the tables (not ORM-enabled ones): plain rows, primary key returned.
_ARTICLES = models.Base.metadata.tables["articles"]
_BUMP_CHECKS = (
    update(_ARTICLES)
    .where(_ARTICLES.c.canonical_url == bindparam("identity"))
    .values(
        check_count=_ARTICLES.c.check_count + 1,
        last_checked_at=bindparam("checked_at", type_=UTCDateTime()),
    )
)
_INSERT_ARTICLE = insert(_ARTICLES)
_INSERT_VERSION = insert(models.Base.metadata.tables["article_versions"])
_LOCK_ARTICLE = (
    select(models.Article)
    .where(models.Article.canonical_url == bindparam("identity"))
    .with_for_update()
    .execution_options(populate_existing=True)
)

_LATEST_VERSION = (
    select(models.ArticleVersion)
    .where(models.ArticleVersion.article_id == bindparam("article_id"))
    .order_by(models.ArticleVersion.version_no.desc())
    .limit(1)
)


def _scheduled(
    schedule: Schedule, first_seen: datetime, checks: int, source_name: str | None
) -> datetime | None:
    when = schedule(first_seen, checks, source_name)
    if when is not None:
        _require_aware(when, "next_check_at")
    return when


def ensure_source(session: Session, name: str, now: datetime) -> int:
    """The id of the source called ``name``, created if missing (and committed)."""
    return _in_transaction(session, lambda: _source_id(session, name, now))


def _source_id(session: Session, name: str, now: datetime) -> int:
    source_id = session.scalar(select(models.Source.id).where(models.Source.name == name))
    if source_id is not None:
        return source_id
    source = models.Source(name=name, domains=[], config={}, created_at=now, updated_at=now)
    session.add(source)
    session.flush()  # a concurrent insert of the same name fails here -> retry
    return source.id


def _add_version(
    session: Session,
    article_id: int,
    version_no: int,
    article: Article,
    fingerprint: str,
    fetched_at: datetime,
    raw_html: bytes | None,
    change_summary: dict[str, Any],
) -> int:
    """Insert the article's new latest version (and its raw page); return the version's id."""
    raw_sha = store_raw_page(session, raw_html, fetched_at) if raw_html is not None else None
    values = {
        "article_id": article_id,
        "version_no": version_no,
        "fetched_at": fetched_at,
        "url": article.url,
        "title": article.title,
        "teaser": article.teaser,
        "body": article.body,
        "authors": list(article.authors),
        "published_at": article.published_at,
        "published_offset_minutes": article.published_offset_minutes,
        "modified_at": article.modified_at,
        "language": article.language,
        "section": article.section,
        "tags": list(article.tags),
        "image_url": article.image_url,
        "publisher": article.publisher,
        "is_paywalled": article.is_paywalled,
        "word_count": article.word_count,
        "content_hash": fingerprint,
        "change_summary": change_summary,
        "raw_page_sha256": raw_sha,
        "is_latest": True,
    }
    return _inserted_id(session.connection().execute(_INSERT_VERSION, values))


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # a single-row INSERT
    return int(key[0])


def store_raw_page(session: Session, raw_html: bytes, now: datetime) -> str:
    """Store ``raw_html`` compressed (:mod:`newswatch.store.compression`) under its SHA-256
    (once per distinct content).

    No look-up first: a new version's page is almost always new, and the insert ignores a
    page already stored (one statement per version instead of two)."""
    digest = hashlib.sha256(raw_html).hexdigest()
    values = {
        "sha256": digest,
        "compression": CODEC,
        "content": compress_page(raw_html),
        "size": len(raw_html),
        "created_at": now,
    }
    connection = session.connection()
    connection.execute(_RAW_PAGE_INSERTS[connection.dialect.name], values)
    return digest


#: Built once per dialect (building the statement cost more than running it).
_RAW_PAGES = models.Base.metadata.tables["raw_pages"]
_RAW_PAGE_INSERTS = {
    "postgresql": postgresql.insert(_RAW_PAGES).on_conflict_do_nothing(index_elements=["sha256"]),
    "sqlite": sqlite.insert(_RAW_PAGES).on_conflict_do_nothing(index_elements=["sha256"]),
}


def load_raw_page(session: Session, sha256: str) -> bytes | None:
    """The original bytes of a stored raw page, or ``None`` if there is none."""
    page = session.get(models.RawPage, sha256)
    if page is None:
        return None
    return decompress_page(page.compression, page.content)


def summarise_change(old: models.ArticleVersion, new: Article) -> dict[str, Any]:
    """Which fields differ, and how many words were added and removed over title+teaser+body."""
    fields = [name for name in SUMMARY_FIELDS if getattr(old, name) != getattr(new, name)]
    added, removed = count_word_changes(
        _text(old.title, old.teaser, old.body), _text(new.title, new.teaser, new.body)
    )
    return {"fields": fields, "words_added": added, "words_removed": removed}


def _text(title: str, teaser: str, body: str) -> str:
    return "\n".join((title, teaser, body))


def mark_not_modified(
    session: Session,
    url: str,
    *,
    checked_at: datetime,
    next_check_at: datetime | None,
    http_etag: str | None = None,
    http_last_modified: str | None = None,
) -> bool:
    """Record a 304 Not Modified re-check; validators are replaced only when given.

    Returns False when no article has this canonical URL.
    """
    _require_aware(checked_at, "checked_at")
    values: dict[str, Any] = {
        "last_checked_at": checked_at,
        "check_count": models.Article.check_count + 1,
        "next_check_at": next_check_at,
    }
    if http_etag is not None:
        values["http_etag"] = http_etag
    if http_last_modified is not None:
        values["http_last_modified"] = http_last_modified
    return _update_article(session, url, values)


def mark_gone(session: Session, url: str, *, checked_at: datetime) -> bool:
    """Record that the article is gone (404/410): status 'gone', no more re-checks.

    Its versions stay. Returns False when no article has this canonical URL.
    """
    _require_aware(checked_at, "checked_at")
    values: dict[str, Any] = {
        "status": "gone",
        "last_checked_at": checked_at,
        "check_count": models.Article.check_count + 1,
        "next_check_at": None,
    }
    return _update_article(session, url, values)


def _update_article(session: Session, url: str, values: dict[str, Any]) -> bool:
    statement = (
        update(models.Article)
        .where(models.Article.canonical_url == url)
        .values(**values)
        .execution_options(synchronize_session=False)
    )

    def work() -> bool:
        return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    return _in_transaction(session, work)


def due_rechecks(
    session: Session,
    now: datetime,
    *,
    sources: list[str] | None = None,
    limit: int | None = None,
) -> list[DueCheck]:
    """Active articles whose ``next_check_at`` has come, most overdue first."""
    _require_aware(now, "now")
    query = (
        select(
            models.Article.canonical_url,
            models.Source.name,
            models.Article.http_etag,
            models.Article.http_last_modified,
        )
        .outerjoin(models.Source, models.Source.id == models.Article.source_id)
        .where(models.Article.status == "active", models.Article.next_check_at <= now)
        .order_by(models.Article.next_check_at, models.Article.id)
    )
    if sources is not None:
        query = query.where(models.Source.name.in_(sources))
    if limit is not None:
        query = query.limit(limit)
    return [DueCheck(*row) for row in session.execute(query)]


def without_nul_characters(article: Article) -> Article:
    """``article`` without NUL characters, which PostgreSQL cannot store in text columns."""
    changes: dict[str, Any] = {}
    for name, value in vars(article).items():
        if isinstance(value, str) and "\x00" in value:
            changes[name] = value.replace("\x00", "")
        elif isinstance(value, list) and any("\x00" in item for item in value):
            changes[name] = [item.replace("\x00", "") for item in value]
    return dataclasses.replace(article, **changes) if changes else article


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
