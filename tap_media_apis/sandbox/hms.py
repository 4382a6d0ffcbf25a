"""Sandbox part for 100ms (docs/providers/hms.md, "API facts").

Real envelopes: lists are ``{limit, data, last}`` with ``limit`` 10..100 (default 10) and
``start`` = the previous ``last``; active-room peers are a map keyed by peer id (404 for a
room without an active session); template destinations are maps of maps (older templates
still carry ``browserRecordings``); analytics events are ``{limit, total, next, events}``,
need ``room_id`` (400 without) and page with an opaque ``next``. The documented defaults
``enabled=true`` (rooms) and ``active=true`` (sessions) are applied, so a client that leaves
them out misses disabled rooms and ended sessions. A quarter of the rooms were never
updated and say ``updated_at: 0001-01-01T00:00:00Z``. Recording assets, live streams and
external streams come newest first, as every example of the docs (the order itself is
undocumented).

Session peers: an ended session's peers all have ``left_at``; in an active session the
first peer has already left, and a peer still in the room has no ``left_at`` or Go's zero
time (undocumented: both forms appear). Secrets the tap must mask sit where 100ms puts
them: stream keys in RTMP URLs (external streams, template destinations), a room's own
bucket credentials (``recording_info.upload_info.credentials.secret``), webhook headers,
the template bucket's ``secretKey``.

Auth: ``Authorization: Bearer <management token>``, an HS256 JWT signed with the app
secret, ``type: management``, ``version: 2``, this app's ``access_key`` and an ``exp`` in
the future (401 ``Token validation error`` otherwise).

Sizes at scale 1 (requests of a full sync in brackets, limit 100): 50 rooms, 44 enabled
and 6 disabled [2], each with an events request [50 + 2 more pages for the room with 230
events]; 260 sessions, 8 active and 252 ended [1 + 3], with 673 peers [0: they come with
the sessions]; active-room peers of the 8 rooms with an active session [8]; 10 templates
with a settings and a destinations request each [1 + 20]; 150 recordings [2]; 345
recording assets [4]; 40 live streams [1]; 24 external streams [1]. That is 95 requests
(80 for the incremental run after ``advance()``). Rooms stay at one page each so the
per-room children keep the total low; the several-page lists are sessions, recordings,
recording assets and the busiest room's events (``scale`` 3 gives enabled rooms two pages).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from typing_extensions import override

from tap_media_apis.sandbox.api import (
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

ACCESS_KEY = "sandbox-hms-access-key"
APP_SECRET = "sandbox-hms-app-secret"
#: A recording bucket's secret key inside template settings: the tap must never emit it.
STORAGE_SECRET = "sandbox-hms-storage-secret-key"
ZERO_TIME = "0001-01-01T00:00:00Z"
#: Sandbox "now": all initial data is older; advance() moves it on by a day.
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
LIST_LIMITS = (10, 100)
EVENT_LIMITS = (1, 100)
DEFAULT_LIMIT = 10
REGIONS = ("in", "us", "eu", "auto")
ROLES = ("host", "guest", "viewer", "backstage")
NAMES = ("Asha", "Ben", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jo", "Kai")
EVENT_TYPES = ("track.add.success", "track.update.success", "track.remove.success")
#: Where external streams go: an RTMP URL is "the combination of RTMP server URL and stream
#: key" (docs/providers/hms.md, "RTMP URLs"): host and app path, then the key.
RTMP_SERVERS = (
    "rtmp://a.rtmp.youtube.com/live2",
    "rtmps://live-api-s.facebook.com:443/rtmp",
    "rtmp://live.twitch.tv/app",
    "rtmps://global-live.mux.com:443/app",
)
BEAM_STATUSES = ("starting", "running", "stopping", "post_processing", "completed", "failed")


def _rfc3339(moment: datetime, digits: int) -> str:
    """Go's RFC3339Nano style: trailing zeros of the fraction trimmed (``…03.67Z``)."""
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{moment.microsecond:06d}{(moment.microsecond * 7) % 1000:03d}"[:digits]
    fraction = fraction.rstrip("0")
    return f"{base}.{fraction}Z" if fraction else f"{base}Z"


def _ms(moment: datetime) -> str:
    return _rfc3339(moment, 3)


def _ns(moment: datetime) -> str:
    return _rfc3339(moment, 9)


class HmsSandbox(SandboxProvider):
    name = "hms"

    def __init__(self, *, scale: int = 1, seed: int = 7, account: str | None = None) -> None:
        super().__init__(scale=scale, seed=seed, account=account)
        #: RTMP stream keys, storage secrets and webhook tokens handed out in records: the
        #: tap must never emit them.
        self.stream_keys: list[str] = []
        self.now = NOW
        self.customer_id = self._oid()
        self.app_id = self._oid()
        self.templates = [self._template(i) for i in range(10 * scale)]
        self.rooms = [self._room(i) for i in range(50 * scale)]
        #: room id -> the peers of its active session (only active rooms are keys).
        self.active_peers: dict[str, dict[str, dict[str, Any]]] = {}
        self.sessions: list[dict[str, Any]] = []
        enabled = [room for room in self.rooms if room["enabled"]]
        for room in enabled[1 : 1 + 8 * scale]:
            self._start_session(room, NOW - timedelta(minutes=self.random.randint(5, 90)))
        for i in range(252 * scale):
            started = _spread(40, i, 252 * scale) + timedelta(seconds=7)
            self._ended_session(self.random.choice(self.rooms), started)
        self.events: dict[str, list[dict[str, Any]]] = {}
        self._add_events(self.rooms[0], 230, NOW - timedelta(days=3))
        for room in self.rooms[2 : 2 + 30 * scale : 2]:
            self._add_events(room, self.random.randint(3, 25), NOW - timedelta(days=5))
        self.recordings = [self._recording(i) for i in range(150 * scale)]
        self.assets: list[dict[str, Any]] = []
        for recording in self.recordings:
            self._recording_assets(recording)
        self.live_streams = [self._live_stream(i) for i in range(40 * scale)]
        self.external_streams = [self._external_stream(i) for i in range(24 * scale)]

    # -- data -----------------------------------------------------------------------

    def _oid(self) -> str:
        return f"{self.random.getrandbits(96):024x}"

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def _template(self, i: int) -> dict[str, Any]:
        oid = self._oid()
        created = _spread(200, i, 10 * self.scale) + timedelta(hours=i % 24)
        destinations: dict[str, Any] = {
            "rtmpDestinations": {
                self._uuid(): {
                    "name": f"youtube-{i}-{n}",
                    "width": 1280,
                    "height": 720,
                    "maxDuration": 10800,
                    "rtmpUrls": [self._rtmp_url(i + n)],
                    "recordingEnabled": n == 0,
                    "autoStopTimeout": 300,
                }
                for n in range(i % 3)
            },
            "hlsDestinations": {
                self._uuid(): {
                    "name": f"hls-{i}",
                    "maxDuration": 28800,
                    "layers": [
                        {"width": 1280, "height": 720, "videoBitrate": 1100, "audioBitrate": 32}
                    ],
                    "playlistType": "event",
                    "numPlaylistSegments": 12,
                    "videoFrameRate": 25,
                    "enableMetadataInsertion": True,
                    "enableStaticUrl": i % 2 == 0,
                    "recording": {
                        "hlsVod": True,
                        "singleFilePerLayer": False,
                        "enableZipUpload": False,
                        "presignDuration": 604800,
                    },
                    "autoStopTimeout": 600,
                }
            }
            if i % 2 == 0
            else {},
            "transcriptions": {
                self._uuid(): {
                    "name": f"transcript-{i}",
                    "role": "host",
                    "modes": ["recorded", "caption"],
                    "outputModes": ["txt", "srt", "json"],
                    "customVocabulary": ["100ms", "SDK"],
                    "summary": {
                        "enabled": True,
                        "context": "weekly sync",
                        "temperature": 0.5,
                        "sections": [{"title": "Agenda", "format": "bullets"}],
                    },
                    "translation": {"enabled": True, "roleLanguages": {"guest": "es"}},
                }
            }
            if i % 3 == 1
            else {},
        }
        # Older templates still carry the deprecated key (hms.md, "Template destinations").
        if i < 4:
            destinations["browserRecordings"] = {
                self._uuid(): {
                    "name": f"beam-{i}",
                    "width": 1920,
                    "height": 1080,
                    "maxDuration": 1800,
                    "thumbnails": {"width": 320, "height": 180},
                    "presignDuration": 3600,
                    "role": "beam",
                    "autoStart": i % 2 == 1,
                    "autoStopTimeout": 300,
                }
            }
        roles = {
            role: {
                "name": role,
                "role_id": self._oid(),
                "priority": n + 1,
                "maxPeerCount": 0,
                "permissions": {"endRoom": role == "host", "mute": role == "host"},
                "publishParams": {"allowed": ["audio", "video"] if role != "viewer" else []},
                "subscribeParams": {"subscribeToRoles": list(ROLES[:2]), "maxSubsBitRate": 3200},
            }
            for n, role in enumerate(ROLES[: 2 + i % 3])
        }
        return {
            "id": oid,
            "_id": oid,
            "name": f"template-{i:02d}",
            "customerId": self.customer_id,
            "customer": self.customer_id,  # deprecated twin of customerId
            "appId": self.app_id,
            "roles": roles,
            "settings": {
                "region": REGIONS[i % len(REGIONS)],
                "recording": {
                    "enabled": i % 2 == 0,
                    "upload": {
                        "type": "s3",
                        "location": f"recordings-{i}",
                        "prefix": "hms/",
                        "options": {"region": "eu-west-1"},
                        "credentials": {"key": f"AKIASANDBOX{i:04d}", "secretKey": STORAGE_SECRET},
                    },
                },
                "roomState": {
                    "messageInterval": 5,
                    "sendPeerList": False,
                    "stopRoomStateOnJoin": True,
                    "enabled": i % 2 == 1,
                },
                "retry": {},
                "subscribeDegradation": {
                    "packetLossThreshold": 25,
                    "degradeGracePeriodSeconds": 1,
                    "recoverGracePeriodSeconds": 4,
                },
            },
            "destinations": destinations,
            "plugins": {"whiteboard": {"permissions": {}}},
            "createdAt": _rfc3339(created, 2),
            "updatedAt": _rfc3339(created + timedelta(days=i % 5, minutes=13), 2),
        }

    def _room(self, i: int, created: datetime | None = None) -> dict[str, Any]:
        template = self.templates[i % len(self.templates)]
        created = created or _spread(60, i, 50 * self.scale) + timedelta(seconds=i % 60)
        name = f"room-{i:04d}"
        return {
            "id": self._oid(),
            "name": name,
            "enabled": i % 8 != 7,
            "description": f"Sandbox room {i}",
            "customer_id": self.customer_id,
            "customer": self.customer_id,
            "app_id": self.app_id,
            "recording_source_template": i % 3 == 0,
            "recording": {"enabled": i % 3 == 0},
            "template_id": template["id"],
            "template": template["name"],
            "region": REGIONS[i % len(REGIONS)],
            "created_at": _ms(created),
            # A quarter were never updated: Go's zero time (hms.md, "Timestamps").
            "updated_at": ZERO_TIME if i % 4 == 0 else _ms(created + timedelta(hours=3)),
            "key": f"{self.customer_id}:{name}",
            "large_room": i % 10 == 0,
            "size": 0,
            "max_duration_seconds": 43200,
            "polls": [self._oid()] if i % 5 == 1 else [],
            "enabled_source_template": i % 3 == 0,
            **({"recording_info": self._room_recording_info(i)} if i % 3 == 1 else {}),
            **({"webhook": self._room_webhook(i)} if i % 2 else {}),
        }

    def _room_recording_info(self, i: int) -> dict[str, Any]:
        """A room with its own bucket: the update-room example shows the credentials."""
        if i % 2:
            return {"enabled": False}
        secret = f"sandbox-room-storage-secret-{i:04d}"
        self.stream_keys.append(secret)
        return {
            "enabled": True,
            "upload_info": {
                "type": "s3",
                "location": f"room-recordings-{i}",
                "prefix": "rooms/",
                "options": {"region": "ap-south-1"},
                "credentials": {"key": f"AKIAROOM{i:08d}", "secret": secret},
            },
        }

    def _room_webhook(self, i: int) -> dict[str, Any]:
        token = f"sandbox-webhook-token-{i:04d}"
        self.stream_keys.append(token)
        return {
            "url": "https://hooks.example.com/100ms",
            "headers": {"Authorization": f"Bearer {token}", "X-Source": "100ms"},
        }

    def _rtmp_url(self, n: int) -> str:
        key = "-".join(f"{self.random.getrandbits(16):04x}" for _ in range(5))
        self.stream_keys.append(key)
        return f"{RTMP_SERVERS[n % len(RTMP_SERVERS)]}/{key}"

    def _peer(self, session: dict[str, Any], joined: datetime) -> dict[str, Any]:
        return {
            "id": self._uuid(),
            "session_id": session["id"],
            "name": self.random.choice(NAMES),
            "role": self.random.choice(ROLES[:2]),
            "user_id": f"user-{self.random.randint(1, 500)}",
            "joined_at": _ms(joined),
        }

    def _session(self, room: dict[str, Any], started: datetime, peers: int) -> dict[str, Any]:
        oid = self._oid()
        session: dict[str, Any] = {
            "id": oid,
            "_id": oid,
            "room_id": room["id"],
            "customer_id": self.customer_id,
            "app_id": self.app_id,
            "active": True,
            "peers": {},
            "created_at": _ms(started),
            "updated_at": _ms(started + timedelta(seconds=2)),
        }
        for n in range(peers):
            peer = self._peer(session, started + timedelta(seconds=n * 41))
            session["peers"][peer["id"]] = peer
        session["user_id"] = next(iter(session["peers"].values()))["user_id"]
        self.sessions.append(session)
        return session

    def _start_session(self, room: dict[str, Any], started: datetime) -> None:
        session = self._session(room, started, self.random.randint(2, 5))
        # What left_at says for a peer still in the room is undocumented: absent for some,
        # Go's zero time for others; the first peer has already left.
        for n, peer in enumerate(session["peers"].values()):
            if n == 0:
                peer["left_at"] = _ms(started + timedelta(seconds=30))
            elif n % 2 == 0:
                peer["left_at"] = ZERO_TIME
        gone = next(iter(session["peers"]))
        self.active_peers[room["id"]] = {
            peer_id: {
                "id": peer_id,
                "name": peer["name"],
                "user_id": peer["user_id"],
                "metadata": "" if n % 2 else '{"hand_raised": false}',
                "role": peer["role"],
                # Nanoseconds here (hms.md, "Active-room peers").
                "joined_at": _ns(started + timedelta(seconds=n * 41, microseconds=80990)),
            }
            for n, (peer_id, peer) in enumerate(session["peers"].items())
            if peer_id != gone
        }

    def _ended_session(self, room: dict[str, Any], started: datetime) -> None:
        session = self._session(room, started, self.random.randint(1, 4))
        ended = started + timedelta(minutes=self.random.randint(5, 120))
        session["active"] = False
        session["ended_at"] = _ms(ended)
        session["updated_at"] = _ms(ended + timedelta(milliseconds=6))
        for n, peer in enumerate(session["peers"].values()):
            # The last to leave ends the session; the others left earlier.
            left = ended - timedelta(seconds=0 if n == 0 else 60 * n)
            peer["left_at"] = _ms(max(left, started + timedelta(seconds=n * 41 + 5)))

    def _add_events(self, room: dict[str, Any], count: int, first: datetime) -> None:
        events = self.events.setdefault(room["id"], [])
        session_id, peer_id = self._oid(), self._uuid()
        for n in range(count):
            moment = first + timedelta(seconds=n * 17, microseconds=783118 + n)
            kind = EVENT_TYPES[n % len(EVENT_TYPES)]
            events.append(
                {
                    "version": "2.0",
                    "id": self._uuid(),
                    "timestamp": _ns(moment),
                    "type": kind,
                    "data": {
                        "room_id": room["id"],
                        "room_name": room["name"],
                        "session_id": session_id,
                        "peer_id": peer_id,
                        "user_id": "user-42",
                        "user_name": "Asha",
                        "role": "host",
                        "joined_at": _ns(first - timedelta(seconds=3)),
                        "track_id": self._uuid(),
                        "stream_id": self._uuid(),
                        "type": "audio" if n % 2 else "video",
                        "source": "regular",
                        "mute": n % 4 == 1,
                        "started_at": _ns(first),
                        **({"stopped_at": _ns(moment)} if kind == "track.remove.success" else {}),
                    },
                }
            )

    def _recording(self, i: int, created: datetime | None = None) -> dict[str, Any]:
        session = self.sessions[(i * 7) % len(self.sessions)]
        created = created or _spread(40, i, 150 * self.scale) + timedelta(seconds=3)
        done = i % 10 != 9
        return {
            "id": self._oid(),
            "room_id": session["room_id"],
            "session_id": session["id"],
            "status": "completed" if done else "running",
            "created_at": _ms(created),
            "started_at": _ms(created + timedelta(seconds=3, milliseconds=117)),
            "updated_at": _ms(created + timedelta(minutes=31 if done else 1)),
            "stopped_at": _ms(created + timedelta(minutes=30)) if done else "",
            "meeting_url": f"https://sandbox.app.100ms.live/preview/{session['room_id']}",
            "started_by": self._uuid() if i % 2 else "",
            "stopped_by": "",
            "asset_types": ["room-composite", "chat"] if done else [],
            **({"destination": f"s3://recordings-{i % 10}/hms/{session['id']}/"} if done else {}),
        }

    def _asset(
        self, job_id: str, session: dict[str, Any], kind: str, created: datetime, **extra: Any
    ) -> dict[str, Any]:
        by_kind: dict[str, dict[str, Any]] = {
            "room-composite": {"resolution": {"width": 1280, "height": 720}},
            "room-vod": {"num_layers": "4", "max_width": 1280, "max_height": 720},
            "transcript": {"output_mode": "txt"},
            "summary": {"output_mode": "json"},
            "track": {
                "track_id": self._uuid(),
                "stream_id": self._uuid(),
                "peer_id": next(iter(session["peers"])),
                "track_type": "audio",
            },
        }
        metadata = by_kind.get(kind, {})
        asset = {
            "id": self._oid(),
            "job_id": job_id,
            "room_id": session["room_id"],
            "session_id": session["id"],
            "type": kind,
            "path": f"s3://recordings-hms/{session['room_id']}/{job_id}/{kind}.mp4",
            # Only room-vod has thumbnails; every documented example says null.
            "thumbnails": None,
            "metadata": metadata,
            "duration": 0 if kind in ("chat", "room-composite-legacy") else 1800,
            "size": self.random.randint(1_000, 900_000_000),
            "status": "completed" if self.random.random() > 0.03 else "failed",
            # Milliseconds in the list example, nanoseconds on the object page.
            "created_at": _ns(created) if len(self.assets) % 3 == 0 else _ms(created),
            **extra,
        }
        self.assets.append(asset)
        return asset

    def _recording_assets(self, recording: dict[str, Any]) -> None:
        """The files a finished recording leaves: one asset per type it lists."""
        if recording["status"] != "completed":
            return
        session = next(s for s in self.sessions if s["id"] == recording["session_id"])
        done = _moment(recording["updated_at"])
        kinds = list(recording["asset_types"])
        if len(self.assets) % 9 == 0:
            kinds += ["transcript", "summary"]
        if len(self.assets) % 13 == 0:
            kinds.append("track")
        for n, kind in enumerate(kinds):
            self._asset(recording["id"], session, kind, done + timedelta(seconds=n))

    def _beam(self, i: int, created: datetime, *, status: str) -> dict[str, Any]:
        """The fields live and external streams share (a "beam" job)."""
        session = self.sessions[(i * 11) % len(self.sessions)]
        stopped = status in ("completed", "failed", "post_processing")
        started_by = "" if i % 3 == 0 else next(iter(session["peers"]))
        beam: dict[str, Any] = {
            "id": self._oid(),
            "room_id": session["room_id"],
            "session_id": session["id"],
            "status": status,
            "destination": f"destination-{i % 3}",
            "meeting_url": f"https://sandbox.app.100ms.live/preview/{session['room_id']}",
            "created_at": _ns(created),
            "updated_at": _ns(created + timedelta(minutes=46 if stopped else 1)),
            "started_by": started_by,
            # "" when stopped from the server side (or not stopped yet).
            "stopped_by": started_by if stopped and i % 2 else "",
        }
        if status != "starting":  # optional in the official SDK
            beam["started_at"] = _ns(created + timedelta(seconds=4, microseconds=10516))
        if stopped:
            beam["stopped_at"] = _ns(created + timedelta(minutes=45))
        return beam

    def _live_stream(self, i: int, created: datetime | None = None) -> dict[str, Any]:
        created = created or _spread(30, i, 40 * self.scale) + timedelta(seconds=11)
        status = "running" if i % 10 == 9 else "failed" if i % 17 == 5 else "completed"
        stream = self._beam(i, created, status=status)
        stream["playback"] = {
            "url": f"https://cdn.sandbox.100ms.live/beam/{stream['id']}/master.m3u8"
        }
        stream["recording"] = {"hls_vod": i % 2 == 0, "single_file_per_layer": i % 4 == 1}
        stream["recording_assets"] = None  # null in the list example
        if status == "completed" and i % 2 == 0:
            session = next(s for s in self.sessions if s["id"] == stream["session_id"])
            moment = created + timedelta(minutes=46)
            self._asset(stream["id"], session, "room-vod", moment)
        return stream

    def _external_stream(self, i: int, created: datetime | None = None) -> dict[str, Any]:
        created = created or _spread(30, i, 24 * self.scale) + timedelta(seconds=29)
        status = "running" if i % 8 == 7 else "completed"
        stream = self._beam(i, created, status=status)
        stream["rtmp_urls"] = [self._rtmp_url(i + n) for n in range(1 + i % 3)]
        stream["recording"] = i % 3 == 0
        stream["resolution"] = {"width": 1280, "height": 720}
        assets: list[dict[str, Any]] = []
        if status == "completed" and stream["recording"]:
            session = next(s for s in self.sessions if s["id"] == stream["session_id"])
            asset = self._asset(
                stream["id"], session, "room-composite", created + timedelta(hours=1)
            )
            # Embedded assets lack job_id, room_id and session_id (docs/providers/hms.md).
            assets = [
                {k: v for k, v in asset.items() if k not in ("job_id", "room_id", "session_id")}
            ]
        stream["recording_assets"] = assets  # filled even in the list example
        return stream

    # -- routes -----------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/v2/rooms", self._rooms),
            route("GET", "/v2/sessions", self._sessions),
            route("GET", "/v2/templates", self._templates),
            route("GET", "/v2/recordings", self._recordings),
            route("GET", r"/v2/active-rooms/(?P<room_id>[^/]+)/peers", self._peers),
            route("GET", r"/v2/templates/(?P<template_id>[^/]+)/settings", self._settings),
            route("GET", r"/v2/templates/(?P<template_id>[^/]+)/destinations", self._destinations),
            route("GET", "/v2/analytics/events", self._events),
            route("GET", "/v2/recording-assets", self._recording_assets_list),
            route("GET", "/v2/live-streams", self._live_streams_list),
            route("GET", "/v2/external-streams", self._external_streams_list),
        ]

    def _rooms(self, request: Request, match: re.Match[str]) -> Response:
        enabled = _flag(request, "enabled")
        if isinstance(enabled, Response):
            return enabled
        return _page(request, [room for room in self.rooms if room["enabled"] is enabled])

    def _sessions(self, request: Request, match: re.Match[str]) -> Response:
        active = _flag(request, "active")
        if isinstance(active, Response):
            return active
        rows = [s for s in self.sessions if s["active"] is active]
        if room_id := request.arg("room_id"):
            rows = [s for s in rows if s["room_id"] == room_id]
        return _page(request, rows)

    def _templates(self, request: Request, match: re.Match[str]) -> Response:
        # `last` is the template's `_id` (hms.md, "Pagination").
        return _page(request, self.templates, id_field="_id")

    def _recordings(self, request: Request, match: re.Match[str]) -> Response:
        rows = self.recordings
        for name in ("room_id", "session_id", "status"):
            if value := request.arg(name):
                rows = [r for r in rows if r[name] == value]
        return _page(request, rows)

    def _recording_assets_list(self, request: Request, match: re.Match[str]) -> Response:
        return _page(request, _filtered(request, self.assets, ("room_id", "session_id", "status")))

    def _live_streams_list(self, request: Request, match: re.Match[str]) -> Response:
        return _page(request, _filtered(request, self.live_streams, BEAM_FILTERS))

    def _external_streams_list(self, request: Request, match: re.Match[str]) -> Response:
        return _page(request, _filtered(request, self.external_streams, BEAM_FILTERS))

    def _peers(self, request: Request, match: re.Match[str]) -> Response:
        peers = self.active_peers.get(match["room_id"])
        if peers is None:
            return _error(404, "room not active", "no active session found for room")
        return json_response({"peers": peers})

    def _find_template(self, match: re.Match[str]) -> dict[str, Any] | None:
        return next((t for t in self.templates if t["id"] == match["template_id"]), None)

    def _settings(self, request: Request, match: re.Match[str]) -> Response:
        template = self._find_template(match)
        if template is None:
            return _error(404, "template not found", "not found")
        return json_response(template["settings"])

    def _destinations(self, request: Request, match: re.Match[str]) -> Response:
        template = self._find_template(match)
        if template is None:
            return _error(404, "template not found", "not found")
        return json_response(template["destinations"])

    def _events(self, request: Request, match: re.Match[str]) -> Response:
        room_id = request.arg("room_id")
        if not room_id:
            return _error(400, "Bad request", "room_id is required")
        limit = _limit(request, EVENT_LIMITS)
        if isinstance(limit, Response):
            return limit
        rows = self.events.get(room_id, [])
        if types := request.args("type"):
            rows = [e for e in rows if e["type"] in types]
        offset = 0
        if start := request.arg("start"):
            cursor_room, _, position = _decode_cursor(start).partition(":")
            if cursor_room != room_id or not position.isdigit():
                return _error(400, "Bad request", "invalid start")
            offset = int(position)
        chunk = rows[offset : offset + limit]
        body: dict[str, Any] = {"limit": limit, "total": len(rows), "events": chunk}
        if offset + limit < len(rows):  # `next` only while more remain
            body["next"] = _encode_cursor(f"{room_id}:{offset + limit}")
        return json_response(body)

    # -- auth, config, counts ----------------------------------------------------------

    @override
    def authorize(self, request: Request) -> Response | None:
        token = request.bearer_token()
        problem = (
            _token_problem(token, self.own(ACCESS_KEY), self.own(APP_SECRET))
            if token
            else "not found"
        )
        return _error(401, "Token validation error", problem) if problem else None

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "app_access_key": self.own(ACCESS_KEY),
            "app_secret": self.own(APP_SECRET),
            "base_url": base_url,
        }

    @override
    def expected_counts(self) -> dict[str, int]:
        return {
            "hms_rooms": len(self.rooms),
            "hms_sessions": len(self.sessions),
            "hms_active_room_peers": sum(len(peers) for peers in self.active_peers.values()),
            "hms_analytics_events": sum(len(events) for events in self.events.values()),
            "hms_templates": len(self.templates),
            "hms_template_settings": len(self.templates),
            "hms_template_destinations": sum(
                len(entries)
                for template in self.templates
                for entries in template["destinations"].values()
            ),
            "hms_recordings": len(self.recordings),
            "hms_session_peers": sum(len(s["peers"]) for s in self.sessions),
            "hms_recording_assets": len(self.assets),
            "hms_live_streams": len(self.live_streams),
            "hms_external_streams": len(self.external_streams),
        }

    @override
    def secrets(self) -> list[str]:
        return [self.own(APP_SECRET), STORAGE_SECRET, *self.stream_keys]

    @override
    def advance(self) -> None:
        """A day on: new rooms, sessions, peers, events and recordings; some updates.

        Nothing disappears (a full sync after this loads a superset of the keys), and
        some news lands under old rooms whose own updated_at does not move.
        """
        self.now += timedelta(days=1)
        now = self.now
        count = len(self.rooms)
        new_rooms = [self._room(count + n, now + timedelta(minutes=n)) for n in range(2)]
        for room in new_rooms:
            room["enabled"] = True
        self.rooms.extend(new_rooms)
        never_updated = next((r for r in self.rooms if r["updated_at"] == ZERO_TIME), None)
        if never_updated is not None:
            never_updated["updated_at"] = _ms(now + timedelta(minutes=5))
        quiet = [r for r in self.rooms[:count] if r["enabled"] and r["id"] not in self.active_peers]
        if quiet:  # an old room whose own updated_at stays put gets a session
            self._start_session(quiet[-1], now + timedelta(minutes=10))
        for n in range(6):
            self._ended_session(self.random.choice(self.rooms), now + timedelta(minutes=20 + n))
        for room in (*quiet[-3:], self.rooms[0], new_rooms[0]):
            self._add_events(room, 5, now + timedelta(hours=1))
        for n in range(4):
            self.recordings.append(self._recording(len(self.recordings), now + timedelta(hours=n)))
        for n in range(4):
            self._recording_assets(self.recordings[-4 + n])
        for recording in [r for r in self.recordings if r["status"] == "running"][:2]:
            recording.update(
                status="completed",
                stopped_at=_ms(now + timedelta(hours=2)),
                updated_at=_ms(now + timedelta(hours=2, seconds=5)),
                asset_types=["room-composite"],
            )
            self._recording_assets(recording)
        self._advance_active_session(now)
        self._advance_streams(now)
        template = self.templates[-1]
        template["destinations"]["rtmpDestinations"][self._uuid()] = {
            "name": "added-on-advance",
            "width": 1280,
            "height": 720,
            "rtmpUrls": [self._rtmp_url(3)],
        }
        template["updatedAt"] = _rfc3339(now + timedelta(hours=3), 2)

    def _advance_active_session(self, now: datetime) -> None:
        """In a session that stays active, one peer comes and goes, another comes and stays.

        The session's updated_at stays put: the tap must still see its new peers. (Nobody
        present at the last sync leaves, so a full sync still loads a superset of keys.)
        """
        session = next(s for s in self.sessions if s["active"])
        visitor = self._peer(session, now + timedelta(minutes=2))
        visitor["left_at"] = _ms(now + timedelta(minutes=9, milliseconds=415))
        stayer = self._peer(session, now + timedelta(minutes=3))
        session["peers"] |= {visitor["id"]: visitor, stayer["id"]: stayer}
        self.active_peers[session["room_id"]][stayer["id"]] = {
            "id": stayer["id"],
            "name": stayer["name"],
            "user_id": stayer["user_id"],
            "metadata": "",
            "role": stayer["role"],
            "joined_at": _ns(now + timedelta(minutes=3, microseconds=80990)),
        }

    def _advance_streams(self, now: datetime) -> None:
        """Running streams finish (their updated_at moves); new ones start."""
        for stream in [s for s in self.live_streams if s["status"] == "running"][:2]:
            stream.update(
                status="completed",
                stopped_at=_ns(now + timedelta(hours=1)),
                updated_at=_ns(now + timedelta(hours=1, seconds=3)),
            )
            if stream["recording"]["hls_vod"]:
                session = next(s for s in self.sessions if s["id"] == stream["session_id"])
                self._asset(stream["id"], session, "room-vod", now + timedelta(hours=1))
        for stream in [s for s in self.external_streams if s["status"] == "running"][:1]:
            stream.update(
                status="completed",
                stopped_at=_ns(now + timedelta(hours=1)),
                updated_at=_ns(now + timedelta(hours=1, seconds=2)),
            )
        count = len(self.live_streams)
        self.live_streams += [
            self._live_stream(count + n, now + timedelta(minutes=n)) for n in range(2)
        ]
        count = len(self.external_streams)
        self.external_streams.append(self._external_stream(count, now + timedelta(minutes=7)))


def _token_problem(token: str, access_key: str, app_secret: str) -> str | None:
    """Why a bearer token is refused (the API's ``details`` text), or None if it is valid.

    Checked by hand, not with PyJWT, so the fake does not share the tap's JWT code. Expiry
    is judged by the wall clock: tokens are minted with real time, unlike the data.
    """
    try:
        header_part, payload_part, signature_part = token.split(".")
        header = json.loads(_unb64(header_part))
        claims = json.loads(_unb64(payload_part))
        signature = _unb64(signature_part)
    except ValueError:
        return "invalid token"
    signed = f"{header_part}.{payload_part}".encode()
    expected = hmac.new(app_secret.encode(), signed, hashlib.sha256).digest()
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        return "invalid token"
    if not hmac.compare_digest(signature, expected):
        return "signature is invalid"
    now = time.time()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, (int, float)) or not isinstance(nbf, (int, float)):
        return "invalid token"
    if exp <= now:
        return "token expired"
    if nbf > now:
        return "token not yet valid"
    if (
        claims.get("type") != "management"
        or claims.get("version") != 2
        or claims.get("access_key") != access_key
        or not claims.get("jti")
    ):
        return "invalid token"
    return None


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _spread(days: int, index: int, count: int) -> datetime:
    """The index-th of ``count`` moments spread over the ``days`` before NOW (any scale)."""
    return NOW - timedelta(days=days) + timedelta(days=days * 0.9) * index / count


BEAM_FILTERS = ("room_id", "session_id", "status")


def _filtered(
    request: Request, rows: list[dict[str, Any]], names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The documented filters, newest first as in every example of the docs.

    The order itself is undocumented (docs/providers/hms.md, "Order of lists").
    """
    for name in names:
        if value := request.arg(name):
            rows = [row for row in rows if row[name] == value]
    return sorted(rows, key=lambda row: _moment(row["created_at"]), reverse=True)


def _moment(text: str) -> datetime:
    """Parse this module's own timestamps (``Z``, 0-9 fraction digits)."""
    base, _, fraction = text.rstrip("Z").partition(".")
    moment = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return moment + timedelta(microseconds=int((fraction or "0")[:6].ljust(6, "0")))


def _error(status: int, message: str, detail: str) -> Response:
    return json_response({"code": status, "message": message, "details": [detail]}, status)


def _flag(request: Request, name: str) -> bool | Response:
    """A boolean filter; absent means true, as documented (hms.md, "Rooms", "Sessions")."""
    value = (request.arg(name) or "true").lower()
    if value not in ("true", "false"):
        return _error(400, "Bad request", f"{name} must be true or false")
    return value == "true"


def _limit(request: Request, bounds: tuple[int, int]) -> int | Response:
    value = request.arg("limit")
    try:
        limit = DEFAULT_LIMIT if value is None else int(value)
    except ValueError:
        limit = -1
    if not bounds[0] <= limit <= bounds[1]:
        return _error(400, "Bad request", f"limit must be between {bounds[0]} and {bounds[1]}")
    return limit


def _page(request: Request, rows: list[dict[str, Any]], *, id_field: str = "id") -> Response:
    """One ``{limit, data, last}`` page after the row whose id is ``start``."""
    limit = _limit(request, LIST_LIMITS)
    if isinstance(limit, Response):
        return limit
    offset = 0
    if start := request.arg("start"):
        ids = [row[id_field] for row in rows]
        if start not in ids:
            return _error(400, "Bad request", "invalid start")
        offset = ids.index(start) + 1
    data = rows[offset : offset + limit]
    return json_response({"limit": limit, "data": data, "last": data[-1][id_field] if data else ""})


def _encode_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode_cursor(text: str) -> str:
    try:
        return base64.urlsafe_b64decode(text.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
