"""The store side of the pipeline alone: topics + save (with the raw page) + topic matches.

``benchmarks/pipeline.py`` times extraction and storage together; this times only what comes
after ``extract_article`` in it (``NewswatchPipeline.store``: topics, the save with the raw
page, topic matches, commit), on articles extracted once beforehand (kept in a pickle among
the system's temporary files, so extraction does not blur the figures), into a fresh SQLite
file and, with ``--postgres-url``, PostgreSQL.

Dialects take turns page by page (interleaved); each round stores the pages under fresh URLs
(every save is a new article). Prints ms per page and the load average; ``--profile`` writes
cProfile statistics of the timed part.

Usage::

    python benchmarks/store_path.py [--corpus ../shared/corpus] [--rounds R] [--limit N]
                                    [--postgres-url postgresql+psycopg://postgres@127.0.0.1/db]
                                    [--profile FILE.pstats]

The PostgreSQL database must exist; its ``public`` schema is dropped and re-created.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_quality import DEFAULT_CORPUS, FETCHED_AT, load_pages
from pipeline import NewswatchPipeline, load_average

from newswatch.article import Article


def extracted(corpus: Path, limit: int | None) -> list[tuple[Article, bytes]]:
    """(article, raw page) for every corpus page with article text, cached by the content of
    the corpus and of the extraction code."""
    from newswatch.extract import extract_article

    pages = load_pages(corpus, limit)
    extraction_code = sorted(
        path
        for package in ("extract", "clean")
        for path in (Path(__file__).resolve().parents[1] / "newswatch" / package).rglob("*.py")
    )
    key = hashlib.sha256(
        b"".join(html for _, html, _ in pages) + b"".join(p.read_bytes() for p in extraction_code)
    ).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"nw-store-path-{key}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    articles = []
    for _name, html, item in pages:
        url = str(item.get("url", ""))
        article = extract_article(html, url, fetched_at=FETCHED_AT)
        if article.body.strip():
            articles.append((article, html))
    cache.write_bytes(pickle.dumps(articles))
    return articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    articles = extracted(args.corpus, args.limit)
    workdir = tempfile.TemporaryDirectory(prefix="nw-store-path-")
    pipelines: dict[str, NewswatchPipeline] = {}
    if not args.skip_sqlite:
        pipelines["SQLite file"] = NewswatchPipeline(f"sqlite:///{workdir.name}/bench.sqlite")
    if args.postgres_url:
        pipelines["PostgreSQL"] = NewswatchPipeline(args.postgres_url)
    spent = dict.fromkeys(pipelines, 0.0)
    for pipeline in pipelines.values():  # warm-up: imports, statement caches
        for number, (article, html) in enumerate(articles[:20]):
            url = f"{article.canonical_url or article.url}#warm-up{number}"
            pipeline.store(dataclasses.replace(article, canonical_url=url), html)
    load_before = load_average()
    profiler = cProfile.Profile() if args.profile else None
    for number in range(args.rounds):
        for article, html in articles:
            url = f"{article.canonical_url or article.url}#round{number}"
            article = dataclasses.replace(article, canonical_url=url)
            for name, pipeline in pipelines.items():
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                pipeline.store(article, html)
                spent[name] += time.perf_counter() - started
                if profiler:
                    profiler.disable()
    load_after = load_average()
    count = len(articles) * args.rounds
    print(f"{len(articles)} pages x {args.rounds} round(s), pid {os.getpid()}; "
          f"{load_before} before, {load_after} after\n")
    print("| archive | store ms/page |")
    print("|---|---|")
    for name, seconds in spent.items():
        print(f"| {name} | {1000 * seconds / count:.2f} |")
    if profiler and args.profile:
        profiler.dump_stats(args.profile)
    for pipeline in pipelines.values():
        pipeline.close()
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
