"""`newswatch init | cron | demo` and database errors of `newswatch crawl`."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main
from newswatch.config import load_config
from tests.crawl_site import child_env, crawl, newswatch_command


def test_init_writes_valid_starter_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["init", "--dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert load_config(tmp_path / "sources.toml").sources
    assert "[[topic]]" in (tmp_path / "topics.toml").read_text(encoding="utf-8")

    (tmp_path / "sources.toml").write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(main, ["init", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.output
    assert (tmp_path / "sources.toml").read_text(encoding="utf-8") == "# mine\n"

    forced = runner.invoke(main, ["init", "--dir", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    assert load_config(tmp_path / "sources.toml").sources


def test_cron_prints_a_line_with_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["cron", "--schedule", "*/15 * * * *", "--sources", "sources.toml"]
    )
    assert result.exit_code == 0, result.output
    fields = shlex.split(result.output.strip())
    assert fields[:5] == ["*/15", "*", "*", "*", "*"]
    assert fields[5:8] == ["cd", str(tmp_path), "&&"]
    assert Path(fields[8]).is_absolute() and fields[8].endswith("newswatch")
    assert fields[9:12] == ["crawl", "--sources", str(tmp_path / "sources.toml")]
    assert fields[12:14] == ["--log-file", str(tmp_path / "newswatch-crawl.log")]


def test_cron_rejects_a_bad_schedule() -> None:
    result = CliRunner().invoke(main, ["cron", "--schedule", "hourly"])
    assert result.exit_code == 2 and "five cron fields" in result.output


def test_unreachable_database_exits_4_with_one_line(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "x"\nfeeds = ["https://x.example/rss"]\n')
    result = crawl(sources, "postgresql+psycopg://nobody:s3cret@127.0.0.1:9/none")
    assert result.returncode == 4, result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_demo_crawls_the_bundled_site_twice_and_shows_a_diff(tmp_path: Path) -> None:
    done = subprocess.run(
        newswatch_command("demo"),
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "crawl run 1 finished" in out and "new 12" in out
    assert "crawl run 2 finished" in out and "changed 1" in out
    assert "stored 12 articles" in out
    assert "+Update: SoftBank later confirmed" in out
    assert "unchanged 1" in out  # the ticked comment counter made no new version
    assert (tmp_path / "newswatch-demo.db").exists()


def test_runs_on_a_database_without_an_archive_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["runs", "--db", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert result.exit_code == 4
    assert "not a newswatch archive" in result.output


@pytest.mark.parametrize("flag", ["--seed", "--follow"])
def test_frontier_options_without_a_redis_url_are_a_usage_error(
    flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSWATCH_REDIS_URL", raising=False)
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n')

    result = CliRunner().invoke(
        main, ["crawl", flag, "--sources", str(sources), "--db", f"sqlite:///{tmp_path}/a.db"]
    )

    assert result.exit_code == 2
    assert f"{flag} needs a shared frontier" in result.stderr
