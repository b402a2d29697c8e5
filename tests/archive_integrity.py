"""The archive check the fault tests run after every injected fault: ``newswatch check``'s.

Errors fail a test, and so does the ``raw-page-orphan`` warning (the issue asks for no orphan
raw pages after a fault). An empty database is fine: a crawl killed before it created the
schema leaves nothing to check.
"""

from __future__ import annotations

from newswatch.store import integrity, make_engine

#: Warnings of ``newswatch check`` that the fault tests treat as failures too.
FAILING_WARNINGS = frozenset({"raw-page-orphan"})


def archive_problems(db_url: str) -> list[str]:
    """Every problem that fails a fault test, one line each; ``[]`` for a sound archive."""
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
