"""100ms: requests-mock unit tests plus in-process sandbox runs (docs/providers/hms.md)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.core import auth as core_auth
from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.providers.hms import (
    NextCursorPaginator,
    StartCursorPaginator,
    mint_management_token,
)
from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.hms import ACCESS_KEY as SANDBOX_KEY
from tap_media_apis.sandbox.hms import APP_SECRET as SANDBOX_SECRET
from tap_media_apis.tap import TapMediaApis
from tests.helpers import SyncResult, sync

BASE = "https://api.100ms.test"
ACCESS_KEY = "6412a1f0e4b0c2a7d5e3b9c1"
# 32+ bytes: PyJWT's own decode (used to check claims here) warns on shorter HMAC keys.
APP_SECRET = "hms-test-app-secret-0123456789abcdef"
STATIC_TOKEN = "eyJstatic.management.token-7c1d"
STORAGE_SECRET = "bucket-secret-key-do-not-emit"
YT_KEY, TW_KEY = "k0jv-329m-1y7f-ktth-ck48", "live_814239077_Xq2VbN8sJ0aLkUo1pRz3TyC4dEfGh"
NORMALISED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
KEYS = {
    "hms_rooms": ("id",),
    "hms_sessions": ("id",),
    "hms_active_room_peers": ("room_id", "id"),
    "hms_analytics_events": ("id",),
    "hms_templates": ("id",),
    "hms_template_settings": ("template_id",),
    "hms_template_destinations": ("template_id", "destination_type", "destination_id"),
    "hms_recordings": ("id",),
    "hms_session_peers": ("session_id", "id"),
    "hms_recording_assets": ("id",),
    "hms_live_streams": ("id",),
    "hms_external_streams": ("id",),
}
REPLICATION_KEYS = {
    "hms_rooms": "updated_at",
    "hms_sessions": "updated_at",
    "hms_templates": "updatedAt",
    "hms_analytics_events": "timestamp",
    "hms_recordings": "updated_at",
    "hms_recording_assets": "created_at",
    "hms_live_streams": "updated_at",
    "hms_external_streams": "updated_at",
}

pytestmark = pytest.mark.usefixtures("no_sleep")


def make_config(**block: Any) -> dict[str, Any]:
    settings = {"app_access_key": ACCESS_KEY, "app_secret": APP_SECRET, "base_url": BASE}
    return {"start_date": "2020-01-01T00:00:00Z", "hms": {**settings, **block}}


def oid(prefix: str, n: int) -> str:
    """A 24-hex id like 100ms' object ids, e.g. ``a100…07``."""
    return f"{prefix}{n:0{24 - len(prefix)}x}"


def query(request: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def path_of(request: Any) -> str:
    return urlsplit(request.url).path


def requests_to(m: rm.Mocker, path: str) -> list[Any]:
    return [r for r in m.request_history if path_of(r) == path]


def list_pages(rows: list[dict[str, Any]], *, id_field: str = "id") -> Callable[..., Any]:
    """{limit, data, last} after the row whose id is ``start`` (hms.md, "Pagination")."""

    def callback(request: Any, context: Any) -> dict[str, Any]:
        params = query(request)
        limit = int(params["limit"])
        ids = [row[id_field] for row in rows]
        offset = ids.index(params["start"]) + 1 if "start" in params else 0
        data = rows[offset : offset + limit]
        return {"limit": limit, "data": data, "last": data[-1][id_field] if data else ""}

    return callback


def by_flag(name: str, on: list[dict[str, Any]], off: list[dict[str, Any]]) -> Callable[..., Any]:
    """A list endpoint filtered by a boolean param that must be sent explicitly."""
    serve_on, serve_off = list_pages(on), list_pages(off)

    def callback(request: Any, context: Any) -> dict[str, Any]:
        value = query(request).get(name)
        assert value in ("true", "false"), f"{name} must be sent explicitly, got {value!r}"
        return (serve_on if value == "true" else serve_off)(request, context)

    return callback


def assert_conforms(result: SyncResult) -> None:
    """Every record validates against its stream's SCHEMA; date-times are normalised."""
    for stream, records in result.records.items():
        schema = result.schemas[stream]
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        times = [k for k, v in schema["properties"].items() if v.get("format") == "date-time"]
        for record in records:
            validator.validate(record)
            for name in times:
                assert record.get(name) is None or NORMALISED.match(record[name]), (name, record)


def keys_of(result: SyncResult, stream: str) -> set[tuple[Any, ...]]:
    return {tuple(r[k] for k in KEYS[stream]) for r in result.records[stream]}


# -- realistic payloads (shapes of docs/providers/hms.md, "API facts") -------------------------


def room(n: int, *, created: str = "2025-02-03T09:59:29.343Z", updated: str | None = None,
         enabled: bool = True) -> dict[str, Any]:  # fmt: skip
    return {
        "id": oid("a1", n),
        "name": f"standup-{n}",
        "enabled": enabled,
        "description": "Daily standup",
        "customer": "627cdddff2e4e30487862ad1",
        "customer_id": "627cdddff2e4e30487862ad1",
        "recording_source_template": False,
        "recording": {"enabled": False},
        "template_id": "627cda54ff688c037a39291b",
        "template": "default_videoconf_e3196",
        "region": "in",
        "created_at": created,
        "key": f"627cdddff2e4e30487862ad1:standup-{n}",
        "updated_at": updated or "2025-02-04T11:00:00.5Z",
        "large_room": False,
        "size": 0,
        "max_duration_seconds": 43200,
    }


def session(n: int, *, active: bool, room_id: str = "a1" + "0" * 22) -> dict[str, Any]:
    peer_ids = [f"a24687bb-de68-4276-9758-{n:06d}{p:06d}" for p in range(2)]
    return {
        "id": oid("5e", n),
        "room_id": room_id,
        "customer_id": "627cdddff2e4e30487862ad1",
        "active": active,
        "peers": {
            peer_id: {
                "id": peer_id,
                "session_id": oid("5e", n),
                "name": "Asha",
                "role": "host",
                "user_id": f"Batch1-student{p}",
                "joined_at": "2025-02-08T15:52:02.194Z",
                **({} if active else {"left_at": "2025-02-08T15:52:04.009Z"}),
            }
            for p, peer_id in enumerate(peer_ids)
        },
        "created_at": "2025-02-08T15:52:02.197Z",
        "updated_at": f"2025-02-08T15:52:{4 + n % 50:02d}.015Z",
    }


def peer(peer_id: str, joined: str = "2025-01-25T12:06:34.080990401Z") -> dict[str, Any]:
    return {
        "id": peer_id,
        "name": "John",
        "user_id": "student-3461",
        "metadata": "",
        "role": "student",
        "joined_at": joined,
    }


def event(room_id: str, n: int, timestamp: str | None = None) -> dict[str, Any]:
    return {
        "version": "2.0",
        "id": f"5ff0ce7b-0901-4566-{n:04d}-{room_id[-12:]}",
        "timestamp": timestamp or f"2025-02-23T10:{n // 60 % 60:02d}:{n % 60:02d}.78311898Z",
        "type": "track.add.success",
        "data": {
            "room_id": room_id,
            "session_id": "63f73bf05223403c9671c5c9",
            "room_name": "exp",
            "peer_id": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
            "user_id": "187a1a92",
            "user_name": "John",
            "role": "host",
            "joined_at": "2023-02-23T10:12:00.587243415Z",
            "track_id": "d3c7a05d-81ee-48a0-8a6a-ec36be966312",
            "stream_id": "cc6934ca-0c91-4cb7-8a97-293be2d0d8a8",
            "type": "audio",
            "source": "regular",
            "mute": True,
            "started_at": "2023-02-23T10:12:00.781851067Z",
        },
    }


def template(n: int, updated: str = "2025-01-12T10:38:22.23Z") -> dict[str, Any]:
    return {
        "id": oid("7e", n),
        "_id": oid("7e", n),
        "name": f"template-{n}",
        "customerId": "627cda54ff688c037a39291b",
        "roles": {
            "host": {"name": "host", "priority": 1, "maxPeerCount": 0,
                     "permissions": {"endRoom": True}, "publishParams": {"allowed": ["audio"]},
                     "subscribeParams": {"subscribeToRoles": ["host"], "maxSubsBitRate": 3200}},
        },
        "settings": storage_settings(),
        "destinations": {"rtmpDestinations": {}, "hlsDestinations": {}},
        "createdAt": "2022-05-12T10:38:22.23Z",
        "updatedAt": updated,
    }  # fmt: skip


def storage_settings() -> dict[str, Any]:
    return {
        "region": "in",
        "recording": {
            "enabled": True,
            "upload": {
                "type": "s3",
                "location": "acme-recordings",
                "prefix": "hms/",
                "options": {"region": "eu-west-1"},
                "credentials": {"key": "AKIAEXAMPLE", "secretKey": STORAGE_SECRET},
            },
        },
        "roomState": {"messageInterval": 5, "sendPeerList": False,
                      "stopRoomStateOnJoin": True, "enabled": False},
        "retry": {},
    }  # fmt: skip


def recording(n: int) -> dict[str, Any]:
    return {
        "id": oid("64", n),
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "status": "completed",
        "created_at": "2025-03-30T06:53:03.67Z",
        "started_at": "2025-03-30T06:53:06.787Z",
        "updated_at": "2025-03-30T06:54:02.431Z",
        "stopped_at": "2025-03-30T06:53:58.182Z",
        "meeting_url": "https://acme.app.100ms.live/preview/635fe195f5e1f4a0abb7d1ae",
        "started_by": "3f174686-cef9-4d9e-b3d5-ed91773e7f3e",
        "stopped_by": "",
        "asset_types": ["room-composite"],
    }


@pytest.fixture
def m() -> Iterator[rm.Mocker]:
    with rm.Mocker() as mocker:
        yield mocker


def mock_rooms(m: rm.Mocker, on: list[dict[str, Any]], off: list[dict[str, Any]] | None = None):
    m.get(f"{BASE}/v2/rooms", json=by_flag("enabled", on, off or []))


# -- paginators on their own -------------------------------------------------------------------


def page_response(body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


def data_of(response: requests.Response) -> list[Any]:
    return response.json()["data"]


@pytest.mark.parametrize(
    ("body", "finished", "start"),
    [
        ({"limit": 10, "data": [{}] * 10, "last": "62bbc84a"}, False, "62bbc84a"),
        ({"limit": 10, "data": [{}] * 9, "last": "62bbc84a"}, True, None),  # short page
        ({"limit": 10, "data": [{}] * 10, "last": ""}, True, None),  # empty last
        ({"limit": 10, "data": [{}] * 10, "last": None}, True, None),  # null last
        ({"limit": 10, "data": [{}] * 10}, True, None),  # missing last
        ({"limit": 10, "data": []}, True, None),  # empty page
    ],
)
def test_start_cursor_paginator_stop_rules(
    body: dict[str, Any], finished: bool, start: str | None
) -> None:
    paginator = StartCursorPaginator(10, data_of)
    first = SimpleNamespace(params={"enabled": "true"})
    paginator.apply_to(first)
    assert first.params == {"enabled": "true", "limit": 10}  # no start on the first page

    paginator.advance(page_response(body))

    assert paginator.finished is finished
    if not finished:
        second = SimpleNamespace(params={})
        paginator.apply_to(second)
        assert second.params == {"limit": 10, "start": start}


def test_next_cursor_paginator_follows_next_until_absent() -> None:
    paginator = NextCursorPaginator(100)
    paginator.advance(page_response({"limit": 100, "total": 230, "next": "c1", "events": []}))
    request = SimpleNamespace(params={"room_id": "r1"})
    paginator.apply_to(request)
    assert request.params == {"room_id": "r1", "limit": 100, "start": "c1"}
    paginator.advance(page_response({"limit": 30, "total": 230, "events": [{}] * 30}))
    assert paginator.finished


# -- config and discovery ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"base_url": BASE},
            "hms needs credentials: set hms.app_access_key and hms.app_secret "
            "(preferred: the tap mints its own tokens) or hms.management_token",
        ),
        (
            {"app_access_key": ACCESS_KEY},
            "hms.app_secret is required with hms.app_access_key (or set hms.management_token)",
        ),
        (
            {"app_secret": APP_SECRET},
            "hms.app_access_key is required with hms.app_secret (or set hms.management_token)",
        ),
        (
            {"management_token": STATIC_TOKEN, "page_size": 200},
            "hms.page_size must be between 10 and 100 (the 100ms API's limits)",
        ),
        (
            {"management_token": STATIC_TOKEN, "token_lifetime_seconds": 0},
            "hms.token_lifetime_seconds must be a positive number of seconds",
        ),
    ],
)
def test_config_errors_are_one_line(block: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        TapMediaApis(config={"hms": block}, parse_env_config=False)
    assert str(raised.value) == message


def test_streams_keys_and_replication_keys() -> None:
    tap = TapMediaApis(config=make_config(), parse_env_config=False)
    assert set(tap.streams) == set(KEYS)
    for name, stream in tap.streams.items():
        assert tuple(stream.primary_keys) == KEYS[name]
        assert stream.replication_key == REPLICATION_KEYS.get(name)
    parents = {n: s.parent_stream_type.name for n, s in tap.streams.items() if s.parent_stream_type}
    assert parents == {
        "hms_active_room_peers": "hms_sessions",
        "hms_session_peers": "hms_sessions",
        "hms_analytics_events": "hms_rooms",
        "hms_template_settings": "hms_templates",
        "hms_template_destinations": "hms_templates",
    }


# -- list paging -------------------------------------------------------------------------------


def test_rooms_page_on_last_until_a_short_page_for_both_enabled_values(m: rm.Mocker) -> None:
    enabled = [room(n) for n in range(230)]
    disabled = [room(1000 + n, enabled=False) for n in range(5)]
    mock_rooms(m, enabled, disabled)

    result = sync(make_config(), select=["hms_rooms"])

    calls = [query(r) for r in m.request_history]
    assert calls == [
        {"enabled": "true", "limit": "100"},
        {"enabled": "true", "limit": "100", "start": enabled[99]["id"]},
        {"enabled": "true", "limit": "100", "start": enabled[199]["id"]},  # 30: short, the end
        {"enabled": "false", "limit": "100"},
    ]
    assert keys_of(result, "hms_rooms") == {(r["id"],) for r in enabled + disabled}
    assert len(result.records["hms_rooms"]) == 235
    assert_conforms(result)


@pytest.mark.parametrize(
    ("second_last", "expected_calls"),
    [("", 2), (None, 2), ("MISSING", 2)],
    ids=["empty-last", "null-last", "missing-last"],
)
def test_recordings_stop_on_an_empty_or_missing_last(
    m: rm.Mocker, second_last: str | None, expected_calls: int
) -> None:
    rows = [recording(n) for n in range(250)]

    def callback(request: Any, context: Any) -> dict[str, Any]:
        start = query(request).get("start")
        data = rows[100:200] if start else rows[:100]
        body: dict[str, Any] = {"limit": 100, "data": data, "last": data[-1]["id"]}
        if start:  # a full page that says it is the last one
            if second_last == "MISSING":
                del body["last"]
            else:
                body["last"] = second_last
        return body

    m.get(f"{BASE}/v2/recordings", json=callback)

    result = sync(make_config(), select=["hms_recordings"])

    assert m.call_count == expected_calls
    assert query(m.request_history[1]) == {"limit": "100", "start": rows[99]["id"]}
    assert keys_of(result, "hms_recordings") == {(r["id"],) for r in rows[:200]}
    assert_conforms(result)


def test_zero_or_empty_times_outside_the_replication_key_become_null(m: rm.Mocker) -> None:
    running = {**recording(1), "status": "running", "stopped_at": "0001-01-01T00:00:00Z"}
    starting = {**recording(2), "status": "starting", "started_at": "", "stopped_at": ""}
    m.get(f"{BASE}/v2/recordings", json=list_pages([running, starting]))

    result = sync(make_config(), select=["hms_recordings"])

    records = {r["id"]: r for r in result.records["hms_recordings"]}
    assert records[running["id"]]["stopped_at"] is None
    assert records[running["id"]]["started_at"] == "2025-03-30T06:53:06.787000Z"
    assert records[starting["id"]]["started_at"] is None
    assert records[starting["id"]]["stopped_at"] is None
    assert m.call_count == 1
    assert_conforms(result)


def test_page_size_setting_is_the_limit_and_the_short_page_rule(m: rm.Mocker) -> None:
    rows = [template(n) for n in range(25)]
    m.get(f"{BASE}/v2/templates", json=list_pages(rows, id_field="_id"))

    result = sync(make_config(page_size=10), select=["hms_templates"])

    assert [query(r).get("limit") for r in m.request_history] == ["10", "10", "10"]
    assert len(result.records["hms_templates"]) == 25


# -- rooms: the zero date ----------------------------------------------------------------------


def test_zero_date_room_is_dated_and_bookmarked_by_created_at(m: rm.Mocker) -> None:
    never_updated_new = room(1, created="2025-03-01T10:00:00.5Z", updated="0001-01-01T00:00:00Z")
    updated = room(2, created="2024-11-02T08:00:00Z", updated="2025-02-01T08:30:00.25Z")
    never_updated_old = room(3, created="2024-12-01T00:00:00Z", updated="0001-01-01T00:00:00Z")
    mock_rooms(m, [updated, never_updated_new, never_updated_old])

    full = sync(make_config(), select=["hms_rooms"])

    by_id = {r["id"]: r for r in full.records["hms_rooms"]}
    assert by_id[never_updated_new["id"]]["updated_at"] == "2025-03-01T10:00:00.500000Z"
    assert by_id[never_updated_old["id"]]["updated_at"] == "2024-12-01T00:00:00.000000Z"
    assert by_id[updated["id"]]["updated_at"] == "2025-02-01T08:30:00.250000Z"
    bookmark = full.final_state["bookmarks"]["hms_rooms"]
    assert bookmark["replication_key_value"] == "2025-03-01T10:00:00.500000Z"
    assert_conforms(full)

    bookmark = {"replication_key": "updated_at", "replication_key_value": "2025-01-15T00:00:00Z"}
    state = {"bookmarks": {"hms_rooms": bookmark}}
    incremental = sync(make_config(), state=state, select=["hms_rooms"])

    assert {r["id"] for r in incremental.records["hms_rooms"]} == {
        never_updated_new["id"],
        updated["id"],
    }  # the old zero-date room is not "updated in 0001" nor new: it is left out


# -- sessions ----------------------------------------------------------------------------------


def test_sessions_read_active_and_ended_and_keep_peers_as_a_map(m: rm.Mocker) -> None:
    active = [session(n, active=True) for n in range(2)]
    ended = [session(10 + n, active=False) for n in range(3)]
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", active, ended))

    result = sync(make_config(), select=["hms_sessions"])

    assert [query(r).get("active") for r in m.request_history] == ["true", "false"]
    records = {r["id"]: r for r in result.records["hms_sessions"]}
    assert set(records) == {s["id"] for s in active + ended}
    for source in active + ended:
        peers = records[source["id"]]["peers"]
        assert peers == source["peers"]  # one JSON object keyed by peer id, not flattened
        assert all(key == value["id"] for key, value in peers.items())
    assert "properties" not in result.schemas["hms_sessions"]["properties"]["peers"]
    assert_conforms(result)


# -- active room peers -------------------------------------------------------------------------


def mock_sessions(m: rm.Mocker, on: list[dict[str, Any]], off: list[dict[str, Any]]) -> None:
    m.get(f"{BASE}/v2/sessions", json=by_flag("active", on, off))


def test_active_room_peers_map_becomes_one_record_per_peer(m: rm.Mocker) -> None:
    live, idle, empty, gone = room(1), room(2), room(3), room(4)
    mock_rooms(m, [live, idle, empty, gone])
    mock_sessions(
        m,
        [session(1, active=True, room_id=live["id"]), session(2, active=True, room_id=live["id"]),
         session(3, active=True, room_id=empty["id"]), session(4, active=True, room_id=gone["id"])],
        [session(5, active=False, room_id=idle["id"])],
    )  # fmt: skip
    peers = {
        "dcd88eb0-83e6-486a-bcae-c3be5e0f2c20": peer("dcd88eb0-83e6-486a-bcae-c3be5e0f2c20"),
        "4e03dce3-ddec-4bdd-b91b-0b18be1a7f10": peer(
            "4e03dce3-ddec-4bdd-b91b-0b18be1a7f10", "2025-01-25T12:04:30.366388779Z"
        ),
    }
    m.get(f"{BASE}/v2/active-rooms/{live['id']}/peers", json={"peers": peers})
    m.get(f"{BASE}/v2/active-rooms/{empty['id']}/peers", json={"peers": {}})
    m.get(  # its session ended between the list and this call
        f"{BASE}/v2/active-rooms/{gone['id']}/peers",
        status_code=404,
        json={"code": 404, "message": "room not active", "details": []},
    )

    result = sync(make_config(), select=["hms_active_room_peers"])

    assert requests_to(m, "/v2/rooms") == []  # rooms are not needed to find the active ones
    asked = [r.url.split("/")[-2] for r in m.request_history if r.url.endswith("/peers")]
    assert sorted(asked) == sorted([live["id"], empty["id"], gone["id"]])  # once per room
    assert "hms_sessions" not in result.records  # the parent is read, not emitted
    records = result.records["hms_active_room_peers"]
    assert keys_of(result, "hms_active_room_peers") == {(live["id"], pid) for pid in peers}
    assert len(records) == 2
    joined = {r["id"]: r["joined_at"] for r in records}
    assert joined["4e03dce3-ddec-4bdd-b91b-0b18be1a7f10"] == "2025-01-25T12:04:30.366388Z"
    assert all(r["room_id"] == live["id"] for r in records)
    assert_conforms(result)


def test_active_sessions_before_the_bookmark_still_get_peers(m: rm.Mocker) -> None:
    live = room(1)
    old = {**session(1, active=True, room_id=live["id"]), "updated_at": "2024-06-01T00:00:00Z"}
    mock_sessions(m, [old], [])
    m.get(f"{BASE}/v2/active-rooms/{live['id']}/peers", json={"peers": {"p-1": peer("p-1")}})
    bookmark = {"replication_key": "updated_at", "replication_key_value": "2025-01-01T00:00:00Z"}

    result = sync(
        make_config(),
        state={"bookmarks": {"hms_sessions": bookmark}},
        select=["hms_sessions", "hms_active_room_peers"],
    )

    assert "hms_sessions" not in result.records  # not new ...
    assert keys_of(result, "hms_active_room_peers") == {(live["id"], "p-1")}  # ... still asked


def test_active_room_peers_5xx_is_retried(m: rm.Mocker) -> None:
    live = room(1)
    mock_sessions(m, [session(1, active=True, room_id=live["id"])], [])
    url = f"{BASE}/v2/active-rooms/{live['id']}/peers"
    m.get(
        url,
        [
            {"status_code": 500, "json": {"code": 500, "message": "internal error"}},
            {"status_code": 503, "json": {"code": 503, "message": "unavailable"}},
            {"json": {"peers": {"p-1": peer("p-1")}}},
        ],
    )

    result = sync(make_config(), select=["hms_active_room_peers"])

    assert len([r for r in m.request_history if r.url == url]) == 3
    assert keys_of(result, "hms_active_room_peers") == {(live["id"], "p-1")}


@pytest.mark.parametrize(
    ("status", "body", "attempts", "message"),
    [
        (500, {"code": 500, "message": "internal error"}, 3, "HTTP 500"),
        (403, {"code": 403, "message": "forbidden"}, 1, "HTTP 403"),
        (404, "<html><title>404 Not Found</title></html>", 1, "HTTP 404"),  # not the API's 404
    ],
)
def test_active_room_peers_other_errors_fail(
    m: rm.Mocker, status: int, body: Any, attempts: int, message: str
) -> None:
    live = room(1)
    mock_sessions(m, [session(1, active=True, room_id=live["id"])], [])
    url = f"{BASE}/v2/active-rooms/{live['id']}/peers"
    if isinstance(body, dict):
        m.get(url, status_code=status, json=body)
    else:
        m.get(url, status_code=status, text=body, headers={"Content-Type": "text/html"})

    with pytest.raises(ProviderAPIError) as raised:
        sync({**make_config(), "max_retries": 2}, select=["hms_active_room_peers"])

    assert str(raised.value).startswith(f"hms: stream hms_active_room_peers: {message}")
    assert len([r for r in m.request_history if r.url == url]) == attempts


# -- templates, settings, destinations ---------------------------------------------------------


def test_template_destinations_flatten_every_map_including_browser_recordings(
    m: rm.Mocker,
) -> None:
    old, new = template(1), template(2)
    m.get(f"{BASE}/v2/templates", json=list_pages([old, new], id_field="_id"))
    m.get(f"{BASE}/v2/templates/{old['id']}/destinations", json={
        "browserRecordings": {
            "b7c1": {"name": "beam", "width": 1920, "height": 1080, "maxDuration": 1800,
                     "thumbnails": {"width": 320, "height": 180}, "presignDuration": 3600,
                     "role": "beam", "autoStart": False, "autoStopTimeout": 300},
        },
        "rtmpDestinations": {
            "r-yt": {"name": "youtube", "width": 1280, "height": 720, "maxDuration": 10800,
                     "rtmpUrls": [f"rtmp://a.rtmp.youtube.com/live2/{YT_KEY}"],
                     "recordingEnabled": True},
            "r-tw": {"name": "twitch", "rtmpUrls": [f"rtmp://live.twitch.tv/app/{TW_KEY}"]},
        },
        "hlsDestinations": {},
        "transcriptions": {
            "t-1": {"name": "notes", "role": "host", "outputModes": ["txt", "srt"],
                    "customVocabulary": ["100ms"], "summary": {"enabled": True}},
        },
    })  # fmt: skip
    m.get(f"{BASE}/v2/templates/{new['id']}/destinations", json={
        "rtmpDestinations": {},
        "hlsDestinations": {
            "h-1": {"name": "hls", "maxDuration": 28800, "playlistType": "event",
                    "layers": [{"width": 1280, "height": 720, "videoBitrate": 1100}],
                    "recording": {"hlsVod": True, "singleFilePerLayer": False}},
        },
    })  # fmt: skip

    result = sync(make_config(), select=["hms_template_destinations"])

    assert keys_of(result, "hms_template_destinations") == {
        (old["id"], "browserRecordings", "b7c1"),
        (old["id"], "rtmpDestinations", "r-yt"),
        (old["id"], "rtmpDestinations", "r-tw"),
        (old["id"], "transcriptions", "t-1"),
        (new["id"], "hlsDestinations", "h-1"),
    }
    records = {r["destination_id"]: r for r in result.records["hms_template_destinations"]}
    # The stream key is masked; host and application path stay.
    assert records["r-yt"]["rtmpUrls"] == ["rtmp://a.rtmp.youtube.com/live2/REDACTED"]
    assert records["r-tw"]["rtmpUrls"] == ["rtmp://live.twitch.tv/app/REDACTED"]
    output = json.dumps(result.messages, default=str)
    assert YT_KEY not in output
    assert TW_KEY not in output
    assert records["b7c1"]["thumbnails"] == {"width": 320, "height": 180}
    assert records["h-1"]["layers"] == [{"width": 1280, "height": 720, "videoBitrate": 1100}]
    assert records["t-1"]["outputModes"] == ["txt", "srt"]
    assert len(requests_to(m, "/v2/templates")) == 1
    assert_conforms(result)


def test_template_settings_one_record_per_template_without_the_bucket_secret(
    m: rm.Mocker,
) -> None:
    rows = [template(n) for n in range(3)]
    m.get(f"{BASE}/v2/templates", json=list_pages(rows, id_field="_id"))
    for row in rows:
        m.get(f"{BASE}/v2/templates/{row['id']}/settings", json=storage_settings())

    result = sync(make_config(), select=["hms_templates", "hms_template_settings"])

    assert keys_of(result, "hms_template_settings") == {(r["id"],) for r in rows}
    for record in result.records["hms_template_settings"]:
        assert record["region"] == "in"
        credentials = record["recording"]["upload"]["credentials"]
        assert credentials == {"key": "AKIAEXAMPLE"}
    for record in result.records["hms_templates"]:
        assert "secretKey" not in record["settings"]["recording"]["upload"]["credentials"]
    assert STORAGE_SECRET not in json.dumps(result.messages, default=str)
    assert_conforms(result)


# -- analytics events --------------------------------------------------------------------------


def events_api(events: dict[str, list[dict[str, Any]]], *, empty_next: bool = False):
    """{limit, total, next, events}; ``next`` only while more remain ("Pagination")."""

    def callback(request: Any, context: Any) -> dict[str, Any]:
        params = query(request)
        rows = events[params["room_id"]]
        limit = int(params["limit"])
        offset = int(params["start"].split(":")[1]) if "start" in params else 0
        body: dict[str, Any] = {"limit": limit, "total": len(rows)}
        body["events"] = rows[offset : offset + limit]
        if offset + limit < len(rows):
            body["next"] = f"{params['room_id']}:{offset + limit}"
        elif empty_next:
            body["next"] = ""
        return body

    return callback


@pytest.mark.parametrize("empty_next", [False, True], ids=["next-missing", "next-empty"])
def test_analytics_events_send_room_id_on_every_page(m: rm.Mocker, empty_next: bool) -> None:
    busy, quiet = room(1), room(2)
    mock_rooms(m, [busy, quiet])
    events = {
        busy["id"]: [event(busy["id"], n) for n in range(230)],
        quiet["id"]: [event(quiet["id"], n) for n in range(4)],
    }
    m.get(f"{BASE}/v2/analytics/events", json=events_api(events, empty_next=empty_next))

    result = sync(make_config(), select=["hms_analytics_events"])

    calls = [query(r) for r in requests_to(m, "/v2/analytics/events")]
    assert sorted(calls, key=lambda c: (c["room_id"], c.get("start", ""))) == [
        {"room_id": busy["id"], "limit": "100"},
        {"room_id": busy["id"], "limit": "100", "start": f"{busy['id']}:100"},
        {"room_id": busy["id"], "limit": "100", "start": f"{busy['id']}:200"},
        {"room_id": quiet["id"], "limit": "100"},
    ]
    records = result.records["hms_analytics_events"]
    assert keys_of(result, "hms_analytics_events") == {
        (e["id"],) for r in events.values() for e in r
    }
    assert len(records) == 234
    first = next(r for r in records if r["id"] == events[busy["id"]][0]["id"])
    assert first["timestamp"] == "2025-02-23T10:00:00.783118Z"  # ns cut to µs, RFC 3339 UTC
    assert first["room_id"] == busy["id"]
    assert first["data"]["track_id"] == "d3c7a05d-81ee-48a0-8a6a-ec36be966312"
    assert_conforms(result)


def test_rooms_before_the_bookmark_still_get_events(m: rm.Mocker) -> None:
    old = room(1, created="2024-06-01T00:00:00Z", updated="2024-06-02T00:00:00Z")
    new = room(2, created="2025-03-01T00:00:00Z", updated="2025-03-01T00:00:00Z")
    mock_rooms(m, [old, new])
    events = {
        old["id"]: [event(old["id"], 1, "2025-02-20T00:00:00.1Z"),
                    event(old["id"], 2, "2025-03-02T00:00:00.123456789Z")],
        new["id"]: [event(new["id"], 3, "2025-03-03T00:00:00Z")],
    }  # fmt: skip
    m.get(f"{BASE}/v2/analytics/events", json=events_api(events))
    state = {
        "bookmarks": {
            "hms_rooms": {"replication_key": "updated_at",
                          "replication_key_value": "2025-02-01T00:00:00.000000Z"},
            "hms_analytics_events": {"replication_key": "timestamp",
                                     "replication_key_value": "2025-03-01T00:00:00.000000Z"},
        }
    }  # fmt: skip

    result = sync(
        make_config(),
        state=state,
        select=["hms_rooms", "hms_analytics_events"],
    )

    assert [r["id"] for r in result.records["hms_rooms"]] == [new["id"]]
    # The old room's new events still count: they do not move its updated_at.
    assert keys_of(result, "hms_analytics_events") == {
        (events[old["id"]][1]["id"],),
        (events[new["id"]][0]["id"],),
    }  # the event before the events bookmark is filtered on the client
    bookmarks = result.final_state["bookmarks"]
    assert bookmarks["hms_analytics_events"]["replication_key_value"] == (
        "2025-03-03T00:00:00.000000Z"
    )
    assert bookmarks["hms_rooms"]["replication_key_value"] == "2025-03-01T00:00:00.000000Z"


# -- auth --------------------------------------------------------------------------------------


def bearer(request: Any) -> str:
    header = request.headers["Authorization"]
    assert header.startswith("Bearer ")
    return header[7:]


def test_minted_token_is_a_valid_management_token(m: rm.Mocker) -> None:
    mock_rooms(m, [room(1)])
    before = int(time.time())

    sync(make_config(), select=["hms_rooms"])

    tokens = {bearer(r) for r in m.request_history}
    assert len(tokens) == 1  # one token for the run, not one per request
    token = tokens.pop()
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, APP_SECRET, algorithms=["HS256"])
    assert set(claims) == {"access_key", "type", "version", "iat", "nbf", "exp", "jti"}
    assert claims["access_key"] == ACCESS_KEY
    assert claims["type"] == "management"
    assert claims["version"] == 2
    assert before <= claims["iat"] == claims["nbf"] <= int(time.time())
    assert claims["exp"] - claims["iat"] == 86_400  # the default token_lifetime_seconds
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, APP_SECRET + "x", algorithms=["HS256"])


@pytest.mark.parametrize(("lifetime", "distinct"), [(120, 4), (86_400, 1)])
def test_minted_token_is_renewed_before_it_expires(
    m: rm.Mocker, monkeypatch: pytest.MonkeyPatch, lifetime: int, distinct: int
) -> None:
    clock = SimpleNamespace(now=10_000.0)
    monkeypatch.setattr(core_auth, "time", SimpleNamespace(monotonic=lambda: clock.now))
    serve = by_flag("enabled", [room(n) for n in range(250)], [])

    def rooms_taking_100_seconds(request: Any, context: Any) -> dict[str, Any]:
        clock.now += 100  # each page "takes" 100 s: past the 60 s renewal margin of 120 s
        return serve(request, context)

    m.get(f"{BASE}/v2/rooms", json=rooms_taking_100_seconds)

    result = sync(make_config(token_lifetime_seconds=lifetime), select=["hms_rooms"])

    tokens = [bearer(r) for r in m.request_history]
    assert len(tokens) == 4  # 3 pages of enabled rooms, 1 of disabled
    assert len(set(tokens)) == distinct
    for token in set(tokens):
        claims = jwt.decode(token, APP_SECRET, algorithms=["HS256"])
        assert claims["exp"] - claims["iat"] == lifetime
    assert len(result.records["hms_rooms"]) == 250


def test_minted_token_refused_with_401_is_renewed_once(m: rm.Mocker) -> None:
    expired = {"code": 401, "message": "Token validation error", "details": ["token expired"]}
    answers = [
        (401, expired),
        (200, {"limit": 100, "data": [room(1)], "last": room(1)["id"]}),
        (200, {"limit": 100, "data": [], "last": ""}),
    ]
    sent: list[str] = []

    def callback(request: Any, context: Any) -> dict[str, Any]:
        # Read the header now: a retry re-sends (and re-signs) the same request object.
        sent.append(bearer(request))
        context.status_code, body = answers[len(sent) - 1]
        return body

    m.get(f"{BASE}/v2/rooms", json=callback)

    result = sync(make_config(), select=["hms_rooms"])

    assert len(sent) == 3
    assert sent[0] != sent[1] == sent[2]
    assert len(result.records["hms_rooms"]) == 1


def test_static_token_401_is_final(m: rm.Mocker) -> None:
    expired = {"code": 401, "message": "Token validation error", "details": ["token expired"]}
    m.get(f"{BASE}/v2/rooms", status_code=401, json=expired)
    config = {"hms": {"management_token": STATIC_TOKEN, "base_url": BASE}}

    with pytest.raises(ProviderAPIError) as raised:
        sync(config, select=["hms_rooms"])

    assert m.call_count == 1
    assert m.request_history[0].headers["Authorization"] == f"Bearer {STATIC_TOKEN}"
    message = str(raised.value)
    assert message.startswith("hms: stream hms_rooms: HTTP 401")
    assert "Token validation error" in message
    assert "check the hms credentials" in message
    assert STATIC_TOKEN not in message


# -- sandbox -----------------------------------------------------------------------------------


def sandbox_config(sb: Any) -> dict[str, Any]:
    config = sb.tap_config()
    config["hms"]["requests_per_second"] = 1000
    return config


def keys_by_stream(result: SyncResult) -> dict[str, set[tuple[Any, ...]]]:
    return {stream: keys_of(result, stream) for stream in result.records}


def test_sandbox_full_sync_loads_the_expected_counts() -> None:
    with run_sandbox(["hms"]) as sb:
        result = sync(sandbox_config(sb))
        expected = sb.expected_counts()
        log = list(sb.requests)
        secrets = sb.secrets()

    assert {s: len(k) for s, k in keys_by_stream(result).items()} == expected
    assert {s: len(r) for s, r in result.records.items()} == expected  # no duplicates
    assert set(expected) == set(KEYS)
    assert all(count > 0 for count in expected.values())
    assert len(log) <= 150
    events = [e["path"] for e in log if "/v2/analytics/events" in e["path"]]
    assert events
    assert all("room_id=" in path for path in events)
    assert any("start=" in path for path in events)  # one room has over 100 events
    assert {e["status"] for e in log} == {200}  # peers only of rooms with an active session
    output = json.dumps(result.messages, default=str)
    assert not [secret for secret in secrets if secret in output]
    assert_conforms(result)


@pytest.mark.parametrize(("scale", "advances"), [(1, 1), (2, 3)])
def test_sandbox_incremental_run_after_advance_merges_to_the_expected_counts(
    scale: int, advances: int
) -> None:
    with run_sandbox(["hms"], scale=scale) as sb:
        first = sync(sandbox_config(sb))
        for _ in range(advances):
            sb.advance()
        second = sync(sandbox_config(sb), state=first.final_state)
        expected = sb.expected_counts()

    one, two = keys_by_stream(first), keys_by_stream(second)
    merged = {s: len(one.get(s, set()) | two.get(s, set())) for s in expected}
    assert merged == expected
    # Incremental: only what changed (plus records AT the bookmark) comes again.
    assert len(second.records["hms_rooms"]) < len(first.records["hms_rooms"]) / 5
    assert len(second.records["hms_recordings"]) < len(first.records["hms_recordings"]) / 5
    assert_conforms(second)


def test_sandbox_auth_and_api_errors() -> None:
    with run_sandbox(["hms"]) as sb:
        base = sb.base_url("hms")
        valid = mint_management_token(SANDBOX_KEY, SANDBOX_SECRET, 600)
        expired = mint_management_token(SANDBOX_KEY, SANDBOX_SECRET, 60, now=time.time() - 3600)
        foreign = mint_management_token("someone-else", SANDBOX_SECRET, 600)
        forged = mint_management_token(SANDBOX_KEY, "not-the-secret", 600)

        def get(path: str, token: str | None = valid) -> requests.Response:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return requests.get(f"{base}{path}", headers=headers, timeout=10)

        assert get("/v2/rooms", expired).json() == {
            "code": 401,
            "message": "Token validation error",
            "details": ["token expired"],
        }
        assert [get("/v2/rooms", t).status_code for t in (None, foreign, forged)] == [401] * 3
        assert get("/v2/analytics/events").status_code == 400  # room_id is required
        assert get("/v2/rooms?limit=101").status_code == 400
        rooms = get("/v2/rooms?limit=100").json()
        assert set(rooms) == {"limit", "data", "last"}
        assert all(r["enabled"] for r in rooms["data"])  # enabled defaults to true
        assert get(f"/v2/active-rooms/{rooms['data'][0]['id']}/peers").status_code == 404
        assert sb.secrets()[0] == SANDBOX_SECRET
