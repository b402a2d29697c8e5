"""`newswatch topics list` and `newswatch topics test`, run through click's CliRunner."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main
from newswatch.topics.templates import AI_INVESTMENT_TOPICS_TOML

STARGATE_TEXT = (
    "OpenAI, SoftBank und Oracle wollen 500 Milliarden Dollar in das Projekt Stargate stecken. "
    "Die ersten KI-Rechenzentren entstehen in Texas."
)
HARBOUR_TEXT = "Kiel investiert in den Hafen, sagte der Bürgermeister."


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("NEWSWATCH_TOPICS", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def topics_file(tmp_path: Path) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(AI_INVESTMENT_TOPICS_TOML, encoding="utf-8")
    return path


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, Path]:
    stargate = tmp_path / "stargate.txt"
    stargate.write_text(STARGATE_TEXT, encoding="utf-8")
    harbour = tmp_path / "kiel.txt"
    harbour.write_text(HARBOUR_TEXT, encoding="utf-8")
    return stargate, harbour


def test_list_shows_each_topic_with_its_settings(runner: CliRunner, topics_file: Path) -> None:
    result = runner.invoke(main, ["topics", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ai-investment — Investment in artificial intelligence")
    assert lines[1] == "  languages: de, en · sources: all · min_hits: 2"
    assert lines[2].startswith("  query: ( Stargate AND (OpenAI OR SoftBank")


def test_list_reads_the_file_named_by_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('[[topic]]\nname = "chips"\nquery = "Nvidia"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSWATCH_TOPICS", str(other))
    result = runner.invoke(main, ["topics", "list"])
    assert result.output.splitlines()[0] == "chips"


def test_list_without_a_topics_file_says_how_to_get_one(runner: CliRunner) -> None:
    result = runner.invoke(main, ["topics", "list"])
    assert result.exit_code == 2
    assert "topics.toml: topics file not found (`newswatch init` writes a starter file)" in (
        result.output
    )


def test_list_reports_an_invalid_file_with_topic_and_field(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[topic]]\nname = "ai"\nquery = "Stargate AND"\n', encoding="utf-8")
    result = runner.invoke(main, ["topics", "list", "--topics", str(bad)])
    assert result.exit_code == 2
    assert f"Error: {bad}: topic 'ai', field 'query':" in result.output
    assert "Traceback" not in result.output


def test_test_exits_0_when_every_file_matches(
    runner: CliRunner, topics_file: Path, texts: tuple[Path, Path]
) -> None:
    stargate, _ = texts
    result = runner.invoke(main, ["topics", "test", "ai-investment", str(stargate)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"MATCH    {stargate}  hits ")
    assert "Stargate×1" in result.output
    assert "=KI×1" in result.output


def test_test_exits_1_when_a_file_does_not_match_and_says_which(
    runner: CliRunner, topics_file: Path, texts: tuple[Path, Path]
) -> None:
    stargate, harbour = texts
    result = runner.invoke(main, ["topics", "test", "ai-investment", str(stargate), str(harbour)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"MATCH    {stargate}")
    assert lines[1] == f"NO MATCH {harbour}  hits 1 (min_hits 2): invest*×1"


def test_test_accepts_an_ad_hoc_query_without_a_topics_file(
    runner: CliRunner, texts: tuple[Path, Path]
) -> None:
    stargate, _ = texts
    result = runner.invoke(main, ["topics", "test", '=KI AND "Texas"', str(stargate)])
    assert result.exit_code == 0, result.output
    assert result.output.endswith('hits 2: =KI×1, "Texas"×1\n')


def test_test_reports_a_query_syntax_error_with_a_caret(
    runner: CliRunner, texts: tuple[Path, Path]
) -> None:
    result = runner.invoke(main, ["topics", "test", "Stargate OR", str(texts[0])])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: topic '<query>': expected a term or '(' after 'OR', found the end of the query"
        " at column 12",
        "    Stargate OR",
        "               ^",
    ]


def test_test_language_option_applies_the_topic_language_filter(
    runner: CliRunner, topics_file: Path, texts: tuple[Path, Path]
) -> None:
    result = runner.invoke(
        main, ["topics", "test", "ai-investment", "--language", "fr", str(texts[0])]
    )
    assert result.exit_code == 1
    assert "excluded: language 'fr' is not one of de, en" in result.output


def test_test_reads_gzipped_html_through_the_extractor(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("newswatch.extract", reason="needs the extraction package")
    from newswatch import extract

    if not hasattr(extract, "extract_article"):
        pytest.skip("newswatch.extract.extract_article not available yet")
    page = tmp_path / "page.html.gz"
    page.write_bytes(
        gzip.compress(
            (
                "<html lang='de'><head><title>Stargate</title></head><body><article>"
                f"<h1>Stargate in Texas</h1><p>{STARGATE_TEXT}</p><p>{STARGATE_TEXT}</p>"
                "</article></body></html>"
            ).encode()
        )
    )
    result = runner.invoke(main, ["topics", "test", "Rechenzentr*", str(page)])
    assert result.exit_code == 0, result.output


def test_test_rejects_a_text_file_that_is_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Bürgermeister".encode("latin-1"))
    result = runner.invoke(main, ["topics", "test", "Stargate", str(latin1)])
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.output
