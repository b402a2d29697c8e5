"""Crawl throughput: `newswatch crawl` vs plain Scrapy spiders on a generated local site.

Generates N article pages (a few KB each, with navigation, teaser lists and footer like a real
news page), an RSS feed of the newest 50 and a sitemap index of sitemaps with 1,000 URLs each,
and serves them on 127.0.0.1 from a separate process (``newswatch.demo.server.LocalHTTPServer``,
HTTP/1.1 keep-alive, pages held in memory). Then, in one run:

1. ``newswatch crawl`` (subprocess, fresh SQLite file) — articles stored per second;
2. a download-only Scrapy spider (the practical ceiling) with the same settings: concurrency,
   no download delay, no AutoThrottle, robots.txt obeyed, LOG_LEVEL INFO — pages per second;
   then the same spider calling trafilatura ``extract`` on each page (what a plain Scrapy +
   trafilatura script does; it keeps no archive) — pages with text per second;
3. the re-crawl of the unchanged site, once with the server answering conditional requests with
   304, once with a server that ignores them (200, unchanged content), each in two ways: as
   cron would run it right after the first crawl (``newswatch crawl`` again: feeds and sitemaps
   are fetched, nothing is new and no article is due for its re-check yet), and with
   ``--recheck-now`` (every article due: every page requested again) — ratio to the first crawl.

Peak RSS of each crawl comes from ``os.wait4``: ru_maxrss of the largest process of the crawl
(with page workers, the crawl process or one worker, whichever is bigger). With
``--rss-every N`` the newswatch crawl is also sampled every N articles stored, as the sum of
VmRSS over the crawl process and its workers: the memory benchmark (``--pages 50000
--rss-every 10000 --skip-peer --skip-recrawl``).

With ``--real-pages`` the article pages are the shared corpus' real news pages (about 150 KB
each, served in turn; their canonical links name other sites, so each is stored under the URL it
was fetched from): the speed where extraction, not the download, is the work.

Usage::

    python benchmarks/crawl.py [--pages 5000] [--concurrency 16] [--skip-peer]
                               [--skip-recrawl] [--rss-every N] [--real-pages [CORPUS]]
                               [--page-workers N] [--repeat N]

With ``--repeat N`` the first crawl and the two peer spiders run N times, interleaved, and the
median run of each is reported: a small site's crawl lasts two seconds, where the machine's
noise is 10-20%. (The re-crawls run once, on the archive of the last first crawl.)
"""

from __future__ import annotations

import argparse
import gzip
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SITEMAP_SIZE = 1000

WORDS = (  # noqa: SIM905  (a sentence reads better than a list here)
    "Regierung Unternehmen Milliarden Investitionen Rechenzentren Bundesländer Entwicklung "
    "Wirtschaft Forschung Energie Netz Ausbau Verbraucher Preise Markt Branche Experten Studie "
    "Kommission Parlament Haushalt Steuer Förderung Industrie Arbeitsplätze Standort Region "
    "Verkehr Bahn Klima Wasserstoff Speicher Technologie Software Daten Sicherheit Angriff"
).split()


def paragraph(seed: int, words: int = 60) -> str:
    picked = [WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(words)]
    sentences = [" ".join(picked[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return " ".join(sentences)


def article_page(number: int, published: datetime) -> bytes:
    title = f"Meldung {number}: {paragraph(number, 8).rstrip('.')}"
    body = "\n".join(f"<p>{paragraph(number * 10 + i)}</p>" for i in range(6))
    related = "".join(
        f'<li><a href="/artikel/{(number + k) % 997}.html">Weitere Meldung {k}</a></li>'
        for k in range(1, 9)
    )
    nav = "".join(
        f'<li><a href="/{s}/">{s.capitalize()}</a></li>'
        for s in ("politik", "wirtschaft", "kultur", "sport", "wissen", "digital", "regional")
    )
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{title} | Beispiel-Zeitung</title>
<meta name="description" content="{paragraph(number, 20)}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published.isoformat()}">
<meta name="author" content="Erika Mustermann">
<link rel="canonical" href="/artikel/{number}.html">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": {number}}});</script>
</head><body>
<header><a href="/">Beispiel-Zeitung</a><nav><ul>{nav}</ul></nav>
<form action="/suche"><input name="q"><button>Suchen</button></form></header>
<div class="ad">Anzeige</div>
<main><article><h1>{title}</h1>
<p class="teaser"><strong>{paragraph(number + 1, 24)}</strong></p>
<p class="byline">Von Erika Mustermann, {published:%d.%m.%Y %H:%M} Uhr</p>
{body}
</article>
<aside><h2>Mehr zum Thema</h2><ul>{related}</ul></aside>
<div class="newsletter">Jetzt den Newsletter abonnieren und nichts verpassen.</div></main>
<footer><ul><li><a href="/impressum">Impressum</a></li><li><a href="/datenschutz">Datenschutz
</a></li><li><a href="/kontakt">Kontakt</a></li></ul>© Beispiel-Zeitung 2026</footer>
</body></html>""".encode()


def real_pages(corpus: Path) -> list[bytes]:
    """The HTML of the corpus' pages (``pages/*.gz``), in sorted order."""
    return [gzip.decompress(path.read_bytes()) for path in sorted((corpus / "pages").glob("*.gz"))]


def generate_site(pages: int, base: str, corpus: Path | None = None) -> dict[str, bytes]:
    """The site: generated article pages, or with ``corpus`` the corpus' real pages in turn
    (page N is real page N modulo their number), plus feed, sitemaps and robots.txt."""
    now = datetime.now(UTC)
    site: dict[str, bytes] = {}
    stamps = {}
    real = real_pages(corpus) if corpus is not None else []
    for number in range(pages):
        published = now - timedelta(minutes=number % 2880)  # all within two days
        stamps[number] = published
        site[f"/artikel/{number}.html"] = (
            real[number % len(real)] if real else article_page(number, published)
        )
    items = "".join(
        f"<item><title>Meldung {n}</title><link>{base}/artikel/{n}.html</link>"
        f"<pubDate>{format_datetime(stamps[n])}</pubDate></item>"
        for n in range(min(50, pages))
    )
    site["/rss.xml"] = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Beispiel</title>{items}'
        "</channel></rss>"
    ).encode()
    maps = []
    for index, start in enumerate(range(0, pages, SITEMAP_SIZE)):
        urls = "".join(
            f"<url><loc>{base}/artikel/{n}.html</loc><lastmod>{stamps[n].isoformat()}</lastmod>"
            "</url>"
            for n in range(start, min(start + SITEMAP_SIZE, pages))
        )
        site[f"/sitemap-{index}.xml"] = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        ).encode()
        maps.append(f"<sitemap><loc>{base}/sitemap-{index}.xml</loc></sitemap>")
    site["/sitemap.xml"] = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{''.join(maps)}</sitemapindex>"
    ).encode()
    site["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    return site


# --- the server (runs in its own process: `crawl.py serve`) -----------------------------------

LAST_MODIFIED = "Mon, 01 Jun 2026 08:00:00 GMT"


def serve(pages: int, port_file: Path, ignore_flag: Path, corpus: Path | None = None) -> None:
    """Serve the generated site from memory until killed; write the port to ``port_file``.
    Conditional requests are answered with 304 unless ``ignore_flag`` exists."""
    holder: dict[str, bytes] = {}
    # real pages come in many encodings: their own <meta charset> says which, as on the web
    html_type = "text/html" if corpus is not None else "text/html; charset=utf-8"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            data = holder.get(path)
            if data is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
            if not ignore_flag.exists() and (
                self.headers.get("If-None-Match") == etag
                or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            kind = "application/xml" if path.endswith(".xml") else (
                "text/plain" if path.endswith(".txt") else html_type)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    from newswatch.demo.server import LocalHTTPServer  # a backlog for 16 connections at once

    server = LocalHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    holder.update(generate_site(pages, base, corpus))
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


class Site:
    """The server subprocess."""

    def __init__(self, pages: int, workdir: Path, corpus: Path | None = None) -> None:
        port_file = workdir / "port"
        self.ignore_flag = workdir / "ignore-conditional"
        self.process = subprocess.Popen(
            [sys.executable, __file__, "serve", "--pages", str(pages), "--port-file",
             str(port_file), "--ignore-flag", str(self.ignore_flag),
             *(["--real-pages", str(corpus)] if corpus is not None else [])]
        )
        while not port_file.exists() or not port_file.read_text():
            if self.process.poll() is not None:
                raise RuntimeError("the site server did not start")
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port_file.read_text()}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


# --- the download-only spider (runs in its own process: `crawl.py spider`) ---------------------


def run_peer_spider(base: str, concurrency: int, extract: bool = False) -> None:
    """The download-only spider, or with ``extract`` the plain Scrapy + trafilatura spider that
    users write today: trafilatura ``extract`` on each article page, the text kept in memory
    only (no store, no versions)."""
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class DownloadOnly(SitemapSpider):
        name = "download_only"
        sitemap_urls = (f"{base}/sitemap.xml",)

        async def start(self):  # type: ignore[no-untyped-def]
            from scrapy import Request

            yield Request(f"{base}/rss.xml", callback=self.parse_feed)
            async for request in super().start():
                yield request

        def parse_feed(self, response):  # type: ignore[no-untyped-def]
            for link in response.xpath("//item/link/text()").getall():
                yield response.follow(link, callback=self.parse)

        def parse(self, response):  # type: ignore[no-untyped-def]
            if extract:
                import trafilatura

                text = trafilatura.extract(response.text, url=response.url)
                if text:
                    self.crawler.stats.inc_value("bench/articles")
                return None
            self.crawler.stats.inc_value("bench/articles")
            return None

    process = CrawlerProcess(spider_settings(concurrency))
    crawler = process.create_crawler(DownloadOnly)
    process.crawl(crawler)
    process.start()
    assert isinstance(crawler.spider, Spider)
    print(f"ARTICLES {crawler.stats.get_value('bench/articles', 0)}")


def spider_settings(concurrency: int) -> dict[str, object]:
    """The Scrapy settings newswatch crawl runs with for the sources.toml written below."""
    from newswatch.settings import settings_for

    crawl = crawl_config(concurrency)
    return {
        **{k: v for k, v in vars(__import__("newswatch.settings").settings).items()
           if k.isupper() and k not in ("ITEM_PIPELINES", "SPIDER_MODULES", "NEWSPIDER_MODULE")},
        **settings_for(crawl),
        "LOG_LEVEL": "INFO",
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "newswatch.middlewares.BackoffRetryMiddleware": 550,
        },
    }


def crawl_config(concurrency: int):  # type: ignore[no-untyped-def]
    from newswatch.config import CrawlConfig

    return CrawlConfig(
        contact="mailto:bench@example.org",
        concurrent_requests=concurrency,
        concurrent_requests_per_domain=concurrency,
        download_delay=0.0,
        autothrottle=False,
    )


def write_sources(path: Path, base: str, concurrency: int, page_workers: int | None = None) -> None:
    workers = "" if page_workers is None else f"page_workers = {page_workers}\n"
    path.write_text(
        f"""[crawl]
contact = "mailto:bench@example.org"
concurrent_requests = {concurrency}
concurrent_requests_per_domain = {concurrency}
download_delay = 0
autothrottle = false
{workers}
[[source]]
name = "bench"
language = "de"
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/sitemap.xml"]
allow = ['/artikel/']
allow_private_addresses = true
""",
        encoding="utf-8",
    )


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    output: str
    rss_samples: list[tuple[int, float]] = field(default_factory=list)


def _rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` plus that of its descendants (the crawl and its page workers)."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _rss_mb(int(child))
    except OSError:
        pass
    return total


def _stored(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def measure(command: list[str], cwd: Path, *, database: Path | None = None,
            rss_every: int = 0) -> Run:
    """Run ``command``; wall time, ru_maxrss of this child, optional RSS samples."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSWATCH_DATABASE_URL": ""}
    log = cwd / "run.log"
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        samples: list[tuple[int, float]] = []
        next_mark = rss_every
        sampling = bool(rss_every and database is not None)
        while True:  # os.wait4, not Popen.poll: it gives this child's own rusage
            pid, status, usage = os.wait4(process.pid, os.WNOHANG if sampling else 0)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            time.sleep(1.0)
            stored = _stored(database) if database is not None else 0
            if stored >= next_mark:
                samples.append((stored, _rss_mb(process.pid)))
                next_mark += rss_every
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{command[2:4]} failed:\n{output[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, output, samples)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    server = sub.add_parser("serve")
    server.add_argument("--pages", type=int, required=True)
    server.add_argument("--port-file", type=Path, required=True)
    server.add_argument("--ignore-flag", type=Path, required=True)
    server.add_argument("--real-pages", type=Path, default=None)
    spider = sub.add_parser("spider")
    spider.add_argument("--base", required=True)
    spider.add_argument("--concurrency", type=int, required=True)
    spider.add_argument("--extract", action="store_true")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-recrawl", action="store_true")
    parser.add_argument("--rss-every", type=int, default=0)
    parser.add_argument("--real-pages", nargs="?", type=Path, const=DEFAULT_CORPUS,
                        default=None, metavar="CORPUS",
                        help="serve the corpus' real pages (default ../shared/corpus) in turn "
                             "instead of generated ones")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the first crawl and the peers this many times, interleaved, "
                             "and report the median run of each (for small sites, where a "
                             "run lasts seconds and the machine's noise is large)")
    parser.add_argument("--page-workers", type=int, default=None,
                        help="[crawl] page_workers for newswatch (default: the machine decides)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.pages, args.port_file, args.ignore_flag, args.real_pages)
        return 0
    if args.command == "spider":
        run_peer_spider(args.base, args.concurrency, args.extract)
        return 0

    with tempfile.TemporaryDirectory(prefix="nw-crawl-bench-") as name:
        workdir = Path(name)
        site = Site(args.pages, workdir, args.real_pages)
        database = workdir / "archive.sqlite"
        sources = workdir / "sources.toml"
        write_sources(sources, site.base, args.concurrency, args.page_workers)
        crawl_command = [sys.executable, "-m", "newswatch.cli", "crawl", "--sources",
                         str(sources), "--db", f"sqlite:///{database}"]
        rows = []
        try:
            runs: dict[str, list[tuple[int, Run, str]]] = {}
            for _ in range(args.repeat):  # interleaved, so that a busy moment hits all alike
                for path in database.parent.glob(database.name + "*"):
                    path.unlink()  # each first crawl starts from an empty archive
                before = load()
                first = measure(crawl_command, workdir, database=database,
                                rss_every=args.rss_every)
                runs.setdefault("newswatch crawl (first)", []).append(
                    (_stored(database), first, before))
                if not args.skip_peer:
                    for label, extra in (("download-only Scrapy spider", []),
                                         ("Scrapy + trafilatura spider", ["--extract"])):
                        before = load()
                        peer = measure([sys.executable, __file__, "spider", "--base", site.base,
                                        "--concurrency", str(args.concurrency), *extra], workdir)
                        fetched = int(peer.output.rsplit("ARTICLES ", 1)[1].split()[0])
                        runs.setdefault(label, []).append((fetched, peer, before))
            for label, measured in runs.items():  # the median run of each
                count, run, before = sorted(measured, key=lambda m: m[1].seconds)[
                    (len(measured) - 1) // 2]
                rows.append((label, count, run, before))
            stored, first = rows[0][1], rows[0][2]
            if not args.skip_recrawl:
                for path in ("304", "200"):
                    if path == "200":
                        site.ignore_flag.touch()  # from now on: 200 with the same content
                    before = load()
                    again = measure(crawl_command, workdir)
                    rows.append((f"re-crawl, unchanged, {path}, as scheduled (none due)",
                                 stored, again, before))
                    before = load()
                    again = measure([*crawl_command, "--recheck-now"], workdir)
                    rows.append((f"re-crawl, unchanged, {path}, every article re-checked",
                                 stored, again, before))
        finally:
            site.stop()

    kind = f"real pages ({args.real_pages})" if args.real_pages else "generated pages"
    repeat = f", median of {args.repeat} runs" if args.repeat > 1 else ""
    print(f"{args.pages} {kind}, concurrency {args.concurrency}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs{repeat}\n")
    print("| run | articles | seconds | articles/s | ratio | peak RSS MB | load before (1/5 min) |")
    print("|---|---|---|---|---|---|---|")
    base_seconds = first.seconds
    for label, count, run, before in rows:
        if label.startswith(("download-only", "Scrapy +")):
            ratio = f"newswatch/this = {(stored / first.seconds) / (count / run.seconds):.2f}"
        elif label.startswith("re-crawl"):
            ratio = f"{base_seconds / run.seconds:.2f}× faster than first"
        else:
            ratio = "–"
        print(f"| {label} | {count} | {run.seconds:.1f} | {count / run.seconds:.1f} | {ratio} | "
              f"{run.peak_rss_mb:.0f} | {before} |")
    if first.rss_samples:
        print("\nRSS of the newswatch crawl by articles stored:")
        for count, rss in first.rss_samples:
            print(f"- {count}: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
