"""Closed time windows, for APIs that filter a list by a time range.

Some lists answer one aggregate per requested window (an error leaderboard, a usage
report), others filter rows by a timestamp that can still move for a while (a video view
ends up to an hour after its last activity). Both are read in *closed* windows: ones that
ended at least ``lag`` before now, so the rows inside no longer change and offset paging
over them is stable. Windows are absolute (two instants), never relative to the moment of
a request: a relative window moves between the pages of one listing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Window:
    """The half-open interval ``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    @property
    def epoch_seconds(self) -> tuple[int, int]:
        """Start and end as whole unix seconds, as query parameters want them."""
        return int(self.start.timestamp()), int(self.end.timestamp())


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def utc_now() -> datetime:
    """Now, in whole seconds (the unit of the windows' query parameters); tests patch it."""
    return from_epoch(int(time.time()))


def start_of_day(moment: datetime) -> datetime:
    """Midnight UTC of the day ``moment`` falls in."""
    return utc(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def next_day_start(moment: datetime) -> datetime:
    """``moment`` if it is a UTC midnight, else the next UTC midnight."""
    day = start_of_day(moment)
    return day if day == utc(moment) else day + DAY


def closed_days(first: datetime, now: datetime, *, lag: timedelta) -> list[Window]:
    """Whole UTC days from the day ``first`` falls in, each ended at least ``lag`` ago."""
    closed_before = utc(now) - lag
    windows = []
    day = start_of_day(first)
    while day + DAY <= closed_before:
        windows.append(Window(day, day + DAY))
        day += DAY
    return windows


def spans(start: datetime, end: datetime, *, longest: timedelta) -> list[Window]:
    """``[start, end)`` cut into consecutive windows of at most ``longest``."""
    windows = []
    begin, end = utc(start), utc(end)
    while begin < end:
        windows.append(Window(begin, min(begin + longest, end)))
        begin += longest
    return windows
