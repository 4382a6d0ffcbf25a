"""A minimal provider for testing the core without any real API's quirks."""

from __future__ import annotations

from typing import Any

import pytest
from singer_sdk import typing as th
from singer_sdk.authenticators import BearerTokenAuthenticator

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

BASE_URL = "https://fake.example"
TOKEN = "fake-secret-token-123"


class FakeStream(ProviderStream):
    provider_name = "fakeapi"

    @classmethod
    def stream_schema(cls) -> dict[str, Any]:
        return th.PropertiesList(
            th.Property("id", th.StringType, required=True),
            th.Property("updated_at", th.DateTimeType),
            th.Property("item_id", th.StringType),
            th.Property("text", th.StringType),
        ).to_dict()


class Items(FakeStream):
    name = "fake_items"
    path = "/items"
    replication_key = "updated_at"

    def get_child_context(self, record: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"item_id": record["id"]}


class ItemNotes(FakeStream):
    name = "fake_item_notes"
    path = "/items/{item_id}/notes"
    parent_stream_type = Items
    primary_keys = ("item_id", "id")


class Feed(FakeStream):
    """A newest-first list: paging stops at the bookmark."""

    name = "fake_feed"
    path = "/feed"
    replication_key = "updated_at"
    newest_first = True


def _authenticator(runtime: ProviderRuntime) -> BearerTokenAuthenticator:
    return BearerTokenAuthenticator(token=runtime.setting("token"))


FAKE = Provider(
    name="fakeapi",
    title="Fake API",
    tap_name="tap-fakeapi",
    base_url=BASE_URL,
    requests_per_second=1000,
    page_size=2,
    settings=(th.Property("token", th.StringType, secret=True),),
    required=("token",),
    authenticator=_authenticator,
    streams=(Items, ItemNotes, Feed),
    probe_stream=Items,
)


def fake_config(**block: Any) -> dict[str, Any]:
    return {
        "start_date": "2024-01-01T00:00:00Z",
        "retry_backoff_seconds": 0.5,
        "fakeapi": {"token": TOKEN, **block},
    }


@pytest.fixture
def fake_provider(monkeypatch: pytest.MonkeyPatch) -> Provider:
    """Make the tap know only the fake provider."""
    monkeypatch.setattr("tap_media_apis.tap.PROVIDERS", (FAKE,))
    return FAKE
