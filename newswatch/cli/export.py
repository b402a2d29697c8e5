"""`newswatch export`: stream articles as JSON Lines or CSV."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from newswatch.cli import main
from newswatch.cli.archive import AwareDateTime
from newswatch.cli.database import StoreCommandError, open_session
from newswatch.cli.options import db_option
from newswatch.store.export import ExportQuery, iter_export_rows, write_csv, write_jsonl
from newswatch.store.models import Source, Topic

Writer = Callable[[Iterable[dict[str, Any]], TextIO], int]
WRITERS: dict[str, Writer] = {"jsonl": write_jsonl, "csv": write_csv}


def _check_names_exist(session: Session, query: ExportQuery) -> None:
    if (
        query.topic is not None
        and session.scalar(select(Topic.id).where(Topic.name == query.topic)) is None
    ):
        raise StoreCommandError(
            f"no topic named {query.topic!r} in the archive "
            "(topics enter it with a crawl or `newswatch topics rematch`)"
        )
    if (
        query.source is not None
        and session.scalar(select(Source.id).where(Source.name == query.source)) is None
    ):
        raise StoreCommandError(f"no source named {query.source!r} in the archive")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(WRITERS)),
    required=True,
    help="jsonl: one JSON object per line; csv: header row, lists joined by '; '.",
)
@click.option("--topic", metavar="NAME", help="Only articles that matched this topic.")
@click.option("--since", type=AwareDateTime(), help="Published (else fetched) at or after WHEN.")
@click.option("--until", type=AwareDateTime(), help="Published (else fetched) before WHEN.")
@click.option("--source", metavar="NAME", help="Only articles of this source.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE (default: standard output).",
)
@db_option
def export_command(
    fmt: str,
    topic: str | None,
    since: datetime | None,
    until: datetime | None,
    source: str | None,
    all_versions: bool,
    output: Path | None,
    db_url: str | None,
) -> None:
    """Export articles as JSON Lines or CSV, streaming (constant memory)."""
    query = ExportQuery(
        topic=topic, since=since, until=until, source=source, all_versions=all_versions
    )
    write = WRITERS[fmt]
    with open_session(db_url) as session:
        _check_names_exist(session, query)
        if output is None:
            write(iter_export_rows(session, query), sys.stdout)
            return
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="") as stream:
                count = write(iter_export_rows(session, query), stream)
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    click.echo(f"{count} rows written to {output}", err=True)
