"""Client-side pacing: one pacer per API, shared by every stream and thread."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RequestPacer:
    """Lets at most ``rate`` requests per second through, and none during a hold.

    A hold starts when an API answers 429 with ``Retry-After``: no thread may send to
    that API again before it ends (each provider's docs/providers/<api>.md, "Rate limits").
    """

    def __init__(
        self,
        rate: float | None,
        *,
        window_seconds: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        # float(): the SDK reads config files with parse_float=Decimal (5.5 -> Decimal).
        self._interval = 1.0 / float(rate) if rate and rate > 0 else 0.0
        # An API that counts "N requests in any W seconds" (Basecamp: 50 in 10 s) sees
        # N + 1 requests in a closed W-second window from even spacing at N/W per second:
        # the (N+1)th slot also waits until W seconds (plus a margin for send jitter)
        # after the slot N requests earlier.
        self._window: deque[float] | None = None
        self._window_seconds = float(window_seconds or 0.0)
        if self._interval and self._window_seconds:
            self._window = deque(maxlen=max(1, round(self._window_seconds / self._interval)))
        self._window_margin = min(0.25, self._window_seconds * 0.02)
        # Looked up at call time so tests can patch time.sleep.
        self._clock = clock or _monotonic
        self._sleep = sleep or _sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._hold_until = 0.0

    def acquire(self) -> None:
        """Block until this caller may send one request."""
        while True:
            with self._lock:
                now = self._clock()
                slot = max(now, self._next_slot, self._hold_until)
                window = self._window
                if window is not None and len(window) == window.maxlen:
                    slot = max(slot, window[0] + self._window_seconds + self._window_margin)
                if window is not None:
                    window.append(slot)
                self._next_slot = slot + self._interval
            if slot > now:
                self._sleep(slot - now)
            # A hold that began while we waited for our slot moves us behind it.
            with self._lock:
                if self._hold_until <= slot:
                    return

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds`` from now, on any thread."""
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + seconds)


def _monotonic() -> float:
    return time.monotonic()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)
