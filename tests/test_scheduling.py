"""Re-check ladder, run lock and crontab line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.config import DEFAULT_LADDER
from newswatch.scheduling import (
    LockHeldError,
    RunLock,
    cron_line,
    default_lock_path,
    next_check_at,
)

T0 = datetime(2025, 1, 22, 8, 0, tzinfo=UTC)
TWO_WEEKS = timedelta(days=14)


def test_first_recheck_is_one_hour_after_first_seen() -> None:
    assert next_check_at(T0, 1, T0, DEFAULT_LADDER, TWO_WEEKS) == T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    ("check_count", "now", "expected"),
    [
        (2, T0 + timedelta(hours=1), T0 + timedelta(hours=4)),
        (3, T0 + timedelta(hours=4), T0 + timedelta(hours=12)),
        (4, T0 + timedelta(hours=12), T0 + timedelta(days=1)),
        (5, T0 + timedelta(days=1), T0 + timedelta(days=3)),
        (6, T0 + timedelta(days=3), T0 + timedelta(days=7)),
    ],
)
def test_rechecks_climb_the_ladder(check_count: int, now: datetime, expected: datetime) -> None:
    assert next_check_at(T0, check_count, now, DEFAULT_LADDER, TWO_WEEKS) == expected


def test_steps_missed_while_no_crawl_ran_are_skipped() -> None:
    # second check happened two days late: next is the 3-day step, not the 4 h one
    now = T0 + timedelta(days=2)
    assert next_check_at(T0, 2, now, DEFAULT_LADDER, TWO_WEEKS) == T0 + timedelta(days=3)


def test_no_recheck_after_the_ladder_or_beyond_max_age() -> None:
    assert next_check_at(T0, 7, T0 + timedelta(days=7), DEFAULT_LADDER, TWO_WEEKS) is None
    assert next_check_at(T0, 5, T0 + timedelta(days=1), DEFAULT_LADDER, timedelta(days=2)) is None


def test_second_lock_on_the_same_file_is_refused_with_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db.lock"
    with RunLock(path):
        with pytest.raises(LockHeldError) as excinfo:
            RunLock(path).acquire()
        assert excinfo.value.holder is not None
        assert excinfo.value.holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in str(excinfo.value)
    with RunLock(path) as again:  # released: can be taken again, nothing stale
        assert again.stale is None


def test_lock_of_a_killed_run_is_released_by_the_os_and_reported_as_stale(tmp_path: Path) -> None:
    path = tmp_path / "crawl.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from newswatch.scheduling import RunLock;"
         "lock = RunLock(Path(sys.argv[1])).acquire(); print('locked', flush=True); time.sleep(60)",
         str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeldError):
            RunLock(path).acquire()
    finally:
        holder.kill()
        holder.wait()
    lock = RunLock(path).acquire()
    try:
        assert lock.stale is not None and lock.stale.pid == holder.pid
        assert json.loads(path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()


def test_lock_lives_next_to_a_sqlite_archive(tmp_path: Path) -> None:
    assert default_lock_path(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db.lock"
    assert default_lock_path("sqlite:///x.db", tmp_path / "my.lock") == tmp_path / "my.lock"
    assert default_lock_path("postgresql+psycopg://u@h/db").name == "newswatch-crawl.lock"


def test_cron_line_uses_absolute_paths_and_a_log_file() -> None:
    line = cron_line(
        schedule="*/30 * * * *",
        workdir=Path("/srv/news watch"),
        executable=Path("/srv/venv/bin/newswatch"),
        arguments=["--sources", "/srv/news watch/sources.toml"],
        log_file=Path("/var/log/newswatch/crawl.log"),
    )
    assert line == (
        "*/30 * * * * cd '/srv/news watch' && /srv/venv/bin/newswatch crawl --sources "
        "'/srv/news watch/sources.toml' --log-file /var/log/newswatch/crawl.log "
        ">/dev/null 2>>/var/log/newswatch/crawl.log"
    )
