"""Sitemaps: URL sets, indexes, Google News dates, gzip."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.discovery import XMLDocumentError, parse_sitemap, unpack_sitemap
from newswatch.discovery.dates import is_too_old

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.theguardian.com/technology/2025/jan/22/stargate-ai</loc>
    <lastmod>2025-01-23T09:00:00Z</lastmod>
    <news:news>
      <news:publication>
        <news:name>The Guardian</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2025-01-22T06:00:00Z</news:publication_date>
      <news:title>Stargate: what we know</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://www.theguardian.com/business/2025/jan/20/older</loc>
    <lastmod>2025-01-20</lastmod>
  </url>
  <url><lastmod>2025-01-20</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>/sitemaps/2025-01.xml.gz</loc><lastmod>2025-01-31</lastmod></sitemap>
  <sitemap><loc>https://www.example.org/sitemaps/news.xml</loc></sitemap>
</sitemapindex>"""


def test_google_news_publication_date_wins_over_lastmod() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://www.theguardian.com/sitemaps/news.xml")
    assert sitemap.kind == "urlset"
    assert [(e.url, e.date) for e in sitemap.entries] == [
        ("https://www.theguardian.com/technology/2025/jan/22/stargate-ai",
         datetime(2025, 1, 22, 6, 0, tzinfo=UTC)),
        ("https://www.theguardian.com/business/2025/jan/20/older",
         datetime(2025, 1, 20, tzinfo=UTC)),
    ]


def test_index_lists_child_sitemaps_resolved_against_its_url() -> None:
    sitemap = parse_sitemap(INDEX, "https://www.example.org/sitemap.xml")
    assert sitemap.kind == "index"
    assert [e.url for e in sitemap.entries] == [
        "https://www.example.org/sitemaps/2025-01.xml.gz",
        "https://www.example.org/sitemaps/news.xml",
    ]
    assert sitemap.entries[0].date == datetime(2025, 1, 31, tzinfo=UTC)
    assert sitemap.entries[1].date is None


def test_gzipped_sitemaps_are_unpacked_within_the_size_limit() -> None:
    packed = gzip.compress(NEWS_SITEMAP)
    assert unpack_sitemap(packed, max_size=1_000_000) == NEWS_SITEMAP
    assert unpack_sitemap(NEWS_SITEMAP, max_size=10) == NEWS_SITEMAP  # plain XML passes through
    with pytest.raises(XMLDocumentError, match="gzip"):
        unpack_sitemap(gzip.compress(b"<urlset>" + b" " * 100_000 + b"</urlset>"), max_size=1000)


def test_a_gzipped_sitemap_cut_off_in_transfer_is_refused_not_read_in_part() -> None:
    packed = gzip.compress(NEWS_SITEMAP)
    with pytest.raises(XMLDocumentError, match="cut short"):
        unpack_sitemap(packed[: len(packed) * 2 // 3], max_size=1_000_000)


def test_entries_older_than_max_age_are_too_old_and_undated_ones_are_kept() -> None:
    now = datetime(2025, 1, 23, tzinfo=UTC)
    assert is_too_old(datetime(2025, 1, 1, tzinfo=UTC), now, timedelta(days=7))
    assert not is_too_old(datetime(2025, 1, 20, tzinfo=UTC), now, timedelta(days=7))
    assert not is_too_old(None, now, timedelta(days=7))


def test_a_feed_is_not_a_sitemap() -> None:
    with pytest.raises(XMLDocumentError, match="not a sitemap"):
        parse_sitemap(b"<rss><channel/></rss>", "https://x.example/")


def test_real_sitemaps_from_the_corpus(corpus_dir: Path) -> None:
    feeds = corpus_dir / "feeds"
    plain = parse_sitemap((feeds / "sitemap.xml").read_bytes(), "https://www.sitemaps.org/")
    assert len(plain.entries) == 84
    unpacked = unpack_sitemap((feeds / "sitemap.xml.gz").read_bytes(), max_size=10_000_000)
    assert parse_sitemap(unpacked, "https://x/").entries == plain.entries
    index = parse_sitemap((feeds / "sitemap2.xml").read_bytes(), "http://www.example.com/")
    assert index.kind == "index"
    assert [e.url for e in index.entries] == [
        "http://www.example.com/sitemap1.xml.gz",
        "http://www.example.com/sitemap2.xml.gz",
    ]


def test_sitemaps_declaring_entities_are_refused() -> None:
    bomb = b'''<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset><url><loc>https://x.example/&b;</loc></url></urlset>'''
    with pytest.raises(XMLDocumentError, match="declares XML entities"):
        parse_sitemap(bomb, "https://x.example/sitemap.xml")
