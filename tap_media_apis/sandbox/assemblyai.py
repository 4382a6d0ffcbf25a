"""Sandbox part for AssemblyAI (api-reference.md §2).

What it reproduces: the raw-key ``Authorization`` header (a ``Bearer`` prefix is refused,
so tests prove the tap sends the raw key); the newest-first transcript list with
``page_details`` built as §2.1 describes (``prev_url`` from ``before_id`` = the oldest id
of the page, ``next_url`` from ``after_id`` = the newest, non-null even on page 1,
``prev_url`` null on the last page); ``limit`` 1-200 (default 10); naive ``created``
timestamps; transcripts in every status; unpaginated sentences and paragraphs (400 for
transcripts that are not completed); redacted audio for the transcripts created with
``redact_pii_audio`` (400 for the others); LeMUR responses for three fixed request ids
(one string, two question-answer lists).

Data size: at scale 1, 410 transcripts (3 pages at the tap's 200). Most real transcripts
are completed, but each completed one costs three child requests, so the sandbox keeps
about 30% completed (the rest failed, plus a few in progress): a full sync stays near
400 requests and a few hundred rows per stream.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from typing_extensions import override

from tap_media_apis.sandbox.api import (
    BadRequest,
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

API_KEY = "sandbox-assemblyai-api-key"
AUTH_ERROR = "Authentication error, API token missing/invalid"
LEMUR_REQUEST_IDS = (
    "5b3f8a8e-1c1e-4d55-9d1a-000000000001",
    "5b3f8a8e-1c1e-4d55-9d1a-000000000002",
    "5b3f8a8e-1c1e-4d55-9d1a-000000000003",
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
TRANSCRIPTS_PER_SCALE = 410
COMPLETED_SHARE = 0.3
REDACTED_SHARE = 1 / 3
FIRST_CREATED = datetime(2025, 1, 6, 8, 0)
#: The newest transcripts, newest first: in-progress ones among completed ones, so that
#: the oldest in-progress transcript is older than some completed ones.
HEAD_STATUSES = (
    "queued",
    "queued",
    "processing",
    "completed",
    "completed",
    "processing",
    "completed",
    "error",
    "completed",
    "completed",
    "processing",
    "completed",
)
NEW_PER_ADVANCE = 6
ERRORS = (
    "Download error, unable to download {audio_url}. Please make sure the file exists "
    "and is accessible from the internet.",
    "Transcoding failed. File does not appear to contain audio. File type is text/html "
    "(HTML document, ASCII text).",
    "Audio duration is too short.",
)
PHRASES = (
    "Thanks for calling, how can I help you today?",
    "I would like to update the billing address on my account.",
    "Sure, I can help with that.",
    "Could you confirm the email address we have on file?",
    "The renewal went through on the third of the month.",
    "Let's move the product review to Thursday afternoon.",
    "We shipped the new onboarding flow last week.",
    "Churn is down two points since the pricing change.",
    "Can you send me the slides after the meeting?",
    "The delivery was delayed because of the weather.",
    "I will open a ticket with the engineering team.",
    "Our next step is a short pilot with three customers.",
    "That covers everything on the agenda for today.",
    "Please hold while I check the order status.",
    "The invoice should arrive within two business days.",
    "We need a decision on the budget by Friday.",
)
LEMUR_RESPONSES: dict[str, Any] = {
    LEMUR_REQUEST_IDS[0]: (
        "The customer asked to update the billing address on their account; the agent "
        "confirmed the email on file and made the change during the call."
    ),
    LEMUR_REQUEST_IDS[1]: [
        {"question": "Was the customer's issue resolved?", "answer": "Yes"},
        {"question": "Which product was discussed?", "answer": "The annual plan renewal."},
    ],
    LEMUR_REQUEST_IDS[2]: [
        {"question": "What is the next step?", "answer": "A short pilot with three customers."},
        {"question": "Who owns the follow-up?", "answer": "The account manager."},
        {"question": "Was a deadline agreed?", "answer": "A budget decision by Friday."},
    ],
}


@dataclass
class Transcript:
    id: str
    created: datetime
    audio_url: str
    status: str
    redact_pii_audio: bool
    completed: datetime | None = None
    error: str | None = None
    #: Sentences, paragraphs, confidence and audio_duration once completed.
    segments: dict[str, Any] = field(default_factory=dict)

    def list_item(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource_url": f"{base_url}/v2/transcript/{self.id}",
            "status": self.status,
            # Naive ISO-8601 with microseconds and no zone (§2.1 "Replication key").
            "created": _naive(self.created),
            "completed": _naive(self.completed) if self.completed else None,
            "audio_url": self.audio_url,
            "error": self.error,
        }


class AssemblyAISandbox(SandboxProvider):
    name = "assemblyai"

    def __init__(self, *, scale: int = 1, seed: int = 7) -> None:
        super().__init__(scale=scale, seed=seed)
        #: Oldest first; the API lists them newest first.
        self.transcripts: list[Transcript] = []
        self.by_id: dict[str, Transcript] = {}
        moment = FIRST_CREATED
        total = TRANSCRIPTS_PER_SCALE * scale
        for position in range(total):
            moment += timedelta(minutes=self.random.randint(120, 420))
            moment = moment.replace(microsecond=self.random.randint(0, 999_999))
            from_newest = total - 1 - position
            if from_newest < len(HEAD_STATUSES):
                status = HEAD_STATUSES[from_newest]
            else:
                status = "completed" if self.random.random() < COMPLETED_SHARE else "error"
            self._add(self._new(moment, status))
        self.now = moment + timedelta(minutes=5)

    # -- data ---------------------------------------------------------------------------

    def _add(self, transcript: Transcript) -> None:
        self.transcripts.append(transcript)
        self.by_id[transcript.id] = transcript

    def _new(self, created: datetime, status: str) -> Transcript:
        number = len(self.transcripts) + 1
        if self.random.random() < 0.5:
            audio_url = f"https://cdn.assemblyai.com/upload/{self._uuid()}"
        else:
            audio_url = f"https://media.acme-support.example/calls/2025/call-{number:05d}.mp3"
        transcript = Transcript(
            id=self._uuid(),
            created=created,
            audio_url=audio_url,
            status="queued",
            redact_pii_audio=self.random.random() < REDACTED_SHARE,
        )
        self._set_status(transcript, status, by=None)
        return transcript

    def _set_status(self, transcript: Transcript, status: str, by: datetime | None) -> None:
        """Move a transcript on; a completion happens ``by`` that moment at the latest."""
        transcript.status = status
        if status == "completed":
            transcript.segments = self._segments()
            took = transcript.segments["audio_duration"] * 0.3 + self.random.uniform(5, 40)
            completed = transcript.created + timedelta(seconds=took)
            transcript.completed = min(completed, by) if by else completed
        elif status == "error":
            message = ERRORS[self.random.randrange(len(ERRORS))]
            transcript.error = message.format(audio_url=transcript.audio_url)

    def _segments(self) -> dict[str, Any]:
        """Sentences and paragraphs of a short clip, with consistent word timings."""
        speakers = self.random.random() < 0.5
        clock = self.random.randint(200, 1500)
        sentences = []
        for number in range(self.random.randint(1, 5)):
            words = []
            speaker = "AB"[number % 2] if speakers else None
            for text in PHRASES[self.random.randrange(len(PHRASES))].split():
                length = self.random.randint(180, 600)
                words.append(
                    {
                        "text": text,
                        "start": clock,
                        "end": clock + length,
                        "confidence": round(self.random.uniform(0.72, 0.999), 4),
                        "channel": None,
                        "speaker": speaker,
                    }
                )
                clock += length + self.random.randint(20, 120)
            sentences.append({**_span(words), "channel": None, "speaker": speaker})
            clock += self.random.randint(300, 1200)
        split = self.random.randint(1, len(sentences))
        paragraphs = [
            _span([word for sentence in group for word in sentence["words"]])
            for group in (sentences[:split], sentences[split:])
            if group
        ]
        all_words = [word for sentence in sentences for word in sentence["words"]]
        return {
            "confidence": _mean(word["confidence"] for word in all_words),
            "audio_duration": clock // 1000 + 1,
            "sentences": sentences,
            "paragraphs": paragraphs,
        }

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def newest_first(self) -> list[Transcript]:
        return sorted(self.transcripts, key=lambda t: t.created, reverse=True)

    def completed(self) -> list[Transcript]:
        return [t for t in self.transcripts if t.status == "completed"]

    # -- the sandbox contract -------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/v2/transcript", self._list),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/sentences", self._segments_of),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/paragraphs", self._segments_of),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/redacted-audio", self._redacted_audio),
            route("GET", r"/lemur/v3/(?P<id>[^/]+)", self._lemur),
        ]

    @override
    def authorize(self, request: Request) -> Response | None:
        # The raw key only (§2 "Auth"): "Bearer <key>" is refused like a wrong key.
        if request.headers.get("Authorization") != API_KEY:
            return json_response({"error": AUTH_ERROR}, 401)
        return None

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "api_key": API_KEY,
            "lemur_request_ids": list(LEMUR_REQUEST_IDS),
            "base_url": base_url,
        }

    @override
    def expected_counts(self) -> dict[str, int]:
        completed = self.completed()
        return {
            "assemblyai_transcripts": len(self.transcripts),
            "assemblyai_transcript_sentences": sum(len(t.segments["sentences"]) for t in completed),
            "assemblyai_transcript_paragraphs": sum(
                len(t.segments["paragraphs"]) for t in completed
            ),
            "assemblyai_redacted_audio": sum(t.redact_pii_audio for t in completed),
            "assemblyai_lemur_responses": len(LEMUR_REQUEST_IDS),
        }

    @override
    def advance(self) -> None:
        """An hour later: in-progress transcripts move on and new ones arrive."""
        self.now += timedelta(hours=1)
        for transcript in self.newest_first():
            if transcript.status == "processing":
                done = "error" if self.random.random() < 0.2 else "completed"
                self._set_status(transcript, done, by=self.now)
            elif transcript.status == "queued":
                self._set_status(transcript, "processing", by=self.now)
        newest = max(t.created for t in self.transcripts)
        new = NEW_PER_ADVANCE * self.scale
        for number in range(new):
            created = newest + (self.now - newest) * (number + 1) / (new + 1)
            status = "queued" if number >= new - 2 else "completed"
            self._add(self._new(created, status))

    @override
    def secrets(self) -> list[str]:
        return [API_KEY]

    # -- handlers -------------------------------------------------------------------------

    def _list(self, request: Request, match: re.Match[str]) -> Response:
        limit = request.int_arg("limit", DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"'limit' must be between 1 and {MAX_LIMIT}")
        filters = [
            (name, value)
            for name in ("status", "created_on", "throttled_only")
            if (value := request.arg(name)) is not None
        ]
        rows = [t for t in self.newest_first() if _matches(t, dict(filters))]
        ids = [t.id for t in rows]
        before_id, after_id = request.arg("before_id"), request.arg("after_id")
        for cursor in (before_id, after_id):
            if cursor is not None and cursor not in ids:
                raise BadRequest("Transcript lookup error, transcript id not found")
        if before_id and after_id:
            # PD-17808: both cursors where after_id is not the newer one.
            if ids.index(after_id) >= ids.index(before_id):
                raise BadRequest("'after_id' must be a newer transcript than 'before_id'")
            page: list[Transcript] = []
        elif before_id:
            page = rows[ids.index(before_id) + 1 :][:limit]
        elif after_id:
            page = rows[: ids.index(after_id)][-limit:]
        else:
            page = rows[:limit]

        def url(*cursor: tuple[str, str]) -> str:
            query = urlencode([("limit", limit), *filters, *cursor])
            return f"{request.base_url}/v2/transcript?{query}"

        older_exists = bool(page) and ids.index(page[-1].id) < len(ids) - 1
        return json_response(
            {
                "page_details": {
                    "limit": limit,
                    "result_count": len(page),
                    "current_url": _current_url(request),
                    "prev_url": url(("before_id", page[-1].id)) if older_exists else None,
                    "next_url": url(("after_id", page[0].id)) if page else None,
                },
                "transcripts": [t.list_item(request.base_url) for t in page],
            }
        )

    def _completed(self, transcript_id: str) -> Transcript:
        transcript = self.by_id.get(transcript_id)
        if transcript is None:
            raise BadRequest("Transcript lookup error, transcript id not found")
        if transcript.status != "completed":
            raise BadRequest(
                f"This transcript has a status of '{transcript.status}'. Transcripts must "
                "have a status of 'completed' before this resource is available."
            )
        return transcript

    def _segments_of(self, request: Request, match: re.Match[str]) -> Response:
        transcript = self._completed(match["id"])
        kind = request.path.rsplit("/", 1)[-1]
        segments = transcript.segments
        return json_response(
            {
                "id": transcript.id,
                "confidence": segments["confidence"],
                "audio_duration": segments["audio_duration"],
                kind: segments[kind],
            }
        )

    def _redacted_audio(self, request: Request, match: re.Match[str]) -> Response:
        transcript = self._completed(match["id"])
        if not transcript.redact_pii_audio:
            raise BadRequest(
                "Redacted audio is not available for this transcript: it was not "
                "created with redact_pii_audio enabled."
            )
        return json_response(
            {
                "status": "redacted_audio_ready",
                "redacted_audio_url": (
                    f"https://redacted-audio.sandbox-assemblyai.example/{transcript.id}.mp3"
                ),
            }
        )

    def _lemur(self, request: Request, match: re.Match[str]) -> Response:
        request_id = match["id"]
        if request_id not in LEMUR_RESPONSES:
            return json_response({"error": "LeMUR request not found"}, 404)
        response = LEMUR_RESPONSES[request_id]
        words = len(str(response).split())
        return json_response(
            {
                "request_id": request_id,
                "usage": {"input_tokens": 1200 + 37 * words, "output_tokens": 2 * words},
                "response": response,
            }
        )


def _matches(transcript: Transcript, filters: dict[str, str]) -> bool:
    status = filters.get("status")
    created_on = filters.get("created_on")
    return (status is None or transcript.status == status) and (
        created_on is None or transcript.created.date().isoformat() == created_on
    )


def _current_url(request: Request) -> str:
    query = urlencode([(k, v) for k, values in request.query.items() for v in values])
    return f"{request.base_url}{request.path}" + (f"?{query}" if query else "")


def _span(words: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "text": " ".join(word["text"] for word in words),
        "start": words[0]["start"],
        "end": words[-1]["end"],
        "confidence": _mean(word["confidence"] for word in words),
        "words": words,
    }


def _mean(values: Any) -> float:
    items = list(values)
    return round(sum(items) / len(items), 4)


def _naive(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")
