"""XML sitemaps, sitemap indexes and Google News sitemaps -> URLs with their dates.

Dates: ``news:publication_date`` (Google News) wins over ``lastmod``. Gzipped sitemaps
(``.xml.gz`` served as a file, not as Content-Encoding) are unpacked with a size limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal
from urllib.parse import urljoin

from scrapy.utils.gz import gunzip

from newswatch.content_encoding import is_cut_short
from newswatch.discovery.dates import parse_feed_date
from newswatch.discovery.safexml import XMLDocumentError, child, local_name, parse_xml, text_of

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    date: datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    kind: Literal["index", "urlset"]
    entries: tuple[SitemapEntry, ...]
    #: entries beyond the ``limit`` that were not read
    left_out: int = 0


def unpack_sitemap(data: bytes, *, max_size: int) -> bytes:
    """``data`` itself, or its gunzipped content when it is gzip (at most ``max_size`` bytes)."""
    if not data.startswith(GZIP_MAGIC):
        return data
    if is_cut_short(data, ["gzip"], limit=max_size or 2**62):
        raise XMLDocumentError("cannot unpack gzipped sitemap: the file is cut short")
    try:
        return gunzip(data, max_size=max_size)
    except Exception as exc:  # scrapy raises its own size error or zlib/OSError
        raise XMLDocumentError(f"cannot unpack gzipped sitemap: {exc}") from None


def parse_sitemap(
    data: bytes, base_url: str, *, default_tz: tzinfo | None = None, limit: int | None = None
) -> Sitemap:
    """A sitemap index or URL set. Raises :class:`XMLDocumentError` for anything else.

    At most ``limit`` entries are read (in document order); the rest are only counted.
    """
    root = parse_xml(data)
    kind = local_name(root)
    if kind == "sitemapindex":
        wanted = "sitemap"
    elif kind == "urlset":
        wanted = "url"
    else:
        raise XMLDocumentError(f"not a sitemap (root element <{kind}>)")
    entries: list[SitemapEntry] = []
    left_out = 0
    for node in root:
        if local_name(node) != wanted:
            continue
        if limit is not None and len(entries) >= limit:
            left_out += 1
            continue
        loc = text_of(child(node, "loc"))
        if not loc:
            continue
        news = child(node, "news")
        date_text = text_of(child(news, "publication_date")) if news is not None else ""
        date_text = date_text or text_of(child(node, "lastmod"))
        entries.append(
            SitemapEntry(
                url=urljoin(base_url, loc),
                date=parse_feed_date(date_text, default_tz=default_tz),
            )
        )
    return Sitemap(
        kind="index" if kind == "sitemapindex" else "urlset",
        entries=tuple(entries),
        left_out=left_out,
    )
