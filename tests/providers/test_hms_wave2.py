"""100ms, second wave: session peers, recording assets, live and external streams, the masks,
and the vendor-shaped payloads of every stream (docs/providers/hms.md, "API facts")."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.providers.hms import stream_key_masked
from tap_media_apis.sandbox import run_sandbox
from tests.helpers import SyncResult, sync
from tests.providers import vendor_hms as vendor
from tests.providers.test_hms import (
    BASE,
    assert_conforms,
    by_flag,
    keys_of,
    list_pages,
    make_config,
    query,
    requests_to,
    sandbox_config,
)

pytestmark = pytest.mark.usefixtures("no_sleep")

FIELDS = json.loads(
    (Path(__file__).parents[2] / "docs" / "providers" / "hms.fields.json").read_text()
)
BOOKMARK_AT = "2023-03-01T00:00:00Z"
#: Documented fields that never arrive: secrets the tap removes.
REMOVED = {
    "hms_templates": {"settings.recording.upload.credentials.secretKey"},
    "hms_template_settings": {"recording.upload.credentials.secretKey"},
}


@pytest.fixture
def m() -> Any:
    with rm.Mocker() as mocker:
        yield mocker


def output_of(result: SyncResult) -> str:
    return json.dumps(result.messages, default=str)


def assert_no_secret(result: SyncResult) -> None:
    output = output_of(result)
    leaked = [secret for secret in vendor.SECRETS if secret in output]
    assert not leaked, leaked


def present(value: Any, path: str) -> bool:
    """Whether the documented field ``path`` (``a.b``, ``a[].b``, ``a{}.b``) arrived."""
    head, _, rest = path.partition(".")
    kind = head[-2:] if head.endswith(("[]", "{}")) else ""
    name = head[: len(head) - len(kind)]
    if not isinstance(value, dict) or name not in value:
        return False
    child = value[name]
    if kind == "[]":
        items = child if isinstance(child, list) else []
    elif kind == "{}":
        items = list(child.values()) if isinstance(child, dict) else []
    else:
        return present(child, rest) if rest else True
    return any(present(item, rest) for item in items) if rest else bool(items)


def assert_documented_fields_arrive(result: SyncResult, stream: str) -> None:
    records = result.records[stream]
    assert records, stream
    missing = [
        path
        for path in FIELDS[stream]["fields"]
        if not any(present(r, path) for r in records) and path not in REMOVED.get(stream, ())
    ]
    assert not missing, (stream, missing)
    validator = Draft202012Validator(result.schemas[stream], format_checker=FormatChecker())
    for record in records:
        validator.validate(record)
        assert record.get("extra_fields") is None, record["extra_fields"]  # nothing undeclared


# -- vendor-shaped payloads through every stream ------------------------------------------------


def mock_vendor_api(m: rm.Mocker) -> None:
    rooms = vendor.ROOMS
    m.get(f"{BASE}/v2/rooms", json=by_flag("enabled", rooms, []))
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", [vendor.ACTIVE_SESSION], vendor.SESSIONS))
    m.get(
        f"{BASE}/v2/active-rooms/{vendor.ACTIVE_SESSION['room_id']}/peers",
        json=vendor.ACTIVE_ROOM_PEERS,
    )
    for room in rooms:
        events = vendor.EVENTS if room is rooms[0] else {"limit": 10, "total": 0, "events": []}
        m.get(f"{BASE}/v2/analytics/events?room_id={room['id']}", json=events)
    templates = vendor.TEMPLATES
    m.get(f"{BASE}/v2/templates", json=vendor.page(templates))
    for template in templates:
        settings, destinations = template["settings"], template["destinations"]
        m.get(f"{BASE}/v2/templates/{template['id']}/settings", json=settings)
        m.get(f"{BASE}/v2/templates/{template['id']}/destinations", json=destinations)
    m.get(f"{BASE}/v2/recordings", json=vendor.page(vendor.RECORDINGS))
    m.get(f"{BASE}/v2/recording-assets", json=vendor.page(vendor.RECORDING_ASSETS))
    m.get(f"{BASE}/v2/live-streams", json=vendor.page(vendor.LIVE_STREAMS))
    m.get(f"{BASE}/v2/external-streams", json=vendor.page(vendor.EXTERNAL_STREAMS))


def test_vendor_payloads_every_documented_field_arrives_valid_and_no_secret(
    m: rm.Mocker,
) -> None:
    mock_vendor_api(m)

    result = sync(make_config())

    assert set(result.records) == set(FIELDS)
    for stream in FIELDS:
        assert_documented_fields_arrive(result, stream)
    assert_conforms(result)
    assert_no_secret(result)


def test_field_inventory_paths_are_declared_in_the_schemas(m: rm.Mocker) -> None:
    mock_vendor_api(m)
    schemas = sync(make_config(), select=[]).schemas or {}
    for stream, entry in FIELDS.items():
        schema = schemas.get(stream) or json.loads(
            (Path(__file__).parents[2] / "schemas" / "hms" / f"{stream}.json").read_text()
        )
        for path in entry["fields"]:
            node: dict[str, Any] = schema
            for step in path.split("."):
                kind = step[-2:] if step.endswith(("[]", "{}")) else ""
                node = node["properties"][step[: len(step) - len(kind)]]
                if kind == "[]":
                    node = node["items"]
                elif kind == "{}":
                    node = node["additionalProperties"]
            assert node, (stream, path)


# -- masks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (vendor.YOUTUBE_URL, "rtmp://a.rtmp.youtube.com/live2/REDACTED"),
        (vendor.FACEBOOK_URL, "rtmps://live-api-s.facebook.com:443/rtmp/REDACTED"),
        ("rtmp://live.twitch.tv/app/live_1_abc/", "rtmp://live.twitch.tv/app/REDACTED"),
        ("rtmp://user:pw@host.example:1935/app/inst/key?k=v", "rtmp://host.example:1935/app/inst/REDACTED"),
        # No application path, or no URL at all: nothing can tell the key apart, mask it all.
        ("rtmp://host.example/only-a-key", "rtmp://host.example/REDACTED"),
        ("bare-stream-key", "/REDACTED"),
        (None, None),
    ],
)  # fmt: skip
def test_stream_key_masked_keeps_host_and_app_path(url: str | None, masked: str | None) -> None:
    assert stream_key_masked(url) == masked


def test_external_stream_rtmp_urls_keep_destination_without_key(m: rm.Mocker) -> None:
    m.get(f"{BASE}/v2/external-streams", json=vendor.page(vendor.EXTERNAL_STREAMS))

    result = sync(make_config(), select=["hms_external_streams"])

    [record] = result.records["hms_external_streams"]
    assert record["rtmp_urls"] == [
        "rtmp://a.rtmp.youtube.com/live2/REDACTED",
        "rtmp://live.twitch.tv/app/REDACTED",
        "rtmps://live-api-s.facebook.com:443/rtmp/REDACTED",
    ]
    assert_no_secret(result)


def test_template_rtmp_urls_and_bucket_secret_are_masked_in_templates(m: rm.Mocker) -> None:
    m.get(f"{BASE}/v2/templates", json=vendor.page(vendor.TEMPLATES))

    result = sync(make_config(), select=["hms_templates"])

    record = next(r for r in result.records["hms_templates"] if r["destinations"])
    rtmp = record["destinations"]["rtmpDestinations"]["youtube-and-twitch"]
    assert rtmp["rtmpUrls"] == [
        "rtmp://a.rtmp.youtube.com/live2/REDACTED",
        "rtmp://live.twitch.tv/app/REDACTED",
    ]
    credentials = record["settings"]["recording"]["upload"]["credentials"]
    assert credentials == {"key": "AKIAI44QH8DHBEXAMPLE"}  # the key id stays
    assert_no_secret(result)


def test_template_settings_bucket_secret_is_masked(m: rm.Mocker) -> None:
    template = vendor.TEMPLATES[0]
    m.get(f"{BASE}/v2/templates", json=vendor.page([template]))
    m.get(f"{BASE}/v2/templates/{template['id']}/settings", json=vendor.TEMPLATE_SETTINGS)

    result = sync(make_config(), select=["hms_template_settings"])

    [record] = result.records["hms_template_settings"]
    assert record["recording"]["upload"]["credentials"] == {"key": "AKIAI44QH8DHBEXAMPLE"}
    assert_no_secret(result)


def test_room_storage_secret_and_webhook_headers_are_masked(m: rm.Mocker) -> None:
    m.get(f"{BASE}/v2/rooms", json=by_flag("enabled", vendor.ROOMS, []))

    result = sync(make_config(), select=["hms_rooms"])

    record = next(r for r in result.records["hms_rooms"] if r.get("webhook"))
    upload = record["recording_info"]["upload_info"]
    assert upload["credentials"] == {"key": "AKIAIOSFODNN7EXAMPLE", "secret": None}
    assert upload["location"] == "acme-recordings"
    assert record["webhook"] == {
        "url": "https://example-webhook.com/webhook",
        "headers": {"Authorization": "REDACTED", "my-custom-header": "REDACTED"},
    }
    assert_no_secret(result)


def test_recording_event_rtmp_keys_and_signed_links_are_masked(m: rm.Mocker) -> None:
    room = vendor.ROOMS[0]
    m.get(f"{BASE}/v2/rooms", json=by_flag("enabled", [room], []))
    event = copy.deepcopy(vendor.EVENTS["events"][1])
    signature = "X-Amz-Signature=9f3c1d2b7e"
    event["data"]["rtmp"] = [{"url": vendor.YOUTUBE_URL}]
    event["data"]["recording_presigned_url"] = f"https://bucket.s3.amazonaws.com/ac.mp4?{signature}"
    m.get(f"{BASE}/v2/analytics/events", json={"limit": 10, "total": 1, "events": [event]})

    result = sync(make_config(), select=["hms_analytics_events"])

    [record] = result.records["hms_analytics_events"]
    assert record["data"]["rtmp"] == [{"url": "rtmp://a.rtmp.youtube.com/live2/REDACTED"}]
    assert record["data"]["recording_presigned_url"] == "https://bucket.s3.amazonaws.com/ac.mp4"
    assert signature not in output_of(result)
    assert_no_secret(result)


def test_a_secret_in_an_undeclared_field_is_masked_too(m: rm.Mocker) -> None:
    # The masks run before the record is split into columns and extra_fields.
    stream = {**vendor.EXTERNAL_STREAMS[0], "future_field": "kept"}
    m.get(f"{BASE}/v2/external-streams", json=vendor.page([stream]))

    result = sync({**make_config(), "keep_extra_fields": True}, select=["hms_external_streams"])

    [record] = result.records["hms_external_streams"]
    assert record["extra_fields"] == {"future_field": "kept"}
    assert_no_secret(result)


# -- session peers ------------------------------------------------------------------------------


def test_session_peers_of_active_and_ended_sessions_without_requests(m: rm.Mocker) -> None:
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", [vendor.ACTIVE_SESSION], vendor.SESSIONS))
    m.get(
        f"{BASE}/v2/active-rooms/{vendor.ACTIVE_SESSION['room_id']}/peers",
        json=vendor.ACTIVE_ROOM_PEERS,
    )

    result = sync(make_config(), select=["hms_session_peers"])

    # Only the two session lists: the peers come with the sessions.
    assert [(r.path, query(r).get("active")) for r in m.request_history] == [
        ("/v2/sessions", "true"),
        ("/v2/sessions", "false"),
    ]
    records = {r["id"]: r for r in result.records["hms_session_peers"]}
    expected = {
        (s["id"], peer_id)
        for s in [vendor.ACTIVE_SESSION, *vendor.SESSIONS]
        for peer_id in s["peers"]
    }
    assert keys_of(result, "hms_session_peers") == expected
    assert len(records) == len(expected) == 5
    # Ended session: both timestamps, normalised.
    ended = records["a24687bb-de68-4276-9758-e1efa5e7e4d8"]
    assert ended.pop("extra_fields", None) is None
    assert ended.pop("account") == "default"
    assert ended == {
        "session_id": "631a0fa23e3d9fdb00832596",
        "id": "a24687bb-de68-4276-9758-e1efa5e7e4d8",
        "room_id": "631a0f990e6ffae22efa610c",
        "name": "asdas",
        "role": "host",
        "user_id": "Batch1-student1",
        "user": "Batch1-student1",
        "joined_at": "2022-09-08T15:52:02.194000Z",
        "left_at": "2022-09-08T15:52:04.009000Z",
    }
    # Active session: still in the room = null left_at, whether absent or Go's zero time.
    assert records["c8e85ab4-d533-4de0-ba7c-4c58a4de6c74"]["left_at"] is None
    assert records["f706256e-6fda-4543-96c4-3b48f03d1a92"]["left_at"] is None
    assert records["27021c12-8635-4c13-b819-b3ecb736769a"]["left_at"] == (
        "2024-05-16T06:20:11.870000Z"  # already left, though the session goes on
    )
    assert_conforms(result)


def test_session_peers_and_active_room_peers_share_the_sessions_read(m: rm.Mocker) -> None:
    other = {
        **copy.deepcopy(vendor.ACTIVE_SESSION),
        "id": "6645a1f23e3d9fdb00990099",
        "peers": {},
    }  # a second active session of the same room: the room is asked once
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", [vendor.ACTIVE_SESSION, other], []))
    peers_url = f"{BASE}/v2/active-rooms/{vendor.ACTIVE_SESSION['room_id']}/peers"
    m.get(peers_url, json=vendor.ACTIVE_ROOM_PEERS)

    result = sync(make_config(), select=["hms_session_peers", "hms_active_room_peers"])

    assert len(requests_to(m, "/v2/sessions")) == 2
    assert len([r for r in m.request_history if r.url == peers_url]) == 1
    assert len(result.records["hms_session_peers"]) == 3
    assert len(result.records["hms_active_room_peers"]) == 2


def test_session_peers_incremental_ended_old_sessions_skipped_active_ones_reread(
    m: rm.Mocker,
) -> None:
    # Both sessions are older than the bookmark; only the active one's peers come again.
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", [vendor.ACTIVE_SESSION], vendor.SESSIONS))
    state = {
        "bookmarks": {
            "hms_sessions": {
                "replication_key": "updated_at",
                "replication_key_value": "2025-01-01T00:00:00.000000Z",
            }
        }
    }

    result = sync(make_config(), state=state, select=["hms_session_peers"])

    assert {r["session_id"] for r in result.records["hms_session_peers"]} == {
        vendor.ACTIVE_SESSION["id"]
    }
    assert len(result.records["hms_session_peers"]) == 3


# -- recording assets, live and external streams: paging and the client-side bookmark ----------


def asset(n: int, created: str) -> dict[str, Any]:
    return {**vendor.RECORDING_ASSETS[1], "id": f"6425320e94091a5af8{n:06x}", "created_at": created}


@pytest.mark.parametrize("last_page_size", [0, 7])
def test_recording_assets_page_on_last_until_a_short_or_empty_page(
    m: rm.Mocker, last_page_size: int
) -> None:
    rows = [
        asset(n, f"2024-0{1 + n % 9}-01T00:00:00.{n:03d}Z") for n in range(200 + last_page_size)
    ]
    m.get(f"{BASE}/v2/recording-assets", json=list_pages(rows))

    result = sync(make_config(), select=["hms_recording_assets"])

    sent = [query(r) for r in requests_to(m, "/v2/recording-assets")]
    # A short last page ends the list; a full one needs the (empty) next page to be sure.
    assert len(sent) == 3
    assert [q.get("start") for q in sent] == [None, rows[99]["id"], rows[199]["id"]]
    assert all(q["limit"] == "100" for q in sent)
    assert keys_of(result, "hms_recording_assets") == {(r["id"],) for r in rows}
    assert_conforms(result)


@pytest.mark.parametrize(
    ("stream", "path", "key"),
    [
        ("hms_recording_assets", "/v2/recording-assets", "created_at"),
        ("hms_live_streams", "/v2/live-streams", "updated_at"),
        ("hms_external_streams", "/v2/external-streams", "updated_at"),
    ],
)
def test_lists_are_filtered_on_the_client_and_read_to_the_end(
    m: rm.Mocker, stream: str, path: str, key: str
) -> None:
    # Newest first on the first page, then an older one, then a newer one again: the
    # order is not documented, so no early stop: every page is read.
    template = {
        "hms_recording_assets": vendor.RECORDING_ASSETS[1],
        "hms_live_streams": vendor.LIVE_STREAMS[0],
        "hms_external_streams": vendor.EXTERNAL_STREAMS[0],
    }[stream]
    stamps = (
        ["2024-05-01T00:00:00Z"] * 10
        + ["2022-01-01T00:00:00Z"] * 10
        + ["2024-06-01T10:00:00.123456789Z"] * 3
    )
    rows = [
        {**copy.deepcopy(template), "id": f"64000000000000000000{n:04x}", key: stamp}
        for n, stamp in enumerate(stamps)
    ]
    m.get(f"{BASE}{path}", json=list_pages(rows))
    state = {"bookmarks": {stream: {"replication_key": key, "replication_key_value": BOOKMARK_AT}}}

    result = sync(make_config(page_size=10), state=state, select=[stream])

    assert len(requests_to(m, path)) == 3  # 10, 10, 3 (short: the end)
    emitted = result.records[stream]
    assert len(emitted) == 13
    assert all(r[key] >= "2023-03-01" for r in emitted)
    assert result.final_state["bookmarks"][stream]["replication_key_value"] == (
        "2024-06-01T10:00:00.123456Z"
    )
    assert_conforms(result)
    assert_no_secret(result)


def test_live_streams_keep_their_recording_object_and_optional_times(m: rm.Mocker) -> None:
    m.get(f"{BASE}/v2/live-streams", json=vendor.page(vendor.LIVE_STREAMS))

    result = sync(make_config(), select=["hms_live_streams"])

    records = {r["id"]: r for r in result.records["hms_live_streams"]}
    done, running = records[vendor.LIVE_STREAMS[0]["id"]], records[vendor.LIVE_STREAMS[1]["id"]]
    assert done["recording"] == {"hls_vod": True, "single_file_per_layer": True}
    assert done["updated_at"] == "2023-03-02T07:44:27.010516Z"
    assert len(done["recording_assets"]) == 2
    assert running.get("stopped_at") is None
    assert running["recording_assets"] is None
    assert running["started_by"] == ""  # started from the server side


# -- the sandbox --------------------------------------------------------------------------------


def test_sandbox_new_streams_full_and_incremental() -> None:
    new = ("hms_session_peers", "hms_recording_assets", "hms_live_streams", "hms_external_streams")
    # With hms_sessions: an unselected parent keeps no bookmark of its own.
    selected = ["hms_sessions", *new]
    with run_sandbox(["hms"]) as sb:
        first = sync(sandbox_config(sb), select=selected)
        full_log = list(sb.requests)
        expected = sb.expected_counts()
        sb.advance()
        second = sync(sandbox_config(sb), state=first.final_state, select=selected)
        later = sb.expected_counts()
        secrets = sb.secrets()

    for stream in new:
        assert len(keys_of(first, stream)) == len(first.records[stream]) == expected[stream]
        merged = keys_of(first, stream) | keys_of(second, stream)
        assert len(merged) == later[stream]
        assert len(second.records[stream]) < len(first.records[stream]) / 4
    # Peers of active sessions come again, with the ones who joined since.
    peers = second.records["hms_session_peers"]
    assert any(p["left_at"] is None for p in peers)
    assert any(p["left_at"] is not None for p in peers)
    paths = [e["path"].split("?")[0] for e in full_log]
    assert paths.count("/hms/v2/recording-assets") == 4  # 345 assets, 100 a page
    assert paths.count("/hms/v2/sessions") == 4  # 8 active [1] + 252 ended [3]: peers cost 0
    for result in (first, second):
        output = output_of(result)
        assert not [secret for secret in secrets if secret in output]
        assert_conforms(result)
