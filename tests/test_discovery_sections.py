"""Section pages: same-site article links filtered by allow/deny."""

from __future__ import annotations

import re

from newswatch.discovery import section_links

SECTION = b"""<html><head><title>Wirtschaft</title></head><body>
<nav><a href="/">Start</a><a href="/wirtschaft/">Wirtschaft</a><a href="/video/">Video</a></nav>
<main>
  <a href="/wirtschaft/ki-rechenzentren-100.html">Milliarden f\xc3\xbcr Rechenzentren</a>
  <a href="https://www.tagesschau.de/wirtschaft/ki-rechenzentren-100.html#kommentare">Kommentare</a>
  <a href="/wirtschaft/stargate-102.html?utm_source=teaser">Stargate</a>
  <a href="/video/stargate-103.html">Video zu Stargate</a>
  <a href="https://m.tagesschau.de/inland/mobil-104.html">Mobil</a>
  <a href="https://www.facebook.com/sharer.php?u=x">Teilen</a>
  <a href="mailto:redaktion@tagesschau.de">Mail</a>
  <a href="javascript:void(0)">Mehr</a>
</main></body></html>"""


def test_section_links_are_same_site_canonical_and_deduplicated() -> None:
    links = section_links(
        SECTION, "https://www.tagesschau.de/wirtschaft/", domains=("tagesschau.de",)
    )
    assert links == [
        "https://www.tagesschau.de/",
        "https://www.tagesschau.de/video/",
        "https://www.tagesschau.de/wirtschaft/ki-rechenzentren-100.html",
        "https://www.tagesschau.de/wirtschaft/stargate-102.html",
        "https://www.tagesschau.de/video/stargate-103.html",
        "https://m.tagesschau.de/inland/mobil-104.html",
    ]


def test_allow_and_deny_rules_pick_the_article_links() -> None:
    links = section_links(
        SECTION,
        "https://www.tagesschau.de/wirtschaft/",
        domains=("tagesschau.de",),
        allow=(re.compile(r"\.html$"),),
        deny=(re.compile(r"/video/"),),
    )
    assert links == [
        "https://www.tagesschau.de/wirtschaft/ki-rechenzentren-100.html",
        "https://www.tagesschau.de/wirtschaft/stargate-102.html",
        "https://m.tagesschau.de/inland/mobil-104.html",
    ]


def test_broken_html_gives_no_links_rather_than_an_error() -> None:
    assert section_links(b"", "https://x.example/", domains=("x.example",)) == []
    assert section_links(b"\x00\xff\xfe<<<", "https://x.example/", domains=("x.example",)) == []


def test_a_link_that_is_not_a_url_is_skipped_and_the_others_kept() -> None:
    page = (
        b'<html><body><a href="http://[broken/x.html">kaputt</a>'
        b'<a href="/wirtschaft/stargate-102.html">Stargate</a></body></html>'
    )
    links = section_links(page, "https://www.tagesschau.de/wirtschaft/", domains=("tagesschau.de",))
    assert links == ["https://www.tagesschau.de/wirtschaft/stargate-102.html"]
