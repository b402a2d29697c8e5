"""URLs fetched but deliberately not archived (``newswatch crawl --only-topics``).

They live in ``seen_urls``, not in ``articles``: an article always has a version, a seen URL
never has one. The crawler treats a seen URL like a known article and does not fetch it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newswatch.store import models


def remember_seen_url(
    session: Session,
    url: str,
    *,
    source_id: int | None,
    seen_at: datetime,
    reason: str,
) -> None:
    """Record (or refresh ``last_seen_at`` of) one not-archived URL; only flushes.
    ``source_id``: the source's row (:func:`newswatch.store.ensure_source`), if any."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(models.SeenUrl).values(
        url=url, source_id=source_id, reason=reason, first_seen_at=seen_at, last_seen_at=seen_at
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["url"], set_={"last_seen_at": seen_at, "reason": reason}
        )
    )
    session.flush()


def is_archived_or_seen(connection: Session | Connection, url: str) -> bool:
    """Whether an article has this canonical URL, or it is a seen URL: one query."""
    return bool(connection.scalar(_ARCHIVED_OR_SEEN, {"url": url}))


_ARCHIVED_OR_SEEN = select(
    or_(
        exists().where(models.Article.canonical_url == bindparam("url")),
        exists().where(models.SeenUrl.url == bindparam("url")),
    )
)

