"""Archive at scale: search latency, export throughput and bytes per version.

Builds a synthetic archive of K versions (default 1,000,000; ``--versions``) with realistic
sizes — title ~70 characters, teaser ~200, body ~3,000 (about 450 words drawn from a Zipf-like
vocabulary of 20,000 words), 1–3 versions per article, 20 sources, publication times over a
year — then measures on SQLite (a file) and, with ``--postgres-url``, on PostgreSQL:

- ``search`` latency p50/p95 for realistic queries: a rare term, a common term, a two-word
  query, a common term with ``--source``, a common term with ``--since`` (30 days);
- ``export`` throughput (latest versions, JSON Lines written to /dev/null);
- database bytes per version, against the raw text size of the versions (title + teaser +
  body, UTF-8). No raw HTML is stored by this benchmark (the crawl benchmark's archive holds
  it: zlib-compressed, de-duplicated; see docs/performance.md).

Building is fast: rows go in with executemany (SQLite) / COPY (PostgreSQL) in one transaction
per batch, not through ``save_article``. The full-text index is built once at the end, the way
the migration builds it: on SQLite the FTS5 triggers are dropped during the load, then the
``article_search`` table is filled from the latest versions with one INSERT ... SELECT and the
triggers are re-created; on PostgreSQL the GIN expression index is dropped during the load and
created again afterwards.

Usage::

    python benchmarks/archive.py [--versions 1000000] [--postgres-url URL] [--skip-sqlite]
                                 [--repeat 20] [--sqlite-path FILE] [--reuse]

``--reuse`` measures an archive that an earlier run built (kept with ``--sqlite-path``, or the
PostgreSQL database) again, after a change to the search code, without building it again.

The PostgreSQL database must exist; its ``public`` schema is dropped and re-created.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 1, tzinfo=UTC)
SOURCES = [f"source-{n:02d}" for n in range(20)]
BATCH = 5000


def _migration(file_name: str) -> Any:
    path = REPO / "migrations" / "versions" / file_name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Vocabulary:
    """Synthetic words with a Zipf-like frequency; a few real words at known ranks."""

    def __init__(self, rng: random.Random, size: int = 20000) -> None:
        syllables = ["ka", "mo", "ren", "sta", "li", "ber", "gen", "tor", "ung", "wa", "zi",
                     "pol", "mar", "ket", "sch", "ein", "ter", "na", "ro", "vi"]
        words = set()
        while len(words) < size:
            words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        # known terms: common (rank 5) and rare (rank 15,000, about 1 in 100 articles)
        self.words[5] = "regierung"
        self.words[40] = "rechenzentrum"
        self.words[3000] = "ladeinfrastruktur"  # medium: about 1.5% of articles
        self.words[15000] = "wasserstoffspeicher"
        self.weights = [1 / (rank + 1) for rank in range(size)]
        self.rng = rng

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self._cumulative, k=count))

    @property
    def _cumulative(self) -> list[float]:
        if not hasattr(self, "_cum"):
            total, cum = 0.0, []
            for weight in self.weights:
                total += weight
                cum.append(total)
            self._cum = cum
        return self._cum


def generate(versions: int, seed: int = 1) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(article row, its version rows) until ``versions`` versions are produced."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    produced = 0
    article_id = 0
    while produced < versions:
        article_id += 1
        count = min(rng.choice((1, 1, 2, 3)), versions - produced)
        published = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        title = vocabulary.text(9).capitalize()
        teaser = vocabulary.text(28).capitalize() + "."
        body = vocabulary.text(450)
        rows = []
        for number in range(1, count + 1):
            if number > 1:  # an edit: a new paragraph
                body = body + "\n\n" + vocabulary.text(40)
            rows.append({
                "article_id": article_id, "version_no": number,
                "fetched_at": published + timedelta(hours=number),
                "url": f"https://www.example{article_id % 20}.de/artikel/{article_id}.html",
                "title": title, "teaser": teaser, "body": body, "authors": ["Erika Mustermann"],
                "published_at": published, "modified_at": None, "language": "de",
                "section": "wirtschaft", "tags": [], "image_url": None, "publisher": None,
                "is_paywalled": False, "word_count": len(body.split()),
                "content_hash": f"{article_id:032x}{number:032x}", "change_summary": {},
                "raw_page_sha256": None, "is_latest": number == count,
            })
        article = {
            "id": article_id, "canonical_url": rows[0]["url"],
            "source_id": article_id % len(SOURCES) + 1, "first_seen_at": published,
            "last_checked_at": published, "last_changed_at": published, "next_check_at": None,
            "check_count": count, "version_count": count, "http_etag": None,
            "http_last_modified": None, "status": "active",
        }
        produced += count
        yield article, rows


VERSION_COLUMNS = [
    "article_id", "version_no", "fetched_at", "url", "title", "teaser", "body", "authors",
    "published_at", "modified_at", "language", "section", "tags", "image_url", "publisher",
    "is_paywalled", "word_count", "content_hash", "change_summary", "raw_page_sha256",
    "is_latest",
]
ARTICLE_COLUMNS = [
    "id", "canonical_url", "source_id", "first_seen_at", "last_checked_at", "last_changed_at",
    "next_check_at", "check_count", "version_count", "http_etag", "http_last_modified", "status",
]


def build(engine: Engine, versions: int) -> tuple[int, int, float]:
    """Fill a fresh archive; (articles, raw text bytes, seconds)."""
    migration = _migration("0008_latest_version_flag.py")  # search objects as made by 0008
    postgres = engine.dialect.name == "postgresql"
    started = time.perf_counter()
    # Made again at the end: the search index in one pass, and is_latest comes with the rows.
    during_load = (
        ["DROP INDEX ix_article_versions_fulltext", f"DROP INDEX {migration.PUBLISHED_INDEX}",
         "DROP TRIGGER article_versions_latest_after_insert ON article_versions"]
        if postgres
        else ["DROP TRIGGER article_search_after_insert",
              "DROP TRIGGER article_versions_latest_after_insert"]
    )
    with engine.begin() as connection:
        for statement in during_load:
            connection.exec_driver_sql(statement)
        for number, name in enumerate(SOURCES, 1):
            connection.execute(
                text("INSERT INTO sources (id, name, domains, config, created_at, updated_at) "
                     "VALUES (:id, :name, '[]', '{}', :now, :now)"),
                {"id": number, "name": name, "now": NOW},
            )
    articles: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    text_bytes = 0
    article_count = 0

    def flush() -> None:
        with engine.begin() as connection:
            if postgres:
                _copy(connection, "articles", ARTICLE_COLUMNS, articles)
                _copy(connection, "article_versions", VERSION_COLUMNS, version_rows)
            else:
                _insert(connection, "articles", ARTICLE_COLUMNS, articles)
                _insert(connection, "article_versions", VERSION_COLUMNS, version_rows)
        articles.clear()
        version_rows.clear()

    for article, rows in generate(versions):
        articles.append(article)
        version_rows.extend(rows)
        article_count += 1
        text_bytes += sum(len((r["title"] + r["teaser"] + r["body"]).encode()) for r in rows)
        if len(version_rows) >= BATCH:
            flush()
    if version_rows:
        flush()
    with engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("SELECT setval('articles_id_seq', max(id)) FROM articles")
            connection.exec_driver_sql(migration.POSTGRES_FULLTEXT_INDEX)
            connection.exec_driver_sql(migration.published_index_ddl("postgresql"))
            connection.exec_driver_sql(migration.POSTGRES_PROMOTE[-1])  # the take-over trigger
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql(migration.SQLITE_FULLTEXT[2])  # the insert trigger
            connection.exec_driver_sql(migration.SQLITE_FULLTEXT[-1])  # fill ('rebuild')
            connection.exec_driver_sql(migration.SQLITE_TAKE_OVER)
            connection.exec_driver_sql("ANALYZE")
    return article_count, text_bytes, time.perf_counter() - started


def _insert(connection: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """executemany through the mapped table (its column types convert datetimes and JSON)."""
    from newswatch.store.models import Base

    if rows:
        connection.execute(Base.metadata.tables[table].insert(), rows)


def _copy(connection: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([
                json.dumps(value) if isinstance(value, list | dict) else value
                for value in (row[c] for c in columns)
            ])


QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("rare term", {"query": "wasserstoffspeicher"}),
    ("medium term", {"query": "ladeinfrastruktur"}),
    ("no match", {"query": "zeitungsente"}),
    ("common term", {"query": "regierung"}),
    ("two words", {"query": "regierung rechenzentrum"}),
    ("common term --source", {"query": "regierung", "source": SOURCES[3]}),
    ("common term --since 30d", {"query": "regierung", "since": NOW - timedelta(days=30)}),
]


def measure_search(engine: Engine, repeat: int) -> list[tuple[str, float, float, int]]:
    from newswatch.store import search, session_factory

    sessions = session_factory(engine)
    results = []
    for label, arguments in QUERIES:
        timings = []
        hits = 0
        with sessions() as session:
            search(session, **arguments)  # warm the cache
            for _ in range(repeat):
                started = time.perf_counter()
                hits = len(search(session, **arguments))
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((label, statistics.median(timings), p95, hits))
    return results


def measure_export(engine: Engine) -> tuple[int, float]:
    from newswatch.store import session_factory
    from newswatch.store.export import iter_export_rows, write_jsonl

    started = time.perf_counter()
    with session_factory(engine)() as session, open(os.devnull, "w") as sink:
        rows = write_jsonl(iter_export_rows(session), sink)
    return rows, time.perf_counter() - started


def database_bytes(engine: Engine, sqlite_path: Path | None) -> int:
    if sqlite_path is not None:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sqlite_path.stat().st_size
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(
            "SELECT pg_database_size(current_database())").scalar_one())


def largest_objects(
    engine: Engine, sqlite_path: Path | None, top: int = 8
) -> list[tuple[str, int]]:
    """The biggest tables and indexes (bytes): where the database's size goes."""
    if sqlite_path is not None:
        sql = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT :top"
    else:
        sql = ("SELECT c.relname, pg_relation_size(c.oid) + CASE WHEN c.reltoastrelid = 0 THEN 0 "
               "ELSE pg_total_relation_size(c.reltoastrelid) END FROM pg_class c "
               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
               "AND c.relkind IN ('r', 'i') ORDER BY 2 DESC LIMIT :top")
    with engine.connect() as connection:
        return [(name, int(size)) for name, size in connection.execute(text(sql), {"top": top})]


def built(engine: Engine, versions: int) -> tuple[int, int] | None:
    """(articles, raw text bytes) of an archive this benchmark built before, else None."""
    from newswatch.store import migrate

    if migrate.current(engine) != migrate.head():
        return None
    text_sql = ("SELECT count(*), count(DISTINCT article_id), "
                "sum(length(CAST(title || teaser || body AS BLOB))) FROM article_versions")
    if engine.dialect.name == "postgresql":
        text_sql = ("SELECT count(*), count(DISTINCT article_id), "
                    "sum(octet_length(title || teaser || body)) FROM article_versions")
    with engine.connect() as connection:
        count, articles, text_bytes = connection.exec_driver_sql(text_sql).one()
    return (int(articles), int(text_bytes)) if count == versions else None


def run(engine: Engine, label: str, versions: int, repeat: int,
        sqlite_path: Path | None, reuse: bool = False) -> None:
    from newswatch.store import ensure_schema

    previous = built(engine, versions) if reuse else None
    if previous is None:
        ensure_schema(engine)
        articles, text_bytes, build_seconds = build(engine, versions)
        how = f"built in {build_seconds:.0f} s"
    else:
        (articles, text_bytes), how = previous, "built by an earlier run, --reuse"
    size = database_bytes(engine, sqlite_path)
    one, five, _ = os.getloadavg()
    print(f"\n### {label}: {versions} versions, {articles} articles "
          f"({how}; load {one:.2f}/{five:.2f})\n")
    print(f"- database: {size / 1e6:.0f} MB = {size / versions:.0f} bytes/version; raw text "
          f"{text_bytes / versions:.0f} bytes/version; ratio {size / text_bytes:.2f}× "
          "(no raw HTML stored)")
    print("- largest objects: " + ", ".join(
        f"{name} {size / text_bytes:.2f}×" for name, size in largest_objects(engine, sqlite_path)))
    rows, seconds = measure_export(engine)
    print(f"- export (latest versions, JSON Lines): {rows} rows in {seconds:.1f} s = "
          f"{rows / seconds:.0f} rows/s\n")
    print("| search | p50 ms | p95 ms | hits |")
    print("|---|---|---|---|")
    for name, p50, p95, hits in measure_search(engine, repeat):
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {hits} |")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sqlite-path", type=Path, default=None,
                        help="keep the SQLite archive in this file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure an archive an earlier run built (same --versions) again "
                             "instead of building it")
    args = parser.parse_args(argv)
    from newswatch.store import make_engine

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="nw-archive-bench-") as name:
            path = args.sqlite_path or Path(name) / "archive.sqlite"
            if path.exists() and not args.reuse:
                path.unlink()
            engine = make_engine(f"sqlite:///{path}")
            run(engine, "SQLite", args.versions, args.repeat, path, args.reuse)
            engine.dispose()
    if args.postgres_url:
        engine = make_engine(args.postgres_url)
        if not (args.reuse and built(engine, args.versions)):
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        run(engine, "PostgreSQL", args.versions, args.repeat, None, args.reuse)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
