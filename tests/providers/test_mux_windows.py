"""The closed-window generator (tap_media_apis/core/windows.py) that the Mux Data streams use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tap_media_apis.core.windows import (
    DAY,
    Window,
    closed_days,
    from_epoch,
    next_day_start,
    spans,
    start_of_day,
)

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_closed_days_are_whole_utc_days_that_ended_at_least_lag_ago() -> None:
    days = closed_days(at("2026-03-01T15:30:00"), at("2026-03-04T00:59:00"), lag=timedelta(hours=1))
    # 03-03 ends at 03-04T00:00, less than an hour before now: not closed yet.
    assert days == [
        Window(at("2026-03-01T00:00:00"), at("2026-03-02T00:00:00")),
        Window(at("2026-03-02T00:00:00"), at("2026-03-03T00:00:00")),
    ]
    later = closed_days(
        at("2026-03-01T15:30:00"), at("2026-03-04T01:00:00"), lag=timedelta(hours=1)
    )
    assert later[-1] == Window(at("2026-03-03T00:00:00"), at("2026-03-04T00:00:00"))


def test_closed_days_with_a_12_hour_lag_and_nothing_closed() -> None:
    assert (
        closed_days(at("2026-03-03T00:00:00"), at("2026-03-04T11:59:59"), lag=timedelta(hours=12))
        == []
    )
    assert (
        len(
            closed_days(
                at("2026-03-03T00:00:00"), at("2026-03-04T12:00:00"), lag=timedelta(hours=12)
            )
        )
        == 1
    )


def test_spans_cut_a_range_into_windows_of_at_most_the_longest() -> None:
    windows = spans(at("2026-03-01T10:00:00"), at("2026-03-03T09:00:00"), longest=DAY)
    assert windows == [
        Window(at("2026-03-01T10:00:00"), at("2026-03-02T10:00:00")),
        Window(at("2026-03-02T10:00:00"), at("2026-03-03T09:00:00")),
    ]
    assert spans(at("2026-03-01T10:00:00"), at("2026-03-01T10:00:00"), longest=DAY) == []


def test_windows_as_epoch_seconds_and_day_helpers() -> None:
    window = Window(from_epoch(1_700_000_000), from_epoch(1_700_086_400))
    assert window.epoch_seconds == (1_700_000_000, 1_700_086_400)
    assert start_of_day(at("2026-03-01T10:00:00")) == at("2026-03-01T00:00:00")
    assert next_day_start(at("2026-03-01T10:00:00")) == at("2026-03-02T00:00:00")
    assert next_day_start(at("2026-03-01T00:00:00")) == at("2026-03-01T00:00:00")
    naive = datetime(2026, 3, 1, 10)
    assert start_of_day(naive) == at("2026-03-01T00:00:00")
