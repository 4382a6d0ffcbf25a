"""100ms: minted management tokens, `last`/`start` paging, maps as records, masked secrets.

Facts and their vendor sources: docs/providers/hms.md, "API facts". Two things the
original config got wrong shape this module: `peers` and template destinations are maps
keyed by id, not lists (they become one record per entry), and analytics events need the
room's id, so they are a child of rooms.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from jwt.algorithms import HMACAlgorithm
from singer_sdk import typing as th
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from tap_media_apis.core.answers import Tolerated, is_json_answer
from tap_media_apis.core.auth import RefreshingTokenAuth
from tap_media_apis.core.masks import MASKED, Mask, rtmp_url_without_key, url_without_credentials
from tap_media_apis.core.paging import CursorPaginator, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.provider import Provider, ProviderRuntime, RequestAuth
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: The sample code mints 24-hour tokens (docs/providers/hms.md, "Base URL and auth").
DEFAULT_TOKEN_LIFETIME = 86_400
#: List endpoints accept limit 10..100 (docs/providers/hms.md, "Pagination").
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100
#: Go's zero time: "never set", e.g. a never-updated room's updated_at (hms.md, "Timestamps").
ZERO_TIME_PREFIX = "0001-01-01"
#: The recording bucket's secret key in template settings: the customer's storage
#: credentials (hms.md, "Template settings"); the secret half never goes into a record.
STORAGE_SECRET = "recording.upload.credentials.secretKey"


def stream_key_masked(url: Any) -> Any:
    """An RTMP URL with its stream key masked: host and application path stay.

    An RTMP URL is the server URL plus the stream key (docs/providers/hms.md, "RTMP
    URLs"): ``rtmp://a.rtmp.youtube.com/live2/<key>`` → ``…/live2/REDACTED``. A URL with
    no application path (``rtmp://host/<key>``) or no URL at all is masked whole.
    """
    masked = rtmp_url_without_key(url)
    if not isinstance(masked, str):
        return masked
    parts = urlsplit(masked)
    if parts.path.strip("/") and not parts.path.endswith(f"/{MASKED}"):
        return urlunsplit((parts.scheme, parts.netloc, f"/{MASKED}", "", ""))
    return masked


def masked_value(value: Any) -> str:
    return MASKED


class StartCursorPaginator(CursorPaginator):
    """``limit``/``start`` paging: ``start`` is the previous page's ``last`` (hms.md, "Pagination").

    The end is a short or empty page or an empty/missing ``last``, the official SDK's rule:
    stopping on ``last`` alone (as the original config does) costs one request more.
    """

    cursor_field = "last"
    cursor_param = "start"


class NextCursorPaginator(CursorPaginator):
    """Analytics events: ``next`` goes back as ``start``, present only while more remain."""

    cursor_field = "next"
    cursor_param = "start"


def both_values_of(flag: str) -> PartitionsOver:
    """A boolean list filter whose documented default hides part of the data: the list
    is read once per value (true first, so a record that flips mid-run is seen twice
    rather than never)."""
    return PartitionsOver(flag, (True, False))


class HmsStream(ProviderStream):
    provider_name = "hms"
    primary_keys = ["id"]
    paging = Paging(StartCursorPaginator)

    @override
    def shape_record(self, record: dict[str, Any]) -> dict[str, Any]:
        shaped = super().shape_record(record)
        # Go's zero time stands for "not set": null, not the year 1.
        for name in self.timestamp_fields:
            if str(shaped.get(name) or "").startswith(ZERO_TIME_PREFIX):
                shaped[name] = None
        return shaped


class Rooms(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/Rooms/list-rooms"""

    name = "hms_rooms"
    path = "/v2/rooms"
    replication_key = "updated_at"
    timestamp_fields = ("created_at",)
    # The docs give `enabled` a default of true (hms.md, "Rooms"): disabled rooms would vanish.
    partitions_over = both_values_of("enabled")
    context_params = ("enabled",)
    # Events arrive without the room's updated_at moving.
    children_follow_old_records = True
    # A room's own bucket secret (the update-room answer echoes it) and its webhook
    # headers, which usually carry the receiver's token (hms.md, "Rooms").
    masks = (
        Mask("recording_info.upload_info.credentials.secret"),
        Mask("recording_info.upload_info.credentials.secretKey", remove=True),
        Mask("webhook.headers{}", hide=masked_value),
    )

    @override
    def shape_record(self, record: dict[str, Any]) -> dict[str, Any]:
        # A never-updated room says 0001-01-01T00:00:00Z: it would sort before every
        # bookmark, so it is dated (and bookmarked) by its creation instead.
        updated = record.get("updated_at")
        if not updated or str(updated).startswith(ZERO_TIME_PREFIX):
            record = {**record, "updated_at": record.get("created_at")}
        return super().shape_record(record)

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        return {"room_id": record["id"]}


class Sessions(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/Sessions/list-sessions"""

    name = "hms_sessions"
    path = "/v2/sessions"
    replication_key = "updated_at"
    timestamp_fields = ("created_at", "ended_at")
    # The docs say `active` defaults to true, yet their example lists ended sessions
    # (hms.md, "Sessions"): asking for each value reads both kinds whatever the default.
    partitions_over = both_values_of("active")
    context_params = ("active",)
    # An active session's peers change without its updated_at moving.
    children_follow_old_records = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session_of_room: dict[str, str] = {}

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        """Two kinds of context, each taken by one child (``applies_to``).

        ``{"room_id"}`` for ActiveRoomPeers: only a room with an active session has peers,
        so its active sessions name the rooms to ask, once per room. ``{"session_id",
        "room_id", "peers"}`` for SessionPeers: the peers of a session this run emits, and
        of every active one (their peers come and go while updated_at may stay). Asked
        twice for the same record (fan-out, then the sync) it answers the same.
        """
        room_id: str | None = record.get("room_id")
        active = bool(record.get("active"))
        # Only an active session claims its room: the first one asks for the room's peers.
        claims = self._session_of_room.setdefault
        if active and room_id and claims(room_id, record["id"]) == record["id"]:
            yield {"room_id": room_id}
        start = self.bookmark(context)
        if isinstance(record.get("peers"), dict) and (
            active or start is None or self.is_new(record, start)
        ):
            yield {"session_id": record["id"], "room_id": room_id, "peers": record["peers"]}


class SessionPeers(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/Sessions/object#peer-object

    Who attended which session: one record per entry of a session's ``peers`` map
    (hms.md, "Session peers"), made from the session record, no request of its own.
    """

    name = "hms_session_peers"
    parent_stream_type = Sessions
    primary_keys = ["session_id", "id"]
    derived_from_parent = True
    # A peer still in an active session: left_at absent, empty or Go's zero time, all null.
    timestamp_fields = ("joined_at", "left_at")

    @override
    def applies_to(self, context: Context) -> bool:
        return "peers" in context

    @override
    def records_from_parent(self, context: Context) -> Iterable[dict[str, Any]]:
        for peer_id, peer in context["peers"].items():
            if isinstance(peer, dict):
                yield {
                    **peer,
                    "id": peer.get("id") or peer_id,
                    "session_id": peer.get("session_id") or context["session_id"],
                    # Always a column: null while the peer is (as far as we know) still in.
                    "left_at": peer.get("left_at"),
                }


class ActiveRoomPeers(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/active-rooms/list-peers"""

    name = "hms_active_room_peers"
    path = "/v2/active-rooms/{room_id}/peers"
    parent_stream_type = Sessions
    primary_keys = ["room_id", "id"]
    # {"peers": {<peer_id>: {...}}}: one map, not paginated (hms.md, "Active-room peers").
    records_key = "peers"
    single_record = True
    # The session may end between the list and this call: then there is nothing to list
    # (the API's own JSON 404; an HTML 404 from a proxy or a wrong base_url still fails).
    tolerated = (Tolerated(404, when=is_json_answer),)
    timestamp_fields = ("joined_at",)

    @override
    def applies_to(self, context: Context) -> bool:
        return "peers" not in context

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        return [
            {**peer, "id": peer.get("id") or peer_id}
            for peers in super().records_in(response)
            for peer_id, peer in peers.items()
            if isinstance(peer, dict)
        ]


class AnalyticsEvents(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/analytics/overview"""

    name = "hms_analytics_events"
    path = "/v2/analytics/events"
    parent_stream_type = Rooms
    records_key = "events"
    # No server-side time filter (hms.md, "Analytics events"): the bookmark is applied on
    # the client.
    replication_key = "timestamp"
    # room_id is required on every request, later pages included.
    context_params = ("room_id",)
    paging = Paging(NextCursorPaginator, short_page_ends=False)
    # A recording event's RTMP targets carry stream keys; its download links are signed.
    masks = (
        Mask("data.rtmp[].url", hide=stream_key_masked),
        Mask("data.recording_presigned_url", hide=url_without_credentials),
        Mask("data.location", hide=url_without_credentials),
    )


class Templates(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/policy/list-templates"""

    name = "hms_templates"
    path = "/v2/templates"
    replication_key = "updatedAt"
    timestamp_fields = ("createdAt",)
    masks = (
        Mask(f"settings.{STORAGE_SECRET}", remove=True),
        Mask("destinations.rtmpDestinations{}.rtmpUrls[]", hide=stream_key_masked),
    )

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        return {"template_id": record["id"]}


class TemplateSettings(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/policy/retrieve-settings"""

    name = "hms_template_settings"
    path = "/v2/templates/{template_id}/settings"
    parent_stream_type = Templates
    primary_keys = ["template_id"]
    # A bare object, not paginated (hms.md, "Template settings").
    records_key = None
    single_record = True
    masks = (Mask(STORAGE_SECRET, remove=True),)


class TemplateDestinations(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/policy/retrieve-destinations"""

    name = "hms_template_destinations"
    path = "/v2/templates/{template_id}/destinations"
    parent_stream_type = Templates
    primary_keys = ["template_id", "destination_type", "destination_id"]
    # {<destination type>: {<name or id>: {...}}}, not paginated (hms.md, "Template
    # destinations"); every type is read, the deprecated browserRecordings included.
    records_key = None
    single_record = True
    masks = (Mask("rtmpUrls[]", hide=stream_key_masked),)

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        return [
            {**entry, "destination_type": kind, "destination_id": entry_id}
            for destinations in super().records_in(response)
            for kind, entries in destinations.items()
            if isinstance(entries, dict)
            for entry_id, entry in entries.items()
            if isinstance(entry, dict)
        ]


class BeamJobs(HmsStream):
    """Jobs of 100ms's composing browser ("beam"): recordings, live and external streams.

    They share their timestamps and move through the same statuses, so ``updated_at`` is
    their bookmark (hms.md, "Recordings", "Live streams"). No time filter and no
    documented order (hms.md, "Order of lists"): each list is read in full and filtered on
    the client.
    """

    replication_key = "updated_at"
    timestamp_fields = ("created_at", "started_at", "stopped_at")


class Recordings(BeamJobs):
    """https://www.100ms.live/docs/server-side/v2/api-reference/recordings/list-all-recordings"""

    name = "hms_recordings"
    path = "/v2/recordings"


class LiveStreams(BeamJobs):
    """https://www.100ms.live/docs/server-side/v2/api-reference/live-streams/list-all-live-streams"""

    name = "hms_live_streams"
    path = "/v2/live-streams"


class ExternalStreams(BeamJobs):
    """https://www.100ms.live/docs/server-side/v2/api-reference/external-streams/list-all-external-streams"""

    name = "hms_external_streams"
    path = "/v2/external-streams"
    masks = (Mask("rtmp_urls[]", hide=stream_key_masked),)


class RecordingAssets(HmsStream):
    """https://www.100ms.live/docs/server-side/v2/api-reference/recording-assets/list-all-assets

    Read in full and filtered on the client, like the beam jobs.
    """

    name = "hms_recording_assets"
    path = "/v2/recording-assets"
    # Final when listed (completed or failed): their creation is their bookmark.
    replication_key = "created_at"


class _QuietHS256(HMACAlgorithm):
    """HS256 without PyJWT's short-key warning on every token: 100ms issues the app
    secret, so its length is not the user's to choose."""

    def __init__(self) -> None:
        super().__init__(HMACAlgorithm.SHA256)

    @override
    def check_key_length(self, key: Any) -> str | None:
        return None


_JWS = jwt.PyJWS(algorithms=[])
_JWS.register_algorithm("HS256", _QuietHS256())


def mint_management_token(
    access_key: str, app_secret: str, lifetime: int, *, now: float | None = None
) -> str:
    """A management token: an HS256 JWT with the payload of hms.md, "Base URL and auth"."""
    issued = int(time.time() if now is None else now)
    payload = {
        "access_key": access_key,
        "type": "management",
        "version": 2,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime,
        "jti": str(uuid.uuid4()),
    }
    return _JWS.encode(json.dumps(payload, separators=(",", ":")).encode(), app_secret, "HS256")


class ManagementTokenAuth(RefreshingTokenAuth):
    """Mints management tokens from the app key and secret (hms.md, "Base URL and auth").

    Dashboard tokens expire within 14 days; minted ones are renewed before they expire
    and once after a 401, so a run never depends on a token someone must rotate.
    """

    def __init__(self, access_key: str, app_secret: str, lifetime: int) -> None:
        super().__init__()
        self._access_key = access_key
        self._app_secret = app_secret
        self._lifetime = lifetime

    @override
    def issue_token(self) -> tuple[str, float | None]:
        token = mint_management_token(self._access_key, self._app_secret, self._lifetime)
        return token, float(self._lifetime)


def _minting(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("app_access_key") and settings.get("app_secret"))


def _authenticator(runtime: ProviderRuntime) -> RequestAuth:
    if _minting(runtime.provider_config):
        return ManagementTokenAuth(
            runtime.setting("app_access_key"),
            runtime.setting("app_secret"),
            int(runtime.setting("token_lifetime_seconds") or DEFAULT_TOKEN_LIFETIME),
        )
    # A static token cannot be renewed: a 401 is final.
    return BearerTokenAuthenticator(token=runtime.setting("management_token"))


def _check_credentials(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    if _minting(settings) or settings.get("management_token"):
        return None
    if settings.get("app_access_key") or settings.get("app_secret"):
        pair = ("app_access_key", "app_secret")
        have, missing = pair if settings.get("app_access_key") else pair[::-1]
        return f"hms.{missing} is required with hms.{have} (or set hms.management_token)"
    return (
        "hms needs credentials: set hms.app_access_key and hms.app_secret (preferred: the tap "
        "mints its own tokens) or hms.management_token"
    )


def _check_token_lifetime(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    lifetime = settings.get("token_lifetime_seconds")
    if lifetime is not None and not (_is_int(lifetime) and lifetime > 0):
        return "hms.token_lifetime_seconds must be a positive number of seconds"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


PROVIDER = Provider(
    name="hms",
    title="100ms",
    tap_name="tap-100ms",
    base_url="https://api.100ms.live",
    # No general limit is published (hms.md, "Rate limits"): stay conservative.
    requests_per_second=10,
    page_size=MAX_PAGE_SIZE,
    min_page_size=MIN_PAGE_SIZE,
    settings=(
        th.Property(
            "management_token",
            th.StringType,
            secret=True,
            description="Static management token (expires in 7-14 days; cannot be renewed).",
        ),
        th.Property(
            "app_access_key",
            th.StringType,
            description="App access key: with app_secret, the tap mints its own tokens.",
        ),
        th.Property(
            "app_secret",
            th.StringType,
            secret=True,
            description="App secret used to sign minted tokens.",
        ),
        th.Property(
            "token_lifetime_seconds",
            th.IntegerType,
            default=DEFAULT_TOKEN_LIFETIME,
            description="Lifetime of minted tokens; a new one is minted before expiry.",
        ),
    ),
    required=(),
    authenticator=_authenticator,
    streams=(
        Rooms,
        Sessions,
        SessionPeers,
        ActiveRoomPeers,
        AnalyticsEvents,
        Templates,
        TemplateSettings,
        TemplateDestinations,
        Recordings,
        RecordingAssets,
        LiveStreams,
        ExternalStreams,
    ),
    # One page of rooms: the cheapest authenticated list.
    probe_stream=Rooms,
    checks=(_check_credentials, _check_token_lifetime),
)
