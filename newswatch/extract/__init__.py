"""Article extraction: metadata and body from one HTML page, as plain data.

``extract_article(html, url, *, headers=None, overrides=None, fetched_at=None) -> Article``
decodes and parses the page once, reads its metadata (JSON-LD, OpenGraph, meta tags,
microdata), extracts the body with trafilatura, and returns the article cleaned by
``newswatch.clean``.
"""

from newswatch.article import Article
from newswatch.extract.extractor import BodyOptions, extract_article
from newswatch.extract.overrides import ExtractOverrides
from newswatch.extract.parsing import parse_page

__all__ = ["Article", "BodyOptions", "ExtractOverrides", "extract_article", "parse_page"]
