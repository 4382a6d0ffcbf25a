"""100ms (api-reference.md §4): minted management tokens, `last`/`start` paging, maps as records.

Two things the original config got wrong shape this module: `peers` and template
destinations are maps keyed by id, not lists (they become one record per entry), and
analytics events need the room's id, so they are a child of rooms (§4 "Where the original
config is wrong").
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import jwt
import requests
from jwt.algorithms import HMACAlgorithm
from singer_sdk import typing as th
from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from tap_media_apis.core.answers import Tolerated, is_json_answer
from tap_media_apis.core.auth import RefreshingTokenAuth
from tap_media_apis.core.masks import Mask
from tap_media_apis.core.paging import CursorPaginator, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.provider import Provider, ProviderRuntime, RequestAuth
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: The sample code of §4 "Auth" mints 24-hour tokens.
DEFAULT_TOKEN_LIFETIME = 86_400
#: List endpoints accept limit 10..100 (§4 "List pagination").
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100
#: Go's zero time: what a never-updated room says in updated_at (§4.2).
ZERO_TIME_PREFIX = "0001-01-01"
#: The recording bucket's secret key in template settings: the customer's storage
#: credentials (§4.4, create-template-via-api); the secret half never goes into a record.
STORAGE_SECRET = "recording.upload.credentials.secretKey"


class StartCursorPaginator(CursorPaginator):
    """``limit``/``start`` paging: ``start`` is the previous page's ``last`` (§4 "List pagination").

    The end is a short or empty page or an empty/missing ``last``, the official SDK's rule:
    stopping on ``last`` alone (as the original config does) costs one request more.
    """

    cursor_field = "last"
    cursor_param = "start"


class NextCursorPaginator(CursorPaginator):
    """Analytics events: ``next`` goes back as ``start``; present only while more remain (§4.7)."""

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
        # Go's zero time stands for "not set" (§4.2): null, not the year 1.
        for name in self.timestamp_fields:
            if str(shaped.get(name) or "").startswith(ZERO_TIME_PREFIX):
                shaped[name] = None
        return shaped


class Rooms(HmsStream):
    name = "hms_rooms"
    path = "/v2/rooms"
    replication_key = "updated_at"
    timestamp_fields = ("created_at",)
    # The docs give `enabled` a default of true (§4.2 list-rooms): disabled rooms would vanish.
    partitions_over = both_values_of("enabled")
    context_params = ("enabled",)
    # Events arrive without the room's updated_at moving (§4.7).
    children_follow_old_records = True

    @override
    def shape_record(self, record: dict[str, Any]) -> dict[str, Any]:
        # A never-updated room says 0001-01-01T00:00:00Z (§4.2): it would sort before every
        # bookmark, so it is dated (and bookmarked) by its creation instead.
        updated = record.get("updated_at")
        if not updated or str(updated).startswith(ZERO_TIME_PREFIX):
            record = {**record, "updated_at": record.get("created_at")}
        return super().shape_record(record)

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        return {"room_id": record["id"]}


class Sessions(HmsStream):
    name = "hms_sessions"
    path = "/v2/sessions"
    replication_key = "updated_at"
    timestamp_fields = ("created_at", "ended_at")
    # The docs say `active` defaults to true, yet their example lists ended sessions (§4.1):
    # asking for each value reads both kinds whatever the real default is.
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
        # Only a room with an active session has peers (§4.3): its active sessions name the
        # rooms to ask, once each, instead of one request per room of the account. Asked
        # twice for the same record (fan-out, then the sync) it answers the same.
        room_id = record.get("room_id")
        if not record.get("active") or not room_id:
            return
        if self._session_of_room.setdefault(room_id, record["id"]) == record["id"]:
            yield {"room_id": room_id}


class ActiveRoomPeers(HmsStream):
    name = "hms_active_room_peers"
    path = "/v2/active-rooms/{room_id}/peers"
    parent_stream_type = Sessions
    primary_keys = ["room_id", "id"]
    # {"peers": {<peer_id>: {...}}}: one map, not paginated (§4.3).
    records_key = "peers"
    single_record = True
    # The session may end between the list and this call: then there is nothing to list
    # (the API's own JSON 404; an HTML 404 from a proxy or a wrong base_url still fails).
    tolerated = (Tolerated(404, when=is_json_answer),)
    timestamp_fields = ("joined_at",)

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        return [
            {**peer, "id": peer.get("id") or peer_id}
            for peers in super().records_in(response)
            for peer_id, peer in peers.items()
            if isinstance(peer, dict)
        ]


class AnalyticsEvents(HmsStream):
    name = "hms_analytics_events"
    path = "/v2/analytics/events"
    parent_stream_type = Rooms
    records_key = "events"
    # No server-side time filter (§4.7): the bookmark is applied on the client.
    replication_key = "timestamp"
    # room_id is required on every request, later pages included (§4.7).
    context_params = ("room_id",)
    paging = Paging(NextCursorPaginator, short_page_ends=False)


class Templates(HmsStream):
    name = "hms_templates"
    path = "/v2/templates"
    replication_key = "updatedAt"
    timestamp_fields = ("createdAt",)
    masks = (Mask(f"settings.{STORAGE_SECRET}", remove=True),)

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        return {"template_id": record["id"]}


class TemplateSettings(HmsStream):
    name = "hms_template_settings"
    path = "/v2/templates/{template_id}/settings"
    parent_stream_type = Templates
    primary_keys = ["template_id"]
    # A bare object, not paginated (§4.5).
    records_key = None
    single_record = True
    masks = (Mask(STORAGE_SECRET, remove=True),)


class TemplateDestinations(HmsStream):
    name = "hms_template_destinations"
    path = "/v2/templates/{template_id}/destinations"
    parent_stream_type = Templates
    primary_keys = ["template_id", "destination_type", "destination_id"]
    # {<destination type>: {<name or id>: {...}}}, not paginated (§4.6); every type is
    # read, the deprecated browserRecordings included.
    records_key = None
    single_record = True

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


class Recordings(HmsStream):
    name = "hms_recordings"
    path = "/v2/recordings"
    replication_key = "updated_at"
    timestamp_fields = ("created_at", "started_at", "stopped_at")


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
    """A management token: an HS256 JWT with the payload of §4 "Auth"."""
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
    """Mints management tokens from the app key and secret (§4 "Auth").

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
    # No general limit is published (§4 "Base, auth, limits"): stay conservative.
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
        ActiveRoomPeers,
        AnalyticsEvents,
        Templates,
        TemplateSettings,
        TemplateDestinations,
        Recordings,
    ),
    # One page of rooms: the cheapest authenticated list.
    probe_stream=Rooms,
    checks=(_check_credentials, _check_token_lifetime),
)
