"""Mux Data and delivery usage: windows, lag, lookback, paging ends, entitlement, bookmarks.

requests-mock tests against a clock pinned by patching ``core.windows.utc_now``; the fakes
answer like Mux does (docs/providers/mux.md, "API facts").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.core import windows
from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.core.timestamps import to_rfc3339
from tap_media_apis.tap import TapMediaApis
from tests.helpers import sync
from tests.providers import vendor_mux as vendor

BASE = "https://api.mux.com"
TOKEN = ("mux-test-token-id", "mux-test-token-secret-9d2f")
NOW = datetime(2026, 3, 10, 15, 20, 7, tzinfo=timezone.utc)
HOUR = 3600
DAY = 86_400
VIEWS = "mux_data_video_views"
ERRORS = "mux_data_errors"
INCIDENTS = "mux_data_incidents"
USAGE = "mux_video_delivery_usage"
VIEWS_PATH = "/data/v1/video-views"
ERRORS_PATH = "/data/v1/errors"
INCIDENTS_PATH = "/data/v1/incidents"
USAGE_PATH = "/video/v1/delivery-usage"
FIELDS = Path(__file__).parents[2] / "docs" / "providers" / "mux.fields.json"
STREAM_PATHS = {
    "mux_video_assets": "/video/v1/assets",
    "mux_video_live_streams": "/video/v1/live-streams",
    "mux_system_signing_keys": "/system/v1/signing-keys",
    "mux_video_signing_keys": "/video/v1/signing-keys",
    "mux_video_playback_restrictions": "/video/v1/playback-restrictions",
    "mux_video_transcription_vocabularies": "/video/v1/transcription-vocabularies",
    "mux_video_uploads": "/video/v1/uploads",
    VIEWS: VIEWS_PATH,
    ERRORS: ERRORS_PATH,
    INCIDENTS: INCIDENTS_PATH,
    USAGE: USAGE_PATH,
}
NOT_ENTITLED = {
    "error": {
        "type": "not_found",
        "messages": ["The requested resource either doesn't exist or you don't have access to it."],
    }
}

pytestmark = pytest.mark.usefixtures("no_sleep")


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(windows, "utc_now", lambda: NOW)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


NOW_S = epoch(NOW)
TODAY = NOW_S - NOW_S % DAY


def config(start_date: str | None = "2020-01-01T00:00:00Z", **block: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "user_agent": "acme-data (data@acme.example)",
        "mux": {"token_id": TOKEN[0], "token_secret": TOKEN[1], **block},
    }
    if start_date:
        result["start_date"] = start_date
    return result


def query(request: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def sent(m: rm.Mocker, path: str) -> list[dict[str, list[str]]]:
    return [query(r) for r in m.request_history if urlsplit(r.url).path == path]


def timeframes(m: rm.Mocker, path: str) -> list[tuple[int, int]]:
    frames = []
    for q in sent(m, path):
        assert "timeframe" not in q  # bracket keys only
        start, end = (int(v) for v in q["timeframe[]"])
        frames.append((start, end))
    return frames


def iso_ms(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.250Z")


def view(n: int, end: int) -> dict[str, Any]:
    return {
        "id": f"view{n:04d}".ljust(35, "x"),
        "view_start": iso_ms(end - 600),
        "view_end": iso_ms(end),
        "total_row_count": 0,
        "playback_failure": False,
        "country_code": "US",
        "error_type_id": None,
        "player_error_code": None,
        "player_error_message": None,
        "video_title": f"Episode {n}",
        "viewer_application_name": "Chrome",
        "viewer_os_family": "Windows",
        "viewer_experience_score": 0.9,
        "watch_time": 600_000,
    }


def paged(request: Any, rows: list[dict[str, Any]], default_limit: int) -> tuple[list, int]:
    q = query(request)
    page, limit = int(q.get("page", ["1"])[0]), int(q.get("limit", [str(default_limit)])[0])
    limit = min(limit, 100)
    return rows[(page - 1) * limit : page * limit], limit


def serve_views(m: rm.Mocker, rows: list[dict[str, Any]]) -> None:
    """Filter on view_end within [start, end), ordered by it, page/limit paging."""

    def answer(request: Any, context: Any) -> dict[str, Any]:
        start, end = (int(v) for v in query(request)["timeframe[]"])
        chosen = [
            r
            for r in rows
            if start <= epoch(datetime.fromisoformat(r["view_end"][:19] + "+00:00")) < end
        ]
        chosen.sort(
            key=lambda r: r["view_end"], reverse=query(request).get("order_direction") != ["asc"]
        )
        data, _ = paged(request, chosen, 25)
        return {
            "data": [{**r, "total_row_count": len(chosen)} for r in data],
            "total_row_count": len(chosen),
            "timeframe": [start, end],
        }

    m.get(BASE + VIEWS_PATH, json=answer)


def error_row(type_id: int, count: int, last_seen: int) -> dict[str, Any]:
    return {
        "id": type_id,
        "code": type_id % 10,
        "player_error_code": str(type_id % 10),
        "message": "Media failed to decode",
        "description": None,
        "notes": None,
        "count": count,
        "percentage": count / 50,
        "last_seen": iso_ms(last_seen),
    }


def serve_errors(m: rm.Mocker, by_day: dict[int, list[dict[str, Any]]]) -> None:
    def answer(request: Any, context: Any) -> dict[str, Any]:
        start, end = (int(v) for v in query(request)["timeframe[]"])
        return {"data": by_day.get(start, []), "total_row_count": None, "timeframe": [start, end]}

    m.get(BASE + ERRORS_PATH, json=answer)


def usage_row(n: int, seconds: float) -> dict[str, Any]:
    return {
        "asset_id": f"asset{n:04d}".ljust(38, "x"),
        "created_at": "1566324794",
        "asset_state": "ready",
        "asset_duration": 480.5,
        "asset_resolution_tier": "1080p",
        "asset_encoding_tier": "smart",
        "delivered_seconds": seconds,
        "delivered_seconds_by_resolution": {"tier_1080p": seconds},
    }


def serve_usage(m: rm.Mocker, by_day: Callable[[int], list[dict[str, Any]]]) -> None:
    def answer(request: Any, context: Any) -> dict[str, Any]:
        start, end = (int(v) for v in query(request)["timeframe[]"])
        assert start >= NOW_S - 90 * DAY, "more than 90 days back"
        assert end <= NOW_S - 12 * HOUR, "less than 12 hours ago"
        rows = by_day(start)
        data, limit = paged(request, rows, 100)
        return {
            "data": data,
            "total_row_count": len(rows),
            "timeframe": [start, end],
            "limit": limit,
        }

    m.get(BASE + USAGE_PATH, json=answer)


# -- video views ------------------------------------------------------------------------------


def test_views_first_sync_reads_closed_day_spans_from_the_backfill_to_an_hour_ago(
    requests_mock: rm.Mocker,
) -> None:
    cutoff = NOW_S - HOUR
    ends = [cutoff - 30 - i * 1700 for i in range(230)] + [cutoff + 60, NOW_S - 5]
    serve_views(requests_mock, [view(i, end) for i, end in enumerate(ends)])
    result = sync(config(), select=[VIEWS])
    frames = timeframes(requests_mock, VIEWS_PATH)
    starts = sorted({f[0] for f in frames})
    # 30 days of backfill (the default) from midnight, in windows of at most a week,
    # the last one ending an hour before now.
    assert starts == [TODAY - 30 * DAY + n * 7 * DAY for n in range(5)]
    assert max(f[1] for f in frames) == cutoff
    queries = sent(requests_mock, VIEWS_PATH)
    assert all(q["limit"] == ["100"] and q["order_direction"] == ["asc"] for q in queries)
    ids = [r["id"] for r in result.records[VIEWS]]
    assert len(ids) == len(set(ids)) == 230  # the two views still in progress are not read
    assert result.final_state["bookmarks"][VIEWS]["replication_key_value"] == to_rfc3339(cutoff)


@pytest.mark.parametrize(("rows", "pages"), [(200, ["1", "2"]), (150, ["1", "2"]), (0, ["1"])])
def test_views_paging_stops_at_the_total_and_on_a_short_page(
    requests_mock: rm.Mocker, rows: int, pages: list[str]
) -> None:
    cutoff = NOW_S - HOUR
    serve_views(requests_mock, [view(i, cutoff - 10 - i * 30) for i in range(rows)])
    bookmark = {"replication_key": "view_end", "replication_key_value": to_rfc3339(cutoff - DAY)}
    result = sync(config(), select=[VIEWS], state={"bookmarks": {VIEWS: bookmark}})
    # A full last page is the end when the total says so: no empty page is asked for.
    assert [q["page"][0] for q in sent(requests_mock, VIEWS_PATH)] == pages
    assert len(result.records[VIEWS]) == rows


def test_views_incremental_rereads_an_hour_of_lookback_in_one_request(
    requests_mock: rm.Mocker,
) -> None:
    bookmark = NOW_S - 5 * HOUR
    rows = [view(1, bookmark - 2 * HOUR), view(2, bookmark - 1800), view(3, bookmark + 600)]
    serve_views(requests_mock, rows)
    state = {
        "bookmarks": {
            VIEWS: {"replication_key": "view_end", "replication_key_value": to_rfc3339(bookmark)}
        }
    }
    result = sync(config(), select=[VIEWS], state=state)
    assert timeframes(requests_mock, VIEWS_PATH) == [(bookmark - HOUR, NOW_S - HOUR)]
    # The view inside the lookback comes again (it may have changed); the older one not.
    assert [r["id"][:8] for r in result.records[VIEWS]] == ["view0002", "view0003"]
    assert result.final_state["bookmarks"][VIEWS]["replication_key_value"] == to_rfc3339(
        NOW_S - HOUR
    )


def test_views_start_at_start_date_when_it_is_inside_the_backfill(requests_mock: rm.Mocker) -> None:
    serve_views(requests_mock, [])
    start = NOW - timedelta(days=2, hours=3)
    sync(config(start_date=start.isoformat()), select=[VIEWS])
    frames = timeframes(requests_mock, VIEWS_PATH)
    assert frames == [(epoch(start), NOW_S - HOUR)]


@pytest.mark.parametrize("days", [0, -3, "7", True])
def test_backfill_days_must_be_a_positive_integer(days: Any) -> None:
    with pytest.raises(ConfigError, match=r"mux\.backfill_days must be a positive number"):
        TapMediaApis(config=config(backfill_days=days), parse_env_config=False)


def test_views_backfill_setting_bounds_the_first_sync(requests_mock: rm.Mocker) -> None:
    serve_views(requests_mock, [])
    sync(config(backfill_days=3), select=[VIEWS])
    assert timeframes(requests_mock, VIEWS_PATH)[0][0] == TODAY - 3 * DAY


# -- errors -----------------------------------------------------------------------------------


def test_errors_one_request_per_closed_utc_day_rows_carry_the_echoed_window(
    requests_mock: rm.Mocker,
) -> None:
    first = TODAY - 3 * DAY
    by_day = {
        first: [error_row(1087, 3, first + 100), error_row(1121, 1, first + 200)],
        first + DAY: [],
        first + 2 * DAY: [error_row(1087, 5, first + 2 * DAY + 50)],
    }
    serve_errors(requests_mock, by_day)
    result = sync(config(start_date=to_rfc3339(first + 7 * HOUR)), select=[ERRORS])
    # Today is not closed; yesterday is (it ended more than an hour ago).
    assert timeframes(requests_mock, ERRORS_PATH) == [(d, d + DAY) for d in sorted(by_day)]
    assert not [q for q in sent(requests_mock, ERRORS_PATH) if "page" in q or "limit" in q]
    keys = [(r["id"], r["window_start"]) for r in result.records[ERRORS]]
    assert keys == [
        (1087, to_rfc3339(first)),
        (1121, to_rfc3339(first)),
        (1087, to_rfc3339(first + 2 * DAY)),
    ]
    assert all(r["window_end"] == to_rfc3339(first + DAY) for r in result.records[ERRORS][:2])
    assert result.final_state["bookmarks"][ERRORS]["replication_key_value"] == to_rfc3339(
        first + 2 * DAY
    )


def test_errors_window_comes_from_the_answer_not_the_request(requests_mock: rm.Mocker) -> None:
    day = TODAY - DAY

    def rounded(request: Any, context: Any) -> dict[str, Any]:
        return {
            "data": [error_row(1087, 1, day + 10)],
            "total_row_count": None,
            "timeframe": [day - HOUR, day + DAY],
        }

    requests_mock.get(BASE + ERRORS_PATH, json=rounded)
    result = sync(config(start_date=to_rfc3339(day)), select=[ERRORS])
    assert result.records[ERRORS][0]["window_start"] == to_rfc3339(day - HOUR)


def test_errors_without_an_echoed_window_carry_the_requested_one(requests_mock: rm.Mocker) -> None:
    day = TODAY - DAY
    requests_mock.get(BASE + ERRORS_PATH, json={"data": [error_row(1087, 1, day + 10)]})
    result = sync(config(start_date=to_rfc3339(day)), select=[ERRORS])
    [row] = result.records[ERRORS]
    assert (row["window_start"], row["window_end"]) == (to_rfc3339(day), to_rfc3339(TODAY))


def test_errors_no_request_for_a_day_the_state_closed_even_without_rows(
    requests_mock: rm.Mocker,
) -> None:
    serve_errors(requests_mock, {})
    yesterday = TODAY - DAY
    state = {
        "bookmarks": {
            ERRORS: {
                "replication_key": "window_start",
                "replication_key_value": to_rfc3339(yesterday),
            }
        }
    }
    result = sync(config(), select=[ERRORS], state=state)
    assert requests_mock.request_history == []
    assert result.final_state["bookmarks"][ERRORS]["replication_key_value"] == to_rfc3339(yesterday)
    # A day with no errors still closes its window in the state.
    state[ERRORS] = None
    older = {
        "bookmarks": {
            ERRORS: {
                "replication_key": "window_start",
                "replication_key_value": to_rfc3339(yesterday - 2 * DAY),
            }
        }
    }
    again = sync(config(), select=[ERRORS], state=older)
    assert timeframes(requests_mock, ERRORS_PATH) == [
        (yesterday - DAY, yesterday),
        (yesterday, TODAY),
    ]
    assert again.final_state["bookmarks"][ERRORS]["replication_key_value"] == to_rfc3339(yesterday)


# -- incidents --------------------------------------------------------------------------------


def incident(n: int) -> dict[str, Any]:
    return {
        "id": f"pid{n}",
        "status": "open",
        "severity": "alert",
        "started_at": iso_ms(NOW_S - n * HOUR),
        "resolved_at": None,
    }


def test_incidents_page_and_limit_full_table_no_request_past_the_end(
    requests_mock: rm.Mocker,
) -> None:
    rows = [incident(n) for n in range(1, 131)]

    def answer(request: Any, context: Any) -> dict[str, Any]:
        data, _ = paged(request, rows, 25)
        return {"data": data, "total_row_count": len(rows), "timeframe": [NOW_S - DAY, NOW_S]}

    requests_mock.get(BASE + INCIDENTS_PATH, json=answer)
    state = {"bookmarks": {INCIDENTS: {"replication_key_value": "2030-01-01T00:00:00Z"}}}
    result = sync(config(), select=[INCIDENTS], state=state)
    assert [(q["page"], q["limit"]) for q in sent(requests_mock, INCIDENTS_PATH)] == [
        (["1"], ["100"]),
        (["2"], ["100"]),
    ]
    assert "timeframe[]" not in sent(requests_mock, INCIDENTS_PATH)[0]
    assert len(result.records[INCIDENTS]) == 130  # full table, whatever the state says


# -- delivery usage ---------------------------------------------------------------------------


def test_usage_daily_windows_end_12_hours_ago_and_start_within_90_days(
    requests_mock: rm.Mocker,
) -> None:
    serve_usage(requests_mock, lambda start: [usage_row(n, 1000.0 - n) for n in range(3)])
    result = sync(config(backfill_days=365), select=[USAGE])
    frames = timeframes(requests_mock, USAGE_PATH)
    assert frames == sorted(frames)
    assert all(end - start == DAY and start % DAY == 0 for start, end in frames)
    assert frames[0][0] >= NOW_S - 90 * DAY
    assert frames[0][0] - DAY < NOW_S - 90 * DAY  # the earliest whole day Mux still answers
    assert frames[-1][1] <= NOW_S - 12 * HOUR
    assert frames[-1][1] == TODAY  # 15:20 now: yesterday ended 15 hours ago, so it is closed
    keys = {(r["asset_id"], r["window_start"]) for r in result.records[USAGE]}
    assert len(keys) == len(result.records[USAGE]) == 3 * len(frames)
    row = result.records[USAGE][0]
    assert row["window_end"] == to_rfc3339(frames[0][1])
    assert row["created_at"] == to_rfc3339(1566324794)


def test_usage_pages_end_on_the_total_and_the_state_closes_each_window(
    requests_mock: rm.Mocker,
) -> None:
    serve_usage(
        requests_mock,
        lambda start: (
            [usage_row(n, 5000.0 - n) for n in range(200)] if start == TODAY - DAY else []
        ),
    )
    state = {
        "bookmarks": {
            USAGE: {
                "replication_key": "window_start",
                "replication_key_value": to_rfc3339(TODAY - 3 * DAY),
            }
        }
    }
    result = sync(config(), select=[USAGE], state=state)
    pages = [(int(q["timeframe[]"][0]), q["page"][0]) for q in sent(requests_mock, USAGE_PATH)]
    assert pages == [(TODAY - 2 * DAY, "1"), (TODAY - DAY, "1"), (TODAY - DAY, "2")]
    assert len(result.records[USAGE]) == 200
    bookmark = result.final_state["bookmarks"][USAGE]["replication_key_value"]
    assert bookmark == to_rfc3339(TODAY - DAY)
    requests_mock.reset_mock()
    sync(config(), select=[USAGE], state=result.final_state)
    assert requests_mock.request_history == []


# -- entitlement ------------------------------------------------------------------------------


def test_a_token_without_mux_data_skips_the_data_streams_with_one_warning_each(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    for path in (VIEWS_PATH, ERRORS_PATH, INCIDENTS_PATH):
        requests_mock.get(BASE + path, status_code=404, json=NOT_ENTITLED)
    serve_usage(requests_mock, lambda start: [usage_row(1, 10.0)])
    with caplog.at_level(logging.WARNING):
        result = sync(
            config(start_date=to_rfc3339(TODAY - 2 * DAY)), select=[VIEWS, ERRORS, INCIDENTS, USAGE]
        )
    assert [len(result.records[s]) for s in (VIEWS, ERRORS, INCIDENTS)] == [0, 0, 0]
    assert len(result.records[USAGE]) == 2
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "Mux Data" in r.getMessage()
    ]
    assert len(warnings) == 3, warnings
    # One request each: a skipped stream asks for no further window or page.
    assert len(sent(requests_mock, VIEWS_PATH)) == len(sent(requests_mock, ERRORS_PATH)) == 1


def test_a_404_on_a_video_list_still_fails(requests_mock: rm.Mocker) -> None:
    requests_mock.get(BASE + USAGE_PATH, status_code=404, json=NOT_ENTITLED)
    with pytest.raises(ProviderAPIError, match="HTTP 404"):
        sync(config(start_date=to_rfc3339(TODAY - 2 * DAY)), select=[USAGE])


# -- vendor-shaped payloads, schemas and masks -------------------------------------------------


def documented_paths(stream: str) -> list[str]:
    fields = json.loads(FIELDS.read_text())
    return list(fields[stream]["fields"])


def arrives(records: list[dict[str, Any]], path: str) -> bool:
    """Whether some record has the field at ``path`` (``a.b[].c``), whatever its value."""
    values: list[Any] = records
    for part in path.split("."):
        many = part.endswith("[]")
        name = part.removesuffix("[]")
        found = [v[name] for v in values if isinstance(v, dict) and name in v]
        if not found:
            return False
        values = [item for v in found for item in (v or [])] if many else found
    return True


def serve_vendor(m: rm.Mocker) -> None:
    for stream, body in vendor.LIST_BODIES.items():
        m.get(BASE + STREAM_PATHS[stream], json=body)


@pytest.mark.parametrize("stream", sorted(json.loads(FIELDS.read_text())))
def test_vendor_payloads_every_documented_field_arrives_and_validates(
    requests_mock: rm.Mocker, stream: str
) -> None:
    serve_vendor(requests_mock)
    parent = {"mux_video_playbacks": "mux_video_assets"}.get(stream)
    # Windowed streams: one window (since yesterday); others: everything (no start_date).
    start = to_rfc3339(TODAY - DAY) if stream in (VIEWS, ERRORS, USAGE) else None
    result = sync(config(start_date=start), select=[s for s in (stream, parent) if s])
    records = result.records[stream]
    assert records
    missing = [path for path in documented_paths(stream) if not arrives(records, path)]
    assert not missing, missing
    validator = Draft202012Validator(result.schemas[stream], format_checker=FormatChecker())
    for record in records:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (stream, errors)
        assert record.get("extra_fields") is None  # nothing undocumented in these payloads


def test_upload_urls_and_signing_keys_lose_their_secrets_everywhere(
    requests_mock: rm.Mocker,
) -> None:
    upload = dict(vendor.UPLOAD, later_field="a field Mux adds later")
    requests_mock.get(BASE + STREAM_PATHS["mux_video_uploads"], json={"data": [upload]})
    serve_vendor_except = {"mux_video_uploads"}
    for stream, body in vendor.LIST_BODIES.items():
        if stream not in serve_vendor_except:
            requests_mock.get(BASE + STREAM_PATHS[stream], json=body)
    result = sync(
        config(start_date=None),
        select=["mux_video_uploads", "mux_system_signing_keys", "mux_video_signing_keys"],
    )
    dumped = json.dumps(result.messages, default=str)
    for secret in ("Signature=bloopblop", "bloopblop", vendor.SIGNING_KEY["private_key"]):
        assert secret not in dumped
    [record] = result.records["mux_video_uploads"]
    assert record["url"] == (
        "https://storage.googleapis.com/video-storage-us-east1-uploads/"
        "OOTbA00CpWh6OgwV3asF00IvD2STk22UXM"
    )
    assert record["extra_fields"] == {"later_field": "a field Mux adds later"}
    assert result.records["mux_system_signing_keys"][0]["private_key"] is None


def test_the_four_data_streams_with_their_contract_keys() -> None:
    tap = TapMediaApis(config=config(), parse_env_config=False)
    contract = {
        VIEWS: (["id"], "view_end"),
        ERRORS: (["id", "window_start"], "window_start"),
        INCIDENTS: (["id"], None),
        USAGE: (["asset_id", "window_start"], "window_start"),
    }
    for name, (keys, replication_key) in contract.items():
        stream = tap.streams[name]
        assert list(stream.primary_keys) == keys
        assert stream.replication_key == replication_key
        properties = stream.schema["properties"]
        assert stream.schema["required"] == keys
        for prop, spec in properties.items():
            if prop not in keys and prop != "extra_fields":
                assert "null" in spec["type"], (name, prop)
        if replication_key:
            assert properties[replication_key]["format"] == "date-time"
