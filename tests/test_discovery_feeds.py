"""Feeds: RSS 0.9x, 1.0 (RDF), 2.0 and Atom; hostile XML is neutralised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.discovery import XMLDocumentError, parse_feed

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>tagesschau.de - Wirtschaft</title><link>https://www.tagesschau.de/wirtschaft</link>
<item>
  <title>Milliarden f\xc3\xbcr Rechenzentren</title>
  <link>https://www.tagesschau.de/wirtschaft/ki-rechenzentren-100.html</link>
  <pubDate>Wed, 22 Jan 2025 10:15:00 +0100</pubDate>
</item>
<item>
  <title>Ohne Link, aber mit Permalink-GUID</title>
  <guid isPermaLink="true">https://www.tagesschau.de/wirtschaft/guid-101.html</guid>
  <dc:date>2025-01-22T11:00:00+01:00</dc:date>
</item>
<item><title>Ohne Link und ohne Permalink</title><guid isPermaLink="false">x-1</guid></item>
</channel></rss>"""

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old</title>
<item><title>A</title><link>/news/a.html</link></item>
</channel></rss>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://www.heise.de/"><title>heise</title></channel>
  <item rdf:about="https://www.heise.de/news/a-1.html">
    <title>KI-Investitionen</title><link>https://www.heise.de/news/a-1.html</link>
    <dc:date>2025-01-22T09:00:00Z</dc:date>
  </item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>heise online News</title>
  <entry>
    <title>Stargate: 500 Milliarden Dollar</title>
    <link rel="alternate" type="text/html" href="https://www.heise.de/news/stargate-1.html"/>
    <link rel="enclosure" href="https://www.heise.de/bild.jpg"/>
    <published>2025-01-22T08:30:00+01:00</published>
    <updated>2025-01-22T12:00:00+01:00</updated>
  </entry>
  <entry>
    <title>Nur updated</title>
    <link href="https://www.heise.de/news/b-2.html"/>
    <updated>2025-01-21T08:30:00Z</updated>
  </entry>
  <entry><title>Nur self</title><link rel="self" href="https://www.heise.de/feed/x"/></entry>
</feed>"""


def test_rss2_items_give_links_and_dates() -> None:
    entries = parse_feed(RSS2, "https://www.tagesschau.de/index~rss2.xml")
    assert [e.url for e in entries] == [
        "https://www.tagesschau.de/wirtschaft/ki-rechenzentren-100.html",
        "https://www.tagesschau.de/wirtschaft/guid-101.html",
    ]
    assert entries[0].published_at == datetime(2025, 1, 22, 9, 15, tzinfo=UTC)
    assert entries[0].title == "Milliarden für Rechenzentren"
    assert entries[1].published_at == datetime(2025, 1, 22, 10, 0, tzinfo=UTC)


def test_rss091_relative_links_are_resolved_against_the_feed_url() -> None:
    (entry,) = parse_feed(RSS091, "https://old.example/rss.xml")
    assert entry.url == "https://old.example/news/a.html"
    assert entry.published_at is None


def test_rss1_rdf_items() -> None:
    (entry,) = parse_feed(RSS1, "https://www.heise.de/rss")
    assert entry.url == "https://www.heise.de/news/a-1.html"
    assert entry.published_at == datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


def test_atom_entries_use_the_alternate_link_and_published_before_updated() -> None:
    entries = parse_feed(ATOM, "https://www.heise.de/rss/heise-atom.xml")
    assert [e.url for e in entries] == [
        "https://www.heise.de/news/stargate-1.html",
        "https://www.heise.de/news/b-2.html",
    ]
    assert entries[0].published_at == datetime(2025, 1, 22, 7, 30, tzinfo=UTC)
    assert entries[1].published_at == datetime(2025, 1, 21, 8, 30, tzinfo=UTC)


def test_naive_dates_are_read_in_the_source_time_zone() -> None:
    feed = RSS091.replace(b"</link>", b"</link><pubDate>2025-01-22 10:00</pubDate>")
    (entry,) = parse_feed(feed, "https://x.example/", default_tz=ZoneInfo("Europe/Berlin"))
    assert entry.published_at == datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


def test_garbage_dates_are_unknown_not_errors() -> None:
    feed = RSS091.replace(b"</link>", b"</link><pubDate>gestern abend</pubDate>")
    (entry,) = parse_feed(feed, "https://x.example/")
    assert entry.published_at is None


@pytest.mark.parametrize(
    "data", [b"", b"<html><body>not a feed</body></html>", b"\x89PNG\r\n\x1a\n\x00\x00"]
)
def test_non_feeds_are_rejected_with_a_clear_error(data: bytes) -> None:
    with pytest.raises(XMLDocumentError):
        parse_feed(data, "https://x.example/feed")


def test_billion_laughs_is_refused() -> None:
    lol = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><item>
<title>&lol9;</title><link>https://x.example/a.html</link>
</item></channel></rss>"""
    with pytest.raises(XMLDocumentError, match="declares XML entities"):
        parse_feed(lol, "https://x.example/feed")


def test_external_entities_are_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><item>
<title>&xxe;</title><link>https://x.example/b.html</link>
</item></channel></rss>""".encode()
    with pytest.raises(XMLDocumentError, match="declares XML entities") as excinfo:
        parse_feed(xxe, "https://x.example/feed")
    assert "TOP-SECRET" not in str(excinfo.value)


def test_entity_references_without_declarations_stay_unexpanded() -> None:
    feed = RSS091.replace(b"<title>A</title>", b"<title>A &undeclared; B</title>")
    (entry,) = parse_feed(feed, "https://x.example/")
    assert entry.url == "https://x.example/news/a.html"


def test_real_atom_and_rss_files_from_the_corpus(corpus_dir: Path) -> None:
    atom = parse_feed((corpus_dir / "feeds" / "feed1.atom").read_bytes(), "http://example.org/")
    assert [e.url for e in atom] == ["http://example.org/2003/12/13/atom03"]
    assert atom[0].published_at == datetime(2003, 12, 13, 18, 30, 2, tzinfo=UTC)
    rss = parse_feed((corpus_dir / "feeds" / "feed2.rss").read_bytes(), "http://www.example.com/")
    assert [e.url for e in rss] == ["http://www.example.com/blog/post/1"]


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=2000)
    | st.text(max_size=500).map(
        lambda t: (
            f"<rss><channel><item><link>{t}</link><pubDate>{t}</pubDate></item></channel></rss>".encode()
        )
    )
)
def test_any_input_gives_entries_or_a_clear_error(data: bytes) -> None:
    try:
        entries = parse_feed(data, "https://x.example/feed")
    except XMLDocumentError:
        return
    assert all(e.url for e in entries)
    assert all(
        e.published_at is None or e.published_at.utcoffset() == timedelta(0) for e in entries
    )
