"""Basecamp's second-wave streams: people, seven recording types, card tables and their
columns, check-in questions; and every stream fed Basecamp's documented payloads
(tests/providers/vendor_basecamp.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm
from jsonschema import Draft202012Validator

from tests.helpers import SyncResult, sync
from tests.providers import vendor_basecamp as vendor
from tests.providers.test_basecamp import (
    BASE,
    FORMATS,
    PERSON,
    PROJECTS,
    RECORDINGS,
    assert_conforms,
    at,
    config,
    dock,
    gets,
    ids,
    link_pages,
    project,
    query_of,
    recording,
    state_at,
    token_ok,
)

FIELDS = json.loads(
    (Path(__file__).parents[2] / "docs" / "providers" / "basecamp.fields.json").read_text()
)
#: Each recording stream and the ``type`` it asks for (docs/providers/basecamp.md, "Recordings").
RECORDING_TYPES = {
    "basecamp_comments": "Comment",
    "basecamp_documents": "Document",
    "basecamp_uploads": "Upload",
    "basecamp_todolists": "Todolist",
    "basecamp_question_answers": "Question::Answer",
    "basecamp_cards": "Kanban::Card",
    "basecamp_vaults": "Vault",
}


def newest_first(kind: str, count: int, status: str = "active") -> list[dict[str, Any]]:
    """``count`` recordings of ``kind``, one minute apart, newest update first."""
    return [recording(5000 + n, kind, 10_000 - n, status) for n in range(count)]


def same(requested: list[Any], urls: list[str]) -> bool:
    """The requests were these URLs (queries compared decoded: ``::`` may be escaped)."""
    wanted = [(urlsplit(u).path, parse_qs(urlsplit(u).query)) for u in urls]
    return [(urlsplit(r.url).path, query_of(r)) for r in requested] == wanted


def query(kind: str, status: str | None = None) -> str:
    status_part = f"&status={status}" if status else ""
    return f"type={kind}&sort=updated_at&direction=desc{status_part}"


# -- recordings by type -----------------------------------------------------------------------


@pytest.mark.parametrize(("stream", "kind"), RECORDING_TYPES.items())
def test_a_recording_type_reads_every_page_until_the_link_ends(
    requests_mock: rm.Mocker, stream: str, kind: str
) -> None:
    token_ok(requests_mock)
    rows = newest_first(kind, 50)  # 15 + 30 + 5
    urls = link_pages(requests_mock, RECORDINGS, query(kind), rows)

    result = sync(config(), select=[stream])

    assert ids(result, stream) == [r["id"] for r in rows]
    assert same(gets(requests_mock), urls)  # three pages, none past the end
    first = query_of(gets(requests_mock)[0])
    assert first == {"type": [kind], "sort": ["updated_at"], "direction": ["desc"]}
    assert_conforms(result)


@pytest.mark.parametrize(("stream", "kind"), RECORDING_TYPES.items())
def test_a_recording_type_stops_paging_at_the_bookmark(
    requests_mock: rm.Mocker, stream: str, kind: str
) -> None:
    token_ok(requests_mock)
    rows = newest_first(kind, 50)
    urls = link_pages(requests_mock, RECORDINGS, query(kind), rows)
    bookmark = rows[20]["updated_at"]  # on page 2

    result = sync(config(), select=[stream], state=state_at(stream, bookmark))

    assert ids(result, stream) == [r["id"] for r in rows[:20]]  # not the bookmark itself
    assert same(gets(requests_mock), urls[:2])  # page 3 never asked for


def test_a_recording_type_reads_each_status_when_asked(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    by_status = {
        status: [recording(6000 + 10 * i + n, "Kanban::Card", 500 - n, status) for n in range(3)]
        for i, status in enumerate(("active", "archived", "trashed"))
    }
    for status, rows in by_status.items():
        link_pages(requests_mock, RECORDINGS, query("Kanban::Card", status), rows)

    result = sync(config(include_archived_and_trashed=True), select=["basecamp_cards"])

    assert sorted(ids(result, "basecamp_cards")) == sorted(
        r["id"] for rows in by_status.values() for r in rows
    )
    assert {query_of(r)["status"][0] for r in gets(requests_mock)} == set(by_status)


# -- people -----------------------------------------------------------------------------------


def test_people_follow_the_link_header_and_keep_redacted_emails(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    people = [
        {**PERSON, "id": 1007299143 + n, "email_address": "v••••@•••••••••.•••"} for n in range(20)
    ]
    people[0] = dict(PERSON)  # the token's own person: in full
    del people[1]["company"]  # absent for some people
    urls = link_pages(requests_mock, f"{BASE}/people.json", "", people)

    result = sync(config(), select=["basecamp_people"])

    assert ids(result, "basecamp_people") == [p["id"] for p in people]
    assert [r.url for r in gets(requests_mock)] == urls  # 15 + 5, nothing past the end
    emails = [p["email_address"] for p in result.records["basecamp_people"]]
    assert emails[0] == PERSON["email_address"]
    assert set(emails[1:]) == {"v••••@•••••••••.•••"}
    assert_conforms(result)


# -- dock tools: card tables, their columns, questions ----------------------------------------


def tool(project_id: int, tool_id: int, name: str, plural: str, *, enabled: bool) -> dict[str, Any]:
    return {
        "id": tool_id,
        "title": name,
        "name": name,
        "enabled": enabled,
        "position": 9 if enabled else None,
        "url": f"{BASE}/buckets/{project_id}/{plural}/{tool_id}.json",
        "app_url": f"https://3.basecamp.com/999999999/buckets/{project_id}/{plural}/{tool_id}",
    }


def board(project_id: int, board_id: int, columns: int) -> dict[str, Any]:
    lists = [
        {
            **recording(board_id + n, "Kanban::Column", 100),
            "parent": {"id": board_id, "title": "Card Table", "type": "Kanban::Board"},
            "cards_count": n,
            "comment_count": 0,
        }
        for n in range(1, columns + 1)
    ]
    return {
        **recording(board_id, "Kanban::Board", 100),
        "bucket": {"id": project_id, "name": "Project", "type": "Project"},
        "subscribers": [PERSON],
        "lists": lists,
        "wormholes": [],
    }


def projects_with_tools(m: rm.Mocker) -> None:
    """Project 1: two enabled card tables and a disabled one, a questionnaire; project 2:
    a disabled card table and questionnaire, an enabled schedule; project 3: neither."""
    one = project(1)
    one["dock"] = [
        *dock(1, schedule=None),
        tool(1, 101, "kanban_board", "card_tables", enabled=True),
        tool(1, 102, "kanban_board", "card_tables", enabled=True),
        tool(1, 103, "kanban_board", "card_tables", enabled=False),
        tool(1, 104, "questionnaire", "questionnaires", enabled=True),
    ]
    two = project(2, schedule=True)
    two["dock"] += [
        tool(2, 201, "kanban_board", "card_tables", enabled=False),
        tool(2, 202, "questionnaire", "questionnaires", enabled=False),
    ]
    m.get(PROJECTS, json=[one, two, project(3, schedule=None)])


def test_card_tables_are_read_for_every_enabled_kanban_board_and_columns_cost_nothing(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    projects_with_tools(requests_mock)
    for board_id, columns in ((101, 4), (102, 3)):
        requests_mock.get(
            f"{BASE}/buckets/1/card_tables/{board_id}.json", json=board(1, board_id, columns)
        )

    result = sync(config(), select=["basecamp_card_tables", "basecamp_card_table_columns"])

    assert sorted(ids(result, "basecamp_card_tables")) == [101, 102]
    assert {r["project_id"] for r in result.records["basecamp_card_tables"]} == {1}
    columns = result.records["basecamp_card_table_columns"]
    assert sorted((c["card_table_id"], c["id"]) for c in columns) == [
        *((101, 101 + n) for n in range(1, 5)),
        *((102, 102 + n) for n in range(1, 4)),
    ]
    assert {c["project_id"] for c in columns} == {1}
    # The project list and the two enabled boards: no schedule, questionnaire or column GET.
    assert sorted(r.path for r in gets(requests_mock)) == [
        "/999999999/buckets/1/card_tables/101.json",
        "/999999999/buckets/1/card_tables/102.json",
        "/999999999/projects.json",
    ]
    assert_conforms(result)


def test_a_card_table_gone_since_the_project_list_is_no_data(requests_mock: rm.Mocker) -> None:
    token_ok(requests_mock)
    projects_with_tools(requests_mock)
    requests_mock.get(f"{BASE}/buckets/1/card_tables/101.json", json=board(1, 101, 2))
    requests_mock.get(
        f"{BASE}/buckets/1/card_tables/102.json", status_code=404, json={"error": "Not Found"}
    )

    result = sync(config(), select=["basecamp_card_tables", "basecamp_card_table_columns"])

    assert ids(result, "basecamp_card_tables") == [101]
    assert len(result.records["basecamp_card_table_columns"]) == 2


def test_questions_come_from_each_enabled_questionnaire_with_paging(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    projects_with_tools(requests_mock)
    questions = [
        {**recording(7000 + n, "Question", 50 - n), "paused": False, "answers_count": n}
        for n in range(17)
    ]
    urls = link_pages(
        requests_mock, f"{BASE}/buckets/1/questionnaires/104/questions.json", "", questions
    )

    result = sync(config(), select=["basecamp_questions"])

    assert ids(result, "basecamp_questions") == [q["id"] for q in questions]
    assert {q["project_id"] for q in result.records["basecamp_questions"]} == {1}
    assert [r.url for r in gets(requests_mock)] == [PROJECTS, *urls]  # 202 is disabled
    assert_conforms(result)


def test_schedules_card_tables_and_questions_each_take_only_their_dock_entries(
    requests_mock: rm.Mocker,
) -> None:
    token_ok(requests_mock)
    projects_with_tools(requests_mock)
    schedule_id = 2 * 10 + 3  # dock() numbers tools project_id * 10 + n
    requests_mock.get(
        f"{BASE}/buckets/2/schedules/{schedule_id}.json",
        json={**recording(schedule_id, "Schedule", 5), "entries_count": 0},
    )
    requests_mock.get(f"{BASE}/buckets/2/schedules/{schedule_id}/entries.json", json=[])
    for board_id in (101, 102):
        requests_mock.get(
            f"{BASE}/buckets/1/card_tables/{board_id}.json", json=board(1, board_id, 1)
        )
    requests_mock.get(f"{BASE}/buckets/1/questionnaires/104/questions.json", json=[])

    result = sync(
        config(),
        select=[
            "basecamp_projects",
            "basecamp_schedules",
            "basecamp_schedule_entries",
            "basecamp_card_tables",
            "basecamp_card_table_columns",
            "basecamp_questions",
        ],
    )

    assert ids(result, "basecamp_schedules") == [schedule_id]
    assert sorted(ids(result, "basecamp_card_tables")) == [101, 102]
    assert sorted(r.path for r in gets(requests_mock)) == sorted(
        [
            "/999999999/projects.json",
            f"/999999999/buckets/2/schedules/{schedule_id}.json",
            f"/999999999/buckets/2/schedules/{schedule_id}/entries.json",
            "/999999999/buckets/1/card_tables/101.json",
            "/999999999/buckets/1/card_tables/102.json",
            "/999999999/buckets/1/questionnaires/104/questions.json",
        ]
    )


# -- the vendor's documented payloads ---------------------------------------------------------


def serve_vendor(m: rm.Mocker) -> None:
    """Every endpoint, answering the payloads modelled on Basecamp's examples."""
    project_id = vendor.PROJECT["id"]
    bucket = f"{BASE}/buckets/{project_id}"
    m.get(PROJECTS, json=[vendor.PROJECT_RECORD])
    m.get(f"{BASE}/people.json", json=vendor.PEOPLE)
    m.get(f"{bucket}/schedules/{vendor.SCHEDULE['id']}.json", json=vendor.SCHEDULE)
    m.get(f"{bucket}/schedules/{vendor.SCHEDULE['id']}/entries.json", json=[vendor.SCHEDULE_ENTRY])
    m.get(f"{bucket}/card_tables/{vendor.BOARD}.json", json=vendor.CARD_TABLE)
    cloned = {**vendor.CARD_TABLE, "id": 1069479842, "title": "Hiring board", "lists": []}
    m.get(f"{bucket}/card_tables/1069479842.json", json=cloned)
    m.get(f"{bucket}/questionnaires/{vendor.QUESTIONNAIRE}/questions.json", json=vendor.QUESTIONS)
    by_type = {
        "Todo": [vendor.TODO],
        "Message": [vendor.MESSAGE],
        "Comment": [vendor.COMMENT],
        "Document": [vendor.DOCUMENT],
        "Upload": [vendor.UPLOAD],
        "Todolist": [vendor.TODOLIST, vendor.TODOLIST_GROUP],
        "Question::Answer": [vendor.QUESTION_ANSWER],
        "Kanban::Card": [vendor.CARD],
        "Vault": [vendor.VAULT],
    }
    for kind, rows in by_type.items():
        m.get(f"{RECORDINGS}?{query(kind)}", json=rows, complete_qs=True)


def arrived(records: list[dict[str, Any]]) -> set[str]:
    """Every field path present in the records (``[]`` for array items)."""
    found: set[str] = set()

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, f"{prefix}[]")
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{prefix}.{key}" if prefix else key
                found.add(path)
                walk(item, path)

    for record in records:
        walk(record, "")
    return found


@pytest.fixture(scope="module")
def vendor_sync() -> SyncResult:
    with rm.Mocker() as m:
        token_ok(m)
        serve_vendor(m)
        return sync(config(start_date="2020-01-01T00:00:00Z"), select=list(FIELDS))


@pytest.mark.parametrize("stream", sorted(FIELDS))
def test_every_documented_field_arrives_and_conforms(vendor_sync: SyncResult, stream: str) -> None:
    records = vendor_sync.records[stream]
    assert records, stream
    validator = Draft202012Validator(vendor_sync.schemas[stream], format_checker=FORMATS)
    for record in records:
        validator.validate(record)
    missing = sorted(set(FIELDS[stream]["fields"]) - arrived(records))
    assert not missing, f"{stream}: documented but not emitted: {missing}"


def test_the_vendor_payloads_fill_no_extra_fields(vendor_sync: SyncResult) -> None:
    """Every documented top-level field is declared, so nothing lands in extra_fields."""
    for stream, records in vendor_sync.records.items():
        for record in records:
            assert record.get("extra_fields") in (None, {}), (stream, record["extra_fields"])


def test_every_schema_is_in_the_field_inventory() -> None:
    schemas = Path(__file__).parents[2] / "schemas" / "basecamp"
    assert {p.stem for p in schemas.glob("*.json")} == set(FIELDS)


def test_a_redacted_email_is_kept_as_sent(vendor_sync: SyncResult) -> None:
    people = {p["id"]: p["email_address"] for p in vendor_sync.records["basecamp_people"]}
    assert people[vendor.MATT["id"]] == vendor.REDACTED_EMAIL
    assert people[vendor.ANNIE["id"]] is None
    assert people[vendor.VICTOR["id"]] == "victor@honchodesign.com"


def test_bookmark_edge(requests_mock: rm.Mocker) -> None:
    """A record updated exactly at the bookmark is not read again (newest-first lists)."""
    token_ok(requests_mock)
    rows = newest_first("Comment", 5)
    link_pages(requests_mock, RECORDINGS, query("Comment"), rows)
    result = sync(
        config(), select=["basecamp_comments"], state=state_at("basecamp_comments", at(9_998))
    )
    assert ids(result, "basecamp_comments") == [r["id"] for r in rows[:2]]
