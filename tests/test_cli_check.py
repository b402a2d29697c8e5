"""`newswatch check`: one line per problem, documented exit codes, read-only."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from newswatch.cli import main
from newswatch.cli.check import EXIT_PROBLEMS_FOUND
from newswatch.cli.database import EXIT_DATABASE_UNAVAILABLE, EXIT_SCHEMA_AHEAD
from newswatch.store import make_engine, migrate
from tests.integrity_samples import populate, run_raw_sql


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def archive_at(url: str) -> str:
    engine = make_engine(url)
    migrate.upgrade(engine)
    populate(engine)
    engine.dispose()
    return url


def break_archive(url: str, *statements: str) -> None:
    engine = make_engine(url)
    run_raw_sql(engine, statements)
    engine.dispose()


def test_healthy_archive_passes_with_a_summary(db_url: str) -> None:
    url = archive_at(db_url)
    result = run("check", "--db", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        ": 3 article(s), 4 version(s) checked; 0 error(s), 0 warning(s)\n"
    )
    assert result.stdout.count("\n") == 1


def test_each_problem_is_one_line_and_the_exit_code_says_problems_found(sqlite_url: str) -> None:
    url = archive_at(sqlite_url)
    break_archive(
        url,
        "UPDATE articles SET version_count = 7",
        "DELETE FROM article_search",
    )
    result = run("check", "--db", url)
    assert result.exit_code == EXIT_PROBLEMS_FOUND == 5
    lines = result.stdout.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == (
        ["error fts-missing"] * 3 + ["error version-count"] * 3
    )
    assert "6 error(s), 0 warning(s)" in result.stderr
    assert "Traceback" not in result.output


def test_listing_is_capped_per_kind_of_problem(sqlite_url: str) -> None:
    url = archive_at(sqlite_url)
    break_archive(url, "UPDATE articles SET version_count = 7")
    result = run("check", "--max-per-check", "1", "--db", url)
    assert result.exit_code == EXIT_PROBLEMS_FOUND
    assert len(result.stdout.splitlines()) == 1


def test_warnings_are_printed_but_fail_only_with_strict(sqlite_url: str) -> None:
    url = archive_at(sqlite_url)
    break_archive(url, "UPDATE article_versions SET raw_page_sha256 = NULL")
    relaxed = run("check", "--db", url)
    assert relaxed.exit_code == 0
    assert relaxed.stdout.startswith("warning raw-page-orphan: raw page ")
    strict = run("check", "--strict", "--db", url)
    assert strict.exit_code == EXIT_PROBLEMS_FOUND


def test_missing_sqlite_file_is_unavailable_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    result = run("check", "--db", f"sqlite:///{path}")
    assert result.exit_code == EXIT_DATABASE_UNAVAILABLE == 3
    assert result.stderr.strip().endswith("no such file")
    assert not path.exists()


def test_empty_database_is_a_problem_and_stays_empty(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin():  # creates the SQLite file, nothing else
        pass
    result = run("check", "--db", db_url)
    assert result.exit_code == EXIT_PROBLEMS_FOUND
    assert result.stdout.startswith("error schema-missing: ")
    assert migrate.current(engine) is None
    engine.dispose()


def test_schema_of_a_newer_newswatch_exits_with_the_schema_ahead_code(sqlite_url: str) -> None:
    url = archive_at(sqlite_url)
    break_archive(url, "UPDATE alembic_version SET version_num = '9999_future'")
    result = run("check", "--db", url)
    assert result.exit_code == EXIT_SCHEMA_AHEAD
    assert "9999_future" in result.stderr
