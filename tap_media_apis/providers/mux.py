"""Mux Video, Mux Data and delivery usage: Basic auth, page/limit paging, closed windows.

Facts and their vendor sources: docs/providers/mux.md, "API facts".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import BasicAuthenticator
from typing_extensions import override

from tap_media_apis.core import windows
from tap_media_apis.core.answers import Entitlement, is_json_answer
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.masks import Mask, url_without_credentials
from tap_media_apis.core.paging import (
    NO_PAGING,
    CursorPaginator,
    PageNumberLimitPaginator,
    Paging,
)
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.reading import Page
from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.core.timestamps import parse_rfc3339, to_rfc3339
from tap_media_apis.core.windows import DAY, Window, closed_days, next_day_start, spans

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: Largest ``limit`` Mux accepts (docs/providers/mux.md, "Pagination"); a larger page size
#: would end paging early. Data lists document no maximum: they get the same.
MAX_PAGE_SIZE = 100
#: A view can still change until 60 minutes after its last activity (docs/providers/mux.md,
#: "Video views"): views are read up to an hour before now, and each sync reads again the
#: hour before its bookmark.
VIEW_LAG = timedelta(hours=1)
VIEW_LOOKBACK = timedelta(hours=1)
#: Views are read in windows of at most a week: a long backfill is not one deep offset
#: list, and a regular sync (more often than weekly) is one window.
VIEW_SPAN = timedelta(days=7)
#: An error row aggregates the views of its window: a day is closed once its views are.
ERROR_LAG = VIEW_LAG
#: Delivery usage can be asked for within the last 90 days, ending 12 hours ago at the
#: latest (docs/providers/mux.md, "Delivery usage").
USAGE_LAG = timedelta(hours=12)
USAGE_REACH = timedelta(days=90)
DEFAULT_BACKFILL_DAYS = 30


class MuxStream(ProviderStream):
    provider_name = "mux"
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    # created_at / updated_at arrive as strings of unix seconds (docs/providers/mux.md,
    # "Timestamps").
    timestamp_fields: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")


class NextCursorPaginator(CursorPaginator):
    """List Assets' cursor mode (docs/providers/mux.md, "Pagination"): ``limit`` and
    ``cursor`` from ``next_cursor``.

    A null ``next_cursor`` ends the list, and so does a short page: no request is made
    past the end.
    """

    cursor_field = "next_cursor"
    cursor_param = "cursor"


class PlaybackParentStream(MuxStream):
    """Assets and live streams: their ``playback_ids`` are the playbacks stream's records."""

    #: ``object.type`` of the playback IDs this parent owns (``PlaybackIdsRetrieveResponse``).
    object_type: ClassVar[str]
    # The derived playbacks stream has no replication key: it gets every parent's
    # playback ids on every run (the scan is full anyway: Video lists have no time filter).
    children_follow_old_records = True

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # Nothing to derive from a parent without playback ids; yielding no context
        # (rather than None) also spares the SDK's "context is null" warning.
        playback_ids = record.get("playback_ids")
        if playback_ids:
            yield {
                "object_type": self.object_type,
                "object_id": record["id"],
                "playback_ids": playback_ids,
            }


class VideoAssets(PlaybackParentStream):
    """https://www.mux.com/docs/api-reference/video/assets/list-assets"""

    name = "mux_video_assets"
    path = "/video/v1/assets"
    replication_key = "created_at"
    object_type = "asset"
    # Mux calls cursors more reliable than pages for large collections ("Pagination").
    paging = Paging(NextCursorPaginator)


class VideoLiveStreams(PlaybackParentStream):
    """https://www.mux.com/docs/api-reference/video/live-streams/list-live-streams"""

    name = "mux_video_live_streams"
    path = "/video/v1/live-streams"
    replication_key = "created_at"
    object_type = "live_stream"

    # Anyone holding these can broadcast to the stream ("Live streams"): never in records. A
    # simulcast URL loses its query (an SRT URL carries streamid and passphrase there).
    masks = (
        Mask("stream_key"),
        Mask("srt_passphrase"),
        Mask("simulcast_targets[].stream_key"),
        Mask("simulcast_targets[].url", hide=url_without_credentials),
    )


class VideoPlaybacks(MuxStream):
    """What ``GET /video/v1/playback-ids/{id}`` returns, derived without that request.

    https://www.mux.com/docs/api-reference/video/playback-id/get-asset-or-livestream-id:
    the parents' ``playback_ids`` already hold id and policy, and the parent is the
    ``object``; deriving saves one request per playback id.
    """

    name = "mux_video_playbacks"
    parent_stream_type = VideoAssets
    extra_parent_stream_types = (VideoLiveStreams,)
    derived_from_parent = True

    @override
    def records_from_parent(self, context: Context) -> Iterable[dict[str, Any]]:
        owner = {"type": context["object_type"], "id": context["object_id"]}
        for playback in context["playback_ids"]:
            yield {**playback, "object": owner}


class SigningKeyStream(MuxStream):
    # The private key is only ever in the answer that creates a key ("Signing keys");
    # should a list carry it, it never reaches a table.
    masks = (Mask("private_key"),)


class SystemSigningKeys(SigningKeyStream):
    """https://www.mux.com/docs/api-reference/system/signing-keys/list-signing-keys"""

    name = "mux_system_signing_keys"
    path = "/system/v1/signing-keys"
    replication_key = "created_at"


class VideoPlaybackRestrictions(MuxStream):
    """https://www.mux.com/docs/api-reference/video/playback-restrictions/list-playback-restrictions"""

    name = "mux_video_playback_restrictions"
    path = "/video/v1/playback-restrictions"
    replication_key = "updated_at"


class VideoTranscriptionVocabularies(MuxStream):
    """https://www.mux.com/docs/api-reference/video/transcription-vocabularies/list-transcription-vocabularies"""

    name = "mux_video_transcription_vocabularies"
    path = "/video/v1/transcription-vocabularies"
    replication_key = "updated_at"


class VideoUploads(MuxStream):
    """https://www.mux.com/docs/api-reference/video/direct-uploads/list-direct-uploads"""

    # No timestamp at all: full table.
    name = "mux_video_uploads"
    path = "/video/v1/uploads"
    # A signed PUT URL anyone can upload through until it times out ("Direct uploads"):
    # kept without its query, where the signature is.
    masks = (Mask("url", hide=url_without_credentials),)


class VideoSigningKeys(SigningKeyStream):
    """https://www.mux.com/docs/api-reference/video/url-signing-keys/list-url-signing-keys"""

    # Deprecated upstream in favour of /system/v1/signing-keys ("Signing keys").
    name = "mux_video_signing_keys"
    path = "/video/v1/signing-keys"
    replication_key = "created_at"


# -- Mux Data and delivery usage: lists read in closed time windows -----------------------


class TotalRowsPaginator(PageNumberLimitPaginator):
    """``page``/``limit`` that also stops once ``total_row_count`` rows are read.

    Data lists and delivery usage carry the window's row count in the envelope
    ("Envelopes"): a list that ends on a full page costs no extra, empty request.
    """

    @override
    def has_more(self, response: requests.Response) -> bool:
        if not super().has_more(response):
            return False
        body = json_body(response)
        total = body.get("total_row_count") if isinstance(body, dict) else None
        return not isinstance(total, int) or self.current_value * self.page_size < total


TOTAL_ROWS_PAGING = Paging(TotalRowsPaginator)
#: A token without the Mux Data permission, or a plan without the feature, gets 404 with
#: Mux's own JSON error on the Data lists ("Entitlement").
MUX_DATA = Entitlement(
    needs="the Mux Data permission (or a plan with this Mux Data feature)",
    statuses=frozenset({404}),
    when=is_json_answer,
)


class WindowedStream(MuxStream):
    """A list filtered by ``timeframe[]`` (bracket keys, two epoch seconds), read in closed
    windows (core/windows.py) from the bookmark or the backfill.

    The server filters, so records are not filtered again against the bookmark; after the
    last window the bookmark moves past it even when it held no rows, so a closed window
    is never asked for again.
    """

    context_params = ("timeframe[]",)
    paging = TOTAL_ROWS_PAGING
    #: Rows carry the window the answer echoes (``window_start``, ``window_end``).
    stamps_window: ClassVar[bool] = False

    def windows(self, now: datetime, bookmark: datetime | None) -> list[Window]:
        """The windows this sync reads, oldest first."""
        raise NotImplementedError

    def bookmark_after(self, window: Window) -> datetime:
        """The replication-key value that says ``window`` (and all before it) was read."""
        raise NotImplementedError

    def first_start(self, now: datetime) -> datetime:
        """Where a first sync starts: ``start_date``, but at most the backfill back."""
        days = int(self.runtime.setting("backfill_days") or DEFAULT_BACKFILL_DAYS)
        earliest = windows.start_of_day(now) - timedelta(days=days)
        start_date = self.config.get("start_date")
        return max(earliest, parse_rfc3339(start_date)) if start_date else earliest

    def saved_bookmark(self, context: Context | None) -> datetime | None:
        value = self.get_context_state(context).get("replication_key_value")
        return parse_rfc3339(value) if value else None

    @override
    def bookmark(self, context: Context | None) -> str | None:
        return None  # the windows are the filter

    @override
    def pages_for(self, context: Context | None) -> Iterable[Page]:
        return self._window_pages(context)

    def _window_pages(self, context: Context | None) -> Iterator[Page]:
        todo = self.windows(windows.utc_now(), self.saved_bookmark(context))
        for window in todo:
            yield from self.request_pages({**(context or {}), "timeframe[]": window.epoch_seconds})
        if todo and self.replication_key:
            closed = {self.replication_key: to_rfc3339(self.bookmark_after(todo[-1]))}
            self.state_manager.increment_state(
                closed, context=context, replication_key=self.replication_key
            )

    @override
    def parse_response(self, response: requests.Response) -> Page:
        records = super().parse_response(response)
        if self.stamps_window and records:
            # The window the server used, as it echoes it ("Envelopes"); the one asked
            # for should an answer not echo it.
            body = json_body(response)
            echoed = body.get("timeframe") if isinstance(body, dict) else None
            if not (isinstance(echoed, list) and len(echoed) == 2):
                echoed = parse_qs(urlsplit(response.request.url or "").query)["timeframe[]"]
            start, end = (int(value) for value in echoed)
            stamp = {"window_start": to_rfc3339(start), "window_end": to_rfc3339(end)}
            for record in records:
                record.update(stamp)
        return records


class DailyWindowedStream(WindowedStream):
    """One window per closed UTC day; each row is an aggregate over its day."""

    replication_key = "window_start"
    stamps_window = True
    #: How long after its end a day's rows are final.
    lag: ClassVar[timedelta]

    @override
    def windows(self, now: datetime, bookmark: datetime | None) -> list[Window]:
        first = bookmark + DAY if bookmark else self.first_start(now)
        return closed_days(first, now, lag=self.lag)

    @override
    def bookmark_after(self, window: Window) -> datetime:
        return window.start


class DataVideoViews(WindowedStream):
    """https://www.mux.com/docs/api-reference/data/video-views/list-video-views"""

    name = "mux_data_video_views"
    path = "/data/v1/video-views"
    replication_key = "view_end"
    timestamp_fields = ("view_start",)
    # Ordered by view_end, the field timeframe filters on ("Video views").
    fixed_params = {"order_direction": "asc"}
    entitlement = MUX_DATA

    @override
    def windows(self, now: datetime, bookmark: datetime | None) -> list[Window]:
        start = bookmark - VIEW_LOOKBACK if bookmark else self.first_start(now)
        return spans(start, now - VIEW_LAG, longest=VIEW_SPAN)

    @override
    def bookmark_after(self, window: Window) -> datetime:
        return window.end


class DataErrors(DailyWindowedStream):
    """https://www.mux.com/docs/api-reference/data/errors/list-errors"""

    name = "mux_data_errors"
    path = "/data/v1/errors"
    primary_keys = ("id", "window_start")
    # `id` is the error type, Mux's classification, so two environments report the same
    # one for the same window ("Errors"): ``account`` joins the key.
    ids_unique_across_accounts = False
    timestamp_fields = ("last_seen", "window_end")
    # One answer holds every error type of the window ("Errors").
    paging = NO_PAGING
    lag = ERROR_LAG
    entitlement = MUX_DATA


class DataIncidents(MuxStream):
    """https://www.mux.com/docs/api-reference/data/incidents/list-incidents"""

    # No time filter and no updated_at ("Incidents"): the full table on every sync.
    name = "mux_data_incidents"
    path = "/data/v1/incidents"
    timestamp_fields = ("started_at", "resolved_at")
    paging = TOTAL_ROWS_PAGING
    entitlement = MUX_DATA


class VideoDeliveryUsage(DailyWindowedStream):
    """https://www.mux.com/docs/api-reference/video/delivery-usage/list-delivery-usage"""

    name = "mux_video_delivery_usage"
    path = "/video/v1/delivery-usage"
    primary_keys = ("asset_id", "window_start")
    timestamp_fields = ("created_at", "deleted_at", "window_end")
    lag = USAGE_LAG

    @override
    def windows(self, now: datetime, bookmark: datetime | None) -> list[Window]:
        # Never a window Mux no longer answers: the first whole day within 90 days.
        reach = next_day_start(now - USAGE_REACH)
        return [w for w in super().windows(now, bookmark) if w.start >= reach]


def _check_backfill_days(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    days = settings.get("backfill_days")
    if days is None or (isinstance(days, int) and not isinstance(days, bool) and days > 0):
        return None
    return "mux.backfill_days must be a positive number of days"


def _authenticator(runtime: ProviderRuntime) -> BasicAuthenticator:
    return BasicAuthenticator(
        username=runtime.setting("token_id"), password=runtime.setting("token_secret")
    )


PROVIDER = Provider(
    name="mux",
    title="Mux",
    tap_name="tap-mux",
    base_url="https://api.mux.com",
    requests_per_second=5,
    page_size=MAX_PAGE_SIZE,
    settings=(
        th.Property("token_id", th.StringType, description="Access Token ID."),
        th.Property("token_secret", th.StringType, secret=True, description="Access Token secret."),
        th.Property(
            "backfill_days",
            th.IntegerType,
            default=DEFAULT_BACKFILL_DAYS,
            description=(
                "How many days back the first sync of the time-windowed streams (Mux Data "
                "video views and errors, delivery usage) reads; start_date applies when "
                "later. Delivery usage never reaches past Mux's 90 days."
            ),
        ),
    ),
    required=("token_id", "token_secret"),
    authenticator=_authenticator,
    checks=(_check_backfill_days,),
    streams=(
        VideoAssets,
        VideoLiveStreams,
        VideoPlaybacks,
        SystemSigningKeys,
        VideoPlaybackRestrictions,
        VideoTranscriptionVocabularies,
        VideoUploads,
        VideoSigningKeys,
        DataVideoViews,
        DataErrors,
        DataIncidents,
        VideoDeliveryUsage,
    ),
    probe_stream=VideoAssets,
)
