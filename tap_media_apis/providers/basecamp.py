"""Basecamp 4: OAuth2 refresh tokens, Link-header paging, top-level arrays.

Facts, with Basecamp's sources: docs/providers/basecamp.md, "API facts".
"""

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
#: "MyApp (yourname@example.com)" or a contact URL (docs/providers/basecamp.md, "User-Agent").
CONTACT = re.compile(r"[^\s@()<>]+@[^\s@()<>]+|https?://\S+", re.IGNORECASE)
#: Recordings default to status=active; these are all the statuses there are ("Recordings").
RECORDING_STATUSES = ("active", "archived", "trashed")
#: The default sort is created_at, which is wrong for an updated_at bookmark ("Recordings").
NEWEST_UPDATED_FIRST = {"sort": "updated_at", "direction": "desc"}


# -- auth ---------------------------------------------------------------------------


class LaunchpadRefreshAuth(RefreshingTokenAuth):
    """The OAuth2 refresh_token grant against Launchpad ("Base URL and authentication").

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
        # The run's top-level settings: Launchpad wants the contact too ("User-Agent").
        user_agent=str(runtime.tap_config.get("user_agent") or DEFAULT_USER_AGENT),
        timeout=float(runtime.tap_config.get("request_timeout") or TOKEN_TIMEOUT_SECONDS),
    )


def user_agent_has_contact(settings: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """Basecamp answers 400 to a User-Agent without a contact ("User-Agent")."""
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
    """Link-header paging ("Pagination") with progress against X-Total-Count.

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
    # A 404 with "Reason: Account Inactive" is the account, not the item ("Errors").
    return not _account_inactive(response)


#: The item went (trashed) between the list that named it and this read: nothing to read.
GONE = Tolerated(404, when=_account_active)


# -- streams ---------------------------------------------------------------------------


class BasecampStream(ProviderStream):
    provider_name = "basecamp"
    # Every Basecamp resource has a numeric id, unique across the account ("Flat routes").
    primary_keys = ("id",)
    # No root element; lists are top-level arrays ("Base URL and authentication").
    records_key = None
    # Older payloads carry offsets (-05:00): normalise to UTC like the replication key.
    timestamp_fields = ("created_at", "updated_at")

    @property
    @override
    def url_base(self) -> str:
        # The account id is part of the path ("Base URL and authentication").
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


#: The dock tools that children of projects read (docs/providers/basecamp.md, "The dock").
DOCK_TOOLS = frozenset({"schedule", "kanban_board", "questionnaire"})


class Projects(BasecampStream):
    """https://github.com/basecamp/bc-api/blob/master/sections/projects.md#get-all-projects"""

    name = "basecamp_projects"
    path = "/projects.json"

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # One context per enabled tool a child reads, each child taking its own kind
        # (DockTool.applies_to); a project can have several of a kind (cloned card tables).
        # The list already has the dock: no per-project GET ("The dock").
        for tool in record.get("dock") or ():
            if tool.get("name") in DOCK_TOOLS and tool.get("enabled") is True:
                yield {"project_id": record["id"], "dock_name": tool["name"], "dock_id": tool["id"]}


class People(BasecampStream):
    """https://github.com/basecamp/bc-api/blob/master/sections/people.md#get-all-people"""

    name = "basecamp_people"
    path = "/people.json"
    # One login sees several accounts, and the same person is listed in each: the docs
    # do not promise the id is per account, so ``account`` joins the key.
    ids_unique_across_accounts = False


class DockTool(BasecampStream):
    """A child of projects that reads one kind of enabled dock tool ("The dock")."""

    parent_stream_type = Projects
    tolerated = (GONE,)
    #: The dock entry's ``name`` this stream reads.
    dock_name: ClassVar[str]

    @override
    def applies_to(self, context: Context) -> bool:
        return context.get("dock_name") == self.dock_name


class Schedules(DockTool):
    """https://github.com/basecamp/bc-api/blob/master/sections/schedules.md#get-schedule"""

    name = "basecamp_schedules"
    dock_name = "schedule"
    path = "/buckets/{project_id}/schedules/{dock_id}.json"
    single_record = True

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        assert context is not None
        return {"project_id": context["project_id"], "schedule_id": record["id"]}


class ScheduleEntries(BasecampStream):
    """https://github.com/basecamp/bc-api/blob/master/sections/schedule_entries.md

    No server-side time filter, so the bookmark filters on the client.
    """

    name = "basecamp_schedule_entries"
    path = "/buckets/{project_id}/schedules/{schedule_id}/entries.json"
    parent_stream_type = Schedules
    replication_key = "updated_at"
    tolerated = (GONE,)


class CardTables(DockTool):
    """https://github.com/basecamp/bc-api/blob/master/sections/card_tables.md#get-a-card-table"""

    name = "basecamp_card_tables"
    dock_name = "kanban_board"
    path = "/buckets/{project_id}/card_tables/{dock_id}.json"
    single_record = True

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        assert context is not None
        return {
            "project_id": context["project_id"],
            "card_table_id": record["id"],
            "lists": record.get("lists") or [],
        }


class CardTableColumns(BasecampStream):
    """The card table's ``lists``, one record each, from the card table's response.

    https://github.com/basecamp/bc-api/blob/master/sections/card_table_columns.md
    """

    name = "basecamp_card_table_columns"
    parent_stream_type = CardTables
    derived_from_parent = True

    @override
    def records_from_parent(self, context: Context) -> Iterable[dict[str, Any]]:
        return context["lists"]  # the core adds card_table_id and project_id


class Questions(DockTool):
    """https://github.com/basecamp/bc-api/blob/master/sections/questions.md#get-questions"""

    name = "basecamp_questions"
    dock_name = "questionnaire"
    path = "/buckets/{project_id}/questionnaires/{dock_id}/questions.json"


def _recording_statuses(runtime: ProviderRuntime) -> tuple[str, ...]:
    # None of them (no partitions): the API default, active only.
    return RECORDING_STATUSES if runtime.setting("include_archived_and_trashed") else ()


class Recordings(BasecampStream):
    """One recording type across all active projects, newest update first.

    https://github.com/basecamp/bc-api/blob/master/sections/recordings.md

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


class Comments(Recordings):
    name = "basecamp_comments"
    recording_type = "Comment"


class Documents(Recordings):
    name = "basecamp_documents"
    recording_type = "Document"


class Uploads(Recordings):
    name = "basecamp_uploads"
    recording_type = "Upload"


class Todolists(Recordings):
    # Lists (parent.type Todoset) and groups (parent.type Todolist) alike ("Recordings").
    name = "basecamp_todolists"
    recording_type = "Todolist"


class QuestionAnswers(Recordings):
    name = "basecamp_question_answers"
    recording_type = "Question::Answer"


class Cards(Recordings):
    name = "basecamp_cards"
    recording_type = "Kanban::Card"


class Vaults(Recordings):
    name = "basecamp_vaults"
    recording_type = "Vault"


PROVIDER = Provider(
    name="basecamp",
    title="Basecamp",
    tap_name="tap-basecamp",
    base_url="https://3.basecampapi.com",
    # 50 requests per 10 s per IP, whatever the account: accounts share one pace.
    rate_shared_across_accounts=True,
    # 50 requests in any 10 s window per IP (docs/providers/basecamp.md, "Rate limits").
    requests_per_second=5,
    rate_window_seconds=10,
    # Geared 15/30/50/100, not settable (docs/providers/basecamp.md, "Pagination").
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
                "Also read archived and trashed recordings (to-dos, messages, comments, "
                "documents, uploads, folders, to-do lists, answers, cards); the API's "
                "default, and this setting's, is active ones only."
            ),
        ),
    ),
    required=("account_id", "client_id", "client_secret", "refresh_token"),
    authenticator=_authenticator,
    streams=(
        Projects,
        People,
        Schedules,
        ScheduleEntries,
        CardTables,
        CardTableColumns,
        Questions,
        Todos,
        Messages,
        Comments,
        Documents,
        Uploads,
        Todolists,
        QuestionAnswers,
        Cards,
        Vaults,
    ),
    probe_stream=Projects,
    checks=(user_agent_has_contact,),
)
