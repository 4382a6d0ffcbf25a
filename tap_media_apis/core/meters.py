"""Metrics of child streams: one running total per stream, not three lines per parent.

The SDK syncs a child once per parent record and, each time, logs "Beginning sync", a
``record_count`` and a ``sync_duration`` METRIC line: half a million lines (and a fifth
of the run time) for a million records. A child stream here keeps one counter and one
timer for the whole run through the SDK's documented hooks (``get_record_counter``,
``get_sync_timer``): the counter still logs every ``log_interval`` seconds while records
flow, and both log their totals when the stream is done (``log_sync_costs``).
"""

from __future__ import annotations

from time import time
from types import TracebackType
from typing import Any

from singer_sdk import metrics
from typing_extensions import override


class RunningCounter(metrics.Counter):
    """A record counter shared by all contexts of a child stream."""

    @override
    def __enter__(self) -> RunningCounter:
        return self  # keeps last_log_time: the interval spans contexts

    @override
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        return None  # no line per context; flush() logs the rest

    @override
    def with_context(self, value: Any) -> None:
        return None  # a total over all parents has no single context

    def flush(self) -> None:
        if self.value:
            self._pop()


class RunningTimer(metrics.Timer):
    """A sync timer that adds up the time of every context of a child stream."""

    def __init__(self, metric: metrics.Metric, tags: dict[str, Any] | None = None) -> None:
        super().__init__(metric, tags)
        self.total = 0.0
        self.failed = False
        self.used = False

    @override
    def __enter__(self) -> RunningTimer:
        self.start_time = time()
        self.used = True
        return self

    @override
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.total += self.elapsed()
        self.failed = self.failed or exc_type is not None

    @override
    def with_context(self, value: Any) -> None:
        return None

    def flush(self) -> None:
        if not self.used:
            return
        status = metrics.Status.FAILED if self.failed else metrics.Status.SUCCEEDED
        tags = {**self.tags, metrics.Tag.STATUS: status}
        metrics.log(self.logger, metrics.Point("timer", self.metric, self.total, tags))
        self.used = False
