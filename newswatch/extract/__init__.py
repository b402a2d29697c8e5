"""Article extraction: metadata and body from one HTML page, as plain data.

Interim version on the crawl branch (trafilatura only) so that the crawler runs end to end; the
extraction package replaces it with the same signature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dateutil import parser as dateparser
from trafilatura import bare_extraction

from newswatch.article import Article

__all__ = ["Article", "ExtractOverrides", "extract_article"]


@dataclass(frozen=True)
class ExtractOverrides:
    """Per-source CSS/XPath selectors that win over the generic extraction, and the zone for
    times printed without one (an IANA name)."""

    body_selector: str | None = None
    title_selector: str | None = None
    date_selector: str | None = None
    timezone: str | None = None


def extract_article(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    overrides: ExtractOverrides | None = None,
    fetched_at: datetime | None = None,
) -> Article:
    """Title, body, dates and authors of one article page."""
    doc: Any = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Article(url=url)
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    published = _parse_date(data.get("date"))
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return Article(
        url=url,
        title=(data.get("title") or "").strip(),
        teaser=(data.get("description") or "").strip(),
        body=(data.get("text") or "").strip(),
        authors=authors,
        published_at=published,
        language=data.get("language") or _html_lang(html),
        canonical_url=None,
        publisher=data.get("sitename"),
    )


_HTML_LANG = re.compile(rb"<html[^>]*\slang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _html_lang(html: bytes | str) -> str | None:
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    match = _HTML_LANG.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dateparser.isoparse(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
