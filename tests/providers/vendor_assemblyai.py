"""AssemblyAI payloads shaped like the vendor's own documented examples.

Written for these tests (not copied): the same fields, nesting, types and formats as the
examples in the AssemblyAI OpenAPI spec, ``AssemblyAI/assemblyai-api-spec`` ``openapi.yml``
at commit 3dd3854484750f05053d16514090b3bf7db1d510 (cited below as "spec"). Where the
spec's example leaves a documented field out or null, the fixture fills it in from the
field's schema in the same spec, so that every documented field can be checked to arrive.
"""

from __future__ import annotations

from typing import Any

BASE = "https://api.assemblyai.com"
NEWEST = "b33f4691-85b7-4f31-be12-a87cef1c1229"
FAILED = "ce522f10-d204-42e8-a838-6b95098145cc"
DELETED = "47b95ba5-8889-44d8-bc80-5de38306e582"
OLDEST = "28a73d01-98db-41dd-9e98-2533ba0af117"

# spec: components.schemas.TranscriptList.example (newest first; prev_url = before_id of the
# oldest item, next_url = after_id of the newest). The deleted transcript's list item keeps
# status "completed" with audio_url "http://deleted_by_user", as in that example.
TRANSCRIPT_LIST: dict[str, Any] = {
    "page_details": {
        "limit": 4,
        "result_count": 4,
        "current_url": f"{BASE}/v2/transcript?limit=4",
        "prev_url": f"{BASE}/v2/transcript?limit=4&before_id={OLDEST}",
        "next_url": f"{BASE}/v2/transcript?limit=4&after_id={NEWEST}",
    },
    "transcripts": [
        {
            "id": NEWEST,
            "resource_url": f"{BASE}/v2/transcript/{NEWEST}",
            "status": "completed",
            "created": "2024-03-11T21:29:59.936851",
            "completed": "2024-03-11T21:30:07.314223",
            "audio_url": "https://assembly.ai/wildfires.mp3",
            "error": None,
        },
        {
            "id": FAILED,
            "resource_url": f"{BASE}/v2/transcript/{FAILED}",
            "status": "error",
            "created": "2024-03-11T21:23:59.979420",
            "completed": None,
            "audio_url": "https://storage.googleapis.com/client-docs-samples/nbc.oopsie",
            "error": (
                "Download error, unable to download "
                "https://storage.googleapis.com/client-docs-samples/nbc.oopsie. Please make "
                "sure the file exists and is accessible from the internet."
            ),
        },
        {
            "id": DELETED,
            "resource_url": f"{BASE}/v2/transcript/{DELETED}",
            "status": "completed",
            "created": "2024-03-11T21:18:31.120044",
            "completed": "2024-03-11T21:18:40.002187",
            "audio_url": "http://deleted_by_user",
            "error": None,
        },
        {
            "id": OLDEST,
            "resource_url": f"{BASE}/v2/transcript/{OLDEST}",
            "status": "completed",
            "created": "2024-03-11T21:12:57.372215",
            "completed": "2024-03-11T21:13:03.267020",
            "audio_url": "https://assembly.ai/nbc.mp3",
            "error": None,
        },
    ],
}

# spec: components.schemas.TranscriptList.example, last page: prev_url null.
TRANSCRIPT_LIST_END: dict[str, Any] = {
    "page_details": {
        "limit": 4,
        "result_count": 0,
        "current_url": f"{BASE}/v2/transcript?limit=4&before_id={OLDEST}",
        "prev_url": None,
        "next_url": None,
    },
    "transcripts": [],
}


def _word(
    text: str, start: int, end: int, confidence: float, speaker: str | None
) -> dict[str, Any]:
    # spec: components.schemas.TranscriptWord (channel is null unless multichannel).
    return {
        "text": text,
        "start": start,
        "end": end,
        "confidence": confidence,
        "channel": None,
        "speaker": speaker,
    }


SPEAKER_A_WORDS = [
    _word("Smoke", 250, 650, 0.97503, "A"),
    _word("from", 730, 1022, 0.99999, "A"),
    _word("hundreds", 1076, 1418, 0.99843, "A"),
    _word("of", 1434, 1614, 0.85, "A"),
    _word("wildfires.", 1652, 2346, 0.89657, "A"),
]
SPEAKER_B_WORDS = [
    _word("Good", 27850, 28262, 0.99667, "B"),
    _word("morning.", 28316, 28920, 0.99742, "B"),
]

# spec: components.schemas.Transcript.example ("wildfires"), trimmed text, with the fields the
# example leaves out or null filled in from components.schemas.Transcript: chapters
# (Chapter), sentiment_analysis_results (SentimentAnalysisResult), speech_understanding
# (SpeakerIdentificationRequestBody / SpeakerIdentificationResponse), translated_texts,
# language_codes, language_detection_options, redact_pii_audio_options, custom_spelling,
# keyterms_prompt, prompt, temperature, speech_model_used, speech_models, audio_channels,
# summary and summary_type, error.
TRANSCRIPT: dict[str, Any] = {
    "id": NEWEST,
    "speech_model": None,
    "speech_model_used": "universal",
    "speech_models": ["universal-3-pro", "universal"],
    "language_model": "assemblyai_default",
    "acoustic_model": "assemblyai_default",
    "language_code": "en_us",
    "language_codes": ["en", "es"],
    "language_detection": True,
    "language_detection_options": {
        "expected_languages": ["en", "es"],
        "fallback_language": "auto",
        "code_switching": True,
        "code_switching_confidence_threshold": 0.3,
    },
    "language_confidence_threshold": 0.7,
    "language_confidence": 0.9959,
    "status": "completed",
    "audio_url": "https://assembly.ai/wildfires.mp3",
    "text": "Smoke from hundreds of wildfires. Good morning.",
    "words": [{**word, "speaker": None} for word in SPEAKER_A_WORDS + SPEAKER_B_WORDS],
    # spec: components.schemas.TranscriptUtterance; translated_texts only with translation.
    "utterances": [
        {
            "confidence": 0.9359033333333334,
            "end": 2346,
            "speaker": "A",
            "start": 250,
            "text": "Smoke from hundreds of wildfires.",
            "channel": None,
            "words": SPEAKER_A_WORDS,
            "translated_texts": {"es": "Humo de cientos de incendios forestales."},
        },
        {
            "confidence": 0.997045,
            "end": 28920,
            "speaker": "B",
            "start": 27850,
            "text": "Good morning.",
            "channel": None,
            "words": SPEAKER_B_WORDS,
            "translated_texts": {"es": "Buenos días."},
        },
    ],
    "confidence": 0.9404651451800253,
    "audio_duration": 281,
    "audio_channels": 1,
    "punctuate": True,
    "format_text": True,
    "multichannel": False,
    "webhook_url": "https://your-webhook-url.tld/path",
    "webhook_status_code": 200,
    "webhook_auth": True,
    "webhook_auth_header_name": "webhook-secret",
    "auto_highlights_result": {
        "status": "success",
        "results": [
            {
                "count": 1,
                "rank": 0.08,
                "text": "air quality alerts",
                "timestamps": [{"start": 3978, "end": 5114}],
            },
            {
                "count": 3,
                "rank": 0.07,
                "text": "weather systems",
                "timestamps": [
                    {"start": 47344, "end": 47958},
                    {"start": 205268, "end": 205818},
                    {"start": 211588, "end": 213434},
                ],
            },
        ],
    },
    "auto_highlights": True,
    "audio_start_from": 10,
    "audio_end_at": 280,
    "filter_profanity": True,
    "redact_pii": True,
    "redact_pii_audio": True,
    "redact_pii_audio_quality": "mp3",
    "redact_pii_audio_options": {
        "return_redacted_no_speech_audio": False,
        "override_audio_redaction_method": "silence",
    },
    "redact_pii_policies": ["us_social_security_number", "credit_card_number"],
    "redact_pii_sub": "hash",
    "speaker_labels": True,
    "speakers_expected": 2,
    "content_safety": True,
    "iab_categories": True,
    "content_safety_labels": {
        "status": "success",
        "results": [
            {
                "text": "Smoke from hundreds of wildfires. Good morning.",
                "labels": [
                    {
                        "label": "disasters",
                        "confidence": 0.8142836093902588,
                        "severity": 0.4093044400215149,
                    }
                ],
                "sentences_idx_start": 0,
                "sentences_idx_end": 5,
                "timestamp": {"start": 250, "end": 28840},
            }
        ],
        "summary": {"disasters": 0.9940800441842205, "health_issues": 0.9216489289040967},
        "severity_score_summary": {
            "disasters": {"low": 0.5733263024656846, "medium": 0.42667369753431533, "high": 0.0},
            "health_issues": {
                "low": 0.22863814977924785,
                "medium": 0.45014154926938227,
                "high": 0.32122030095136983,
            },
        },
    },
    "iab_categories_result": {
        "status": "success",
        "results": [
            {
                "text": "Smoke from hundreds of wildfires. Good morning.",
                "labels": [
                    {
                        "relevance": 0.988274097442627,
                        "label": "Home&Garden>IndoorEnvironmentalQuality",
                    },
                    {"relevance": 0.5821335911750793, "label": "NewsAndPolitics>Weather"},
                ],
                "timestamp": {"start": 250, "end": 28840},
            }
        ],
        "summary": {
            "NewsAndPolitics>Weather": 1.0,
            "Home&Garden>IndoorEnvironmentalQuality": 0.9043831825256348,
        },
    },
    "custom_spelling": [{"from": ["Decarlo", "De Carlo"], "to": "DeCarlo"}],
    "keyterms_prompt": ["particulate matter", "Johns Hopkins"],
    "prompt": "A radio interview about wildfire smoke.",
    "temperature": 0.0,
    "throttled": None,
    "auto_chapters": True,
    # spec: components.schemas.Chapter (the example has chapters: null).
    "chapters": [
        {
            "gist": "Wildfire smoke",
            "headline": "Smoke from Canadian wildfires triggers air quality alerts across the US",
            "summary": "Air quality alerts are in place from Maine to Minnesota.",
            "start": 250,
            "end": 28840,
        }
    ],
    "summarization": True,
    "summary_type": "bullets",
    "summary_model": "informative",
    "summary": "- Smoke from Canadian wildfires is triggering air quality alerts.",
    "custom_topics": True,
    "topics": [],
    "speech_threshold": 0.5,
    "speed_boost": False,
    "remove_audio_tags": None,
    "disfluencies": False,
    "sentiment_analysis": True,
    # spec: components.schemas.SentimentAnalysisResult (the example has null here).
    "sentiment_analysis_results": [
        {
            "text": "Smoke from hundreds of wildfires.",
            "start": 250,
            "end": 2346,
            "sentiment": "NEGATIVE",
            "confidence": 0.7127,
            "channel": None,
            "speaker": "A",
        }
    ],
    "entity_detection": True,
    "entities": [
        {"entity_type": "location", "text": "Canada", "start": 2548, "end": 3130},
        {"entity_type": "person_name", "text": "Peter de Carlo", "start": 18948, "end": 19930},
    ],
    # spec: components.schemas.Transcript.properties.speech_understanding (request and
    # response are oneOf translation / speaker identification / custom formatting).
    "speech_understanding": {
        "request": {
            "speaker_identification": {
                "speaker_type": "role",
                "known_values": ["host", "guest"],
                "speakers": [{"role": "host", "name": "Interviewer", "description": "asks"}],
            },
            "translation": {
                "target_languages": ["es"],
                "formal": True,
                "match_original_utterance": True,
            },
            "custom_formatting": {
                "date": "mm/dd/yyyy",
                "phone_number": "(xxx)xxx-xxxx",
                "email": "username@domain.com",
            },
        },
        "response": {
            "speaker_identification": {"mapping": {"A": "host", "B": "guest"}, "status": "success"},
            "translation": {"status": "success"},
            "custom_formatting": {
                "mapping": {"06/14/2023": "06/14/2023"},
                "formatted_text": "Smoke from hundreds of wildfires. Good morning.",
            },
        },
    },
    # spec: Transcript.translated_texts documents {language_code: string}; the utterance's
    # translated_texts is a map keyed by language code. Both forms are accepted.
    "translated_texts": {"language_code": "es", "es": "Humo de cientos de incendios forestales."},
}

# spec: components.examples.DeleteTranscriptResponse: status stays "completed", the text and
# URLs become placeholders, words, utterances and results null; audio_duration stays.
# speaker_count and cluster_id are undocumented fields that only this example shows.
DELETED_TRANSCRIPT: dict[str, Any] = {
    "id": DELETED,
    "language_model": "assemblyai_default",
    "acoustic_model": "assemblyai_default",
    "language_code": None,
    "language_detection": False,
    "language_confidence_threshold": None,
    "language_confidence": None,
    "status": "completed",
    "audio_url": "http://deleted_by_user",
    "text": "Deleted by user.",
    "words": None,
    "utterances": None,
    "confidence": None,
    "audio_duration": 390,
    "punctuate": None,
    "format_text": None,
    "multichannel": False,
    "webhook_url": "http://deleted_by_user",
    "webhook_status_code": None,
    "webhook_auth": False,
    "webhook_auth_header_name": None,
    "speed_boost": None,
    "auto_highlights_result": None,
    "auto_highlights": False,
    "audio_start_from": None,
    "audio_end_at": None,
    "filter_profanity": None,
    "redact_pii": False,
    "redact_pii_audio": None,
    "redact_pii_audio_quality": None,
    "redact_pii_policies": None,
    "redact_pii_sub": None,
    "speaker_labels": None,
    "speaker_count": None,
    "error": None,
    "content_safety": None,
    "iab_categories": None,
    "content_safety_labels": None,
    "iab_categories_result": None,
    "custom_spelling": None,
    "cluster_id": None,
    "throttled": None,
    "custom_topics": None,
    "topics": None,
    "speech_threshold": None,
    "speech_model": None,
    "remove_audio_tags": None,
    "disfluencies": True,
    "entity_detection": False,
    "entities": None,
    "speakers_expected": None,
    "summarization": False,
    "sentiment_analysis": False,
    "sentiment_analysis_results": None,
}

# A failed transcript's detail: spec components.schemas.Transcript with status "error" and
# the error message of the list example; the results of a failed run are null.
FAILED_TRANSCRIPT: dict[str, Any] = {
    **{key: None for key in TRANSCRIPT if key not in ("words", "utterances")},
    "id": FAILED,
    "status": "error",
    "error": TRANSCRIPT_LIST["transcripts"][1]["error"],
    "audio_url": TRANSCRIPT_LIST["transcripts"][1]["audio_url"],
    "language_model": "assemblyai_default",
    "acoustic_model": "assemblyai_default",
    "webhook_auth": False,
    "auto_highlights": False,
    "redact_pii": False,
    "summarization": False,
    "words": None,
    "utterances": None,
}

# spec: components.schemas.SentencesResponse.example (words trimmed).
SENTENCES: dict[str, Any] = {
    "sentences": [
        {
            "text": "Smoke from hundreds of wildfires.",
            "start": 250,
            "end": 2346,
            "confidence": 0.72412,
            "words": SPEAKER_A_WORDS,
            "channel": None,
            "speaker": "A",
        },
        {
            "text": "Good morning.",
            "start": 27850,
            "end": 28920,
            "confidence": 0.99667,
            "words": SPEAKER_B_WORDS,
            "channel": None,
            "speaker": "B",
        },
    ],
    "id": NEWEST,
    "confidence": 0.9579390654205628,
    "audio_duration": 281,
}

# spec: components.schemas.ParagraphsResponse.example (paragraphs have no speaker/channel).
PARAGRAPHS: dict[str, Any] = {
    "paragraphs": [
        {
            "text": "Smoke from hundreds of wildfires. Good morning.",
            "start": 250,
            "end": 28920,
            "confidence": 0.73033,
            "words": SPEAKER_A_WORDS + SPEAKER_B_WORDS,
        }
    ],
    "id": NEWEST,
    "confidence": 0.9578730257009361,
    "audio_duration": 281,
}

# spec: components.schemas.RedactedAudioResponse.example (a signed, short-lived S3 URL).
REDACTED_AUDIO: dict[str, Any] = {
    "redacted_audio_url": (
        "https://s3.us-west-2.amazonaws.com/api.assembly.ai.usw2/redacted-audio/"
        f"{NEWEST}.wav?AWSAccessKeyId=aws-access-key0id&Signature=signature"
        "&x-amz-security-token=security-token&Expires=1698966551"
    ),
    "status": "redacted_audio_ready",
}

LEMUR_STRING_ID = "5e1b27c2-691f-4414-8bc5-f14678442f9e"
LEMUR_QA_ID = "5e1b27c2-691f-4414-8bc5-f14678442fa0"
# spec: components.schemas.LemurStringResponse.example.
LEMUR_STRING: dict[str, Any] = {
    "request_id": LEMUR_STRING_ID,
    "response": "Based on the transcript, these places were affected:\n\n- Maine\n- Maryland\n",
    "usage": {"input_tokens": 27, "output_tokens": 3},
}
# spec: components.schemas.LemurQuestionAnswerResponse.example.
LEMUR_QUESTION_ANSWER: dict[str, Any] = {
    "request_id": LEMUR_QA_ID,
    "response": [
        {"answer": "CA, US", "question": "Where are there wildfires?"},
        {"answer": "yes", "question": "Is global warming affecting wildfires?"},
    ],
    "usage": {"input_tokens": 27, "output_tokens": 3},
}
