"""Security at the store: passwords never show, user input is always a bound parameter."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, inspect, text

from newswatch.cli import main
from newswatch.store import make_engine, migrate, session_factory
from newswatch.store.errors import ArticleNotFound
from newswatch.store.lookup import find_article
from newswatch.store.search import search
from tests.integrity_samples import populate

PASSWORD = "Tr0ub4dor&3"

INJECTIONS = [
    "'; DROP TABLE articles; --",
    '"; DROP TABLE article_versions; --',
    "Stargate' OR '1'='1",
    'Stargate" OR "1"="1',
    "1; DELETE FROM articles",
    "1 OR 1=1",
    "x' UNION SELECT sha256, content FROM raw_pages --",
    "article_search MATCH '*'",
    "Stargate NEAR(x y) OR title:* AND -body",
    '" * ^ : ( ) {title}',
    "\x00; DROP TABLE sources",
    "%' --",
    "99999999999999999999",
    "2147483648",
    "²",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?connect_timeout=2", "?sslmode=bogus", "?no_such_option=1"])
@pytest.mark.parametrize("command", [["db", "upgrade"], ["search", "x"], ["check"]])
def test_password_appears_in_no_output_or_log_record(
    command: list[str], query: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"postgresql://newswatch:{PASSWORD}@127.0.0.1:{closed_port()}/news{query}"
    result = run(*command, "--db", url)
    assert result.exit_code in (2, 3)
    assert "***" in result.stderr  # the URL is named, its password masked
    assert PASSWORD not in result.output
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)
    assert "Traceback" not in result.output


def test_percent_encoded_password_is_hidden_in_both_spellings() -> None:
    url = f"postgresql://newswatch:p%40ss%2Fw0rd@127.0.0.1:{closed_port()}/news"
    result = run("search", "x", "--db", url)
    assert result.exit_code == 3
    assert "p@ss/w0rd" not in result.output
    assert "p%40ss%2Fw0rd" not in result.output


def test_engine_repr_hides_the_password() -> None:
    engine = make_engine(f"postgresql://newswatch:{PASSWORD}@db.example/news")
    assert PASSWORD not in repr(engine)
    assert PASSWORD not in str(engine.url)


# --- injection-shaped input -------------------------------------------------------------------


@pytest.fixture
def archive(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    populate(engine)
    yield engine
    engine.dispose()


def table_state(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in inspect(conn).get_table_names()
        }


def test_injection_shaped_input_to_the_store_is_plain_data(archive: Engine) -> None:
    before = table_state(archive)
    with session_factory(archive)() as session:
        for hostile in INJECTIONS:
            assert search(session, hostile) == []
            assert search(session, "Stargate", source=hostile) == []
            assert search(session, "Stargate", lang=hostile) == []
            with pytest.raises(ArticleNotFound):
                find_article(session, hostile)
    assert table_state(archive) == before


def test_injection_shaped_input_on_the_command_line_is_plain_data(archive: Engine) -> None:
    url = archive.url.render_as_string(hide_password=False)
    before = table_state(archive)
    for hostile in [*INJECTIONS[:2], "\x00; DROP TABLE sources", "2147483648"]:
        found = run("search", hostile, "--source", hostile, "--lang", hostile, "--db", url)
        assert (found.exit_code, found.stdout) == (0, ""), hostile
        for command in ("show", "diff"):
            missing = run(command, hostile, "--db", url)
            assert missing.exit_code == 1, (command, hostile, missing.output)
            assert missing.stderr.startswith("Error: no stored article with id or URL")
    assert table_state(archive) == before
    assert run("check", "--db", url).exit_code == 0


def test_search_syntax_in_a_query_matches_words_not_operators(archive: Engine) -> None:
    with session_factory(archive)() as session:
        plain = search(session, "Stargate Milliarden")
        decorated = search(session, 'Stargate" OR "x" AND Milliarden*')
    assert [hit.article_id for hit in decorated] == []  # "or", "x" and "and" are words too
    assert [hit.article_id for hit in plain] != []


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('search') / 'newswatch.db'}")
    migrate.upgrade(engine)
    populate(engine)
    yield engine
    engine.dispose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=80) | st.sampled_from(INJECTIONS))
def test_any_query_text_searches_without_error_or_side_effect(
    sqlite_archive: Engine, query: str
) -> None:
    before = table_state(sqlite_archive)
    with session_factory(sqlite_archive)() as session:
        hits = search(session, query)
    assert len(hits) <= 3
    assert table_state(sqlite_archive) == before
