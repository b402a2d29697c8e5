"""Section (front/overview) pages -> links to articles on the same site."""

from __future__ import annotations

from collections.abc import Iterable
from re import Pattern
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from newswatch.discovery.urls import canonicalize_url, is_same_site, join_url, split_url


def section_links(
    html: bytes | str,
    page_url: str,
    *,
    domains: Iterable[str],
    allow: Iterable[Pattern[str]] = (),
    deny: Iterable[Pattern[str]] = (),
) -> list[str]:
    """Canonical article links of a section page, in page order, without duplicates.

    A link is kept when it is http(s), on the same site (``domains``), not the page itself,
    matches one of ``allow`` (when given) and none of ``deny``.
    """
    try:
        doc = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    domains = tuple(domains)
    allow, deny = tuple(allow), tuple(deny)
    own = canonicalize_url(page_url)
    seen: set[str] = {own}
    links: list[str] = []
    base = page_url
    base_href = doc.xpath("//base/@href")
    if isinstance(base_href, list) and base_href:
        base = urljoin(page_url, str(base_href[0]))
    hrefs = doc.xpath("//a/@href")
    for href in hrefs if isinstance(hrefs, list) else []:
        absolute = join_url(base, str(href).strip())
        parts = split_url(absolute) if absolute else None
        if absolute is None or parts is None or parts.scheme not in ("http", "https"):
            continue
        url = canonicalize_url(absolute)
        if url in seen or not is_same_site(url, domains):
            continue
        seen.add(url)
        if any(p.search(url) for p in deny):
            continue
        if allow and not any(p.search(url) for p in allow):
            continue
        links.append(url)
    return links
