"""``newswatch demo``: crawl a bundled news site twice, offline, and show what was kept."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import click

from newswatch.cli import main

DEFAULT_DEMO_DB = "newswatch-demo.db"


@main.command()
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help=f"Database URL (default: a fresh sqlite:///{DEFAULT_DEMO_DB} in this directory).",
)
def demo(db_url: str | None) -> None:
    """Serve a small news site on 127.0.0.1, crawl it twice, print what was stored.

    Between the two crawls one English article is edited and the comment counter of a German
    article ticks up: the first becomes version 2, the second does not.
    """
    from newswatch.demo.bundle import demo_pages, demo_sources_toml
    from newswatch.demo.server import SiteServer

    if db_url is None:
        path = Path(DEFAULT_DEMO_DB).resolve()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        db_url = f"sqlite:///{path}"
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp, SiteServer() as site:
        site.pages.update(demo_pages(site.base_url, now=now, comment_count=12, edited=False))
        sources = Path(tmp) / "sources.toml"
        sources.write_text(demo_sources_toml(site.base_url), encoding="utf-8")
        click.echo(f"demo site: {site.base_url}  ->  archive: {db_url}\n")

        click.echo("1st crawl (discovers the site):")
        _crawl(sources, db_url, [])
        site.pages.update(demo_pages(site.base_url, now=now, comment_count=13, edited=True))
        click.echo("\nthe site changes: one article is edited, a comment counter goes 12 -> 13")
        click.echo("2nd crawl (re-checks every article now instead of waiting for the ladder):")
        _crawl(sources, db_url, ["--recheck-now"])
    click.echo()
    _report(db_url)


def _crawl(sources: Path, db_url: str, extra: list[str]) -> None:
    command = [
        sys.executable,
        "-m",
        "newswatch.cli",
        "crawl",
        "--sources",
        str(sources),
        "--db",
        db_url,
        *extra,
    ]
    env = {
        **os.environ,
        "PYTHONPATH": _import_root() + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "NEWSWATCH_REDIS_URL": "",  # the demo is one host, whatever the shell says
    }
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    click.echo("  " + (done.stdout.strip() or "(no summary)"))
    if done.returncode != 0:
        click.echo(done.stderr[-2000:], err=True)
        raise SystemExit(done.returncode)


def _import_root() -> str:
    """The directory this newswatch package is imported from (so the child imports the same)."""
    return str(Path(__file__).resolve().parents[2])


def _report(db_url: str) -> None:
    from sqlalchemy import select

    from newswatch import store
    from newswatch.store import models

    engine = store.make_engine(db_url)
    with store.session_factory(engine)() as session:
        articles = list(session.scalars(select(models.Article).order_by(models.Article.id)))
        click.echo(f"stored {len(articles)} articles:")
        for article in articles:
            latest = article.versions[-1]
            click.echo(
                f"  v{article.version_count}  {latest.language or '--'}  "
                f"{latest.title[:60]:60}  {latest.word_count:>4} words  "
                f"next check {article.next_check_at:%H:%M} UTC"
                if article.next_check_at
                else f"  v{article.version_count}  {latest.language or '--'}  {latest.title[:60]}"
            )
        edited = [a for a in articles if a.version_count > 1]
        for article in edited[:1]:
            old, new = article.versions[0], article.versions[-1]
            click.echo(f"\ndiff of {article.canonical_url} (version 1 -> {new.version_no}):")
            click.echo(f"  changed fields: {', '.join(new.change_summary.get('fields', []))}")
            diff = difflib.unified_diff(
                _lines(old.title, old.body),
                _lines(new.title, new.body),
                "version 1",
                f"version {new.version_no}",
                lineterm="",
                n=0,
            )
            for line in diff:
                click.echo("  " + line)
        runs = store.recent_runs(session, 2)
        click.echo(f"\ncrawl runs: {', '.join(f'#{r.id} {r.status}' for r in reversed(runs))}")
    engine.dispose()
    click.echo(
        textwrap.dedent(
            f"""
            Explore it:  newswatch runs --db {db_url}
                         sqlite3 {db_url.removeprefix("sqlite:///")} 'select * from latest_versions'
            """
        ).rstrip()
    )


def _lines(title: str, body: str) -> list[str]:
    wrapped = [title, ""]
    for paragraph in body.split("\n"):
        wrapped.extend(textwrap.wrap(paragraph, 90) or [""])
    return wrapped
