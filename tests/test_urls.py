"""URL canonicalisation and the SSRF guard."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.discovery import (
    PrivateAddressError,
    canonicalize_url,
    check_url_target,
    choose_article_url,
    declared_canonical_url,
    is_public_address,
    is_same_site,
)
from newswatch.discovery.urls import is_tracking_param


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Spiegel.DE/wirtschaft/stargate-a-123.html#comments",
         "https://www.spiegel.de/wirtschaft/stargate-a-123.html"),
        ("https://www.heise.de:443/news/KI-Milliarden.html", "https://www.heise.de/news/KI-Milliarden.html"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://www.theguardian.com/technology/2025/jan/22/stargate?utm_source=twitter"
         "&utm_medium=social&CMP=share_btn_tw", "https://www.theguardian.com/technology/2025/jan/22/stargate?CMP=share_btn_tw"),
        ("https://example.org/a?fbclid=IwAR0x&gclid=abc&mc_cid=1&mc_eid=2&ocid=msn",
         "https://example.org/a"),
        ("https://example.org/search?q=ki&page=2&a=1", "https://example.org/search?a=1&page=2&q=ki"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/m%c3%bcnchen/%7Euser", "https://example.org/m%C3%BCnchen/~user"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_canonicalisation_is_idempotent() -> None:
    url = "https://WWW.example.org:443/x/?b=2&utm_campaign=y&a=1#top"
    assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url)


def test_same_site_accepts_subdomains_but_not_lookalikes() -> None:
    domains = ("spiegel.de",)
    assert is_same_site("https://www.spiegel.de/a", domains)
    assert is_same_site("https://spiegel.de/a", domains)
    assert is_same_site("https://m.spiegel.de/a", domains)
    assert not is_same_site("https://notspiegel.de/a", domains)
    assert not is_same_site("https://spiegel.de.evil.example/a", domains)


def test_declared_canonical_is_read_from_link_then_og_url() -> None:
    both = (
        b'<html><head><link rel="Canonical" href="https://www.heise.de/news/a.html">'
        b'<meta property="og:url" content="https://www.heise.de/news/b.html"></head></html>'
    )
    og_only = b'<html><head><meta property="og:url" content="/news/b.html"></head></html>'
    assert declared_canonical_url(both) == "https://www.heise.de/news/a.html"
    assert declared_canonical_url(og_only) == "/news/b.html"
    assert declared_canonical_url(b"<html><body>no head</body></html>") is None


def test_declared_canonical_wins_only_on_the_same_site() -> None:
    fetched = "https://www.heise.de/news/a.html?wt_mc=rss.red.ho.ho.atom.beitrag.beitrag"
    assert (
        choose_article_url(fetched, "https://www.heise.de/news/A.html", ("heise.de",))
        == "https://www.heise.de/news/A.html"
    )
    assert (
        choose_article_url(fetched, "/news/amp/a.html", ("heise.de",))
        == "https://www.heise.de/news/amp/a.html"
    )
    assert (
        choose_article_url(fetched, "https://evil.example/a.html", ("heise.de",))
        == "https://www.heise.de/news/a.html"
    )
    assert choose_article_url(fetched, None, ("heise.de",)) == "https://www.heise.de/news/a.html"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.10", "169.254.169.254", "0.0.0.0",
     "::1", "fe80::1", "fc00::5", "::ffff:10.0.0.1", "localhost", "240.0.0.1"],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_public(host: str) -> None:
    assert not is_public_address(host)


def test_public_literal_addresses_are_public() -> None:
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/admin", "http://10.0.0.7/feed.xml",
     "http://169.254.169.254/latest/meta-data/", "http://[::1]/"],
)
def test_links_to_private_targets_are_refused_unless_the_source_allows_them(url: str) -> None:
    with pytest.raises(PrivateAddressError, match="allow_private_addresses"):
        check_url_target(url, allow_private=False)
    check_url_target(url, allow_private=True)  # allowed: no exception, and no connection made


# --- properties ------------------------------------------------------------------------------

_segment = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_param = st.sampled_from(["id", "page", "q", "utm_source", "fbclid", "gclid", "Seite", "mc_eid"])
_urls = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(path)}"
        + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["www.Example.org", "heise.de", "xn--mnchen-3ya.de", "127.0.0.1"]),
    st.sampled_from(["", ":443", ":80", ":8080"]),
    st.lists(_segment, max_size=4),
    st.lists(st.tuples(_param, _segment), max_size=4),
    _segment,
)


@settings(max_examples=300, deadline=None)
@given(_urls)
def test_canonical_urls_are_stable_lower_case_and_free_of_tracking(url: str) -> None:
    canonical = canonicalize_url(url)
    assert canonicalize_url(canonical) == canonical
    parts = urlsplit(canonical)
    assert parts.fragment == ""
    assert parts.netloc == parts.netloc.lower()
    assert not any(is_tracking_param(k) for k, _ in parse_qsl(parts.query, keep_blank_values=True))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_canonicalisation_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(canonicalize_url(text), str)


def test_text_that_is_not_a_url_passes_through_canonicalisation() -> None:
    # urllib raises "Invalid IPv6 URL" for these; a crawler meets them in hostile markup.
    for text in ("http://[", "http://a]b/", "//[x"):
        assert canonicalize_url(text) == text


def test_a_broken_canonical_link_falls_back_to_the_fetched_url() -> None:
    fetched = "https://www.example.com/politik/artikel-1.html"
    assert choose_article_url(fetched, "http://[broken", ["example.com"]) == fetched
