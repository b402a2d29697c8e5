"""URLs fetched but deliberately not archived (``newswatch crawl --only-topics``).

They live in ``seen_urls``, not in ``articles``: an article always has a version, a seen URL
never has one. The crawler treats a seen URL like a known article and does not fetch it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, union
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


#: URLs asked about in one query at most (bound parameters: SQLite builds before 3.32 allow
#: 999 in a statement, and every URL is bound twice).
KNOWN_URLS_PER_QUERY = 400


def archived_or_seen(connection: Session | Connection, urls: Sequence[str]) -> set[str]:
    """Those of ``urls`` that an article has as its canonical URL or that are seen URLs: one
    query per :data:`KNOWN_URLS_PER_QUERY` URLs, not one per URL (a sitemap lists thousands)."""
    unique = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(unique), KNOWN_URLS_PER_QUERY):
        chunk = unique[start : start + KNOWN_URLS_PER_QUERY]
        found.update(connection.scalars(_ARCHIVED_OR_SEEN, {"urls": chunk}))
    return found


_ARCHIVED_OR_SEEN = union(
    select(models.Article.canonical_url).where(
        models.Article.canonical_url.in_(bindparam("urls", expanding=True))
    ),
    select(models.SeenUrl.url).where(models.SeenUrl.url.in_(bindparam("urls", expanding=True))),
)
