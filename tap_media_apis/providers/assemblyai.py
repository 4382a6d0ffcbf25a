"""AssemblyAI: raw-key auth, newest-first transcripts paged to OLDER ones.

Facts: docs/providers/assemblyai.md, "API facts". Transcripts are listed newest first and
paged through ``page_details.prev_url`` (older); ``next_url`` leads to NEWER transcripts
and is never followed ("Pagination"). A transcript still queued or processing is
remembered in the state and re-read by id until it is final (core/pending.py); then its
full transcript (details, and utterances from the same answer), sentences, paragraphs and
redacted audio are read, once. LeMUR responses are read one request id at a time from the
config ("LeMUR").
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

from tap_media_apis.core.answers import Tolerated, is_json_answer
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import api_message
from tap_media_apis.core.paging import NO_PAGING, NextUrlPaginator, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.pending import Entry, Pending, RereadsPending
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: ``limit`` is 1-200 ("Pagination"); the tap asks for the maximum by default.
MAX_PAGE_SIZE = 200
#: Final statuses ("Transcript statuses"): a transcript in another one is re-read by id.
FINAL = frozenset({"completed", "error"})
#: What a deleted transcript's ``audio_url`` becomes, in the list and the detail ("Deletion").
DELETED_URL = "http://deleted_by_user"
#: The child contexts' status of a deleted transcript (it has no sentences or audio left).
DELETED = "deleted"
#: The unconfirmed "this transcript has no redacted audio" answer ("Redacted audio"): a 4xx
#: whose message talks about redaction (not created with redact_pii_audio, or expired).
NO_REDACTED_AUDIO = re.compile(r"redact", re.IGNORECASE)
#: A 400 that means the transcript does not exist (any more) ("Deletion").
NOT_FOUND = re.compile(r"not found", re.IGNORECASE)
LEMUR_SUNSET = "2026-03-31"


class PrevUrlPaginator(NextUrlPaginator):
    """Pages to OLDER transcripts via ``page_details.prev_url`` ("Pagination").

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
    # Everything but the transcript list is one unpaginated object ("Full transcript").
    records_key: ClassVar[str | None] = None
    paging = NO_PAGING


def _says_not_found(response: requests.Response) -> bool:
    return bool(NOT_FOUND.search(api_message(response)))


class Transcripts(RereadsPending, AssemblyAIStream):
    """The transcript list, newest first; early stop at the bookmark.

    https://www.assemblyai.com/docs/api-reference/transcripts/list

    The bookmark follows the list. A transcript still queued or processing is remembered
    (id and ``created``) and re-read by id, ``GET /v2/transcript/{id}``, on later runs
    until it is completed or failed (core/pending.py); its list row is then emitted again
    from that answer, and its children follow. The answer has no ``completed`` time
    ("Timestamps"), so such a row carries ``completed`` null. A re-read answering 404 (or
    400 "not found") is a deleted or expired transcript: one warning, forgotten.
    """

    name = "assemblyai_transcripts"
    path = "/v2/transcript"
    primary_keys = ("id",)
    records_key = "transcripts"
    replication_key = "created"
    # created / completed are naive ISO timestamps, read as UTC ("Timestamps").
    timestamp_fields = ("completed",)
    newest_first = True
    paging = Paging(PrevUrlPaginator, sized=False, short_page_ends=False)
    # 500 remembered transcripts are about 35 KB of state.
    pending: ClassVar[Pending] = Pending(
        path="/v2/transcript/{id}", limit=500, gone=frozenset({400, 404})
    )

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # Without limit the API sends 10 per page ("Pagination").
        return {"limit": self.page_size}

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        status = record.get("status")
        return {
            "transcript_id": record["id"],
            "transcript_status": DELETED if record.get("audio_url") == DELETED_URL else status,
            "created": record.get("created"),
            "completed": record.get("completed"),
        }

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # Details exist once final, sentences and the rest once completed ("Full
        # transcript"); no context at all (not None) spares the SDK's "context is null".
        if self.is_final(record):
            yield self.get_child_context(record, context)

    @override
    def is_final(self, record: dict[str, Any]) -> bool:
        return record.get("status") in FINAL

    @override
    def is_gone(self, response: requests.Response) -> bool:
        status = response.status_code
        return status == 404 or (status == 400 and _says_not_found(response))

    @override
    def reread_record(self, body: dict[str, Any], entry: Entry) -> dict[str, Any]:
        # The list row, from the full transcript: it lacks created/completed ("Timestamps").
        transcript_id = str(body.get("id") or entry.key)
        return self.shape_record(
            {
                "id": transcript_id,
                "resource_url": f"{self.url_base}{self.path}/{transcript_id}",
                "status": body.get("status"),
                "created": entry.value,
                "completed": None,
                "audio_url": body.get("audio_url"),
                "error": body.get("error"),
            }
        )


class TranscriptStream(AssemblyAIStream):
    """A child of one finished transcript (its id fills ``{transcript_id}``)."""

    parent_stream_type = Transcripts
    #: The transcript statuses this child exists for (``transcript_status`` of the context).
    for_statuses: ClassVar[frozenset[str]] = frozenset({"completed"})

    @override
    def applies_to(self, context: Context) -> bool:
        return context.get("transcript_status") in self.for_statuses

    @property
    def transcripts(self) -> Transcripts:
        parent = self.runtime.stream_of(Transcripts)
        assert isinstance(parent, Transcripts)
        return parent


class TranscriptDetails(TranscriptStream):
    """The full transcript, once it is completed or failed (or deleted: a tombstone).

    https://www.assemblyai.com/docs/api-reference/transcripts/get

    Without ``words`` (the sentences stream has them) and ``utterances`` (handed to the
    utterances stream, which makes no request); ``created`` and ``completed`` come from the
    list ("Timestamps"). A transcript re-read by id this run is not asked again: its answer
    is taken from the list stream. A deleted transcript's tombstone gets ``deleted_by_user``
    ("Deletion"); one that is gone already (404, or 400 "not found": expired under a
    retention TTL between the list and this request) has no record.
    """

    name = "assemblyai_transcript_details"
    path = "/v2/transcript/{transcript_id}"
    primary_keys = ("id",)
    single_record = True
    timestamp_fields = ("created", "completed")
    for_statuses = FINAL | {DELETED}
    tolerated = (Tolerated(404, when=is_json_answer), Tolerated(400, when=_says_not_found))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Utterances of the details read this run, until the utterances stream takes them
        #: (written from fetch threads, taken on the sync thread).
        self._utterances: dict[str, list[Any]] = {}

    @override
    def pages_for(self, context: Context | None) -> Iterable[list[dict[str, Any]]]:
        answer = self.transcripts.take_reread_answer(context["transcript_id"]) if context else None
        if answer is not None:
            return [[self.shape_record(self.from_answer(answer))]]
        return super().pages_for(context)

    @override
    def records_in(self, response: requests.Response) -> list[Any]:
        return [self.from_answer(body) for body in super().records_in(response)]

    def from_answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The details record of one full transcript; its utterances are kept aside."""
        record = dict(body)
        record.pop("words", None)
        utterances = record.pop("utterances", None)
        if utterances and self._utterances_wanted:
            self._utterances[str(record.get("id"))] = utterances
        record["deleted_by_user"] = record.get("audio_url") == DELETED_URL
        return record

    @property
    def _utterances_wanted(self) -> bool:
        return any(child.selected for child in self.child_streams)

    def take_utterances(self, transcript_id: str) -> list[Any]:
        return self._utterances.pop(transcript_id, None) or []

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {"transcript_id": record["id"]}

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        if str(record.get("id")) in self._utterances:
            yield self.get_child_context(record, context)


class TranscriptUtterances(AssemblyAIStream):
    """Speaker turns: the ``utterances`` of the full transcript, one record each.

    https://www.assemblyai.com/docs/api-reference/transcripts/get (``utterances``)

    Keyed by (transcript_id, 0-based position): utterances have no id, and a completed
    transcript does not change ("Utterances"). No request: the details stream hands them
    over.
    """

    name = "assemblyai_transcript_utterances"
    parent_stream_type = TranscriptDetails
    primary_keys = ("transcript_id", "utterance_index")
    derived_from_parent = True

    @override
    def records_from_parent(self, context: Context) -> Iterable[dict[str, Any]]:
        details = self.runtime.stream_of(TranscriptDetails)
        assert isinstance(details, TranscriptDetails)
        for index, utterance in enumerate(details.take_utterances(context["transcript_id"])):
            yield {**utterance, "utterance_index": index}


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
    """https://www.assemblyai.com/docs/api-reference/transcripts/get-sentences"""

    name = "assemblyai_transcript_sentences"
    path = "/v2/transcript/{transcript_id}/sentences"
    records_key = "sentences"
    index_key = "sentence_index"
    primary_keys = ("transcript_id", "sentence_index")


class TranscriptParagraphs(TranscriptSegments):
    """https://www.assemblyai.com/docs/api-reference/transcripts/get-paragraphs"""

    name = "assemblyai_transcript_paragraphs"
    path = "/v2/transcript/{transcript_id}/paragraphs"
    records_key = "paragraphs"
    index_key = "paragraph_index"
    primary_keys = ("transcript_id", "paragraph_index")


def _says_not_redacted(response: requests.Response) -> bool:
    return bool(NO_REDACTED_AUDIO.search(api_message(response)))


class RedactedAudio(TranscriptStream):
    """The PII-redacted copy of a transcript's audio (the original config's "subtitle").

    https://www.assemblyai.com/docs/api-reference/transcripts/get-redacted-audio

    Only transcripts created with ``redact_pii_audio`` have one, and the list does not
    say which ("Redacted audio"): the API's "no redacted audio" 4xx means no record; any
    other error fails. A 202 means the file is still being made (the official SDK's
    reading): no record yet, and the transcript stays pending, re-read by id next run
    (core/pending.py); its body is unconfirmed, so it is not read.
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
    """``GET /lemur/v3/{request_id}`` for each configured id (deprecated upstream, "LeMUR").

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
    # The raw key, no "Bearer " prefix ("Authentication").
    return APIKeyAuthenticator(key="Authorization", value=str(runtime.setting("api_key")))


PROVIDER = Provider(
    name="assemblyai",
    title="AssemblyAI",
    tap_name="tap-assemblyai",
    base_url="https://api.assemblyai.com",
    # 20,000 requests per 5 minutes per account ("Rate limits").
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
    streams=(
        Transcripts,
        TranscriptDetails,
        TranscriptUtterances,
        TranscriptSentences,
        TranscriptParagraphs,
        RedactedAudio,
        LemurResponses,
    ),
    probe_stream=Transcripts,
)
