"""Scale-out benchmark: articles/s with 1 and 2 crawl workers on one shared frontier.

Generates a news site of N articles (one RSS feed listing all of them), serves it from a
static file server on 127.0.0.1 (standard library, in this process), and for each worker count
crawls it into a fresh PostgreSQL database through Redis, timing from the workers' start to
the last stored article. ``--workers 0`` is the one-host path (no Redis) for comparison.

    python benchmarks/scale_out.py \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/nw_bench \\
        --redis redis://127.0.0.1:6379/15 --articles 300 --workers 0,1,2

Every run uses its own database (created and dropped on the server named by --postgres, whose
user needs CREATEDB) and its own Redis key prefix (deleted afterwards). Politeness is switched
off for the local site (no delay, no AutoThrottle, no robots.txt, 16 requests at a time): the
figure is what the crawl machinery itself can do. On a small machine the workers compete with
each other, the server, PostgreSQL and Redis for the same cores, so expect the 2-worker speed-up
to be bounded by CPU, not by the frontier.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from newswatch.frontier import Frontier
from newswatch.store import models

REPO = Path(__file__).resolve().parents[1]

PARAGRAPHS = [
    "Der Konzern kündigte am Dienstag an, in den kommenden Jahren mehrere Milliarden Euro in "
    "neue Rechenzentren für künstliche Intelligenz zu investieren.",
    "Nach Angaben des Unternehmens sollen die ersten Standorte in Hessen und Brandenburg "
    "entstehen, weitere sind im Gespräch.",
    "Branchenkenner halten die Pläne für ehrgeizig, verweisen aber auf die hohe Nachfrage nach "
    "Rechenleistung durch Sprachmodelle.",
    "Die Landesregierung begrüßte die Ankündigung und stellte schnelle Genehmigungsverfahren "
    "in Aussicht; Umweltverbände mahnten einen sparsamen Umgang mit Wasser und Strom an.",
    "An der Börse legte die Aktie des Unternehmens nach der Mitteilung um gut drei Prozent zu.",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def write_site(directory: Path, base: str, count: int) -> None:
    published = datetime.now(UTC) - timedelta(hours=1)
    (directory / "artikel").mkdir(parents=True)
    items = []
    for n in range(count):
        path = f"/artikel/meldung-{n:04d}.html"
        paragraphs = "\n".join(
            f"<p>{PARAGRAPHS[(n + i) % len(PARAGRAPHS)]} (Meldung {n}, Absatz {i})</p>"
            for i in range(8)
        )
        (directory / path.lstrip("/")).write_text(
            f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Meldung {n}: Investitionen in Rechenzentren</title>
<meta property="article:published_time" content="{published.isoformat()}">
</head><body><nav><a href="/">Start</a> <a href="/wirtschaft/">Wirtschaft</a></nav>
<main><article><h1>Meldung {n}: Investitionen in Rechenzentren</h1>
<p class="teaser">Ein Konzern plant Milliarden für KI-Rechenzentren.</p>
{paragraphs}
</article><aside>Mehr zum Thema</aside></main><footer>Impressum</footer></body></html>""",
            encoding="utf-8",
        )
        items.append(f"<item><title>Meldung {n}</title><link>{base}{path}</link></item>")
    (directory / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel>{"".join(items)}</channel></rss>',
        encoding="utf-8",
    )


def write_sources(path: Path, base: str, redis_url: str | None, prefix: str) -> None:
    redis = f'redis_url = "{redis_url}"\nredis_prefix = "{prefix}"\nfrontier_wait = 2\n'
    path.write_text(
        f"""[crawl]
contact = "mailto:bench@example.org"
download_delay = 0
autothrottle = false
obey_robots_txt = false
concurrent_requests = 16
concurrent_requests_per_domain = 16
{redis if redis_url else ""}
[[source]]
name = "bench"
language = "de"
feeds = ["{base}/feed.xml"]
allow = ['/artikel/']
allow_private_addresses = true
""",
        encoding="utf-8",
    )


@dataclass
class Result:
    workers: int
    articles: int
    seconds_to_last_article: float
    seconds_wall: float
    #: pages each worker fetched (its crawl_runs row)
    shares: list[int]
    #: CPU seconds (user + system) the workers used together
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds_to_last_article


def run_once(
    workers: int, *, admin_url: str, redis_url: str, base: str, expected: int, workdir: Path
) -> Result:
    url = make_url(admin_url)
    name = f"{url.database or 'nw_bench'}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = url.set(database=name).render_as_string(hide_password=False)
    prefix = f"nwbench-{uuid.uuid4().hex[:8]}"
    sources = workdir / f"sources-{prefix}.toml"
    write_sources(sources, base, redis_url if workers else None, prefix)
    # the schema first, so that the timing is the crawl's, not the migrations'
    subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "db", "upgrade", "--db", db_url],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSWATCH_REDIS_URL": ""}
    command = [sys.executable, "-m", "newswatch.cli", "crawl", "--sources", str(sources),
               "--db", db_url]
    cpu_before = _children_cpu()
    started = time.time()
    processes = [
        subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(max(workers, 1))
    ]
    for process in processes:
        _, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a worker failed ({process.returncode}): {stderr[-2000:]}")
    wall = time.time() - started
    cpu = _children_cpu() - cpu_before
    engine = create_engine(db_url)
    with engine.connect() as conn:
        stored = int(conn.scalar(select(func.count()).select_from(models.Article)) or 0)
        last = conn.scalar(select(func.max(models.ArticleVersion.fetched_at)))
        shares = [int((c or {}).get("pages", 0)) for c in conn.scalars(
            select(models.CrawlRun.counters).order_by(models.CrawlRun.id))]
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()
    if workers:
        Frontier.from_url(redis_url, prefix).clear()
    if stored != expected or last is None:
        raise SystemExit(f"{workers} worker(s) stored {stored} of {expected} articles")
    return Result(workers, stored, last.timestamp() - started, wall, shares, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="PostgreSQL URL (user with CREATEDB)")
    parser.add_argument("--redis", required=True, help="Redis URL for the shared frontier")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", default="0,1,2", help="worker counts; 0 = one host, no Redis")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per worker count (the median is reported)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nw-scale-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(QuietHandler, directory=str(root))
        )
        server.daemon_threads = True
        base = f"http://127.0.0.1:{server.server_address[1]}"
        write_site(root, base, args.articles)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        counts = [int(c) for c in args.workers.split(",")]
        runs: dict[int, list[Result]] = {count: [] for count in counts}
        # interleaved (0, 1, 2, 0, 1, 2, ...), so that changing load on a shared machine
        # affects every worker count alike
        for _ in range(args.repeat):
            for count in counts:
                runs[count].append(
                    run_once(count, admin_url=args.postgres, redis_url=args.redis, base=base,
                             expected=args.articles, workdir=Path(tmp))
                )
        results: list[Result] = []
        for count in counts:
            by_rate = sorted(runs[count], key=lambda r: r.rate)
            median = by_rate[len(by_rate) // 2]  # the median run (upper one for an even count)
            results.append(median)
            label = f"{count} worker(s)" if count else "one host (no Redis)"
            print(
                f"{label:22} {median.articles} articles in {median.seconds_to_last_article:6.1f} s "
                f"(wall {median.seconds_wall:5.1f} s): {median.rate:6.1f} articles/s "
                f"[all runs: {', '.join(f'{r.rate:.1f}' for r in runs[count])}]; "
                f"pages per worker {median.shares}; CPU {median.cpu_seconds:.1f} s",
                flush=True,
            )
        server.shutdown()
    by_count = {r.workers: r for r in results}
    if 1 in by_count and 2 in by_count:
        ratio = by_count[2].rate / by_count[1].rate
        print(f"speed-up 2 workers / 1 worker (medians): {ratio:.2f}x")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {platform.node()}, {os.cpu_count()} CPU(s), load average {load}, "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


if __name__ == "__main__":
    main()
