"""Mux Video (api-reference.md §1): Basic auth, page/limit paging, unix-second timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import typing as th
from singer_sdk.authenticators import BasicAuthenticator
from typing_extensions import override

from tap_media_apis.core.masks import Mask, url_without_credentials
from tap_media_apis.core.paging import CursorPaginator, Paging
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: Largest ``limit`` Mux accepts (§1 Pagination); a larger page size would end paging early.
MAX_PAGE_SIZE = 100


class MuxStream(ProviderStream):
    provider_name = "mux"
    primary_keys = ("id",)
    # created_at / updated_at arrive as strings of unix seconds (§1 "Timestamps").
    timestamp_fields = ("created_at", "updated_at")


class NextCursorPaginator(CursorPaginator):
    """List Assets' cursor mode (§1 Pagination): ``limit`` + ``cursor`` from ``next_cursor``.

    A null ``next_cursor`` ends the list, and so does a short page: no request is made
    past the end.
    """

    cursor_field = "next_cursor"
    cursor_param = "cursor"


class PlaybackParentStream(MuxStream):
    """Assets and live streams: their ``playback_ids`` are the playbacks stream's records."""

    #: ``object.type`` of the playback IDs this parent owns (§1.3).
    object_type: ClassVar[str]
    # The derived playbacks stream has no replication key: it gets every parent's
    # playback ids on every run (the scan is full anyway: §1 has no server-side filter).
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
    name = "mux_video_assets"
    path = "/video/v1/assets"
    replication_key = "created_at"
    object_type = "asset"
    # Mux calls cursors more reliable than pages for large collections (§1).
    paging = Paging(NextCursorPaginator)


class VideoLiveStreams(PlaybackParentStream):
    name = "mux_video_live_streams"
    path = "/video/v1/live-streams"
    replication_key = "created_at"
    object_type = "live_stream"

    # Anyone holding these can broadcast to the stream (§1.2): never in records. A
    # simulcast URL loses its query (an SRT URL carries streamid and passphrase there).
    masks = (
        Mask("stream_key"),
        Mask("srt_passphrase"),
        Mask("simulcast_targets[].stream_key"),
        Mask("simulcast_targets[].url", hide=url_without_credentials),
    )


class VideoPlaybacks(MuxStream):
    """What ``GET /video/v1/playback-ids/{id}`` returns, derived without that request.

    The parents' ``playback_ids`` already hold id and policy, and the parent is the
    ``object`` (design.md contract; §1.3): deriving saves one request per playback id.
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


class SystemSigningKeys(MuxStream):
    name = "mux_system_signing_keys"
    path = "/system/v1/signing-keys"
    replication_key = "created_at"


class VideoPlaybackRestrictions(MuxStream):
    name = "mux_video_playback_restrictions"
    path = "/video/v1/playback-restrictions"
    replication_key = "updated_at"


class VideoTranscriptionVocabularies(MuxStream):
    name = "mux_video_transcription_vocabularies"
    path = "/video/v1/transcription-vocabularies"
    replication_key = "updated_at"


class VideoUploads(MuxStream):
    # No timestamp at all (§1.7): full table.
    name = "mux_video_uploads"
    path = "/video/v1/uploads"


class VideoSigningKeys(MuxStream):
    # Deprecated upstream in favour of /system/v1/signing-keys (§1.8).
    name = "mux_video_signing_keys"
    path = "/video/v1/signing-keys"
    replication_key = "created_at"


def _authenticator(runtime: ProviderRuntime) -> BasicAuthenticator:
    return BasicAuthenticator(
        username=runtime.setting("token_id"), password=runtime.setting("token_secret")
    )


PROVIDER = Provider(
    name="mux",
    title="Mux Video",
    tap_name="tap-mux",
    base_url="https://api.mux.com",
    requests_per_second=5,
    page_size=MAX_PAGE_SIZE,
    settings=(
        th.Property("token_id", th.StringType, description="Access Token ID."),
        th.Property("token_secret", th.StringType, secret=True, description="Access Token secret."),
    ),
    required=("token_id", "token_secret"),
    authenticator=_authenticator,
    streams=(
        VideoAssets,
        VideoLiveStreams,
        VideoPlaybacks,
        SystemSigningKeys,
        VideoPlaybackRestrictions,
        VideoTranscriptionVocabularies,
        VideoUploads,
        VideoSigningKeys,
    ),
    probe_stream=VideoAssets,
)
