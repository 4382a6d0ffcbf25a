"""AssemblyAI (api-reference.md §2): raw-key auth, newest-first transcripts paged to OLDER ones.

Transcripts are listed newest first and paged through ``page_details.prev_url`` (older);
``next_url`` leads to NEWER transcripts and is never followed (§2.1). Sentences,
paragraphs and redacted audio are unpaginated children of completed transcripts
(§2.2-§2.4); LeMUR responses are read one request id at a time from the config (§2.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams.rest import HTTPRequest

from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import api_message
from tap_media_apis.core.paging import NextUrlPaginator, SinglePage
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.core.timestamps import parse_rfc3339, to_rfc3339

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
#: Stands for a 202 "redacted audio not ready" answer inside the stream; never emitted.
NOT_READY = "tap-media-apis:not-ready"


class PrevUrlPaginator(NextUrlPaginator):
    """Pages to OLDER transcripts via ``page_details.prev_url`` (§2.1).

    The list ends when ``prev_url`` is null or a page is empty. Only the ``before_id``
    of ``prev_url`` is sent, on the configured base URL with the first request's
    parameters (``limit``), as the official SDK does: a proxy, the sandbox or the EU
    host stay in use whatever host the API writes into its URLs. A ``prev_url``
    without ``before_id`` is followed as it is.
    """

    def get_next_url(self, response: requests.Response) -> str | None:
        details = _page_details(response)
        prev_url = details.get("prev_url")
        return prev_url if isinstance(prev_url, str) and prev_url else None

    def has_more(self, response: requests.Response) -> bool:
        body = json_body(response)
        return isinstance(body, dict) and bool(body.get("transcripts"))

    def shape(self, request: HTTPRequest) -> None:
        token = self.current_value
        if token is None:
            return
        before_id = parse_qs(token.query).get("before_id")
        if before_id:
            request.params["before_id"] = before_id[0]
        else:
            super().shape(request)


def _page_details(response: requests.Response) -> dict[str, Any]:
    body = json_body(response)
    details = body.get("page_details") if isinstance(body, dict) else None
    return details if isinstance(details, dict) else {}


class AssemblyAIStream(ProviderStream):
    provider_name = "assemblyai"
    # Everything but the transcript list is one unpaginated object (§2.2-§2.5).
    records_key: ClassVar[str | None] = None

    def get_new_paginator(self) -> BaseAPIPaginator[Any]:
        return SinglePage()


class Transcripts(AssemblyAIStream):
    """The transcript list, newest first; early stop at the bookmark.

    A transcript still queued or processing will change (status, ``completed``, its
    children), so the bookmark never passes the oldest one: this run's final bookmark is
    capped just below its ``created`` and the next run reads it (and everything newer)
    again. The cap uses the SDK's public signpost: ``finalize_state_progress_markers``
    (singer_sdk/helpers/_state.py) promotes the highest ``created`` seen to the bookmark
    but never above the signpost, which the SDK writes at the start of ``sync()`` from
    ``get_replication_key_signpost()`` and which is lowered here through
    ``state_manager.write_replication_key_signpost()`` whenever a lower cap is found.
    Just below (1 µs), so that the next run's newest-first stop (at records AT or before
    the bookmark) keeps that transcript while a run without one in progress re-reads
    nothing.
    """

    name = "assemblyai_transcripts"
    path = "/v2/transcript"
    primary_keys = ("id",)
    records_key = "transcripts"
    replication_key = "created"
    # created / completed are naive ISO timestamps (UTC; §2.1 "Replication key").
    timestamp_fields = ("completed",)
    newest_first = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Both are used on the SDK's sync thread only (children report from there too).
        #: The bookmark's upper bound for this run (None: no transcript in progress).
        self._bookmark_cap: str | None = None
        #: Completed transcripts whose children are not final yet (redacted audio pending).
        self._unsettled: set[str] = set()

    def get_new_paginator(self) -> PrevUrlPaginator:
        return PrevUrlPaginator()

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # Without limit the API sends 10 per page (§2.1).
        return {"limit": self.page_size}

    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {"transcript_id": record["id"]}

    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # Sentences, paragraphs and redacted audio exist only once completed (§2.2-§2.4);
        # no context at all (not None) also spares the SDK's "context is null" warning.
        if record.get("status") == "completed":
            yield self.get_child_context(record, context)

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for record in super().get_records(context):
            if record.get("status") in IN_PROGRESS:
                self.hold_bookmark_at(record, context)
            yield record
            # The SDK syncs a record's children while this generator is suspended.
            if record.get("id") in self._unsettled:
                self.hold_bookmark_at(record, context)

    def mark_unsettled(self, transcript_id: str) -> None:
        """A child of this (completed) transcript is not final yet: read it again next run."""
        self._unsettled.add(transcript_id)

    def hold_bookmark_at(self, record: dict[str, Any], context: Context | None) -> None:
        """Keep the final bookmark below this record, so the next run reads it again."""
        created = record.get(self.replication_key or "")
        if not created:
            return
        cap = to_rfc3339(parse_rfc3339(created) - timedelta(microseconds=1))
        assert cap is not None
        if self._bookmark_cap is not None and self._bookmark_cap <= cap:
            return
        self._bookmark_cap = cap
        self.state_manager.write_replication_key_signpost(
            self.get_replication_key_signpost(context), context=context
        )

    def get_replication_key_signpost(self, context: Context | None = None) -> str | None:
        # The SDK's default (the run's start time) as RFC 3339 like every bookmark, so
        # the SDK's string comparison with the bookmark holds; lowered by any cap.
        now = to_rfc3339(super().get_replication_key_signpost(context))
        cap = self._bookmark_cap
        return cap if cap is not None and (now is None or cap < now) else now


class TranscriptStream(AssemblyAIStream):
    """A child of one completed transcript (its id fills ``{transcript_id}``)."""

    parent_stream_type = Transcripts

    @property
    def transcripts(self) -> Transcripts:
        parent = self._tap.streams[Transcripts.name]
        assert isinstance(parent, Transcripts)
        return parent


class TranscriptSegments(TranscriptStream):
    """Sentences or paragraphs: one object holding an array, no ``page_details``.

    Each element becomes a record keyed by (transcript_id, 0-based index). The
    response's own ``confidence`` and ``audio_duration`` describe the whole transcript,
    not a segment, so they are not copied into every row.
    """

    index_key: ClassVar[str]

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


class RedactedAudio(TranscriptStream):
    """The PII-redacted copy of a transcript's audio (the original config's "subtitle").

    Only transcripts created with ``redact_pii_audio`` have one, and the list does not
    say which (§2.4): the API's "no redacted audio" 4xx means no record; any other error
    fails. A 202 means the file is still being made (the official SDK's reading): no
    record yet, and the transcript is read again by the next run, which gets it.
    """

    name = "assemblyai_redacted_audio"
    path = "/v2/transcript/{transcript_id}/redacted-audio"
    primary_keys = ("transcript_id",)
    single_record = True
    tolerated_statuses = frozenset({202, 400, 404})

    def is_tolerated(self, response: requests.Response) -> bool:
        if response.status_code == 202:
            return True
        return bool(NO_REDACTED_AUDIO.search(api_message(response)))

    def records_in(self, response: requests.Response) -> list[Any]:
        if response.status_code == 202:
            return [{"status": NOT_READY}]  # the body is unconfirmed: not read
        return super().records_in(response)

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for record in super().get_records(context):
            if record.get("status") != NOT_READY:
                yield record
            elif context:
                self.transcripts.mark_unsettled(context["transcript_id"])


class LemurResponses(AssemblyAIStream):
    """``GET /lemur/v3/{request_id}`` for each configured id (deprecated upstream, §2.5).

    ``response`` is a string, or a list of ``{question, answer}`` for question-answer
    requests. LeMUR's sunset is 2026-03-31; the endpoint is read while it still answers.
    """

    name = "assemblyai_lemur_responses"
    path = "/lemur/v3/{request_id}"
    primary_keys = ("request_id",)
    single_record = True
    _warned = False

    @property
    def partitions(self) -> list[dict[str, Any]] | None:
        ids = self.runtime.setting("lemur_request_ids") or []
        # None (not []) with no ids: the SDK then syncs once without a context.
        return [{"request_id": str(i)} for i in dict.fromkeys(ids)] or None

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context:
            return  # no lemur_request_ids configured: nothing to ask for
        if not self._warned:
            self._warned = True
            self.logger.warning(
                "%s: LeMUR is deprecated upstream (sunset %s); its responses are read "
                "while the API still serves them",
                self.describe(),
                LEMUR_SUNSET,
            )
        yield from super().get_records(context)


def _authenticator(runtime: ProviderRuntime) -> APIKeyAuthenticator:
    # The raw key, no "Bearer " prefix (§2 "Auth").
    return APIKeyAuthenticator(key="Authorization", value=str(runtime.setting("api_key")))


PROVIDER = Provider(
    name="assemblyai",
    title="AssemblyAI",
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
