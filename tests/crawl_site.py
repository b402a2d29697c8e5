"""A generated news site on 127.0.0.1 and a way to run `newswatch crawl` against it.

Crawls run in subprocesses (a Twisted reactor starts once per process). The site is held by a
SiteServer in the test process, so tests can change pages between and during crawls.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from newswatch.demo.server import Page, SiteServer
from newswatch.store import models

REPO = Path(__file__).resolve().parents[1]

PARAGRAPHS = [
    "Der Konzern kündigte am Dienstag an, in den kommenden Jahren mehrere Milliarden Euro in "
    "neue Rechenzentren für künstliche Intelligenz zu investieren.",
    "Nach Angaben des Unternehmens sollen die ersten Standorte in Hessen und Brandenburg "
    "entstehen, weitere sind im Gespräch.",
    "Branchenkenner halten die Pläne für ehrgeizig, verweisen aber auf die hohe Nachfrage nach "
    "Rechenleistung durch Sprachmodelle.",
]


def article_html(
    title: str,
    paragraphs: list[str] | None = None,
    *,
    canonical: str | None = None,
    comments: int | None = None,
    published: datetime | None = None,
) -> bytes:
    published = published or datetime.now(UTC) - timedelta(hours=2)
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    counter = (
        f'<div class="comments"><a href="#c">Kommentare {comments}</a></div>'
        if comments is not None
        else ""
    )
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{title}</title>{link}
<meta property="article:published_time" content="{published.isoformat()}">
</head><body><nav><a href="/">Start</a></nav>
<main><article><h1>{title}</h1>
{body}
</article>{counter}</main><footer>Impressum</footer></body></html>""".encode()


def rss(base: str, paths: list[str]) -> bytes:
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link><pubDate>{now}</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def sitemap(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


def section(paths: list[str]) -> bytes:
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
    return f"<html><body><h1>Wirtschaft</h1><ul>{links}</ul></body></html>".encode()


def xml_page(data: bytes) -> Page:
    return Page(data, content_type="application/xml")


#: ``[crawl]`` lines for the two ways a crawl processes pages: by itself (a small site's case:
#: page workers start only once the waiting pages are worth it), and in page workers from the
#: first page on (a big site's case, made to happen on a small one).
PAGE_PROCESSING = {
    "in the crawl process": "page_workers = 0",
    "in page workers": "page_workers = 2\npage_workers_after = 0",
}


def write_sources(
    path: Path,
    server: SiteServer,
    *,
    feeds: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    sections: Sequence[str] = (),
    extra: str = "",
    crawl_extra: str = "",
) -> Path:
    def urls(paths: Sequence[str]) -> str:
        return "[" + ", ".join(f'"{server.url(p)}"' for p in paths) + "]"

    path.write_text(
        f"""[crawl]
contact = "mailto:tests@example.org"
download_delay = 0
autothrottle = false
retry_backoff_base = 0.1
concurrent_requests_per_domain = 4
{crawl_extra}

[[source]]
name = "site"
language = "de"
feeds = {urls(list(feeds))}
sitemaps = {urls(list(sitemaps))}
sections = {urls(list(sections))}
allow = ['/artikel/']
allow_private_addresses = true
{extra}
""",
        encoding="utf-8",
    )
    return path


@dataclass
class CrawlProcess:
    returncode: int
    stdout: str
    stderr: str


def newswatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newswatch.cli", *args]


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "NEWSWATCH_DATABASE_URL": "",
        "NEWSWATCH_REDIS_URL": "",  # one host unless a test's sources.toml says otherwise
    }


def run_newswatch(*args: str, cwd: Path, timeout: float = 120) -> CrawlProcess:
    done = subprocess.run(
        newswatch_command(*args),
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CrawlProcess(done.returncode, done.stdout, done.stderr)


def crawl(sources: Path, db_url: str, *extra: str) -> CrawlProcess:
    return run_newswatch(
        "crawl", "--sources", str(sources), "--db", db_url, *extra, cwd=sources.parent
    )


def archive(db_url: str) -> Session:
    return Session(create_engine(db_url), expire_on_commit=False)


def articles_by_url(db_url: str) -> dict[str, models.Article]:
    with archive(db_url) as session:
        rows = session.scalars(select(models.Article)).all()
        for row in rows:
            _ = [v.body for v in row.versions]  # load versions while the session is open
        return {row.canonical_url: row for row in rows}


def last_run(db_url: str) -> models.CrawlRun:
    with archive(db_url) as session:
        run = session.scalars(select(models.CrawlRun).order_by(models.CrawlRun.id.desc())).first()
        assert run is not None
        return run
