"""The plain-data article that flows from extraction through cleaning and topics into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    """What newswatch knows about one fetched article page.

    Text fields are plain Unicode (NFC after cleaning); ``body`` holds paragraphs joined by
    blank lines. Datetimes are timezone-aware and normalised to UTC, or ``None`` when unknown.
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

    @property
    def word_count(self) -> int:
        return len(self.body.split())
