"""Extraction quality and speed: newswatch vs trafilatura, newspaper4k and news-please.

Runs every tool over the pages of ../shared/corpus that carry expectations (expected.json) in
one process and prints one Markdown table:

- body precision / recall / F1 with the corpus' ``with``/``without`` snippets (the trafilatura
  project's method: a ``with`` snippet found is a true positive, missed a false negative; a
  ``without`` snippet found is a false positive), summed over all pages;
- title exact match, published-date accuracy (same day: expected.json gives YYYY-MM-DD; and
  within one day; newswatch stores instants in UTC — a 22:00 article from a UTC−4 site falls
  on the next UTC day — so its date is taken from ``Article.published_local``, the instant in
  the UTC offset the page stated, as the others return the date as the page gives it), author
  set accuracy (names compared as case-folded sets, split on , ; / & "and" "und" for every
  tool alike);
- the text scored for newswatch is teaser + body (the others' texts include the teaser too);
- pages whose text contains ad-blocker/paywall/consent wall phrases (an independent list below);
- pages per second (HTML already in memory; the whole extraction call is timed), in the
  interleaved quality run and, with ``--speed-passes N``, for each tool alone over N whole
  passes (median): in one process, the tools disturb each other's timing in the interleaved
  run (garbage, caches), by several percent either way.

Usage::

    python benchmarks/extraction_quality.py [--corpus ../shared/corpus] [--limit N]
                                            [--tools newswatch,trafilatura,...]
                                            [--speed-passes N]

newspaper4k and news-please are optional (``pip install -e '.[bench]'``); a missing tool is
skipped with a note.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WARM_UP_PAGES = 20
FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # corpus pages are older than this

# Phrases of ad-blocker walls, paywalls and consent boxes (not newswatch's own rules).
WALL_MARKERS = re.compile(
    r"ad-?\s?blocker|werbeblocker|deaktivieren sie ihren|subscribe to continue|already a "
    r"subscriber|wir verwenden cookies|we use cookies|this (?:web)?site uses cookies|cookie "
    r"policy|zustimmung zu (?:den|allen) cookies|privacy & cookies|bereits gekauft|jetzt für nur"
    r"|jederzeit kündbar|externer inhalt|einwilligung",
    re.IGNORECASE,
)


WARM_UP_PAGE = (
    b"<html lang='en'><head><title>Warm-up</title><meta name='date' content='2020-01-01'>"
    b"</head><body><article><h1>Warm-up</h1><p>Published on 3 January 2020 by Jane Doe.</p>"
    + b"<p>A paragraph of text that is long enough to count as an article body.</p>" * 5
    + b"</article></body></html>"
)


@dataclass
class Result:
    text: str = ""
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    authors: list[str] = field(default_factory=list)


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    titles: int = 0
    titles_ok: int = 0
    dates: int = 0
    dates_ok: int = 0
    dates_near: int = 0
    authors: int = 0
    authors_ok: int = 0
    wall_pages: int = 0
    seconds: float = 0.0
    pages: int = 0
    errors: int = 0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def _norm(text: str) -> str:
    """NFC, without invisible characters (soft hyphens in the corpus' own snippets), single
    spaces: applied to snippets and to every tool's text alike."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


def _author_set(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value or ""]
    names: set[str] = set()
    for item in items:
        for part in re.split(r"\s*(?:,|;|/|&|\|)\s*|\s+(?:and|und)\s+", str(item)):
            part = _norm(part).casefold().strip(" .")
            if part:
                names.add(part)
    return frozenset(names)


def _within_a_day(found: str | None, expected: str) -> bool:
    try:
        delta = datetime.strptime(found or "", "%Y-%m-%d") - datetime.strptime(
            expected, "%Y-%m-%d"
        )
    except ValueError:
        return False
    return abs(delta.days) <= 1


# --- the tools -------------------------------------------------------------------------------


def run_newswatch(html: bytes, url: str) -> Result:
    from newswatch.extract import extract_article

    article = extract_article(html, url, fetched_at=FETCHED_AT)
    # the date as the page stated it: published_at in the page's own UTC offset
    local = article.published_local
    date = local.strftime("%Y-%m-%d") if local is not None else None
    text = "\n\n".join(part for part in (article.teaser, article.body) if part)
    return Result(text, article.title or None, date, article.authors)


def run_trafilatura(html: bytes, url: str) -> Result:
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                           include_comments=False)
    if document is None:
        return Result()
    authors = document.author.split("; ") if document.author else []
    return Result(document.text or "", document.title, document.date, authors)


def run_trafilatura_extract(html: bytes, url: str) -> Result:
    import trafilatura

    return Result(trafilatura.extract(html, url=url, include_comments=False) or "")


def run_newspaper4k(html: bytes, url: str) -> Result:
    import newspaper

    article = newspaper.Article(url, fetch_images=False)
    article.download(input_html=html.decode("utf-8", "replace"))
    article.parse()
    date = article.publish_date.strftime("%Y-%m-%d") if article.publish_date else None
    return Result(article.text or "", article.title or None, date, list(article.authors))


def run_news_please(html: bytes, url: str) -> Result:
    from newsplease import NewsPlease

    article = NewsPlease.from_html(html.decode("utf-8", "replace"), url=url,
                                   fetch_images=False)
    if article is None:
        return Result()
    date = article.date_publish.strftime("%Y-%m-%d") if article.date_publish else None
    text = "\n\n".join(part for part in (article.description, article.maintext) if part)
    return Result(text, article.title, date, list(article.authors or []))


TOOLS: dict[str, Callable[[bytes, str], Result]] = {
    "newswatch": run_newswatch,
    "trafilatura": run_trafilatura,
    "trafilatura extract (text only)": run_trafilatura_extract,
    "newspaper4k": run_newspaper4k,
    "news-please": run_news_please,
}


# --- scoring ---------------------------------------------------------------------------------


def load_pages(corpus: Path, limit: int | None) -> list[tuple[str, bytes, dict[str, Any]]]:
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(expected):
        item = expected[name]
        path = corpus / "pages" / item.get("file", name + ".gz")
        if not path.exists() or not (item.get("with") or item.get("without")):
            continue
        pages.append((name, gzip.decompress(path.read_bytes()), item))
    return pages[:limit] if limit else pages


def score_page(score: Score, result: Result, item: dict[str, Any]) -> None:
    text = _norm(result.text)
    for snippet in item.get("with", []):
        if _norm(snippet) in text:
            score.tp += 1
        else:
            score.fn += 1
    for snippet in item.get("without", []):
        if _norm(snippet) in text:
            score.fp += 1
        else:
            score.tn += 1
    if item.get("title"):
        score.titles += 1
        score.titles_ok += _norm(result.title or "") == _norm(item["title"])
    if item.get("date"):
        score.dates += 1
        score.dates_ok += result.date == item["date"]
        score.dates_near += _within_a_day(result.date, item["date"])
    if item.get("author"):
        score.authors += 1
        score.authors_ok += _author_set(result.authors) == _author_set(item["author"])
    score.wall_pages += bool(WALL_MARKERS.search(text))


def evaluate(tools: dict[str, Callable[[bytes, str], Result]],
             pages: list[tuple[str, bytes, dict[str, Any]]]) -> dict[str, Score]:
    """Every tool on every page; tools take turns page by page, so that load from other
    processes on the machine slows them alike, and the order rotates from page to page, so
    that no tool always runs right after another on the same page (a tool that follows one
    using the same library finds its code and the page warm in the CPU's caches). Before each
    timed call the garbage collector runs, untimed: otherwise a tool pays for collecting the
    objects the tools before it left (newspaper4k and news-please leave many)."""
    scores = {name: Score() for name in tools}
    order = list(tools.items())
    for number, (_name, html, item) in enumerate(pages):
        shift = number % len(order)
        for name, tool in order[shift:] + order[:shift]:
            score = scores[name]
            gc.collect()  # untimed: the garbage another tool left is not this tool's cost
            started = time.perf_counter()
            try:
                result = tool(html, item.get("url", ""))
            except Exception:  # a peer failing on a page counts as an empty result
                result = Result()
                score.errors += 1
            score.seconds += time.perf_counter() - started
            score.pages += 1
            score_page(score, result, item)
    return scores


def _pct(ok: int, total: int) -> str:
    return f"{100 * ok / total:.1f}% ({ok}/{total})" if total else "n/a"


def table(scores: dict[str, Score]) -> str:
    lines = [
        "| tool | body P | body R | body F1 | title exact | date same day | date ±1 day | "
        "authors | wall/consent text | pages/s | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        text_only = name.startswith("trafilatura extract")
        lines.append(
            f"| {name} | {s.precision():.3f} | {s.recall():.3f} | {s.f1():.3f} | "
            + (" – | – | – | – | " if text_only else
               f"{_pct(s.titles_ok, s.titles)} | {_pct(s.dates_ok, s.dates)} | "
               f"{_pct(s.dates_near, s.dates)} | {_pct(s.authors_ok, s.authors)} | ")
            + f"{s.wall_pages} | {s.pages / s.seconds:.1f} | {s.errors} |"
        )
    return "\n".join(lines)


def pass_rates(tools: Mapping[str, Callable[[bytes, str], object]],
               pages: list[tuple[str, bytes, dict[str, Any]]], passes: int,
               before_pass: Callable[[int], None] | None = None) -> dict[str, list[float]]:
    """Pages/s of each tool in each of ``passes`` whole passes through all pages, the tools
    taking turns pass by pass (the order reversed every other round): each tool measured alone
    in its steady state, without the others' garbage and cache traffic between its pages.
    ``before_pass(number)`` runs untimed before each round; a tool's ``finish_pass()``, if it
    has one, runs timed at the end of its pass (work the tool left running in the background)."""
    rates: dict[str, list[float]] = {name: [] for name in tools}
    order = list(tools.items())
    for number in range(passes):
        if before_pass is not None:
            before_pass(number)
        for name, tool in order if number % 2 == 0 else order[::-1]:
            gc.collect()
            started = time.perf_counter()
            for _name, html, item in pages:
                with contextlib.suppress(Exception):  # failures are counted in the quality run
                    tool(html, item.get("url", ""))
            finish = getattr(tool, "finish_pass", None)
            if finish is not None:
                finish()
            rates[name].append(len(pages) / (time.perf_counter() - started))
    return rates


def speed_in_passes(tools: dict[str, Callable[[bytes, str], Result]],
                    pages: list[tuple[str, bytes, dict[str, Any]]], passes: int) -> str:
    """The table of :func:`pass_rates`: median pages/s of each tool over ``passes``."""
    rates = pass_rates(tools, pages, passes)
    reference = statistics.median(rates.get("trafilatura extract (text only)", [0.0])) or None
    lines = ["| tool | pages/s (median) | each pass | × trafilatura extract |", "|---|---|---|---|"]
    for name, values in rates.items():
        median = statistics.median(values)
        ratio = f"{median / reference:.2f}" if reference else "–"
        lines.append(f"| {name} | {median:.1f} | {', '.join(f'{v:.1f}' for v in values)} | "
                     f"{ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--speed-passes", type=int, default=0, metavar="N",
                        help="also time each tool alone over N whole passes (median)")
    args = parser.parse_args(argv)
    if not (args.corpus / "expected.json").exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    pages = load_pages(args.corpus, args.limit)
    tools: dict[str, Callable[[bytes, str], Result]] = {}
    for name in [n.strip() for n in args.tools.split(",") if n.strip()]:
        if name not in TOOLS:
            print(f"unknown tool {name!r}; known: {', '.join(TOOLS)}", file=sys.stderr)
            return 1
        try:
            TOOLS[name](WARM_UP_PAGE, "https://example.org/news/warm-up")
        except ImportError as error:
            print(f"skipping {name}: {error}", file=sys.stderr)
            continue
        except Exception:  # a peer may fail on the trivial page; it is not scored
            pass
        tools[name] = TOOLS[name]
    # Warm-up: every tool runs untimed over the first pages, so that imports, lazily built
    # tables and caches (a crawler's steady state) are not billed to the first pages.
    evaluate(tools, pages[:WARM_UP_PAGES])
    scores = evaluate(tools, pages)
    print(f"{len(pages)} pages with expectations from {args.corpus}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    print(table(scores))
    print("\nToken-shingle F1 needs full reference texts; this corpus has only snippets, so "
          "it is not computed.")
    if args.speed_passes:
        print(f"\nSpeed alone, {args.speed_passes} passes over the {len(pages)} pages per tool:\n")
        print(speed_in_passes(tools, pages, args.speed_passes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
