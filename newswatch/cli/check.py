"""`newswatch check`: the integrity check of an archive (see newswatch.store.integrity).

Exit codes: 0 — no errors (warnings are printed but do not fail, unless ``--strict``);
5 — the check found problems; and the codes of every archive command (newswatch.cli.database):
2 bad database URL, 3 database unreachable (or an SQLite file that does not exist),
4 schema newer than this newswatch, 1 a database error while checking.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from sqlalchemy.exc import ArgumentError

from newswatch.cli import main
from newswatch.cli.database import open_engine, store_errors
from newswatch.cli.options import db_option
from newswatch.store.engine import resolve_database_url, safe_url, sqlite_file
from newswatch.store.errors import DatabaseUnavailable
from newswatch.store.integrity import DEFAULT_LIMIT, check_archive

EXIT_PROBLEMS_FOUND = 5


@main.command()
@click.option(
    "--strict", is_flag=True, help="Warnings (stale runs, orphan raw pages) fail the check too."
)
@click.option(
    "--max-per-check",
    "limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="List at most this many problems of each kind.",
)
@db_option
def check(strict: bool, limit: int, db_url: str | None) -> None:
    """Check the archive's integrity; one line per problem, exit code 5 if there is one.

    Read-only: the archive is neither created nor migrated.
    """
    url = resolve_database_url(db_url)
    with store_errors():
        _refuse_missing_sqlite_file(url)
    with open_engine(url) as engine:
        report = check_archive(engine, limit=limit)
    for problem in report.problems:
        click.echo(str(problem))
    failing = report.errors + (report.warnings if strict else [])
    kinds = Counter(p.severity for p in report.problems)
    summary = (
        f"{safe_url(url)}: {report.articles} article(s), {report.versions} version(s) checked; "
        f"{kinds['error']} error(s), {kinds['warning']} warning(s)"
    )
    click.echo(summary, err=bool(failing))
    if failing:
        raise SystemExit(EXIT_PROBLEMS_FOUND)


def _refuse_missing_sqlite_file(url: str) -> None:
    """Opening a missing SQLite file would create an empty one; report it instead."""
    try:
        database = sqlite_file(url)
    except (ArgumentError, ValueError):  # open_engine reports unusable URLs
        return
    if database is None or database.startswith("file:"):
        return
    if not Path(database).is_file():
        raise DatabaseUnavailable(f"cannot open database {safe_url(url)}: no such file")
