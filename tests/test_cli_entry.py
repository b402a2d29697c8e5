"""The `newswatch` console script: `newswatch.cli.run` runs the click group, then exits
quickly (without a last garbage collection over everything a crawl built)."""

from __future__ import annotations

import gc
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from newswatch import __version__
from newswatch.cli import main

ROOT = Path(__file__).resolve().parents[1]


def newswatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_the_console_script_is_the_quick_exit_entry_point() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["newswatch"] == "newswatch.cli:run"


def test_a_command_keeps_its_output_and_exit_code() -> None:
    done = newswatch("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"newswatch, version {__version__}")


def test_a_failing_command_keeps_its_error_and_exit_code(tmp_path: Path) -> None:
    done = newswatch("crawl", "--sources", str(tmp_path / "missing.toml"), "--db",
                     f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert done.returncode == 2
    assert "missing.toml" in done.stderr


def test_calling_main_in_a_process_of_ones_own_keeps_its_garbage_collector() -> None:
    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert gc.get_freeze_count() == frozen


def test_the_console_script_skips_the_last_collection_once_the_command_is_done() -> None:
    script = (
        "import atexit, gc, sys\n"
        "from newswatch.cli import run\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['newswatch', '--version']\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "frozen True"
