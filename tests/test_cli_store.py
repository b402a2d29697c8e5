"""`newswatch db | search | show | diff` through click's runner, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from newswatch.cli import main
from newswatch.store import make_engine, save_article, session_factory
from newswatch.store.migrate import head
from tests.store_samples import FETCHED_AT, GERMAN_BODY, english_article, german_article

EDITED_TITLE = "Stargate: 100 Milliarden Dollar für KI-Rechenzentren"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def populate(url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        edited = german_article(
            title=EDITED_TITLE,
            body=GERMAN_BODY.replace("Abilene", "Amarillo") + "\n\nSoftBank bestätigte die Zahlen.",
        )
        later = FETCHED_AT + timedelta(hours=1)
        save_article(session, edited, source_name="tagesschau", fetched_at=later)
        save_article(session, english_article(), source_name="example", fetched_at=FETCHED_AT)
    engine.dispose()


@pytest.fixture
def archive(db_url: str) -> str:
    assert run("db", "upgrade", "--db", db_url).exit_code == 0
    populate(db_url)
    return db_url


def test_db_upgrade_creates_default_sqlite_file_in_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWATCH_DATABASE_URL", raising=False)
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"sqlite:///newswatch.db: schema at {head()}\n"
    assert (tmp_path / "newswatch.db").is_file()


def test_database_url_is_taken_from_the_environment(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", sqlite_url)
    assert run("db", "current").stdout.endswith("empty (run `newswatch db upgrade`)\n")
    run("db", "upgrade")
    assert run("db", "current").stdout.endswith(f"{head()} (head)\n")


def test_db_downgrade_to_base_and_current(db_url: str) -> None:
    run("db", "upgrade", "--db", db_url)
    result = run("db", "downgrade", "base", "--db", db_url)
    assert result.exit_code == 0
    assert result.stdout.endswith("schema at base\n")
    assert "empty" in run("db", "current", "--db", db_url).stdout


def test_search_lists_matches_newest_first(archive: str) -> None:
    result = run("search", "Stargate", "--db", archive)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"#1  2025-01-22 06:30  tagesschau  v2  {EDITED_TITLE}",
        f"    {german_article().canonical_url}",
        f"#2  2025-01-21 23:15  example  v1  {english_article().title}",
        f"    {english_article().canonical_url}",
    ]


def test_search_filters(archive: str) -> None:
    def found(*options: str) -> list[str]:
        result = run("search", "Stargate", *options, "--db", archive)
        assert result.exit_code == 0, result.output
        return [line.split()[0] for line in result.stdout.splitlines() if line.startswith("#")]

    assert found("--source", "example") == ["#2"]
    assert found("--lang", "de") == ["#1"]
    assert found("--since", "2025-01-22") == ["#1"]
    assert found("--since", "2025-01-22T07:00+01:00") == ["#1"]
    assert found("--limit", "1") == ["#1"]


def test_search_without_matches_says_so_and_succeeds(archive: str) -> None:
    result = run("search", "Blockchain", "--db", archive)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "no matching articles\n"


def test_search_rejects_a_malformed_date(archive: str) -> None:
    result = run("search", "Stargate", "--since", "yesterday", "--db", archive)
    assert result.exit_code == 2
    assert "is not a date like 2025-01-31" in result.stderr


def test_search_on_an_empty_database_creates_the_schema(db_url: str) -> None:
    result = run("search", "Stargate", "--db", db_url)
    assert result.exit_code == 0
    assert run("db", "current", "--db", db_url).stdout.endswith("(head)\n")


def test_show_prints_metadata_and_versions(archive: str) -> None:
    result = run("show", "1", "--db", archive)
    assert result.exit_code == 0
    out = result.stdout
    assert "article 1\n" in out
    assert f"  url           {german_article().canonical_url}\n" in out
    assert "  last checked  2025-01-22 10:00 UTC (2 checks)\n" in out
    assert f"  title         {EDITED_TITLE}\n" in out
    assert "  authors       Anna Beispiel, Jonas Muster\n" in out
    assert "2 version(s):" in out
    assert "  v1   2025-01-22 09:00 UTC      79 words  first version" in out
    assert "  v2   2025-01-22 10:00 UTC      83 words  changed title, body (+6 / -2 words)" in out


def test_show_finds_articles_by_canonical_or_fetched_url(archive: str) -> None:
    by_id = run("show", "1", "--db", archive).stdout
    canonical = german_article().canonical_url
    assert canonical is not None
    assert run("show", canonical, "--db", archive).stdout == by_id
    assert run("show", german_article().url, "--db", archive).stdout == by_id


def test_show_unknown_article_is_one_line_and_exit_1(archive: str) -> None:
    result = run("show", "https://www.tagesschau.de/nicht-da.html", "--db", archive)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no stored article with id or URL 'https://www.tagesschau.de/nicht-da.html'\n"
    )


def test_diff_marks_removed_and_added_words_without_a_terminal(archive: str) -> None:
    result = run("diff", "1", "--db", archive)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["--- v1  2025-01-22 09:00 UTC", "+++ v2  2025-01-22 10:00 UTC"]
    assert "Stargate: [-500-] {+100+} Milliarden Dollar für KI-Rechenzentren" in lines
    assert any("entsteht in [-Abilene-] {+Amarillo+} im Bundesstaat" in ln for ln in lines)
    assert lines[-1] == "{+SoftBank bestätigte die Zahlen.+}"
    assert "\x1b[" not in result.stdout


def test_diff_can_colour_instead_of_marking(archive: str) -> None:
    result = run("diff", "1", "--color", "--db", archive)
    assert "\x1b[31mAbilene\x1b[0m \x1b[32mAmarillo\x1b[0m" in result.stdout
    assert "[-" not in result.stdout


def test_diff_of_explicit_versions_and_missing_ones(archive: str) -> None:
    assert run("diff", "1", "--from", "1", "--to", "2", "--db", archive).exit_code == 0
    missing = run("diff", "1", "--from", "1", "--to", "7", "--db", archive)
    assert missing.exit_code == 1
    assert missing.stderr == "Error: article 1 has no version 7 (versions 1-2)\n"
    single = run("diff", "2", "--db", archive)
    assert single.exit_code == 1
    assert single.stderr == "Error: article 2 has only one version: nothing to compare\n"


def test_unreachable_server_is_one_line_exit_3_without_password() -> None:
    result = run("search", "Stargate", "--db", "postgresql://nw:hunter2@127.0.0.1:9/news")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: cannot open database postgresql+psycopg://nw:***@")
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_bad_database_url_is_a_usage_error(tmp_path: Path) -> None:
    result = run("show", "1", "--db", "mysql://root@localhost/news")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unsupported database mysql://")


def test_schema_from_newer_code_is_refused_with_exit_4(archive: str) -> None:
    engine = make_engine(archive)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    result = run("search", "Stargate", "--db", archive)
    assert result.exit_code == 4
    assert "'0099_future', which this newswatch does not know" in result.stderr


def test_diff_lists_changed_metadata_as_old_and_new(db_url: str) -> None:
    run("db", "upgrade", "--db", db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        edited = german_article(
            authors=["Anna Beispiel"], section="Technik", title=EDITED_TITLE, is_paywalled=True
        )
        later = FETCHED_AT + timedelta(hours=1)
        save_article(session, edited, source_name="tagesschau", fetched_at=later)
    engine.dispose()
    out = run("diff", "1", "--db", db_url).stdout
    assert "\n[authors]\nAnna Beispiel, Jonas Muster -> Anna Beispiel\n" in out
    assert "\n[section]\nWirtschaft -> Technik\n" in out
    assert "\n[is_paywalled]\nno -> yes\n" in out
    assert "[body]" not in out
