"""Sandbox part for AssemblyAI (docs/providers/assemblyai.md, "API facts").

What it reproduces: the raw-key ``Authorization`` header (a ``Bearer`` prefix is refused,
so tests prove the tap sends the raw key); the newest-first transcript list with
``page_details`` built as the API does (``prev_url`` from ``before_id`` = the oldest id of
the page, ``next_url`` from ``after_id`` = the newest, non-null even on page 1, ``prev_url``
null on the last page); ``limit`` 1-200 (default 10); naive ``created`` timestamps;
transcripts in every status; the full transcript (``GET /v2/transcript/{id}``) matching its
list item, with words, utterances (speaker labels) and, for some, the audio-intelligence
results; unpaginated sentences and paragraphs (400 for transcripts that are not completed);
redacted audio for the transcripts created with ``redact_pii_audio`` (400 for the others,
202 while the file is still being made); LeMUR responses for three fixed request ids.

Scenarios: transcripts deleted by their owner (the list shows ``audio_url``
``http://deleted_by_user`` and the detail is the documented tombstone); old transcripts that
stay ``processing`` across several ``advance()`` calls ("long-pending"), one of which is
removed from the account meanwhile (a retention TTL: 404 by id, gone from the list).

Data size: at scale 1, 205 transcripts (2 pages at the tap's 200). Most real transcripts are
completed, but each completed one costs four requests (detail, sentences, paragraphs,
redacted audio), so the sandbox keeps about 30% completed (the rest failed, plus a few in
progress): a full sync stays near 400 requests.
"""

from __future__ import annotations

import random
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
NOT_FOUND = "Not found"
LEMUR_REQUEST_IDS = (
    "5b3f8a8e-1c1e-4d55-9d1a-000000000001",
    "5b3f8a8e-1c1e-4d55-9d1a-000000000002",
    "5b3f8a8e-1c1e-4d55-9d1a-000000000003",
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
TRANSCRIPTS_PER_SCALE = 205
COMPLETED_SHARE = 0.3
REDACTED_SHARE = 1 / 3
#: Completed transcripts whose owner deleted them (the API's tombstone).
DELETED_SHARE = 0.05
#: Completed transcripts requested with every audio-intelligence feature.
INTELLIGENCE_SHARE = 0.4
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
#: Long-pending transcripts, by position from the newest: how many ``advance()`` calls they
#: stay ``processing`` (then they complete); ``EXPIRES`` ones leave the account at the first
#: advance (a retention TTL), so the API answers 404 for them.
EXPIRES = -1
LONG_PENDING = {40: 1, 90: 3, 130: 1000, 160: EXPIRES}
NEW_PER_ADVANCE = 6
DELETED_URL = "http://deleted_by_user"
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
ENTITY_WORDS = {
    "Thursday": "date",
    "Friday": "date",
    "month.": "date",
    "email": "email_address",
    "billing": "banking_information",
    "engineering": "organization",
    "customers.": "occupation",
}
TOPICS = (
    "BusinessAndFinance>Business>SalesAndMarketing",
    "BusinessAndFinance>Industries>RetailIndustry",
    "Technology&Computing>Computing>ComputerSoftwareAndApplications",
    "PersonalFinance>PersonalDebt>CreditCards",
)
SAFETY_LABELS = ("profanity", "company_financials", "weapons")
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
    intelligence: bool = False
    completed: datetime | None = None
    error: str | None = None
    #: Deleted by its owner: the list and the detail show the tombstone.
    deleted: bool = False
    #: ``advance()`` calls this transcript still stays ``processing`` (long-pending).
    hold: int = 0
    #: Leaves the account at the next ``advance()`` (retention TTL).
    expires: bool = False
    #: The redacted audio file exists (it is made after completion: 202 until then).
    redacted_ready: bool = True
    #: Sentences, paragraphs, confidence and audio_duration once completed.
    segments: dict[str, Any] = field(default_factory=dict)

    def list_item(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "resource_url": f"{base_url}/v2/transcript/{self.id}",
            "status": self.status,
            # Naive ISO-8601 with microseconds and no zone ("Timestamps").
            "created": _naive(self.created),
            "completed": _naive(self.completed) if self.completed else None,
            "audio_url": DELETED_URL if self.deleted else self.audio_url,
            "error": self.error,
        }

    def utterances(self) -> list[dict[str, Any]] | None:
        """Consecutive sentences of one speaker, joined (speaker labels only)."""
        sentences = self.segments.get("sentences") or []
        if not sentences or sentences[0]["speaker"] is None:
            return None
        turns: list[list[dict[str, Any]]] = []
        for sentence in sentences:
            if turns and turns[-1][-1]["speaker"] == sentence["speaker"]:
                turns[-1].append(sentence)
            else:
                turns.append([sentence])
        return [
            {
                **_span([word for sentence in turn for word in sentence["words"]]),
                "speaker": turn[0]["speaker"],
                "channel": None,
            }
            for turn in turns
        ]


class AssemblyAISandbox(SandboxProvider):
    name = "assemblyai"

    def __init__(self, *, scale: int = 1, seed: int = 7, account: str | None = None) -> None:
        super().__init__(scale=scale, seed=seed, account=account)
        #: LeMUR request ids are per request, so another account has its own.
        self.lemur: dict[str, Any] = {
            (rid if account is None else str(uuid.uuid5(uuid.NAMESPACE_URL, f"{account}/{rid}"))): (
                answer
            )
            for rid, answer in LEMUR_RESPONSES.items()
        }
        #: Oldest first; the API lists them newest first.
        self.transcripts: list[Transcript] = []
        self.by_id: dict[str, Transcript] = {}
        self._removed = 0
        moment = FIRST_CREATED
        total = TRANSCRIPTS_PER_SCALE * scale
        for position in range(total):
            moment += timedelta(minutes=self.random.randint(120, 420))
            moment = moment.replace(microsecond=self.random.randint(0, 999_999))
            from_newest = total - 1 - position
            hold = LONG_PENDING.get(from_newest)
            if from_newest < len(HEAD_STATUSES):
                status = HEAD_STATUSES[from_newest]
            elif hold is not None:
                status = "processing"
            else:
                status = "completed" if self.random.random() < COMPLETED_SHARE else "error"
            transcript = self._new(moment, status)
            if hold is not None:
                transcript.hold, transcript.expires = max(hold, 0), hold == EXPIRES
            elif status == "completed" and self.random.random() < DELETED_SHARE:
                transcript.deleted = True
            self._add(transcript)
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
            intelligence=self.random.random() < INTELLIGENCE_SHARE,
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
            # Completed during an advance(): its redacted audio is made by the next one.
            transcript.redacted_ready = by is None
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
            speaker = "AB"[(number + (number > 2)) % 2] if speakers else None
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
            route("GET", r"/v2/transcript/(?P<id>[^/]+)", self._detail),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/sentences", self._segments_of),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/paragraphs", self._segments_of),
            route("GET", r"/v2/transcript/(?P<id>[^/]+)/redacted-audio", self._redacted_audio),
            route("GET", r"/lemur/v3/(?P<id>[^/]+)", self._lemur),
        ]

    @override
    def authorize(self, request: Request) -> Response | None:
        # The raw key only ("Authentication"): "Bearer <key>" is refused like a wrong key.
        if request.headers.get("Authorization") != self.own(API_KEY):
            return json_response({"error": AUTH_ERROR}, 401)
        return None

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "api_key": self.own(API_KEY),
            "lemur_request_ids": list(self.lemur),
            "base_url": base_url,
        }

    @override
    def expected_counts(self) -> dict[str, int]:
        final = [t for t in self.transcripts if t.status in ("completed", "error")]
        alive = [t for t in self.completed() if not t.deleted]
        return {
            "assemblyai_transcripts": len(self.transcripts),
            "assemblyai_transcript_details": len(final),
            "assemblyai_transcript_utterances": sum(len(t.utterances() or ()) for t in alive),
            "assemblyai_transcript_sentences": sum(len(t.segments["sentences"]) for t in alive),
            "assemblyai_transcript_paragraphs": sum(len(t.segments["paragraphs"]) for t in alive),
            "assemblyai_redacted_audio": sum(
                t.redact_pii_audio and t.redacted_ready for t in alive
            ),
            "assemblyai_lemur_responses": len(self.lemur),
        }

    @override
    def removed_counts(self) -> dict[str, int]:
        # An expired transcript was listed (in progress) before it went.
        return {"assemblyai_transcripts": self._removed}

    @override
    def advance(self) -> None:
        """An hour later: in-progress transcripts move on and new ones arrive.

        Long-pending transcripts stay ``processing`` for their ``hold``; one expires (it
        leaves the account); redacted audio of the last advance's completions is ready.
        """
        self.now += timedelta(hours=1)
        for transcript in self.newest_first():
            transcript.redacted_ready = True
            if transcript.expires:
                self.transcripts.remove(transcript)
                del self.by_id[transcript.id]
                self._removed += 1
            elif transcript.hold:
                transcript.hold -= 1
            elif transcript.status == "processing":
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
        return [self.own(API_KEY)]

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
            # Both cursors where after_id is not the newer one ("Pagination").
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

    def _detail(self, request: Request, match: re.Match[str]) -> Response:
        transcript = self.by_id.get(match["id"])
        if transcript is None:
            return json_response({"error": NOT_FOUND}, 404)
        if transcript.deleted:
            return json_response(_tombstone(transcript))
        return json_response(_detail(transcript))

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
        if transcript.deleted:
            # Not documented; the tombstone's words are null, so: no segments.
            segments = {"confidence": None, **segments, kind: []}
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
        if not transcript.redact_pii_audio or transcript.deleted:
            raise BadRequest(
                "Redacted audio is not available for this transcript: it was not "
                "created with redact_pii_audio enabled."
            )
        if not transcript.redacted_ready:
            # Still being made ("Redacted audio"): the body is not documented.
            return json_response({"status": "processing"}, 202)
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
        if request_id not in self.lemur:
            return json_response({"error": "LeMUR request not found"}, 404)
        response = self.lemur[request_id]
        words = len(str(response).split())
        return json_response(
            {
                "request_id": request_id,
                "usage": {"input_tokens": 1200 + 37 * words, "output_tokens": 2 * words},
                "response": response,
            }
        )


def _detail(transcript: Transcript) -> dict[str, Any]:
    """The full transcript, as ``GET /v2/transcript/{id}`` shapes it ("Transcript")."""
    segments = transcript.segments
    sentences = segments.get("sentences") or []
    words = [word for sentence in sentences for word in sentence["words"]]
    utterances = transcript.utterances()
    done = transcript.status == "completed"
    smart = transcript.intelligence
    # Two-speaker calls without intelligence were recorded one speaker per channel: the
    # utterances then carry the channel, and audio_channels is present ("Utterances").
    multichannel = utterances is not None and not smart
    if multichannel and utterances:
        utterances = [{**u, "channel": "1" if u["speaker"] == "A" else "2"} for u in utterances]
    body: dict[str, Any] = {
        "id": transcript.id,
        "status": transcript.status,
        "audio_url": transcript.audio_url,
        "speech_model": None,
        "speech_model_used": "universal" if done else None,
        "speech_models": ["universal"],
        "language_model": "assemblyai_default",
        "acoustic_model": "assemblyai_default",
        "language_code": "en_us",
        "language_detection": False,
        "language_confidence_threshold": None,
        "language_confidence": None,
        "text": " ".join(s["text"] for s in sentences) if done else None,
        "words": words if done else None,
        "utterances": utterances if done else None,
        "confidence": segments.get("confidence"),
        "audio_duration": segments.get("audio_duration"),
        "punctuate": True,
        "format_text": True,
        "disfluencies": False,
        "multichannel": multichannel,
        "speaker_labels": utterances is not None and not multichannel,
        "speakers_expected": None,
        "webhook_url": None,
        "webhook_status_code": None,
        "webhook_auth": False,
        "webhook_auth_header_name": None,
        "audio_start_from": None,
        "audio_end_at": None,
        "filter_profanity": False,
        "redact_pii": transcript.redact_pii_audio,
        "redact_pii_audio": transcript.redact_pii_audio,
        "redact_pii_audio_quality": "mp3" if transcript.redact_pii_audio else None,
        "redact_pii_policies": (
            ["email_address", "banking_information"] if transcript.redact_pii_audio else None
        ),
        "redact_pii_sub": "entity_name" if transcript.redact_pii_audio else None,
        "custom_spelling": None,
        "throttled": None,
        "speech_threshold": None,
        "remove_audio_tags": None,
        "auto_highlights": smart,
        "auto_chapters": smart,
        "summarization": smart,
        "summary_type": "bullets" if smart else None,
        "summary_model": "informative" if smart else None,
        "content_safety": smart,
        "iab_categories": smart,
        "sentiment_analysis": smart,
        "entity_detection": smart,
        "custom_topics": False,
        "topics": [],
        "auto_highlights_result": None,
        "chapters": None,
        "summary": None,
        "content_safety_labels": None,
        "iab_categories_result": None,
        "sentiment_analysis_results": None,
        "entities": None,
    }
    if multichannel:
        body["audio_channels"] = 2
    if transcript.error:
        body["error"] = transcript.error
    if done and smart:
        body.update(_intelligence(transcript.id, sentences, words))
    return body


def _intelligence(
    seed: str, sentences: list[dict[str, Any]], words: list[dict[str, Any]]
) -> dict[str, Any]:
    """Audio-intelligence results derived from the sentences (deterministic per transcript)."""
    pick = random.Random(seed)
    whole = {"start": sentences[0]["start"], "end": sentences[-1]["end"]}
    text = " ".join(s["text"] for s in sentences)
    phrases = sorted({w["text"].strip(".,?!") for w in words if len(w["text"]) > 6})[:4]
    topic = TOPICS[pick.randrange(len(TOPICS))]
    label = SAFETY_LABELS[pick.randrange(len(SAFETY_LABELS))]
    return {
        "auto_highlights_result": {
            "status": "success",
            "results": [
                {
                    "count": 1,
                    "rank": round(0.09 - 0.01 * rank, 2),
                    "text": phrase,
                    "timestamps": [
                        {"start": w["start"], "end": w["end"]}
                        for w in words
                        if w["text"].strip(".,?!") == phrase
                    ][:1],
                }
                for rank, phrase in enumerate(phrases)
            ],
        },
        "chapters": [
            {
                "gist": sentences[0]["text"].split()[0],
                "headline": sentences[0]["text"],
                "summary": text,
                **whole,
            }
        ],
        "summary": "\n".join(f"- {s['text']}" for s in sentences[:2]),
        "entities": [
            {"entity_type": kind, "text": w["text"], "start": w["start"], "end": w["end"]}
            for w in words
            if (kind := ENTITY_WORDS.get(w["text"]))
        ],
        "sentiment_analysis_results": [
            {
                "text": s["text"],
                "start": s["start"],
                "end": s["end"],
                "sentiment": ("POSITIVE", "NEUTRAL", "NEGATIVE")[pick.randrange(3)],
                "confidence": round(pick.uniform(0.5, 0.99), 4),
                "channel": None,
                "speaker": s["speaker"],
            }
            for s in sentences
        ],
        "iab_categories_result": {
            "status": "success",
            "results": [
                {
                    "text": text,
                    "labels": [{"relevance": round(pick.uniform(0.5, 1), 4), "label": topic}],
                    "timestamp": whole,
                }
            ],
            "summary": {topic: 1.0},
        },
        "content_safety_labels": {
            "status": "success",
            "results": [
                {
                    "text": text,
                    "labels": [
                        {
                            "label": label,
                            "confidence": round(pick.uniform(0.5, 0.99), 4),
                            "severity": round(pick.uniform(0.1, 0.9), 4),
                        }
                    ],
                    "sentences_idx_start": 0,
                    "sentences_idx_end": len(sentences) - 1,
                    "timestamp": whole,
                }
            ],
            "summary": {label: round(pick.uniform(0.5, 0.99), 4)},
            "severity_score_summary": {label: {"low": 0.5, "medium": 0.3, "high": 0.2}},
        },
    }


def _tombstone(transcript: Transcript) -> dict[str, Any]:
    """A deleted transcript's detail, as the API documents it ("Deletion")."""
    body = dict.fromkeys(_detail(transcript))
    body.update(
        {
            "id": transcript.id,
            "status": transcript.status,
            "language_model": "assemblyai_default",
            "acoustic_model": "assemblyai_default",
            "audio_url": DELETED_URL,
            "webhook_url": DELETED_URL,
            "text": "Deleted by user.",
            "audio_duration": transcript.segments.get("audio_duration"),
            "language_detection": False,
            "multichannel": False,
            "webhook_auth": False,
            "auto_highlights": False,
            "redact_pii": False,
            "summarization": False,
            "entity_detection": False,
            "sentiment_analysis": False,
            "disfluencies": True,
            # Undocumented fields the documented tombstone shows.
            "speaker_count": None,
            "cluster_id": None,
        }
    )
    return body


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
