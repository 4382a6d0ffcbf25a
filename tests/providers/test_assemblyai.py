"""AssemblyAI (docs/providers/assemblyai.md): requests-mock unit tests plus sandbox runs."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker
from singer_sdk.streams.rest import HTTPRequest

from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.providers.assemblyai import PrevUrlPaginator
from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.assemblyai import API_KEY, AUTH_ERROR, LEMUR_REQUEST_IDS
from tests.helpers import SyncResult, declared, sync

BASE = "https://api.assemblyai.com"
LIST = f"{BASE}/v2/transcript"
KEY = "aai-test-key-5f1e2d3c4b5a"
START = "2025-01-01T00:00:00Z"

TRANSCRIPTS = "assemblyai_transcripts"
SENTENCES = "assemblyai_transcript_sentences"
PARAGRAPHS = "assemblyai_transcript_paragraphs"
REDACTED = "assemblyai_redacted_audio"
LEMUR = "assemblyai_lemur_responses"
CHILDREN = [SENTENCES, PARAGRAPHS, REDACTED]
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

pytestmark = pytest.mark.usefixtures("no_sleep")


def make_config(**block: Any) -> dict[str, Any]:
    return {
        "start_date": START,
        "user_agent": "acme-data (data@acme.example)",
        "assemblyai": {"api_key": KEY, **block},
    }


def tid(n: int) -> str:
    return f"6f0c2d2e-9c4e-4b8e-a1f0-{n:012d}"


def created(n: int) -> str:
    """Naive, like the API ("Timestamps"): transcript n is n hours after 2025-02-01."""
    return (datetime(2025, 2, 1) + timedelta(hours=n, microseconds=n)).isoformat(
        timespec="microseconds"
    )


def utc(n: int) -> str:
    return created(n) + "Z"


def transcript(n: int, status: str = "completed") -> dict[str, Any]:
    return {
        "id": tid(n),
        "resource_url": f"{BASE}/v2/transcript/{tid(n)}",
        "status": status,
        "created": created(n),
        "completed": created(n)[:-6] + "999999" if status == "completed" else None,
        "audio_url": f"https://media.acme.example/calls/{n}.mp3",
        "error": "Audio duration is too short." if status == "error" else None,
    }


def page_url(limit: int, **cursor: str) -> str:
    query = "&".join([f"limit={limit}", *(f"{k}={v}" for k, v in cursor.items())])
    return f"{LIST}?{query}"


def register_list(
    m: rm.Mocker, pages: list[list[dict[str, Any]]], limit: int = 2, last_prev: bool = False
) -> list[Any]:
    """Newest-first pages as the API builds them; returns one matcher per page.

    ``prev_url`` is null on the last page unless ``last_prev`` (then only the empty
    page that follows ends the list).
    """
    matchers = []
    cursor: dict[str, str] = {}
    for number, items in enumerate(pages):
        last = number == len(pages) - 1
        details = {
            "limit": limit,
            "result_count": len(items),
            "current_url": page_url(limit, **cursor),
            "prev_url": (
                page_url(limit, before_id=items[-1]["id"])
                if items and (not last or last_prev)
                else None
            ),
            "next_url": page_url(limit, after_id=items[0]["id"]) if items else None,
        }
        matchers.append(
            m.get(
                page_url(limit, **cursor),
                json={"page_details": details, "transcripts": items},
                complete_qs=True,
            )
        )
        if items:
            cursor = {"before_id": items[-1]["id"]}
    return matchers


def register_children(m: rm.Mocker, n: int, sentences: int = 2, redacted: bool = True) -> None:
    words = [
        {
            "text": "Hello",
            "start": 100,
            "end": 400,
            "confidence": 0.98,
            "channel": None,
            "speaker": "A",
        },
        {
            "text": "there.",
            "start": 420,
            "end": 800,
            "confidence": 0.91,
            "channel": None,
            "speaker": "A",
        },
    ]
    segment = {
        "text": "Hello there.",
        "start": 100,
        "end": 800,
        "confidence": 0.945,
        "words": words,
    }
    base = f"{LIST}/{tid(n)}"
    m.get(
        f"{base}/sentences",
        json={
            "id": tid(n),
            "confidence": 0.94,
            "audio_duration": 12,
            "sentences": [{**segment, "channel": None, "speaker": "A"}] * sentences,
        },
    )
    m.get(
        f"{base}/paragraphs",
        json={"id": tid(n), "confidence": 0.94, "audio_duration": 12, "paragraphs": [segment]},
    )
    if redacted:
        m.get(
            f"{base}/redacted-audio",
            json={
                "status": "redacted_audio_ready",
                "redacted_audio_url": f"https://redacted.example/{tid(n)}.mp3",
            },
        )
    else:
        m.get(
            f"{base}/redacted-audio",
            status_code=400,
            json={"error": "Redacted audio is not available for this transcript"},
        )


def paths(m: rm.Mocker) -> list[str]:
    return [f"{urlsplit(r.url).path}?{urlsplit(r.url).query}" for r in m.request_history]


def bookmark(result: SyncResult) -> str:
    return str(result.final_state["bookmarks"][TRANSCRIPTS]["replication_key_value"])


def state_at(value: str) -> dict[str, Any]:
    return {
        "bookmarks": {TRANSCRIPTS: {"replication_key": "created", "replication_key_value": value}}
    }


def assert_schema_valid(result: SyncResult) -> None:
    for stream, records in result.records.items():
        if not records:
            continue
        validator = Draft202012Validator(result.schemas[stream], format_checker=FormatChecker())
        for record in records:
            validator.validate(record)
            for name, spec in result.schemas[stream]["properties"].items():
                if spec.get("format") == "date-time" and record.get(name) is not None:
                    assert RFC3339.match(record[name]), (stream, name, record[name])


# -- paging ------------------------------------------------------------------------------


def test_history_pages_to_older_via_prev_url_and_never_follows_next_url(
    requests_mock: rm.Mocker,
) -> None:
    pages = [[transcript(9), transcript(8)], [transcript(7), transcript(6)], [transcript(5)]]
    matchers = register_list(requests_mock, pages)
    newer = requests_mock.get(re.compile(r".*after_id=.*"), json={"transcripts": []})

    result = sync(make_config(page_size=2), select=[TRANSCRIPTS])

    assert [r["id"] for r in result.records[TRANSCRIPTS]] == [tid(n) for n in (9, 8, 7, 6, 5)]
    assert requests_mock.call_count == 3
    assert all(m.call_count == 1 for m in matchers)
    assert not newer.called
    assert paths(requests_mock) == [
        "/v2/transcript?limit=2",
        f"/v2/transcript?limit=2&before_id={tid(8)}",
        f"/v2/transcript?limit=2&before_id={tid(6)}",
    ]
    first = result.records[TRANSCRIPTS][0]
    assert first["created"] == utc(9)
    assert first["completed"] == created(9)[:-6] + "999999Z"
    assert_schema_valid(result)


def test_page_size_defaults_to_the_api_maximum(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(1)]], limit=200)
    result = sync(make_config(), select=[TRANSCRIPTS])
    assert len(result.records[TRANSCRIPTS]) == 1
    assert paths(requests_mock) == ["/v2/transcript?limit=200"]


def test_an_empty_page_ends_the_list_even_with_a_prev_url(requests_mock: rm.Mocker) -> None:
    register_list(
        requests_mock,
        [[transcript(4), transcript(3)], [transcript(2), transcript(1)], []],
        last_prev=True,
    )
    result = sync(make_config(page_size=2), select=[TRANSCRIPTS])
    assert len(result.records[TRANSCRIPTS]) == 4
    assert requests_mock.call_count == 3


def test_prev_url_pointing_at_another_host_keeps_the_configured_base_url(
    requests_mock: rm.Mocker,
) -> None:
    proxy = "https://proxy.acme.example/assemblyai"
    details = {"limit": 1, "result_count": 1, "current_url": "", "next_url": None}
    requests_mock.get(
        f"{proxy}/v2/transcript?limit=1",
        json={
            "page_details": {**details, "prev_url": f"{LIST}?limit=1&before_id={tid(2)}"},
            "transcripts": [transcript(2)],
        },
        complete_qs=True,
    )
    requests_mock.get(
        f"{proxy}/v2/transcript?limit=1&before_id={tid(2)}",
        json={"page_details": {**details, "prev_url": None}, "transcripts": [transcript(1)]},
        complete_qs=True,
    )
    result = sync(make_config(page_size=1, base_url=proxy), select=[TRANSCRIPTS])
    assert len(result.records[TRANSCRIPTS]) == 2
    assert all(r.url.startswith(proxy) for r in requests_mock.request_history)


def _response(body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = requests.compat.json.dumps(body).encode()
    return response


def _request() -> HTTPRequest:
    return HTTPRequest(url=LIST, params={"limit": 200})


def test_prev_url_paginator_on_its_own() -> None:
    paginator = PrevUrlPaginator()
    first = _request()
    paginator.apply_to(first)
    assert (first.url, first.params) == (LIST, {"limit": 200})

    page = {
        "page_details": {
            "prev_url": f"{LIST}?limit=200&before_id={tid(5)}",
            "next_url": f"{LIST}?limit=200&after_id={tid(9)}",
        },
        "transcripts": [transcript(9), transcript(5)],
    }
    paginator.advance(_response(page))
    assert not paginator.finished
    second = _request()
    paginator.apply_to(second)
    # Only before_id from prev_url; the stream's params stay; next_url is ignored.
    assert (second.url, second.params) == (LIST, {"limit": 200, "before_id": tid(5)})

    last = {"page_details": {"prev_url": None, "next_url": "x"}, "transcripts": [transcript(4)]}
    paginator.advance(_response(last))
    assert paginator.finished
    assert paginator.count == 2


def test_prev_url_paginator_stops_on_an_empty_page_and_follows_odd_urls() -> None:
    empty = PrevUrlPaginator()
    empty.advance(
        _response({"page_details": {"prev_url": f"{LIST}?before_id=x"}, "transcripts": []})
    )
    assert empty.finished

    odd = PrevUrlPaginator()
    odd.advance(
        _response(
            {
                "page_details": {"prev_url": f"{LIST}?limit=200&page=2"},
                "transcripts": [transcript(1)],
            }
        )
    )
    request = _request()
    odd.apply_to(request)
    assert (request.url, request.params) == (f"{LIST}?limit=200&page=2", {})


# -- auth ---------------------------------------------------------------------------------


def test_authorization_is_the_raw_key(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(1)]], limit=200)
    sync(make_config(), select=[TRANSCRIPTS])
    assert requests_mock.last_request.headers["Authorization"] == KEY


def test_a_refused_key_fails_with_one_clear_line(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{LIST}?limit=200", status_code=401, json={"error": AUTH_ERROR})
    with pytest.raises(ProviderAPIError) as failure:
        sync(make_config(), select=[TRANSCRIPTS])
    message = str(failure.value)
    assert message.startswith("assemblyai: stream assemblyai_transcripts: HTTP 401")
    assert AUTH_ERROR in message
    assert "check the assemblyai credentials" in message
    assert KEY not in message


def test_the_eu_host_is_just_a_base_url(requests_mock: rm.Mocker) -> None:
    eu = "https://api.eu.assemblyai.com"
    requests_mock.get(
        f"{eu}/v2/transcript?limit=200",
        json={"page_details": {"prev_url": None}, "transcripts": [transcript(1)]},
    )
    result = sync(make_config(base_url=eu), select=[TRANSCRIPTS])
    assert len(result.records[TRANSCRIPTS]) == 1
    assert requests_mock.call_count == 1


def test_page_size_above_the_api_limit_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"assemblyai\.page_size must be between 1 and 200"):
        sync(make_config(page_size=500), select=[TRANSCRIPTS])


# -- incremental ----------------------------------------------------------------------------


def test_paging_stops_at_the_bookmark_and_saves_the_older_pages(requests_mock: rm.Mocker) -> None:
    pages = [[transcript(n), transcript(n - 1)] for n in (10, 8, 6, 4, 2)]
    matchers = register_list(requests_mock, pages)

    result = sync(make_config(page_size=2), state=state_at(utc(8)), select=[TRANSCRIPTS])

    assert [r["id"] for r in result.records[TRANSCRIPTS]] == [tid(10), tid(9)]
    # Page 2 holds the bookmark (transcript 8): paging stops there.
    assert [m.call_count for m in matchers] == [1, 1, 0, 0, 0]
    saved = sum(1 for m in matchers if not m.called)
    assert (requests_mock.call_count, saved) == (2, 3)
    assert bookmark(result) == utc(10)


def test_a_second_run_without_changes_reads_one_page_and_emits_nothing(
    requests_mock: rm.Mocker,
) -> None:
    register_list(requests_mock, [[transcript(3), transcript(2)], [transcript(1)]])
    first = sync(make_config(page_size=2), select=[TRANSCRIPTS])
    assert bookmark(first) == utc(3)
    requests_mock.reset_mock()
    second = sync(make_config(page_size=2), state=first.final_state, select=[TRANSCRIPTS])
    assert second.records[TRANSCRIPTS] == []
    assert requests_mock.call_count == 1
    assert bookmark(second) == utc(3)


# -- children ---------------------------------------------------------------------------------


def test_children_are_fetched_only_for_completed_transcripts(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    statuses = {4: "queued", 3: "processing", 2: "completed", 1: "error"}
    # Registered first, so the specific mocks below win: it catches any other child request.
    any_child = requests_mock.get(re.compile(rf"{LIST}/.+"), status_code=400, json={"error": "no"})
    register_list(requests_mock, [[transcript(n, s) for n, s in statuses.items()]], limit=200)
    register_children(requests_mock, 2, sentences=3)
    caplog.set_level(logging.INFO)

    result = sync(make_config(), select=[TRANSCRIPTS, *CHILDREN])

    child_paths = sorted(paths(requests_mock)[1:])
    assert child_paths == [
        f"/v2/transcript/{tid(2)}/{kind}?" for kind in ("paragraphs", "redacted-audio", "sentences")
    ]
    assert not any_child.called
    for n in (4, 3, 1):
        assert not any(tid(n) in p for p in paths(requests_mock))
    assert "is null" not in caplog.text

    sentences = result.records[SENTENCES]
    assert [(r["transcript_id"], r["sentence_index"]) for r in sentences] == [
        (tid(2), 0),
        (tid(2), 1),
        (tid(2), 2),
    ]
    assert isinstance(sentences[0]["words"], list)
    assert len(sentences[0]["words"]) == 2
    assert set(sentences[0]) == {
        "account",
        "extra_fields",
        "transcript_id",
        "sentence_index",
        "text",
        "start",
        "end",
        "confidence",
        "channel",
        "speaker",
        "words",
    }
    assert sentences[0]["confidence"] == 0.945  # the sentence's, not the transcript's 0.94
    paragraphs = result.records[PARAGRAPHS]
    assert [(r["transcript_id"], r["paragraph_index"]) for r in paragraphs] == [(tid(2), 0)]
    assert declared(result.records[REDACTED]) == [
        {
            "transcript_id": tid(2),
            "status": "redacted_audio_ready",
            "redacted_audio_url": f"https://redacted.example/{tid(2)}.mp3",
        }
    ]
    assert_schema_valid(result)


def test_no_redacted_audio_is_no_record_not_a_failure(requests_mock: rm.Mocker) -> None:
    register_list(requests_mock, [[transcript(2), transcript(1)]], limit=200)
    register_children(requests_mock, 2, redacted=False)
    register_children(requests_mock, 1, redacted=True)
    result = sync(make_config(), select=[TRANSCRIPTS, REDACTED])
    assert [r["transcript_id"] for r in result.records[REDACTED]] == [tid(1)]
    assert requests_mock.call_count == 3


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Transcript lookup error, transcript id not found"),
        (404, "Not found"),
        (403, "Redacted audio is not available on your plan"),
    ],
)
def test_other_redacted_audio_errors_still_fail(
    requests_mock: rm.Mocker, status: int, message: str
) -> None:
    register_list(requests_mock, [[transcript(1)]], limit=200)
    requests_mock.get(
        f"{LIST}/{tid(1)}/redacted-audio", status_code=status, json={"error": message}
    )
    with pytest.raises(ProviderAPIError) as failure:
        sync(make_config(), select=[TRANSCRIPTS, REDACTED])
    line = str(failure.value)
    assert line.startswith(f"assemblyai: stream assemblyai_redacted_audio: HTTP {status}")
    assert f"/v2/transcript/{tid(1)}/redacted-audio" in line
    assert message in line


# -- LeMUR -----------------------------------------------------------------------------------


def test_lemur_responses_are_strings_or_question_answer_lists(requests_mock: rm.Mocker) -> None:
    ids = ["req-string", "req-qa"]
    usage = {"input_tokens": 1500, "output_tokens": 40}
    requests_mock.get(
        f"{BASE}/lemur/v3/req-string",
        json={"request_id": "req-string", "usage": usage, "response": "A short summary."},
    )
    answers = [{"question": "Resolved?", "answer": "Yes"}]
    requests_mock.get(
        f"{BASE}/lemur/v3/req-qa",
        json={"request_id": "req-qa", "usage": usage, "response": answers},
    )
    result = sync(make_config(lemur_request_ids=[*ids, ids[0]]), select=[LEMUR])
    assert {r["request_id"]: r["response"] for r in result.records[LEMUR]} == {
        "req-string": "A short summary.",
        "req-qa": answers,
    }
    assert requests_mock.call_count == 2  # the repeated id is asked once
    assert_schema_valid(result)


def test_lemur_without_request_ids_makes_no_request(requests_mock: rm.Mocker) -> None:
    result = sync(make_config(), select=[LEMUR])
    assert result.records[LEMUR] == []
    assert requests_mock.call_count == 0


# -- the sandbox -------------------------------------------------------------------------------


def _fast(config: dict[str, Any]) -> dict[str, Any]:
    config["assemblyai"]["requests_per_second"] = 1000
    return config


def _keys(result: SyncResult, stream: str, *names: str) -> set[tuple[Any, ...]]:
    return {tuple(r[n] for n in names) for r in result.records[stream]}


DETAILS = "assemblyai_transcript_details"
UTTERANCES = "assemblyai_transcript_utterances"
KEYS = {
    TRANSCRIPTS: ("id",),
    DETAILS: ("id",),
    UTTERANCES: ("transcript_id", "utterance_index"),
    SENTENCES: ("transcript_id", "sentence_index"),
    PARAGRAPHS: ("transcript_id", "paragraph_index"),
    REDACTED: ("transcript_id",),
    LEMUR: ("request_id",),
}


def _kind(entry: dict[str, Any]) -> str:
    """list, detail, sentences, paragraphs, redacted-audio or lemur."""
    parts = urlsplit(entry["path"]).path.split("/")
    if parts[-1] == "transcript":
        return "list"
    if parts[2] != "v2":
        return "lemur"
    return "detail" if len(parts) == 5 else parts[-1]


def test_sandbox_full_sync_loads_the_expected_counts_with_valid_records() -> None:
    with run_sandbox(["assemblyai"]) as sandbox:
        result = sync(_fast(sandbox.tap_config()))
        expected = sandbox.expected_counts()
        log = list(sandbox.requests)
    assert {s: len(_keys(result, s, *k)) for s, k in KEYS.items()} == expected
    assert {s: len(result.records[s]) for s in KEYS} == expected  # no duplicates either
    assert_schema_valid(result)
    kinds = [_kind(e) for e in log]
    assert kinds.count("list") == 2  # 205 transcripts at 200 per page
    assert not any("after_id" in e["path"] for e in log)
    rows = result.records[TRANSCRIPTS]
    final = {r["id"] for r in rows if r["status"] in ("completed", "error")}
    alive = {
        r["id"]
        for r in rows
        if r["status"] == "completed" and r["audio_url"] != "http://deleted_by_user"
    }
    # One detail per finished transcript; the three children per completed, live one.
    assert {e["path"].split("/")[4].split("?")[0] for e in log if _kind(e) == "detail"} == final
    assert kinds.count("detail") == len(final)
    for kind in ("sentences", "paragraphs", "redacted-audio"):
        assert {e["path"].split("/")[4] for e in log if _kind(e) == kind} == alive, kind
    assert len(log) == 2 + len(final) + 3 * len(alive) + 3
    details = result.records[DETAILS]
    assert any(d["deleted_by_user"] for d in details)
    assert any(d["auto_highlights_result"] for d in details)
    assert any(d.get("error") for d in details)
    responses = {r["request_id"]: r["response"] for r in result.records[LEMUR]}
    assert set(responses) == set(LEMUR_REQUEST_IDS)
    assert sorted(type(v).__name__ for v in responses.values()) == ["list", "list", "str"]


def test_sandbox_unfinished_transcripts_are_re_read_by_id_after_advance(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run_sandbox(["assemblyai"]) as sandbox:
        config = _fast(sandbox.tap_config())
        first = sync(config)
        in_progress = {
            r["id"]: r["created"]
            for r in first.records[TRANSCRIPTS]
            if r["status"] in ("queued", "processing")
        }
        assert len(in_progress) == 9  # 5 recent, 4 long-pending
        state = first.final_state["bookmarks"][TRANSCRIPTS]
        assert state["replication_key_value"] == max(
            r["created"] for r in first.records[TRANSCRIPTS]
        )
        assert {entry[0] for entry in state["pending"]} == set(in_progress)

        sandbox.advance()
        sandbox.requests.clear()
        caplog.set_level(logging.WARNING)
        second = sync(config, state=first.final_state)
        expected = sandbox.expected_counts()
        log = list(sandbox.requests)

    kinds = [_kind(e) for e in log]
    assert kinds.count("list") == 1  # the new transcripts fit on one page
    reread = {e["path"].split("/")[4] for e in log if _kind(e) == "detail"} & set(in_progress)
    assert reread == set(in_progress)  # one request each, by id
    final = {r["id"]: r["status"] for r in second.records[TRANSCRIPTS]}
    finished = {i for i in in_progress if final.get(i) in ("completed", "error")}
    assert finished
    assert finished <= {r["id"] for r in second.records[DETAILS]}
    gone = [m for m in (r.getMessage() for r in caplog.records) if "is gone" in m]
    assert len(gone) == 1  # the long-pending transcript that expired
    [expired] = [i for i in in_progress if i in gone[0]]
    still = {entry[0] for entry in second.final_state["bookmarks"][TRANSCRIPTS]["pending"]}
    assert set(in_progress) - finished - {expired} <= still
    assert expired not in still
    # Completed ones whose redacted audio is still being made (202) stay pending too.
    assert still & finished <= {i for i in finished if final[i] == "completed"}
    for stream, names in KEYS.items():
        merged = _keys(first, stream, *names) | _keys(second, stream, *names)
        assert len(merged) >= expected[stream], stream
    assert_schema_valid(second)


def _get(url: str, key: str | None = API_KEY, **params: Any) -> requests.Response:
    headers = {"Authorization": key} if key else {}
    return requests.get(url, params=params, headers=headers, timeout=10)


def test_sandbox_page_details_follow_the_reference() -> None:
    with run_sandbox(["assemblyai"]) as sandbox:
        base = sandbox.base_url("assemblyai")
        newest_first = sandbox.parts["assemblyai"].newest_first()  # type: ignore[attr-defined]
        first = _get(f"{base}/v2/transcript").json()
        details, items = first["page_details"], first["transcripts"]
        assert len(items) == details["limit"] == details["result_count"] == 10  # default limit
        assert [i["id"] for i in items] == [t.id for t in newest_first[:10]]
        assert details["current_url"] == f"{base}/v2/transcript"
        assert details["prev_url"] == f"{base}/v2/transcript?limit=10&before_id={items[-1]['id']}"
        assert details["next_url"] == f"{base}/v2/transcript?limit=10&after_id={items[0]['id']}"
        assert "Z" not in items[0]["created"]
        assert "+" not in items[0]["created"]
        # next_url from page 1 asks for NEWER transcripts: there are none.
        assert (
            requests.get(
                details["next_url"], headers={"Authorization": API_KEY}, timeout=10
            ).json()["transcripts"]
            == []
        )
        last = _get(f"{base}/v2/transcript", limit=200, before_id=newest_first[-150].id).json()
        assert len(last["transcripts"]) == 149
        assert last["page_details"]["prev_url"] is None
        older = _get(f"{base}/v2/transcript", limit=3, after_id=newest_first[5].id).json()
        assert [i["id"] for i in older["transcripts"]] == [t.id for t in newest_first[2:5]]
        assert _get(f"{base}/v2/transcript", limit=201).status_code == 400
        both = _get(
            f"{base}/v2/transcript", before_id=newest_first[1].id, after_id=newest_first[5].id
        )
        assert both.status_code == 400


def test_sandbox_accepts_only_the_raw_key_and_answers_like_the_api() -> None:
    with run_sandbox(["assemblyai"]) as sandbox:
        base = sandbox.base_url("assemblyai")
        part = sandbox.parts["assemblyai"]
        for key in (f"Bearer {API_KEY}", None, "wrong"):
            refused = _get(f"{base}/v2/transcript", key=key)
            assert (refused.status_code, refused.json()) == (401, {"error": AUTH_ERROR})
        transcripts = part.transcripts  # type: ignore[attr-defined]
        queued = next(t for t in transcripts if t.status == "queued")
        plain = next(t for t in transcripts if t.status == "completed" and not t.redact_pii_audio)
        redacted = next(t for t in transcripts if t.status == "completed" and t.redact_pii_audio)
        assert _get(f"{base}/v2/transcript/{queued.id}/sentences").status_code == 400
        assert _get(f"{base}/v2/transcript/{plain.id}/redacted-audio").status_code == 400
        audio = _get(f"{base}/v2/transcript/{redacted.id}/redacted-audio").json()
        assert audio["status"] == "redacted_audio_ready"
        sentences = _get(f"{base}/v2/transcript/{plain.id}/paragraphs").json()
        assert "page_details" not in sentences
        assert sentences["paragraphs"]
        assert _get(f"{base}/lemur/v3/{LEMUR_REQUEST_IDS[0]}").json()["response"]


def test_sandbox_data_is_deterministic_and_scales() -> None:
    with run_sandbox(["assemblyai"]) as one, run_sandbox(["assemblyai"]) as again:
        assert one.expected_counts() == again.expected_counts()
        ids = [t.id for t in one.parts["assemblyai"].transcripts]  # type: ignore[attr-defined]
        assert ids == [t.id for t in again.parts["assemblyai"].transcripts]  # type: ignore[attr-defined]
    with run_sandbox(["assemblyai"], scale=2) as double:
        assert double.expected_counts()[TRANSCRIPTS] == 410
