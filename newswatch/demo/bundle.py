"""The bundled demo news site (newswatch/demo/site/) as pages for :class:`SiteServer`.

Files may contain ``{{base}}`` (the server's base URL), ``{{comments}}`` (the comment counter),
``{{published:N}}`` and ``{{published_rfc:N}}`` (N hours before the site's fixed "now", ISO 8601
or RFC 822). ``*.edited.html`` is the later version of the page without that suffix.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from importlib import resources
from importlib.abc import Traversable

from newswatch.demo.server import Page

EDITED_SUFFIX = ".edited.html"
_PLACEHOLDER = re.compile(r"\{\{(base|comments|published|published_rfc)(?::(\d+))?\}\}")
_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain"}


def _files(folder: Traversable, prefix: str = "") -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            found.update(_files(entry, f"{prefix}/{entry.name}"))
        else:
            found[f"{prefix}/{entry.name}"] = entry
    return found


def demo_pages(
    base_url: str, *, now: datetime, comment_count: int, edited: bool
) -> dict[str, Page]:
    """path -> Page for the whole demo site, as it looks before (or after) the edit."""

    def fill(match: re.Match[str]) -> str:
        kind, hours = match.group(1), int(match.group(2) or 0)
        moment = now - timedelta(hours=hours)
        if kind == "base":
            return base_url
        if kind == "comments":
            return str(comment_count)
        if kind == "published":
            return moment.isoformat(timespec="seconds")
        return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")

    files = _files(resources.files("newswatch.demo") / "site")
    pages: dict[str, Page] = {}
    for path, file in sorted(files.items()):
        if path.endswith(EDITED_SUFFIX):
            continue
        source = file
        edited_path = path.removesuffix(".html") + EDITED_SUFFIX
        if edited and edited_path in files:
            source = files[edited_path]
        text = _PLACEHOLDER.sub(fill, source.read_text(encoding="utf-8"))
        suffix = path[path.rfind(".") :]
        pages[path] = Page(text.encode("utf-8"), content_type=_TYPES.get(suffix, "text/plain"))
    return pages


def demo_sources_toml(base_url: str) -> str:
    """A sources.toml that crawls the demo site quickly (it is on 127.0.0.1, so it says so)."""
    return f"""# sources.toml for the offline demo (written by `newswatch demo`)
[crawl]
contact = "mailto:demo@example.org"
download_delay = 0
autothrottle = false
concurrent_requests_per_domain = 4

[[source]]
name = "demo-de"
language = "de"
feeds = ["{base_url}/feed.xml"]
sections = ["{base_url}/wirtschaft.html"]
allow = ['/artikel/']
allow_private_addresses = true   # the demo site runs on this machine
timezone = "Europe/Berlin"

[[source]]
name = "demo-en"
language = "en"
sitemaps = ["{base_url}/sitemap.xml"]
allow = ['/en/']
allow_private_addresses = true
timezone = "Europe/London"
"""
