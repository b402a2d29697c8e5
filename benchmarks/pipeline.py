"""Pipeline throughput: newswatch extract+clean+topics+store vs the peers, same pages, one run.

newswatch runs what the crawler's item pipeline does per page: ``extract_article`` (metadata,
body, cleaning), ``match_topics`` against the bundled topics.toml, and the crawler's
``StoreArchive.save``: ``save_article`` with the raw HTML and the topic matches of the new
version, one transaction per article, into a fresh SQLite file, and into PostgreSQL when
``--postgres-url`` is given. The peers only extract:
trafilatura ``extract`` (text only), newspaper4k ``Article.parse`` and news-please
``from_html``. Pages come from the shared corpus with the loader of extraction_quality.py.

Tools take turns page by page (interleaved; the order rotates from page to page, and garbage
is collected untimed before each call), so that load from other processes slows them alike;
ratios are the figure to quote. Load average is printed with the result. In one process the
tools still disturb each other's timing (caches), by several percent either way; with
``--passes N`` each tool also runs alone over N whole passes through the pages, the tools
taking turns pass by pass, and the median is reported (the steadier figure). The passes also
run newswatch as the crawl process does (``, store thread``): each save on a thread of its
own while the next page is extracted, the pass ending when the last save has committed. Page
by page that overlap cannot be timed (a save still running would be billed to the next tool),
so there every save is waited for.

Usage::

    python benchmarks/pipeline.py [--corpus ../shared/corpus] [--limit N] [--rounds R]
                                  [--postgres-url postgresql+psycopg://postgres@127.0.0.1/nw_bench]
                                  [--passes N]

The PostgreSQL database must exist; its ``public`` schema is dropped and re-created (use a
database of its own). Every round stores the pages under fresh URLs, so each save is a new article.
"""

from __future__ import annotations

import argparse
import copy
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_quality import (  # benchmarks/ is not a package: imported by path
    DEFAULT_CORPUS,
    FETCHED_AT,
    WARM_UP_PAGE,
    load_pages,
    pass_rates,
    run_news_please,
    run_newspaper4k,
    run_trafilatura_extract,
)

if TYPE_CHECKING:
    from newswatch.article import Article
    from newswatch.pages import FetchedPage
    from newswatch.topics.matching import TopicMatchResult

Tool = Callable[[bytes, str], object]


class NewswatchPipeline:
    """extract -> clean -> topics -> store, one transaction per article, with the crawler's own
    archive (``StoreArchive.save``: the source id looked up once, the re-check scheduled, the
    topic matches of a new version in the save's transaction)."""

    def __init__(self, database_url: str) -> None:
        """Each call returns once its page is saved (see :meth:`with_store_thread`)."""
        from newswatch.config import CrawlConfig, SourceConfig
        from newswatch.store import ensure_schema, session_factory
        from newswatch.store_archive import StoreArchive, crawl_engine
        from newswatch.topics import compile_topics, load_topics
        from newswatch.topics.store import sync_topics

        self.engine = crawl_engine(database_url, CrawlConfig())  # as ``newswatch crawl``
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:  # a fresh archive every run
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        ensure_schema(self.engine)
        self.sessions = session_factory(self.engine)
        configs = load_topics(
            Path(__file__).resolve().parents[1] / "newswatch" / "templates" / "topics.toml"
        )
        self.topics = compile_topics(configs)
        with self.sessions() as session:
            self.topic_ids = sync_topics(session, configs)
            session.commit()
        self.archive = StoreArchive(
            self.engine,
            crawl_config=CrawlConfig(),
            sources=[SourceConfig(name="bench")],
            topic_ids=self.topic_ids,
        )
        self.round = ""
        self.saved = 0
        self.store_thread: ThreadPoolExecutor | None = None
        self.saving: list[Future[object]] = []
        self.tag = ""  # in the URLs it stores: tools sharing an archive store distinct articles
        self.owns_engine = True

    def with_store_thread(self) -> NewswatchPipeline:
        """The same pipeline on the same archive, saving on the crawl's store thread
        (:func:`newswatch.pipelines.new_store_thread`) while the next page is extracted;
        :meth:`finish_pass` waits for the saves still running."""
        from newswatch.pipelines import new_store_thread

        sibling = copy.copy(self)
        sibling.store_thread = new_store_thread()
        sibling.saving = []
        sibling.tag = "-store-thread"
        sibling.owns_engine = False
        return sibling

    def __call__(self, html: bytes, url: str) -> object:
        from newswatch.extract import extract_article

        article = extract_article(html, url, fetched_at=FETCHED_AT)
        if not article.body.strip():
            return None
        # each round stores the pages as new articles (a first crawl, not a re-check)
        article.canonical_url = f"{article.canonical_url or url}#round{self.round}{self.tag}"
        if self.store_thread is not None:
            prepared = self.prepare_save(article, html)
            self.saving.append(self.store_thread.submit(self.save, *prepared))
            return None
        return self.store(article, html)

    def finish_pass(self) -> None:
        """Wait for the saves still running on the store thread (part of the timed pass)."""
        saving, self.saving = self.saving, []
        for future in saving:
            future.result()

    def store(self, article: Article, html: bytes) -> object:
        """Everything after extraction: topics, the save with the raw page, topic matches."""
        return self.save(*self.prepare_save(article, html))

    def prepare_save(
        self, article: Article, html: bytes
    ) -> tuple[Article, FetchedPage, list[TopicMatchResult]]:
        """The topics (matched before the save, in the crawl too) and the fetched page."""
        from newswatch.pages import FetchedPage
        from newswatch.topics import match_topics

        results = match_topics(self.topics, article, source_name="bench")
        page = FetchedPage(url=article.url, source_name="bench", body=html, fetched_at=FETCHED_AT)
        return article, page, results

    def save(
        self, article: Article, page: FetchedPage, results: list[TopicMatchResult]
    ) -> object:
        """The crawler's save: the article, its raw page and topic matches, one transaction."""
        status = self.archive.save(article, page, results)
        self.saved += 1
        return status

    def close(self) -> None:
        if self.store_thread is not None:
            self.store_thread.shutdown(wait=True)
        if self.owns_engine:
            self.engine.dispose()


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min) on {os.cpu_count()} CPUs"


def run(tools: dict[str, Tool], pages: list[tuple[str, bytes, dict[str, object]]],
        rounds: int, label: str = "", errors: dict[str, int] | None = None) -> dict[str, float]:
    """Seconds per tool over ``rounds`` passes, tools interleaved page by page (the order
    rotating, garbage collected untimed before each call); failures are counted into
    ``errors`` (a failing page still costs its time)."""
    seconds = dict.fromkeys(tools, 0.0)
    errors = errors if errors is not None else {}
    order = list(tools.items())
    for number in range(rounds):
        new_round(tools, f"{label}{number}")
        for index, (_name, html, item) in enumerate(pages):
            url = str(item.get("url", ""))
            shift = index % len(order)
            for name, tool in order[shift:] + order[:shift]:
                gc.collect()  # untimed: the garbage another tool left is not this tool's cost
                started = time.perf_counter()
                try:
                    tool(html, url)
                except Exception:
                    errors[name] = errors.get(name, 0) + 1
                seconds[name] += time.perf_counter() - started
    return seconds


def new_round(tools: Mapping[str, Tool], label: str) -> None:
    """Every round stores its pages under fresh URLs, so that each save is a new article."""
    for tool in tools.values():
        if isinstance(tool, NewswatchPipeline):
            tool.round = label


def passes_table(tools: dict[str, Tool], pages: list[tuple[str, bytes, dict[str, object]]],
                 passes: int) -> str:
    """Median pages/s of each tool alone over ``passes`` whole passes, with the ratios."""
    rates = pass_rates(tools, pages, passes,
                       before_pass=lambda number: new_round(tools, f"pass{number}"))
    medians = {name: statistics.median(values) for name, values in rates.items()}
    trafilatura = medians.get("trafilatura extract")
    news_please = medians.get("news-please from_html")
    lines = ["| tool | pages/s (median) | each pass | × trafilatura extract | × news-please |",
             "|---|---|---|---|---|"]
    for name, median in medians.items():
        vs_t = f"{median / trafilatura:.2f}" if trafilatura else "–"
        vs_n = f"{median / news_please:.2f}" if news_please else "–"
        each = ", ".join(f"{rate:.1f}" for rate in rates[name])
        lines.append(f"| {name} | {median:.1f} | {each} | {vs_t} | {vs_n} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--no-peers", action="store_true", help="newswatch only (profiling)")
    parser.add_argument("--passes", type=int, default=0, metavar="N",
                        help="also time each tool alone over N whole passes (median)")
    args = parser.parse_args(argv)
    if not (args.corpus / "expected.json").exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    pages = load_pages(args.corpus, args.limit)
    workdir = tempfile.TemporaryDirectory(prefix="nw-bench-")
    tools: dict[str, Tool] = {
        "newswatch pipeline (SQLite file)": NewswatchPipeline(
            f"sqlite:///{workdir.name}/bench.sqlite"
        ),
    }
    if args.postgres_url:
        tools["newswatch pipeline (PostgreSQL)"] = NewswatchPipeline(args.postgres_url)
    if not args.no_peers:
        peers: dict[str, Tool] = {
            "trafilatura extract": run_trafilatura_extract,
            "newspaper4k": run_newspaper4k,
            "news-please from_html": run_news_please,
        }
        for name, peer in peers.items():
            try:
                peer(WARM_UP_PAGE, "https://example.org/news/warm-up")
            except ImportError as error:
                print(f"skipping {name}: {error}", file=sys.stderr)
                continue
            except Exception:
                pass
            tools[name] = peer
    load_before = load_average()
    # warm-up round 0: imports, caches, compiled patterns are not billed to the timed pages
    run(tools, pages[:20], 1, label="warm-up")
    errors: dict[str, int] = {}
    seconds = run(tools, pages, args.rounds, errors=errors)
    load_after = load_average()
    count = len(pages) * args.rounds
    print(f"{len(pages)} corpus pages x {args.rounds} round(s), {datetime.now(UTC):%Y-%m-%d %H:%M} "
          f"UTC; {load_before} before, {load_after} after\n")
    trafilatura = seconds.get("trafilatura extract")
    news_please = seconds.get("news-please from_html")
    print("| tool | pages/s | × trafilatura extract | × news-please | errors |")
    print("|---|---|---|---|---|")
    for name, spent in seconds.items():
        rate = count / spent
        vs_t = f"{trafilatura / spent:.2f}" if trafilatura else "–"
        vs_n = f"{news_please / spent:.2f}" if news_please else "–"
        print(f"| {name} | {rate:.1f} | {vs_t} | {vs_n} | {errors.get(name, 0)} |")
    if args.passes:
        # the crawl process saves on a store thread while it extracts the next page: a whole
        # pass shows what that overlap is worth (page by page above, each save is waited for)
        passes_tools: dict[str, Tool] = {}
        for name, tool in tools.items():
            passes_tools[name] = tool
            if isinstance(tool, NewswatchPipeline):
                passes_tools[f"{name[:-1]}, store thread)"] = tool.with_store_thread()
        print(f"\nEach tool alone, {args.passes} passes over the {len(pages)} pages "
              f"({datetime.now(UTC):%H:%M} UTC):\n")
        print(passes_table(passes_tools, pages, args.passes))
        tools = passes_tools
        print(f"\n{load_average()} after the passes")
    for tool in tools.values():
        if isinstance(tool, NewswatchPipeline):
            tool.close()
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
