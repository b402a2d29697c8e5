"""Finding article URLs: feeds, sitemaps, section pages; URL canonicalisation; SSRF guard.

Plain functions over bytes and strings; the spider (newswatch.spiders.news) wires them to Scrapy.
"""

from newswatch.discovery.addresses import (
    PrivateAddressError,
    check_url_target,
    is_public_address,
)
from newswatch.discovery.feeds import Feed, FeedEntry, parse_feed, read_feed
from newswatch.discovery.safexml import XMLDocumentError
from newswatch.discovery.sections import section_links
from newswatch.discovery.sitemaps import Sitemap, SitemapEntry, parse_sitemap, unpack_sitemap
from newswatch.discovery.urls import (
    canonicalize_url,
    choose_article_url,
    declared_canonical_url,
    is_same_site,
)

__all__ = [
    "Feed",
    "FeedEntry",
    "PrivateAddressError",
    "Sitemap",
    "SitemapEntry",
    "XMLDocumentError",
    "canonicalize_url",
    "check_url_target",
    "choose_article_url",
    "declared_canonical_url",
    "is_public_address",
    "is_same_site",
    "parse_feed",
    "parse_sitemap",
    "read_feed",
    "section_links",
    "unpack_sitemap",
]
