"""The plain-data article that flows from extraction through cleaning and topics into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass
class Article:
    """What newswatch knows about one fetched article page.

    Text fields are plain Unicode (NFC after cleaning); ``body`` holds paragraphs joined by
    blank lines. Datetimes are timezone-aware and normalised to UTC, or ``None`` when unknown.

    ``published_offset_minutes`` is the UTC offset (minutes east of UTC) in which the page
    stated its publication time: the offset written in its metadata ("…T22:46-03:00" gives
    −180), or that of the zone a time without offset was read in (the source's zone, Europe/
    Berlin for German pages). ``published_local`` applies it, so that the date can be shown as
    the page printed it: an article published at 22:46 in Buenos Aires is on the next day in
    UTC, but on its own day in ``published_local``.
    """

    url: str
    title: str = ""
    teaser: str = ""
    body: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    image_url: str | None = None
    is_paywalled: bool = False
    publisher: str | None = None
    published_offset_minutes: int | None = None

    @property
    def published_local(self) -> datetime | None:
        """``published_at`` in the page's own UTC offset (see above); UTC when it is unknown."""
        if self.published_at is None:
            return None
        offset = timedelta(minutes=self.published_offset_minutes or 0)
        return self.published_at.astimezone(timezone(offset))

    @property
    def word_count(self) -> int:
        return len(self.body.split())
