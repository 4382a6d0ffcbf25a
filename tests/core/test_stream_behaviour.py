"""The shared behaviour every stream gets from the core, through a fake provider."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import requests_mock as rm
from singer_sdk.singerlib import SelectionMask

from tap_media_apis.core.errors import ProviderAPIError, redact_url
from tap_media_apis.tap import TapMediaApis
from tests.core.fakeapi import BASE_URL, TOKEN, fake_config
from tests.helpers import sync

pytestmark = pytest.mark.usefixtures("fake_provider")

ITEMS = f"{BASE_URL}/items"


def item(n: int, updated: str = "2024-06-01T00:00:00Z") -> dict[str, Any]:
    return {"id": f"i{n}", "updated_at": updated, "text": f"item {n}", "unknown": 1}


def pages(m: rm.Mocker, url: str, *bodies: list[dict[str, Any]]) -> None:
    for number, data in enumerate(bodies, start=1):
        m.get(f"{url}?page={number}&limit=2", json={"data": data}, complete_qs=True)


def items_only() -> list[str]:
    return ["fake_items"]


def test_page_number_paging_stops_on_a_short_page(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [item(1), item(2)], [item(3), item(4)], [item(5)])
    result = sync(fake_config(), select=items_only())
    assert [r["id"] for r in result.records["fake_items"]] == ["i1", "i2", "i3", "i4", "i5"]
    assert requests_mock.call_count == 3


def test_page_number_paging_stops_on_an_empty_page(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [item(1), item(2)], [item(3), item(4)], [])
    result = sync(fake_config(), select=items_only())
    assert len(result.records["fake_items"]) == 4
    assert requests_mock.call_count == 3


def test_records_are_pruned_to_the_schema_and_timestamps_normalised(
    requests_mock: rm.Mocker,
) -> None:
    pages(requests_mock, ITEMS, [{"id": "a", "updated_at": "2024-06-01T10:00:00+02:00"}])
    record = sync(fake_config(), select=items_only()).records["fake_items"][0]
    assert record == {
        "id": "a",
        "updated_at": "2024-06-01T08:00:00.000000Z",
        "extra_fields": None,
        "account": "default",
    }


def test_fields_the_schema_does_not_declare_are_kept_in_extra_fields(
    requests_mock: rm.Mocker,
) -> None:
    added = {"id": "a", "text": "t", "added_later": {"x": [1, 2]}, "flag": True}
    pages(requests_mock, ITEMS, [added])
    result = sync(fake_config(), select=items_only())
    record = result.records["fake_items"][0]
    assert record["extra_fields"] == {"added_later": {"x": [1, 2]}, "flag": True}
    assert "added_later" not in record
    assert result.schemas["fake_items"]["properties"]["extra_fields"]["type"] == ["object", "null"]


def test_keep_extra_fields_false_drops_undeclared_fields(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [{"id": "a", "text": "t", "added_later": 1}])
    config = {**fake_config(), "keep_extra_fields": False}
    record = sync(config, select=items_only()).records["fake_items"][0]
    assert record == {"id": "a", "text": "t", "updated_at": None, "account": "default"}


def test_client_side_incremental_keeps_records_at_or_after_the_bookmark(
    requests_mock: rm.Mocker,
) -> None:
    pages(
        requests_mock,
        ITEMS,
        [item(1, "2024-01-01T00:00:00Z"), item(2, "2023-12-31T23:59:59Z")],
        [item(3, "2024-03-01T00:00:00Z")],
    )
    state = {
        "bookmarks": {
            "fake_items": {
                "replication_key": "updated_at",
                "replication_key_value": "2024-01-01T00:00:00.000000Z",
            }
        }
    }
    result = sync(fake_config(), state=state, select=items_only())
    assert [r["id"] for r in result.records["fake_items"]] == ["i1", "i3"]
    bookmark = result.final_state["bookmarks"]["fake_items"]["replication_key_value"]
    assert bookmark == "2024-03-01T00:00:00.000000Z"


def test_newest_first_lists_stop_paging_at_the_bookmark(requests_mock: rm.Mocker) -> None:
    feed = f"{BASE_URL}/feed"
    pages(
        requests_mock,
        feed,
        [item(6, "2024-06-06T00:00:00Z"), item(5, "2024-06-05T00:00:00Z")],
        [item(4, "2024-06-04T00:00:00Z"), item(3, "2024-06-03T00:00:00Z")],
        [item(2, "2024-06-02T00:00:00Z"), item(1, "2024-06-01T00:00:00Z")],
        [],
    )
    state = {
        "bookmarks": {
            "fake_feed": {
                "replication_key": "updated_at",
                "replication_key_value": "2024-06-04T00:00:00.000000Z",
            }
        }
    }
    result = sync(fake_config(), state=state, select=["fake_feed"])
    assert [r["id"] for r in result.records["fake_feed"]] == ["i6", "i5"]
    assert requests_mock.call_count == 2  # pages 3 and 4 are never requested


def test_retry_after_is_obeyed(requests_mock: rm.Mocker, no_sleep: list[float]) -> None:
    requests_mock.get(
        f"{ITEMS}?page=1&limit=2",
        [
            {"status_code": 429, "headers": {"Retry-After": "7"}, "json": {"error": "slow down"}},
            {"json": {"data": [item(1)]}},
        ],
    )
    result = sync(fake_config(), select=items_only())
    assert len(result.records["fake_items"]) == 1
    assert requests_mock.call_count == 2
    # The retry waits at least Retry-After (plus at most a little jitter); the pacer
    # holds every other thread of this API for the same time (its sleep is the second).
    assert 7 <= no_sleep[0] <= 8
    assert len(no_sleep) == 2
    assert 6.9 <= no_sleep[1] <= 7


def test_server_errors_and_timeouts_are_retried_with_growing_waits(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    requests_mock.get(
        f"{ITEMS}?page=1&limit=2",
        [
            {"status_code": 500, "json": {"error": "boom"}},
            {"exc": requests.exceptions.ConnectTimeout},
            {"status_code": 502, "text": "<html><title>502 Bad Gateway</title></html>"},
            {"exc": requests.exceptions.ReadTimeout},
            {"json": {"data": [item(1)]}},
        ],
    )
    result = sync(fake_config(), select=items_only())
    assert len(result.records["fake_items"]) == 1
    assert requests_mock.call_count == 5
    waits = [w for w in no_sleep if w >= 0.5]
    assert [round(w) for w in waits] == [0, 1, 2, 4] or [int(w) for w in waits] == [0, 1, 2, 4]
    assert waits == sorted(waits)


def test_retries_are_bounded_and_the_last_status_is_named(
    requests_mock: rm.Mocker, no_sleep: list[float]
) -> None:
    requests_mock.get(f"{ITEMS}?page=1&limit=2", status_code=503, json={"error": "down"})
    with pytest.raises(ProviderAPIError) as caught:
        sync({**fake_config(), "max_retries": 3}, select=items_only())
    assert requests_mock.call_count == 4
    message = str(caught.value)
    assert "fakeapi: stream fake_items: HTTP 503" in message
    assert "gave up" in message
    assert "\n" not in message


def test_a_fatal_401_is_one_line_without_secrets(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{ITEMS}?page=1&limit=2",
        status_code=401,
        json={"error": {"type": "unauthorized", "messages": ["Unauthorized request"]}},
    )
    with pytest.raises(ProviderAPIError) as caught:
        sync(fake_config(), select=items_only())
    message = str(caught.value)
    assert requests_mock.call_count == 1  # a static token is not retried
    assert message == (
        "fakeapi: stream fake_items: HTTP 401 from GET https://fake.example/items?page=1&limit=2: "
        "Unauthorized request (check the fakeapi credentials)"
    )
    assert TOKEN not in message
    assert requests_mock.last_request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_secret_query_parameters_are_redacted_in_errors() -> None:
    assert redact_url("https://u:p@x.example/a?api_key=s3cret&page=2") == (
        "https://x.example/a?api_key=REDACTED&page=2"
    )


def test_html_instead_of_json_is_one_clear_line(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{ITEMS}?page=1&limit=2",
        text="<html><head><title>Login</title></head></html>",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(ProviderAPIError, match=r"expected JSON .* HTML page \(Login\)"):
        sync(fake_config(), select=items_only())


def test_an_object_where_a_list_was_expected_names_the_stream(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ITEMS}?page=1&limit=2", json={"items": []})
    with pytest.raises(ProviderAPIError, match="fake_items: expected 'data'"):
        sync(fake_config(), select=items_only())
    requests_mock.get(f"{ITEMS}?page=1&limit=2", json={"data": {"id": "x"}})
    with pytest.raises(ProviderAPIError, match="expected a list of objects"):
        sync(fake_config(), select=items_only())


def test_nul_and_lone_surrogates_are_removed(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{ITEMS}?page=1&limit=2",
        content=b'{"data": [{"id": "a", "text": "nul\\u0000 and \\ud800 gone"}]}',
    )
    record = sync(fake_config(), select=items_only()).records["fake_items"][0]
    assert record["text"] == "nul and  gone"


@pytest.mark.parametrize("concurrency", [1, 4])
def test_children_carry_parent_keys_in_sync_order(
    requests_mock: rm.Mocker, concurrency: int
) -> None:
    parents = [item(n) for n in range(1, 6)]
    pages(requests_mock, ITEMS, parents[:2], parents[2:4], parents[4:])
    for parent in parents:
        pid = parent["id"]
        requests_mock.get(
            f"{ITEMS}/{pid}/notes?page=1&limit=2",
            json={"data": [{"id": f"{pid}-n1"}, {"id": f"{pid}-n2"}]},
            complete_qs=True,
        )
        requests_mock.get(
            f"{ITEMS}/{pid}/notes?page=2&limit=2", json={"data": []}, complete_qs=True
        )
    result = sync(
        fake_config(max_concurrency=concurrency), select=["fake_items", "fake_item_notes"]
    )
    notes = result.records["fake_item_notes"]
    assert [(n["item_id"], n["id"]) for n in notes] == [
        (p["id"], f"{p['id']}-n{k}") for p in parents for k in (1, 2)
    ]
    assert requests_mock.call_count == 3 + 2 * len(parents)  # each child fetched once
    schema_messages = [m for m in result.messages if m["type"] == "SCHEMA"]
    assert sorted(m["stream"] for m in schema_messages) == ["fake_item_notes", "fake_items"]
    assert result.final_state["bookmarks"]["fake_item_notes"] == {}


def test_tap_level_state_has_no_bookmark_per_parent(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [item(1)])
    requests_mock.get(f"{ITEMS}/i1/notes?page=1&limit=2", json={"data": [{"id": "n"}]})
    result = sync(fake_config(), select=["fake_item_notes"])
    assert "partitions" not in result.final_state["bookmarks"].get("fake_item_notes", {})
    assert "fake_items" not in result.records  # the parent is synced but not emitted


# -- RECORD messages: deselected properties ---------------------------------------------------


def catalog_selecting(stream: str, *, deselected: tuple[str, ...] = ()) -> dict[str, Any]:
    """The discovered catalog with only ``stream`` selected, minus ``deselected`` properties."""
    catalog = TapMediaApis(config=fake_config(), parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            crumb = tuple(item["breadcrumb"])
            if crumb == ():
                item["metadata"]["selected"] = entry["tap_stream_id"] == stream
            elif entry["tap_stream_id"] == stream and crumb[-1] in deselected:
                item["metadata"]["selected"] = False
    return catalog


def test_deselected_properties_are_left_out(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [item(1), item(2)], [item(3)])
    result = sync(fake_config(), catalog=catalog_selecting("fake_items", deselected=("text",)))
    records = result.records["fake_items"]
    assert [r["id"] for r in records] == ["i1", "i2", "i3"]
    assert all(set(r) == {"id", "updated_at", "extra_fields", "account"} for r in records)


def test_every_property_selected_keeps_every_property(requests_mock: rm.Mocker) -> None:
    pages(requests_mock, ITEMS, [item(1)])
    result = sync(fake_config(), catalog=catalog_selecting("fake_items"))
    assert result.records["fake_items"] == [
        {
            "id": "i1",
            "updated_at": "2024-06-01T00:00:00.000000Z",
            "text": "item 1",
            "extra_fields": {"unknown": 1},
            "account": "default",
        }
    ]


def test_a_nested_deselection_takes_the_sdk_selection_walk(requests_mock: rm.Mocker) -> None:
    stream = TapMediaApis(config=fake_config(), parse_env_config=False).streams["fake_items"]
    assert stream._deselection() == ()
    stream._mask = SelectionMask({(): True, ("properties", "text"): False})
    assert stream._deselection() == ("text",)
    stream._mask = SelectionMask(
        {(): True, ("properties", "meta"): True, ("properties", "meta", "properties", "x"): False}
    )
    assert stream._deselection() is None
