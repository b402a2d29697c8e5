"""The versioned article archive (SQLAlchemy 2; SQLite by default, PostgreSQL in production).

The public API other packages code against (see docs/architecture.md).
"""

from newswatch.store.engine import (
    connect,
    make_engine,
    resolve_database_url,
    safe_url,
    session_factory,
)
from newswatch.store.errors import (
    ArticleNotFound,
    BadDatabaseURL,
    DatabaseFull,
    DatabaseLocked,
    DatabaseUnavailable,
    SchemaAheadError,
    StoreError,
)
from newswatch.store.fingerprint import content_fingerprint
from newswatch.store.migrate import current, downgrade, ensure_schema, upgrade
from newswatch.store.runs import finish_run, recent_runs, start_run
from newswatch.store.save import (
    DueCheck,
    SaveOutcome,
    due_rechecks,
    mark_gone,
    mark_not_modified,
    save_article,
)
from newswatch.store.search import SearchHit, search
from newswatch.store.volatile import DEFAULT_VOLATILE_PATTERNS

__all__ = [
    "DEFAULT_VOLATILE_PATTERNS",
    "ArticleNotFound",
    "BadDatabaseURL",
    "DatabaseFull",
    "DatabaseLocked",
    "DatabaseUnavailable",
    "DueCheck",
    "SaveOutcome",
    "SchemaAheadError",
    "SearchHit",
    "StoreError",
    "connect",
    "content_fingerprint",
    "current",
    "downgrade",
    "due_rechecks",
    "ensure_schema",
    "finish_run",
    "make_engine",
    "mark_gone",
    "mark_not_modified",
    "recent_runs",
    "resolve_database_url",
    "safe_url",
    "save_article",
    "search",
    "session_factory",
    "start_run",
    "upgrade",
]
