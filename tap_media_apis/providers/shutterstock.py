"""Shutterstock: a user's Bearer token, a required User-Agent, and no ``/v2/media``.

Facts and their vendor sources: docs/providers/shutterstock.md, "API facts". The API is
split into ``images``, ``videos`` and ``audio`` paths; the media streams run one partition
per media path and key every record on the API's singular ``media_type``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from tap_media_apis.core.answers import Entitlement
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import ProviderAPIError, redact_url
from tap_media_apis.core.paging import NO_PAGING, PageNumberLimitPaginator, Paging, RecordsOf
from tap_media_apis.core.partitions import PartitionsOver, from_setting
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams.rest import HTTPRequest

#: Media path -> the API's own singular ``media_type`` value (the key column).
MEDIA_TYPES = {"images": "image", "videos": "video", "audio": "audio"}
DEFAULT_MEDIA_TYPES = ("images", "videos", "audio")
#: ``per_page`` maxima (docs/providers/shutterstock.md, "Pagination").
MAX_PAGE_SIZE = 500  # search
LICENSES_PAGE_SIZE = 200
COLLECTIONS_PAGE_SIZE = 150
AUDIO_TAXONOMIES = ("genres", "instruments", "moods")


class TotalCountPaginator(PageNumberLimitPaginator):
    """Search paging (``page``/``per_page``) that stops at whichever end comes first.

    The end is ``page * per_page >= total_count``, a short page or an empty page
    (docs/providers/shutterstock.md, "Pagination"). A full last page therefore costs no
    extra request. ``per_page`` is read back from the body, so a server that caps it lower
    does not end the list early.
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


class UnaskedPagePaginator(TotalCountPaginator):
    """For a list documented without parameters: the first request sends none.

    Later pages (only when the envelope says there are more) ask for ``page`` at the
    ``per_page`` the API echoed.
    """

    def __init__(self, page_size: int, records_of: RecordsOf) -> None:
        super().__init__(page_size, records_of)
        self._echoed: int | None = None

    @override
    def has_more(self, response: requests.Response) -> bool:
        self._echoed = _count(json_body(response), "per_page")
        return super().has_more(response)

    @override
    def apply_to(self, request: HTTPRequest) -> None:
        if self.current_value > 1:
            request.params["page"] = self.current_value
            if self._echoed:
                request.params["per_page"] = self._echoed


def needs_scope(scope: str) -> Entitlement:
    """A token without ``scope`` gets 401 or 403 here (docs/providers/shutterstock.md,
    "Entitlement (missing scopes)"): the stream is skipped with one warning."""
    return Entitlement(needs=f"the {scope} scope", statuses=frozenset({401, 403}))


class ShutterstockStream(ProviderStream):
    provider_name = "shutterstock"
    #: The OAuth scope the stream's endpoint needs beyond a user token (None: no scope);
    #: without it the stream is skipped with one warning.
    scope: ClassVar[str | None] = None
    #: The list's own largest ``per_page`` (None: the provider's ``page_size`` setting).
    max_page_size: ClassVar[int | None] = None

    @override
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.scope and "entitlement" not in cls.__dict__:
            cls.entitlement = needs_scope(cls.scope)

    @property
    @override
    def page_size(self) -> int:
        return self.max_page_size or super().page_size


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


class MediaTypeList(MediaStream):
    """A paged list per media type in ``shutterstock.media_types``."""

    partitions_over = media_partitions(from_setting("media_types", DEFAULT_MEDIA_TYPES))
    paging = Paging(TotalCountPaginator)


class MediaCategories(MediaStream):
    """https://api-reference.shutterstock.com/#images-list-image-categories"""

    name = "shutterstock_media_categories"
    path = "/v2/{media_path}/categories"
    # Audio has no categories endpoint, only genres/instruments/moods ("Categories and user").
    partitions_over = media_partitions(("images", "videos"))
    paging = NO_PAGING  # no paging parameters ("Pagination")


class MediaSearch(MediaTypeList):
    """https://api-reference.shutterstock.com/#images-search-images"""

    name = "shutterstock_media_search"
    path = "/v2/{media_path}/search"
    # Audio times carry UTC offsets ("2016-08-16T14:30:03-04:00", "Timestamps"); added_date
    # is a plain date and stays one. No replication key: search hits are not a change feed.
    timestamp_fields = ("published_time", "updated_time", "submitted_time", "deleted_time")

    @override
    @classmethod
    def unavailable_reason(cls, provider_config: Mapping[str, Any]) -> str | None:
        if not str(provider_config.get("search_query") or "").strip():
            return "shutterstock.search_query is not set (the search endpoints need a query)"
        return None

    @override
    def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
        # view=full: the default minimal view leaves out keywords, categories, dates ("Search").
        return {"query": str(self.runtime.setting("search_query")).strip(), "view": "full"}


class User(ShutterstockStream):
    """https://api-reference.shutterstock.com/#users-get-user-details"""

    name = "shutterstock_user"
    path = "/v2/user"
    primary_keys = ["id"]
    # A bare object, not wrapped in `data`, and not paginated ("Categories and user").
    records_key = None
    single_record = True

    @override
    def probe(self) -> None:
        """``GET /v2/user``, then the token's scopes from ``GET /v2/user/access_token``.

        Names the streams a missing scope will skip, before any sync ("Authentication").
        """
        super().probe()
        prepared = self.build_prepared_request(
            method="GET", url=f"{self.url_base}/v2/user/access_token", headers=self.http_headers
        )
        body = json_body(self.send(prepared, None))
        scopes = body.get("scopes") if isinstance(body, dict) else None
        if not isinstance(scopes, list):
            raise ProviderAPIError(f"{self.log_prefix}: /v2/user/access_token lists no scopes")
        needed = {
            stream.__dict__["name"]: stream.scope
            for stream in self.runtime.provider.streams
            if issubclass(stream, ShutterstockStream) and stream.scope
        }
        missing = sorted({scope for scope in needed.values() if scope not in scopes})
        self.logger.info(
            "shutterstock: the access token has the scopes %s", ", ".join(map(str, scopes))
        )
        if missing:
            skipped = sorted(name for name, scope in needed.items() if scope in missing)
            self.logger.warning(
                "shutterstock: the access token lacks %s; a sync will skip %s",
                ", ".join(missing),
                ", ".join(skipped),
            )


class MediaLicenses(MediaTypeList):
    """https://api-reference.shutterstock.com/#images-list-image-licenses

    Server-side incremental: ``start_date`` is the partition's bookmark, oldest first
    ("License history").
    """

    name = "shutterstock_media_licenses"
    path = "/v2/{media_path}/licenses"
    replication_key = "download_time"
    scope = "licenses.view"
    max_page_size = LICENSES_PAGE_SIZE
    fixed_params: ClassVar[Mapping[str, Any]] = {"sort": "oldest"}
    # A bookmark per media type: a media type added to media_types later starts from
    # start_date, not from the others' bookmark.
    state_partitioning_keys: ClassVar[list[str] | None] = ["media_type"]

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        start = self.bookmark(context)
        if start:
            # As the vendor's SDK sends it (Date.toJSON: milliseconds, "Timestamps"); cutting
            # the microseconds only moves the inclusive start earlier.
            params["start_date"] = start[:23] + "Z"
        return params


class UserSubscriptions(ShutterstockStream):
    """https://api-reference.shutterstock.com/#users-list-user-subscriptions

    No parameters and no change time: the whole list, every run ("Subscriptions").
    """

    name = "shutterstock_user_subscriptions"
    path = "/v2/user/subscriptions"
    primary_keys = ["id"]
    scope = "purchases.view"
    paging = Paging(UnaskedPagePaginator)
    timestamp_fields = ("expiration_time",)


class MediaCollections(MediaTypeList):
    """https://api-reference.shutterstock.com/#images-list-image-collections"""

    name = "shutterstock_media_collections"
    path = "/v2/{media_path}/collections"
    scope = "collections.view"
    max_page_size = COLLECTIONS_PAGE_SIZE
    timestamp_fields = ("created_time", "updated_time", "items_updated_time")

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        assert context is not None  # partitioned by media type
        items_at, updated_at = record.get("items_updated_time"), record.get("updated_time")
        return {
            "media_path": context["media_path"],
            "media_type": context["media_type"],
            "collection_id": record["id"],
            # The latest change (UTC strings compare as times). Without items_updated_time
            # a change to the items cannot show ("Collections"): None, read every time.
            "changed_at": max(items_at, updated_at or items_at) if items_at else None,
            "total_item_count": record.get("total_item_count"),
        }


class MediaCollectionItems(ShutterstockStream):
    """https://api-reference.shutterstock.com/#images-get-the-contents-of-image-collections

    Items have no time filter: a collection's items are read only when it changed since
    the last sync ("Collections and their items" in docs/providers/shutterstock.md).
    """

    name = "shutterstock_media_collection_items"
    path = "/v2/{media_path}/collections/{collection_id}/items"
    primary_keys = ["media_type", "collection_id", "id"]
    parent_stream_type = MediaCollections
    scope = "collections.view"
    max_page_size = COLLECTIONS_PAGE_SIZE
    paging = Paging(TotalCountPaginator)
    timestamp_fields = ("added_time",)
    #: State: per media type, the latest collection change time seen by the last full run.
    MARKS = "changed_since"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: This run's latest change time per media type, written to state at the end.
        self._latest: dict[str, str] = {}

    def _marks(self) -> dict[str, Any]:
        marks = self.get_context_state(None).get(self.MARKS)
        return marks if isinstance(marks, dict) else {}

    @override
    def applies_to(self, context: Context) -> bool:
        if context.get("total_item_count") == 0:
            return False  # an empty collection: nothing to ask for
        changed_at = context.get("changed_at")
        mark = self._marks().get(context["media_type"])
        # No items time (older audio collections): a change cannot show, so read. At the
        # mark too: a change in the same second as the last run's latest must not be lost.
        return changed_at is None or mark is None or changed_at >= mark

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        yield from super().get_records(context)
        changed_at = context.get("changed_at") if context else None
        if context and changed_at:
            media_type = context["media_type"]
            self._latest[media_type] = max(self._latest.get(media_type, ""), changed_at)

    @override
    def finalize_state_progress_markers(self, state: dict[str, Any] | None = None) -> None:
        # The marks move only once every collection of the run was handled: collections
        # come in no time order, so a mark written midway could skip one after a crash.
        if not state and self._latest and self._not_entitled is None:
            self.get_context_state(None)[self.MARKS] = {**self._marks(), **self._latest}
            self._latest = {}
        super().finalize_state_progress_markers(state)

    @override
    def add_context(self, record: dict[str, Any], context: Context | None) -> None:
        super().add_context(record, context)
        if context:
            # The key is the collection's media type, whatever the item says ("Collections").
            record["media_type"] = context["media_type"]


class AudioTaxonomies(ShutterstockStream):
    """https://api-reference.shutterstock.com/#audio-list-audio-genres

    Lists of strings: one record per string ("Audio taxonomies").
    """

    name = "shutterstock_audio_taxonomies"
    path = "/v2/audio/{taxonomy}"
    primary_keys = ["taxonomy", "name"]
    partitions_over = PartitionsOver("taxonomy", AUDIO_TAXONOMIES)
    paging = NO_PAGING

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        body = json_body(response)
        names = body.get("data") if isinstance(body, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ProviderAPIError(
                f"{self.log_prefix}: expected a list of strings in 'data' from "
                f"{redact_url(response.url)}"
            )
        return [{"name": name} for name in names]


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
    # Per-application limits are not published ("Rate limits"): stay conservative.
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
            description=(
                "Media types read by search, licenses and collections: images, videos, audio."
            ),
        ),
    ),
    required=("access_token",),
    authenticator=_authenticator,
    streams=(
        MediaCategories,
        MediaSearch,
        User,
        MediaLicenses,
        UserSubscriptions,
        MediaCollections,
        MediaCollectionItems,
        AudioTaxonomies,
    ),
    # /v2/user: the strictest check of the token (Basic app credentials pass the category
    # and search endpoints, only a user's OAuth token passes this, "Authentication"), then
    # the token's scopes. A token that fails here would fail the default sync too.
    probe_stream=User,
    checks=(_check_media_types,),
)
