"""How a crawl that returned from Scrapy's reactor is judged: finished, interrupted or failed.

The CLI turns these into exit codes (0, 130, 1) and the run row's status."""

from __future__ import annotations

from newswatch.runner import crawl_outcome


def test_a_crawl_that_closed_normally_finished() -> None:
    assert crawl_outcome(
        failures=[], finish_reason="finished", crawl_ended=True, store_errors=0
    ) == ("finished", None)


def test_a_crawl_stopped_by_a_signal_while_running_is_interrupted() -> None:
    status, error = crawl_outcome(
        failures=[], finish_reason="shutdown", crawl_ended=True, store_errors=0
    )
    assert (status, error) == ("interrupted", "stopped by signal")


def test_a_crawl_stopped_by_a_signal_before_its_engine_started_is_interrupted_not_failed() -> None:
    # Scrapy stops the reactor without closing a spider whose engine was not running yet: the
    # crawl's deferred never fires and no finish reason is recorded.
    status, error = crawl_outcome(
        failures=[], finish_reason=None, crawl_ended=False, store_errors=0
    )
    assert status == "interrupted"
    assert error is not None and "before the crawl started" in error


def test_a_crawl_whose_start_raised_failed_with_that_error() -> None:
    status, error = crawl_outcome(
        failures=["archive is locked"], finish_reason=None, crawl_ended=True, store_errors=0
    )
    assert (status, error) == ("failed", "archive is locked")


def test_a_crawl_closed_for_another_reason_failed_and_says_why() -> None:
    status, error = crawl_outcome(
        failures=[], finish_reason="memusage_exceeded", crawl_ended=True, store_errors=0
    )
    assert (status, error) == ("failed", "crawl ended early: memusage_exceeded")


def test_a_finished_crawl_with_failed_archive_writes_failed() -> None:
    status, error = crawl_outcome(
        failures=[], finish_reason="finished", crawl_ended=True, store_errors=2
    )
    assert (status, error) == ("failed", "2 archive write(s) failed")
