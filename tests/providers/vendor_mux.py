"""Mux responses shaped like the vendor's own examples, written for these tests.

Each payload follows an example Mux publishes (the Elixir SDK's fixtures,
``muxinc/mux-elixir`` ``lib/mux/support/fixtures.ex`` at eb736873, and the example ids and
values of the API reference, https://www.mux.com/docs/api-reference), filled out with every
field the generated SDK models declare (``muxinc/mux-node-sdk`` at 89eff086, file named next
to each payload), with the same nesting, types and formats. Ids and values are invented.
"""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]

# src/resources/shared.ts PlaybackId; fixtures.ex playback_id().
PLAYBACK_ID: Payload = {"policy": "public", "id": "FRDDXsjcNgD013rx1M4CDunZ86xkq8A02hfF3b6XAa7iE"}
DRM_PLAYBACK_ID: Payload = {
    "policy": "drm",
    "id": "kD02gZs1qTq9cOOg8HgqEgVCq4F7x4v9x8kq01",
    "drm_configuration_id": "Y8J3c4cVpnt3MIi01t01lF4k6jbc8vhyp2",
}

# src/resources/video/assets.ts AssetOptions (17 fields); fixtures.ex live_stream()
# "new_asset_settings" and the API reference's create-asset example (input with overlay).
NEW_ASSET_SETTINGS: Payload = {
    "advanced_playback_policies": [
        {"policy": "drm", "drm_configuration_id": "Y8J3c4cVpnt3MIi01t01lF4k6jbc8vhyp2"}
    ],
    "copy_overlays": True,
    "encoding_tier": "smart",
    "input": [
        {
            "url": "https://muxed.s3.amazonaws.com/leds.mp4",
            "type": "video",
            "start_time": 0.0,
            "end_time": 12.5,
            "overlay_settings": {
                "vertical_align": "bottom",
                "vertical_margin": "5%",
                "horizontal_align": "right",
                "horizontal_margin": "5%",
                "width": "10%",
                "height": "10%",
                "opacity": "90%",
            },
            "generated_subtitles": [
                {"language_code": "en", "name": "English (generated)", "passthrough": "asr"}
            ],
        },
        {
            "url": "https://example.com/subtitles-fr.vtt",
            "type": "text",
            "text_type": "subtitles",
            "language_code": "fr",
            "name": "Français",
            "closed_captions": False,
            "passthrough": "French",
        },
    ],
    # "inputs" is the newer spelling of "input" (same item type): filled in below.
    "inputs": [],
    "master_access": "none",
    "max_resolution_tier": "1080p",
    "meta": {"title": "Studio recording", "creator_id": "studio-a", "external_id": "rec-42"},
    "mp4_support": "none",
    "normalize_audio": False,
    "passthrough": "live-recording",
    "per_title_encode": False,
    "playback_policies": ["public"],
    "playback_policy": ["public"],
    "static_renditions": [{"resolution": "highest", "passthrough": "download"}],
    "test": False,
    "video_quality": "plus",
}

NEW_ASSET_SETTINGS["inputs"] = [dict(item) for item in NEW_ASSET_SETTINGS["input"]]

# src/resources/video/assets.ts Asset, Track; fixtures.ex asset() (tracks, ids, epoch
# strings) with static renditions as the API reference's asset example lists them.
ASSET: Payload = {
    "id": "00ecNLnqiG8v00TLqqeZ00uCE5wCAaO3kKc",
    "created_at": "1521503163",
    "status": "ready",
    "duration": 23.872,
    "aspect_ratio": "16:9",
    "encoding_tier": "smart",
    "ingest_type": "on_demand_url",
    "master_access": "temporary",
    "max_resolution_tier": "1080p",
    "max_stored_frame_rate": 29.97,
    "max_stored_resolution": "HD",
    "mp4_support": "none",
    "playback_ids": [PLAYBACK_ID, DRM_PLAYBACK_ID],
    "resolution_tier": "1080p",
    "test": False,
    "video_quality": "plus",
    "tracks": [
        {
            "type": "video",
            "max_width": 1920,
            "max_height": 1080,
            "max_frame_rate": 29.97,
            "id": "7wVkNSIVRAIKB1oj6jezHK1BATAXuwy3",
            "duration": 23.8238,
            "status": "ready",
        },
        {
            "type": "audio",
            "max_channels": 2,
            "max_channel_layout": "stereo",
            "id": "PnA02RYkGox02I01NDr02yAzp5qqAiOS401VgQO1pg00gByzk",
            "duration": 23.872,
            "primary": True,
            "language_code": "en",
            "name": "English",
            "status": "ready",
        },
        {
            "type": "text",
            "text_type": "subtitles",
            "text_source": "generated_vod",
            "status": "ready",
            "passthrough": "English",
            "name": "English (generated)",
            "language_code": "en",
            "auto_language_confidence": 0.97,
            "closed_captions": False,
            "id": "2",
        },
    ],
    "errors": {"type": "invalid_input", "messages": ["The input track had no audio"]},
    "per_title_encode": False,
    "upload_id": "OOTbA00CpWh6OgwV3asF00IvD2STk22UXM",
    "is_live": False,
    "passthrough": "Example",
    "live_stream_id": "aA02skpHXoLrbQm49qIzAG6RtewFOcDEY",
    "master": {
        "status": "ready",
        "url": "https://master.mux.com/00ecNLnqiG8v00TLqqeZ00uCE5wCAaO3kKc/master.mp4",
    },
    "source_asset_id": "01itgOBvgjAbES7Inwvu4kEBtsQ44HFL6",
    "normalize_audio": False,
    "static_renditions": {
        "status": "ready",
        "files": [
            {
                "id": "J9eG7gMmF01x4Xn02GeYhPd9q2s9pHjF7o",
                "type": "standard",
                "status": "ready",
                "name": "highest.mp4",
                "ext": "mp4",
                "resolution": "highest",
                "resolution_tier": "1080p",
                "height": 1080,
                "width": 1920,
                "bitrate": 4_400_000,
                "filesize": "13130000",
                "passthrough": "download",
            },
            {
                "id": "a5Yb01G5WBOsj3R02lqcZ00Ub5Ywl8gGX9",
                "type": "advanced",
                "status": "preparing",
                "name": "audio.m4a",
                "ext": "m4a",
                "resolution": "audio-only",
                "resolution_tier": "audio-only",
                "bitrate": 128_000,
                "filesize": "382000",
            },
        ],
    },
    "recording_times": [
        {"started_at": "2018-03-19T23:46:03Z", "duration": 23.872, "type": "content"}
    ],
    "non_standard_input_reasons": {
        "video_codec": "hevc",
        "audio_codec": "pcm_s16le",
        "video_gop_size": "high",
        "video_frame_rate": "120",
        "video_resolution": "4096x2160",
        "video_bitrate": "high",
        "pixel_aspect_ratio": "4:3",
        "video_edit_list": "non-standard",
        "audio_edit_list": "non-standard",
        "unexpected_media_file_parameters": "non-standard",
        "unsupported_pixel_format": "yuv444p",
    },
    "meta": {"title": "Intro", "creator_id": "editorial", "external_id": "intro-1"},
    "progress": {"state": "completed", "progress": 100},
}

# src/resources/video/live-streams.ts LiveStream, SimulcastTarget; fixtures.ex live_stream(),
# live_stream(:subtitles), simulcast_target().
LIVE_STREAM: Payload = {
    "stream_key": "54676b58-6b19-5acb-f5bf-3aa35222efc6",
    "status": "idle",
    "reconnect_window": 60,
    "playback_ids": [
        {"policy": "public", "id": "iOkfIGstt4u1eYdFcPKGTWKz75Acpv3w"},
        DRM_PLAYBACK_ID,
    ],
    "new_asset_settings": NEW_ASSET_SETTINGS,
    "id": "aA02skpHXoLrbQm49qIzAG6RtewFOcDEY",
    "created_at": "1557338261",
    "latency_mode": "standard",
    "max_continuous_duration": 43200,
    "srt_passphrase": "8dac9e1e8f3d63a0b2d0e5e0c79e04c0",
    "test": False,
    "active_asset_id": "00ecNLnqiG8v00TLqqeZ00uCE5wCAaO3kKc",
    "recent_asset_ids": ["00ecNLnqiG8v00TLqqeZ00uCE5wCAaO3kKc"],
    "passthrough": "Example",
    "audio_only": False,
    "embedded_subtitles": [
        {
            "name": "English CC",
            "language_code": "en",
            "language_channel": "cc1",
            "passthrough": "Example",
        }
    ],
    "generated_subtitles": [
        {
            "name": "English (auto)",
            "language_code": "en",
            "passthrough": "asr",
            "transcription_vocabulary_ids": ["ANZLqMO4E01TQW01SyFJfrdZzvjMVuyYqE"],
        }
    ],
    "use_slate_for_standard_latency": True,
    "reconnect_slate_url": "https://image.example.com/slate.png",
    "reduced_latency": False,
    "low_latency": False,
    "simulcast_targets": [
        {
            "id": "vuOfW021mz5QA500wYEQ9SeUYvuYnpFz011mqSvski5T8claN02JN9ve2g",
            "url": "rtmp://live.example1.com/app",
            "stream_key": "abcdefgh",
            "passthrough": "Example 1",
            "status": "errored",
            "error_severity": "normal",
        },
        {
            "id": "Xe7sm4xhU7V7ONQ01mjBm9CmJEoxkYJ5A00mBD7Ma01xNM",
            "url": "srt://srt.example2.com:6001?streamid=abcd1234&passphrase=s3cr3t-p4ss",
            "status": "idle",
        },
    ],
    "active_ingest_protocol": "rtmp",
    "meta": {"title": "Studio feed"},
}

# src/resources/video/uploads.ts Upload; fixtures.ex upload() (signed GCS PUT URL).
UPLOAD: Payload = {
    "url": (
        "https://storage.googleapis.com/video-storage-us-east1-uploads/"
        "OOTbA00CpWh6OgwV3asF00IvD2STk22UXM?Expires=1545157644&GoogleAccessId="
        "mux-direct-upload%40mux-cloud.iam.gserviceaccount.com&Signature=bloopblop"
    ),
    "timeout": 3600,
    "status": "errored",
    "new_asset_settings": NEW_ASSET_SETTINGS,
    "id": "OOTbA00CpWh6OgwV3asF00IvD2STk22UXM",
    "cors_origin": "http://localhost:8080",
    "test": False,
    "asset_id": "00ecNLnqiG8v00TLqqeZ00uCE5wCAaO3kKc",
    "error": {"type": "invalid_file", "message": "File could not be processed"},
}

# src/resources/system/signing-keys.ts SigningKey; fixtures.ex signing_key(). The list
# never returns private_key (only the create call does); it is here to test its mask.
SIGNING_KEY: Payload = {
    "id": "3kXq01SS00BQZqHHIq1egKAhuf7urAc400C",
    "created_at": "1540341580",
    "private_key": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVB",
}

# src/resources/video/playback-restrictions.ts; fixtures.ex playback_restriction().
PLAYBACK_RESTRICTION: Payload = {
    "updated_at": "1653174155",
    "referrer": {"allowed_domains": ["*.example.com"], "allow_no_referrer": True},
    "user_agent": {"allow_no_user_agent": False, "allow_high_risk_user_agent": False},
    "id": "uP6cf00TE5HUvfdEmI6PR01vXQgZEjydC3",
    "created_at": "1653174155",
}

# src/resources/video/transcription-vocabularies.ts; fixtures.ex transcription_vocabulary().
TRANSCRIPTION_VOCABULARY: Payload = {
    "created_at": "1657242248",
    "id": "ANZLqMO4E01TQW01SyFJfrdZzvjMVuyYqE",
    "name": "API Vocabulary",
    "phrases": ["Mux", "Live Stream", "Playback ID"],
    "passthrough": "product",
    "updated_at": "1657242248",
}

# src/resources/data/video-views.ts AbridgedVideoView (14 fields); fixtures.ex video_views()
# (its "02 =>18 =>41" times are an Elixir conversion artefact, written here as ISO 8601).
VIDEO_VIEWS_PAGE: Payload = {
    "total_row_count": 2,
    "timeframe": [1_516_241_921, 1_516_501_121],
    "data": [
        {
            "viewer_os_family": None,
            "viewer_application_name": "Chrome",
            "view_start": "2018-01-19T02:18:11.316Z",
            "view_end": "2018-01-19T02:18:41.940Z",
            "video_title": None,
            "total_row_count": 2,
            "player_error_message": None,
            "player_error_code": None,
            "id": "DEM1z65UMx6Ldcgq9tDR9tkJNTqlE5eNlN4",
            "error_type_id": 1087,
            "country_code": None,
            "playback_failure": True,
            "viewer_experience_score": 0.52,
            "watch_time": 30624,
        },
        {
            "viewer_os_family": "Mac OS X",
            "viewer_application_name": "Chrome",
            "view_start": "2018-01-19T02:17:05.001Z",
            "view_end": "2018-01-19T02:19:41.940Z",
            "video_title": "Intro",
            "total_row_count": 2,
            "player_error_message": "Media failed to decode",
            "player_error_code": "3",
            "id": "k8n4aklUyrRDekILDWta1qSJqNFpYB7N50",
            "error_type_id": 1088,
            "country_code": "US",
            "playback_failure": False,
            "viewer_experience_score": 0.91,
            "watch_time": 156939,
        },
    ],
}

# src/resources/data/errors.ts ErrorsResponse; fixtures.ex errors().
ERRORS_RESPONSE: Payload = {
    "total_row_count": None,
    "timeframe": [1_516_320_000, 1_516_406_400],
    "data": [
        {
            "percentage": 0.6666666666666666,
            "notes": "This is a really crazy note",
            "message": "This is a message for this crazy error",
            "last_seen": "2018-01-20T01:18:48.054Z",
            "id": 1121,
            "description": (
                "If we're going to understand this error, first we need to understand life itself."
            ),
            "count": 2,
            "code": 1,
            "player_error_code": "1",
        },
        {
            "percentage": 0.3333333333333333,
            "notes": None,
            "message": "This is a message for this crazy error",
            "last_seen": "2018-01-19T23:18:48.054Z",
            "id": 1120,
            "description": None,
            "count": 1,
            "code": 3,
            "player_error_code": None,
        },
    ],
}

# src/resources/data/incidents.ts Incident; fixtures.ex incidents() and incident() (the
# latter with impact and affected_views* null although the SDK types them non-null).
INCIDENTS_PAGE: Payload = {
    "total_row_count": 2,
    "timeframe": [1_563_237_968, 1_563_324_368],
    "data": [
        {
            "threshold": 50,
            "status": "closed",
            "started_at": "2019-07-17T00:46:08.344Z",
            "severity": "alert",
            "sample_size_unit": "views",
            "sample_size": 100,
            "resolved_at": "2019-07-17T02:11:52.120Z",
            "notifications": [
                {
                    "id": 4211,
                    "attempted_at": "2019-07-17T00:46:09.001Z",
                    "queued_at": "2019-07-17T00:46:08.512Z",
                }
            ],
            "notification_rules": [
                {
                    "id": "nr-18",
                    "action": "email",
                    "property_id": "pid1083",
                    "status": "enabled",
                    "rules": [{"id": "r-3", "name": "country", "value": "US"}],
                }
            ],
            "measurement": "error_rate",
            "measured_value_on_close": 12.4,
            "measured_value": 55.7,
            "incident_key": "country=US",
            "impact": "*30 views* have been affected so far at a rate of *60 per hour*",
            "id": "pid1083",
            "error_description": "This is a message for this crazy error",
            "description": (
                "Overall error-rate is significantly high (55.7%) due to an error of "
                "*This is a message for this crazy error*"
            ),
            "breakdowns": [{"value": "957", "name": "error_type_id", "id": "pid1077"}],
            "affected_views_per_hour_on_open": 30,
            "affected_views_per_hour": 60,
            "affected_views": 30,
        },
        {
            "threshold": 50,
            "status": "open",
            "started_at": "2019-07-16T23:46:12.047Z",
            "severity": "alert",
            "sample_size_unit": "views",
            "sample_size": 100,
            "resolved_at": None,
            "notifications": [],
            "notification_rules": [],
            "measurement": "error_rate",
            "measured_value_on_close": None,
            "measured_value": 55.7,
            "incident_key": "country=US",
            "impact": None,
            "id": "ABCD1234",
            "error_description": "This is a message for this crazy error",
            "description": "Overall error-rate is significantly high (55.7%)",
            "breakdowns": [{"value": "989", "name": "error_type_id", "id": "pid1949"}],
            "affected_views_per_hour_on_open": None,
            "affected_views_per_hour": None,
            "affected_views": None,
        },
    ],
}

# src/resources/video/delivery-usage.ts DeliveryReport, PageWithTotal envelope (with
# "limit"); fixtures.ex delivery_usage() (epoch-second strings, fractional seconds).
DELIVERY_USAGE_PAGE: Payload = {
    "total_row_count": 2,
    "timeframe": [1_566_259_200, 1_566_345_600],
    "limit": 100,
    "data": [
        {
            "passthrough": "Example 1",
            "delivered_seconds": 2040.533333,
            "created_at": "1566324794",
            "asset_state": "ready",
            "asset_id": "XwYTXo41yZD2xDIOKp2p00",
            "asset_duration": 480.533333,
            "asset_resolution_tier": "1080p",
            "asset_video_quality": "plus",
            "asset_encoding_tier": "smart",
            "live_stream_id": "aA02skpHXoLrbQm49qIzAG6RtewFOcDEY",
            "delivered_seconds_by_resolution": {
                "tier_audio_only": 12.0,
                "tier_720p": 840.2,
                "tier_1080p": 1188.333333,
                "tier_1440p": 0.0,
                "tier_2160p": 0.0,
            },
        },
        {
            "passthrough": "Example 2",
            "delivered_seconds": 96.0,
            "created_at": "1566240000",
            "deleted_at": "1566331200",
            "asset_state": "deleted",
            "asset_id": "Ng7qS3H3yE6Km6dvYp6ZZ02",
            "asset_duration": 48.0,
            "asset_resolution_tier": "720p",
            "asset_encoding_tier": "baseline",
            "delivered_seconds_by_resolution": {"tier_720p": 96.0},
        },
    ],
}

#: One documented example per stream, as served in a list envelope.
LIST_BODIES: dict[str, Payload] = {
    "mux_video_assets": {"data": [ASSET], "next_cursor": None},
    "mux_video_live_streams": {"data": [LIVE_STREAM]},
    "mux_system_signing_keys": {"data": [SIGNING_KEY]},
    "mux_video_signing_keys": {"data": [SIGNING_KEY]},
    "mux_video_playback_restrictions": {"data": [PLAYBACK_RESTRICTION]},
    "mux_video_transcription_vocabularies": {"data": [TRANSCRIPTION_VOCABULARY]},
    "mux_video_uploads": {"data": [UPLOAD]},
    "mux_data_video_views": VIDEO_VIEWS_PAGE,
    "mux_data_errors": ERRORS_RESPONSE,
    "mux_data_incidents": INCIDENTS_PAGE,
    "mux_video_delivery_usage": DELIVERY_USAGE_PAGE,
}
