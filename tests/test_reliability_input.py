"""Hostile input: pages, feeds and sitemaps built to hurt a crawler.

The first tests feed the crawl-side functions directly (fast); the last ones run one real crawl
against a local site serving the worst of them, and check what the run counted and stored.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newswatch.config import CrawlConfig
from newswatch.demo.server import Page
from newswatch.discovery import declared_canonical_url, read_feed, section_links
from newswatch.extract import extract_article
from newswatch.spiders.news import NewsSpider
from newswatch.store import models
from tests.archive_integrity import archive_problems
from tests.crawl_fakes import MemoryArchive
from tests.crawl_site import (
    PARAGRAPHS,
    CrawlProcess,
    article_html,
    articles_by_url,
    crawl,
    last_run,
    rss,
    write_sources,
    xml_page,
)
from tests.hostile_site import HostileSite, endless
from tests.test_crawl_spider import SITE, SOURCE, response, stat

NESTING = 100_000
PAGE = article_html("Milliarden für Rechenzentren").decode()


def nested_page(depth: int = NESTING) -> bytes:
    return (
        PAGE.replace("<main>", "<main>" + "<div>" * depth)
        .replace("</main>", "</div>" * depth + "</main>")
        .encode()
    )


def with_json_ld(block: str) -> bytes:
    script = f'<script type="application/ld+json">{block}</script>'
    return PAGE.replace("</head>", script + "</head>").encode()


def big_feed(items: int) -> bytes:
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = "".join(
        f"<item><link>{SITE}/artikel/{i}.html</link><pubDate>{now}</pubDate></item>"
        for i in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


def make_spider(max_links: int) -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"DOWNLOAD_MAXSIZE": 10_000_000})
    spider = crawler._create_spider(
        sources=[SOURCE],
        archive=MemoryArchive(),
        crawl_config=CrawlConfig(max_links_per_feed=max_links),
    )
    assert isinstance(spider, NewsSpider)
    return spider


# --- deeply nested and malformed HTML ---------------------------------------------------------


def test_100k_nested_divs_give_section_links_without_a_recursion_error() -> None:
    page = nested_page().replace(b"</main>", b'<a href="/artikel/tief.html">tief</a></main>')
    links = section_links(page, f"{SITE}/wirtschaft/", domains=["example-news.de"])
    assert isinstance(links, list)  # lxml stops at its depth limit; nothing escapes


def test_100k_nested_divs_are_extracted_without_an_exception() -> None:
    article = extract_article(nested_page(), f"{SITE}/artikel/tief.html")
    assert article.title == "Milliarden für Rechenzentren"
    assert declared_canonical_url(nested_page()) is None


@pytest.mark.parametrize(
    "html",
    [
        b"<html><body><p>Text <b><i></b></i><table><tr><td><p>" * 20_000,
        b"<" * 100_000,
        b"<html><body>" + b"<div><span><p><a href=x>" * 30_000,  # never closed
        b"\xef\xbb\xbf\xff\xfe<html>\x00<body>&#0;&#xD800;&#x110000;&#9999999999;</body>",
        b"<!DOCTYPE html [<!ENTITY a 'aaaaaaaaaa'>]><html><body>&a;&a;</body></html>",
    ],
    ids=["misnested", "angle-brackets", "unclosed", "bom-nul-bad-refs", "doctype-entities"],
)
def test_malformed_html_never_raises_in_discovery_or_extraction(html: bytes) -> None:
    section_links(html, f"{SITE}/wirtschaft/", domains=["example-news.de"])
    declared_canonical_url(html)
    extract_article(html, f"{SITE}/artikel/kaputt.html")


# --- JSON-LD ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        "[" * NESTING + "]" * NESTING,
        '{"a":' * NESTING + "1" + "}" * NESTING,
        json.dumps({"@type": "NewsArticle", "headline": "H" * 2_000_000, "author": "A" * 100}),
        json.dumps({"@type": "NewsArticle", "author": [{"name": "x"}] * 50_000}),
        '{"@type": "NewsArticle", "headline": ',
        json.dumps(
            {
                "@type": ["NewsArticle", 5, None],
                "headline": 7,
                "datePublished": [1, 2],
                "author": {"name": ["a", {"b": None}]},
            }
        ),
    ],
    ids=["deep-array", "deep-object", "giant-string", "50k-authors", "broken", "wrong-types"],
)
def test_hostile_json_ld_never_stops_extraction_of_the_article_text(block: str) -> None:
    article = extract_article(with_json_ld(block), f"{SITE}/artikel/ld.html")
    assert PARAGRAPHS[0] in article.body
    assert len(article.title) < 10_000


# --- encodings and binary -------------------------------------------------------------------


def test_windows_1252_bytes_declared_as_utf8_are_read_as_text_not_mojibake() -> None:
    html = article_html("Größe", ["Über die Brücke gehen Menschen mit Äpfeln und Öl. " * 3])
    mislabelled = html.decode().encode("cp1252")  # the page still says charset=utf-8
    article = extract_article(mislabelled, f"{SITE}/artikel/kodierung.html")
    assert "Über die Brücke" in article.body


def test_utf8_bytes_declared_as_latin1_are_read_as_text_not_mojibake() -> None:
    html = article_html("Größe", ["Über die Brücke gehen Menschen mit Äpfeln und Öl. " * 3])
    mislabelled = html.replace(b'charset="utf-8"', b'charset="iso-8859-1"')
    article = extract_article(mislabelled, f"{SITE}/artikel/kodierung.html")
    assert "Über die Brücke" in article.body


def test_binary_without_nul_bytes_served_as_html_yields_no_article() -> None:
    noise = bytes(b or 1 for b in random.Random(7).randbytes(200_000))
    assert extract_article(noise, f"{SITE}/artikel/bild.html").body.strip() == ""


# --- feeds and sitemaps -----------------------------------------------------------------------


def test_a_feed_with_100k_items_is_read_only_up_to_the_link_limit() -> None:
    feed = read_feed(big_feed(100_000), f"{SITE}/feed.xml", limit=500)
    assert len(feed.entries) == 500 and feed.left_out == 99_500
    assert feed.entries[0].url == f"{SITE}/artikel/0.html"  # the first (newest) ones


def test_the_spider_counts_the_links_beyond_the_limit_as_skipped() -> None:
    spider = make_spider(max_links=300)
    requests = list(spider.parse_feed(response(XmlResponse, f"{SITE}/feed.xml", big_feed(5000))))
    assert len(requests) == 300
    assert stat(spider, "skipped/link_limit") == 4700


def test_a_sitemap_with_more_urls_than_the_limit_is_cut_there_and_counted() -> None:
    urls = "".join(f"<url><loc>{SITE}/artikel/{i}.html</loc></url>" for i in range(2000))
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    spider = make_spider(max_links=100)
    requests = list(
        spider.parse_sitemap(
            response(XmlResponse, f"{SITE}/sitemap.xml", sitemap.encode(), sitemap_depth=0)
        )
    )
    assert len(requests) == 100
    assert stat(spider, "skipped/link_limit") == 1900


def index(*children: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return (
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    ).encode()


def test_sitemap_indexes_that_point_at_each_other_are_followed_once() -> None:
    spider = make_spider(max_links=100)
    parse = spider.parse_sitemap
    a, b = f"{SITE}/sitemap.xml", f"{SITE}/sitemap-b.xml"
    list(spider.start_requests_now(datetime.now(UTC)))

    to_b = list(parse(response(XmlResponse, a, index(b), sitemap_depth=0)))
    back_to_a = list(parse(response(XmlResponse, b, index(a, b), sitemap_depth=1)))

    assert [r.url for r in to_b] == [b] and back_to_a == []
    assert stat(spider, "skipped/sitemap_loop") == 2


def test_a_chain_of_ever_new_sitemap_indexes_ends_at_the_depth_limit() -> None:
    spider = make_spider(max_links=100)
    parse = spider.parse_sitemap
    followed: list[str] = []
    url, depth = f"{SITE}/sitemap.xml", 0
    for step in range(10):
        nxt = f"{SITE}/sitemap-{step}.xml"
        requests = list(parse(response(XmlResponse, url, index(nxt), sitemap_depth=depth)))
        if not requests:
            break
        followed.append(requests[0].url)
        url, depth = requests[0].url, requests[0].meta["sitemap_depth"]
    assert len(followed) == 3  # MAX_SITEMAP_DEPTH


def test_a_sitemap_index_pointing_to_other_sites_is_not_followed() -> None:
    spider = make_spider(max_links=100)
    page = index("http://127.0.0.1:9/sitemap.xml", "https://elsewhere.example/sitemap.xml")
    requests = list(
        spider.parse_sitemap(response(XmlResponse, f"{SITE}/sitemap.xml", page, sitemap_depth=0))
    )
    assert requests == []
    assert stat(spider, "skipped/off_site") == 2


def test_a_deeply_nested_page_is_still_an_article_candidate() -> None:
    spider = make_spider(max_links=100)
    items = list(
        spider.parse_article(
            response(
                HtmlResponse,
                f"{SITE}/artikel/tief.html",
                nested_page(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        )
    )
    assert len(items) == 1


# --- one real crawl over the worst of it ------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


@dataclass
class HostileRun:
    site: HostileSite
    result: CrawlProcess
    run: models.CrawlRun
    stored: dict[str, models.Article]
    db_url: str


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    tmp = tmp_path_factory.mktemp("hostile-input")
    site = HostileSite()
    with site:
        site.set("/robots.txt", Page(b"", content_type="text/plain"))
        site.set("/artikel/gut.html", Page(PAGE.encode()))
        site.set("/artikel/tief.html", Page(nested_page()))
        site.misbehave("/artikel/riesig.html", endless(total=FIFTY_MB))
        site.misbehave("/artikel/ohne-laenge.html", endless(total=FIFTY_MB, declare_length=False))
        site.set("/artikel/bild.html", Page(os.urandom(1024) + b"\0" + os.urandom(60_000)))
        site.set("/artikel/ld.html", Page(with_json_ld("[" * NESTING + "]" * NESTING)))
        paths = [
            "/artikel/gut.html",
            "/artikel/tief.html",
            "/artikel/riesig.html",
            "/artikel/ohne-laenge.html",
            "/artikel/bild.html",
            "/artikel/ld.html",
        ]
        site.set("/feed.xml", xml_page(rss(site.base_url, paths)))
        site.set(
            "/viel.xml",
            xml_page(rss(site.base_url, [f"/artikel/v{i}.html" for i in range(20_000)])),
        )
        sources = write_sources(
            tmp / "sources.toml",
            site,
            feeds=["/feed.xml", "/viel.xml"],
            crawl_extra="max_links_per_feed = 10\nretry_times = 0",
        )
        db_url = f"sqlite:///{tmp / 'archive.db'}"
        result = crawl(sources, db_url)
        yield HostileRun(site, result, last_run(db_url), articles_by_url(db_url), db_url)


@pytest.mark.slow
def test_the_hostile_crawl_finishes_and_keeps_the_good_article(hostile_run: HostileRun) -> None:
    assert hostile_run.result.returncode == 0, hostile_run.result.stderr
    assert "Traceback" not in hostile_run.result.stderr
    assert hostile_run.site.url("/artikel/gut.html") in hostile_run.stored
    assert archive_problems(hostile_run.db_url) == []


@pytest.mark.slow
def test_50_mb_pages_with_or_without_content_length_are_cut_at_download_maxsize(
    hostile_run: HostileRun,
) -> None:
    assert hostile_run.run.counters["errors"]["too_large"] == 2
    assert hostile_run.site.url("/artikel/riesig.html") not in hostile_run.stored


@pytest.mark.slow
def test_binary_served_as_html_is_a_counted_skip(hostile_run: HostileRun) -> None:
    assert hostile_run.run.counters["skipped"]["non_html"] == 1


@pytest.mark.slow
def test_nested_html_and_hostile_json_ld_do_not_stop_the_crawl(hostile_run: HostileRun) -> None:
    assert hostile_run.site.url("/artikel/ld.html") in hostile_run.stored
    assert "extract" not in hostile_run.run.counters["errors"]


@pytest.mark.slow
def test_a_feed_longer_than_the_link_limit_is_cut_and_counted(hostile_run: HostileRun) -> None:
    assert hostile_run.run.counters["skipped"]["link_limit"] == 20_000 - 10
    assert len(hostile_run.site.requests_for("/artikel/v9.html")) == 1
    assert hostile_run.site.requests_for("/artikel/v10.html") == []
