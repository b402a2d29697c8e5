"""`check_archive` finds every kind of damage we inflict with raw SQL, and nothing on a healthy
archive — on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

from newswatch.store import migrate
from newswatch.store.engine import make_engine
from newswatch.store.errors import SchemaAheadError
from newswatch.store.integrity import IntegrityReport, check_archive
from tests.integrity_samples import OtherWriter, SampleIds, populate, run_raw_sql


@dataclass(frozen=True)
class Archive:
    engine: Engine
    ids: SampleIds

    def breaks(self, *statements: str, **params: object) -> None:
        run_raw_sql(self.engine, statements, **params)

    def check(self) -> IntegrityReport:
        return check_archive(self.engine)


def populated(url: str) -> Iterator[Archive]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    ids = populate(engine)
    yield Archive(engine, ids)
    engine.dispose()


@pytest.fixture
def archive(db_url: str) -> Iterator[Archive]:
    yield from populated(db_url)


@pytest.fixture
def sqlite_archive(sqlite_url: str) -> Iterator[Archive]:
    yield from populated(sqlite_url)


@pytest.fixture
def postgres_archive(postgres_url: str) -> Iterator[Archive]:
    yield from populated(postgres_url)


def codes(report: IntegrityReport) -> set[str]:
    return {problem.code for problem in report.problems}


def dead_pid() -> int:
    """The id of a process that has just exited (ids are reused only after wrapping around)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_healthy_archive_has_no_problems(archive: Archive) -> None:
    report = archive.check()
    assert report.problems == []
    assert (report.articles, report.versions) == (3, 4)


def test_article_whose_versions_were_deleted_is_found(archive: Archive) -> None:
    archive.breaks("DELETE FROM article_versions WHERE article_id = :a", a=archive.ids.english)
    report = archive.check()
    assert codes(report) == {"article-without-version"}
    assert f"article {archive.ids.english} " in str(report.problems[0])


def test_version_of_a_missing_article_is_found(archive: Archive) -> None:
    archive.breaks(
        "INSERT INTO article_versions (article_id, version_no, fetched_at, url, title, teaser, "
        "body, authors, tags, is_paywalled, word_count, content_hash, change_summary) "
        "SELECT 999, 1, fetched_at, url, title, teaser, body, authors, tags, is_paywalled, "
        "word_count, content_hash, change_summary FROM article_versions WHERE article_id = :a",
        a=archive.ids.english,
    )
    assert codes(archive.check()) == {"version-orphan"}


def test_version_count_that_disagrees_with_the_versions_is_found(archive: Archive) -> None:
    archive.breaks("UPDATE articles SET version_count = 5 WHERE id = :a", a=archive.ids.german)
    report = archive.check()
    assert codes(report) == {"version-count"}
    assert "says 5 version(s) but has 2" in report.problems[0].message


def test_gap_in_version_numbers_is_found(archive: Archive) -> None:
    archive.breaks(
        "UPDATE article_versions SET version_no = 3 WHERE id = :v", v=archive.ids.german_v2
    )
    report = archive.check()
    assert codes(report) == {"version-gap"}
    assert "has versions 1, 3" in report.problems[0].message


def test_duplicate_version_numbers_are_found_on_postgres(postgres_archive: Archive) -> None:
    # Only PostgreSQL can drop the unique (article_id, version_no) constraint to allow them.
    postgres_archive.breaks(
        "ALTER TABLE article_versions DROP CONSTRAINT uq_article_versions_article_id_version_no",
        "INSERT INTO article_versions (article_id, version_no, fetched_at, url, title, teaser, "
        "body, authors, tags, is_paywalled, word_count, content_hash, change_summary) "
        "SELECT article_id, version_no, fetched_at, url, title, teaser, body, authors, tags, "
        "is_paywalled, word_count, content_hash, change_summary FROM article_versions "
        "WHERE id = :v",
        v=postgres_archive.ids.german_v2,
    )
    assert codes(postgres_archive.check()) == {
        "version-duplicate",
        "version-count",
        "latest-version",
    }


def test_change_time_that_is_not_the_newest_versions_fetch_time_is_found(
    archive: Archive,
) -> None:
    archive.breaks(
        "UPDATE articles SET last_changed_at = first_seen_at WHERE id = :a", a=archive.ids.german
    )
    assert codes(archive.check()) == {"latest-version"}


def test_stale_search_text_is_found_on_sqlite(sqlite_archive: Archive) -> None:
    sqlite_archive.breaks(
        "UPDATE article_search SET title = 'Anderes Thema' WHERE rowid = :a",
        a=sqlite_archive.ids.german,
    )
    assert codes(sqlite_archive.check()) == {"fts-stale"}


def test_article_missing_from_the_search_table_is_found_on_sqlite(sqlite_archive: Archive) -> None:
    sqlite_archive.breaks(
        "DELETE FROM article_search WHERE rowid = :a", a=sqlite_archive.ids.english
    )
    assert codes(sqlite_archive.check()) == {"fts-missing"}


def test_search_entry_without_any_version_is_found_on_sqlite(sqlite_archive: Archive) -> None:
    sqlite_archive.breaks(
        "INSERT INTO article_search (rowid, title, teaser, body) VALUES (999, 'x', 'y', 'z')"
    )
    assert codes(sqlite_archive.check()) == {"fts-orphan"}


def test_damaged_fts5_index_is_found_on_sqlite(sqlite_archive: Archive) -> None:
    # The inverted index lives in article_search_data; its text in article_search_content.
    sqlite_archive.breaks("DELETE FROM article_search_data WHERE id > 10")
    found = codes(sqlite_archive.check())
    assert "fts-corrupt" in found
    assert found <= {"fts-corrupt", "sqlite-integrity"}  # newer SQLite also checks FTS5 itself


def test_dropped_fulltext_index_is_found_on_postgres(postgres_archive: Archive) -> None:
    postgres_archive.breaks("DROP INDEX ix_article_versions_fulltext")
    assert codes(postgres_archive.check()) == {"fts-index-missing"}


def test_invalid_fulltext_index_is_found_on_postgres(postgres_archive: Archive) -> None:
    postgres_archive.breaks(
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = "
        "'ix_article_versions_fulltext'::regclass"
    )
    assert codes(postgres_archive.check()) == {"fts-index-invalid"}


def test_version_pointing_at_a_missing_raw_page_is_found(archive: Archive) -> None:
    archive.breaks(
        "DELETE FROM raw_pages WHERE sha256 = "
        "(SELECT raw_page_sha256 FROM article_versions WHERE id = :v)",
        v=archive.ids.german_v2,
    )
    assert codes(archive.check()) == {"raw-page-missing"}


def test_raw_page_of_no_version_is_only_a_warning(archive: Archive) -> None:
    archive.breaks(
        "UPDATE article_versions SET raw_page_sha256 = NULL WHERE id = :v", v=archive.ids.german_v2
    )
    report = archive.check()
    assert codes(report) == {"raw-page-orphan"}
    assert report.errors == []


def test_topic_match_of_a_missing_version_is_found(archive: Archive) -> None:
    archive.breaks(
        "UPDATE topic_matches SET version_id = 999 WHERE id = :m", m=archive.ids.topic_match
    )
    assert codes(archive.check()) == {"topic-match-dangling"}


def test_topic_match_of_a_missing_topic_is_found(archive: Archive) -> None:
    archive.breaks("DELETE FROM topics")
    assert codes(archive.check()) == {"topic-match-dangling"}


def test_topic_match_naming_another_article_than_its_version_is_found(archive: Archive) -> None:
    archive.breaks(
        "UPDATE topic_matches SET article_id = :a WHERE id = :m",
        a=archive.ids.english,
        m=archive.ids.topic_match,
    )
    assert codes(archive.check()) == {"topic-match-mismatch"}


def test_other_dangling_references_are_found_by_sqlites_foreign_key_check(
    sqlite_archive: Archive,
) -> None:
    sqlite_archive.breaks(
        "UPDATE articles SET source_id = 999 WHERE id = :a", a=sqlite_archive.ids.english
    )
    report = sqlite_archive.check()
    assert codes(report) == {"foreign-key"}
    assert report.problems[0].message.endswith("refers to a missing sources row")


def test_run_left_running_by_a_dead_process_on_this_host_is_a_warning(archive: Archive) -> None:
    archive.breaks(
        "INSERT INTO crawl_runs (started_at, status, host, pid, sources, counters) "
        "VALUES ('2025-01-22 09:00:00', 'running', :host, :pid, '[]', '{}')",
        host=socket.gethostname(),
        pid=dead_pid(),
    )
    report = archive.check()
    assert codes(report) == {"run-stale"}
    assert report.errors == []


def test_running_run_of_another_host_is_not_judged(archive: Archive) -> None:
    archive.breaks(
        "INSERT INTO crawl_runs (started_at, status, host, pid, sources, counters) "
        "VALUES ('2025-01-22 09:00:00', 'running', 'crawler-elsewhere', :pid, '[]', '{}')",
        pid=dead_pid(),
    )
    assert archive.check().problems == []


def test_empty_database_is_reported_as_having_no_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert codes(check_archive(engine)) == {"schema-missing"}
    finally:
        engine.dispose()


def test_older_schema_is_reported_and_not_upgraded(archive: Archive) -> None:
    migrate.downgrade(archive.engine, "0001")
    assert codes(archive.check()) == {"schema-outdated"}
    assert migrate.current(archive.engine) == "0001"


def test_schema_of_a_newer_newswatch_is_refused(archive: Archive) -> None:
    archive.breaks("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(SchemaAheadError):
        archive.check()


def test_damaged_sqlite_file_is_found(sqlite_archive: Archive) -> None:
    engine = sqlite_archive.engine
    with engine.connect() as conn:
        page_size = conn.execute(text("PRAGMA page_size")).scalar_one()
        root = conn.execute(
            text("SELECT rootpage FROM sqlite_master WHERE name = 'ix_article_versions_fetched_at'")
        ).scalar_one()
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    path = engine.url.database
    assert path is not None
    with open(path, "r+b") as db_file:  # scribble over the cells of one index page
        db_file.seek((root - 1) * page_size + 100)
        db_file.write(b"\xa5" * (page_size - 200))
    report = sqlite_archive.check()
    assert "sqlite-integrity" in codes(report)


def test_each_problem_prints_as_one_line_whatever_the_stored_text(archive: Archive) -> None:
    archive.breaks(
        "UPDATE articles SET canonical_url = :url WHERE id = :a",
        "DELETE FROM article_versions WHERE article_id = :a",
        url="https://news.example/a\nerror fake-line: injected",
        a=archive.ids.english,
    )
    [problem] = archive.check().problems
    assert problem.code == "article-without-version"
    assert "https://news.example/a\\nerror fake-line" in str(problem)
    assert len(str(problem).splitlines()) == 1


def test_fts5_self_check_is_skipped_with_a_warning_while_another_writer_holds_the_lock(
    sqlite_archive: Archive,
) -> None:
    path = sqlite_archive.engine.url.database
    assert path is not None
    impatient = make_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=200)
    with OtherWriter(path):
        report = check_archive(impatient)
    impatient.dispose()
    assert codes(report) == {"fts-not-checked"}
    assert report.errors == []
