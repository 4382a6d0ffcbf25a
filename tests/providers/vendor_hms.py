"""100ms payloads modelled on the vendor's documented example responses.

Written for these tests (not copied): the same fields, nesting, types and formats as the
examples on the pages cited next to each fixture, all under
https://www.100ms.live/docs/server-side/v2/api-reference/ (``100mslive/100ms-docs``,
``docs/server-side/v2/api-reference/…``). Where a page's table documents a field its
example leaves out, the fixture adds it with the documented type, so that every documented
field (docs/providers/hms.fields.json) has a value to arrive. The secrets below are fake
but shaped like real ones; tests assert that none reaches the output.
"""

from __future__ import annotations

import copy
from typing import Any

DOCS = "https://www.100ms.live/docs/server-side/v2/api-reference/"

# -- secrets the tap must mask --------------------------------------------------------------

#: A YouTube stream key, as in start-external-stream-for-room ("rtmp_urls").
YOUTUBE_KEY = "k0jv-329m-1y7f-ktth-ck48"
TWITCH_KEY = "live_814239077_Xq2VbN8sJ0aLkUo1pRz3TyC4dEfGh"
FACEBOOK_KEY = "FB-1204577-0-AbzN3mYtRk8sPq0w"
#: A room's own bucket secret (Rooms/update-a-room echoes it in its response).
ROOM_STORAGE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#: A template bucket's secretKey (policy/create-template-via-api, "credentials object").
TEMPLATE_STORAGE_SECRET = "Zx9q/TEMPLATEBUCKETSECRET+8f7e6d5c4b3a2"
#: A bearer token in a room's webhook headers (Rooms/create-via-api, "webhook arguments").
WEBHOOK_TOKEN = "whsec_8d1f7c2b9e0a4d6f8b3c5e7a9d1f3b5c"

SECRETS = (
    YOUTUBE_KEY,
    TWITCH_KEY,
    FACEBOOK_KEY,
    ROOM_STORAGE_SECRET,
    TEMPLATE_STORAGE_SECRET,
    WEBHOOK_TOKEN,
)
YOUTUBE_URL = f"rtmp://a.rtmp.youtube.com/live2/{YOUTUBE_KEY}"
TWITCH_URL = f"rtmp://live.twitch.tv/app/{TWITCH_KEY}"
FACEBOOK_URL = f"rtmps://live-api-s.facebook.com:443/rtmp/{FACEBOOK_KEY}"


def page(rows: list[dict[str, Any]], limit: int = 10) -> dict[str, Any]:
    """The ``{limit, data, last}`` list envelope (how-to-guides/make-api-calls)."""
    return {"limit": limit, "data": copy.deepcopy(rows), "last": rows[-1]["id"] if rows else ""}


# -- rooms: Rooms/list-rooms (first two) and Rooms/update-a-room (the third) -----------------

ROOMS = [
    {
        "id": "62bbc84a2f6f1b6bb00a6aa1",
        "name": "test-room",
        "enabled": True,
        "description": "This is a test room",
        "customer_id": "627cda54ff688c037a39291b",
        "recording_source_template": True,
        "template_id": "627cda81bd4f3b56b784227d",
        "template": "default_createown_e319635a-55b4-4fe4-b5b8-ae9e95891e31",
        "region": "in",
        "created_at": "2022-06-29T03:34:30.194Z",
        "key": "627cda54ff688c037a39291b:test-room",
        "updated_at": "0001-01-01T00:00:00Z",
        "large_room": False,
        "max_duration_seconds": 10000,
    },
    {
        "id": "627cda81bd4f3b56b077bc33",
        "name": "4b2705aa-7ddb-4b8d-a3a2-f470c06d0c03",
        "enabled": True,
        "description": "This is a test room",
        "customer_id": "627cda54ff688c037a39291b",
        "recording_source_template": False,
        "recording": {"enabled": False},
        "template_id": "627cda81bd4f3b56b784227d",
        "template": "default_createown_e319635a-55b4-4fe4-b5b8-ae9e95891e31",
        "region": "in",
        "created_at": "2022-05-12T09:59:29.343Z",
        "key": "627cda54ff688c037a39291b:4b2705aa-7ddb-4b8d-a3a2-f470c06d0c03",
        "updated_at": "0001-01-01T00:00:00Z",
        "large_room": True,
        "size": 19000,
        "max_duration_seconds": 2000,
    },
    {
        "id": "63215ea14354ff09328378c6",
        "name": "update-room-name",
        "enabled": True,
        "description": "Updated description for the room",
        "customer_id": "627cda54ff688c037a39291b",
        "app_id": "62510797903d857ab8ec3ba5",  # Rooms/create-via-api example
        "recording_source_template": False,
        "enabled_source_template": False,
        "recording_info": {
            "enabled": True,
            "upload_info": {
                "type": "s3",
                "location": "acme-recordings",
                "prefix": "100ms/",
                "credentials": {"key": "AKIAIOSFODNN7EXAMPLE", "secret": ROOM_STORAGE_SECRET},
                "options": {"region": "ap-south-1"},
            },
        },
        "max_duration_seconds": 10000,
        "template_id": "6311c9b3ba3f6f0133f899ee",
        "template": "new-template-1662110132",
        "region": "us",
        "created_at": "2022-09-14T04:54:57.707Z",
        "updated_at": "2022-09-26T12:17:48.37Z",
        "customer": "627cda54ff688c037a39291b",
        "polls": ["631b2654f771854d9bf633dg", "631b2654f771854d9bf633dh"],
        "webhook": {
            "url": "https://example-webhook.com/webhook",
            "headers": {"Authorization": f"Bearer {WEBHOOK_TOKEN}", "my-custom-header": "value"},
        },
    },
]

# -- sessions: Sessions/list-sessions (ended) and an active one shaped like it ----------------

SESSIONS = [
    {
        "id": "631a0fa23e3d9fdb00832596",
        "room_id": "631a0f990e6ffae22efa610c",
        "customer_id": "627cdddff2e4e30487862ad1",
        "active": False,
        "peers": {
            "a24687bb-de68-4276-9758-e1efa5e7e4d8": {
                "id": "a24687bb-de68-4276-9758-e1efa5e7e4d8",
                "session_id": "631a0fa23e3d9fdb00832596",
                "name": "asdas",
                "role": "host",
                "user_id": "Batch1-student1",
                "user": "Batch1-student1",  # deprecated; in the object table, not the examples
                "joined_at": "2022-09-08T15:52:02.194Z",
                "left_at": "2022-09-08T15:52:04.009Z",
            }
        },
        "created_at": "2022-09-08T15:52:02.197Z",
        "updated_at": "2022-09-08T15:52:04.015Z",
    },
    {
        "id": "63172c2d3e3d9fdb008322e1",
        "room_id": "627ce5b8f2e4e30487862adb",
        "customer_id": "627cdddff2e4e30487862ad1",
        "active": False,
        "peers": {
            "2d873b0a-c2c9-41dc-ac72-c6ea9b2f2cc3": {
                "id": "2d873b0a-c2c9-41dc-ac72-c6ea9b2f2cc3",
                "session_id": "63172c2d3e3d9fdb008322e1",
                "name": "Nixon K",
                "role": "backstage",
                "user_id": "Batch1-student10",
                "joined_at": "2022-09-06T11:17:01.816Z",
                "left_at": "2022-09-06T11:17:03.643Z",
            }
        },
        "created_at": "2022-09-06T11:17:01.817Z",
        "updated_at": "2022-09-06T11:17:03.65Z",
    },
]
#: An active session: what left_at says for a peer still in the room is undocumented.
ACTIVE_SESSION = {
    "id": "6645a1f23e3d9fdb00990011",
    "room_id": "631a0f990e6ffae22efa610c",
    "customer_id": "627cdddff2e4e30487862ad1",
    "active": True,
    "peers": {
        "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74": {
            "id": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
            "session_id": "6645a1f23e3d9fdb00990011",
            "name": "John",
            "role": "host",
            "user_id": "teacher-81",
            "joined_at": "2024-05-16T06:12:02.194Z",
        },
        "f706256e-6fda-4543-96c4-3b48f03d1a92": {
            "id": "f706256e-6fda-4543-96c4-3b48f03d1a92",
            "session_id": "6645a1f23e3d9fdb00990011",
            "name": "Nick",
            "role": "guest",
            "user_id": "student-3461",
            "joined_at": "2024-05-16T06:13:40.5Z",
            "left_at": "0001-01-01T00:00:00Z",
        },
        "27021c12-8635-4c13-b819-b3ecb736769a": {
            "id": "27021c12-8635-4c13-b819-b3ecb736769a",
            "session_id": "6645a1f23e3d9fdb00990011",
            "name": "Asha",
            "role": "guest",
            "user_id": "student-77",
            "joined_at": "2024-05-16T06:12:30.001Z",
            "left_at": "2024-05-16T06:20:11.87Z",
        },
    },
    "created_at": "2024-05-16T06:12:02.197Z",
    "updated_at": "2024-05-16T06:20:11.876Z",
}

# -- active-room peers: active-rooms/list-peers ------------------------------------------------

ACTIVE_ROOM_PEERS = {
    "peers": {
        "dcd88eb0-83e6-486a-bcae-c3be5e0f2c20": {
            "id": "dcd88eb0-83e6-486a-bcae-c3be5e0f2c20",
            "name": "John",
            "user_id": "student-3461",
            "metadata": "",
            "role": "student",
            "joined_at": "2023-01-25T12:06:34.080990401Z",
        },
        "4e03dce3-ddec-4bdd-b91b-0b18be1a7f10": {
            "id": "4e03dce3-ddec-4bdd-b91b-0b18be1a7f10",
            "name": "Nick",
            "user_id": "teacher-81",
            "metadata": "",
            "role": "teacher",
            "joined_at": "2023-01-25T12:04:30.366388779Z",
        },
    }
}

# -- analytics events: track-events, recording-events, error-events ---------------------------

_AGENT = {
    "sdk": "web",
    "device_model": "Chrome_125.0.0.0",
    "os_version": "10.15.7",
    "is_prebuilt": True,
    "framework_version": "18.2.0",
    "os": "web_Mac_OS",
    "framework_sdk_version": "0.10.15",
    "string": "os:web_Mac_OS,os_version:10.15.7,sdk:web,sdk_version:0.12.15,"
    "device_model:Chrome_125.0.0.0,env:prod,domain:HMS,is_prebuilt:true,framework:react-web,"
    "framework_version:18.2.0,framework_sdk_version:0.10.15",
    "framework": "react-web",
    "domain": "HMS",
    "sdk_version": "0.12.15",
}
EVENTS_ROOM = "633a78ee3bea2af508356a34"
EVENTS = {
    "limit": 5,
    "total": 5,
    "next": "",
    "events": [
        {  # analytics/track-events
            "version": "2.0",
            "id": "f64ebeec-9ab2-4d36-b445-affe5cda90a0",
            "timestamp": "2023-02-23T10:22:30.720047276Z",
            "type": "track.remove.success",
            "data": {
                "room_id": EVENTS_ROOM,
                "session_id": "63f73bf05223403c9671c5c9",
                "room_name": "exp",
                "peer_id": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
                "user_id": "187a1a92-150f-4506-83b7-d8a1cd716fb0",
                "user_name": "John",
                "joined_at": "2023-02-23T10:12:00.587243415Z",
                "role": "host",
                "track_id": "d3c7a05d-81ee-48a0-8a6a-ec36be966312",
                "stream_id": "cc6934ca-0c91-4cb7-8a97-293be2d0d8a8",
                "type": "audio",
                "source": "regular",
                "mute": False,
                "started_at": "2023-02-23T10:12:00.781851067Z",
                "stopped_at": "2023-02-23T10:22:30.718237635Z",
            },
        },
        {  # analytics/recording-events
            "version": "2.0",
            "id": "f3f18235-058c-432b-b8c2-8344c92743f6",
            "timestamp": "2023-01-09T06:18:29.462240675Z",
            "type": "beam.recording.success",
            "data": {
                "beam_id": "63bbb18fac740d9e9da5b4e9",
                "room_id": EVENTS_ROOM,
                "session_id": "63bbb18057b67ff2f92480b4",
                "peer_id": "03a9c974-de21-49c0-8aa1-99a0db86794d",
                "template_id": "639924068e1ce361bfce18a2",
                "created_at": "2023-01-09T06:18:28.933778219Z",
                "duration": 33,
                "location": "https://upload-location/bucket/beam/ac.mp4",  # deprecated
                "started_at": "2023-01-09T06:17:51.686Z",
                "stopped_at": "2023-01-09T06:18:24.821Z",
                "max_width": 1280,
                "max_height": 720,
                "recording_path": "s3://bucket/prefix/ac.mp4",
                "recording_presigned_url": "https://upload-location/bucket/ac.mp4",
                "meeting_url": "https://app.100ms.live/preview/rpe-pwl-akt?token=beam_recording",
                "rtmp": [{"url": "http://test.com"}],
                "session_started_at": "2023-01-09T06:17:36.823Z",
                "size": 15316104,
            },
        },
        {  # analytics/error-events, client.publish.failed
            "version": "2.0",
            "id": "00bbcf98-c52d-4346-8433-bf96371a7986",
            "timestamp": "2024-07-17T11:05:59.736511342Z",
            "type": "client.publish.failed",
            "data": {
                "user_id": "fd67bd8c-9925-4b83-8ade-e17f291b08ee",
                "user_name": "User 1",
                "peer_id": "27021c12-8635-4c13-b819-b3ecb736769a",
                "account_id": "51acb398a53602f378eaada1",
                "room_id": EVENTS_ROOM,
                "session_id": "5697a3eccbf384c702b76815",
                "room_name": "8584bd04-a259-4278-ac2d-73b055ee7447",
                "template_id": "62d2cb66088b0e92876a9149",
                "role": "host",
                "domain": "HMS",
                "is_terminal": False,
                "action": "PUBLISH",
                "error_code": 4006,
                "error_description": "local candidate - candidate:1267094175 1 udp 41886207",
                "error_message": "[PUBLISH]: Ice connection state DISCONNECTED",
                "error_name": "ICEDisconnected",
                "audio": {"maxBitrate": 0, "deviceId": "", "volume": 0, "codec": ""},
                "devices": {"videoInput": [], "audioInput": [], "audioOutput": []},
                "video": {
                    "deviceId": "",
                    "maxFramerate": 0,
                    "maxBitrate": 0,
                    "codec": "",
                    "height": 0,
                    "width": 0,
                },
                "agent": _AGENT,
            },
        },
        {  # analytics/error-events, client.join.failed
            "version": "2.0",
            "id": "55f109ae-8374-437e-86a9-695456a4836d",
            "timestamp": "2024-08-02T04:20:40.530450442Z",
            "type": "client.join.failed",
            "data": {
                "user_id": "84067887-d4a2-48d3-892a-2e16929f03d4",
                "user_name": "g2",
                "peer_id": "58ddb219-e3de-41f6-9511-a0bdf06823ef",
                "account_id": "61a4b18df0fd8f05f19aef53",
                "room_id": EVENTS_ROOM,
                "session_id": "66ac5e989b41849dde50f549",
                "room_name": "fa6f9811-ab92-4faa-b343-d6d078575cfd",
                "template_id": "649299b38fa2aaa45e69b777",
                "role": "host",
                "error_message": "sfu join failed",
                "error_code": 500,
                "error_description": "sfu join failed",
                "error_name": "ServerErrors",
                "action": "JOIN",
                "is_terminal": False,
                "domain": "HMS",
                "retries_join": 0,
                "agent": _AGENT,
            },
        },
        {  # analytics/error-events, client.connect.failed
            "version": "2.0",
            "id": "d043b29f-39e0-46b8-9c1e-4f38cbf3195d",
            "timestamp": "2024-07-04T12:36:48.073652876Z",
            "type": "client.connect.failed",
            "data": {
                "user_id": "832fb7d6-c5a4-43b1-8f1d-354a26ad9fa3",
                "user_name": "shubham",
                "peer_id": "b3f3c6bc-d942-4446-96dd-b7e141189e7a",
                "account_id": "61a4b18df0fd8f05f19aef53",
                "room_id": EVENTS_ROOM,
                "error_message": "Endpoint is not reachable - Failed to fetch",
                "endpoint": "",
                "transport_state": "Connecting",
                "action": "INIT",
                "error_name": "EndpointUnreachable",
                "error_code": 2003,
                "error_description": "Failed to fetch",
                "is_terminal": False,
                "agent": _AGENT,
            },
        },
    ],
}

# -- templates: policy/list-templates and the create-template-via-api response ----------------

_LAYERS = [
    {"rid": "f", "scaleResolutionDownBy": 1, "maxBitrate": 700, "maxFramerate": 25},
    {"rid": "h", "scaleResolutionDownBy": 2, "maxBitrate": 350, "maxFramerate": 25},
    {"rid": "q", "scaleResolutionDownBy": 4, "maxBitrate": 100, "maxFramerate": 25},
]


def _role(name: str, *, host: bool) -> dict[str, Any]:
    permissions = {
        "rtmpStreaming": True,
        "hlsStreaming": True,
        "browserRecording": True,
        "sendRoomState": False,
        "pollRead": True,
        "pollWrite": True,
    }
    if host:
        permissions |= {
            "endRoom": True,
            "removeOthers": True,
            "mute": True,
            "unmute": True,
            "changeRole": True,
        }
    return {
        "name": name,
        "role_id": "6324661c4da877930beaecab",  # the Airbyte schema's field
        "publishParams": {
            "allowed": ["audio", "video", "screen"],
            "audio": {"bitRate": 32, "codec": "opus"},
            "video": {"bitRate": 300, "codec": "vp8", "frameRate": 30, "width": 480, "height": 360},
            "screen": {
                "bitRate": 1024,  # in the "screen object" table
                "codec": "vp8",
                "frameRate": 10,
                "width": 1920,
                "height": 1080,
            },
            # The examples leave "screen": {}; its layers are typed as the video ones.
            "simulcast": {"video": {"layers": _LAYERS}, "screen": {"layers": _LAYERS[:1]}},
        },
        "subscribeParams": {
            "subscribeToRoles": ["guest", "host"],
            "maxSubsBitRate": 3200,
            "subscribeDegradation": {
                "packetLossThreshold": 25,
                "degradeGracePeriodSeconds": 1,
                "recoverGracePeriodSeconds": 4,
            },
        },
        "permissions": permissions,
        "priority": 1,
        "maxPeerCount": 0,
    }


TEMPLATE_SETTINGS = {
    "region": "in",
    "recording": {
        "enabled": False,  # deprecated, in the "recording object" table
        "upload": {
            "location": "acme-template-recordings",
            "type": "s3",
            "prefix": "templates/",
            "credentials": {"key": "AKIAI44QH8DHBEXAMPLE", "secretKey": TEMPLATE_STORAGE_SECRET},
            "options": {"region": "ap-south-1"},
        },
    },
    "roomState": {
        "messageInterval": 5,
        "sendPeerList": False,
        "stopRoomStateOnJoin": True,
        "enabled": False,
    },
    "retry": {},
    # Airbyte's schema; not in the 100ms examples.
    "subscribeDegradation": {
        "packetLossThreshold": 25,
        "degradeGracePeriodSeconds": 1,
        "recoverGracePeriodSeconds": 4,
    },
}
#: policy/retrieve-settings: ``recording`` is null without a bucket.
TEMPLATE_SETTINGS_WITHOUT_BUCKET = {
    "region": "in",
    "recording": None,
    "roomState": {
        "messageInterval": 5,
        "sendPeerList": False,
        "stopRoomStateOnJoin": True,
        "enabled": False,
    },
    "retry": {},
}
TEMPLATE_DESTINATIONS: dict[str, Any] = {
    "rtmpDestinations": {
        "youtube-and-twitch": {
            "name": "youtube-and-twitch",
            "width": 1080,
            "height": 1920,
            "maxDuration": 1800,
            "rtmpUrls": [YOUTUBE_URL, TWITCH_URL],
            "recordingEnabled": True,
            "autoStopTimeout": 300,  # in the "rtmpDestinations object" table
        }
    },
    "hlsDestinations": {
        "hls-main": {
            "name": "hls-main",
            "maxDuration": 28800,
            "layers": [
                {"width": 1080, "height": 720, "videoBitrate": 1100, "audioBitrate": 32},
                {"width": 720, "height": 720, "videoBitrate": 600},
            ],
            "playlistType": "event",
            "numPlaylistSegments": 12,
            "videoFrameRate": 25,
            "enableMetadataInsertion": True,
            "enableStaticUrl": True,
            "recording": {
                "hlsVod": True,
                "singleFilePerLayer": True,
                "enableZipUpload": False,
                "layers": [
                    {"width": 720, "height": 1920, "videoBitrate": 2000, "audioBitrate": 64}
                ],
                "thumbnails": {
                    "enabled": True,
                    "width": 720,
                    "height": 1920,
                    "offsets": [2],
                    "fps": 60,
                },
                "presignDuration": 604800,
            },
            "autoStopTimeout": 600,
        }
    },
    "transcriptions": {
        "captions": {
            "name": "captions",
            "role": "host",
            "modes": ["recorded", "live", "caption"],
            "outputModes": ["txt", "srt", "json"],
            "customVocabulary": ["100ms", "WebSDK", "Flutter"],
            "summary": {
                "enabled": True,
                "enable": True,  # the "summary object" table's spelling
                "context": "this is a meeting between 100ms SDK team and a user representative",
                "temperature": 0.5,
                "sections": [
                    {"title": "Agenda", "format": "bullets"},
                    {"title": "Short Summary", "format": "paragraph"},
                ],
            },
            "translation": {"enabled": True, "roleLanguages": {"host": "es", "guest": "fr"}},
        }
    },
    # Deprecated, still returned for older templates ("browserRecordings object").
    "browserRecordings": {
        "beam-1": {
            "name": "beam-1",
            "width": 1280,
            "height": 720,
            "maxDuration": 1800,
            # "Object of type thumbnails", typed as the HLS recording's.
            "thumbnails": {"enabled": True, "width": 320, "height": 180, "offsets": [2], "fps": 1},
            "presignDuration": 3600,
            "role": "beam",
            "autoStart": False,
            "autoStopTimeout": 300,
        }
    },
}
TEMPLATES = [
    {
        "id": "6324661c4da877930beaecaa",
        "name": "new-template-1663329820",
        "customerId": "627cda54ff688c037a39291b",
        "customer_id": "627cda54ff688c037a39291b",  # the template-object table's name
        "appId": "62510797903d857ab8ec3ba5",  # the Airbyte schema's field
        "roles": {"guest": _role("guest", host=False), "host": _role("host", host=True)},
        "settings": TEMPLATE_SETTINGS,
        "destinations": TEMPLATE_DESTINATIONS,
        "plugins": {
            "whiteboard": {
                "permissions": {"admin": ["host"], "writer": ["host"], "reader": ["guest"]}
            },
            "transcriptions": {"permissions": {"admin": ["host", "guest"]}, "mode": "caption"},
            "noiseCancellation": {},
        },
        "createdAt": "2022-09-16T12:03:40.068Z",
        "updatedAt": "2022-09-16T12:03:40.068Z",
        "_id": "6324661c4da877930beaecaa",
        "customer": "627cda54ff688c037a39291b",
    },
    {  # policy/list-templates: no bucket, no destinations
        "id": "63188115d11d6db790c73c60",
        "name": "new-template-1662550293",
        "customerId": "627cdddff2e4e30487862ad1",
        "roles": {"guest": _role("guest", host=False)},
        "settings": TEMPLATE_SETTINGS_WITHOUT_BUCKET,
        "destinations": {},
        "createdAt": "2022-09-07T11:31:33.618Z",
        "updatedAt": "2022-09-07T11:31:33.618Z",
        "_id": "63188115d11d6db790c73c60",
        "customer": "627cdddff2e4e30487862ad1",
    },
]

# -- recordings: recordings/list-all-recordings and recordings/get-recording ------------------

RECORDINGS = [
    {
        "id": "642531cf94091a5af841456d",
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "status": "completed",
        "created_at": "2023-03-30T06:53:03.67Z",
        "started_at": "2023-03-30T06:53:06.787Z",
        "updated_at": "2023-03-30T06:54:02.431Z",
        "stopped_at": "2023-03-30T06:53:58.182Z",
        "meeting_url": "https://acme.app.100ms.live/preview/635fe195f5e1f4a0abb7d1ae",
        "started_by": "3f174686-cef9-4d9e-b3d5-ed91773e7f3e",
        "stopped_by": "",
        "asset_types": ["room-composite", "chat", "transcript", "summary"],
        "destination": "s3://acme-recordings/100ms/",  # the Airbyte schema's field
        # Only the single GET embeds the assets (get-recording).
        "recording_assets": [
            {
                "id": "6425320e94091a5af841456f",
                "thumbnails": None,
                "metadata": {"resolution": {"width": 1280, "height": 720}},
                "duration": 55,
                "path": "s3://acme-recordings/100ms/642531cf/composite.mp4",
                "status": "completed",
                "created_at": "2023-03-30T06:54:06.45Z",
                "type": "room-composite",
                "size": 26361961,
            },
            {
                "id": "6425320e94091a5af841456e",
                "thumbnails": None,
                "metadata": {},
                "duration": 0,
                "path": "s3://acme-recordings/100ms/642531cf/chat.csv",
                "status": "completed",
                "created_at": "2023-03-30T06:54:06.434Z",
                "type": "chat",
                "size": 74,
            },
            {
                "id": "6425320e94091a5af841456d",
                "metadata": {"output_mode": "txt"},
                "duration": 55,
                "path": "s3://acme-recordings/100ms/642531cf/transcript.txt",
                "status": "completed",
                "created_at": "2023-03-30T06:56:06.54Z",
                "type": "transcript",
                "size": 50,
            },
        ],
    }
]

# -- recording assets: recording-assets/list-all-assets and the get-asset tabs ----------------


def _asset(n: int, kind: str, metadata: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"6425320e94091a5af84145{n:02x}",
        "job_id": "642531cf94091a5af841456d",
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "type": kind,
        "path": f"s3://acme-recordings/100ms/642531cf/{kind}",
        "thumbnails": None,
        "metadata": metadata,
        "duration": 100,
        "size": 892154,
        "status": "completed",
        "created_at": "2023-03-28T04:51:16.041Z",
        **extra,
    }


RECORDING_ASSETS = [
    # list-all-assets: ms timestamps, metadata of a room-vod
    _asset(
        0x70,
        "room-vod",
        {"num_layers": "4", "max_width": 1280, "max_height": 720},
        duration=30,
        size=364582,
        created_at="2023-03-30T06:23:03.216Z",
        thumbnails=["s3://acme-recordings/100ms/642531cf/thumb-0.jpg"],
    ),
    _asset(0x6F, "room-composite", {"resolution": {"width": 1920, "height": 1080}}),
    _asset(0x6E, "room-composite-legacy", {}, duration=0),
    _asset(0x6D, "transcript", {"output_mode": "txt"}, size=739),
    _asset(0x6C, "summary", {"output_mode": "json"}, size=1042),
    _asset(0x6B, "chat", {}, duration=0, size=10),
    _asset(
        0x6A,
        "track",
        {
            "track_id": "d3c7a05d-81ee-48a0-8a6a-ec36be966312",
            "stream_id": "cc6934ca-0c91-4cb7-8a97-293be2d0d8a8",
            "peer_id": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
            "track_type": "video",
        },
        duration=10,
    ),
    _asset(
        0x69,
        "stream",
        {
            "stream_id": "cc6934ca-0c91-4cb7-8a97-293be2d0d8a8",
            "peer_id": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
            "user_id": "187a1a92-150f-4506-83b7-d8a1cd716fb0",
            "stream_type": "screen",
            "media_type": "video",  # the Node SDK's RecordingMetadata
        },
        created_at="2024-02-29T04:51:16.041Z",
    ),
    # overview "Object as JSON": ns timestamp, a layer of a room-composite
    _asset(
        0x68,
        "room-composite",
        {"resolution": {"width": 1280, "height": 720}, "layer": "0"},
        duration=42,
        size=42,
        created_at="2023-03-02T07:44:27.010516042Z",
    ),
]

# -- live streams: live-streams/list-all-live-streams and get-live-stream ---------------------

_EMBEDDED_ASSETS = [
    {
        "id": "6400544be3d2e3b2c8b1a2f1",
        "thumbnails": ["s3://acme-recordings/100ms/hls/thumb-0.jpg"],
        "duration": 42,
        "path": "s3://acme-recordings/100ms/hls/layer-0.mp4",
        "status": "completed",
        "created_at": "2023-03-02T07:44:27.010516042Z",
        "type": "room-composite",
        "size": 42,
        "metadata": {"resolution": {"width": 1280, "height": 720}, "layer": "0"},
    },
    {
        "id": "6400544be3d2e3b2c8b1a2f2",
        "thumbnails": ["s3://acme-recordings/100ms/hls/thumb-1.jpg"],
        "duration": 42,
        "path": "s3://acme-recordings/100ms/hls/vod.zip",
        "status": "completed",
        "created_at": "2023-03-02T07:44:27.010516042Z",
        "type": "room-vod",
        "size": 42,
        "metadata": {"num_layers": "4", "max_width": 1920, "max_height": 1080},
    },
]
LIVE_STREAMS = [
    {
        "id": "6400544be3d2e3b2c8b1a2f0",
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "status": "completed",
        "destination": "hls-main",
        "playback": {"url": "https://cdn.100ms.live/beam/6400544b/master.m3u8"},
        "meeting_url": "https://acme.app.100ms.live/preview/635fe195f5e1f4a0abb7d1ae",
        "recording": {"hls_vod": True, "single_file_per_layer": True},
        "created_at": "2023-03-02T07:44:27.010516042Z",
        "started_at": "2023-03-02T07:44:27.010516042Z",
        "updated_at": "2023-03-02T07:44:27.010516042Z",
        "stopped_at": "2023-03-02T07:44:27.010516042Z",
        "started_by": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
        "stopped_by": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
        "recording_assets": _EMBEDDED_ASSETS,
    },
    {  # the list example: recording_assets null; started from the server, still running
        "id": "6400544be3d2e3b2c8b1a2e0",
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "status": "running",
        "destination": "hls-main",
        "playback": {"url": "https://cdn.100ms.live/beam/6400544a/master.m3u8"},
        "meeting_url": "https://acme.app.100ms.live/preview/635fe195f5e1f4a0abb7d1ae",
        "recording": {"hls_vod": False, "single_file_per_layer": False},
        "created_at": "2023-03-02T07:40:27.010516042Z",
        "started_at": "2023-03-02T07:40:30.1Z",
        "updated_at": "2023-03-02T07:40:30.2Z",
        "started_by": "",
        "stopped_by": "",
        "recording_assets": None,
    },
]

# -- external streams: external-streams/list-all-external-streams and get-external-stream -----

EXTERNAL_STREAMS = [
    {
        "id": "6400544be3d2e3b2c8b1a2d0",
        "room_id": "635fe195f5e1f4a0abb7d1ae",
        "session_id": "642531c8becbb0bb81952e36",
        "status": "completed",
        "destination": "youtube-and-twitch",
        "rtmp_urls": [YOUTUBE_URL, TWITCH_URL, FACEBOOK_URL],
        "meeting_url": "https://acme.app.100ms.live/preview/635fe195f5e1f4a0abb7d1ae",
        "recording": True,
        "resolution": {"width": 1280, "height": 720},
        "created_at": "2023-03-02T07:44:27.010516042Z",
        "started_at": "2023-03-02T07:44:27.010516042Z",
        "stopped_at": "2023-03-02T07:44:27.010516042Z",
        "updated_at": "2023-03-02T07:44:27.010516042Z",
        "started_by": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
        "stopped_by": "c8e85ab4-d533-4de0-ba7c-4c58a4de6c74",
        "recording_assets": [
            {
                "id": "6400544be3d2e3b2c8b1a2d1",
                "thumbnails": [],
                "duration": 42,
                "path": "s3://acme-recordings/100ms/rtmp/composite.mp4",
                "status": "completed",
                "created_at": "2023-03-02T07:44:27.010516042Z",
                "type": "room-composite",
                "size": 42,
                "metadata": {"resolution": {"width": 1280, "height": 720}},
            }
        ],
    }
]
