"""Bounded-concurrency prefetch of child requests.

The SDK syncs each parent record's children one after another, so many-parent child
streams wait on the network one request at a time. Here the parent announces its
children for a page in the order the SDK will sync them; a pool fetches a bounded
window of them ahead, and each child takes its result when the SDK reaches it. Order,
state and pacing are unchanged: every request still passes the provider's pacer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

Fetch = Callable[[], Any]


class ChildPrefetcher:
    def __init__(self, executor: ThreadPoolExecutor, window: int) -> None:
        self._executor = executor
        self._window = window
        self._lock = threading.Lock()
        self._waiting: OrderedDict[Hashable, Fetch] = OrderedDict()
        self._running: dict[Hashable, Future[Any]] = {}

    def schedule(self, key: Hashable, fetch: Fetch) -> None:
        with self._lock:
            if key not in self._running and key not in self._waiting:
                self._waiting[key] = fetch
            self._fill()

    def take(self, key: Hashable) -> Future[Any] | None:
        """The prefetch for ``key``, or None if it was never scheduled (fetch inline)."""
        with self._lock:
            future = self._running.pop(key, None)
            if future is None:
                self._waiting.pop(key, None)
            self._fill()
        return future

    def _fill(self) -> None:
        while self._waiting and len(self._running) < self._window:
            key, fetch = self._waiting.popitem(last=False)
            self._running[key] = self._executor.submit(fetch)

    def discard(self) -> None:
        """Forget what nobody took (a parent stopped early or a map filtered it)."""
        with self._lock:
            self._waiting.clear()
            for future in self._running.values():
                future.cancel()
            self._running.clear()

    def close(self) -> None:
        self.discard()
        self._executor.shutdown(wait=False, cancel_futures=True)
