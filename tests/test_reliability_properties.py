"""Property-based tests of the crawl-side plain functions: no exception escapes, invariants hold.

(URL canonicalisation, feeds and content encodings have theirs in test_urls.py,
test_discovery_feeds.py and test_content_encoding.py.)
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from dateutil import parser as dateutil_parser
from hypothesis import assume, given
from hypothesis import strategies as st

from newswatch.discovery import (
    XMLDocumentError,
    canonicalize_url,
    is_same_site,
    parse_sitemap,
    read_feed,
    section_links,
    unpack_sitemap,
)
from newswatch.discovery.addresses import PrivateAddressError, check_url_target
from newswatch.discovery.dates import parse_feed_date
from newswatch.middlewares import backoff_delay, retry_after_seconds
from newswatch.runner import format_summary, summarise
from newswatch.scheduling import next_check_at

SITE = "https://www.example-news.de"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

texts = st.text(max_size=200)
path_segments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~%/?=&#", max_size=30)
hosts = st.sampled_from(
    [
        "www.example-news.de",
        "example-news.de",
        "sport.example-news.de",
        "example-news.de.evil.com",
        "other.example",
        "127.0.0.1",
        "",
    ]
)
hrefs = st.one_of(
    st.builds(lambda h, p: f"https://{h}/{p}", hosts, path_segments),
    st.builds(lambda p: f"/{p}", path_segments),
    path_segments,
    st.sampled_from(
        [
            "javascript:alert(1)",
            "mailto:a@b.c",
            "#top",
            "//example-news.de/x",
            "http://[::1]/",
            "https://www.example-news.de:99999/",
            "http://%zz/",
        ]
    ),
    texts,
)


@given(links=st.lists(hrefs, max_size=30), junk=texts)
def test_section_links_are_unique_canonical_same_site_http_links(
    links: list[str], junk: str
) -> None:
    html = (
        "<html><body>"
        + junk
        + "".join(f'<a href="{link.replace(chr(34), "")}">x</a>' for link in links)
        + "</body></html>"
    )
    found = section_links(html, f"{SITE}/wirtschaft/", domains=["example-news.de"])
    assert len(found) == len(set(found))
    for url in found:
        assert urlsplit(url).scheme in ("http", "https")
        assert is_same_site(url, ["example-news.de"])
        assert canonicalize_url(url) == url
        assert url != canonicalize_url(f"{SITE}/wirtschaft/")


@given(data=st.binary(max_size=3000), limit=st.integers(min_value=1, max_value=50))
def test_any_bytes_give_a_sitemap_within_the_limit_or_a_clear_error(
    data: bytes, limit: int
) -> None:
    try:
        sitemap = parse_sitemap(data, f"{SITE}/sitemap.xml", limit=limit)
    except XMLDocumentError:
        return
    assert len(sitemap.entries) <= limit and sitemap.left_out >= 0


@given(count=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=60))
def test_a_sitemap_is_cut_exactly_at_the_limit(count: int, limit: int) -> None:
    urls = "".join(f"<url><loc>{SITE}/artikel/{i}.html</loc></url>" for i in range(count))
    sitemap = parse_sitemap(f"<urlset>{urls}</urlset>".encode(), SITE, limit=limit)
    assert len(sitemap.entries) == min(count, limit)
    assert sitemap.left_out == max(count - limit, 0)
    assert [e.url for e in sitemap.entries] == [
        f"{SITE}/artikel/{i}.html" for i in range(min(count, limit))
    ]


@given(count=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=60))
def test_a_feed_is_cut_exactly_at_the_limit(count: int, limit: int) -> None:
    items = "".join(f"<item><link>{SITE}/a/{i}.html</link></item>" for i in range(count))
    feed = read_feed(f"<rss><channel>{items}</channel></rss>".encode(), SITE, limit=limit)
    assert len(feed.entries) == min(count, limit)
    assert feed.left_out == max(count - limit, 0)


@given(data=st.binary(max_size=2000), max_size=st.integers(min_value=1, max_value=5000))
def test_unpacking_any_sitemap_bytes_stays_within_the_limit_or_fails_clearly(
    data: bytes, max_size: int
) -> None:
    try:
        unpacked = unpack_sitemap(b"\x1f\x8b" + data, max_size=max_size)
    except XMLDocumentError:
        return
    assert len(unpacked) <= max_size


@given(text=st.one_of(texts, st.none()), zone=st.sampled_from([None, UTC]))
def test_feed_dates_are_aware_utc_or_unknown_never_an_error(text: str | None, zone: object) -> None:
    parsed = parse_feed_date(text, default_tz=zone)  # type: ignore[arg-type]
    assert parsed is None or parsed.utcoffset() == timedelta(0)


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, None]),
    )
)
def test_feed_dates_written_in_iso_form_come_back_as_the_same_instant(moment: datetime) -> None:
    parsed = parse_feed_date(moment.isoformat())
    expected = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    assert parsed == expected


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, None, timezone(timedelta(hours=1)),
                                   timezone(timedelta(hours=-5, minutes=-30))]),
    ),
    form=st.sampled_from(["seconds", "minutes", "milliseconds", "date", "space", "Z", "no colon"]),
    zone=st.sampled_from([None, UTC, timezone(timedelta(hours=2))]),
)
def test_w3c_datetimes_read_quickly_mean_what_dateutil_reads(
    moment: datetime, form: str, zone: timezone | None
) -> None:
    """The standard library reads sitemaps' W3C datetimes 100× faster than dateutil; both
    must give the same instant for every form a sitemap writes."""
    text = {
        "seconds": moment.isoformat(timespec="seconds"),
        "minutes": moment.isoformat(timespec="minutes"),
        "milliseconds": moment.isoformat(timespec="milliseconds"),
        "date": moment.date().isoformat(),
        "space": moment.isoformat(sep=" ", timespec="seconds"),
        "Z": moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z",
        "no colon": moment.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }[form]
    by_dateutil = dateutil_parser.parse(text)
    if by_dateutil.tzinfo is None:
        by_dateutil = by_dateutil.replace(tzinfo=zone or UTC)
    assert parse_feed_date(text, default_tz=zone) == by_dateutil.astimezone(UTC)


@given(value=st.one_of(texts, st.binary(max_size=60), st.none()))
def test_retry_after_is_a_non_negative_wait_or_unknown(value: str | bytes | None) -> None:
    seconds = retry_after_seconds(value, NOW)
    assert seconds is None or seconds >= 0


@given(
    retries=st.integers(min_value=0, max_value=200),
    base=st.floats(min_value=0, max_value=100),
    cap=st.floats(min_value=0, max_value=1000),
)
def test_backoff_grows_never_shrinks_and_stays_under_the_cap(
    retries: int, base: float, cap: float
) -> None:
    delay = backoff_delay(retries, base=base, cap=cap)
    assert 0 <= delay <= cap
    assert backoff_delay(retries + 1, base=base, cap=cap) >= delay


@given(address=st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_literal_addresses_are_refused_exactly_when_they_are_not_global(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    mapped = getattr(address, "ipv4_mapped", None) or address
    public = mapped.is_global and not (
        mapped.is_multicast or mapped.is_reserved or mapped.is_unspecified
    )
    try:
        check_url_target(f"http://{host}/feed.xml", allow_private=False)
    except PrivateAddressError:
        assert not public
    else:
        assert public


@given(
    stats=st.dictionaries(
        st.one_of(
            st.sampled_from(["newswatch/new", "newswatch/pages", "downloader/request_count"]),
            st.builds(lambda k: f"newswatch/errors/{k}", st.text(min_size=1, max_size=10)),
            st.builds(lambda k: f"newswatch/skipped/{k}", st.text(min_size=1, max_size=10)),
            st.builds(lambda k: f"spider_exceptions/{k}", st.text(max_size=10)),
            st.text(max_size=20),
        ),
        st.integers(min_value=0, max_value=10**9),
        max_size=20,
    )
)
def test_run_counters_summarise_any_stats_and_print_on_one_line(stats: dict[str, int]) -> None:
    counters = summarise(stats)
    errors = {
        k: v for k, v in stats.items() if k.startswith(("newswatch/errors/", "spider_exceptions/"))
    }
    assert sum(counters["errors"].values()) == sum(errors.values())
    line = format_summary(counters)
    assume("\n" not in "".join(stats))
    assert "\n" not in line


@given(
    first_seen=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    checks=st.integers(min_value=0, max_value=10),
    elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    max_age_days=st.integers(min_value=1, max_value=30),
)
def test_the_next_recheck_is_in_the_future_on_the_ladder_and_within_max_age(
    first_seen: datetime, checks: int, elapsed: timedelta, max_age_days: int
) -> None:
    ladder = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1), timedelta(days=7))
    now = first_seen + elapsed
    due = next_check_at(first_seen, checks, now, ladder, timedelta(days=max_age_days))
    if due is not None:
        assert due > now
        assert due - first_seen in ladder
        assert due - first_seen <= timedelta(days=max_age_days)


@pytest.mark.parametrize("url", ["http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://[::]/"])
def test_disguised_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(PrivateAddressError):
        check_url_target(url, allow_private=False)
