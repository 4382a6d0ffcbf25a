"""Shutterstock (api-reference.md §3): Bearer token, a required User-Agent, and no `/v2/media`.

The original config's ``/v2/media/...`` is a placeholder: the real API is split into
``images``, ``videos`` and ``audio`` paths (§3 "Real paths"). The media streams run one
partition per media path and key every record on the API's singular ``media_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from tap_media_apis.core.decode import json_body
from tap_media_apis.core.paging import NO_PAGING, PageNumberLimitPaginator, Paging, RecordsOf
from tap_media_apis.core.partitions import PartitionsOver, from_setting
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

#: Media path -> the API's own singular ``media_type`` value (the key column).
MEDIA_TYPES = {"images": "image", "videos": "video", "audio": "audio"}
DEFAULT_MEDIA_TYPES = ("images", "videos", "audio")
#: The search ``per_page`` maximum in the reference spec (§3 "Pagination").
MAX_PAGE_SIZE = 500


class TotalCountPaginator(PageNumberLimitPaginator):
    """Search paging (``page``/``per_page``) that stops at whichever end comes first.

    The end is ``page * per_page >= total_count``, a short page or an empty page
    (§3 "Pagination"). A full last page therefore costs no extra request. ``per_page``
    is read back from the body, so a server that caps it lower does not end the list early.
    """

    def __init__(self, page_size: int, records_of: RecordsOf) -> None:
        super().__init__(page_size, records_of, size_param="per_page")

    @override
    def has_more(self, response: requests.Response) -> bool:
        body = json_body(response)
        per_page = _count(body, "per_page") or self.page_size
        if len(self._records_of(response)) < per_page:
            return False
        total = _count(body, "total_count")
        return total is None or self.current_value * per_page < total


def _count(body: Any, name: str) -> int | None:
    """A non-negative integer field of the envelope, or None."""
    value = body.get(name) if isinstance(body, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class ShutterstockStream(ProviderStream):
    provider_name = "shutterstock"


def media_partitions(paths: Any) -> PartitionsOver:
    """One partition per media path, with the API's own singular name for it."""
    return PartitionsOver("media_path", paths, lambda path: {"media_type": MEDIA_TYPES[path]})


class MediaStream(ShutterstockStream):
    """One partition per media path; ``media_type`` is part of the key.

    Ids are only unique within a media type (category ``1`` exists for images and videos).
    """

    primary_keys = ["media_type", "id"]

    @override
    def add_context(self, record: dict[str, Any], context: Any) -> None:
        super().add_context(record, context)
        # Categories have no media_type; search hits carry it, but never trust a null key.
        if context and not record.get("media_type"):
            record["media_type"] = context["media_type"]


class MediaCategories(MediaStream):
    name = "shutterstock_media_categories"
    path = "/v2/{media_path}/categories"
    # Audio has no categories endpoint (only genres/instruments/moods, §3 "Real paths").
    partitions_over = media_partitions(("images", "videos"))
    paging = NO_PAGING  # no paging parameters (§3.1)


class MediaSearch(MediaStream):
    name = "shutterstock_media_search"
    path = "/v2/{media_path}/search"
    # Audio times carry UTC offsets ("2016-08-16T14:30:03-04:00", §3.4); added_date is a
    # plain date and stays one. No replication key: search hits are not a change feed.
    timestamp_fields = ("published_time", "updated_time", "submitted_time", "deleted_time")
    partitions_over = media_partitions(from_setting("media_types", DEFAULT_MEDIA_TYPES))
    paging = Paging(TotalCountPaginator)

    @override
    @classmethod
    def unavailable_reason(cls, provider_config: Mapping[str, Any]) -> str | None:
        if not str(provider_config.get("search_query") or "").strip():
            return "shutterstock.search_query is not set (the search endpoints need a query)"
        return None

    @override
    def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
        # view=full: the default minimal view leaves out keywords, categories, dates (§3.2).
        return {"query": str(self.runtime.setting("search_query")).strip(), "view": "full"}


class User(ShutterstockStream):
    name = "shutterstock_user"
    path = "/v2/user"
    primary_keys = ["id"]
    # A bare object, not wrapped in `data`, and not paginated (§3.6).
    records_key = None
    single_record = True


def _authenticator(runtime: ProviderRuntime) -> BearerTokenAuthenticator:
    return BearerTokenAuthenticator(token=runtime.setting("access_token"))


def _check_media_types(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    value = settings.get("media_types")
    known = ", ".join(DEFAULT_MEDIA_TYPES)
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        return f"shutterstock.media_types must be a non-empty list of: {known}"
    unknown = [item for item in value if item not in MEDIA_TYPES]
    if unknown:
        names = ", ".join(repr(item) for item in unknown)
        return f"shutterstock.media_types: unknown media type {names}; use any of {known}"
    return None


PROVIDER = Provider(
    name="shutterstock",
    title="Shutterstock",
    tap_name="tap-shutterstock",
    base_url="https://api.shutterstock.com",
    # Media and category ids are the catalog's, the same for every account: ``account``
    # joins the keys so two accounts' search hits or licenses of one image stay apart.
    ids_unique_across_accounts=False,
    # Per-application limits are not published (§3 "Base, auth, limits"): stay conservative.
    requests_per_second=10,
    page_size=MAX_PAGE_SIZE,
    settings=(
        th.Property(
            "access_token",
            th.StringType,
            secret=True,
            description="OAuth access token (Bearer) of a user: /v2/user refuses app-only auth.",
        ),
        th.Property(
            "search_query",
            th.StringType,
            description="Query for shutterstock_media_search; without it that stream is skipped.",
        ),
        th.Property(
            "media_types",
            th.ArrayType(th.StringType),
            default=list(DEFAULT_MEDIA_TYPES),
            description="Media searched by shutterstock_media_search: images, videos, audio.",
        ),
    ),
    required=("access_token",),
    authenticator=_authenticator,
    streams=(MediaCategories, MediaSearch, User),
    # /v2/user: the strictest check of the token (Basic app credentials pass the category
    # and search endpoints, only a user's OAuth token passes this, §3), one small object,
    # no partitions. A token that fails here would fail the default sync too.
    probe_stream=User,
    checks=(_check_media_types,),
)
