"""`newswatch extract FILE_OR_URL_OR_DIR`: what newswatch makes of a page, as JSON lines."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from newswatch import __version__
from newswatch.article import Article
from newswatch.cli import main
from newswatch.extract import extract_article

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
MAX_PAGE_BYTES = 20_000_000
FETCH_TIMEOUT_SECONDS = 30


def article_record(article: Article, source: str) -> dict[str, Any]:
    """An article as a JSON-ready dict: datetimes in ISO 8601, plus file name, the publication
    time as the page stated it (``published_local``) and word count."""
    record: dict[str, Any] = {"file": source}
    for key, value in asdict(article).items():
        record[key] = value.isoformat() if isinstance(value, datetime) else value
    local = article.published_local
    record["published_local"] = local.isoformat() if local is not None else None
    record["word_count"] = article.word_count
    return record


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data[:MAX_PAGE_BYTES]


def fetch_page(url: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"User-Agent": f"newswatch/{__version__}"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
        data = response.read(MAX_PAGE_BYTES + 1)
        headers = {name: value for name, value in response.headers.items()}
    if len(data) > MAX_PAGE_BYTES:
        raise click.ClickException(f"{url}: page larger than {MAX_PAGE_BYTES} bytes")
    return data, headers


def pages_in(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        if path.is_file() and path.name.lower().endswith(PAGE_SUFFIXES):
            yield path


def _emit(record: dict[str, Any], jsonl: bool) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, indent=None if jsonl else 2))


@main.command("extract")
@click.argument("target", metavar="FILE_OR_URL_OR_DIR")
@click.option("--url", "page_url", metavar="URL",
              help="The page's own URL, for a single FILE (resolves relative links and dates).")
@click.option("--jsonl/--pretty", default=True, show_default=True,
              help="One compact JSON object per line, or indented JSON.")
def extract(target: str, page_url: str | None, jsonl: bool) -> None:
    """Extract and clean the article(s) in FILE_OR_URL_OR_DIR and print them as JSON.

    A directory is processed file by file (*.html, *.html.gz, sorted by name) in one
    process. An http(s) URL is fetched once. Unreadable files are reported on stderr and
    skipped; the exit status is then 1.
    """
    fetched_at = datetime.now(UTC)
    if target.startswith(("http://", "https://")):
        try:
            data, headers = fetch_page(target)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise click.ClickException(f"cannot fetch {target}: {error}") from error
        article = extract_article(data, page_url or target, headers=headers,
                                  fetched_at=fetched_at)
        _emit(article_record(article, target), jsonl)
        return
    path = Path(target)
    if path.is_dir():
        if page_url:
            raise click.UsageError("--url applies to a single file, not a directory")
        paths = list(pages_in(path))
    elif path.is_file():
        paths = [path]
    else:
        raise click.ClickException(f"no such file or directory: {target}")
    failures = 0
    for page in paths:
        try:
            data = read_page(page)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            click.echo(f"skipped {page}: {error}", err=True)
            failures += 1
            continue
        url = page_url or page.resolve().as_uri()
        article = extract_article(data, url, fetched_at=fetched_at)
        _emit(article_record(article, page.name), jsonl)
    if failures:
        raise click.ClickException(f"{failures} of {len(paths)} file(s) could not be read")
