"""Mux Video (docs/providers/mux.md): requests-mock unit tests plus in-process sandbox runs.

The Mux Data and delivery-usage streams are tested in test_mux_data.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.core.timestamps import to_rfc3339
from tap_media_apis.providers.mux import PROVIDER
from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.mux import TOKEN_ID, TOKEN_SECRET
from tap_media_apis.tap import TapMediaApis
from tests.helpers import CollectingWriter, SyncResult, declared, sync

BASE = "https://api.mux.com"
TOKEN = ("mux-test-token-id", "mux-test-token-secret-9d2f")
BASIC = "Basic " + base64.b64encode(":".join(TOKEN).encode()).decode()
START = "2025-01-01T00:00:00Z"
START_EPOCH = 1_735_689_600
HOUR = 3600

ASSETS = "mux_video_assets"
LIVE = "mux_video_live_streams"
PLAYBACKS = "mux_video_playbacks"
SYSTEM_KEYS = "mux_system_signing_keys"
RESTRICTIONS = "mux_video_playback_restrictions"
VOCABULARIES = "mux_video_transcription_vocabularies"
UPLOADS = "mux_video_uploads"
VIDEO_KEYS = "mux_video_signing_keys"
ALL_STREAMS = [ASSETS, LIVE, PLAYBACKS, SYSTEM_KEYS, RESTRICTIONS, VOCABULARIES, UPLOADS]
ALL_STREAMS.append(VIDEO_KEYS)
DATA_STREAMS = [
    "mux_data_video_views",
    "mux_data_errors",
    "mux_data_incidents",
    "mux_video_delivery_usage",
]

PATHS = {
    ASSETS: "/video/v1/assets",
    LIVE: "/video/v1/live-streams",
    SYSTEM_KEYS: "/system/v1/signing-keys",
    RESTRICTIONS: "/video/v1/playback-restrictions",
    VOCABULARIES: "/video/v1/transcription-vocabularies",
    UPLOADS: "/video/v1/uploads",
    VIDEO_KEYS: "/video/v1/signing-keys",
}
REPLICATION_KEYS = {
    ASSETS: "created_at",
    LIVE: "created_at",
    SYSTEM_KEYS: "created_at",
    RESTRICTIONS: "updated_at",
    VOCABULARIES: "updated_at",
    VIDEO_KEYS: "created_at",
}

pytestmark = pytest.mark.usefixtures("no_sleep")


def make_config(start_date: str | None = START, **block: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "user_agent": "acme-data (data@acme.example)",
        "mux": {"token_id": TOKEN[0], "token_secret": TOKEN[1], **block},
    }
    if start_date:
        config["start_date"] = start_date
    return config


def mux_id(prefix: str, n: int) -> str:
    """A 38-character id in Mux's style, readable in failures."""
    return f"{prefix}{n:06d}".ljust(38, "x")


def epoch(n: int, offset_hours: int = 0) -> str:
    return str(START_EPOCH + (n + 1) * HOUR + offset_hours * HOUR)


# -- realistic payloads (fields from docs/providers/mux.md, "Field lists") --------------------


def playback(prefix: str, n: int, policy: str = "public") -> dict[str, Any]:
    return {"id": mux_id(prefix, n), "policy": policy}


def asset(n: int, *, created: str | None = None, playbacks: int = 1) -> dict[str, Any]:
    return {
        "id": mux_id("as", n),
        "created_at": created or epoch(n),
        "status": "ready",
        "duration": 120.533333,
        "aspect_ratio": "16:9",
        "max_stored_resolution": "HD",
        "max_stored_frame_rate": 29.97,
        "resolution_tier": "1080p",
        "max_resolution_tier": "1080p",
        "encoding_tier": "smart",
        "video_quality": "plus",
        "ingest_type": "on_demand_url",
        "master_access": "none",
        "mp4_support": "none",
        "passthrough": f"video-{n}",
        "test": False,
        "playback_ids": [
            playback("pa", n * 10 + k, "signed" if k else "public") for k in range(playbacks)
        ],
        "tracks": [
            {"id": mux_id("tv", n), "type": "video", "duration": 120.533333,
             "max_width": 1920, "max_height": 1080, "max_frame_rate": 29.97},
            {"id": mux_id("ta", n), "type": "audio", "duration": 120.533333,
             "max_channels": 2, "max_channel_layout": "stereo", "primary": True,
             "language_code": "en", "name": "English", "status": "ready"},
        ],
        "meta": {"title": f"Episode {n}", "creator_id": "editorial"},
        "progress": {"state": "completed", "progress": 100},
        "non_standard_input_reasons": {"video_codec": "hevc"},
        "static_renditions": {"status": "ready", "files": [
            {"name": "high.mp4", "ext": "mp4", "height": 1080, "width": 1920,
             "bitrate": 5800000, "filesize": "87391201"}]},
        "errors": None,
        "an_undocumented_field": {"x": 1},
    }  # fmt: skip


def live_stream(n: int, *, created: str | None = None, playbacks: int = 1) -> dict[str, Any]:
    return {
        "id": mux_id("ls", n),
        "created_at": created or epoch(n),
        "status": "idle",
        "stream_key": f"stream-key-{n:04d}-secret",
        "srt_passphrase": f"srt-passphrase-{n:04d}-secret",
        "playback_ids": [playback("pl", n * 10 + k) for k in range(playbacks)],
        "new_asset_settings": {"playback_policies": ["public"]},
        "latency_mode": "standard",
        "reconnect_window": 60,
        "max_continuous_duration": 43200,
        "recent_asset_ids": [mux_id("as", n)],
        "active_asset_id": None,
        "test": False,
        "audio_only": False,
        "reduced_latency": False,
        "low_latency": False,
        "use_slate_for_standard_latency": False,
        "embedded_subtitles": [],
        "generated_subtitles": [{"name": "English CC", "language_code": "en"}],
        "simulcast_targets": [
            {"id": mux_id("st", n), "status": "idle", "stream_key": f"youtube-key-{n}-secret",
             "url": "rtmp://a.rtmp.youtube.com/live2"},
            {"id": mux_id("ss", n), "status": "idle", "stream_key": f"srt-key-{n}-secret",
             "url": f"srt://srt.example.com:6001?streamid=srt-key-{n}-secret&passphrase=pp-{n}-secret"},
            {"id": mux_id("sr", n), "status": "errored", "error_severity": "fatal",
             "url": f"rtmps://restream:pw-{n}-secret@live.example.com:443/app"},
        ],
        "active_ingest_protocol": "rtmp",
        "meta": {"title": f"Studio {n}"},
    }  # fmt: skip


def signing_key(n: int, *, created: str | None = None) -> dict[str, Any]:
    return {"id": mux_id("sk", n), "created_at": created or epoch(n)}


def restriction(n: int, *, created: str | None = None, updated: str | None = None) -> dict:
    return {
        "id": mux_id("pr", n),
        "created_at": created or epoch(n),
        "updated_at": updated or epoch(n, 5),
        "referrer": {"allowed_domains": ["example.com", "*.example.com"],
                     "allow_no_referrer": False},
        "user_agent": {"allow_no_user_agent": False, "allow_high_risk_user_agent": False},
    }  # fmt: skip


def vocabulary(n: int, *, created: str | None = None, updated: str | None = None) -> dict:
    return {
        "id": mux_id("tv", n),
        "name": f"Product terms {n}",
        "phrases": ["Mux", "Demuxed", "HLS"],
        "passthrough": "product",
        "created_at": created or epoch(n),
        "updated_at": updated or epoch(n, 2),
    }


def upload(n: int) -> dict[str, Any]:
    return {
        "id": mux_id("up", n),
        "timeout": 3600,
        "status": "asset_created" if n % 2 else "waiting",
        "new_asset_settings": {"playback_policies": ["public"], "video_quality": "basic"},
        "cors_origin": "https://app.example.com",
        "url": f"https://storage.googleapis.com/uploads/{n}?Signature=abc",
        "asset_id": mux_id("as", n) if n % 2 else None,
        "error": {"type": "invalid_file", "message": "bad"} if n == 3 else None,
        "test": False,
    }


FACTORIES: dict[str, Callable[[int], dict[str, Any]]] = {
    ASSETS: asset,
    LIVE: live_stream,
    SYSTEM_KEYS: signing_key,
    RESTRICTIONS: restriction,
    VOCABULARIES: vocabulary,
    UPLOADS: upload,
    VIDEO_KEYS: signing_key,
}
PAGE_STREAMS = [LIVE, SYSTEM_KEYS, RESTRICTIONS, VOCABULARIES, UPLOADS, VIDEO_KEYS]


# -- a fake Mux: page/limit for every list, cursor for assets ---------------------------------


def query(request: Any) -> dict[str, str]:
    # request.qs lower-cases values; cursors are case-sensitive.
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def serve_pages(m: rm.Mocker, path: str, records: list[dict[str, Any]]) -> None:
    """page/limit like Mux (limit default 25, max 100): an empty page past the end."""

    def respond(request: Any, context: Any) -> dict[str, Any]:
        q = query(request)
        page, limit = int(q.get("page", 1)), min(int(q.get("limit", 25)), 100)
        return {"data": records[(page - 1) * limit : page * limit]}

    m.get(BASE + path, json=respond)


def serve_cursor(
    m: rm.Mocker, records: list[dict[str, Any]], *, null_cursor_at_end: bool = True
) -> None:
    """List Assets in cursor mode; ``next_cursor`` null after the last record (or not)."""

    def respond(request: Any, context: Any) -> dict[str, Any]:
        q = query(request)
        assert "page" not in q, "cursor mode never sends page"
        start = int(base64.b64decode(q["cursor"])) if "cursor" in q else 0
        limit = min(int(q.get("limit", 25)), 100)
        more = start + limit < len(records) or not null_cursor_at_end
        cursor = base64.b64encode(str(start + limit).encode()).decode() if more else None
        return {"data": records[start : start + limit], "next_cursor": cursor}

    m.get(BASE + PATHS[ASSETS], json=respond)


def serve_all(m: rm.Mocker, sizes: dict[str, int] | None = None) -> dict[str, list[dict[str, Any]]]:
    sizes = dict.fromkeys(PATHS, 3) | (sizes or {})
    data = {stream: [FACTORIES[stream](n) for n in range(sizes[stream])] for stream in PATHS}
    serve_cursor(m, data[ASSETS])
    for stream in PAGE_STREAMS:
        serve_pages(m, PATHS[stream], data[stream])
    return data


def requests_to(m: rm.Mocker, path: str) -> list[dict[str, str]]:
    return [query(r) for r in m.request_history if urlsplit(r.url).path == path]


def validate(result: SyncResult, stream: str) -> None:
    """Every record conforms to the SCHEMA message, date-times really being RFC 3339."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_rfc3339(value: object) -> bool:
        if isinstance(value, str):
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value.endswith("Z")
        return True

    schema = result.schemas[stream]
    validator = Draft202012Validator(schema, format_checker=checker)
    for record in result.records[stream]:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (stream, record.get("id"), errors)


# -- discovery and config ---------------------------------------------------------------------


def test_the_eight_streams_with_the_contract_keys() -> None:
    tap = TapMediaApis(config=make_config(), parse_env_config=False)
    streams = {name: s for name, s in tap.streams.items() if name in ALL_STREAMS}
    assert sorted(streams) == sorted(ALL_STREAMS)
    assert PROVIDER.stream_names == ALL_STREAMS + DATA_STREAMS
    assert PROVIDER.probe_stream.__dict__["name"] == ASSETS
    for name, stream in streams.items():
        assert list(stream.primary_keys) == ["id"], name
        assert stream.replication_key == REPLICATION_KEYS.get(name), name
        schema = stream.schema
        assert schema["required"] == ["id"]
        assert schema["properties"]["id"] == {"type": "string"}
        for prop, spec in schema["properties"].items():
            if prop != "id":
                assert "null" in spec["type"], (name, prop)
        if stream.replication_key:
            assert schema["properties"][stream.replication_key]["format"] == "date-time"


def test_page_size_above_the_mux_maximum_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"mux.page_size must be between 1 and 100"):
        sync(make_config(page_size=250))


# -- paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", PAGE_STREAMS)
def test_page_lists_stop_on_a_short_page(requests_mock: rm.Mocker, stream: str) -> None:
    data = serve_all(requests_mock, {stream: 230})
    result = sync(make_config(start_date=None), select=[stream])
    assert [r["id"] for r in result.records[stream]] == [r["id"] for r in data[stream]]
    assert requests_to(requests_mock, PATHS[stream]) == [
        {"page": "1", "limit": "100"},
        {"page": "2", "limit": "100"},
        {"page": "3", "limit": "100"},
    ]
    assert requests_mock.call_count == 3


@pytest.mark.parametrize("stream", PAGE_STREAMS)
def test_page_lists_ending_on_a_full_page_cost_exactly_one_empty_request(
    requests_mock: rm.Mocker, stream: str
) -> None:
    serve_all(requests_mock, {stream: 200})
    result = sync(make_config(start_date=None), select=[stream])
    assert len({r["id"] for r in result.records[stream]}) == 200
    assert [q["page"] for q in requests_to(requests_mock, PATHS[stream])] == ["1", "2", "3"]
    assert requests_mock.call_count == 3


def test_assets_follow_next_cursor_until_it_is_null(requests_mock: rm.Mocker) -> None:
    data = serve_all(requests_mock, {ASSETS: 300})
    result = sync(make_config(start_date=None), select=[ASSETS])
    assert [r["id"] for r in result.records[ASSETS]] == [r["id"] for r in data[ASSETS]]
    # A full last page with a null cursor: no fourth request.
    assert requests_to(requests_mock, PATHS[ASSETS]) == [
        {"limit": "100"},
        {"limit": "100", "cursor": base64.b64encode(b"100").decode()},
        {"limit": "100", "cursor": base64.b64encode(b"200").decode()},
    ]


def test_assets_stop_on_a_short_page_even_with_a_cursor(requests_mock: rm.Mocker) -> None:
    data = [asset(n) for n in range(150)]
    serve_cursor(requests_mock, data, null_cursor_at_end=False)
    result = sync(make_config(start_date=None), select=[ASSETS])
    assert len(result.records[ASSETS]) == 150
    assert requests_mock.call_count == 2


def test_assets_stop_on_an_empty_page(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        BASE + PATHS[ASSETS],
        [
            {"json": {"data": [asset(n) for n in range(100)], "next_cursor": "Y3Vyc29yLTI="}},
            {"json": {"data": [], "next_cursor": "Y3Vyc29yLTM="}},
        ],
    )
    result = sync(make_config(start_date=None), select=[ASSETS])
    assert len(result.records[ASSETS]) == 100
    assert requests_mock.call_count == 2


def test_a_lower_page_size_is_sent_as_limit(requests_mock: rm.Mocker) -> None:
    serve_all(requests_mock, {ASSETS: 120, UPLOADS: 120})
    sync(make_config(start_date=None, page_size=50), select=[ASSETS, UPLOADS])
    assert [q["limit"] for q in requests_to(requests_mock, PATHS[ASSETS])] == ["50"] * 3
    assert [q["page"] for q in requests_to(requests_mock, PATHS[UPLOADS])] == ["1", "2", "3"]
    assert {q["limit"] for q in requests_to(requests_mock, PATHS[UPLOADS])} == {"50"}


# -- records ----------------------------------------------------------------------------------


def test_every_stream_every_record_valid_keys_unique_and_timestamps_converted(
    requests_mock: rm.Mocker,
) -> None:
    data = serve_all(requests_mock, dict.fromkeys(PATHS, 120) | {ASSETS: 150})
    result = sync(make_config(start_date=None), select=ALL_STREAMS)
    for stream in ALL_STREAMS:
        records = result.records[stream]
        assert records, stream
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids)), stream
        validate(result, stream)
    for stream, rows in data.items():
        by_id = {r["id"]: r for r in result.records[stream]}
        assert list(by_id) == [r["id"] for r in rows], stream
        for row in rows:
            for field in ("created_at", "updated_at"):
                if field in row:
                    assert by_id[row["id"]][field] == to_rfc3339(row[field]), (stream, field)
    first = result.records[ASSETS][0]
    assert first["created_at"] == "2025-01-01T01:00:00.000000Z"
    assert "an_undocumented_field" not in first
    assert first["tracks"][1]["max_channel_layout"] == "stereo"
    # Two pages of assets, two of every other list; no request for a single playback.
    assert requests_mock.call_count == 2 * len(PATHS)


def test_basic_auth_user_agent_and_limit_on_every_request(requests_mock: rm.Mocker) -> None:
    serve_all(requests_mock, dict.fromkeys(PATHS, 101))
    sync(make_config(), select=ALL_STREAMS)
    assert requests_mock.call_count == 2 * len(PATHS)
    for request in requests_mock.request_history:
        assert request.headers["Authorization"] == BASIC
        assert request.headers["User-Agent"] == "acme-data (data@acme.example)"
        assert query(request)["limit"] == "100"


@pytest.mark.parametrize("stream", list(REPLICATION_KEYS))
def test_records_before_start_date_are_not_emitted(requests_mock: rm.Mocker, stream: str) -> None:
    before, after = str(START_EPOCH - 86_400), str(START_EPOCH + 86_400)
    factory = FACTORIES[stream]
    rows = [factory(n) for n in range(6)]
    for n, row in enumerate(rows):
        # Old and new records mixed: no sort order is documented (docs/providers/mux.md).
        row["created_at"] = before if n % 2 else after
        if "updated_at" in row:
            row["updated_at"] = row["created_at"]
    rows[5]["updated_at"] = after  # created before start, changed since
    requests_mock.get(BASE + PATHS[stream], json={"data": rows, "next_cursor": None})
    result = sync(make_config(), select=[stream])
    emitted = [r["id"] for r in result.records[stream]]
    key = REPLICATION_KEYS[stream]
    assert emitted == [r["id"] for r in rows if r[key] == after]
    assert rows[1]["id"] not in emitted
    assert rows[3]["id"] not in emitted
    assert (rows[5]["id"] in emitted) == (key == "updated_at")
    assert requests_mock.call_count == 1
    bookmark = result.final_state["bookmarks"][stream]["replication_key_value"]
    assert bookmark == to_rfc3339(after)


def test_uploads_are_full_table_whatever_the_start_date(requests_mock: rm.Mocker) -> None:
    serve_all(requests_mock, {UPLOADS: 5})
    result = sync(make_config(start_date="2030-01-01T00:00:00Z"), select=[UPLOADS])
    assert len(result.records[UPLOADS]) == 5
    assert result.final_state["bookmarks"][UPLOADS] == {}
    validate(result, UPLOADS)


# -- live-stream credentials ------------------------------------------------------------------


def test_live_stream_credentials_are_masked(requests_mock: rm.Mocker) -> None:
    serve_all(requests_mock, {LIVE: 2})
    result = sync(make_config(), select=[LIVE])
    record = result.records[LIVE][0]
    assert record["stream_key"] is None
    assert record["srt_passphrase"] is None
    youtube, srt, with_password = record["simulcast_targets"]
    assert youtube == {"id": mux_id("st", 0), "status": "idle", "stream_key": None,
                       "url": "rtmp://a.rtmp.youtube.com/live2"}  # fmt: skip
    assert srt["stream_key"] is None
    assert srt["url"] == "srt://srt.example.com:6001"
    assert with_password["url"] == "rtmps://live.example.com:443/app"
    assert "stream_key" not in with_password
    # Everything else is kept.
    assert record["playback_ids"] == [playback("pl", 0)]
    assert record["recent_asset_ids"] == [mux_id("as", 0)]
    assert "secret" not in json.dumps(result.messages, default=str)
    validate(result, LIVE)


# -- playbacks, derived from the parents --------------------------------------------------------


def test_playbacks_are_derived_from_assets_and_live_streams_without_requests(
    requests_mock: rm.Mocker,
) -> None:
    requests_mock.get(
        BASE + PATHS[ASSETS],
        json={
            "data": [asset(0, playbacks=2), asset(1, playbacks=0), asset(2)],
            "next_cursor": None,
        },
    )
    drm = {"id": mux_id("pd", 1), "policy": "drm", "drm_configuration_id": mux_id("dc", 1)}
    lives = [live_stream(0), {**live_stream(1), "playback_ids": [drm]}, live_stream(2, playbacks=0)]
    requests_mock.get(BASE + PATHS[LIVE], json={"data": lives})
    result = sync(make_config(), select=[ASSETS, LIVE, PLAYBACKS])
    assert declared(result.records[PLAYBACKS]) == [
        {"id": mux_id("pa", 0), "policy": "public",
         "object": {"type": "asset", "id": mux_id("as", 0)}},
        {"id": mux_id("pa", 1), "policy": "signed",
         "object": {"type": "asset", "id": mux_id("as", 0)}},
        {"id": mux_id("pa", 20), "policy": "public",
         "object": {"type": "asset", "id": mux_id("as", 2)}},
        {"id": mux_id("pl", 0), "policy": "public",
         "object": {"type": "live_stream", "id": mux_id("ls", 0)}},
        {**drm, "object": {"type": "live_stream", "id": mux_id("ls", 1)}},
    ]  # fmt: skip
    assert len(result.records[ASSETS]) == 3
    assert len(result.records[LIVE]) == 3
    assert not [r for r in requests_mock.request_history if "/playback-ids" in r.url]
    assert requests_mock.call_count == 2
    validate(result, PLAYBACKS)
    assert result.final_state["bookmarks"][PLAYBACKS] == {}
    # One SCHEMA message for playbacks, however many parents it was derived from.
    schemas = [m for m in result.messages if m["type"] == "SCHEMA" and m["stream"] == PLAYBACKS]
    assert len(schemas) == 1


def test_parents_without_playback_ids_give_no_child_context_and_no_warning(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(
        BASE + PATHS[ASSETS], json={"data": [asset(0, playbacks=0)], "next_cursor": None}
    )
    requests_mock.get(BASE + PATHS[LIVE], json={"data": [live_stream(0, playbacks=0)]})
    with caplog.at_level("INFO"):
        result = sync(make_config(), select=[PLAYBACKS])
    assert result.records[PLAYBACKS] == []
    assert "null" not in caplog.text
    assert "Beginning sync of 'mux_video_playbacks'" not in caplog.text


def test_only_playbacks_selected_syncs_parents_silently(requests_mock: rm.Mocker) -> None:
    data = serve_all(requests_mock, {ASSETS: 150, LIVE: 120})
    result = sync(make_config(), select=[PLAYBACKS])
    assert set(result.records) == {PLAYBACKS}
    expected = [
        p["id"] for rows in (data[ASSETS], data[LIVE]) for r in rows for p in r["playback_ids"]
    ]
    assert [r["id"] for r in result.records[PLAYBACKS]] == expected
    assert len(expected) == 150 + 120
    # Only the two parent lists were read: two pages each.
    assert len(requests_to(requests_mock, PATHS[ASSETS])) == 2
    assert len(requests_to(requests_mock, PATHS[LIVE])) == 2
    assert requests_mock.call_count == 4
    # Unselected parents keep no bookmark.
    assert result.final_state["bookmarks"].get(ASSETS, {}) == {}


def test_playbacks_of_parents_behind_the_bookmark_are_still_emitted(
    requests_mock: rm.Mocker,
) -> None:
    old, new = asset(0, created=str(START_EPOCH - 86_400)), asset(1)
    requests_mock.get(BASE + PATHS[ASSETS], json={"data": [new, old], "next_cursor": None})
    requests_mock.get(BASE + PATHS[LIVE], json={"data": []})
    result = sync(make_config(), select=[ASSETS, PLAYBACKS])
    # The old asset is not emitted, but playbacks is full table: all its playback ids are.
    assert [r["id"] for r in result.records[ASSETS]] == [new["id"]]
    assert sorted(r["id"] for r in result.records[PLAYBACKS]) == [
        mux_id("pa", 0),
        mux_id("pa", 10),
    ]
    assert requests_mock.call_count == 2


def test_a_dry_run_caps_playbacks_of_skipped_parents_without_losing_the_parent(
    requests_mock: rm.Mocker,
) -> None:
    old, new = asset(0, created=str(START_EPOCH - 86_400), playbacks=2), asset(1)
    requests_mock.get(BASE + PATHS[ASSETS], json={"data": [old, new], "next_cursor": None})
    requests_mock.get(BASE + PATHS[LIVE], json={"data": []})
    writer = CollectingWriter()
    tap = TapMediaApis(config=make_config(), parse_env_config=False, message_writer=writer)
    streams = [tap.streams[name] for name in (ASSETS, PLAYBACKS)]
    try:
        assert tap.run_sync_dry_run(dry_run_record_limit=1, streams=streams)
    finally:
        tap.close()
    records = [m["record"]["id"] for m in writer.messages if m["type"] == "RECORD"]
    # The old asset's second playback id hits the cap; the new asset (after its own
    # playback: the SDK syncs children first) still comes.
    assert records == [mux_id("pa", 0), mux_id("pa", 10), new["id"]]


# -- errors ----------------------------------------------------------------------------------


def test_a_401_is_one_line_naming_stream_and_mux_message(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        BASE + PATHS[ASSETS],
        status_code=401,
        reason="Unauthorized",
        json={"error": {"type": "unauthorized", "messages": ["Unauthorized request"]}},
    )
    with pytest.raises(ProviderAPIError) as caught:
        sync(make_config(), select=[ASSETS])
    message = str(caught.value)
    assert message == (
        "mux: stream mux_video_assets: HTTP 401 Unauthorized from GET "
        f"{BASE}/video/v1/assets?limit=100: Unauthorized request (check the mux credentials)"
    )
    assert TOKEN[1] not in message
    assert requests_mock.call_count == 1


# -- the sandbox ------------------------------------------------------------------------------


def test_sandbox_full_sync_matches_expected_counts_then_incremental_after_advance() -> None:
    with run_sandbox(["mux"]) as sandbox:
        config = sandbox.tap_config()
        first = sync(config, select=ALL_STREAMS)
        expected = {s: n for s, n in sandbox.expected_counts().items() if s in ALL_STREAMS}
        assert sorted(sandbox.expected_counts()) == sorted(ALL_STREAMS + DATA_STREAMS)
        assert {s: len({r["id"] for r in first.records[s]}) for s in expected} == expected
        assert {s: len(first.records[s]) for s in expected} == expected
        # Several pages per list, one list ending on a full page, few requests.
        assert expected[SYSTEM_KEYS] % 100 == 0
        assert all(expected[s] > 100 for s in PATHS)
        assert len(sandbox.requests) == 18
        assert not [r for r in sandbox.requests if "playback-ids" in r["path"]]
        for stream in ALL_STREAMS:
            validate(first, stream)
        dumped = json.dumps(first.messages, default=str)
        assert not [secret for secret in sandbox.secrets() if secret in dumped]

        sandbox.advance()
        second = sync(config, state=first.final_state, select=ALL_STREAMS)
        after = {s: n for s, n in sandbox.expected_counts().items() if s in ALL_STREAMS}
        merged = {
            s: len({r["id"] for r in first.records[s]} | {r["id"] for r in second.records[s]})
            for s in after
        }
        assert merged == after
        assert after[ASSETS] > expected[ASSETS]
        # Incremental: only what is new (or at the bookmark) comes again.
        assert len(second.records[ASSETS]) < 20


def test_sandbox_derived_playbacks_equal_the_playback_id_endpoint() -> None:
    with run_sandbox(["mux"]) as sandbox:
        result = sync(sandbox.tap_config(), select=[PLAYBACKS])
        records = result.records[PLAYBACKS]
        assert len(records) == sandbox.expected_counts()[PLAYBACKS]
        policies = {r["policy"] for r in records}
        assert {"public", "signed"} <= policies
        session = requests.Session()
        session.auth = (TOKEN_ID, TOKEN_SECRET)
        base = sandbox.base_url("mux")
        samples = [r for r in records if r["object"]["type"] == "live_stream"][:2]
        samples += [r for r in records if r.get("drm_configuration_id")][:1] + records[:2]
        for record in samples:
            response = session.get(f"{base}/video/v1/playback-ids/{record['id']}", timeout=5)
            assert response.json() == {"data": declared([record])[0]}


def test_sandbox_data_shapes_and_auth() -> None:
    with run_sandbox(["mux"]) as sandbox:
        base = sandbox.base_url("mux")
        refused = requests.get(f"{base}/video/v1/assets", auth=("x", "y"), timeout=5)
        assert refused.status_code == 401
        assert refused.json() == {
            "error": {"type": "unauthorized", "messages": ["Unauthorized request"]}
        }
        assert requests.get(f"{base}/video/v1/uploads", timeout=5).status_code == 401
        session = requests.Session()
        session.auth = (TOKEN_ID, TOKEN_SECRET)
        default = session.get(f"{base}/video/v1/live-streams", timeout=5).json()
        assert len(default["data"]) == 25
        capped = session.get(f"{base}/video/v1/uploads?limit=500", timeout=5).json()
        assert len(capped["data"]) == 100
        past_end = session.get(f"{base}/system/v1/signing-keys?page=3&limit=100", timeout=5)
        assert past_end.json() == {"data": []}
        assets = session.get(f"{base}/video/v1/assets?limit=100", timeout=5).json()
        counts = {len(a["playback_ids"]) for a in assets["data"]}
        assert {0, 1, 2} <= counts
        assert all(len(a["id"]) == 38 for a in assets["data"])
        created = [int(a["created_at"]) for a in assets["data"]]
        assert created == sorted(created, reverse=True)
        assert all(datetime.fromtimestamp(c, tz=timezone.utc).year == 2025 for c in created)
        page_two = session.get(
            f"{base}/video/v1/assets?limit=100&cursor={assets['next_cursor']}", timeout=5
        ).json()
        by_page = session.get(f"{base}/video/v1/assets?limit=100&page=2", timeout=5).json()
        assert page_two["data"] == by_page["data"]
        bad = session.get(f"{base}/video/v1/assets?cursor=nope", timeout=5)
        assert bad.status_code == 400
