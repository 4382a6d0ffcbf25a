"""Shutterstock license history, subscriptions, collections, items and audio taxonomies.

requests-mock tests of the behaviour docs/providers/shutterstock.md describes, the vendor
fixtures of tests/providers/vendor_shutterstock.py, and in-process sandbox runs.
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker

from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.shutterstock import LIMITED_TOKEN
from tap_media_apis.tap import TapMediaApis
from tests.helpers import SyncResult, sync
from tests.providers import vendor_shutterstock as vendor

BASE = "https://api.shutterstock.com"
TOKEN = "sstk-test-access-token-7f3a"
USER_AGENT = "acme-data (data@acme.example)"
LICENSES = "shutterstock_media_licenses"
SUBSCRIPTIONS = "shutterstock_user_subscriptions"
COLLECTIONS = "shutterstock_media_collections"
ITEMS = "shutterstock_media_collection_items"
TAXONOMIES = "shutterstock_audio_taxonomies"
SEARCH = "shutterstock_media_search"
CATEGORIES = "shutterstock_media_categories"
USER = "shutterstock_user"
NEW_STREAMS = [LICENSES, SUBSCRIPTIONS, COLLECTIONS, ITEMS, TAXONOMIES]
SINGULAR = {"images": "image", "videos": "video", "audio": "audio"}
FIELDS = json.loads(
    (Path(__file__).parents[2] / "docs/providers/shutterstock.fields.json").read_text()
)

pytestmark = pytest.mark.usefixtures("no_sleep")


def make_config(**block: Any) -> dict[str, Any]:
    top = {key: block.pop(key) for key in ("start_date",) if key in block}
    settings = {"access_token": TOKEN, "search_query": "mountain", **block}
    return {"user_agent": USER_AGENT, **top, "shutterstock": settings}


def query_of(request: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def paths(m: rm.Mocker) -> list[str]:
    return [urlsplit(r.url).path for r in m.request_history]


def calls(m: rm.Mocker, path: str) -> list[Any]:
    return [r for r in m.request_history if urlsplit(r.url).path == path]


def paged(rows: list[dict[str, Any]], *, total: bool = True) -> Any:
    """A page/per_page responder over ``rows`` with the vendor's envelope."""

    def respond(request: Any, context: Any) -> dict[str, Any]:
        query = query_of(request)
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["20"])[0])
        body: dict[str, Any] = {
            "data": rows[(page - 1) * per_page : page * per_page],
            "page": page,
            "per_page": per_page,
        }
        if total:
            body["total_count"] = len(rows)
        return body

    return respond


def first_page(body: dict[str, Any]) -> Any:
    """A vendor example as page 1, then an empty page (the examples echo small per_page)."""

    def respond(request: Any, context: Any) -> dict[str, Any]:
        if query_of(request).get("page", ["1"]) == ["1"]:
            return body
        return {**body, "data": [], "page": int(query_of(request)["page"][0])}

    return respond


def license_rows(media: str, count: int, *, day: int = 1) -> list[dict[str, Any]]:
    key = SINGULAR[media]
    return [
        {
            "id": f"e{media[0]}{i:04d}",
            "user": {"username": "jdoe"},
            "license": "standard",
            "download_time": f"2025-03-{day:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00-04:00",
            "is_downloadable": True,
            key: {"id": str(9_000_000 + i), "format": {"format": "jpg", "size": "huge"}},
            "subscription_id": "s12345678",
            "metadata": {"purchase_order": f"PO-{i}"},
            "revshare": {"purchase_amount": "9.80", "purchase_currency": "USD"},
        }
        for i in range(count)
    ]


def serve_basics(m: rm.Mocker) -> None:
    """The original streams' endpoints, so a whole sync can run."""
    for media in ("images", "videos"):
        m.get(f"{BASE}/v2/{media}/categories", json={"data": []})
    for media in ("images", "videos", "audio"):
        m.get(f"{BASE}/v2/{media}/search", json={"data": [], "total_count": 0, "search_id": "s"})
    m.get(f"{BASE}/v2/user", json=vendor.USER)
    m.get(f"{BASE}/v2/user/access_token", json=vendor.ACCESS_TOKEN)


def serve_new(m: rm.Mocker, **overrides: Any) -> None:
    """Small answers for every new endpoint; ``overrides`` maps a path to a responder."""
    answers: dict[str, Any] = {
        "/v2/images/licenses": paged(license_rows("images", 3)),
        "/v2/videos/licenses": paged(license_rows("videos", 2)),
        "/v2/audio/licenses": paged(license_rows("audio", 1)),
        "/v2/user/subscriptions": vendor.SUBSCRIPTIONS,
        "/v2/images/collections": {"data": [], "total_count": 0},
        "/v2/videos/collections": {"data": [], "total_count": 0},
        "/v2/audio/collections": {"data": [], "total_count": 0},
        "/v2/audio/genres": vendor.GENRES,
        "/v2/audio/instruments": vendor.INSTRUMENTS,
        "/v2/audio/moods": vendor.MOODS,
    }
    answers.update(overrides)
    for path, answer in answers.items():
        if callable(answer):
            m.get(f"{BASE}{path}", json=answer)
        elif isinstance(answer, tuple):
            status, body = answer
            m.get(f"{BASE}{path}", status_code=status, json=body)
        else:
            m.get(f"{BASE}{path}", json=answer)


def validate(result: SyncResult, stream: str) -> None:
    validator = Draft202012Validator(result.schemas[stream], format_checker=FormatChecker())
    for row in result.records[stream]:
        assert list(validator.iter_errors(row)) == [], (stream, row)


# -- license history -------------------------------------------------------------------------


def test_licenses_page_oldest_first_at_200_until_the_end(requests_mock: rm.Mocker) -> None:
    serve_new(
        requests_mock,
        **{
            "/v2/images/licenses": paged(license_rows("images", 450)),
            "/v2/videos/licenses": paged(license_rows("videos", 200)),
            "/v2/audio/licenses": paged(license_rows("audio", 7), total=False),
        },
    )

    result = sync(make_config(), select=[LICENSES])

    # 450 images: pages of 200, 200, 50. 200 videos: one full page, ended by total_count.
    # Audio without total_count: one short page.
    assert [len(calls(requests_mock, f"/v2/{m}/licenses")) for m in SINGULAR] == [3, 1, 1]
    for request in requests_mock.request_history:
        query = query_of(request)
        assert query["sort"] == ["oldest"]
        assert query["per_page"] == ["200"]
        assert "start_date" not in query  # no bookmark, no start_date: the whole history
    rows = result.records[LICENSES]
    assert len(rows) == 657
    assert len({(r["media_type"], r["id"]) for r in rows}) == 657
    assert {r["media_type"] for r in rows} == {"image", "video", "audio"}
    first = rows[0]
    assert first["download_time"] == "2025-03-01T04:00:00.000000Z"  # -04:00 converted to UTC
    assert first["revshare"] == {"purchase_amount": "9.80", "purchase_currency": "USD"}
    assert first["subscription_id"] == "s12345678"
    validate(result, LICENSES)


def test_licenses_send_the_bookmark_of_each_media_type_as_start_date(
    requests_mock: rm.Mocker,
) -> None:
    config = make_config(start_date="2025-01-01T00:00:00Z")
    serve_new(requests_mock)
    first = sync(config, select=[LICENSES])
    assert {query_of(r)["start_date"][0] for r in requests_mock.request_history} == {
        "2025-01-01T00:00:00.000Z"  # milliseconds, as the vendor's SDK sends dates
    }

    requests_mock.reset_mock()
    for media, day in {"images": 5, "videos": 6, "audio": 7}.items():
        rows = license_rows(media, 2, day=day)
        requests_mock.get(f"{BASE}/v2/{media}/licenses", json=paged(rows))
    second = sync(config, state=first.final_state, select=[LICENSES])

    sent = {
        urlsplit(r.url).path.split("/")[2]: query_of(r)["start_date"][0]
        for r in requests_mock.request_history
    }
    # Each partition resumes from its own last license of the first run (3 images,
    # 2 videos, 1 audio, one minute apart from 04:00 UTC).
    assert sent == {
        "images": "2025-03-01T04:02:00.000Z",
        "videos": "2025-03-01T04:01:00.000Z",
        "audio": "2025-03-01T04:00:00.000Z",
    }
    assert len(second.records[LICENSES]) == 6
    assert "2025-03-07T04:01:00.000000Z" in json.dumps(second.final_state)


def test_licenses_records_before_the_bookmark_are_not_emitted(requests_mock: rm.Mocker) -> None:
    # A server that ignored start_date would send old licenses again: they must not reappear.
    serve_new(requests_mock)
    state = sync(make_config(), select=[LICENSES]).final_state
    again = sync(make_config(), state=state, select=[LICENSES])
    # Only the last license of each media type (at the bookmark: the filter is inclusive).
    assert sorted(r["id"] for r in again.records[LICENSES]) == ["ea0000", "ei0002", "ev0001"]


def test_licenses_follow_media_types(requests_mock: rm.Mocker) -> None:
    serve_new(requests_mock)
    sync(make_config(media_types=["videos"]), select=[LICENSES, COLLECTIONS])
    assert sorted(set(paths(requests_mock))) == ["/v2/videos/collections", "/v2/videos/licenses"]


# -- entitlement -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("refused", "stream", "scope"),
    [
        (("/v2/images/licenses", 403), LICENSES, "licenses.view"),
        (("/v2/images/licenses", 401), LICENSES, "licenses.view"),
        (("/v2/user/subscriptions", 401), SUBSCRIPTIONS, "purchases.view"),
        (("/v2/user/subscriptions", 403), SUBSCRIPTIONS, "purchases.view"),
        (("/v2/images/collections", 403), COLLECTIONS, "collections.view"),
    ],
)
def test_a_missing_scope_skips_the_stream_with_one_warning(
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
    refused: tuple[str, int],
    stream: str,
    scope: str,
) -> None:
    path, status = refused
    serve_basics(requests_mock)
    refusal = (status, {"message": "You do not have access to this route"})
    serve_new(requests_mock, **{path: refusal})

    with caplog.at_level(logging.WARNING):
        result = sync(make_config())

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if scope in w]) == 1, warnings
    assert stream not in result.records
    # The other new streams still ran.
    others = {LICENSES: 6, SUBSCRIPTIONS: 1, TAXONOMIES: 13}
    for name, count in others.items():
        if name != stream:
            assert len(result.records[name]) == count, name
    assert USER in result.records
    # One refused request per stream, not one per partition.
    assert len(calls(requests_mock, path)) == 1


def test_collections_refused_means_no_item_requests(requests_mock: rm.Mocker) -> None:
    refusal = (403, {"message": "Forbidden"})
    serve_new(
        requests_mock,
        **{f"/v2/{media}/collections": refusal for media in ("images", "videos", "audio")},
    )
    result = sync(make_config(), select=[COLLECTIONS, ITEMS])
    assert not result.records.get(ITEMS)
    assert not [p for p in paths(requests_mock) if p.endswith("/items")]


# -- subscriptions ---------------------------------------------------------------------------


def test_subscriptions_one_request_for_a_short_page(requests_mock: rm.Mocker) -> None:
    # The vendor's example envelope promises total_count 123455 with per_page 5 and one row.
    body = copy.deepcopy(vendor.SUBSCRIPTIONS)
    body["total_count"] = 123455
    serve_new(requests_mock, **{"/v2/user/subscriptions": body})
    result = sync(make_config(), select=[SUBSCRIPTIONS])
    assert paths(requests_mock) == ["/v2/user/subscriptions"]
    (row,) = result.records[SUBSCRIPTIONS]
    assert row["id"] == "s8906043"
    assert row["expiration_time"] == "2020-05-29T17:10:22.000000Z"
    assert row["allotment"]["generations_left"] == 3
    validate(result, SUBSCRIPTIONS)


# -- collections and items -------------------------------------------------------------------


def collection(
    cid: str, count: int, items_at: str | None, updated: str | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"id": cid, "name": f"Collection {cid}", "total_item_count": count}
    if items_at:
        row["items_updated_time"] = items_at
    if updated:
        row["updated_time"] = updated
    return row


def items(count: int, first: int = 100) -> list[dict[str, Any]]:
    return [
        {"id": str(first + i), "added_time": "2025-03-01T10:00:00.000Z", "media_type": "image"}
        for i in range(count)
    ]


def serve_collections(m: rm.Mocker, rows: list[dict[str, Any]], contents: dict[str, int]) -> None:
    serve_new(m, **{"/v2/images/collections": paged(rows)})
    for cid, count in contents.items():
        m.get(f"{BASE}/v2/images/collections/{cid}/items", json=paged(items(count)))


def test_collections_and_items_page_at_150(requests_mock: rm.Mocker) -> None:
    rows = [collection(str(c), 1, "2025-03-01T10:00:00-04:00") for c in range(1, 152)]
    rows[0]["total_item_count"] = 320
    serve_collections(requests_mock, rows, {"1": 320, **{str(c): 1 for c in range(2, 152)}})

    result = sync(make_config(media_types=["images"]), select=[COLLECTIONS, ITEMS])

    assert len(calls(requests_mock, "/v2/images/collections")) == 2  # 150 + 1
    assert len(calls(requests_mock, "/v2/images/collections/1/items")) == 3  # 150, 150, 20
    for request in requests_mock.request_history:
        assert query_of(request)["per_page"] == ["150"]
    assert len(result.records[COLLECTIONS]) == 151
    assert len(result.records[ITEMS]) == 320 + 150
    keys = {(r["media_type"], r["collection_id"], r["id"]) for r in result.records[ITEMS]}
    assert len(keys) == 470
    assert ("image", "1", "100") in keys
    validate(result, COLLECTIONS)
    validate(result, ITEMS)


def test_items_are_read_again_only_for_changed_collections(requests_mock: rm.Mocker) -> None:
    before = [
        collection("10", 2, "2025-03-01T10:00:00-04:00"),
        collection("11", 3, "2025-03-01T11:00:00-04:00"),
        collection("12", 0, "2025-03-01T12:00:00-04:00"),  # empty: no request at all
        collection("13", 1, None, "2025-03-01T09:00:00-04:00"),  # no items time: always read
        collection("14", 1, None),  # no time at all: always read
    ]
    serve_collections(requests_mock, before, {"10": 2, "11": 3, "13": 1, "14": 1})
    first = sync(make_config(media_types=["images"]), select=[COLLECTIONS, ITEMS])
    item_paths = sorted(p for p in paths(requests_mock) if p.endswith("/items"))
    assert item_paths == [f"/v2/images/collections/{c}/items" for c in ("10", "11", "13", "14")]
    assert len(first.records[ITEMS]) == 7

    after = copy.deepcopy(before)
    after[1] = collection("11", 4, "2025-03-02T08:00:00-04:00")  # items changed
    after[3] = collection("13", 1, None, "2025-03-02T09:00:00-04:00")  # renamed
    after.append(collection("15", 2, "2025-03-02T10:00:00-04:00"))  # new
    requests_mock.reset_mock()
    serve_collections(requests_mock, after, {"10": 2, "11": 4, "13": 1, "14": 1, "15": 2})
    second = sync(
        make_config(media_types=["images"]), state=first.final_state, select=[COLLECTIONS, ITEMS]
    )

    item_paths = sorted(p for p in paths(requests_mock) if p.endswith("/items"))
    assert item_paths == [f"/v2/images/collections/{c}/items" for c in ("11", "13", "14", "15")]
    assert len(second.records[COLLECTIONS]) == 6
    assert sorted({r["collection_id"] for r in second.records[ITEMS]}) == ["11", "13", "14", "15"]

    # Nothing changed: only the collections without an items time, and the latest changed
    # one (at the mark: a change in the same second is not lost).
    requests_mock.reset_mock()
    serve_collections(requests_mock, after, {"10": 2, "11": 4, "13": 1, "14": 1, "15": 2})
    sync(make_config(media_types=["images"]), state=second.final_state, select=[COLLECTIONS, ITEMS])
    assert sorted(p for p in paths(requests_mock) if p.endswith("/items")) == [
        "/v2/images/collections/13/items",
        "/v2/images/collections/14/items",
        "/v2/images/collections/15/items",
    ]
    assert '"changed_since": {"image": "2025-03-02T14:00:00.000000Z"}' in json.dumps(
        second.final_state
    )


def test_item_key_takes_the_collection_media_type(requests_mock: rm.Mocker) -> None:
    serve_new(requests_mock, **{"/v2/videos/collections": vendor.VIDEO_COLLECTIONS})
    requests_mock.get(
        f"{BASE}/v2/videos/collections/5747957/items", json=vendor.VIDEO_COLLECTION_ITEMS
    )
    result = sync(make_config(media_types=["videos"]), select=[COLLECTIONS, ITEMS])
    # 5747953 has no items (total_item_count 0): no request.
    assert [p for p in paths(requests_mock) if p.endswith("/items")] == [
        "/v2/videos/collections/5747957/items"
    ]
    assert {(r["media_type"], r["collection_id"]) for r in result.records[ITEMS]} == {
        ("video", "5747957")
    }


# -- audio taxonomies ------------------------------------------------------------------------


def test_taxonomies_one_record_per_string(requests_mock: rm.Mocker) -> None:
    serve_new(requests_mock)
    result = sync(make_config(), select=[TAXONOMIES])
    assert sorted(paths(requests_mock)) == [
        "/v2/audio/genres",
        "/v2/audio/instruments",
        "/v2/audio/moods",
    ]
    rows = result.records[TAXONOMIES]
    assert {"taxonomy": "genres", "name": "Pop > Singer-Songwriter"} in [
        {k: r[k] for k in ("taxonomy", "name")} for r in rows
    ]
    assert len(rows) == 4 + 5 + 4
    assert len({(r["taxonomy"], r["name"]) for r in rows}) == 13
    validate(result, TAXONOMIES)


# -- the connection test ---------------------------------------------------------------------


def test_connection_test_reports_the_token_scopes(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    serve_basics(requests_mock)
    limited = {**vendor.ACCESS_TOKEN, "scopes": ["user.view", "collections.view"]}
    requests_mock.get(f"{BASE}/v2/user/access_token", json=limited)
    tap = TapMediaApis(config=make_config(), parse_env_config=False)

    with caplog.at_level(logging.INFO):
        assert tap.test_connections() == []

    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "licenses.view" in text
    assert "purchases.view" in text
    assert "/v2/user/access_token" in paths(requests_mock)


# -- vendor-shaped payloads ------------------------------------------------------------------


def documented_paths(value: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}{key}"
            found.add(path)
            found |= documented_paths(item, path + ".")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                found |= documented_paths(item, prefix[:-1] + "[].")
    return found


def test_vendor_payloads_arrive_whole_and_valid(requests_mock: rm.Mocker) -> None:
    serve_basics(requests_mock)
    bodies = {
        "/v2/images/licenses": vendor.IMAGE_LICENSES,
        "/v2/videos/licenses": vendor.VIDEO_LICENSES,
        "/v2/audio/licenses": vendor.AUDIO_LICENSES,
        "/v2/images/collections": vendor.IMAGE_COLLECTIONS,
        "/v2/videos/collections": vendor.VIDEO_COLLECTIONS,
        "/v2/images/categories": vendor.CATEGORIES,
        "/v2/videos/categories": vendor.CATEGORIES,
        "/v2/images/search": vendor.IMAGE_SEARCH,
        "/v2/videos/search": vendor.VIDEO_SEARCH,
        "/v2/audio/search": vendor.AUDIO_SEARCH,
        "/v2/images/collections/293542904/items": vendor.COLLECTION_ITEMS,
        "/v2/videos/collections/5747957/items": vendor.VIDEO_COLLECTION_ITEMS,
    }
    serve_new(requests_mock, **{path: first_page(body) for path, body in bodies.items()})

    result = sync(make_config())

    assert set(FIELDS) == set(result.records)
    for stream, inventory in FIELDS.items():
        validate(result, stream)
        arrived = set().union(*(documented_paths(r) for r in result.records[stream]))
        missing = [f for f in inventory["fields"] if f not in arrived]
        assert missing == [], stream
    video = next(r for r in result.records[SEARCH] if r["media_type"] == "video")
    assert video["releases"] == [{"id": "11223344"}, {"id": "11223345"}]
    assert video["is_select"] is False
    assert video["contributor"] == {"id": "4411978", "name": "Mountain Films"}


# -- the sandbox -----------------------------------------------------------------------------


def sandbox_requests(sandbox: Any) -> list[str]:
    return [entry["path"] for entry in sandbox.requests]


def test_sandbox_full_then_incremental_sync() -> None:
    with run_sandbox(["shutterstock"]) as sandbox:
        config = sandbox.tap_config()
        config["shutterstock"]["requests_per_second"] = 1000
        full = sync(config)
        counts = {name: len(rows) for name, rows in full.records.items()}
        assert counts == sandbox.expected_counts()
        for stream in NEW_STREAMS:
            validate(full, stream)
        assert {entry["status"] for entry in sandbox.requests} == {200}
        first_requests = len(sandbox.requests)

        sandbox.advance()
        again = sync(config, state=full.final_state)
        new_requests = list(sandbox.requests)[first_requests:]
        # Licenses: only the new ones plus the last one of each media type (inclusive filter).
        assert len(again.records[LICENSES]) == 40 + 3
        # Items: only the collections that changed (two edited, one renamed, one new), the
        # audio collections, which show no items time, and the latest changed image and
        # video collection of the first run (at the mark).
        changed = {r["collection_id"] for r in again.records[ITEMS]}
        assert len(changed) == 4 + 3 + 2
        assert len(again.records[COLLECTIONS]) == sandbox.expected_counts()[COLLECTIONS]
        assert {entry["status"] for entry in new_requests} == {200}


def test_sandbox_limited_token_skips_what_it_may_not_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run_sandbox(["shutterstock"]) as sandbox:
        config = sandbox.tap_config()
        config["shutterstock"]["access_token"] = LIMITED_TOKEN
        config["shutterstock"]["requests_per_second"] = 1000
        with caplog.at_level(logging.WARNING):
            result = sync(config)
        expected = sandbox.expected_counts()
    assert LICENSES not in result.records
    assert SUBSCRIPTIONS not in result.records
    for stream in (COLLECTIONS, ITEMS, TAXONOMIES, USER, CATEGORIES, SEARCH):
        assert len(result.records[stream]) == expected[stream], stream
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "licenses.view" in w]) == 1
    assert len([w for w in warnings if "purchases.view" in w]) == 1
    assert LIMITED_TOKEN not in "\n".join(warnings)
