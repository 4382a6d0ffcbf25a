"""AssemblyAI transcript details, utterances and unfinished transcripts re-read by id.

docs/providers/assemblyai.md, "Full transcript", "Utterances", "Deletion" and "Incremental
syncs and unfinished transcripts"; vendor-shaped payloads in tests/providers/vendor_assemblyai.py.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.providers.assemblyai import Transcripts
from tests.helpers import SyncResult, sync
from tests.providers import vendor_assemblyai as vendor
from tests.providers.test_assemblyai import (
    LIST,
    PARAGRAPHS,
    REDACTED,
    SENTENCES,
    TRANSCRIPTS,
    assert_schema_valid,
    bookmark,
    created,
    make_config,
    paths,
    register_children,
    register_list,
    tid,
    transcript,
    utc,
)

DETAILS = "assemblyai_transcript_details"
UTTERANCES = "assemblyai_transcript_utterances"
ALL = [TRANSCRIPTS, DETAILS, UTTERANCES, SENTENCES, PARAGRAPHS, REDACTED]
FIELDS = json.loads(Path("docs/providers/assemblyai.fields.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.usefixtures("no_sleep")


def detail(n: int, status: str = "completed", **extra: Any) -> dict[str, Any]:
    """The full transcript n, shaped like the spec's example (vendor.TRANSCRIPT)."""
    body = copy.deepcopy(vendor.TRANSCRIPT if status == "completed" else vendor.FAILED_TRANSCRIPT)
    body.update({"id": tid(n), "status": status, "audio_url": transcript(n)["audio_url"]})
    if status in ("queued", "processing"):
        for key in ("text", "words", "utterances", "confidence", "audio_duration"):
            body[key] = None
        body.pop("error", None)
    elif status == "error":
        body["error"] = "Audio duration is too short."
    body.update(extra)
    return body


def register_detail(m: rm.Mocker, n: int, status: str = "completed", **extra: Any) -> Any:
    return m.get(f"{LIST}/{tid(n)}", json=detail(n, status, **extra))


def tap_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The tap's own warnings (not the SDK's note that a stream is unsorted)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("tap-media-apis")
    ]


def state_of(result: SyncResult) -> dict[str, Any]:
    return dict(result.final_state["bookmarks"][TRANSCRIPTS])


def pending_ids(result: SyncResult) -> list[str]:
    return [entry[0] for entry in state_of(result).get("pending", [])]


def _paths(schema: dict[str, Any], value: Any, path: str = "") -> set[str]:
    """Inventory-style paths (``a.b``, ``a[].b``, ``a{}.b``) of the fields present."""
    found: set[str] = set()
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        kind = alternative.get("type")
        if (kind == "array") == isinstance(value, list) and (kind == "object") == isinstance(
            value, dict
        ):
            schema = alternative
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                sub, name = properties[key], f"{path}.{key}" if path else key
            elif isinstance(extra, dict):
                sub, name = extra, f"{path}{{}}"
            else:
                continue
            found.add(name)
            if item is not None:
                found |= _paths(sub, item, name)
    elif isinstance(value, list):
        for item in value:
            found |= _paths(schema.get("items", {}), item, f"{path}[]")
    return found


# -- details and utterances ----------------------------------------------------------------


def test_details_are_read_for_finished_transcripts_only_with_list_timestamps(
    requests_mock: rm.Mocker,
) -> None:
    statuses = {4: "queued", 3: "processing", 2: "completed", 1: "error"}
    register_list(requests_mock, [[transcript(n, s) for n, s in statuses.items()]], limit=200)
    register_detail(requests_mock, 2)
    register_detail(requests_mock, 1, "error")

    result = sync(make_config(), select=[TRANSCRIPTS, DETAILS, UTTERANCES])

    assert sorted(paths(requests_mock)) == sorted(
        ["/v2/transcript?limit=200", f"/v2/transcript/{tid(2)}?", f"/v2/transcript/{tid(1)}?"]
    )
    details = {r["id"]: r for r in result.records[DETAILS]}
    assert set(details) == {tid(2), tid(1)}
    done = details[tid(2)]
    assert (done["created"], done["completed"]) == (utc(2), transcript(2)["completed"] + "Z")
    assert details[tid(1)]["completed"] is None
    assert details[tid(1)]["error"] == "Audio duration is too short."
    for record in details.values():
        assert "words" not in record
        assert "utterances" not in record
        assert "words" not in (record.get("extra_fields") or {})
        assert "utterances" not in (record.get("extra_fields") or {})
    # The intelligence results arrive typed, as the API nests them.
    assert done["auto_highlights_result"]["results"][1]["timestamps"][2] == {
        "start": 211588,
        "end": 213434,
    }
    assert done["content_safety_labels"]["severity_score_summary"]["disasters"]["high"] == 0.0
    assert done["entities"][1]["entity_type"] == "person_name"
    assert done["chapters"][0]["start"] == 250
    assert done["deleted_by_user"] is False
    # The failed transcript has no results: null, not absent.
    assert details[tid(1)]["chapters"] is None
    assert_schema_valid(result)


def test_utterances_come_from_the_detail_without_another_request(
    requests_mock: rm.Mocker,
) -> None:
    register_list(requests_mock, [[transcript(2), transcript(1)]], limit=200)
    register_detail(requests_mock, 2)
    register_detail(requests_mock, 1, utterances=None, speaker_labels=False)

    result = sync(make_config(), select=[TRANSCRIPTS, DETAILS, UTTERANCES])

    assert requests_mock.call_count == 3  # the list and two details
    utterances = result.records[UTTERANCES]
    assert [(r["transcript_id"], r["utterance_index"]) for r in utterances] == [
        (tid(2), 0),
        (tid(2), 1),
    ]
    assert [r["speaker"] for r in utterances] == ["A", "B"]
    assert utterances[0]["words"][0] == vendor.SPEAKER_A_WORDS[0]
    assert utterances[1]["translated_texts"] == {"es": "Buenos días."}
    assert_schema_valid(result)


def test_utterances_alone_still_read_the_detail_once(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(1)]], limit=200)
    register_detail(requests_mock, 1)
    result = sync(make_config(), select=[UTTERANCES])
    assert len(result.records[UTTERANCES]) == 2
    assert result.records[DETAILS] == []
    assert requests_mock.call_count == 2


def test_a_deleted_transcript_is_a_soft_delete_without_children(
    requests_mock: rm.Mocker,
) -> None:
    listed = {**transcript(1), "audio_url": "http://deleted_by_user"}
    register_list(requests_mock, [[listed]], limit=200)
    requests_mock.get(f"{LIST}/{tid(1)}", json={**vendor.DELETED_TRANSCRIPT, "id": tid(1)})
    any_child = requests_mock.get(re.compile(rf"{LIST}/{tid(1)}/.+"), status_code=400)

    result = sync(make_config(), select=ALL)

    assert not any_child.called
    [record] = result.records[DETAILS]
    assert record["deleted_by_user"] is True
    assert record["audio_duration"] == 390  # kept by the tombstone
    assert record["created"] == utc(1)
    assert result.records[UTTERANCES] == []
    assert result.records[SENTENCES] == []
    # Undocumented tombstone fields are kept, in the extra-fields column.
    assert set(record.get("extra_fields") or {}) >= {"speaker_count", "cluster_id"}
    assert_schema_valid(result)


# -- unfinished transcripts ----------------------------------------------------------------


def test_unfinished_transcripts_are_remembered_and_re_read_by_id(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    pages = [[transcript(6, "queued"), transcript(5)], [transcript(4, "processing"), transcript(3)]]
    matchers = register_list(requests_mock, pages)
    for n in (5, 3):
        register_detail(requests_mock, n)
        register_children(requests_mock, n)

    first = sync(make_config(page_size=2), select=ALL)

    # The bookmark follows the list; the unfinished ones are remembered, compactly.
    assert bookmark(first) == utc(6)
    assert state_of(first)["pending"] == [[tid(6), utc(6)], [tid(4), utc(4)]]
    assert {r["id"] for r in first.records[DETAILS]} == {tid(5), tid(3)}

    # 4 completes, 6 is still queued, 8 is new and completed, 7 is new and processing.
    requests_mock.reset_mock()
    later = [[transcript(8), transcript(7, "processing")], [transcript(6, "queued")]]
    matchers = register_list(requests_mock, later)
    register_detail(requests_mock, 8)
    register_children(requests_mock, 8)
    register_detail(requests_mock, 6, "queued")
    register_detail(requests_mock, 4)
    register_children(requests_mock, 4, redacted=False)
    caplog.set_level(logging.WARNING)

    second = sync(make_config(page_size=2), state=first.final_state, select=ALL)

    assert [m.call_count for m in matchers] == [1, 1]  # stops at 6, the bookmark
    assert sorted(paths(requests_mock)) == sorted(
        [
            "/v2/transcript?limit=2",
            f"/v2/transcript?limit=2&before_id={tid(7)}",
            f"/v2/transcript/{tid(8)}?",
            f"/v2/transcript/{tid(6)}?",
            f"/v2/transcript/{tid(4)}?",
            *(f"/v2/transcript/{tid(n)}/{kind}?" for n in (8, 4) for kind in CHILD_KINDS),
        ]
    )
    rows = {r["id"]: r for r in second.records[TRANSCRIPTS]}
    assert rows[tid(4)]["status"] == "completed"
    assert rows[tid(4)]["created"] == utc(4)
    assert rows[tid(4)]["completed"] is None  # the detail does not say when
    assert rows[tid(6)]["status"] == "queued"
    assert {r["id"] for r in second.records[DETAILS]} == {tid(8), tid(4)}
    assert {r["transcript_id"] for r in second.records[UTTERANCES]} == {tid(8), tid(4)}
    assert {r["transcript_id"] for r in second.records[SENTENCES]} == {tid(8), tid(4)}
    assert bookmark(second) == utc(8)
    assert sorted(pending_ids(second)) == sorted([tid(7), tid(6)])
    assert tap_warnings(caplog) == []
    assert_schema_valid(second)


CHILD_KINDS = ("sentences", "paragraphs", "redacted-audio")


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "Not found"), (400, "Transcript lookup error, transcript id not found")],
)
def test_a_remembered_transcript_that_is_gone_leaves_the_list_with_one_warning(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture, status: int, message: str
) -> None:
    register_list(requests_mock, [[transcript(2, "processing"), transcript(1, "queued")]])
    first = sync(make_config(page_size=2), select=ALL)
    assert sorted(pending_ids(first)) == sorted([tid(2), tid(1)])

    requests_mock.reset_mock()
    register_list(requests_mock, [[transcript(2, "processing"), transcript(1, "queued")]])
    requests_mock.get(f"{LIST}/{tid(2)}", status_code=status, json={"error": message})
    register_detail(requests_mock, 1, "processing")
    caplog.set_level(logging.WARNING)

    second = sync(make_config(page_size=2), state=first.final_state, select=ALL)

    assert pending_ids(second) == [tid(1)]
    warnings = tap_warnings(caplog)
    assert len(warnings) == 1
    assert tid(2) in warnings[0]
    assert [r["status"] for r in second.records[TRANSCRIPTS]] == ["processing"]


def test_other_errors_of_a_re_read_still_fail(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(1, "queued")]], limit=200)
    first = sync(make_config(), select=[TRANSCRIPTS])
    register_list(requests_mock, [[transcript(1, "queued")]], limit=200)
    requests_mock.get(f"{LIST}/{tid(1)}", status_code=403, json={"error": "Forbidden"})
    with pytest.raises(Exception, match="HTTP 403"):
        sync(make_config(), state=first.final_state, select=[TRANSCRIPTS])


def test_redacted_audio_not_ready_keeps_the_transcript_pending(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(3), transcript(2), transcript(1)]], limit=200)
    for n in (3, 2, 1):
        register_detail(requests_mock, n)
        register_children(requests_mock, n)
    requests_mock.get(f"{LIST}/{tid(2)}/redacted-audio", status_code=202, content=b"")

    first = sync(make_config(), select=[TRANSCRIPTS, REDACTED])

    assert [r["transcript_id"] for r in first.records[REDACTED]] == [tid(3), tid(1)]
    assert bookmark(first) == utc(3)  # the bookmark is not held any more
    assert pending_ids(first) == [tid(2)]

    requests_mock.reset_mock()
    register_list(requests_mock, [[transcript(3)]], limit=200)
    register_children(requests_mock, 2)
    second = sync(make_config(), state=first.final_state, select=[TRANSCRIPTS, REDACTED])
    assert [r["transcript_id"] for r in second.records[REDACTED]] == [tid(2)]
    assert pending_ids(second) == []


def test_a_state_with_a_held_bookmark_and_no_list_still_resumes(requests_mock: rm.Mocker) -> None:
    # The earlier version held the bookmark 1 µs below transcript 2 (then processing).
    held = {
        "bookmarks": {
            TRANSCRIPTS: {
                "replication_key": "created",
                "replication_key_value": "2025-02-01T02:00:00.000001Z",
            }
        }
    }
    assert utc(2) == "2025-02-01T02:00:00.000002Z"
    matchers = register_list(
        requests_mock, [[transcript(4, "queued"), transcript(3)], [transcript(2)]]
    )
    for n in (3, 2):
        register_detail(requests_mock, n)
        register_children(requests_mock, n)

    result = sync(make_config(page_size=2), state=held, select=ALL)

    assert [m.call_count for m in matchers] == [1, 1]
    assert {r["id"] for r in result.records[DETAILS]} == {tid(3), tid(2)}
    assert bookmark(result) == utc(4)
    assert pending_ids(result) == [tid(4)]


def test_the_remembered_list_is_bounded(requests_mock: rm.Mocker) -> None:
    limit = Transcripts.pending.limit
    count = limit + 3
    items = [transcript(n, "queued") for n in range(count, 0, -1)]
    register_list(requests_mock, [items], limit=200)

    result = sync(make_config(), select=[TRANSCRIPTS])

    remembered = state_of(result)["pending"]
    assert len(remembered) == limit
    # The oldest are remembered; the bookmark stays below the newest ones that did not fit,
    # so the next run lists them again.
    assert [entry[0] for entry in remembered] == [tid(n) for n in range(limit, 0, -1)]
    assert utc(limit) < bookmark(result) < utc(limit + 1)
    assert len(json.dumps(remembered)) < 80 * limit


# -- vendor-shaped payloads ------------------------------------------------------------------


def test_vendor_examples_arrive_whole_and_valid(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{LIST}?limit=200", json=vendor.TRANSCRIPT_LIST, complete_qs=True)
    requests_mock.get(
        f"{LIST}?limit=200&before_id={vendor.OLDEST}",
        json=vendor.TRANSCRIPT_LIST_END,
        complete_qs=True,
    )
    done = {
        vendor.NEWEST: vendor.TRANSCRIPT,
        vendor.OLDEST: {**vendor.TRANSCRIPT, "id": vendor.OLDEST},
    }
    for transcript_id, body in done.items():
        requests_mock.get(f"{LIST}/{transcript_id}", json=body)
        requests_mock.get(f"{LIST}/{transcript_id}/sentences", json=vendor.SENTENCES)
        requests_mock.get(f"{LIST}/{transcript_id}/paragraphs", json=vendor.PARAGRAPHS)
        requests_mock.get(f"{LIST}/{transcript_id}/redacted-audio", json=vendor.REDACTED_AUDIO)
    requests_mock.get(f"{LIST}/{vendor.FAILED}", json=vendor.FAILED_TRANSCRIPT)
    requests_mock.get(f"{LIST}/{vendor.DELETED}", json=vendor.DELETED_TRANSCRIPT)
    base = "https://api.assemblyai.com/lemur/v3"
    requests_mock.get(f"{base}/{vendor.LEMUR_STRING_ID}", json=vendor.LEMUR_STRING)
    requests_mock.get(f"{base}/{vendor.LEMUR_QA_ID}", json=vendor.LEMUR_QUESTION_ANSWER)

    config = make_config(lemur_request_ids=[vendor.LEMUR_STRING_ID, vendor.LEMUR_QA_ID])
    result = sync({**config, "start_date": "2024-01-01T00:00:00Z"})

    for stream, inventory in FIELDS.items():
        records = result.records[stream]
        assert records, stream
        schema = result.schemas[stream]
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        arrived: set[str] = set()
        for record in records:
            validator.validate(record)
            arrived |= _paths(schema, record)
            assert not record.get("extra_fields") or stream == DETAILS, (stream, record)
        missing = set(inventory["fields"]) - arrived
        assert not missing, (stream, sorted(missing))
    assert_schema_valid(result)
    # The detail of the deleted transcript is the only one with extra fields.
    extras = {r["id"]: r.get("extra_fields") for r in result.records[DETAILS]}
    assert [i for i, extra in extras.items() if extra] == [vendor.DELETED]


def test_created_of_the_list_is_naive_and_becomes_utc() -> None:
    assert created(1).endswith("000001")
    assert utc(1).endswith("Z")


def test_a_detail_gone_since_the_list_is_no_record_not_a_failure(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(2), transcript(1, "error")]], limit=200)
    requests_mock.get(f"{LIST}/{tid(2)}", status_code=404, json={"error": "Not found"})
    register_detail(requests_mock, 1, "error")
    result = sync(make_config(), select=[TRANSCRIPTS, DETAILS])
    assert [r["id"] for r in result.records[DETAILS]] == [tid(1)]
