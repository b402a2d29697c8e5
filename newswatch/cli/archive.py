"""`newswatch search | show | diff`: reading the archive from the command line."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy import select

from newswatch.cli import main
from newswatch.cli.database import StoreCommandError, open_session
from newswatch.cli.options import db_option
from newswatch.store import models
from newswatch.store.lookup import VersionTopic, article_versions, find_article, version_topics
from newswatch.store.search import search as search_archive
from newswatch.store.textdiff import PARAGRAPH_BREAK, WordChange, word_diff

#: Unchanged words shown around a change in `newswatch diff` before "…" elides the rest.
DIFF_CONTEXT_WORDS = 8


class AwareDateTime(click.ParamType):
    """An ISO date or date-time; without a zone it is taken as UTC."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date like 2025-01-31 or 2025-01-31T14:00+01:00")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


@main.command()
@click.argument("query", nargs=-1)
@click.option("--source", metavar="NAME", help="Only articles of this source.")
@click.option(
    "--topic",
    metavar="NAME",
    help="Only articles with a version that matched this topic (QUERY may then be left out).",
)
@click.option(
    "--since",
    type=AwareDateTime(),
    help="Only articles published (or first seen) at or after DATE (UTC unless given).",
)
@click.option("--lang", metavar="CODE", help="Only articles in this language (e.g. de, en).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@db_option
def search(
    query: tuple[str, ...],
    source: str | None,
    topic: str | None,
    since: datetime | None,
    lang: str | None,
    limit: int,
    db_url: str | None,
) -> None:
    """Full-text search: articles whose latest version contains every word of QUERY.

    Newest first. Case is ignored; punctuation and search syntax are treated as spaces.
    """
    if not query and topic is None:
        raise click.UsageError("give a QUERY, a --topic, or both")
    with open_session(db_url) as session:
        if topic is not None and not session.scalar(
            select(models.Topic.id).where(models.Topic.name == topic)
        ):
            raise StoreCommandError(
                f"no topic named {topic!r} in the archive (topics are recorded by "
                "`newswatch crawl` or `newswatch topics rematch`)"
            )
        hits = search_archive(
            session,
            " ".join(query),
            source=source,
            since=since,
            lang=lang,
            topic=topic,
            limit=limit,
        )
    if not hits:
        click.echo("no matching articles", err=True)
        return
    for hit in hits:
        published = hit.published_at or hit.first_seen_at
        click.echo(
            f"#{hit.article_id}  {published.astimezone(UTC):%Y-%m-%d %H:%M}  "
            f"{hit.source_name or '-'}  v{hit.version_no}  {hit.title}"
        )
        click.echo(f"    {hit.url}")


@main.command()
@click.argument("article_ref", metavar="URL|ID")
@db_option
def show(article_ref: str, db_url: str | None) -> None:
    """Show an article's metadata and the list of its versions."""
    with open_session(db_url) as session:
        article = find_article(session, article_ref)
        versions = article_versions(session, article.id)
        source = article.source.name if article.source else "-"
        topics = version_topics(session, article.id)
    latest = versions[-1] if versions else None
    rows = [
        ("url", article.canonical_url),
        ("source", source),
        ("status", article.status),
        ("first seen", _when(article.first_seen_at)),
        ("last checked", f"{_when(article.last_checked_at)} ({article.check_count} checks)"),
        ("last changed", _when(article.last_changed_at)),
        ("next check", _when(article.next_check_at)),
    ]
    if latest is not None:
        rows += [
            ("title", latest.title),
            ("authors", ", ".join(latest.authors) or "-"),
            ("published", _when(latest.published_at)),
            ("modified", _when(latest.modified_at)),
            ("language", latest.language or "-"),
            ("section", latest.section or "-"),
            ("tags", ", ".join(latest.tags) or "-"),
            ("paywalled", "yes" if latest.is_paywalled else "no"),
        ]
    click.echo(f"article {article.id}")
    for label, value in rows:
        click.echo(f"  {label:<13} {value}")
    click.echo(f"\n{len(versions)} version(s):")
    for version in versions:
        click.echo(
            f"  v{version.version_no:<3} {_when(version.fetched_at)}  "
            f"{version.word_count:>6} words  {_describe_change(version)}"
        )
        for match in topics.get(version.id, []):
            click.echo(f"        topic {match.topic}: {_describe_terms(match)}")


def _describe_terms(match: VersionTopic) -> str:
    """Terms in query order (PostgreSQL's JSONB does not keep the order of ``term_hits``)."""
    if not match.term_hits:
        return ", ".join(match.terms) or "-"
    return ", ".join(f"{term}×{match.term_hits.get(term, 0)}" for term in match.terms)


def _describe_change(version: models.ArticleVersion) -> str:
    summary = version.change_summary
    if version.version_no == 1 or not summary:
        return "first version"
    fields = ", ".join(summary.get("fields", [])) or "content"
    added, removed = summary.get("words_added", 0), summary.get("words_removed", 0)
    return f"changed {fields} (+{added} / -{removed} words)"


@main.command()
@click.argument("article_ref", metavar="URL|ID")
@click.option("--from", "from_no", type=int, metavar="N", help="Older version (default: M-1).")
@click.option("--to", "to_no", type=int, metavar="M", help="Newer version (default: the latest).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the changes (default: only on a terminal). Without colour, removed words "
    "are shown as [-word-] and added words as {+word+}.",
)
@db_option
def diff(
    article_ref: str, from_no: int | None, to_no: int | None, color: bool | None, db_url: str | None
) -> None:
    """Word-level differences between two versions of an article (default: the last two)."""
    with open_session(db_url) as session:
        article = find_article(session, article_ref)
        versions = {v.version_no: v for v in article_versions(session, article.id)}
    if len(versions) < 2 and from_no is None:
        raise StoreCommandError(f"article {article.id} has only one version: nothing to compare")
    newest = max(versions)
    to_no = newest if to_no is None else to_no
    from_no = to_no - 1 if from_no is None else from_no
    for number in (from_no, to_no):
        if number not in versions:
            raise StoreCommandError(
                f"article {article.id} has no version {number} (versions 1-{newest})"
            )
    old, new = versions[from_no], versions[to_no]
    use_color = sys.stdout.isatty() if color is None else color
    click.echo(f"--- v{old.version_no}  {_when(old.fetched_at)}")
    click.echo(f"+++ v{new.version_no}  {_when(new.fetched_at)}")
    for field in ("title", "teaser", "body"):
        before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        click.echo(f"\n[{field}]")
        click.echo(_render(word_diff(before, after), use_color), color=use_color)
    for field in METADATA_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            click.echo(f"\n[{field}]\n{_plain(before)} -> {_plain(after)}")


#: Fields that `newswatch diff` shows as "old -> new" when they differ.
METADATA_FIELDS = (
    "authors",
    "published_at",
    "modified_at",
    "language",
    "section",
    "tags",
    "image_url",
    "publisher",
    "is_paywalled",
)


def _plain(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return _when(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _render(changes: Iterable[WordChange], use_color: bool) -> str:
    """Changes as text: paragraphs kept, removed/added runs coloured or marked."""
    out: list[str] = []
    for change in _with_context(list(changes)):
        segments = _split_paragraphs(change.words)
        rendered = [
            _mark(" ".join(words), change.op, use_color) if words else "" for words in segments
        ]
        out.append("\n\n".join(rendered))
    return " ".join(part for part in out if part).replace(" \n\n", "\n\n").replace("\n\n ", "\n\n")


def _split_paragraphs(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    segments: list[tuple[str, ...]] = [()]
    for word in words:
        if word == PARAGRAPH_BREAK:
            segments.append(())
        else:
            segments[-1] = (*segments[-1], word)
    return segments


def _mark(text: str, op: str, use_color: bool) -> str:
    if op == "delete":
        return click.style(text, fg="red") if use_color else f"[-{text}-]"
    if op == "insert":
        return click.style(text, fg="green") if use_color else f"{{+{text}+}}"
    return text


def _with_context(changes: list[WordChange]) -> list[WordChange]:
    """Shorten long unchanged runs to a few words around each change."""
    result: list[WordChange] = []
    n = DIFF_CONTEXT_WORDS
    for i, change in enumerate(changes):
        words = change.words
        if change.op != "equal" or len(words) <= 2 * n + 1:
            result.append(change)
            continue
        head = words[:n] if i > 0 else ()
        tail = words[-n:] if i < len(changes) - 1 else ()
        result.append(WordChange("equal", (*head, "…", *tail)))
    return result
