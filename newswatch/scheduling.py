"""When to look again: the re-check ladder, the run lock, and the crontab line.

Re-checks: an article is fetched again at fixed offsets after it was first seen (by default
1 h, 4 h, 12 h, 1 d, 3 d, 7 d), so that edits after publication become versions, and never again
once it is older than the source's ``max_age_days`` or the ladder is exhausted.

Run lock: one crawl at a time per archive. The lock is an ``fcntl.flock`` on a small file that
also records who holds it (pid, host, start); the kernel drops the lock when the holder dies,
even by SIGKILL, so a stale lock never blocks the next run — it is only reported.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from newswatch.store.engine import sqlite_file


def next_check_at(
    first_seen_at: datetime,
    check_count: int,
    now: datetime,
    ladder: Sequence[timedelta],
    max_age: timedelta,
) -> datetime | None:
    """When to re-check an article next, or None when it is done.

    ``check_count`` is how many times the article has been fetched so far (1 after the first
    fetch). The next check is the first ladder step after ``now`` that has not been used yet;
    steps missed while no crawl ran are skipped rather than piled up. None once the ladder is
    exhausted or the next step would fall after ``first_seen_at + max_age``.
    """
    start = max(check_count - 1, 0)
    for step in ladder[start:]:
        due = first_seen_at + step
        if due <= now:
            continue
        if step > max_age:
            return None
        return due
    return None


# --- run lock -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    """Who holds (or held) a run lock."""

    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started_at}"

    @classmethod
    def parse(cls, text: str) -> LockInfo | None:
        try:
            data: Any = json.loads(text)
            return cls(
                pid=int(data["pid"]), host=str(data["host"]), started_at=str(data["started_at"])
            )
        except (ValueError, KeyError, TypeError):
            return None


class LockHeldError(RuntimeError):
    """Another run holds the lock."""

    def __init__(self, path: Path, holder: LockInfo | None) -> None:
        who = holder.describe() if holder else "an unknown process"
        super().__init__(f"another crawl is running ({who}); lock file {path}")
        self.path = path
        self.holder = holder


class RunLock:
    """An exclusive, non-blocking run lock on ``path`` (use as a context manager).

    After :meth:`acquire`, :attr:`stale` describes a previous holder that died without
    releasing cleanly (its record was still in the file), else None.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stale: LockInfo | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = LockInfo.parse(handle.read())
            handle.close()
            raise LockHeldError(self.path, holder) from None
        handle.seek(0)
        previous = handle.read().strip()
        self.stale = LockInfo.parse(previous) if previous else None
        info = LockInfo(
            pid=os.getpid(),
            host=socket.gethostname(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info.__dict__))
        handle.flush()
        os.fsync(handle.fileno())
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is None:
            return
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def default_lock_path(database_url: str, configured: Path | None = None) -> Path:
    """``configured`` if given; else ``<database file>.lock`` for SQLite; else
    ``./newswatch-crawl.lock`` (one crawl per host and working directory)."""
    if configured is not None:
        return configured
    database = sqlite_file(database_url)
    if database is not None:
        return Path(database).resolve().with_name(Path(database).name + ".lock")
    return Path.cwd() / "newswatch-crawl.lock"


# --- cron -----------------------------------------------------------------------------------


def cron_line(
    *,
    schedule: str,
    workdir: Path,
    executable: Path,
    arguments: Sequence[str],
    log_file: Path,
) -> str:
    """A crontab line that runs ``executable crawl ...`` from ``workdir``.

    The crawl logs (including its summary) to ``log_file``; one-line errors on stderr, such as
    "another crawl is running", are appended to the same file; stdout is dropped so that cron
    sends no mail for a normal run.
    """
    log = shlex.quote(str(log_file))
    command = " ".join(shlex.quote(part) for part in (str(executable), "crawl", *arguments))
    workdir_q = shlex.quote(str(workdir))
    return f"{schedule} cd {workdir_q} && {command} --log-file {log} >/dev/null 2>>{log}"
