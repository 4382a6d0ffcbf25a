"""Mux Data and delivery usage against the in-process sandbox, on the real clock.

The sandbox's views, errors and usage sit relative to the wall clock (see its module doc):
a full sync, an incremental sync after ``advance``, and a token without Mux Data.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.mux import VIDEO_ONLY_TOKEN_ID, VIDEO_ONLY_TOKEN_SECRET
from tests.helpers import SyncResult, sync

VIEWS = "mux_data_video_views"
ERRORS = "mux_data_errors"
INCIDENTS = "mux_data_incidents"
USAGE = "mux_video_delivery_usage"
DATA_STREAMS = [VIEWS, ERRORS, INCIDENTS, USAGE]
KEYS = {
    VIEWS: ("id",),
    ERRORS: ("id", "window_start"),
    INCIDENTS: ("id",),
    USAGE: ("asset_id", "window_start"),
}
PATHS = {
    VIEWS: "/mux/data/v1/video-views",
    ERRORS: "/mux/data/v1/errors",
    INCIDENTS: "/mux/data/v1/incidents",
    USAGE: "/mux/video/v1/delivery-usage",
}

pytestmark = pytest.mark.usefixtures("no_sleep")


def keys(result: SyncResult, stream: str) -> set[tuple[Any, ...]]:
    return {tuple(r[k] for k in KEYS[stream]) for r in result.records[stream]}


def calls(log: list[dict[str, Any]], stream: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(entry["path"]).query)
        for entry in log
        if urlsplit(entry["path"]).path == PATHS[stream]
    ]


def test_full_sync_then_incremental_after_advance() -> None:
    with run_sandbox(["mux"]) as sandbox:
        config = sandbox.tap_config()
        first = sync(config, select=DATA_STREAMS)
        expected = {s: n for s, n in sandbox.expected_counts().items() if s in DATA_STREAMS}
        log = list(sandbox.requests)
        assert {s: len(keys(first, s)) for s in DATA_STREAMS} == expected
        assert {s: len(first.records[s]) for s in DATA_STREAMS} == expected
        assert all(expected.values())

        now = time.time()
        for stream in (VIEWS, ERRORS, USAGE):
            for q in calls(log, stream):
                assert "timeframe" not in q  # bracket keys, absolute epoch pairs
                start, end = (int(v) for v in q["timeframe[]"])
                assert start < end <= now
        assert all(int(q["timeframe[]"][1]) <= now - 3600 for q in calls(log, VIEWS))
        # One request per closed day of the 30-day backfill; usage days end 12 hours ago.
        error_days = [tuple(q["timeframe[]"]) for q in calls(log, ERRORS)]
        assert len(error_days) == len(set(error_days)) in (29, 30)
        assert all(int(q["timeframe[]"][1]) <= now - 12 * 3600 for q in calls(log, USAGE))
        assert len(calls(log, INCIDENTS)) == 1
        # The views still in progress (the last 30 minutes) are not read.
        assert sandbox.parts["mux"].views_in_progress  # type: ignore[attr-defined]

        sandbox.advance()
        before = len(sandbox.requests)
        second = sync(config, state=first.final_state, select=DATA_STREAMS)
        after = {s: n for s, n in sandbox.expected_counts().items() if s in DATA_STREAMS}
        log = list(sandbox.requests)[before:]
        merged = {s: len(keys(first, s) | keys(second, s)) for s in DATA_STREAMS}
        assert merged == after
        assert after[VIEWS] > expected[VIEWS]
        # Closed windows are not asked for again; views: one window from the lookback.
        assert Counter(urlsplit(e["path"]).path for e in log) == {
            PATHS[VIEWS]: 1,
            PATHS[INCIDENTS]: 1,
        }
        assert not second.records[ERRORS]
        assert not second.records[USAGE]
        late = keys(second, VIEWS) - keys(first, VIEWS)
        assert len(late) == 4
        # The view whose metrics changed inside the lookback comes again.
        changed = [r for r in second.records[VIEWS] if r["viewer_experience_score"] == 0.99]
        assert changed


def test_a_token_without_mux_data_skips_the_data_streams_and_loads_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run_sandbox(["mux"]) as sandbox:
        config = sandbox.tap_config()
        config["mux"].update(token_id=VIDEO_ONLY_TOKEN_ID, token_secret=VIDEO_ONLY_TOKEN_SECRET)
        with caplog.at_level(logging.WARNING):
            result = sync(config)
        expected = sandbox.expected_counts()
        log = list(sandbox.requests)
    for stream in (VIEWS, ERRORS, INCIDENTS):
        assert not result.records[stream]
        assert len(calls(log, stream)) == 1  # the refusal, then nothing more
    loaded = {s: len(result.records[s]) for s in expected if s not in (VIEWS, ERRORS, INCIDENTS)}
    assert loaded == {s: n for s, n in expected.items() if s in loaded}
    warnings = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(warnings) == 3
    assert all("Mux Data permission" in w and "HTTP 404" in w for w in warnings)
