"""AssemblyAI (api-reference.md §2): raw-key auth, newest-first transcripts paged to OLDER ones.

Transcripts are listed newest first and paged through ``page_details.prev_url`` (older);
``next_url`` leads to NEWER transcripts and is never followed (§2.1). Sentences,
paragraphs and redacted audio are unpaginated children of completed transcripts
(§2.2-§2.4); LeMUR responses are read one request id at a time from the config (§2.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.streams.rest import HTTPRequest
from typing_extensions import override

from tap_media_apis.core.answers import Tolerated
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import api_message
from tap_media_apis.core.paging import NO_PAGING, NextUrlPaginator, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: ``limit`` is 1-200 (§2.1); the tap asks for the maximum by default.
MAX_PAGE_SIZE = 200
#: Statuses a transcript leaves later (§2.1 enum): such a transcript must be read again.
IN_PROGRESS = frozenset({"queued", "processing"})
#: The unconfirmed "this transcript has no redacted audio" answer (§2.4): a 4xx whose
#: message talks about redaction (not created with redact_pii_audio, or expired after 24 h).
NO_REDACTED_AUDIO = re.compile(r"redact", re.IGNORECASE)
LEMUR_SUNSET = "2026-03-31"


class PrevUrlPaginator(NextUrlPaginator):
    """Pages to OLDER transcripts via ``page_details.prev_url`` (§2.1).

    The list ends when ``prev_url`` is null or a page is empty. Only the ``before_id``
    of ``prev_url`` is sent, on the configured base URL with the first request's
    parameters (``limit``), as the official SDK does: a proxy, the sandbox or the EU
    host stay in use whatever host the API writes into its URLs. A ``prev_url``
    without ``before_id`` is followed as it is.
    """

    @override
    def get_next_url(self, response: requests.Response) -> str | None:
        details = _page_details(response)
        prev_url = details.get("prev_url")
        return prev_url if isinstance(prev_url, str) and prev_url else None

    @override
    def has_more(self, response: requests.Response) -> bool:
        body = json_body(response)
        return isinstance(body, dict) and bool(body.get("transcripts"))

    @override
    def apply_to(self, request: HTTPRequest) -> None:
        token = self.current_value
        if token is None:
            return
        before_id = parse_qs(token.query).get("before_id")
        if before_id:
            request.params["before_id"] = before_id[0]
        else:
            super().apply_to(request)


def _page_details(response: requests.Response) -> dict[str, Any]:
    body = json_body(response)
    details = body.get("page_details") if isinstance(body, dict) else None
    return details if isinstance(details, dict) else {}


class AssemblyAIStream(ProviderStream):
    provider_name = "assemblyai"
    # Everything but the transcript list is one unpaginated object (§2.2-§2.5).
    records_key: ClassVar[str | None] = None
    paging = NO_PAGING


class Transcripts(AssemblyAIStream):
    """The transcript list, newest first; early stop at the bookmark.

    A transcript still queued or processing will change (status, ``completed``, its
    children), so it holds the bookmark just below itself and the next run reads it (and
    everything newer) again (core/incremental.py).
    """

    name = "assemblyai_transcripts"
    path = "/v2/transcript"
    primary_keys = ("id",)
    records_key = "transcripts"
    replication_key = "created"
    # created / completed are naive ISO timestamps (UTC; §2.1 "Replication key").
    timestamp_fields = ("completed",)
    newest_first = True
    paging = Paging(PrevUrlPaginator, sized=False, short_page_ends=False)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # Without limit the API sends 10 per page (§2.1).
        return {"limit": self.page_size}

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {"transcript_id": record["id"]}

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # Sentences, paragraphs and redacted audio exist only once completed (§2.2-§2.4);
        # no context at all (not None) also spares the SDK's "context is null" warning.
        if record.get("status") == "completed":
            yield self.get_child_context(record, context)

    @override
    def still_changing(self, record: dict[str, Any]) -> bool:
        return record.get("status") in IN_PROGRESS


class TranscriptStream(AssemblyAIStream):
    """A child of one completed transcript (its id fills ``{transcript_id}``)."""

    parent_stream_type = Transcripts


class TranscriptSegments(TranscriptStream):
    """Sentences or paragraphs: one object holding an array, no ``page_details``.

    Each element becomes a record keyed by (transcript_id, 0-based index). The
    response's own ``confidence`` and ``audio_duration`` describe the whole transcript,
    not a segment, so they are not copied into every row.
    """

    index_key: ClassVar[str]

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        segments = super().records_in(response)
        return [{**segment, self.index_key: index} for index, segment in enumerate(segments)]


class TranscriptSentences(TranscriptSegments):
    name = "assemblyai_transcript_sentences"
    path = "/v2/transcript/{transcript_id}/sentences"
    records_key = "sentences"
    index_key = "sentence_index"
    primary_keys = ("transcript_id", "sentence_index")


class TranscriptParagraphs(TranscriptSegments):
    name = "assemblyai_transcript_paragraphs"
    path = "/v2/transcript/{transcript_id}/paragraphs"
    records_key = "paragraphs"
    index_key = "paragraph_index"
    primary_keys = ("transcript_id", "paragraph_index")


def _says_not_redacted(response: requests.Response) -> bool:
    return bool(NO_REDACTED_AUDIO.search(api_message(response)))


class RedactedAudio(TranscriptStream):
    """The PII-redacted copy of a transcript's audio (the original config's "subtitle").

    Only transcripts created with ``redact_pii_audio`` have one, and the list does not
    say which (§2.4): the API's "no redacted audio" 4xx means no record; any other error
    fails. A 202 means the file is still being made (the official SDK's reading): no
    record yet, and the transcript is read again by the next run, which gets it (its
    body is unconfirmed, so it is not read).
    """

    name = "assemblyai_redacted_audio"
    path = "/v2/transcript/{transcript_id}/redacted-audio"
    primary_keys = ("transcript_id",)
    single_record = True
    tolerated = (
        Tolerated(202, not_ready=True),
        Tolerated(400, when=_says_not_redacted),
        Tolerated(404, when=_says_not_redacted),
    )


def _lemur_request_ids(runtime: ProviderRuntime) -> list[str]:
    return [str(request_id) for request_id in runtime.setting("lemur_request_ids") or ()]


class LemurResponses(AssemblyAIStream):
    """``GET /lemur/v3/{request_id}`` for each configured id (deprecated upstream, §2.5).

    ``response`` is a string, or a list of ``{question, answer}`` for question-answer
    requests. LeMUR's sunset is 2026-03-31; the endpoint is read while it still answers.
    """

    name = "assemblyai_lemur_responses"
    path = "/lemur/v3/{request_id}"
    primary_keys = ("request_id",)
    single_record = True
    # No ids: no partitions, and the SDK syncs once without a context (nothing to ask).
    partitions_over = PartitionsOver("request_id", _lemur_request_ids)
    _warned = False

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context:
            return  # no lemur_request_ids configured: nothing to ask for
        if not self._warned:
            self._warned = True
            self.logger.warning(
                "%s: LeMUR is deprecated upstream (sunset %s); its responses are read "
                "while the API still serves them",
                self.log_prefix,
                LEMUR_SUNSET,
            )
        yield from super().get_records(context)


def _authenticator(runtime: ProviderRuntime) -> APIKeyAuthenticator:
    # The raw key, no "Bearer " prefix (§2 "Auth").
    return APIKeyAuthenticator(key="Authorization", value=str(runtime.setting("api_key")))


PROVIDER = Provider(
    name="assemblyai",
    title="AssemblyAI",
    tap_name="tap-assemblyai",
    base_url="https://api.assemblyai.com",
    # 20,000 requests per 5 minutes per account (§2 "Rate limits").
    requests_per_second=66,
    page_size=MAX_PAGE_SIZE,
    settings=(
        th.Property(
            "api_key",
            th.StringType,
            secret=True,
            description="API key, sent raw in Authorization (no Bearer).",
        ),
        th.Property(
            "lemur_request_ids",
            th.ArrayType(th.StringType),
            description=(
                "LeMUR request ids to extract (LeMUR is deprecated upstream: "
                f"sunset {LEMUR_SUNSET})."
            ),
        ),
    ),
    required=("api_key",),
    authenticator=_authenticator,
    streams=(Transcripts, TranscriptSentences, TranscriptParagraphs, RedactedAudio, LemurResponses),
    probe_stream=Transcripts,
)
