"""Integrity check of an archive: the invariants ``save_article`` keeps, verified with SQL.

Each check is a plain function over an open connection that returns the problems it found
(at most ``limit`` of each kind). :func:`check_archive` runs them all, read-only, and is what
``newswatch check`` prints. Problem codes (documented in docs/reliability.md):

errors — data is missing, contradictory or unreachable:

- ``schema-missing`` / ``schema-outdated`` — the database is empty or not at the newest
  revision (nothing else is checked: ``newswatch db upgrade`` first)
- ``sqlite-integrity`` — ``PRAGMA integrity_check`` found damage in the file
- ``foreign-key`` — a row refers to a row that does not exist (SQLite ``foreign_key_check``,
  for the references that no more specific check below covers)
- ``article-without-version`` — an article row with no version
- ``version-orphan`` — a version whose article does not exist
- ``version-count`` — ``articles.version_count`` differs from the number of versions
- ``version-gap`` / ``version-duplicate`` — version numbers are not exactly 1..n
- ``latest-version`` — ``articles.last_changed_at`` is not the newest version's ``fetched_at``,
  or the ``latest_versions`` view does not have exactly one row per article with versions
- ``latest-version`` also: ``is_latest`` is not set on exactly one version per article, the one
  with the highest ``version_no``
- ``fts-missing`` / ``fts-stale`` / ``fts-orphan`` / ``fts-corrupt`` (SQLite) — the FTS5 index
  lacks an article, holds other text than the latest versions (FTS5's ``integrity-check``
  against its content; it cannot say which article), holds an article that has no latest
  version, or fails FTS5's own ``integrity-check``
- ``fts-index-missing`` / ``fts-index-invalid`` (PostgreSQL) — the GIN expression index that
  search relies on is gone or not valid (PostgreSQL computes it from the rows, so its content
  cannot drift; what can go wrong is the index itself)
- ``check-failed`` — a check could not run (the database error is shown)
- ``raw-page-missing`` — a version refers to a raw page that is not stored
- ``topic-match-dangling`` / ``topic-match-mismatch`` — a topic match refers to a missing
  version or topic, or names another article than its version's

warnings — nothing is lost, but something needs a look:

- ``raw-page-orphan`` — a stored raw page that no version refers to (left behind when
  articles or versions are deleted; wasted space only)
- ``fts-not-checked`` (SQLite) — FTS5's ``integrity-check`` needs the write lock and another
  writer held it past the busy timeout
- ``run-stale`` — a crawl run on this host still says "running" but its process is gone
  (killed before it could record its end)
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from newswatch.store import migrate
from newswatch.store.engine import connect, printable

Severity = Literal["error", "warning"]

#: How many problems of one kind are listed by default (the rest are only counted by kind).
DEFAULT_LIMIT = 50

_FTS_TABLE = migrate.FULLTEXT_TABLE
_FULLTEXT_INDEX = "ix_article_versions_fulltext"


@dataclass(frozen=True)
class Problem:
    """One violated invariant, e.g. ``error version-gap: article 3 has versions 1, 3``."""

    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {printable(self.message)}"  # always one line


@dataclass(frozen=True)
class IntegrityReport:
    """What :func:`check_archive` found, and how much it looked at."""

    problems: list[Problem] = field(default_factory=list)
    articles: int = 0
    versions: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _error(code: str, message: str) -> Problem:
    return Problem(code, "error", message)


def _warning(code: str, message: str) -> Problem:
    return Problem(code, "warning", message)


def _rows(conn: Connection, sql: str, limit: int, **params: object) -> list[tuple[object, ...]]:
    return [
        tuple(row) for row in conn.execute(text(sql + " LIMIT :limit"), {**params, "limit": limit})
    ]


# --- schema -----------------------------------------------------------------------------------


def schema_problems(conn: Connection) -> list[Problem]:
    """The database must be at the newest revision; :class:`SchemaAheadError` if it is newer."""
    revision = migrate.revision_of(conn)
    if revision is None:
        return [_error("schema-missing", "the database has no newswatch schema (empty database)")]
    newest = migrate.head()
    if revision != newest:
        return [
            _error(
                "schema-outdated",
                f"schema is at revision {revision}, newest is {newest} "
                "(run `newswatch db upgrade`)",
            )
        ]
    return []


# --- SQLite's own checks --------------------------------------------------------------------


def sqlite_integrity(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """``PRAGMA integrity_check``: b-tree and index damage in the SQLite file."""
    if conn.dialect.name != "sqlite":
        return []
    try:
        rows = conn.exec_driver_sql(f"PRAGMA integrity_check({int(limit)})").all()
    except DBAPIError as exc:  # damage so bad that the check itself stops ("malformed")
        detail = str(exc.orig or exc).strip().splitlines()
        return [_error("sqlite-integrity", detail[0] if detail else "integrity_check failed")]
    lines = [str(row[0]) for row in rows]
    if lines == ["ok"]:
        return []
    return [_error("sqlite-integrity", line) for line in lines]


#: (child table, parent table) references that have their own, more specific check.
_SPECIFICALLY_CHECKED = frozenset(
    {
        ("article_versions", "articles"),
        ("article_versions", "raw_pages"),
        ("topic_matches", "article_versions"),
        ("topic_matches", "topics"),
    }
)


def sqlite_foreign_keys(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """``PRAGMA foreign_key_check`` (rows written while foreign keys were switched off)."""
    if conn.dialect.name != "sqlite":
        return []
    problems = []
    for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        if (table, parent) in _SPECIFICALLY_CHECKED:
            continue
        problems.append(
            _error("foreign-key", f"{table} row {rowid} refers to a missing {parent} row")
        )
        if len(problems) >= limit:
            break
    return problems


# --- articles and versions ------------------------------------------------------------------


def articles_without_versions(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    rows = _rows(
        conn,
        "SELECT a.id, a.canonical_url FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM article_versions v WHERE v.article_id = a.id) ORDER BY a.id",
        limit,
    )
    return [
        _error("article-without-version", f"article {aid} ({url}) has no version")
        for aid, url in rows
    ]


def orphan_versions(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    rows = _rows(
        conn,
        "SELECT v.id, v.article_id FROM article_versions v WHERE NOT EXISTS "
        "(SELECT 1 FROM articles a WHERE a.id = v.article_id) ORDER BY v.id",
        limit,
    )
    return [
        _error("version-orphan", f"version row {vid} belongs to missing article {aid}")
        for vid, aid in rows
    ]


def version_counts(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    rows = _rows(
        conn,
        "SELECT a.id, a.version_count, count(v.id) FROM articles a "
        "JOIN article_versions v ON v.article_id = a.id "
        "GROUP BY a.id, a.version_count HAVING count(v.id) <> a.version_count ORDER BY a.id",
        limit,
    )
    return [
        _error("version-count", f"article {aid} says {said} version(s) but has {has}")
        for aid, said, has in rows
    ]


def version_numbers(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """Version numbers of each article must be exactly 1, 2, ..., n."""
    bad_articles = _rows(
        conn,
        "SELECT article_id FROM article_versions GROUP BY article_id "
        "HAVING min(version_no) <> 1 OR max(version_no) <> count(*) "
        "OR count(DISTINCT version_no) <> count(*) ORDER BY article_id",
        limit,
    )
    problems = []
    for (article_id,) in bad_articles:
        numbers = sorted(
            int(n)
            for n in conn.execute(
                text("SELECT version_no FROM article_versions WHERE article_id = :a"),
                {"a": article_id},
            ).scalars()
        )
        listed = ", ".join(str(n) for n in _abbreviated(numbers))
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            problems.append(
                _error(
                    "version-duplicate",
                    f"article {article_id} has version number(s) "
                    f"{', '.join(map(str, duplicates))} more than once (versions {listed})",
                )
            )
        if sorted(set(numbers)) != list(range(1, len(set(numbers)) + 1)):
            problems.append(
                _error(
                    "version-gap",
                    f"article {article_id} has versions {listed}, "
                    f"expected 1..{len(set(numbers))} without gaps",
                )
            )
    return problems


def _abbreviated(numbers: list[int], keep: int = 12) -> list[int | str]:
    if len(numbers) <= keep:
        return list(numbers)
    return [*numbers[: keep // 2], "…", *numbers[-keep // 2 :]]


_LATEST = (
    "SELECT v.* FROM article_versions v WHERE v.version_no = "
    "(SELECT max(v2.version_no) FROM article_versions v2 WHERE v2.article_id = v.article_id)"
)


def latest_versions(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """The article's change time is its newest version's; the view has one row per article."""
    problems = [
        _error(
            "latest-version",
            f"article {aid}: last_changed_at {changed} is not the fetch time {fetched} of its "
            f"newest version {no}",
        )
        for aid, no, changed, fetched in _rows(
            conn,
            f"SELECT a.id, lv.version_no, a.last_changed_at, lv.fetched_at FROM articles a "
            f"JOIN ({_LATEST}) lv ON lv.article_id = a.id "
            f"WHERE a.last_changed_at <> lv.fetched_at ORDER BY a.id",
            limit,
        )
    ]
    problems += [
        _error(
            "latest-version",
            f"article {aid}: {flagged} version(s) marked latest, {newest} with the highest "
            f"version_no, {right} of them marked",
        )
        for aid, flagged, newest, right in _rows(
            conn,
            "SELECT v.article_id, "
            "sum(CASE WHEN v.is_latest THEN 1 ELSE 0 END), "
            "sum(CASE WHEN v.version_no = m.version_no THEN 1 ELSE 0 END), "
            "sum(CASE WHEN v.is_latest AND v.version_no = m.version_no THEN 1 ELSE 0 END) "
            "FROM article_versions v JOIN (SELECT article_id, max(version_no) AS version_no "
            "FROM article_versions GROUP BY article_id) m ON m.article_id = v.article_id "
            "JOIN articles a ON a.id = v.article_id "  # orphans are "version-orphan"
            "GROUP BY v.article_id HAVING sum(CASE WHEN v.is_latest THEN 1 ELSE 0 END) <> 1 "
            "OR sum(CASE WHEN v.version_no = m.version_no THEN 1 ELSE 0 END) <> 1 "
            "OR sum(CASE WHEN v.is_latest AND v.version_no = m.version_no THEN 1 ELSE 0 END) <> 1 "
            "ORDER BY 1",
            limit,
        )
    ]
    problems += [
        _error("latest-version", f"article {aid} has {n} rows in the latest_versions view")
        for aid, n in _rows(
            conn,
            "SELECT article_id, count(*) FROM latest_versions GROUP BY article_id "
            "HAVING count(*) <> 1 ORDER BY article_id",
            limit,
        )
    ]
    return problems


# --- full-text search -----------------------------------------------------------------------


def fulltext(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """Search finds what the latest versions say (per dialect, see the module docstring)."""
    if conn.dialect.name == "sqlite":
        return _sqlite_fulltext(conn, limit)
    if conn.dialect.name == "postgresql":
        return _postgres_fulltext(conn)
    return []


def _sqlite_fulltext(conn: Connection, limit: int) -> list[Problem]:
    # article_search is an external-content FTS5 table over the latest versions (migration
    # 0008): reading its columns reads the versions, so what the index holds is asked of FTS5
    # itself. Its docsize shadow table has one row per indexed article (id = article id).
    problems = [
        _error("fts-missing", f"article {aid} (version {no}) is not in the search index")
        for aid, no in _rows(
            conn,
            f"SELECT v.article_id, v.version_no FROM article_versions v WHERE v.is_latest "
            f"AND NOT EXISTS (SELECT 1 FROM {_FTS_TABLE}_docsize d WHERE d.id = v.article_id) "
            f"ORDER BY 1",
            limit,
        )
    ]
    problems += [
        _error(
            "fts-orphan",
            f"the search index has an entry for article {rowid}, which has no latest version",
        )
        for (rowid,) in _rows(
            conn,
            f"SELECT d.id FROM {_FTS_TABLE}_docsize d WHERE NOT EXISTS "
            f"(SELECT 1 FROM article_versions v WHERE v.article_id = d.id AND v.is_latest) "
            f"ORDER BY 1",
            limit,
        )
    ]
    # FTS5's own checks. They change nothing, but as INSERT commands they need the write lock
    # (each waits up to the busy timeout). First the inverted index on its own; then, unless a
    # problem is known already, the index against the text of the latest versions (rank 1).
    corrupt = _fts5_check(conn, "integrity-check failed", "fts-corrupt", rank=0)
    problems += corrupt
    if not problems:
        problems += _fts5_check(
            conn,
            "the search index does not hold the text of the latest versions",
            "fts-stale",
            rank=1,
        )
    return problems


def _fts5_check(conn: Connection, what: str, code: str, *, rank: int) -> list[Problem]:
    try:
        conn.exec_driver_sql(
            f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}, rank) VALUES ('integrity-check', {rank})"
        )
    except DBAPIError as exc:
        name = str(getattr(exc.orig, "sqlite_errorname", ""))
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "failed"
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return [
                _warning(
                    "fts-not-checked",
                    f"FTS5 integrity-check skipped: another writer held the database ({detail})",
                )
            ]
        if name.startswith("SQLITE_CORRUPT"):
            return [_error(code, f"FTS5 {what}: {detail}")]
        raise
    return []


def _postgres_fulltext(conn: Connection) -> list[Problem]:
    row = conn.execute(
        text(
            "SELECT i.indisvalid AND i.indisready FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = :name AND pg_table_is_visible(c.oid)"
        ),
        {"name": _FULLTEXT_INDEX},
    ).one_or_none()
    if row is None:
        return [
            _error(
                "fts-index-missing",
                f"index {_FULLTEXT_INDEX} is missing: search will scan every version",
            )
        ]
    if not row[0]:
        return [
            _error(
                "fts-index-invalid",
                f"index {_FULLTEXT_INDEX} is not valid (REINDEX INDEX {_FULLTEXT_INDEX})",
            )
        ]
    return []


# --- raw pages, topic matches, crawl runs ---------------------------------------------------


def raw_pages(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    problems = [
        _error(
            "raw-page-missing", f"version row {vid} refers to raw page {sha}, which is not stored"
        )
        for vid, sha in _rows(
            conn,
            "SELECT v.id, v.raw_page_sha256 FROM article_versions v "
            "WHERE v.raw_page_sha256 IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM raw_pages r WHERE r.sha256 = v.raw_page_sha256) ORDER BY v.id",
            limit,
        )
    ]
    problems += [
        _warning("raw-page-orphan", f"raw page {sha} ({size} bytes) belongs to no version")
        for sha, size in _rows(
            conn,
            "SELECT r.sha256, r.size FROM raw_pages r WHERE NOT EXISTS "
            "(SELECT 1 FROM article_versions v WHERE v.raw_page_sha256 = r.sha256) ORDER BY 1",
            limit,
        )
    ]
    return problems


def topic_matches(conn: Connection, limit: int = DEFAULT_LIMIT) -> list[Problem]:
    problems = [
        _error("topic-match-dangling", f"topic match {mid} refers to missing version row {vid}")
        for mid, vid in _rows(
            conn,
            "SELECT m.id, m.version_id FROM topic_matches m WHERE NOT EXISTS "
            "(SELECT 1 FROM article_versions v WHERE v.id = m.version_id) ORDER BY m.id",
            limit,
        )
    ]
    problems += [
        _error("topic-match-dangling", f"topic match {mid} refers to missing topic {tid}")
        for mid, tid in _rows(
            conn,
            "SELECT m.id, m.topic_id FROM topic_matches m WHERE NOT EXISTS "
            "(SELECT 1 FROM topics t WHERE t.id = m.topic_id) ORDER BY m.id",
            limit,
        )
    ]
    problems += [
        _error(
            "topic-match-mismatch",
            f"topic match {mid} names article {aid} but its version belongs to article {vaid}",
        )
        for mid, aid, vaid in _rows(
            conn,
            "SELECT m.id, m.article_id, v.article_id FROM topic_matches m "
            "JOIN article_versions v ON v.id = m.version_id "
            "WHERE m.article_id <> v.article_id ORDER BY m.id",
            limit,
        )
    ]
    return problems


def process_is_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (it may belong to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_runs(
    conn: Connection,
    limit: int = DEFAULT_LIMIT,
    *,
    host: str | None = None,
    is_alive: Callable[[int], bool] = process_is_alive,
) -> list[Problem]:
    """Runs on ``host`` (default: this host) still "running" although their process is gone.

    Runs of other hosts cannot be judged from here and are not reported.
    """
    host = socket.gethostname() if host is None else host
    rows = conn.execute(
        text(
            "SELECT id, pid, started_at FROM crawl_runs "
            "WHERE status = 'running' AND host = :host ORDER BY id"
        ),
        {"host": host},
    ).all()
    problems = []
    for run_id, pid, started in rows:
        if not is_alive(int(pid)):
            problems.append(
                _warning(
                    "run-stale",
                    f"crawl run {run_id} (pid {pid}, started {started}) is marked running "
                    "but its process is gone",
                )
            )
        if len(problems) >= limit:
            break
    return problems


#: Every check after the schema check, in the order they run.
CHECKS: tuple[Callable[[Connection, int], list[Problem]], ...] = (
    sqlite_integrity,
    sqlite_foreign_keys,
    articles_without_versions,
    orphan_versions,
    version_counts,
    version_numbers,
    latest_versions,
    fulltext,
    raw_pages,
    topic_matches,
    stale_runs,
)


def check_connection(
    conn: Connection,
    *,
    limit: int = DEFAULT_LIMIT,
    checks: Iterable[Callable[[Connection, int], list[Problem]]] = CHECKS,
) -> IntegrityReport:
    """Run every check on ``conn``; stops after the schema check when the schema is not current."""
    problems = schema_problems(conn)
    if problems:
        return IntegrityReport(problems)
    for check in checks:
        found = _run_check(conn, check, limit)
        problems.extend(found)
        if any(p.code == "sqlite-integrity" for p in found):
            # The file is damaged: the other checks would read garbage (or fail).
            return IntegrityReport(problems)
    articles = int(conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
    versions = int(conn.execute(text("SELECT count(*) FROM article_versions")).scalar_one())
    return IntegrityReport(problems, articles, versions)


def _run_check(
    conn: Connection, check: Callable[[Connection, int], list[Problem]], limit: int
) -> list[Problem]:
    """Run one check; a database error while checking is itself reported as a problem."""
    savepoint = conn.begin_nested() if conn.dialect.name == "postgresql" else None
    try:
        found = check(conn, limit)
    except DBAPIError as exc:
        if savepoint is not None:
            savepoint.rollback()
        detail = str(exc.orig or exc).strip().splitlines()
        return [_error("check-failed", f"{check.__name__}: {detail[0] if detail else 'failed'}")]
    if savepoint is not None:
        savepoint.commit()
    return found


def check_archive(engine: Engine, *, limit: int = DEFAULT_LIMIT) -> IntegrityReport:
    """Check the archive behind ``engine``; changes nothing.

    On PostgreSQL all checks see one snapshot (a read-only repeatable-read transaction); on
    SQLite each check is one statement and sees the data as committed when it runs.
    """
    with connect(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin():
            report = check_connection(conn, limit=limit)
            conn.rollback()
    return report
