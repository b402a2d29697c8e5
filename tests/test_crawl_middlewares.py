"""Retry timing rules: Retry-After parsing and exponential backoff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswatch.middlewares import backoff_delay, retry_after_seconds

NOW = datetime(2025, 1, 22, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"120", 120.0),
        ("0", 0.0),
        ("Wed, 22 Jan 2025 12:00:30 GMT", 30.0),
        ("Wed, 22 Jan 2025 11:00:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_is_delta_seconds_or_an_http_date(
    header: str | bytes | None, seconds: float | None
) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff_delay(n, base=2.0, cap=10.0) for n in range(5)]
    assert delays == [2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff_delay(3, base=0, cap=10.0) == 0.0
