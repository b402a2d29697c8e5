"""``newswatch crawl | runs | cron | init``: running crawls and setting them up."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from newswatch.cli import main
from newswatch.cli.options import db_option
from newswatch.config import (
    REDIS_ENV,
    ConfigError,
    CrawlConfig,
    NewswatchConfig,
    SourceConfig,
    load_config,
    resolve_sources_path,
    with_environment,
)
from newswatch.scheduling import (
    LockHeldError,
    LockInfo,
    RunLock,
    cron_line,
    default_lock_path,
)
from newswatch.topics import (
    TOPICS_ENV_VAR,
    CompiledTopic,
    TopicConfigError,
    TopicSyntaxError,
    compile_topics,
    load_topics,
    resolve_topics_path,
)

if TYPE_CHECKING:
    from newswatch.archive import CrawlArchive
    from newswatch.frontier import Frontier, SeedResult

logger = logging.getLogger("newswatch.crawl")

#: Exit codes of ``newswatch crawl`` (documented in README.md, "Running from cron").
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # bad configuration or command line
EXIT_LOCKED = 3  # another crawl holds the run lock
EXIT_DATABASE = 4  # database unreachable, bad URL, or migrated by a newer newswatch
EXIT_INTERRUPTED = 130  # stopped by SIGINT/SIGTERM (the run row says "interrupted")

sources_option = click.option(
    "--sources",
    "sources_path",
    metavar="PATH",
    default=None,
    help="sources.toml to use (default: $NEWSWATCH_SOURCES, else ./sources.toml).",
)


def _fail(message: str, code: int) -> None:
    click.echo(f"newswatch: {message}", err=True)
    sys.exit(code)


def _load(sources_path: str | None) -> NewswatchConfig:
    try:
        return load_config(resolve_sources_path(sources_path))
    except ConfigError as exc:
        _fail(str(exc), EXIT_USAGE)
        raise  # unreachable


@main.command()
@click.option(
    "--source",
    "source_names",
    metavar="NAME",
    multiple=True,
    help="Crawl only this source (repeatable; default: all sources).",
)
@db_option
@sources_option
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the crawl log to this file (default: stderr).",
)
@click.option(
    "--recheck-now",
    is_flag=True,
    help="Re-check every tracked article still on its re-check ladder now, "
    "not only those that are due.",
)
@click.option(
    "--topics",
    "topics_path",
    metavar="PATH",
    default=None,
    help="topics.toml to tag articles with (default: $NEWSWATCH_TOPICS, else ./topics.toml "
    "if it exists; without one, no tagging).",
)
@click.option(
    "--only-topics",
    is_flag=True,
    help="Store only new articles that match at least one topic; remember the others as seen "
    "so they are not fetched again.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only validate the configuration and the database, then exit.",
)
@click.option(
    "--seed",
    "seed_only",
    is_flag=True,
    help="Shared frontier (Redis) only: push discovery and due re-checks into it if it is "
    "drained, then exit without crawling.",
)
@click.option(
    "--follow",
    is_flag=True,
    help="Shared frontier (Redis) only: keep polling it for work instead of exiting once "
    "it is drained (stop with SIGTERM).",
)
def crawl(
    source_names: tuple[str, ...],
    db_url: str | None,
    sources_path: str | None,
    log_file: Path | None,
    recheck_now: bool,
    topics_path: str | None,
    only_topics: bool,
    check_only: bool,
    seed_only: bool,
    follow: bool,
) -> None:
    """Discover new articles and re-check due ones (run it from cron).

    With a Redis URL ([crawl] redis_url or $NEWSWATCH_REDIS_URL) this is one worker of
    several sharing one frontier; see docs/deployment.md."""
    from newswatch import store
    from newswatch.runner import CrawlResult, format_summary, run_crawl
    from newswatch.store_archive import StoreArchive, crawl_engine
    from newswatch.topics.store import sync_topics

    config = _load(sources_path)
    try:
        sources = config.select(list(source_names))
        crawl_config = with_environment(config.crawl)
    except ConfigError as exc:
        _fail(str(exc), EXIT_USAGE)
    shared = crawl_config.redis_url is not None
    if (seed_only or follow) and not shared:
        _fail(
            f"--{'seed' if seed_only else 'follow'} needs a shared frontier: set [crawl] "
            f"redis_url or ${REDIS_ENV}",
            EXIT_USAGE,
        )
    if seed_only and follow:
        _fail("--seed and --follow exclude each other", EXIT_USAGE)
    topics = _load_topics(topics_path)
    if only_topics and not topics:
        _fail("--only-topics needs topics: give --topics PATH or write ./topics.toml", EXIT_USAGE)
    try:
        url = store.resolve_database_url(db_url)
        engine = crawl_engine(url, crawl_config)
    except store.StoreError as exc:
        _fail(str(exc), EXIT_DATABASE)
    safe = store.safe_url(url)
    frontier = _connect_frontier(crawl_config) if shared else None

    # one host: one crawl per archive (flock); shared frontier: workers run side by side
    lock = RunLock(default_lock_path(url, crawl_config.lock_file))
    if not shared:
        try:
            lock.acquire()
        except LockHeldError as exc:
            _fail(f"{exc}; not starting", EXIT_LOCKED)
    if lock.stale is not None:
        click.echo(
            f"newswatch: note: the previous crawl ({lock.stale.describe()}) did not end cleanly; "
            "its lock was released by the system",
            err=True,
        )
    try:
        try:
            with store.connect(engine):
                pass
            store.ensure_schema(engine)
        except store.StoreError as exc:
            _fail(str(exc), EXIT_DATABASE)
        # also covers shared-frontier workers of this host that were killed
        _close_abandoned_runs(engine, lock.stale)
        if check_only:
            frontier_note = f"; frontier {crawl_config.redis_prefix!r} OK" if shared else ""
            click.echo(
                f"{config.path}: {len(sources)} source(s) OK; {len(topics)} topic(s) OK; "
                f"database {safe} OK{frontier_note}"
            )
            return
        sessions = store.session_factory(engine)
        try:
            with sessions() as session:
                topic_ids = sync_topics(session, [t.config for t in topics])
                session.commit()
        except SQLAlchemyError as exc:
            _fail(f"cannot record the topics in {safe}: {_first_line(exc)}", EXIT_DATABASE)
        archive = StoreArchive(
            engine, crawl_config=crawl_config, sources=sources, topic_ids=topic_ids
        )
        if seed_only:
            assert frontier is not None
            seeded = _seed(frontier, crawl_config, sources, archive, recheck_now)
            if seeded is None:
                _fail(
                    f"frontier {crawl_config.redis_prefix!r} is still busy "
                    f"({frontier.queued()} queued, {len(frontier.busy_workers())} worker(s) "
                    "busy); not seeding",
                    EXIT_LOCKED,
                )
        try:
            with sessions() as session:
                run_id = store.start_run(
                    session,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    sources=[s.name for s in sources],
                    role="seed" if seed_only else "worker" if shared else "single",
                )
        except SQLAlchemyError as exc:
            _fail(f"cannot record the run in {safe}: {_first_line(exc)}", EXIT_DATABASE)
        if seed_only:
            result = CrawlResult("finished", _seed_counters(seeded))
        else:
            try:
                result = run_crawl(
                    crawl=crawl_config,
                    sources=sources,
                    archive=archive,
                    log_file=log_file,
                    progress=sys.stderr.isatty(),
                    recheck_all=recheck_now,
                    follow=follow,
                    topics=topics,
                    only_topics=only_topics,
                )
            except Exception as exc:  # the crawl could not run at all; record it, no traceback
                logger.exception("The crawl could not run")
                result = CrawlResult("failed", {}, error=f"{type(exc).__name__}: {exc}")
        try:
            with sessions() as session:
                store.finish_run(
                    session,
                    run_id,
                    status=result.status,
                    counters=result.counters,
                    error=result.error,
                )
        except SQLAlchemyError as exc:
            click.echo(
                f"newswatch: cannot record the end of run {run_id}: {_first_line(exc)}", err=True
            )
            result.status = "failed"
        summary = f"crawl run {run_id} {result.status}: {format_summary(result.counters)}"
        logger.info(summary)
        click.echo(summary)
        if result.error and result.status != "finished":
            click.echo(f"newswatch: {result.error}", err=True)
    finally:
        lock.release()
        engine.dispose()
    if result.status == "interrupted":
        sys.exit(EXIT_INTERRUPTED)
    if result.status != "finished":
        sys.exit(EXIT_FAILED)


def _connect_frontier(crawl_config: CrawlConfig) -> Frontier:
    """The shared frontier, reachable (else one line and exit 4)."""
    try:
        from redis import RedisError

        from newswatch.frontier import Frontier
    except ImportError:
        _fail(
            "a Redis URL is set but Redis support is not installed: "
            "pip install 'newswatch[redis]'",
            EXIT_USAGE,
        )
    assert crawl_config.redis_url is not None
    frontier = Frontier.from_url(
        crawl_config.redis_url, crawl_config.redis_prefix, wait=crawl_config.frontier_wait
    )
    try:
        frontier.ping()
    except RedisError as exc:
        where = crawl_config.redis_url.split("@")[-1]  # never print a password
        _fail(f"cannot reach Redis at {where}: {exc}", EXIT_DATABASE)
    return frontier


def _seed(
    frontier: Frontier,
    crawl_config: CrawlConfig,
    sources: tuple[SourceConfig, ...],
    archive: CrawlArchive,
    recheck_now: bool,
) -> SeedResult | None:
    """``crawl --seed``: push one round of start requests if the frontier is drained."""
    from datetime import UTC, datetime

    from newswatch.frontier import new_worker_id, seed_if_drained
    from newswatch.spiders.news import NewsSpider

    spider = NewsSpider(
        sources=sources, crawl_config=crawl_config, archive=archive, recheck_all=recheck_now
    )
    return seed_if_drained(frontier, spider, new_worker_id(), datetime.now(UTC))


def _seed_counters(seeded: SeedResult | None) -> dict[str, Any]:
    assert seeded is not None
    return {
        "rechecks": seeded.rechecks,
        "requests": 0,
        "frontier": {"round": seeded.round, "seeded": seeded.rechecks + seeded.discovery},
        "skipped": {},
        "errors": {},
    }


def _load_topics(option: str | None) -> list[CompiledTopic]:
    """Topics to tag with, validated before anything runs. No topics file at the default place
    means no tagging; a file named by --topics or $NEWSWATCH_TOPICS must exist."""
    path = resolve_topics_path(option)
    explicit = bool(option or os.environ.get(TOPICS_ENV_VAR))
    if not explicit and not path.exists():
        return []
    try:
        return compile_topics(load_topics(path))
    except (TopicConfigError, TopicSyntaxError) as exc:
        _fail(str(exc), EXIT_USAGE)
        raise  # unreachable


def _first_line(exc: SQLAlchemyError) -> str:
    """The driver's message, without SQL or parameters."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _close_abandoned_runs(engine: Engine, holder: LockInfo | None) -> None:
    """Mark as failed the run rows of crawls that died without recording their end: the
    previous lock holder's (``holder``), and any other row of this host still "running" whose
    process is gone (a crawl killed before it could close an even older one)."""
    from sqlalchemy import select

    from newswatch import store
    from newswatch.store.models import CrawlRun

    host = socket.gethostname()
    with store.session_factory(engine)() as session:
        running = session.scalars(select(CrawlRun).where(CrawlRun.status == "running")).all()
        for run in running:
            held_the_lock = holder is not None and (run.pid, run.host) == (holder.pid, holder.host)
            gone = run.host == host and run.pid != os.getpid() and not _process_is_alive(run.pid)
            if held_the_lock or gone:
                store.finish_run(
                    session,
                    run.id,
                    status="failed",
                    counters=run.counters or {},
                    error="the crawl process ended without finishing its run (killed?)",
                )


def _process_is_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@main.command()
@db_option
@click.option("--limit", default=20, show_default=True, help="How many runs to list.")
def runs(db_url: str | None, limit: int) -> None:
    """List recent crawl runs, newest first."""
    from newswatch import store

    try:
        url = store.resolve_database_url(db_url)
        engine = store.make_engine(url)
        with store.connect(engine):
            pass
        with store.session_factory(engine)() as session:
            rows = store.recent_runs(session, limit)
    except store.StoreError as exc:
        _fail(str(exc), EXIT_DATABASE)
    except SQLAlchemyError:
        _fail(
            f"{store.safe_url(url)} is not a newswatch archive (yet): run `newswatch crawl`",
            EXIT_DATABASE,
        )
    if not rows:
        click.echo("no crawl runs yet")
        return
    click.echo(
        f"{'id':>5}  {'started (UTC)':19}  {'status':11}  {'took':>7}  "
        f"{'pages':>5} {'new':>5} {'chg':>5} {'same':>5} {'304':>5} {'gone':>5} {'err':>5}  "
        f"{'role':6}  host:pid"
    )
    for run in rows:
        c = run.counters or {}
        took = (
            f"{(run.finished_at - run.started_at).total_seconds():.0f}s" if run.finished_at else "-"
        )
        errors = sum((c.get("errors") or {}).values())
        click.echo(
            f"{run.id:>5}  {run.started_at:%Y-%m-%d %H:%M:%S}  {run.status:11}  {took:>7}  "
            f"{c.get('pages', 0):>5} {c.get('new', 0):>5} {c.get('changed', 0):>5} "
            f"{c.get('unchanged', 0):>5} {c.get('not_modified', 0):>5} {c.get('gone', 0):>5} "
            f"{errors:>5}  {run.role:6}  {run.host}:{run.pid}"
        )


@main.command()
@click.option(
    "--schedule", default="*/30 * * * *", show_default=True, help="Cron schedule (five fields)."
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Log file (default: ./newswatch-crawl.log, made absolute).",
)
@db_option
@sources_option
def cron(
    schedule: str, log_file: Path | None, db_url: str | None, sources_path: str | None
) -> None:
    """Print a crontab line for `newswatch crawl` in this directory (add it with `crontab -e`)."""
    if len(schedule.split()) != 5:
        _fail(f"--schedule needs five cron fields, got {schedule!r}", EXIT_USAGE)
    arguments: list[str] = []
    if sources_path:
        arguments += ["--sources", str(Path(sources_path).resolve())]
    if db_url:
        arguments += ["--db", db_url]
    click.echo(
        cron_line(
            schedule=schedule,
            workdir=Path.cwd(),
            executable=_newswatch_executable(),
            arguments=arguments,
            log_file=(log_file or Path("newswatch-crawl.log")).resolve(),
        )
    )


def _newswatch_executable() -> Path:
    beside_python = Path(sys.executable).parent / "newswatch"
    if beside_python.exists():
        return beside_python.absolute()
    found = shutil.which("newswatch")
    return Path(found).absolute() if found else beside_python.absolute()


@main.command()
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write the files.",
)
def init(force: bool, directory: Path) -> None:
    """Write a commented starter sources.toml and topics.toml."""
    templates = resources.files("newswatch") / "templates"
    targets = [directory / "sources.toml", directory / "topics.toml"]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        _fail(
            f"{', '.join(map(str, existing))} already exist(s); use --force to overwrite",
            EXIT_USAGE,
        )
    directory.mkdir(parents=True, exist_ok=True)
    for target in targets:
        target.write_text((templates / target.name).read_text(encoding="utf-8"), encoding="utf-8")
        click.echo(f"wrote {target}")
    click.echo("next: edit the contact in sources.toml, then run `newswatch crawl`")
