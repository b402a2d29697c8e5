"""The SSRF guard in the downloader: which private hosts a crawl may reach."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from newswatch.config import SourceConfig
from newswatch.middlewares import PrivateAddressMiddleware
from newswatch.spiders.news import NewsSpider
from tests.crawl_fakes import MemoryArchive

INTRANET = SourceConfig(
    name="intranet",
    feeds=("http://127.0.0.1:8080/feed.xml",),
    domains=("127.0.0.1",),
    allow_private_addresses=True,
)
PUBLIC = SourceConfig(
    name="public", feeds=("http://93.184.215.14/feed.xml",), domains=("93.184.215.14",)
)


def guard() -> PrivateAddressMiddleware:
    crawler = get_crawler(NewsSpider)
    crawler.spider = crawler._create_spider(sources=[INTRANET, PUBLIC], archive=MemoryArchive())
    return PrivateAddressMiddleware.from_crawler(crawler)


def request(url: str, source: str | None) -> Request:
    return Request(url, meta={"newswatch_source": source} if source else {})


@pytest.mark.parametrize("source", ["intranet", None])
def test_a_source_allowing_private_addresses_reaches_its_own_private_host(
    source: str | None,
) -> None:
    assert guard().process_request(request("http://127.0.0.1:8080/artikel/a.html", source)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:8080/artikel/a.html",  # another loopback address
        "http://localhost:8080/admin",  # the same machine by another name
        "http://169.254.169.254/latest/meta-data/",  # a cloud metadata service
        "http://10.0.0.1/",
    ],
)
def test_a_redirect_from_such_a_source_to_another_private_host_is_refused(url: str) -> None:
    redirected = request(url, "intranet")
    redirected.meta["redirect_urls"] = ["http://127.0.0.1:8080/artikel/umzug.html"]
    with pytest.raises(IgnoreRequest, match="private address"):
        guard().process_request(redirected)


@pytest.mark.parametrize("source", ["public", None])
def test_no_other_request_reaches_a_private_host_no_source_allows(source: str | None) -> None:
    with pytest.raises(IgnoreRequest, match="private address"):
        guard().process_request(request("http://192.168.1.1/artikel/a.html", source))
