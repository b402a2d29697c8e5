"""What the spider hands to the pipeline: plain records of one fetch each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FetchedPage:
    """An HTML page fetched as an article candidate."""

    url: str  #: final URL after redirects
    source_name: str
    body: bytes
    fetched_at: datetime
    status: int = 200
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    http_etag: str | None = None
    http_last_modified: str | None = None
    #: the archive URL this fetch re-checks (None for a newly discovered link)
    recheck_url: str | None = None


@dataclass
class NotModified:
    """A conditional re-check answered 304: nothing to parse."""

    url: str
    source_name: str
    checked_at: datetime
    http_etag: str | None = None
    http_last_modified: str | None = None


@dataclass
class Gone:
    """A re-checked article answered 404/410: it is marked gone, its versions stay."""

    url: str
    source_name: str
    checked_at: datetime
    status: int = 404
