"""Retry timing: exponential backoff that never undercuts ``Retry-After``."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Generator
from typing import Any

import requests

RETRY_AFTER_CAP = 900.0


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Seconds the API asked us to wait, from ``Retry-After`` (seconds or HTTP date)."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - time.time()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def backoff_waits(base: float, cap: float) -> Generator[float, Any, None]:
    """A ``backoff`` wait generator: base·2ⁿ capped, or Retry-After when it is longer."""
    exception = yield  # type: ignore[misc]
    attempt = 0
    while True:
        wait = min(base * (2**attempt), cap)
        attempt += 1
        asked = retry_after_seconds(getattr(exception, "response", None))
        if asked is not None:
            wait = max(wait, asked) if exception_status(exception) != 429 else asked
        elif exception_status(exception) == 401:
            wait = 0.0  # retried only with a renewed token: nothing to wait for
        exception = yield wait


def exception_status(exception: BaseException | None) -> int | None:
    response = getattr(exception, "response", None)
    return None if response is None else response.status_code
