"""Dates as German and English news pages print or declare them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswatch.extract.dates import (
    default_zone_for_language,
    parse_date,
    parse_local_date,
    utc_offset_minutes,
)

FETCHED = datetime(2025, 1, 24, 12, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23. Januar 2025, 14:30 Uhr", _utc(2025, 1, 23, 13, 30)),
        ("23.01.2025 – 14:30", _utc(2025, 1, 23, 13, 30)),
        ("Stand: 23.01.2025 14:30 Uhr", _utc(2025, 1, 23, 13, 30)),
        ("Aktualisiert am 23. März 2024 um 9:05 Uhr", _utc(2024, 3, 23, 8, 5)),
        ("Veröffentlicht: 4. Mai 2020, 14.50 Uhr", _utc(2020, 5, 4, 12, 50)),
        ("Do., 23.01.2025", _utc(2025, 1, 22, 23, 0)),
        ("23. Dez. 2024", _utc(2024, 12, 22, 23, 0)),
    ],
)
def test_german_formats_are_read_in_berlin_time(text: str, expected: datetime) -> None:
    assert parse_date(text, default_zone=BERLIN, now=FETCHED) == expected


def test_summer_time_is_respected() -> None:
    assert parse_date("1. Juli 2024, 12:00 Uhr", default_zone=BERLIN, now=FETCHED) == (
        _utc(2024, 7, 1, 10, 0)
    )


def test_relative_german_time_counts_back_from_the_fetch() -> None:
    assert parse_date("vor 3 Stunden", default_zone=BERLIN, now=FETCHED) == (
        FETCHED - timedelta(hours=3)
    )
    assert parse_date("vor einer Minute", default_zone=BERLIN, now=FETCHED) == (
        FETCHED - timedelta(minutes=1)
    )


def test_yesterday_with_a_time_is_the_local_day_before_the_fetch() -> None:
    assert parse_date("gestern, 10:15 Uhr", default_zone=BERLIN, now=FETCHED) == (
        _utc(2025, 1, 23, 9, 15)
    )


def test_english_relative_and_month_names() -> None:
    assert parse_date("3 hours ago", now=FETCHED) == FETCHED - timedelta(hours=3)
    assert parse_date("January 23, 2025 2:30 PM", default_zone="America/New_York",
                      now=FETCHED) == _utc(2025, 1, 23, 19, 30)


def test_an_explicit_offset_wins_over_the_default_zone() -> None:
    assert parse_date("2025-01-23T14:30:00-05:00", default_zone=BERLIN, now=FETCHED) == (
        _utc(2025, 1, 23, 19, 30)
    )


def test_iso_dates_are_never_read_day_first() -> None:
    assert parse_date("2020-05-04 10:00 Uhr", default_zone="UTC", now=FETCHED) == (
        _utc(2020, 5, 4, 10, 0)
    )


def test_output_is_aware_utc() -> None:
    parsed = parse_date("23.01.2025 14:30", default_zone=BERLIN, now=FETCHED)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


def test_future_dates_are_rejected_beyond_a_small_skew() -> None:
    assert parse_date("2025-01-25T12:00:00Z", now=FETCHED) is None
    assert parse_date("2025-01-24T12:30:00Z", now=FETCHED) == _utc(2025, 1, 24, 12, 30)


def test_dates_before_1990_are_rejected() -> None:
    assert parse_date("12. März 1989", default_zone=BERLIN, now=FETCHED) is None


@pytest.mark.parametrize("text", ["", "Foto: dpa", "Kommentare 12", "Seite 3 von 7", "14:30"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_date(text, default_zone=BERLIN, now=FETCHED) is None


def test_default_zone_is_berlin_for_german_pages_only() -> None:
    assert default_zone_for_language("de") == BERLIN
    assert default_zone_for_language("de-AT") == BERLIN
    assert default_zone_for_language("en") == "UTC"
    assert default_zone_for_language(None) == "UTC"


def test_local_date_keeps_the_offset_the_page_states() -> None:
    # 22:46 in Buenos Aires is the next day in UTC, but the page's own date is the 3rd
    local = parse_local_date("2022-05-03T22:46:08-03:00", default_zone=BERLIN, now=FETCHED)
    assert local is not None
    assert (local.date().isoformat(), utc_offset_minutes(local)) == ("2022-05-03", -180)
    assert local == _utc(2022, 5, 4, 1, 46, 8)


def test_local_date_of_a_utc_stamp_stays_in_utc() -> None:
    local = parse_local_date("2019-12-26T23:07:45+00:00", default_zone=BERLIN, now=FETCHED)
    assert local is not None
    assert utc_offset_minutes(local) == 0
    assert local.day == 26


def test_local_date_without_offset_is_in_the_default_zone_with_its_summer_time() -> None:
    winter = parse_local_date("23.01.2025 14:30 Uhr", default_zone=BERLIN, now=FETCHED)
    summer = parse_local_date("1. Juli 2024, 12:00 Uhr", default_zone=BERLIN, now=FETCHED)
    assert winter is not None and summer is not None
    assert (utc_offset_minutes(winter), winter.hour) == (60, 14)
    assert (utc_offset_minutes(summer), summer.hour) == (120, 12)


def test_relative_dates_are_local_to_the_default_zone() -> None:
    local = parse_local_date("gestern, 23:30 Uhr", default_zone=BERLIN, now=FETCHED)
    assert local is not None
    assert (local.day, local.hour, utc_offset_minutes(local)) == (23, 23, 60)
    assert local == _utc(2025, 1, 23, 22, 30)


def test_parse_date_is_the_local_date_in_utc() -> None:
    text = "2023-11-08T21:24:10-05:00"
    local = parse_local_date(text, now=FETCHED)
    assert local is not None
    assert parse_date(text, now=FETCHED) == local
    assert parse_date(text, now=FETCHED).utcoffset() == timedelta(0)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["04 mayo 2022 - 00:00", "12 octobre 2021", "2021", "Veröffentlicht 2021"]
)
def test_a_year_without_a_known_day_and_month_is_not_a_date(text: str) -> None:
    # dateutil alone reads "04 mayo 2022" (a month name it does not know) as April 2022
    assert parse_date(text, default_zone=BERLIN, now=FETCHED) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mai 2020", _utc(2020, 4, 30, 22, 0)),
        ("Wed, 04 May 2022 02:41:00 GMT", _utc(2022, 5, 4, 2, 41)),
        ("04.05.20", _utc(2020, 5, 3, 22, 0)),
    ],
)
def test_month_names_and_numeric_dates_still_parse(text: str, expected: datetime) -> None:
    assert parse_date(text, default_zone=BERLIN, now=FETCHED) == expected
