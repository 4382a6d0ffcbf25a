"""Basecamp (docs/providers/basecamp.md): requests-mock unit tests, then the in-process sandbox."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.basecamp import (
    ACCOUNT_ID,
    CLIENT_ID,
    REFRESH_TOKEN,
    TOKEN_PATH,
    BasecampSandbox,
)
from tap_media_apis.tap import TapMediaApis
from tests.helpers import SyncResult, declared, sync

BASE = "https://3.basecampapi.com/999999999"
TOKEN_URL = "https://launchpad.37signals.com/authorization/token"
AGENT = "acme-data (data@acme.example)"
SECRET = "client-secret-5f2c"
REFRESH = "refresh-token-9a1e"
PROJECTS = f"{BASE}/projects.json"
RECORDINGS = f"{BASE}/projects/recordings.json"
TODOS_QUERY = "type=Todo&sort=updated_at&direction=desc"
ALL_STREAMS = [
    "basecamp_projects",
    "basecamp_schedules",
    "basecamp_schedule_entries",
    "basecamp_todos",
    "basecamp_messages",
]
#: The second wave's recording types (one declaration each on the same mechanism).
RECORDING_STREAMS = (
    "basecamp_comments",
    "basecamp_documents",
    "basecamp_uploads",
    "basecamp_todolists",
    "basecamp_question_answers",
    "basecamp_cards",
    "basecamp_vaults",
)


def config(**block: Any) -> dict[str, Any]:
    return {
        "start_date": "2025-01-01T00:00:00Z",
        "user_agent": AGENT,
        "max_retries": 2,
        "basecamp": {
            "account_id": "999999999",
            "client_id": "client-id-1",
            "client_secret": SECRET,
            "refresh_token": REFRESH,
            "requests_per_second": 1000,
            **block,
        },
    }


def state_at(stream: str, bookmark: str) -> dict[str, Any]:
    return {
        "bookmarks": {stream: {"replication_key": "updated_at", "replication_key_value": bookmark}}
    }


# -- realistic payloads -----------------------------------------------------------------------

PERSON = {
    "id": 1007299143,
    "attachable_sgid": "BAh7CEkiCGdpZAY6BkVU",
    "name": "Victor Cooper",
    "email_address": "victor@honchodesign.com",
    "personable_type": "User",
    "title": "Chief Strategist",
    "created_at": "2016-09-09T22:58:27.559Z",
    "updated_at": "2016-09-09T22:58:31.296Z",
    "admin": True,
    "owner": True,
    "time_zone": "America/Chicago",
    "avatar_url": "https://3.basecamp-static.com/195539477/people/BAhp/avatar-64-x4",
    "company": {"id": 1033447817, "name": "Honcho Design"},
}


def at(minutes: int) -> str:
    """A 2025 timestamp, ``minutes`` after 2025-06-01T00:00Z, as Basecamp writes them."""
    moment = datetime(2025, 6, 1, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.123Z")


def normalised(minutes: int) -> str:
    return at(minutes).replace(".123Z", ".123000Z")


def dock(project_id: int, *, schedule: bool | None) -> list[dict[str, Any]]:
    tools = [("message_board", True), ("todoset", True)]
    if schedule is not None:
        tools.append(("schedule", schedule))
    return [
        {
            "id": project_id * 10 + n,
            "title": name.replace("_", " ").title(),
            "name": name,
            "enabled": enabled,
            "position": n if enabled else None,
            "url": f"{BASE}/buckets/{project_id}/{name}s/{project_id * 10 + n}.json",
            "app_url": f"https://3.basecamp.com/999999999/buckets/{project_id}/{name}s/1",
        }
        for n, (name, enabled) in enumerate(tools, start=1)
    ]


def project(project_id: int, *, schedule: bool | None = True) -> dict[str, Any]:
    return {
        "id": project_id,
        "status": "active",
        "created_at": "2025-02-17T17:13:00.000Z",
        "updated_at": "2025-03-07T01:45:21.904-06:00",
        "name": f"Project {project_id}",
        "description": "Laptop product launch.",
        "purpose": "topic",
        "clients_enabled": False,
        "timesheet_enabled": True,
        "color": None,
        "last_needle_color": "green",
        "last_needle_position": None,
        "previous_needle_position": None,
        "bookmark_url": f"{BASE}/my/bookmarks/BAh7Bk.json",
        "url": f"{BASE}/projects/{project_id}.json",
        "app_url": f"https://3.basecamp.com/999999999/projects/{project_id}",
        "dock": dock(project_id, schedule=schedule),
        "bookmarked": False,
        "not_in_the_schema": "dropped",
    }


def recording(record_id: int, kind: str, minutes: int, status: str = "active") -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": record_id,
        "status": status,
        "visible_to_clients": False,
        "created_at": at(minutes - 600),
        "updated_at": at(minutes),
        "title": f"{kind} {record_id}",
        "inherits_status": True,
        "type": kind,
        "url": f"{BASE}/buckets/2085958504/recordings/{record_id}.json",
        "app_url": f"https://3.basecamp.com/999999999/buckets/2085958504/{record_id}",
        "comments_count": 2,
        "parent": {"id": 9007199254741612, "title": "Launch", "type": "Todolist"},
        "bucket": {"id": 2085958504, "name": "The Leto Laptop", "type": "Project"},
        "creator": PERSON,
    }
    if kind == "Todo":
        record.update(
            content="Get frequent client feedback",
            description="<div>Weekly</div>",
            completed=False,
            completion=None,
            starts_on=None,
            due_on="2025-07-01",
            assignees=[PERSON],
            completion_subscribers=[],
            position=3,
        )
    elif kind == "Message":
        record.update(subject="Kickoff", content="<div>Welcome!</div>")
    else:
        record.update(
            summary="Team Meeting",
            description="<div>Time to synergize!</div>",
            all_day=False,
            starts_at="2025-07-20T23:33:36.369Z",
            ends_at="2025-07-21T03:33:36.369Z",
            participants=[PERSON],
        )
    return record


def schedule(schedule_id: int, project_id: int) -> dict[str, Any]:
    return {
        "id": schedule_id,
        "status": "active",
        "created_at": "2025-04-05T06:16:29.846-05:00",
        "updated_at": "2025-04-13T05:30:21.843-05:00",
        "title": "Schedule",
        "inherits_status": False,
        "type": "Schedule",
        "url": f"{BASE}/buckets/{project_id}/schedules/{schedule_id}.json",
        "entries_count": 3,
        "entries_url": f"{BASE}/buckets/{project_id}/schedules/{schedule_id}/entries.json",
        "bucket": {"id": project_id, "name": f"Project {project_id}", "type": "Project"},
        "creator": PERSON,
    }


# -- mocking helpers --------------------------------------------------------------------------


def token_ok(m: rm.Mocker, *tokens: str, refresh: str = REFRESH, expires_in: int = 1209600) -> None:
    bodies = [
        {
            "json": {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
            }
        }
        for token in tokens or ("access-1",)
    ]
    m.post(TOKEN_URL, bodies)


GEARS = (15, 30, 50, 100)  # then 100 per page (docs/providers/basecamp.md, "Pagination")


def link_pages(m: rm.Mocker, url: str, query: str, rows: list[dict[str, Any]]) -> list[str]:
    """Serve ``rows`` like Basecamp: geared pages, a next link, X-Total-Count; the URLs used."""

    def page_url(page: int) -> str:
        params = "&".join(p for p in (query, f"page={page}" if page > 1 else "") if p)
        return f"{url}?{params}" if params else url

    urls: list[str] = []
    offset, page = 0, 1
    while True:
        size = GEARS[min(page, len(GEARS)) - 1]
        headers = {"X-Total-Count": str(len(rows))}
        if offset + size < len(rows):
            headers["Link"] = f'<{page_url(page + 1)}>; rel="next"'
        m.get(page_url(page), json=rows[offset : offset + size], headers=headers, complete_qs=True)
        urls.append(page_url(page))
        if "Link" not in headers:
            return urls
        offset, page = offset + size, page + 1


def gets(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.method == "GET"]


def posts(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.method == "POST"]


def query_of(request: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats apply to strings only (a null is the type's business)
    if "T" not in value:
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


FORMATS = FormatChecker()
FORMATS.checks("date-time", raises=ValueError)(_is_date_time)


def assert_conforms(result: SyncResult) -> None:
    """Every record valid against its stream's SCHEMA message (date-times checked too)."""
    for stream, records in result.records.items():
        validator = Draft202012Validator(result.schemas[stream], format_checker=FORMATS)
        for record in records:
            validator.validate(record)


def ids(result: SyncResult, stream: str) -> list[int]:
    return [r["id"] for r in result.records[stream]]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Move the token-expiry clock forward on demand."""
    offset = [0.0]
    real = time.monotonic
    monkeypatch.setattr("tap_media_apis.core.auth.time.monotonic", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


# -- streams ----------------------------------------------------------------------------------


def test_projects_follow_the_link_header_until_there_is_none(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    token_ok(requests_mock)
    rows = [project(2085958500 + n, schedule=None) for n in range(25)]
    urls = link_pages(requests_mock, PROJECTS, "", rows)
    with caplog.at_level(logging.INFO):
        result = sync(config(), select=["basecamp_projects"])

    assert [r.url for r in gets(requests_mock)] == urls == [PROJECTS, f"{PROJECTS}?page=2"]
    assert ids(result, "basecamp_projects") == [row["id"] for row in rows]
    first = result.records["basecamp_projects"][0]
    assert "not_in_the_schema" not in first
    assert first["updated_at"] == "2025-03-07T07:45:21.904000Z"  # offsets normalised to UTC
    for request in requests_mock.request_history:
        assert request.headers["User-Agent"] == AGENT
    assert all(r.headers["Authorization"] == "Bearer access-1" for r in gets(requests_mock))
    progress = [r.getMessage() for r in caplog.records if " of 25" in r.getMessage()]
    assert progress == ["basecamp_projects: 15 of 25", "basecamp_projects: 25 of 25"]
    assert_conforms(result)


def test_link_paging_across_the_geared_sizes_never_repeats_query_parameters(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    rows = [recording(9000 + n, "Todo", 10_000 - n) for n in range(200)]
    link_pages(requests_mock, RECORDINGS, TODOS_QUERY, rows)
    result = sync(config(), select=["basecamp_todos"])

    requests = gets(requests_mock)
    assert len(requests) == 5  # 15 + 30 + 50 + 100 + 5
    assert query_of(requests[0]) == {
        "type": ["Todo"],
        "sort": ["updated_at"],
        "direction": ["desc"],
    }
    for number, request in enumerate(requests[1:], start=2):
        assert query_of(request) == {
            "type": ["Todo"],
            "sort": ["updated_at"],
            "direction": ["desc"],
            "page": [str(number)],
        }
    assert ids(result, "basecamp_todos") == [row["id"] for row in rows]
    assert result.records["basecamp_todos"][0]["updated_at"] == normalised(10_000)
    assert_conforms(result)


def test_messages_read_recordings_of_type_message(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    rows = [recording(7000 + n, "Message", 5_000 - n) for n in range(20)]
    link_pages(requests_mock, RECORDINGS, "type=Message&sort=updated_at&direction=desc", rows)
    result = sync(config(), select=["basecamp_messages"])

    assert len(gets(requests_mock)) == 2
    assert query_of(gets(requests_mock)[0])["type"] == ["Message"]
    assert ids(result, "basecamp_messages") == [row["id"] for row in rows]
    assert result.records["basecamp_messages"][0]["subject"] == "Kickoff"
    assert_conforms(result)


def test_todos_stop_paging_at_the_bookmark(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    rows = [recording(9000 + n, "Todo", 10_000 - n) for n in range(420)]
    urls = link_pages(requests_mock, RECORDINGS, TODOS_QUERY, rows)
    assert len(urls) == 7  # 15, 30, 50, 100, 100, 100, 25
    bookmark = rows[60]["updated_at"]  # on page 3 (records 45..94)
    result = sync(config(), state=state_at("basecamp_todos", bookmark), select=["basecamp_todos"])

    assert len(gets(requests_mock)) == 3  # pages 4-7 are never requested
    assert ids(result, "basecamp_todos") == [row["id"] for row in rows[:60]]
    assert rows[60]["id"] not in ids(result, "basecamp_todos")  # AT the bookmark: seen before
    final = result.final_state["bookmarks"]["basecamp_todos"]
    assert final["replication_key_value"] == normalised(10_000)


def test_schedules_come_from_enabled_dock_items_only(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    enabled, disabled, without = (
        project(101),
        project(102, schedule=False),
        project(103, schedule=None),
    )
    link_pages(requests_mock, PROJECTS, "", [enabled, disabled, without])
    schedule_id = 101 * 10 + 3
    requests_mock.get(
        f"{BASE}/buckets/101/schedules/{schedule_id}.json", json=schedule(schedule_id, 101)
    )
    entries = [recording(500 + n, "Schedule::Entry", 100 + n) for n in range(20)]
    link_pages(
        requests_mock, f"{BASE}/buckets/101/schedules/{schedule_id}/entries.json", "", entries
    )
    result = sync(config(), select=ALL_STREAMS[:3])

    paths = [urlsplit(r.url).path for r in gets(requests_mock)]
    assert paths == [
        "/999999999/projects.json",
        f"/999999999/buckets/101/schedules/{schedule_id}.json",
        f"/999999999/buckets/101/schedules/{schedule_id}/entries.json",
        f"/999999999/buckets/101/schedules/{schedule_id}/entries.json",
    ]  # nothing for 102 (disabled) or 103 (no schedule); no GET /projects/{id}.json
    expected = {
        **schedule(schedule_id, 101),
        "project_id": 101,
        "created_at": "2025-04-05T11:16:29.846000Z",  # -05:00 offsets normalised to UTC
        "updated_at": "2025-04-13T10:30:21.843000Z",
    }
    assert declared(result.records["basecamp_schedules"]) == [expected]
    assert ids(result, "basecamp_schedule_entries") == [e["id"] for e in entries]
    for entry in result.records["basecamp_schedule_entries"]:
        assert (entry["project_id"], entry["schedule_id"]) == (101, schedule_id)
    assert ids(result, "basecamp_projects") == [101, 102, 103]
    assert_conforms(result)


def test_schedule_entries_filter_against_the_bookmark_on_the_client(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    link_pages(requests_mock, PROJECTS, "", [project(101)])
    requests_mock.get(f"{BASE}/buckets/101/schedules/1013.json", json=schedule(1013, 101))
    # Entries come in starts_at order, not by update: every page must be read.
    entries = [recording(500 + n, "Schedule::Entry", (n * 37) % 50) for n in range(50)]
    link_pages(requests_mock, f"{BASE}/buckets/101/schedules/1013/entries.json", "", entries)
    bookmark = at(40)
    result = sync(
        config(),
        state=state_at("basecamp_schedule_entries", bookmark),
        select=["basecamp_schedule_entries"],
    )

    assert len(gets(requests_mock)) == 1 + 1 + 3  # projects, schedule, entries 15/30/5
    kept = [e["id"] for e in entries if e["updated_at"] >= bookmark]
    assert ids(result, "basecamp_schedule_entries") == kept
    assert len(kept) == 10
    final = result.final_state["bookmarks"]["basecamp_schedule_entries"]
    # Entries selected without their parents still get their bookmark moved (SDK gap).
    assert final == {"replication_key": "updated_at", "replication_key_value": normalised(49)}


def test_a_schedule_gone_since_the_project_list_is_no_data(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    link_pages(requests_mock, PROJECTS, "", [project(101), project(201)])
    requests_mock.get(f"{BASE}/buckets/101/schedules/1013.json", status_code=404, json={})
    requests_mock.get(f"{BASE}/buckets/201/schedules/2013.json", json=schedule(2013, 201))
    link_pages(requests_mock, f"{BASE}/buckets/201/schedules/2013/entries.json", "", [])
    result = sync(config(), select=ALL_STREAMS[:3])

    assert ids(result, "basecamp_schedules") == [2013]
    assert not any("/schedules/1013/entries" in r.url for r in gets(requests_mock))


def test_an_inactive_account_fails_with_one_line(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    requests_mock.get(
        PROJECTS, status_code=404, headers={"Reason": "Account Inactive"}, json={"error": "x"}
    )
    with pytest.raises(ProviderAPIError) as failure:
        sync(config(), select=["basecamp_projects"])
    assert str(failure.value) == (
        "basecamp: stream basecamp_projects: HTTP 404 from GET "
        f"{PROJECTS}: x (the Basecamp account is suspended or expired; "
        "check basecamp.account_id)"
    )


def test_include_archived_and_trashed_reads_each_status_with_its_own_early_stop(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    bookmark = at(1_000)
    by_status = {
        "active": [recording(1, "Todo", 3_000), recording(2, "Todo", 2_000)],
        # Newer than the bookmark but older than the newest active one: still read.
        "archived": [recording(3, "Todo", 1_500, "archived")],
        "trashed": [],
    }
    for status, newer in by_status.items():
        old = [recording(100 + n, "Todo", 900 - n, status) for n in range(20)]
        link_pages(requests_mock, RECORDINGS, f"{TODOS_QUERY}&status={status}", newer + old)
    result = sync(
        config(include_archived_and_trashed=True),
        state=state_at("basecamp_todos", bookmark),
        select=["basecamp_todos"],
    )

    statuses = [query_of(r)["status"] for r in gets(requests_mock)]
    assert statuses == [["active"], ["archived"], ["trashed"]]  # one page each: early stops
    assert ids(result, "basecamp_todos") == [1, 2, 3]
    final = result.final_state["bookmarks"]["basecamp_todos"]
    assert final == {"replication_key": "updated_at", "replication_key_value": normalised(3_000)}
    assert_conforms(result)


def test_by_default_only_active_recordings_are_read(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    link_pages(requests_mock, RECORDINGS, TODOS_QUERY, [recording(1, "Todo", 10)])
    sync(config(include_archived_and_trashed=False), select=["basecamp_todos"])
    assert [set(query_of(r)) for r in gets(requests_mock)] == [{"type", "sort", "direction"}]


def test_a_base_url_of_a_proxy_gets_the_account_id_appended(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    requests_mock.get("https://proxy.example/bc/999999999/projects.json", json=[project(1)])
    result = sync(config(base_url="https://proxy.example/bc/"), select=["basecamp_projects"])
    assert ids(result, "basecamp_projects") == [1]


# -- auth -------------------------------------------------------------------------------------


def serve_everything(m: rm.Mocker) -> None:
    link_pages(m, PROJECTS, "", [project(101)])
    m.get(f"{BASE}/buckets/101/schedules/1013.json", json=schedule(1013, 101))
    entries = [recording(500 + n, "Schedule::Entry", n) for n in range(3)]
    link_pages(m, f"{BASE}/buckets/101/schedules/1013/entries.json", "", entries)
    todos = [recording(9000 + n, "Todo", 100 - n) for n in range(40)]
    link_pages(m, RECORDINGS, TODOS_QUERY, todos)
    messages = [recording(7000 + n, "Message", 100 - n) for n in range(4)]
    link_pages(m, RECORDINGS, "type=Message&sort=updated_at&direction=desc", messages)


def test_one_token_serves_every_stream_of_the_run(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    serve_everything(requests_mock)
    result = sync({**config(), "request_timeout": 7}, select=ALL_STREAMS)

    assert len(posts(requests_mock)) == 1
    grant = posts(requests_mock)[0]
    assert grant.url == TOKEN_URL
    assert grant.timeout == 7  # the run's request_timeout, like every API request
    assert grant.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert grant.headers["User-Agent"] == AGENT
    assert parse_qs(grant.text) == {
        "grant_type": ["refresh_token"],
        "client_id": ["client-id-1"],
        "client_secret": [SECRET],
        "refresh_token": [REFRESH],
    }
    assert len(gets(requests_mock)) == 1 + 1 + 1 + 2 + 1
    assert {len(result.records[s]) for s in ALL_STREAMS} == {1, 3, 40, 4}
    assert_conforms(result)


def test_the_token_is_renewed_before_it_expires(
    requests_mock: rm.Mocker, clock: Callable[[float], None]
) -> None:
    token_ok(requests_mock, "access-1", "access-2", expires_in=120)  # renewed after 60 s

    def page(rows: list[dict[str, Any]], link: str | None) -> Callable[..., Any]:
        def answer(request: Any, context: Any) -> list[dict[str, Any]]:
            clock(61)  # the next request finds the token about to expire
            if link:
                context.headers["Link"] = f'<{link}>; rel="next"'
            return rows

        return answer

    requests_mock.get(PROJECTS, json=page([project(1)], f"{PROJECTS}?page=2"), complete_qs=True)
    requests_mock.get(f"{PROJECTS}?page=2", json=page([project(2)], None), complete_qs=True)
    result = sync(config(), select=["basecamp_projects"])

    assert len(posts(requests_mock)) == 2
    bearers = [r.headers["Authorization"] for r in gets(requests_mock)]
    assert bearers == ["Bearer access-1", "Bearer access-2"]
    assert ids(result, "basecamp_projects") == [1, 2]


def answers(*bodies: tuple[int, Any]) -> tuple[list[str], Callable[..., Any]]:
    """A callback giving ``bodies`` in turn, and the Authorization each request carried.

    (A retry re-signs the same prepared request, so the request history shows only the
    last token: the header is read when the request arrives.)
    """
    seen: list[str] = []
    queue = list(bodies)

    def answer(request: Any, context: Any) -> Any:
        seen.append(request.headers["Authorization"])
        context.status_code, body = queue.pop(0) if len(queue) > 1 else queue[0]
        return body

    return seen, answer


def test_a_401_renews_the_token_once_and_retries(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    token_ok(requests_mock, "access-1", "access-2")
    bearers, answer = answers((401, {"error": "OAuth token expired"}), (200, [project(1)]))
    requests_mock.get(PROJECTS, json=answer)
    result = sync(config(), select=["basecamp_projects"])

    assert len(posts(requests_mock)) == 2
    assert bearers == ["Bearer access-1", "Bearer access-2"]
    assert ids(result, "basecamp_projects") == [1]


def test_a_401_for_a_fresh_token_fails_with_one_line(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    token_ok(requests_mock, "access-1", "access-2")
    bearers, answer = answers((401, {"error": "OAuth token expired"}))
    requests_mock.get(PROJECTS, json=answer)
    with pytest.raises(ProviderAPIError) as failure:
        sync(config(), select=["basecamp_projects"])

    assert str(failure.value) == (
        f"basecamp: stream basecamp_projects: HTTP 401 from GET {PROJECTS}: "
        "OAuth token expired (check the basecamp credentials)"
    )
    assert (len(posts(requests_mock)), len(gets(requests_mock))) == (2, 2)
    assert bearers == ["Bearer access-1", "Bearer access-2"]


@pytest.mark.parametrize(("status", "error"), [(401, "invalid_client"), (400, "invalid_grant")])
def test_a_refused_refresh_stops_with_one_clear_line(
    requests_mock: rm.Mocker, no_sleep: list[float], status: int, error: str
) -> None:
    token_url = "https://launchpad.example/authorization/token?client_secret=leaky"
    requests_mock.post(token_url, status_code=status, json={"error": error})
    with pytest.raises(ProviderAPIError) as failure:
        sync(config(token_url=token_url), select=["basecamp_projects"])

    message = str(failure.value)
    prefix = f"basecamp: stream basecamp_projects: token refresh failed: HTTP {status}"
    assert message.startswith(prefix)
    assert "POST https://launchpad.example/authorization/token?client_secret=REDACTED" in message
    assert message.endswith(
        f": {error} (check basecamp.client_id, basecamp.client_secret and basecamp.refresh_token)"
    )
    assert "\n" not in message
    assert not {SECRET, REFRESH, "leaky"} & set(message.replace("=", " ").split())
    assert (len(posts(requests_mock)), len(gets(requests_mock))) == (1, 0)  # never retried


def test_transient_token_endpoint_failures_are_retried(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    requests_mock.post(
        TOKEN_URL,
        [
            {"status_code": 503, "json": {"error": "unavailable"}},
            {"exc": requests.ConnectionError("Connection refused")},
            {"json": {"access_token": "access-1", "expires_in": 1209600}},
        ],
    )
    requests_mock.get(PROJECTS, json=[project(1)])
    result = sync(config(), select=["basecamp_projects"])

    assert len(posts(requests_mock)) == 3
    assert ids(result, "basecamp_projects") == [1]
    assert len([wait for wait in no_sleep if wait >= 1.0]) == 2  # two backoffs (not pacing)


def test_a_token_endpoint_that_stays_down_gives_up_with_one_line(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    requests_mock.post(TOKEN_URL, status_code=503, json={"error": "unavailable"})
    with pytest.raises(ProviderAPIError) as failure:
        sync(config(), select=["basecamp_projects"])

    assert str(failure.value) == (
        "basecamp: stream basecamp_projects: token refresh failed: HTTP 503 from POST "
        f"{TOKEN_URL}: unavailable "
        "(gave up after retries)"
    )
    assert (len(posts(requests_mock)), len(gets(requests_mock))) == (3, 0)  # max_retries=2


def test_a_rotated_refresh_token_is_used_for_the_next_refresh_and_logged_without_its_value(
    requests_mock: rm.Mocker, no_sleep: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    rotated = "refresh-token-rotated-77c1"
    token_ok(requests_mock, "access-1", "access-2", refresh=rotated)
    _, answer = answers((401, {"error": "OAuth token expired"}), (200, [project(1)]))
    requests_mock.get(PROJECTS, json=answer)
    with caplog.at_level(logging.INFO):
        sync(config(), select=["basecamp_projects"])

    sent = [parse_qs(r.text)["refresh_token"] for r in posts(requests_mock)]
    assert sent == [[REFRESH], [rotated]]
    warnings = [r.getMessage() for r in caplog.records if "new refresh token" in r.getMessage()]
    assert len(warnings) == 1  # the second grant returns the same token: no new warning
    assert "basecamp.refresh_token" in warnings[0]
    assert not any(rotated in r.getMessage() or REFRESH in r.getMessage() for r in caplog.records)


# -- config -----------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", [None, "tap-media-apis/0.1.0", "acme-data"])
def test_a_user_agent_without_a_contact_fails_config_validation(agent: str | None) -> None:
    bad = config()
    if agent is None:
        del bad["user_agent"]
    else:
        bad["user_agent"] = agent
    with pytest.raises(ConfigError) as failure:
        TapMediaApis(config=bad, parse_env_config=False)
    message = str(failure.value)
    assert message.startswith("basecamp needs a contact in user_agent")
    assert "\n" not in message


@pytest.mark.parametrize(
    "agent", ["acme-data (data@acme.example)", "acme-data (https://acme.example/contact)"]
)
def test_a_user_agent_with_an_email_or_url_is_accepted(agent: str) -> None:
    good = {**config(), "user_agent": agent}
    assert "basecamp_todos" in TapMediaApis(config=good, parse_env_config=False).streams


def test_the_catalog_declares_the_keys_of_the_stream_contract() -> None:
    catalog = TapMediaApis(config=config(), parse_env_config=False).catalog_dict
    declared = {
        entry["stream"]: (list(entry["key_properties"]), entry.get("replication_key"))
        for entry in catalog["streams"]
    }
    assert declared == {
        "basecamp_projects": (["id"], None),
        "basecamp_schedules": (["id"], None),
        "basecamp_schedule_entries": (["id"], "updated_at"),
        "basecamp_todos": (["id"], "updated_at"),
        "basecamp_messages": (["id"], "updated_at"),
        "basecamp_people": (["id"], None),
        "basecamp_card_tables": (["id"], None),
        "basecamp_card_table_columns": (["id"], None),
        "basecamp_questions": (["id"], None),
        **{stream: (["id"], "updated_at") for stream in RECORDING_STREAMS},
    }


def test_the_new_setting_is_in_the_config_schema() -> None:
    block = TapMediaApis.config_jsonschema["properties"]["basecamp"]["properties"]
    assert block["include_archived_and_trashed"]["default"] is False
    assert block["client_secret"].get("secret") is True
    assert "page_size" not in block  # geared by the API, not settable


# -- the sandbox ------------------------------------------------------------------------------


@pytest.fixture
def basecamp_sandbox() -> Iterator[Any]:
    with run_sandbox(["basecamp"]) as running:
        yield running


def distinct(result: SyncResult) -> dict[str, int]:
    return {stream: len(set(ids(result, stream))) for stream in result.records}


def test_the_sandbox_full_sync_loads_the_expected_counts_then_only_what_advanced(
    basecamp_sandbox: Any, no_sleep: list[float]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    first = sync(basecamp_sandbox.tap_config())

    assert distinct(first) == basecamp_sandbox.expected_counts()
    log = list(basecamp_sandbox.requests)
    api = [e for e in log if TOKEN_PATH not in e["path"]]
    assert len(api) < 250
    grants = sum(1 for e in log if TOKEN_PATH in e["path"])
    # Tokens die every 50 requests: one renewal per death (requests in flight on other
    # threads may meet the same dead token, and are retried with the new one).
    unauthorized = [e["status"] for e in log].count(401)
    assert 1 <= grants - 1 <= unauthorized
    assert grants <= math.ceil(len(api) / 50) + 1
    assert_conforms(first)

    part.advance()
    before = len(basecamp_sandbox.requests)
    second = sync(basecamp_sandbox.tap_config(), state=first.final_state)

    for stream in ("basecamp_todos", "basecamp_messages", *RECORDING_STREAMS):
        assert set(ids(second, stream)) == part.advanced_ids[stream], stream
        assert len(ids(second, stream)) == len(part.advanced_ids[stream]), stream
    bookmark = first.final_state["bookmarks"]["basecamp_schedule_entries"]
    entries = first.records["basecamp_schedule_entries"]
    at_bookmark = [r for r in entries if r["updated_at"] == bookmark["replication_key_value"]]
    assert second.records["basecamp_schedule_entries"] == at_bookmark  # unchanged but the edge
    merged = {
        stream: len(set(ids(first, stream)) | set(ids(second, stream)))
        for stream in (*ALL_STREAMS, *RECORDING_STREAMS)
    }
    expected = basecamp_sandbox.expected_counts()
    assert merged == {stream: expected[stream] for stream in merged}
    # Full tables are read again in full; the recordings cost one page each.
    for stream in ("basecamp_people", "basecamp_card_tables", "basecamp_questions"):
        assert len(second.records[stream]) == expected[stream]
    pages: dict[str, int] = {}
    for entry in list(basecamp_sandbox.requests)[before:]:
        if "recordings.json" in entry["path"] and entry["status"] == 200:
            kind = parse_qs(urlsplit(entry["path"]).query)["type"][0]
            pages[kind] = pages.get(kind, 0) + 1
    # One page each; 22 changed to-dos need the second (15, then 30).
    assert pages == {kind: 2 if kind == "Todo" else 1 for kind in pages}
    assert len(pages) == 2 + len(RECORDING_STREAMS)


def test_the_sandbox_hides_other_peoples_emails_unless_the_token_is_an_admin(
    basecamp_sandbox: Any, no_sleep: list[float]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    streams = ["basecamp_people", "basecamp_card_tables"]
    hidden = sync(basecamp_sandbox.tap_config(), select=streams)
    emails = {p["id"]: p["email_address"] for p in hidden.records["basecamp_people"]}
    assert emails.pop(part.me["id"]) == part.me["email_address"]  # their own, in full
    assert all("•" in email and "@" in email for email in emails.values())
    nested = [
        s["email_address"] for b in hidden.records["basecamp_card_tables"] for s in b["subscribers"]
    ]
    assert nested
    assert all("•" in email for email in nested if email != part.me["email_address"])

    part.token_is_admin = True
    shown = sync(basecamp_sandbox.tap_config(), select=["basecamp_people"])
    assert [p["email_address"] for p in shown.records["basecamp_people"]] == [
        p["email_address"] for p in part.people
    ]


def test_the_sandbox_has_several_card_tables_in_a_project_and_skips_disabled_ones(
    basecamp_sandbox: Any, no_sleep: list[float]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    result = sync(
        basecamp_sandbox.tap_config(),
        select=["basecamp_projects", "basecamp_card_tables", "basecamp_card_table_columns"],
    )
    per_project: dict[int, int] = {}
    for board in result.records["basecamp_card_tables"]:
        per_project[board["project_id"]] = per_project.get(board["project_id"], 0) + 1
    assert max(per_project.values()) >= 2
    disabled = {b["id"] for b in part.card_tables.values() if not b["enabled"]}
    assert disabled
    assert not disabled & set(ids(result, "basecamp_card_tables"))
    assert not any(str(i) in e["path"] for i in disabled for e in basecamp_sandbox.requests)
    boards = {b["id"]: b for b in result.records["basecamp_card_tables"]}
    for column in result.records["basecamp_card_table_columns"]:
        assert column["id"] in {c["id"] for c in boards[column["card_table_id"]]["lists"]}
    board_gets = [
        e for e in basecamp_sandbox.requests if "/card_tables/" in e["path"] and e["status"] == 200
    ]
    assert len(board_gets) == len(boards)  # the columns cost no request


def test_the_sandbox_reads_archived_and_trashed_when_asked(
    basecamp_sandbox: Any, no_sleep: list[float]
) -> None:
    cfg = basecamp_sandbox.tap_config()
    cfg["basecamp"]["include_archived_and_trashed"] = True
    result = sync(cfg, select=["basecamp_todos", "basecamp_messages"])
    expected = basecamp_sandbox.expected_counts()
    assert distinct(result) == {
        "basecamp_todos": expected["basecamp_todos"] + 8 + 5,
        "basecamp_messages": expected["basecamp_messages"] + 4 + 3,
    }
    cards = sync(cfg, select=["basecamp_cards"])
    assert distinct(cards) == {"basecamp_cards": expected["basecamp_cards"] + 2 + 1}


def test_the_sandbox_survives_rotating_refresh_tokens(
    basecamp_sandbox: Any, no_sleep: list[float]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    part.rotate_refresh_tokens = True
    part.token_max_requests = 20
    result = sync(basecamp_sandbox.tap_config(), select=["basecamp_todos", "basecamp_messages"])

    assert distinct(result) == {
        k: v for k, v in basecamp_sandbox.expected_counts().items() if k in result.records
    }
    assert len(part.issued_refresh_tokens) == 1 + sum(
        1 for e in basecamp_sandbox.requests if TOKEN_PATH in e["path"]
    )
    assert len(part.issued_refresh_tokens) >= 2


def test_the_sandbox_refuses_a_wrong_client_secret_with_one_line(basecamp_sandbox: Any) -> None:
    cfg = basecamp_sandbox.tap_config()
    cfg["basecamp"]["client_secret"] = "wrong"
    with pytest.raises(ProviderAPIError, match=r"HTTP 401 .*: invalid_client \(check basecamp"):
        sync(cfg, select=["basecamp_projects"])


def grant(base: str, **form: str) -> requests.Response:
    body = {"grant_type": "refresh_token", "client_id": CLIENT_ID, **form}
    return requests.post(f"{base}{TOKEN_PATH}", data=body, timeout=10)


@pytest.fixture
def api(basecamp_sandbox: Any) -> Callable[..., requests.Response]:
    """GET from the sandbox's account with a fresh token; ``agent=None`` sends no User-Agent."""
    base = basecamp_sandbox.base_url("basecamp")
    secrets = basecamp_sandbox.tap_config()["basecamp"]
    token = grant(
        base, client_secret=secrets["client_secret"], refresh_token=secrets["refresh_token"]
    ).json()
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 1209600)

    def get(path: str, agent: str | None = AGENT) -> requests.Response:
        session = requests.Session()
        del session.headers["User-Agent"]  # python-requests/x would count as one
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        if agent:
            headers["User-Agent"] = agent
        url = path if path.startswith("http") else f"{base}/{ACCOUNT_ID}{path}"
        return session.get(url, headers=headers, timeout=10)

    return get


def test_the_sandbox_token_endpoint_refuses_a_wrong_client_secret(basecamp_sandbox: Any) -> None:
    refused = grant(
        basecamp_sandbox.base_url("basecamp"), client_secret="wrong", refresh_token=REFRESH_TOKEN
    )
    assert (refused.status_code, refused.json()) == (401, {"error": "invalid_client"})


def test_the_sandbox_wants_a_user_agent_with_a_contact_and_a_type(
    api: Callable[..., requests.Response],
) -> None:
    assert api("/projects.json", agent=None).status_code == 400
    assert api("/projects.json", agent="tap-media-apis/0.1.0").status_code == 400
    assert api("/projects/recordings.json").status_code == 400  # no type
    assert api("/projects.json").status_code == 200


def test_the_sandbox_pages_are_geared_with_links_and_a_total(
    api: Callable[..., requests.Response],
) -> None:
    page = api("/projects/recordings.json?type=Todo&sort=updated_at&direction=desc")
    sizes, totals = [], set()
    while True:
        sizes.append(len(page.json()))
        totals.add(page.headers["X-Total-Count"])
        following = page.links.get("next", {}).get("url")
        if not following:
            break
        page = api(following)
    assert sizes == [15, 30, 50, 100, 100, 100, 25]
    assert totals == {"420"}


def test_the_sandbox_has_no_disabled_schedule_and_no_other_account(
    basecamp_sandbox: Any, api: Callable[..., requests.Response]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    off = next(s for s in part.schedules.values() if not s["enabled"])
    assert api(f"/buckets/{off['bucket']['id']}/schedules/{off['id']}.json").status_code == 404
    other_account = f"{basecamp_sandbox.base_url('basecamp')}/123/projects.json"
    assert api(other_account).status_code == 404


def test_the_sandbox_can_answer_429_past_a_window_limit(
    basecamp_sandbox: Any, api: Callable[..., requests.Response]
) -> None:
    part: BasecampSandbox = basecamp_sandbox.parts["basecamp"]
    part.rate_limit = (3, 10.0)  # Basecamp's is 50 per 10 s; 3 keeps the test short
    answers = [api("/people.json") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 10
    assert part.throttled == 1
