"""extract_article and the cleaners never raise, whatever they are given."""

from __future__ import annotations

import gzip
import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.article import Article
from newswatch.clean import clean_article, clean_text
from newswatch.extract import ExtractOverrides, extract_article
from newswatch.extract.authors import split_byline
from newswatch.extract.dates import parse_date

URL = "https://example.org/news/1"
HTML_BITS = st.sampled_from([
    "<html>", "</html>", "<head>", "<body>", "<p>", "</p>", "<div class='paywall'>", "</div>",
    "<script type='application/ld+json'>", "</script>", '{"@type":"NewsArticle",',
    '"datePublished":"2024-13-45",', '"author":[null,{"name":5}]', "}", "<meta charset='",
    "utf-16", "'>", "<time datetime='gestern'>", "<h1>", "Bitte deaktivieren Sie", "Ad-Blocker",
    "\x00", "\ufeff", "&#x0;", "<![CDATA[", "<!--", "-->", "<?xml version='1.0'?>",
])
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    assert isinstance(extract_article(data, URL), Article)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    assert isinstance(extract_article(text, URL), Article)


@SETTINGS
@given(st.lists(st.one_of(HTML_BITS, st.text(max_size=30)), max_size=60))
def test_html_like_soup(parts: list[str]) -> None:
    html = "".join(parts)
    article = extract_article(html, URL, headers={"Content-Type": "text/html; charset=foo"},
                              overrides=ExtractOverrides(body_selector="p", date_selector="//"))
    assert isinstance(article, Article)


@SETTINGS
@given(st.text(max_size=3000), st.sampled_from(["de", "en", "fr", None]))
def test_clean_text_never_raises(text: str, language: str | None) -> None:
    assert isinstance(clean_text(text, language), str)


@SETTINGS
@given(st.text(max_size=300), st.text(max_size=1000))
def test_clean_article_never_raises(teaser: str, body: str) -> None:
    assert isinstance(clean_article(Article(url=URL, teaser=teaser, body=body)), Article)


@SETTINGS
@given(st.text(max_size=200))
def test_date_and_byline_parsers_never_raise(text: str) -> None:
    parse_date(text, default_zone="Europe/Berlin")
    split_byline(text)


def test_empty_inputs() -> None:
    assert extract_article(b"", URL) == Article(url=URL)
    assert extract_article("", URL) == Article(url=URL)


def test_gzip_bytes_are_not_mistaken_for_a_page() -> None:
    article = extract_article(gzip.compress(b"<html><body><p>x</p></body></html>"), URL)
    assert article.body == ""


def test_huge_json_ld_is_tolerated() -> None:
    big = json.dumps({"@type": "NewsArticle", "headline": "Titel",
                      "keywords": ["x"] * 200_000, "articleBody": "y " * 300_000})
    html = (f"<html><head><script type='application/ld+json'>{big}</script></head>"
            "<body><p>Kurzer Text.</p></body></html>")
    assert isinstance(extract_article(html, URL), Article)


def test_deeply_nested_markup_is_tolerated() -> None:
    html = "<html><body>" + "<div>" * 5000 + "<p>tief</p>" + "</div>" * 5000 + "</body></html>"
    assert isinstance(extract_article(html, URL), Article)


def test_an_unexpected_error_is_logged_and_gives_a_bare_article(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_reader(*_args: object) -> None:
        raise RuntimeError("bug in a metadata reader")

    monkeypatch.setattr("newswatch.extract.extractor.read_metadata", broken_reader)
    with caplog.at_level(logging.WARNING, logger="newswatch.extract.extractor"):
        article = extract_article("<html><body><p>Text</p></body></html>", URL)
    assert article == Article(url=URL)
    assert "extraction failed on https://example.org/news/1" in caplog.text
