"""RSS 0.9x / 1.0 (RDF) / 2.0 and Atom feeds -> article links with their dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import urljoin

from lxml import etree

from newswatch.discovery.dates import parse_feed_date
from newswatch.discovery.safexml import XMLDocumentError, child, local_name, parse_xml, text_of


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published_at: datetime | None = None
    title: str = ""


@dataclass(frozen=True)
class Feed:
    entries: tuple[FeedEntry, ...]
    #: items beyond the ``limit`` that were not read
    left_out: int = 0


def parse_feed(
    data: bytes, base_url: str, *, default_tz: tzinfo | None = None
) -> list[FeedEntry]:
    """Entries of an RSS or Atom feed, in feed order.

    Raises :class:`XMLDocumentError` when ``data`` is not a feed at all.
    """
    return list(read_feed(data, base_url, default_tz=default_tz).entries)


def read_feed(
    data: bytes, base_url: str, *, default_tz: tzinfo | None = None, limit: int | None = None
) -> Feed:
    """:func:`parse_feed` reading at most ``limit`` items (the first ones, i.e. normally the
    newest); how many were left unread is :attr:`Feed.left_out`."""
    root = parse_xml(data)
    kind = local_name(root)
    reader: Callable[[etree._Element, str, tzinfo | None], FeedEntry | None]
    if kind == "feed":
        items, reader = _atom_entries(root), _atom_entry
    elif kind in ("rss", "rdf"):
        items, reader = _rss_items(root), _rss_item
    else:
        raise XMLDocumentError(f"not an RSS or Atom feed (root element <{kind}>)")
    left_out = max(len(items) - limit, 0) if limit is not None else 0
    entries: list[FeedEntry] = []
    for item in items[: len(items) - left_out]:
        entry = reader(item, base_url, default_tz)
        if entry is not None:
            entries.append(entry)
    return Feed(tuple(entries), left_out)


def _rss_items(root: etree._Element) -> list[etree._Element]:
    # RSS 0.9x/2.0: rss/channel/item; RSS 1.0: rdf:RDF/item (items are siblings of channel).
    found: list[etree._Element] = []
    for node in root.iter():
        if local_name(node) == "item":
            found.append(node)
    return found


def _rss_item(
    item: etree._Element, base_url: str, default_tz: tzinfo | None
) -> FeedEntry | None:
    link = text_of(child(item, "link"))
    if not link:
        guid = child(item, "guid")
        if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
            link = text_of(guid)
    if not link:
        about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        link = about or ""
    if not link:
        return None
    date_text = text_of(child(item, "pubDate")) or text_of(child(item, "date", "published"))
    return FeedEntry(
        url=urljoin(base_url, link),
        published_at=parse_feed_date(date_text, default_tz=default_tz),
        title=text_of(child(item, "title")),
    )


def _atom_entries(root: etree._Element) -> list[etree._Element]:
    return [node for node in root if local_name(node) == "entry"]


def _atom_entry(
    entry: etree._Element, base_url: str, default_tz: tzinfo | None
) -> FeedEntry | None:
    href = ""
    for node in entry:
        if local_name(node) != "link" or not node.get("href"):
            continue
        rel = (node.get("rel") or "alternate").lower()
        is_html = (node.get("type") or "text/html").startswith(("text/html", "application/xhtml"))
        if rel == "alternate" and is_html:
            href = node.get("href", "")
            break
        if not href and rel == "alternate":
            href = node.get("href", "")
    if not href:
        return None
    date_text = text_of(child(entry, "published")) or text_of(child(entry, "updated"))
    return FeedEntry(
        url=urljoin(base_url, href.strip()),
        published_at=parse_feed_date(date_text, default_tz=default_tz),
        title=text_of(child(entry, "title")),
    )
