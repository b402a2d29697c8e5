"""`newswatch topics list | test | rematch`: show topics, try them on files, re-tag the archive."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from pathlib import Path

import click

from newswatch.article import Article
from newswatch.cli import main
from newswatch.cli.database import open_session
from newswatch.cli.options import db_option
from newswatch.topics import (
    TOPICS_ENV_VAR,
    CompiledTopic,
    TopicConfig,
    TopicConfigError,
    TopicMatchResult,
    TopicSyntaxError,
    compile_topic,
    load_topics,
    match_topic,
    resolve_topics_path,
)
from newswatch.topics.store import RematchReport, rematch

#: Exit status of `topics test` when a file does not match (0: all match; 2: an error).
EXIT_NO_MATCH = 1

topics_option = click.option(
    "--topics",
    "topics_path",
    metavar="FILE",
    default=None,
    help=f"Topics file (default: ${TOPICS_ENV_VAR}, else ./topics.toml).",
)


class TopicsCommandError(click.ClickException):
    """An error for the user: one clear message on stderr, exit status 2."""

    exit_code = 2


def load_topic_configs(topics_path: str | None) -> list[TopicConfig]:
    """Configs from the resolved topics file; errors become :class:`TopicsCommandError`."""
    path = resolve_topics_path(topics_path)
    try:
        return load_topics(path)
    except TopicConfigError as exc:
        hint = "" if path.exists() else " (`newswatch init` writes a starter file)"
        raise TopicsCommandError(f"{exc}{hint}") from None


@main.group("topics")
def topics_group() -> None:
    """Topics: list them, test a query on saved pages, re-tag the archive."""


@topics_group.command("list")
@topics_option
def list_command(topics_path: str | None) -> None:
    """List the topics of the topics file."""
    configs = load_topic_configs(topics_path)
    if not configs:
        click.echo(f"no topics in {resolve_topics_path(topics_path)}")
        return
    for config in configs:
        heading = config.name + (f" — {config.description}" if config.description else "")
        click.echo(click.style(heading, bold=True))
        languages = ", ".join(config.languages) or "all"
        sources = ", ".join(config.sources) or "all"
        click.echo(f"  languages: {languages} · sources: {sources} · min_hits: {config.min_hits}")
        click.echo(f"  query: {' '.join(config.query.split())}")


def _resolve_topic(name_or_query: str, topics_path: str | None) -> CompiledTopic:
    path = resolve_topics_path(topics_path)
    explicit = bool(topics_path or os.environ.get(TOPICS_ENV_VAR))
    configs = load_topic_configs(topics_path) if explicit or path.exists() else []
    for config in configs:
        if config.name == name_or_query:
            return compile_topic(config)
    try:
        return compile_topic(TopicConfig(name="<query>", query=name_or_query))
    except TopicSyntaxError as exc:
        raise TopicsCommandError(str(exc)) from None


def _html_extractor() -> Callable[..., Article] | None:
    try:
        from newswatch.extract import extract_article  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    extractor: Callable[..., Article] = extract_article
    return extractor


def _is_html(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith((".html", ".htm"))


def _read_article(path: Path) -> Article:
    """An article from a saved page (.html, .htm, optionally .gz) or a plain UTF-8 text file."""
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise TopicsCommandError(f"{path}: cannot read: {exc}") from None
    if _is_html(path):
        extract = _html_extractor()
        if extract is None:
            raise TopicsCommandError(
                f"{path}: HTML needs newswatch.extract.extract_article, which this install lacks"
            )
        try:
            return extract(data, path.resolve().as_uri())
        except Exception as exc:  # the extractor's failure on a user's file is a user error
            raise TopicsCommandError(f"{path}: cannot extract the article: {exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TopicsCommandError(f"{path}: not UTF-8 text (use .html for web pages)") from None
    return Article(url=path.resolve().as_uri(), body=text)


def _describe(result: TopicMatchResult, topic: CompiledTopic, article: Article) -> str:
    terms = ", ".join(f"{term}×{count}" for term, count in result.terms.items())
    if result.excluded_by == "language":
        wanted = ", ".join(topic.config.languages)
        return f"excluded: language {article.language!r} is not one of {wanted}"
    if result.excluded_by == "source":
        return f"excluded: source is not one of {', '.join(topic.config.sources)}"
    detail = f"hits {result.hit_count}"
    if topic.config.min_hits > 1:
        detail += f" (min_hits {topic.config.min_hits})"
    return detail + (f": {terms}" if terms else "")


@topics_group.command("test")
@click.argument("name_or_query")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--language", metavar="CODE", help="Treat every file as written in this language.")
@click.option("--source", metavar="NAME", help="Treat every file as coming from this source.")
@topics_option
def test_command(
    name_or_query: str,
    files: tuple[Path, ...],
    language: str | None,
    source: str | None,
    topics_path: str | None,
) -> None:
    """Match NAME_OR_QUERY (a topic name or an ad-hoc query) against FILES.

    FILES are saved pages (.html, .htm, also gzipped) or plain text files. Prints, per file,
    whether it matches and the matched terms. Exit status: 0 when every file matches, 1 when
    one does not, 2 on an error.
    """
    topic = _resolve_topic(name_or_query, topics_path)
    all_matched = True
    for path in files:
        article = _read_article(path)
        if language:
            article.language = language
        result = match_topic(topic, article, source_name=source)
        all_matched = all_matched and result.matched
        label = (
            click.style("MATCH   ", fg="green")
            if result.matched
            else click.style("NO MATCH", fg="red")
        )
        click.echo(f"{label} {path}  {_describe(result, topic, article)}")
    if not all_matched:
        click.get_current_context().exit(EXIT_NO_MATCH)


@topics_group.command("rematch")
@click.option("--topic", "topic_name", metavar="NAME", help="Only this topic (default: all).")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Articles per committed batch.",
)
@click.option("--restart", is_flag=True, help="Re-tag every article, ignoring earlier runs.")
@topics_option
@db_option
def rematch_command(
    topic_name: str | None,
    batch_size: int,
    restart: bool,
    topics_path: str | None,
    db_url: str | None,
) -> None:
    """Tag the archive's articles with the topics (after a crawl or a topic edit).

    A new or edited topic is matched against the latest version of every article; otherwise
    only articles changed since the last complete run are. Progress is committed in batches:
    an interrupted run continues where it stopped.
    """
    configs = load_topic_configs(topics_path)
    if topic_name is not None and topic_name not in {c.name for c in configs}:
        path = resolve_topics_path(topics_path)
        raise TopicsCommandError(f"no topic named {topic_name!r} in {path}")
    if not configs:
        raise TopicsCommandError(f"no topics in {resolve_topics_path(topics_path)}")

    def progress(report: RematchReport, last_article_id: int) -> None:
        click.echo(
            f"batch {report.batches}: {report.versions_checked} articles checked "
            f"(up to article id {last_article_id})",
            err=True,
        )

    with open_session(db_url) as session:
        try:
            report = rematch(
                session,
                configs,
                topic=topic_name,
                batch_size=batch_size,
                restart=restart,
                on_batch=progress,
            )
        except KeyboardInterrupt:
            click.echo(
                "interrupted: the batches done so far are saved; "
                "run the same command again to continue",
                err=True,
            )
            raise SystemExit(130) from None
    passes = ", ".join(f"{name} ({kind})" for name, kind in report.passes.items())
    click.echo(
        f"{passes}: {report.versions_checked} articles checked, "
        f"{report.matched} topic matches among them"
    )
