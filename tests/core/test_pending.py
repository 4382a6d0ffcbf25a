"""Records not final yet, remembered in the state and re-read by id (core/pending.py)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any, ClassVar

import pytest
import requests_mock as rm
from singer_sdk import typing as th
from typing_extensions import override

from tap_media_apis.core.answers import Tolerated
from tap_media_apis.core.pending import Entry, Pending, RereadsPending, bound, load_entries
from tap_media_apis.core.stream import ProviderStream
from tests.core.fakeapi import FAKE
from tests.helpers import SyncResult, sync

BASE = "https://jobs.example"
FEED = f"{BASE}/jobs"


class JobStream(ProviderStream):
    provider_name = "jobsapi"

    @classmethod
    @override
    def stream_schema(cls) -> dict[str, Any]:
        return th.PropertiesList(
            th.Property("id", th.StringType, required=True),
            th.Property("created", th.DateTimeType),
            th.Property("state", th.StringType),
            th.Property("job_id", th.StringType),
        ).to_dict()


class Jobs(RereadsPending, JobStream):
    """A newest-first list whose jobs run for a while."""

    name = "jobs"
    path = "/jobs"
    replication_key = "created"
    newest_first = True
    pending: ClassVar[Pending] = Pending(path="/jobs/{id}", limit=3)

    @override
    def is_final(self, record: dict[str, Any]) -> bool:
        return record.get("state") == "done"

    @override
    def get_child_context(self, record: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"job_id": record["id"]}

    @override
    def generate_child_contexts(self, record: dict[str, Any], context: Any) -> Any:
        if self.is_final(record):
            yield self.get_child_context(record, context)


class JobOutputs(JobStream):
    """A child that exists once its job is done; 202 means: not settled yet."""

    name = "job_outputs"
    path = "/jobs/{job_id}/output"
    parent_stream_type = Jobs
    records_key = None
    single_record = True
    primary_keys = ("job_id",)
    tolerated = (Tolerated(202, not_ready=True),)


#: The fake provider of tests/core/fakeapi.py, with these streams.
JOBS = replace(
    FAKE,
    name="jobsapi",
    title="Jobs API",
    base_url=BASE,
    page_size=10,
    streams=(Jobs, JobOutputs),
    probe_stream=Jobs,
)


@pytest.fixture(autouse=True)
def jobs_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tap_media_apis.tap.PROVIDERS", (JOBS,))


CONFIG = {"start_date": "2024-01-01T00:00:00Z", "jobsapi": {"token": "jobs-token-1"}}


def job(n: int, state: str = "done") -> dict[str, Any]:
    return {"id": f"j{n}", "created": f"2024-06-{n:02d}T00:00:00.000000Z", "state": state}


def listing(m: rm.Mocker, *jobs: dict[str, Any]) -> None:
    m.get(f"{FEED}?page=1&limit=10", json={"data": list(jobs)}, complete_qs=True)


def remembered(result: SyncResult) -> Any:
    return result.final_state["bookmarks"]["jobs"].get("pending")


def bookmark(result: SyncResult) -> str:
    return str(result.final_state["bookmarks"]["jobs"]["replication_key_value"])


# -- the pure parts ------------------------------------------------------------------------


def test_load_entries_skips_anything_malformed() -> None:
    state = {"pending": [["a", "2024-01-01T00:00:00Z"], ["b"], "c", [1, "x"], ["a", "x"], []]}
    assert load_entries(state, "pending") == [
        Entry("a", "2024-01-01T00:00:00Z"),
        Entry("b", None),
        Entry("a", "x"),
    ]
    assert load_entries({"pending": "nonsense"}, "pending") == []
    assert load_entries({}, "pending") == []


def test_bound_keeps_the_oldest_and_returns_the_newest_as_overflow() -> None:
    entries = [Entry(f"k{n}", f"2024-06-0{n}") for n in (5, 1, 4, 2, 3)]
    kept, overflow = bound([*entries, Entry("k1", "2024-06-01")], 3)
    assert [e.key for e in kept] == ["k3", "k2", "k1"]
    assert [e.key for e in overflow] == ["k5", "k4"]
    assert bound(entries, 10) == (sorted(entries, key=lambda e: e.value or "", reverse=True), [])


# -- the mechanism, through a sync ---------------------------------------------------------


def test_unfinished_records_are_re_read_by_id_until_final(requests_mock: rm.Mocker) -> None:
    listing(requests_mock, job(3, "running"), job(2), job(1, "queued"))
    for n in (2,):
        requests_mock.get(f"{FEED}/j{n}/output", json={"id": f"o{n}"})

    first = sync(CONFIG)

    assert bookmark(first) == job(3)["created"]
    assert remembered(first) == [["j3", job(3)["created"]], ["j1", job(1)["created"]]]
    assert [r["job_id"] for r in first.records["job_outputs"]] == ["j2"]

    requests_mock.reset_mock()
    listing(requests_mock, job(4), job(3, "running"))
    requests_mock.get(f"{FEED}/j3", json=job(3))  # done now
    requests_mock.get(f"{FEED}/j1", json=job(1, "running"))
    for n in (4, 3):
        requests_mock.get(f"{FEED}/j{n}/output", json={"id": f"o{n}"})

    second = sync(CONFIG, state=first.final_state)

    assert [r.path for r in requests_mock.request_history] == [
        "/jobs",
        "/jobs/j4/output",
        "/jobs/j3",
        "/jobs/j3/output",
        "/jobs/j1",
    ]
    assert [(r["id"], r["state"]) for r in second.records["jobs"]] == [
        ("j4", "done"),
        ("j3", "done"),
        ("j1", "running"),
    ]
    assert bookmark(second) == job(4)["created"]
    assert remembered(second) == [["j1", job(1)["created"]]]


def test_a_run_with_nothing_new_keeps_its_bookmark(requests_mock: rm.Mocker) -> None:
    listing(requests_mock, job(5), job(2, "queued"))
    requests_mock.get(f"{FEED}/j5/output", json={"id": "o5"})
    first = sync(CONFIG)
    listing(requests_mock, job(5))
    requests_mock.get(f"{FEED}/j2", json=job(2, "running"))
    second = sync(CONFIG, state=first.final_state)
    # The re-read job is older than the bookmark: the bookmark must not go back to it.
    assert bookmark(second) == job(5)["created"]
    assert remembered(second) == [["j2", job(2)["created"]]]


def test_a_gone_record_is_forgotten_with_one_warning(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    listing(requests_mock, job(2, "queued"), job(1, "queued"))
    first = sync(CONFIG)
    listing(requests_mock)
    requests_mock.get(f"{FEED}/j2", status_code=404, json={"error": "Not found"})
    requests_mock.get(f"{FEED}/j1", json=job(1, "running"))
    caplog.set_level(logging.WARNING)

    second = sync(CONFIG, state=first.final_state)

    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("tap-media-apis")
    ]
    assert len(warnings) == 1
    assert "j2 is gone (HTTP 404" in warnings[0]
    assert remembered(second) == [["j1", job(1)["created"]]]


def test_other_errors_of_a_re_read_still_fail(requests_mock: rm.Mocker) -> None:
    listing(requests_mock, job(1, "queued"))
    first = sync(CONFIG)
    requests_mock.get(f"{FEED}/j1", status_code=403, json={"error": "Forbidden"})
    with pytest.raises(Exception, match="HTTP 403"):
        sync(CONFIG, state=first.final_state)


def test_a_child_not_settled_keeps_its_parent_pending(requests_mock: rm.Mocker) -> None:
    listing(requests_mock, job(2), job(1))
    requests_mock.get(f"{FEED}/j2/output", status_code=202, json={})
    requests_mock.get(f"{FEED}/j1/output", json={"id": "o1"})

    first = sync(CONFIG)

    assert bookmark(first) == job(2)["created"]
    assert remembered(first) == [["j2", job(2)["created"]]]
    listing(requests_mock, job(2))
    requests_mock.get(f"{FEED}/j2", json=job(2))
    requests_mock.get(f"{FEED}/j2/output", json={"id": "o2"})
    second = sync(CONFIG, state=first.final_state)
    assert [r["job_id"] for r in second.records["job_outputs"]] == ["j2"]
    assert remembered(second) is None


def test_beyond_the_limit_the_bookmark_holds_below_the_newest_unremembered(
    requests_mock: rm.Mocker,
) -> None:
    listing(requests_mock, *(job(n, "queued") for n in range(6, 0, -1)))

    result = sync(CONFIG)

    assert remembered(result) == [[f"j{n}", job(n)["created"]] for n in (3, 2, 1)]
    assert job(3)["created"] < bookmark(result) < job(4)["created"]
    assert len(json.dumps(remembered(result))) < 40 * 3


def test_a_state_without_a_list_resumes(requests_mock: rm.Mocker) -> None:
    listing(requests_mock, job(4), job(3, "queued"), job(2))
    requests_mock.get(f"{FEED}/j4/output", json={"id": "o4"})
    state = {
        "bookmarks": {
            "jobs": {"replication_key": "created", "replication_key_value": job(2)["created"]}
        }
    }
    result = sync(CONFIG, state=state)
    assert [r["id"] for r in result.records["jobs"]] == ["j4", "j3"]
    assert remembered(result) == [["j3", job(3)["created"]]]
