"""Basecamp 4 (api-reference.md §5): OAuth2 refresh tokens, Link-header paging, top-level arrays."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk import typing as th
from typing_extensions import override

from tap_media_apis.core.answers import Tolerated
from tap_media_apis.core.auth import RefreshingTokenAuth, TokenRefused, TokenUnavailable
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import redact_url
from tap_media_apis.core.http_policy import (
    TRANSPORT_ERRORS,
    Verdict,
    classify,
    http_error_line,
    no_retry_can_help,
    transport_error_line,
)
from tap_media_apis.core.paging import LinkHeaderPaginator, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.settings import DEFAULT_USER_AGENT
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

LOGGER = logging.getLogger("tap-media-apis")
TOKEN_URL = "https://launchpad.37signals.com/authorization/token"
TOKEN_TIMEOUT_SECONDS = 60.0
CREDENTIAL_SETTINGS = "basecamp.client_id, basecamp.client_secret and basecamp.refresh_token"
#: "MyApp (yourname@example.com)" or a contact URL (§5 "Required User-Agent").
CONTACT = re.compile(r"[^\s@()<>]+@[^\s@()<>]+|https?://\S+", re.IGNORECASE)
#: §5.4: recordings default to status=active; these are all the statuses there are.
RECORDING_STATUSES = ("active", "archived", "trashed")
#: §5.4: the default sort is created_at, which is wrong for an updated_at bookmark.
NEWEST_UPDATED_FIRST = {"sort": "updated_at", "direction": "desc"}


# -- auth ---------------------------------------------------------------------------


class LaunchpadRefreshAuth(RefreshingTokenAuth):
    """The OAuth2 refresh_token grant against Launchpad (§5 "Token refresh").

    Access tokens last two weeks; the core renews one before it expires and once after a
    401. Whether Launchpad rotates refresh tokens is unconfirmed: a new one is kept.
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = TOKEN_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__()
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._seen_refresh_tokens = [refresh_token]
        self._user_agent = user_agent
        self._timeout = timeout
        self._session = requests.Session()

    @property
    @override
    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets, self._client_secret, *self._seen_refresh_tokens)

    @override
    def issue_token(self) -> tuple[str, float | None]:
        # Runs inside the stream's retried send: TokenUnavailable means "try again".
        try:
            response = self._session.post(
                self.token_url,
                data={
                    "grant_type": "refresh_token",
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                    "refresh_token": self._refresh_token,
                },
                headers={"User-Agent": self._user_agent, "Accept": "application/json"},
                timeout=self._timeout,
            )
        except TRANSPORT_ERRORS as exc:
            line = transport_error_line(
                "token refresh failed",
                exc,
                "POST",
                self.token_url,
                "basecamp.token_url",
                retried=False,  # not yet: the stream's send retries it
            )
            if no_retry_can_help(exc):  # a host that does not exist: retrying cannot help
                raise TokenRefused(line) from None
            raise TokenUnavailable(line) from None
        verdict = classify(response)
        if verdict is Verdict.RETRY:
            raise TokenUnavailable(http_error_line("token refresh failed", response), response)
        if verdict is not Verdict.OK:
            raise TokenRefused(
                http_error_line("token refresh failed", response, f"check {CREDENTIAL_SETTINGS}")
            )
        return self._read(response)

    def _read(self, response: requests.Response) -> tuple[str, float | None]:
        try:
            body = json_body(response)
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not token:
            raise TokenRefused(
                "token refresh failed: no access_token in the answer from POST "
                f"{redact_url(self.token_url)} (check basecamp.token_url)"
            )
        rotated = body.get("refresh_token")
        if rotated and rotated != self._refresh_token:
            self._refresh_token = str(rotated)
            self._seen_refresh_tokens.append(self._refresh_token)
            LOGGER.warning(
                "basecamp: Launchpad issued a new refresh token, used for the rest of this "
                "run; the stored basecamp.refresh_token may stop working: update it (if a "
                "later run fails with invalid_grant, authorize the app again and store its "
                "refresh token)"
            )
        expires_in = body.get("expires_in")
        return str(token), float(expires_in) if expires_in else None


def _authenticator(runtime: ProviderRuntime) -> LaunchpadRefreshAuth:
    return LaunchpadRefreshAuth(
        token_url=str(runtime.setting("token_url") or TOKEN_URL),
        client_id=str(runtime.setting("client_id")),
        client_secret=str(runtime.setting("client_secret")),
        refresh_token=str(runtime.setting("refresh_token")),
        # The run's top-level settings: Launchpad wants the contact too (§5).
        user_agent=str(runtime.tap_config.get("user_agent") or DEFAULT_USER_AGENT),
        timeout=float(runtime.tap_config.get("request_timeout") or TOKEN_TIMEOUT_SECONDS),
    )


def user_agent_has_contact(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """Basecamp answers 400 to a User-Agent without a contact (§5 "Required User-Agent")."""
    agent = str(config.get("user_agent") or DEFAULT_USER_AGENT)
    if CONTACT.search(agent):
        return None
    return (
        f"basecamp needs a contact in user_agent (it answers 400 without one): {agent!r} has "
        "no email or URL; set user_agent to your app and a contact, e.g. "
        "'acme-data (data@acme.example)'"
    )


# -- paging ---------------------------------------------------------------------------


class TotalCountLinkPaginator(LinkHeaderPaginator):
    """Link-header paging (§5 Pagination) that reports progress against X-Total-Count.

    Page sizes are geared (15/30/50/100) and cannot be set, so the next link is followed
    as-is until there is none.
    """

    def __init__(
        self,
        records_of: Callable[[requests.Response], list[Any]],
        report: Callable[[int, int], None],
    ) -> None:
        super().__init__()
        self._records_of = records_of
        self._report = report
        self.seen = 0

    @override
    def get_next_url(self, response: requests.Response) -> str | None:
        self.seen += len(self._records_of(response))
        total = response.headers.get("X-Total-Count", "")
        if total.isdigit():
            self._report(self.seen, int(total))
        return super().get_next_url(response)


@dataclass(frozen=True)
class ProgressLinkPaging(Paging):
    """Link-header paging that logs "<stream>: <seen> of <X-Total-Count>"."""

    paginator: Callable[..., Any] = TotalCountLinkPaginator

    @override
    def build(self, stream: Any) -> Any:
        return TotalCountLinkPaginator(stream.records_in, stream.log_progress)


def _account_active(response: requests.Response) -> bool:
    # §5 (limits): a 404 with "Reason: Account Inactive" is the account, not the item.
    return not _account_inactive(response)


#: The item went (trashed) between the list that named it and this read: nothing to read.
GONE = Tolerated(404, when=_account_active)


# -- streams ---------------------------------------------------------------------------


class BasecampStream(ProviderStream):
    provider_name = "basecamp"
    # Every Basecamp resource has a numeric id, unique across the account (design.md).
    primary_keys = ("id",)
    # §5: no root element; lists are top-level arrays.
    records_key = None
    # Older payloads carry offsets (-05:00): normalise to UTC like the replication key.
    timestamp_fields = ("created_at", "updated_at")

    @property
    @override
    def url_base(self) -> str:
        # §5: the account id is part of the path.
        return f"{self.runtime.base_url}/{self.runtime.setting('account_id')}"

    paging = ProgressLinkPaging()

    @override
    def error_line(self, response: requests.Response) -> str:
        line = super().error_line(response)
        if _account_inactive(response):
            line += " (the Basecamp account is suspended or expired; check basecamp.account_id)"
        return line

    def log_progress(self, seen: int, total: int) -> None:
        self.logger.info("%s: %d of %d", self.name, seen, total)


def _account_inactive(response: requests.Response) -> bool:
    return response.status_code == 404 and response.headers.get("Reason") == "Account Inactive"


class Projects(BasecampStream):
    """§5.1: active projects; each one's dock already lists its schedule."""

    name = "basecamp_projects"
    path = "/projects.json"

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # §5.2: a schedule is the dock item named "schedule", used only when enabled; no
        # per-project GET: the list already has the dock. Yielding nothing skips children.
        for tool in record.get("dock") or ():
            if tool.get("name") == "schedule" and tool.get("enabled") is True:
                yield {"project_id": record["id"], "schedule_id": tool["id"]}


class Schedules(BasecampStream):
    """§5.2: the full schedule object of each project's enabled schedule."""

    name = "basecamp_schedules"
    path = "/buckets/{project_id}/schedules/{schedule_id}.json"
    parent_stream_type = Projects
    single_record = True
    tolerated = (GONE,)

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        assert context is not None
        return {"project_id": context["project_id"], "schedule_id": record["id"]}


class ScheduleEntries(BasecampStream):
    """§5.3: no server-side time filter, so the bookmark filters on the client."""

    name = "basecamp_schedule_entries"
    path = "/buckets/{project_id}/schedules/{schedule_id}/entries.json"
    parent_stream_type = Schedules
    replication_key = "updated_at"
    tolerated = (GONE,)


def _recording_statuses(runtime: ProviderRuntime) -> tuple[str, ...]:
    # None of them (no partitions): the API default, active only.
    return RECORDING_STATUSES if runtime.setting("include_archived_and_trashed") else ()


class Recordings(BasecampStream):
    """§5.4/5.5: one recording type across all active projects, newest update first.

    ``include_archived_and_trashed`` adds one partition per status; each stops at the
    stream's single bookmark on its own.
    """

    path = "/projects/recordings.json"
    replication_key = "updated_at"
    newest_first = True
    partitions_over = PartitionsOver("status", _recording_statuses)
    context_params = ("status",)
    #: The API's ``type`` of the recordings this stream lists.
    recording_type: ClassVar[str]

    @override
    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A recording type is one declaration: its query follows from the type.
        super().__init_subclass__(**kwargs)
        cls.fixed_params = {"type": cls.recording_type, **NEWEST_UPDATED_FIRST}


class Todos(Recordings):
    name = "basecamp_todos"
    recording_type = "Todo"


class Messages(Recordings):
    name = "basecamp_messages"
    recording_type = "Message"


PROVIDER = Provider(
    name="basecamp",
    title="Basecamp",
    tap_name="tap-basecamp",
    base_url="https://3.basecampapi.com",
    # §5 "Rate limits": 50 requests per 10 s per IP.
    requests_per_second=5,
    rate_window_seconds=10,
    # §5 Pagination: geared 15/30/50/100, not settable.
    page_size=None,
    settings=(
        th.Property(
            "account_id",
            th.StringType,
            description=(
                "Basecamp account id (appended to base_url): the bc3 account's id from "
                "https://launchpad.37signals.com/authorization.json."
            ),
        ),
        th.Property("client_id", th.StringType, description="OAuth client id."),
        th.Property(
            "client_secret", th.StringType, secret=True, description="OAuth client secret."
        ),
        th.Property(
            "refresh_token",
            th.StringType,
            secret=True,
            description="OAuth refresh token (update it if the tap warns that it rotated).",
        ),
        th.Property(
            "token_url",
            th.StringType,
            default=TOKEN_URL,
            description="OAuth token endpoint (Launchpad).",
        ),
        th.Property(
            "include_archived_and_trashed",
            th.BooleanType,
            default=False,
            description=(
                "Also read archived and trashed to-dos and messages (the API's default, "
                "and this setting's, is active ones only)."
            ),
        ),
    ),
    required=("account_id", "client_id", "client_secret", "refresh_token"),
    authenticator=_authenticator,
    streams=(Projects, Schedules, ScheduleEntries, Todos, Messages),
    probe_stream=Projects,
    checks=(user_agent_has_contact,),
)
