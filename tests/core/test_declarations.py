"""The declared mechanisms of core/base.py, each through a stream that declares it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

import pytest
import requests_mock as rm

from tap_media_apis.core.answers import Entitlement, Tolerated, is_json_answer
from tap_media_apis.core.masks import (
    Mask,
    apply_masks,
    rtmp_url_without_key,
    url_without_credentials,
)
from tap_media_apis.core.paging import NO_PAGING
from tap_media_apis.core.partitions import PartitionsOver, from_setting
from tap_media_apis.core.provider import ProviderRuntime
from tests.core.fakeapi import BASE_URL, FAKE, FakeStream, Items, fake_config
from tests.helpers import sync


class Plans(FakeStream):
    """Needs a paid plan: 404 on the list means "not entitled"."""

    name = "fake_plans"
    path = "/plans"
    entitlement = Entitlement(needs="the Plans permission", statuses=frozenset({404}))


class Flagged(FakeStream):
    name = "fake_flagged"
    path = "/flagged"
    partitions_over = PartitionsOver("active", (True, False))
    context_params = ("active",)
    fixed_params = {"sort": "new"}


class Secrets(FakeStream):
    name = "fake_secrets"
    path = "/secrets"
    masks = (Mask("text"), Mask("item_id", remove=True))


class Notes(FakeStream):
    """A child that wants only even items, and whose 202 means "not ready"."""

    name = "fake_notes"
    path = "/items/{item_id}/notes"
    parent_stream_type = Items
    primary_keys = ("item_id", "id")
    paging = NO_PAGING
    tolerated = (Tolerated(202, not_ready=True), Tolerated(404, when=is_json_answer))

    def applies_to(self, context: Any) -> bool:
        return int(context["item_id"][1:]) % 2 == 0


class Copies(FakeStream):
    """Derived from the parent's record: no request."""

    name = "fake_copies"
    parent_stream_type = Items
    primary_keys = ("item_id", "id")
    derived_from_parent = True

    def records_from_parent(self, context: Any) -> Iterable[dict[str, Any]]:
        yield {"id": f"copy-of-{context['item_id']}"}


PROVIDER = dataclasses.replace(FAKE, streams=(Items, Plans, Flagged, Secrets, Notes, Copies))


@pytest.fixture(autouse=True)
def provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tap_media_apis.tap.PROVIDERS", (PROVIDER,))


def item(n: int, updated: str = "2024-06-01T00:00:00Z") -> dict[str, Any]:
    return {"id": f"i{n}", "updated_at": updated}


def test_a_stream_without_entitlement_is_skipped_with_one_warning(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(f"{BASE_URL}/plans", status_code=404, json={"error": "not on your plan"})
    requests_mock.get(f"{BASE_URL}/items", json={"data": [item(1)]})
    with caplog.at_level(logging.WARNING):
        result = sync(fake_config(), select=["fake_plans", "fake_items"])
    assert result.records["fake_items"]  # the other stream goes on
    assert "fake_plans" not in result.records
    warnings = [r.getMessage() for r in caplog.records if "the Plans permission" in r.getMessage()]
    assert len(warnings) == 1
    assert "fake_plans" in warnings[0]
    assert "fake_plans" not in result.final_state.get("bookmarks", {}) or not result.final_state[
        "bookmarks"
    ]["fake_plans"].get("replication_key_value")


def test_a_404_elsewhere_still_fails(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/items", status_code=404, json={"error": "gone"})
    with pytest.raises(Exception, match="HTTP 404"):
        sync(fake_config(), select=["fake_items"])


def test_partitions_over_values_send_each_value_as_a_parameter(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/flagged", json={"data": [{"id": "a"}]})
    sync(fake_config(), select=["fake_flagged"])
    queries = [r.qs for r in requests_mock.request_history]
    assert queries == [
        {"sort": ["new"], "active": ["true"], "page": ["1"], "limit": ["2"]},
        {"sort": ["new"], "active": ["false"], "page": ["1"], "limit": ["2"]},
    ]


def test_partitions_from_a_setting_deduplicate_and_add_context() -> None:
    runtime = ProviderRuntime(FAKE, {"kinds": ["a", "b", "a"]})
    over = PartitionsOver("kind", from_setting("kinds"), lambda v: {"upper": v.upper()})
    assert over.contexts(runtime) == [{"kind": "a", "upper": "A"}, {"kind": "b", "upper": "B"}]
    assert PartitionsOver("kind", from_setting("none")).contexts(runtime) is None


def test_masks_hide_secrets_in_records_and_never_change_the_input() -> None:
    record = {
        "key": "s3cr3t",
        "targets": [{"url": "srt://u:p@host:9/path?passphrase=x", "key": "k1"}, "odd"],
        "peers": {"p1": {"token": "t1"}, "p2": {"token": None}},
        "rtmp": ["rtmp://live.example.com/app/streamkey123"],
    }
    masks = (
        Mask("key"),
        Mask("targets[].url", hide=url_without_credentials),
        Mask("targets[].key", remove=True),
        Mask("peers{}.token"),
        Mask("rtmp[]", hide=rtmp_url_without_key),
    )
    masked = apply_masks(record, masks)
    assert masked == {
        "key": None,
        "targets": [{"url": "srt://host:9/path"}, "odd"],
        "peers": {"p1": {"token": None}, "p2": {"token": None}},
        "rtmp": ["rtmp://live.example.com/app/REDACTED"],
    }
    assert record["key"] == "s3cr3t"
    assert "streamkey123" not in repr(masked)
    assert "passphrase" not in repr(masked)


def test_masks_apply_before_undeclared_fields_are_kept(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{BASE_URL}/secrets",
        json={"data": [{"id": "a", "text": "s3cr3t", "item_id": "also-secret", "new": 1}]},
    )
    record = sync(fake_config(), select=["fake_secrets"]).records["fake_secrets"][0]
    assert record["text"] is None
    assert "item_id" not in record
    assert record["extra_fields"] == {"new": 1}
    assert "secret" not in repr(record)


def test_children_take_only_the_contexts_they_apply_to(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/items?page=1", json={"data": [item(1), item(2)]})
    requests_mock.get(f"{BASE_URL}/items?page=2", json={"data": []})
    requests_mock.get(f"{BASE_URL}/items/i2/notes", json={"data": [{"id": "n"}]})
    result = sync(fake_config(), select=["fake_items", "fake_notes", "fake_copies"])
    assert [r["item_id"] for r in result.records["fake_notes"]] == ["i2"]
    paths = [r.path for r in requests_mock.request_history]
    assert paths == ["/items", "/items/i2/notes", "/items"]  # none for i1 or copies
    assert [r["id"] for r in result.records["fake_copies"]] == ["copy-of-i1", "copy-of-i2"]


def test_a_not_ready_child_holds_the_parent_bookmark_below_its_record(
    requests_mock: rm.Mocker,
) -> None:
    first = [item(2, "2024-06-02T00:00:00Z"), item(3, "2024-06-03T00:00:00Z")]
    requests_mock.get(f"{BASE_URL}/items?page=1", json={"data": first})
    requests_mock.get(f"{BASE_URL}/items?page=2", json={"data": [item(4, "2024-06-04T00:00:00Z")]})
    requests_mock.get(f"{BASE_URL}/items/i2/notes", json={"data": [{"id": "n"}]})
    requests_mock.get(f"{BASE_URL}/items/i4/notes", status_code=202, json={})
    result = sync(fake_config(), select=["fake_items", "fake_notes"])
    bookmark = result.final_state["bookmarks"]["fake_items"]["replication_key_value"]
    assert bookmark == "2024-06-03T23:59:59.999999Z"


def test_a_tolerated_404_must_be_the_apis_own_json(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/items", json={"data": [item(2)]})
    requests_mock.get(f"{BASE_URL}/items/i2/notes", status_code=404, text="<html>proxy</html>")
    with pytest.raises(Exception, match="HTTP 404"):
        sync(fake_config(), select=["fake_items", "fake_notes"])
