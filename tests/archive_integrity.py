"""The archive invariants the fault tests check after every injected fault.

``newswatch.store.integrity`` (``newswatch check``) is used when it is installed (it is being
written on another branch); until then, for SQLite archives, the same list of checks here:
no article without a version, version numbers exactly 1..n and counted right, the FTS5 index
holding exactly the latest version of each article, no raw page that no version uses and no
version pointing at a missing one, and SQLite's own integrity check.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text

try:
    from newswatch.store import integrity
except ImportError:  # not on this branch yet
    integrity = None  # type: ignore[assignment]

#: Warnings of ``newswatch check`` that the fault tests treat as failures too.
FAILING_WARNINGS = frozenset({"raw-page-orphan"})

CHECKS: dict[str, str] = {
    "article-without-version": """
        SELECT a.id FROM articles a
        WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)""",
    "version-gap": """
        SELECT article_id FROM article_versions GROUP BY article_id
        HAVING min(version_no) != 1 OR max(version_no) != count(*)
            OR count(DISTINCT version_no) != count(*)""",
    "version-count": """
        SELECT a.id FROM articles a
        WHERE a.version_count != (SELECT count(*) FROM article_versions v
                                  WHERE v.article_id = a.id)""",
    "fts-missing-or-stale": """
        SELECT v.article_id FROM article_versions v
        LEFT JOIN article_search s ON s.rowid = v.article_id
        WHERE v.version_no = (SELECT max(v2.version_no) FROM article_versions v2
                              WHERE v2.article_id = v.article_id)
          AND (s.rowid IS NULL OR s.title IS NOT v.title OR s.teaser IS NOT v.teaser
               OR s.body IS NOT substr(v.body, 1, 200000))""",
    "fts-orphan": """
        SELECT rowid FROM article_search
        WHERE rowid NOT IN (SELECT article_id FROM article_versions)""",
    "raw-page-orphan": """
        SELECT p.sha256 FROM raw_pages p
        WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.raw_page_sha256 = p.sha256)""",
    "raw-page-missing": """
        SELECT v.id FROM article_versions v
        WHERE v.raw_page_sha256 IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM raw_pages p WHERE p.sha256 = v.raw_page_sha256)""",
}


def archive_problems(db_url: str) -> list[str]:
    """Every violated invariant, one line each; ``[]`` for a sound archive (or an empty one:
    a crawl killed before it created the schema leaves nothing to check)."""
    if integrity is not None:
        return _checked_by_newswatch(db_url)
    return _checked_here(db_url)


def _checked_by_newswatch(db_url: str) -> list[str]:
    from newswatch.store import make_engine

    engine = make_engine(db_url)
    try:
        report = integrity.check_archive(engine)
    finally:
        engine.dispose()
    return [
        str(problem)
        for problem in report.problems
        if problem.code != "schema-missing"
        and (problem.severity == "error" or problem.code in FAILING_WARNINGS)
    ]


def _checked_here(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            tables = {
                row[0]
                for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "articles" not in tables:
                return []  # killed before the schema existed: nothing to check
            status = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if status != ["ok"]:
                problems.append(f"sqlite-integrity: {status}")
            conn.exec_driver_sql(
                "INSERT INTO article_search(article_search) VALUES ('integrity-check')"
            )
            for name, sql in CHECKS.items():
                ids = [row[0] for row in conn.execute(text(sql))]
                if ids:
                    problems.append(f"{name}: {ids[:10]}")
            conn.rollback()
    finally:
        engine.dispose()
    return problems
