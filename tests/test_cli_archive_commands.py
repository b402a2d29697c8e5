"""`newswatch export`, `topics rematch` and `stories` against a real archive, via CliRunner."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from newswatch.cli import main
from tests.archive_factory import (
    BACKENDS,
    T0,
    add_article,
    archive_session,
    fresh_session,
    shared_archive,
)
from tests.test_stories_store import OTHER, copy_for

TOPICS = """
[[topic]]
name = "stargate"
query = 'Stargate AND (OpenAI OR SoftBank)'

[[topic]]
name = "chips"
query = "Nvidia"
"""


@pytest.fixture(scope="module", params=BACKENDS)
def archive_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with shared_archive(request.param, tmp_path_factory.mktemp("archive")) as engine:
        yield engine


@pytest.fixture
def archive_url(archive_engine: Engine) -> Iterator[str]:
    """The URL of an archive with a two-version Stargate article and a chips article."""
    with fresh_session(archive_engine) as session:
        add_article(
            session,
            "https://heise.example/stargate",
            "Stargate draft",
            "Stargate: OpenAI und SoftBank",
            source="heise",
        )
        add_article(
            session,
            "https://reuters.example/chips",
            "Nvidia sells chips",
            source="reuters",
            published_at=T0 + timedelta(days=3),
        )
        session.commit()
        yield archive_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWATCH_TOPICS", raising=False)
    monkeypatch.delenv("NEWSWATCH_DATABASE_URL", raising=False)
    (tmp_path / "topics.toml").write_text(TOPICS, encoding="utf-8")
    return CliRunner()


def test_rematch_tags_the_archive_and_reports_progress(runner: CliRunner, archive_url: str) -> None:
    result = runner.invoke(main, ["topics", "rematch", "--db", archive_url, "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "batch 2: 2 articles checked" in result.stderr
    assert result.stdout == (
        "stargate (full), chips (full): 2 articles checked, 2 topic matches among them\n"
    )

    again = runner.invoke(main, ["topics", "rematch", "--db", archive_url, "--topic", "chips"])
    assert again.stdout == "chips (incremental): 0 articles checked, 0 topic matches among them\n"


def test_rematch_of_a_topic_not_in_the_file_is_an_error(
    runner: CliRunner, archive_url: str
) -> None:
    result = runner.invoke(main, ["topics", "rematch", "--db", archive_url, "--topic", "nope"])
    assert result.exit_code == 2
    assert "Error: no topic named 'nope' in topics.toml" in result.output


def test_export_jsonl_to_stdout_filtered_by_topic(runner: CliRunner, archive_url: str) -> None:
    runner.invoke(main, ["topics", "rematch", "--db", archive_url])
    result = runner.invoke(
        main, ["export", "--db", archive_url, "--format", "jsonl", "--topic", "stargate"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["url"], r["version_no"], r["topics"]) for r in rows] == [
        ("https://heise.example/stargate", 2, ["stargate"])
    ]


def test_export_csv_to_a_file_with_all_versions_and_a_time_window(
    runner: CliRunner, archive_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "export.csv"
    result = runner.invoke(
        main,
        [
            "export", "--db", archive_url, "--format", "csv", "--all-versions",
            "--until", "2025-01-22", "--output", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == f"2 rows written to {out}\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["url"], r["version_no"]) for r in rows] == [
        ("https://heise.example/stargate", "1"),
        ("https://heise.example/stargate", "2"),
    ]
    assert not (tmp_path / "export.csv.part").exists()


def test_export_since_accepts_a_time_with_offset(runner: CliRunner, archive_url: str) -> None:
    result = runner.invoke(
        main,
        ["export", "--db", archive_url, "--format", "jsonl", "--since", "2025-01-24T08:00+01:00"],
    )
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == ["reuters"]


def test_export_rejects_a_bad_date(runner: CliRunner, archive_url: str) -> None:
    result = runner.invoke(
        main, ["export", "--db", archive_url, "--format", "csv", "--since", "last week"]
    )
    assert result.exit_code == 2
    assert "'last week' is not a date like 2025-01-31" in result.output


def test_export_of_an_unknown_topic_or_source_is_an_error(
    runner: CliRunner, archive_url: str
) -> None:
    topic = runner.invoke(main, ["export", "--db", archive_url, "--format", "csv", "--topic", "x"])
    assert topic.exit_code == 1
    assert "Error: no topic named 'x' in the archive" in topic.output
    source = runner.invoke(
        main, ["export", "--db", archive_url, "--format", "csv", "--source", "nope"]
    )
    assert "Error: no source named 'nope' in the archive" in source.output


def test_stories_cluster_then_list(runner: CliRunner, db_url: str) -> None:
    # A fresh archive without the stories tables: the commands create them.
    with archive_session(db_url) as session:
        for site in ("a", "b"):
            add_article(session, f"https://{site}.example/1", copy_for(site), source=site)
        add_article(session, "https://c.example/1", OTHER, source="c")

    clustered = runner.invoke(main, ["stories", "cluster", "--db", db_url])
    assert clustered.exit_code == 0, clustered.output
    assert clustered.stdout == (
        "3 articles checked (0 already done); 1 stories with 2 articles in the archive\n"
    )

    listed = runner.invoke(main, ["stories", "list", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    (line,) = listed.stdout.splitlines()
    assert line.endswith("2 sources  2 articles  Article https://a.example/1")


def test_search_by_topic_lists_the_topics_articles_with_or_without_words(
    runner: CliRunner, archive_url: str
) -> None:
    runner.invoke(main, ["topics", "rematch", "--db", archive_url])

    by_topic = runner.invoke(main, ["search", "--db", archive_url, "--topic", "stargate"])
    with_words = runner.invoke(
        main, ["search", "SoftBank", "--db", archive_url, "--topic", "chips"]
    )

    assert by_topic.exit_code == 0, by_topic.output
    assert "https://heise.example/stargate" in by_topic.stdout
    assert "https://reuters.example/chips" not in by_topic.stdout
    assert with_words.stdout == ""
    assert "no matching articles" in with_words.stderr


def test_search_by_an_unknown_topic_is_one_line_and_exit_1(
    runner: CliRunner, archive_url: str
) -> None:
    result = runner.invoke(main, ["search", "Stargate", "--db", archive_url, "--topic", "nope"])
    assert result.exit_code == 1
    assert "no topic named 'nope'" in result.stderr
    assert "Traceback" not in result.output


def test_search_needs_words_or_a_topic(runner: CliRunner, archive_url: str) -> None:
    result = runner.invoke(main, ["search", "--db", archive_url])
    assert result.exit_code == 2
    assert "give a QUERY, a --topic, or both" in result.output


def test_show_prints_the_topics_and_hits_per_term_under_each_version(
    runner: CliRunner, archive_url: str
) -> None:
    runner.invoke(main, ["topics", "rematch", "--db", archive_url])

    result = runner.invoke(main, ["show", "https://heise.example/stargate", "--db", archive_url])

    assert result.exit_code == 0, result.output
    timeline = result.stdout.split("2 version(s):\n")[1].splitlines()
    assert timeline[0].startswith("  v1 ") and "first version" in timeline[0]
    assert timeline[1].startswith("  v2 ") and "changed body" in timeline[1]
    assert timeline[2] == "        topic stargate: Stargate×2, OpenAI×1, SoftBank×1"
    assert len(timeline) == 3
