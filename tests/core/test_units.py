"""Small core pieces on their own: timestamps, Retry-After, errors, decoding, fan-out, config."""

from __future__ import annotations

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tap_media_apis.core import timestamps
from tap_media_apis.core.decode import decode_json
from tap_media_apis.core.errors import api_message
from tap_media_apis.core.fanout import ChildPrefetcher
from tap_media_apis.core.retry import backoff_waits, retry_after_seconds
from tap_media_apis.core.settings import config_errors
from tap_media_apis.core.timestamps import to_rfc3339
from tests.core.fakeapi import FAKE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1609869152", "2021-01-05T17:52:32.000000Z"),  # Mux unix seconds
        (1609869152, "2021-01-05T17:52:32.000000Z"),
        ("2023-11-02T21:49:25.586965", "2023-11-02T21:49:25.586965Z"),  # AssemblyAI naive
        ("2022-05-12T10:38:22.23Z", "2022-05-12T10:38:22.230000Z"),  # 100ms short fraction
        ("2023-01-25T12:06:34.080990401Z", "2023-01-25T12:06:34.080990Z"),  # nanoseconds
        ("2016-08-16T14:30:03-04:00", "2016-08-16T18:30:03.000000Z"),  # Shutterstock offset
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),  # Go zero time
        (None, None),
        ("", None),
    ],
)
def test_timestamps_become_rfc3339_utc(value: object, expected: str | None) -> None:
    assert to_rfc3339(value) == expected


def test_normalised_timestamps_sort_as_text() -> None:
    values = ["2024-01-02T00:00:00+01:00", "2024-01-01T23:30:00Z", "1704150000"]
    normalised = sorted(to_rfc3339(v) or "" for v in values)
    assert normalised == [
        "2024-01-01T23:00:00.000000Z",
        "2024-01-01T23:00:00.000000Z",
        "2024-01-01T23:30:00.000000Z",
    ]


def _response(
    status: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    response._content = body
    return response


def test_retry_after_seconds_and_http_dates() -> None:
    assert retry_after_seconds(_response(429, {"Retry-After": "12"})) == 12
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= (retry_after_seconds(_response(429, {"Retry-After": future})) or 0) <= 30
    assert retry_after_seconds(_response(429)) is None
    assert retry_after_seconds(_response(429, {"Retry-After": "soon"})) is None


def test_backoff_doubles_and_never_undercuts_retry_after() -> None:
    waits = backoff_waits(1.0, 10.0)
    next(waits)

    class Error(Exception):
        def __init__(self, response: requests.Response | None) -> None:
            self.response = response

    assert waits.send(Error(_response(500))) == 1.0
    assert waits.send(Error(None)) == 2.0
    assert waits.send(Error(_response(429, {"Retry-After": "1"}))) == 1.0  # exactly as asked
    assert waits.send(Error(_response(503, {"Retry-After": "30"}))) == 30.0
    assert waits.send(Error(_response(500))) == 10.0  # capped


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": {"type": "x", "messages": ["a", "b"]}}', "a; b"),
        (
            b'{"error": "Authentication error, API token missing/invalid"}',
            "Authentication error, API token missing/invalid",
        ),
        (
            b'{"code": 401, "message": "Token validation error", "details": ["expired"]}',
            "Token validation error",
        ),
        (b'{"errors": [{"message": "Invalid query", "code": "VALIDATION"}]}', "Invalid query"),
        (
            b"<html><head><title>502 Bad Gateway</title></head></html>",
            "an HTML page (502 Bad Gateway)",
        ),
        (b"", "Not Found"),
    ],
)
def test_api_messages_from_every_envelope(body: bytes, message: str) -> None:
    response = _response(404, body=body)
    response.reason = "Not Found"
    assert api_message(response) == message


def test_decoding_cleans_nul_and_surrogates_only_when_present() -> None:
    assert decode_json(b'{"a": "x\\u0000y", "b": ["\\udc00z"]}') == {"a": "xy", "b": ["z"]}
    clean = b'{"a": "caf\\u00e9"}'
    assert decode_json(clean) == {"a": "café"}
    with pytest.raises(ValueError, match="line 1"):
        decode_json(b"{not json")


def test_prefetch_runs_ahead_within_its_window() -> None:
    started: list[int] = []
    gate = threading.Event()

    def fetch(n: int) -> int:
        started.append(n)
        gate.wait(5)
        return n * 10

    prefetcher = ChildPrefetcher(ThreadPoolExecutor(2), window=3)
    for n in range(6):
        prefetcher.schedule(n, lambda n=n: fetch(n))
    time.sleep(0.05)
    assert sorted(started) == [0, 1]  # two workers busy, one more queued in the window
    gate.set()
    assert [prefetcher.take(n).result() for n in range(6)] == [0, 10, 20, 30, 40, 50]  # type: ignore[union-attr]
    assert prefetcher.take(99) is None  # never scheduled: the caller fetches inline
    prefetcher.close()


def test_config_errors_are_single_lines_naming_the_setting() -> None:
    assert config_errors([FAKE], {}) == [
        "no provider configured: add at least one of the blocks fakeapi to the config"
    ]
    assert config_errors([FAKE], {"fakeapi": {}}) == ["fakeapi.token is required"]
    assert config_errors([FAKE], {"fakeapi": {"token": "t"}, "start_date": "yesterday"}) == [
        "start_date 'yesterday' is not an RFC 3339 date-time (for example 2024-01-01T00:00:00Z)"
    ]
    assert config_errors([FAKE], {"fakeapi": {"token": "t"}, "start_date": "2024-01-01"}) == []


def test_utc_text_shortcut_agrees_with_the_datetime_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(7)
    values = ["2023-13-01T00:00:00Z", "2023-02-30T00:00:00Z", "2023-01-01T24:00:00Z"]
    for _ in range(5000):
        moment = datetime(1, 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=rnd.randrange(10**11), microseconds=rnd.randrange(10**6)
        )
        digits = str(rnd.randrange(10**9)).zfill(9)[: rnd.randint(1, 9)]
        fraction = rnd.choice(["", f".{digits}"])
        suffix = rnd.choice(["Z", "z", "+00:00", "-00:00", "+0000", ""])
        values.append(moment.isoformat(sep=rnd.choice("T "))[:19] + fraction + suffix)

    def each(value: str) -> str | None:
        try:
            return to_rfc3339(value)
        except ValueError as exc:
            return f"ValueError {type(exc).__name__}"

    shortcut = [each(v) for v in values]
    monkeypatch.setattr(timestamps, "_UTC_ISO", re.compile(r"(?!)"))  # never matches
    assert shortcut == [each(v) for v in values]
