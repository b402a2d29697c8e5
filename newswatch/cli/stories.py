"""`newswatch stories cluster | list`: near-duplicate articles across sources."""

from __future__ import annotations

from datetime import UTC

import click
from sqlalchemy import func, select

from newswatch.cli import main
from newswatch.cli.database import open_session
from newswatch.cli.options import db_option
from newswatch.stories.models import Story, StoryMember
from newswatch.stories.store import ClusterReport, cluster_archive


@main.group("stories")
def stories_group() -> None:
    """Stories: the same text (e.g. one agency story) published by several sources."""


@stories_group.command("cluster")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Articles per committed batch.",
)
@db_option
def cluster_command(batch_size: int, db_url: str | None) -> None:
    """Group the archive's articles into stories (resumable: done articles are skipped)."""

    def progress(report: ClusterReport) -> None:
        click.echo(f"batch {report.batches}: {report.articles_checked} articles checked", err=True)

    with open_session(db_url) as session:
        report = cluster_archive(session, batch_size=batch_size, on_batch=progress)
        stories = session.scalar(select(func.count()).select_from(Story)) or 0
        members = session.scalar(select(func.count()).select_from(StoryMember)) or 0
    click.echo(
        f"{report.articles_checked} articles checked ({report.already_done} already done); "
        f"{stories} stories with {members} articles in the archive"
    )


@stories_group.command("list")
@click.option(
    "--min-sources",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only stories published by at least this many sources.",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@db_option
def list_command(min_sources: int, limit: int, db_url: str | None) -> None:
    """The most recently updated stories, with their number of sources and articles."""
    with open_session(db_url) as session:
        stories = session.scalars(
            select(Story)
            .where(Story.source_count >= min_sources)
            .order_by(Story.updated_at.desc(), Story.id.desc())
            .limit(limit)
        ).all()
    if not stories:
        click.echo("no stories (run `newswatch stories cluster` after a crawl)", err=True)
        return
    for story in stories:
        click.echo(
            f"#{story.id}  {story.updated_at.astimezone(UTC):%Y-%m-%d %H:%M}  "
            f"{story.source_count} sources  {story.article_count} articles  {story.title}"
        )
