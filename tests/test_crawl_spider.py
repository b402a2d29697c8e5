"""NewsSpider's callbacks, fed with responses built in memory (no reactor, no network)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.test import get_crawler

from newswatch.archive import RecheckTarget
from newswatch.config import SourceConfig
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.spiders.news import NewsSpider
from tests.crawl_fakes import MemoryArchive
from tests.crawl_fakes import newswatch_stat as stat

SITE = "https://www.example-news.de"
SOURCE = SourceConfig(
    name="example",
    language="de",
    feeds=(f"{SITE}/feed.xml",),
    sitemaps=(f"{SITE}/sitemap.xml",),
    sections=(f"{SITE}/wirtschaft/",),
    domains=("example-news.de",),
    allow=(re.compile(r"/artikel/"),),
    deny=(re.compile(r"/video/"),),
    max_age_days=7,
)


def recent(hours: int = 2) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


def rfc822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def make_spider(archive: MemoryArchive | None = None) -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"DOWNLOAD_MAXSIZE": 1_000_000})
    spider: NewsSpider = crawler._create_spider(
        sources=[SOURCE], archive=archive or MemoryArchive()
    )
    return spider


def response(
    cls: type[Response],
    url: str,
    body: bytes,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **meta: Any,
) -> Any:
    request = Request(url, meta={"newswatch_source": "example", **meta})
    return cls(url=url, body=body, status=status, headers=headers or {}, request=request)



def urls(results: Any) -> list[str]:
    return [r.url for r in results]


def test_start_requests_recheck_due_articles_first_with_conditional_headers() -> None:
    archive = MemoryArchive(
        due=[
            RecheckTarget(
                f"{SITE}/artikel/alt.html", "example", '"abc"', "Wed, 22 Jan 2025 08:00:00 GMT"
            )
        ]
    )
    requests = list(make_spider(archive).start_requests_now(datetime.now(UTC)))
    assert urls(requests) == [
        f"{SITE}/artikel/alt.html",
        f"{SITE}/feed.xml",
        f"{SITE}/sitemap.xml",
        f"{SITE}/wirtschaft/",
    ]
    recheck = requests[0]
    assert recheck.headers.get("If-None-Match") == b'"abc"'
    assert recheck.headers.get("If-Modified-Since") == b"Wed, 22 Jan 2025 08:00:00 GMT"
    assert recheck.meta["handle_httpstatus_list"] == [304, 404, 410]


def test_feed_links_are_canonical_on_site_allowed_recent_and_unknown() -> None:
    feed = f"""<rss version="2.0"><channel>
<item><link>{SITE}/artikel/neu.html?utm_source=rss#top</link><pubDate>{rfc822(recent())}</pubDate></item>
<item><link>{SITE}/artikel/neu.html</link></item>
<item><link>{SITE}/artikel/bekannt.html</link></item>
<item><link>{SITE}/artikel/uralt.html</link><pubDate>{rfc822(recent(24 * 30))}</pubDate></item>
<item><link>{SITE}/video/clip.html</link></item>
<item><link>https://tracker.example/artikel/x.html</link></item>
</channel></rss>""".encode()
    spider = make_spider(MemoryArchive(known={f"{SITE}/artikel/bekannt.html"}))
    requests = list(spider.parse_feed(response(XmlResponse, f"{SITE}/feed.xml", feed)))
    assert urls(requests) == [f"{SITE}/artikel/neu.html"]
    assert requests[0].callback == spider.parse_article
    assert stat(spider, "skipped/known") == 1
    assert stat(spider, "skipped/too_old") == 1
    assert stat(spider, "skipped/link_rules") == 1
    assert stat(spider, "skipped/off_site") == 1


def test_broken_feed_is_counted_as_an_error() -> None:
    spider = make_spider()
    assert (
        list(spider.parse_feed(response(HtmlResponse, f"{SITE}/feed.xml", b"<html>oops</html>")))
        == []
    )
    assert stat(spider, "errors/bad_feed") == 1


def test_sitemap_index_follows_children_once_and_skips_old_ones() -> None:
    index = f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{SITE}/sitemap-news.xml</loc><lastmod>{recent().isoformat()}</lastmod></sitemap>
<sitemap><loc>{SITE}/sitemap-2019.xml.gz</loc><lastmod>2019-12-31</lastmod></sitemap>
<sitemap><loc>{SITE}/sitemap.xml</loc></sitemap>
</sitemapindex>""".encode()
    spider = make_spider()
    list(spider.start_requests_now(datetime.now(UTC)))  # registers the configured sitemap
    requests = list(
        spider.parse_sitemap(response(XmlResponse, f"{SITE}/sitemap.xml", index, sitemap_depth=0))
    )
    assert urls(requests) == [f"{SITE}/sitemap-news.xml"]
    assert requests[0].meta["sitemap_depth"] == 1
    assert stat(spider, "skipped/sitemap_loop") == 1  # the index listing itself
    assert stat(spider, "skipped/too_old") == 1


def test_gzipped_news_sitemap_gives_recent_article_requests() -> None:
    sitemap = f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{SITE}/artikel/ki.html</loc>
 <news:news><news:publication_date>{recent().isoformat()}</news:publication_date></news:news></url>
<url><loc>{SITE}/artikel/alt.html</loc><lastmod>2020-01-01</lastmod></url>
</urlset>""".encode()
    spider = make_spider()
    requests = list(
        spider.parse_sitemap(
            response(
                Response, f"{SITE}/sitemap-news.xml.gz", gzip.compress(sitemap), sitemap_depth=1
            )
        )
    )
    assert urls(requests) == [f"{SITE}/artikel/ki.html"]


def test_section_page_gives_article_links() -> None:
    page = b"""<html><body><a href="/">Start</a><a href="/artikel/a.html">A</a>
<a href="/video/artikel/b.html">B</a><a href="/artikel/c.html?fbclid=x">C</a></body></html>"""
    spider = make_spider()
    requests = list(spider.parse_section(response(HtmlResponse, f"{SITE}/wirtschaft/", page)))
    assert urls(requests) == [f"{SITE}/artikel/a.html", f"{SITE}/artikel/c.html"]


def test_the_same_article_linked_twice_is_requested_once() -> None:
    spider = make_spider()
    first = list(
        spider._article_requests([(f"{SITE}/artikel/a.html?utm_medium=social", None)], SOURCE)
    )
    second = list(
        spider._article_requests([("https://WWW.example-news.de/artikel/a.html#x", None)], SOURCE)
    )
    assert urls(first) == [f"{SITE}/artikel/a.html"] and second == []


@dataclass
class CountingArchive(MemoryArchive):
    questions: list[list[str]] = field(default_factory=list)

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        self.questions.append(list(urls))
        return super().known_urls(urls)


def test_the_archive_is_asked_once_per_sitemap_about_all_its_links() -> None:
    entries = "".join(f"<url><loc>{SITE}/artikel/{n}.html</loc></url>" for n in range(250))
    sitemap = (
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()
    archive = CountingArchive(known={f"{SITE}/artikel/7.html", f"{SITE}/artikel/99.html"})
    spider = make_spider(archive)

    requests = list(spider.parse_sitemap(response(Response, f"{SITE}/sitemap.xml", sitemap)))

    assert len(archive.questions) == 1 and len(archive.questions[0]) == 250
    assert len(requests) == 248
    assert f"{SITE}/artikel/7.html" not in urls(requests)
    assert stat(spider, "skipped/known") == 2


def test_article_page_becomes_a_fetched_page_with_validators() -> None:
    spider = make_spider()
    (page,) = spider.parse_article(
        response(
            HtmlResponse,
            f"{SITE}/artikel/a.html",
            b"<html><body><p>Text</p></body></html>",
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "ETag": '"v1"',
                "Last-Modified": "Wed, 22 Jan 2025 08:00:00 GMT",
            },
        )
    )
    assert isinstance(page, FetchedPage)
    assert (page.url, page.http_etag, page.http_last_modified) == (
        f"{SITE}/artikel/a.html",
        '"v1"',
        "Wed, 22 Jan 2025 08:00:00 GMT",
    )
    assert stat(spider, "pages") == 1


def test_304_on_a_recheck_is_not_modified_without_parsing() -> None:
    spider = make_spider()
    url = f"{SITE}/artikel/a.html"
    (item,) = spider.parse_article(response(HtmlResponse, url, b"", status=304, recheck_url=url))
    assert isinstance(item, NotModified) and item.url == url
    assert stat(spider, "pages") is None


@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_on_a_recheck_mark_the_article_gone(status: int) -> None:
    spider = make_spider()
    url = f"{SITE}/artikel/a.html"
    (item,) = spider.parse_article(
        response(HtmlResponse, url, b"weg", status=status, recheck_url=url)
    )
    assert isinstance(item, Gone) and item.url == url and item.status == status


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7 ..."),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("text/html", b"<html>\x00\x00\x00binary</html>"),
    ],
)
def test_non_html_responses_are_counted_and_skipped(content_type: str, body: bytes) -> None:
    spider = make_spider()
    request = Request(f"{SITE}/artikel/a.html", meta={"newswatch_source": "example"})
    resp = Response(
        url=request.url, body=body, headers={"Content-Type": content_type}, request=request
    )
    if content_type == "text/html":
        resp = HtmlResponse(
            url=request.url, body=body, headers={"Content-Type": content_type}, request=request
        )
    assert list(spider.parse_article(resp)) == []
    assert stat(spider, "skipped/non_html") == 1


def test_an_article_redirected_off_the_site_is_skipped() -> None:
    spider = make_spider()
    request = Request(f"{SITE}/artikel/a.html", meta={"newswatch_source": "example"})
    resp = HtmlResponse(
        url="https://elsewhere.example/copy.html", body=b"<html><p>x</p></html>", request=request
    )
    assert list(spider.parse_article(resp)) == []
    assert stat(spider, "skipped/off_site") == 1
