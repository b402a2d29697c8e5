"""Dates found in feeds and sitemaps (RFC 822, ISO 8601, W3C datetime) -> aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime

from dateutil import parser as dateparser


def parse_feed_date(text: str | None, *, default_tz: tzinfo | None = None) -> datetime | None:
    """Parse a feed/sitemap date; naive values are taken in ``default_tz`` (else UTC).

    Returns None for empty or unparseable text, never raises.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    parsed = _iso_datetime(text)  # sitemaps' W3C datetimes: the common case, 100× cheaper
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        try:
            parsed = dateparser.parse(text)
        except (ValueError, OverflowError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz or UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _iso_datetime(text: str) -> datetime | None:
    """``YYYY-MM-DD`` with an optional ``THH:MM[:SS[.fff]]`` and offset or ``Z`` (W3C
    datetime, the profile of ISO 8601 that sitemaps use), else None for the general parsers.
    Only the extended form: the standard library would also take compact and week dates,
    which the general parsers read in their own ways."""
    if len(text) < 10 or text[4] != "-" or text[7] != "-" or not text[:4].isdigit():
        return None
    if len(text) > 10 and text[10] not in "Tt ":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def is_too_old(published: datetime | None, now: datetime, max_age: timedelta) -> bool:
    """True when ``published`` is known and older than ``max_age`` (unknown dates are kept)."""
    return published is not None and now - published > max_age
