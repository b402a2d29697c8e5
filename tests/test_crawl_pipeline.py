"""ArticlePipeline: extract -> canonical URL -> archive, with failures counted, not raised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler

from newswatch.config import SourceConfig
from newswatch.pages import FetchedPage, Gone, NotModified
from newswatch.pipelines import ArticlePipeline
from newswatch.spiders.news import NewsSpider
from newswatch.topics import compile_topics, parse_topics
from tests.crawl_fakes import MemoryArchive
from tests.crawl_fakes import newswatch_stat as stat
from tests.crawl_site import article_html

SOURCE = SourceConfig(
    name="heise", language="de", feeds=("https://www.heise.de/rss",), domains=("heise.de",)
)
NOW = datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


AI_INVESTMENT = compile_topics(
    parse_topics('[[topic]]\nname = "ai-investment"\nquery = "Rechenzentr* AND Milliarden"\n')
)
ELECTIONS = compile_topics(parse_topics('[[topic]]\nname = "elections"\nquery = "Wahl*"\n'))


def make_pipeline(
    archive: MemoryArchive, **spider_args: object
) -> tuple[ArticlePipeline, NewsSpider]:
    crawler = get_crawler(NewsSpider, {})
    spider: NewsSpider = crawler._create_spider(sources=[SOURCE], archive=archive, **spider_args)
    crawler.spider = spider
    return ArticlePipeline.from_crawler(crawler), spider


def page(url: str, body: bytes, **kwargs: object) -> FetchedPage:
    return FetchedPage(url=url, source_name="heise", body=body, fetched_at=NOW, **kwargs)  # type: ignore[arg-type]



def test_article_is_saved_under_its_same_site_canonical_url() -> None:
    archive = MemoryArchive()
    pipeline, spider = make_pipeline(archive)
    html = article_html("Stargate", canonical="https://www.heise.de/news/stargate-1.html")

    pipeline.process_item(page("https://www.heise.de/news/stargate-1.html?seite=all", html))

    (article,) = archive.saved
    assert article.canonical_url == "https://www.heise.de/news/stargate-1.html"
    assert article.title == "Stargate"
    assert "Rechenzentren" in article.body
    assert stat(spider, "new") == 1


def test_a_canonical_on_another_site_is_ignored() -> None:
    archive = MemoryArchive()
    pipeline, _ = make_pipeline(archive)
    html = article_html("Kopie", canonical="https://evil.example/news/stolen.html")

    pipeline.process_item(page("https://www.heise.de/news/kopie-2.html", html))

    assert archive.saved[0].canonical_url == "https://www.heise.de/news/kopie-2.html"


def test_saving_the_same_article_again_counts_unchanged() -> None:
    archive = MemoryArchive()
    pipeline, spider = make_pipeline(archive)
    item = page("https://www.heise.de/news/a-1.html", article_html("A"))
    pipeline.process_item(item)
    pipeline.process_item(item)
    assert (stat(spider, "new"), stat(spider, "unchanged")) == (1, 1)


def test_pages_without_article_text_are_skipped_and_counted() -> None:
    archive = MemoryArchive()
    pipeline, spider = make_pipeline(archive)
    pipeline.process_item(
        page("https://www.heise.de/news/leer.html", b"<html><body></body></html>")
    )
    assert archive.saved == []
    assert stat(spider, "skipped/no_article_text") == 1


def test_not_modified_and_gone_go_to_the_archive() -> None:
    archive = MemoryArchive()
    pipeline, spider = make_pipeline(archive)
    pipeline.process_item(NotModified("https://www.heise.de/news/a.html", "heise", NOW, '"e"'))
    pipeline.process_item(Gone("https://www.heise.de/news/b.html", "heise", NOW, 410))
    assert archive.not_modified_urls == ["https://www.heise.de/news/a.html"]
    assert archive.gone_urls == ["https://www.heise.de/news/b.html"]
    assert (stat(spider, "not_modified"), stat(spider, "gone")) == (1, 1)


def test_an_archive_error_is_counted_and_does_not_stop_the_crawl() -> None:
    from sqlalchemy.exc import OperationalError

    class BrokenArchive(MemoryArchive):
        def save(self, article, page, topic_results=()):  # type: ignore[no-untyped-def]
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    pipeline, spider = make_pipeline(BrokenArchive())
    pipeline.process_item(page("https://www.heise.de/news/a.html", article_html("A")))
    assert stat(spider, "errors/store") == 1


@pytest.mark.parametrize("body", [b"\xff\xfe\x00<<<", b"<html><p>Kaputt"])
def test_broken_html_never_raises(body: bytes) -> None:
    pipeline, _ = make_pipeline(MemoryArchive())
    pipeline.process_item(page("https://www.heise.de/news/kaputt.html", body))


def test_each_saved_article_is_matched_against_the_topics_on_title_teaser_and_body() -> None:
    archive = MemoryArchive()
    pipeline, _ = make_pipeline(archive, topics=[*AI_INVESTMENT, *ELECTIONS])

    pipeline.process_item(page("https://www.heise.de/news/rz-1.html", article_html("Stargate")))

    (results,) = archive.topic_results
    by_topic = {r.topic: r for r in results}
    assert by_topic["ai-investment"].matched
    assert by_topic["ai-investment"].terms == {"Rechenzentr*": 1, "Milliarden": 1}
    assert not by_topic["elections"].matched


def test_only_topics_remembers_an_off_topic_article_as_seen_instead_of_saving_it() -> None:
    archive = MemoryArchive()
    pipeline, spider = make_pipeline(archive, topics=ELECTIONS, only_topics=True)

    pipeline.process_item(page("https://www.heise.de/news/rz-2.html", article_html("Stargate")))

    assert archive.saved == []
    assert archive.seen == ["https://www.heise.de/news/rz-2.html"]
    assert stat(spider, "skipped/off_topic") == 1


def test_only_topics_saves_a_matching_article() -> None:
    archive = MemoryArchive()
    pipeline, _ = make_pipeline(archive, topics=AI_INVESTMENT, only_topics=True)

    pipeline.process_item(page("https://www.heise.de/news/rz-3.html", article_html("Stargate")))

    assert [a.title for a in archive.saved] == ["Stargate"]
    assert archive.seen == []


def test_only_topics_keeps_versioning_an_archived_article_that_left_the_topic() -> None:
    archive = MemoryArchive()
    pipeline, _ = make_pipeline(archive, topics=ELECTIONS, only_topics=True)
    url = "https://www.heise.de/news/rz-4.html"

    pipeline.process_item(page(url, article_html("Stargate"), recheck_url=url))

    assert [a.title for a in archive.saved] == ["Stargate"]
