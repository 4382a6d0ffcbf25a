"""Sandbox part for Mux Video (api-reference.md §1).

Lists answer ``page``/``limit`` (limit 25 by default, at most 100; an empty ``data``
past the end); List Assets also answers ``cursor`` and always carries ``next_cursor``
(null on the last page). Every request needs the sandbox token as HTTP Basic auth.
Timestamps are strings of unix seconds, lists come newest first.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from typing_extensions import override

from tap_media_apis.sandbox.api import (
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

TOKEN_ID = "sandbox-mux-token-id"
TOKEN_SECRET = "sandbox-mux-token-secret"
BASE_EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z
HOUR = 3600
DAY = 24 * HOUR
DEFAULT_LIMIT = 25  # the SDK docs' default (§1 Pagination)
MAX_LIMIT = 100
ID_ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 38

#: Records per list at scale 1: several pages of 100 each; signing keys end exactly on
#: a full page (the tap then needs one empty page), vocabularies one record past one.
SIZES = {
    "assets": 250,
    "live_streams": 120,
    "signing_keys": 200,
    "playback_restrictions": 130,
    "transcription_vocabularies": 101,
    "uploads": 230,
}

Record = dict[str, Any]


def mux_error(status: int, kind: str, message: str) -> Response:
    return json_response({"error": {"type": kind, "messages": [message]}}, status)


class MuxSandbox(SandboxProvider):
    name = "mux"

    def __init__(self, *, scale: int = 1, seed: int = 7) -> None:
        super().__init__(scale=scale, seed=seed)
        self._ids: set[str] = set()
        # Lists are kept in creation order and served newest first.
        self.live_streams: list[Record] = []
        self.assets: list[Record] = []
        self.uploads: list[Record] = []
        self.signing_keys: list[Record] = []
        self.playback_restrictions: list[Record] = []
        self.vocabularies: list[Record] = []
        # Per-kind serial numbers drive every "one in n" feature: each page shows them all.
        self._serials: Counter[str] = Counter()
        for i in range(SIZES["live_streams"] * scale):
            self.live_streams.append(self._live_stream(BASE_EPOCH + i * 13 * HOUR))
        for i in range(SIZES["assets"] * scale):
            self.assets.append(self._asset(BASE_EPOCH + 2 * DAY + i * 31 * HOUR))
        recording_since = int(self.assets[-1]["created_at"]) + HOUR
        for stream in self.live_streams:
            if stream["status"] == "active":
                self._record_live(stream, recording_since)
        # Uploads that never became an asset, spread among those that did.
        fillers = SIZES["uploads"] * scale - len(self.uploads)
        self.uploads = _spread(self.uploads, [self._upload(None) for _ in range(fillers)])
        for i in range(SIZES["signing_keys"] * scale):
            self.signing_keys.append(self._signing_key(BASE_EPOCH + i * 29 * HOUR))
        for i in range(SIZES["playback_restrictions"] * scale):
            self.playback_restrictions.append(self._restriction(BASE_EPOCH + i * 53 * HOUR))
        for i in range(SIZES["transcription_vocabularies"] * scale):
            self.vocabularies.append(self._vocabulary(BASE_EPOCH + i * 67 * HOUR))
        self._clock = max(int(asset["created_at"]) for asset in self.assets)

    # -- routes -------------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/video/v1/assets", self._list_assets),
            route("GET", "/video/v1/live-streams", self._list(self._live_streams)),
            route("GET", "/video/v1/playback-ids/(?P<id>[^/]+)", self._playback_id),
            route("GET", "/system/v1/signing-keys", self._list(lambda _: self.signing_keys)),
            # The deprecated URL-signing-keys route lists the same keys (§1.8).
            route("GET", "/video/v1/signing-keys", self._list(lambda _: self.signing_keys)),
            route(
                "GET",
                "/video/v1/playback-restrictions",
                self._list(lambda _: self.playback_restrictions),
            ),
            route(
                "GET",
                "/video/v1/transcription-vocabularies",
                self._list(lambda _: self.vocabularies),
            ),
            route("GET", "/video/v1/uploads", self._list(lambda _: self.uploads)),
        ]

    def _list(self, rows: Callable[[Request], list[Record]]) -> Any:
        def handler(request: Request, match: re.Match[str]) -> Response:
            page, limit = request.int_arg("page", 1), request.int_arg("limit", DEFAULT_LIMIT)
            if page < 1 or limit < 1:
                return mux_error(400, "invalid_parameters", "page and limit must be positive")
            limit = min(limit, MAX_LIMIT)
            newest_first = rows(request)[::-1]
            data = newest_first[(page - 1) * limit : page * limit]
            return json_response({"data": data})

        return handler

    def _live_streams(self, request: Request) -> list[Record]:
        rows = self.live_streams
        if status := request.arg("status"):
            rows = [row for row in rows if row["status"] == status]
        if stream_key := request.arg("stream_key"):
            rows = [row for row in rows if row["stream_key"] == stream_key]
        return rows

    def _list_assets(self, request: Request, match: re.Match[str]) -> Response:
        rows = self.assets[::-1]
        for name in ("live_stream_id", "upload_id"):
            if wanted := request.arg(name):
                rows = [row for row in rows if row.get(name) == wanted]
        limit = request.int_arg("limit", DEFAULT_LIMIT)
        if limit < 1:
            return mux_error(400, "invalid_parameters", "limit must be positive")
        limit = min(limit, MAX_LIMIT)
        cursor = request.arg("cursor")
        if cursor is not None:
            start = self._cursor_position(rows, cursor)
            if start is None:
                return mux_error(400, "invalid_parameters", "cursor is invalid")
        else:
            page = request.int_arg("page", 1)
            if page < 1:
                return mux_error(400, "invalid_parameters", "page must be positive")
            start = (page - 1) * limit
        data = rows[start : start + limit]
        following = rows[start + limit : start + limit + 1]
        next_cursor = _cursor_for(following[0]["id"]) if following else None
        return json_response({"data": data, "next_cursor": next_cursor})

    @staticmethod
    def _cursor_position(rows: list[Record], cursor: str) -> int | None:
        try:
            asset_id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        except (binascii.Error, UnicodeError, ValueError):
            return None
        return next((i for i, row in enumerate(rows) if row["id"] == asset_id), None)

    def _playback_id(self, request: Request, match: re.Match[str]) -> Response:
        for kind, parents in (("asset", self.assets), ("live_stream", self.live_streams)):
            for parent in parents:
                for playback in parent["playback_ids"]:
                    if playback["id"] == match["id"]:
                        return json_response(
                            {"data": {**playback, "object": {"type": kind, "id": parent["id"]}}}
                        )
        return mux_error(404, "not_found", "Playback ID not found")

    @override
    def authorize(self, request: Request) -> Response | None:
        if request.basic_credentials() != (TOKEN_ID, TOKEN_SECRET):
            return mux_error(401, "unauthorized", "Unauthorized request")
        return None

    # -- what the tap should see -------------------------------------------------------

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {"token_id": TOKEN_ID, "token_secret": TOKEN_SECRET, "base_url": base_url}

    @override
    def expected_counts(self) -> dict[str, int]:
        playbacks = sum(len(row["playback_ids"]) for row in [*self.assets, *self.live_streams])
        return {
            "mux_video_assets": len(self.assets),
            "mux_video_live_streams": len(self.live_streams),
            "mux_video_playbacks": playbacks,
            "mux_system_signing_keys": len(self.signing_keys),
            "mux_video_playback_restrictions": len(self.playback_restrictions),
            "mux_video_transcription_vocabularies": len(self.vocabularies),
            "mux_video_uploads": len(self.uploads),
            "mux_video_signing_keys": len(self.signing_keys),
        }

    @override
    def secrets(self) -> list[str]:
        # Live-stream credentials too: the tap masks them (docs/providers/mux.md).
        values = [TOKEN_SECRET]
        for stream in self.live_streams:
            values += [stream["stream_key"], stream["srt_passphrase"]]
            for target in stream["simulcast_targets"]:
                values.append(target["stream_key"])
                values += [value for _, value in parse_qsl(urlsplit(target["url"]).query)]
        return values

    @override
    def advance(self) -> None:
        """A day later: new assets (some uploaded), a live stream goes live (and records),
        a new live stream, key, vocabulary and restriction, two restrictions edited, a
        waiting upload timed out."""
        self._clock += DAY
        now = self._clock
        for n in range(6 * self.scale):
            self.assets.append(self._asset(now + n * 600))
        self.uploads.append(self._upload(None, status="waiting"))
        idle = next((s for s in self.live_streams if s["status"] == "idle"), None)
        if idle is not None:
            idle["status"] = "active"
            self._record_live(idle, now + HOUR)
        self.live_streams.append(self._live_stream(now + HOUR))
        self.signing_keys.append(self._signing_key(now + 2 * HOUR))
        self.vocabularies.append(self._vocabulary(now + 3 * HOUR))
        self.playback_restrictions.append(self._restriction(now + 4 * HOUR))
        for restriction in self.playback_restrictions[:2]:
            restriction["updated_at"] = str(now + 5 * HOUR)
            restriction["referrer"]["allowed_domains"].append("cdn.example.net")
        waiting = next((u for u in self.uploads if u["status"] == "waiting"), None)
        if waiting is not None:
            waiting["status"] = "timed_out"

    # -- data ----------------------------------------------------------------------------

    def _next(self, kind: str) -> int:
        self._serials[kind] += 1
        return self._serials[kind]

    def _new_id(self) -> str:
        while True:
            candidate = "".join(self.random.choices(ID_ALPHABET, k=ID_LENGTH))
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def _playback_ids(self, count: int) -> list[Record]:
        ids = []
        for _ in range(count):
            n = self._next("playback_id")
            playback: Record = {"id": self._new_id(), "policy": "public" if n % 3 else "signed"}
            if n % 16 == 5:
                playback.update(policy="drm", drm_configuration_id=self._new_id())
            ids.append(playback)
        return ids

    def _live_stream(self, created: int) -> Record:
        n = self._next("live_stream")
        targets = []
        if n % 4 == 1:
            targets.append(
                {
                    "id": self._new_id(),
                    "passthrough": "youtube",
                    "status": ("idle", "broadcasting", "errored")[n % 3],
                    "stream_key": f"yt-{self._new_id()[:20]}",
                    "url": "rtmp://a.rtmp.youtube.com/live2",
                }
            )
            if targets[0]["status"] == "errored":
                targets[0]["error_severity"] = "normal"
        if n % 10 == 3:
            key, passphrase = self._new_id()[:24], self._new_id()[:32]
            targets.append(
                {
                    "id": self._new_id(),
                    "status": "idle",
                    "stream_key": key,
                    "url": f"srt://srt-live.example.com:6001?streamid={key}&passphrase={passphrase}",
                }
            )
        latency = ("standard", "standard", "reduced", "low")[n % 4]
        slate = latency == "standard" and n % 5 == 0
        stream: Record = {
            "id": self._new_id(),
            "created_at": str(created),
            "status": "active" if n % 10 == 4 else "disabled" if n % 10 == 7 else "idle",
            "stream_key": "-".join(self._new_id()[i : i + 8] for i in (0, 8, 16, 24)).lower(),
            "srt_passphrase": self._new_id(),
            "playback_ids": self._playback_ids((1, 1, 1, 1, 1, 1, 1, 2, 0, 1)[n % 10]),
            "new_asset_settings": {"playback_policies": ["public"]},
            "latency_mode": latency,
            "reconnect_window": 300 if slate else 60 if latency == "standard" else 0,
            "max_continuous_duration": 43200,
            "test": n % 20 == 9,
            "recent_asset_ids": [],
            "passthrough": f"channel-{n}",
            "audio_only": n % 25 == 11,
            "embedded_subtitles": (
                [{"name": "English CC", "language_code": "en", "language_channel": "cc1"}]
                if n % 6 == 2
                else []
            ),
            "generated_subtitles": (
                [{"name": "English (auto)", "language_code": "en", "passthrough": "asr"}]
                if n % 3 == 0
                else []
            ),
            "use_slate_for_standard_latency": slate,
            "reduced_latency": latency == "reduced",
            "low_latency": latency == "low",
            "simulcast_targets": targets,
            "active_ingest_protocol": "srt" if n % 10 == 3 else "rtmp",
            "meta": {"title": f"Studio feed {n}"},
        }
        if slate:
            stream["reconnect_slate_url"] = "https://image.example.com/slate-be-right-back.png"
        return stream

    def _asset(self, created: int, *, live_from: Record | None = None) -> Record:
        """One asset; ``live_from``: the live stream it is recording right now."""
        n = self._next("asset")
        status = "errored" if n % 20 == 7 else "preparing" if n % 20 == 13 else "ready"
        if live_from is not None:
            status = "preparing"
        kind = n % 10  # 0-2: direct upload, 3-4: recorded live, 8: clip, else from a URL
        duration = round(self.random.uniform(8, 5400), 6)
        asset: Record = {
            "id": self._new_id(),
            "created_at": str(created),
            "status": status,
            "playback_ids": self._playback_ids((1, 2, 1, 0, 1, 1, 2, 1)[n % 8]),
            "passthrough": f"video-{n}",
            "mp4_support": "none",
            "master_access": "none",
            "encoding_tier": "smart",
            "video_quality": ("basic", "plus", "premium")[n % 3],
            "ingest_type": "on_demand_url",
            "test": n % 50 == 17,
            "per_title_encode": False,
            "normalize_audio": n % 4 == 0,
            "meta": {"title": f"Episode {n}", "creator_id": "editorial", "external_id": f"ep-{n}"},
        }
        if status == "errored":
            asset["errors"] = {"type": "invalid_input", "messages": ["Unsupported input file"]}
            asset["progress"] = {"state": "errored", "progress": -1}
        else:
            asset.update(self._media(duration))
            asset["progress"] = {"state": "completed", "progress": 100}
            if status == "preparing":
                asset["progress"] = {"state": "transcoding", "progress": float(n % 97 + 1)}
        if live_from is not None or kind in (3, 4):
            older = [s for s in self.live_streams if int(s["created_at"]) < created]
            candidates = older or self.live_streams
            stream = live_from or candidates[n % len(candidates)]
            asset.update(
                ingest_type="live_rtmp",
                is_live=live_from is not None,
                live_stream_id=stream["id"],
                recording_times=[
                    {"started_at": _iso(created), "duration": duration, "type": "content"}
                ],
            )
            if live_from is not None:
                asset["progress"] = {"state": "live", "progress": -1}
            stream["recent_asset_ids"] = [*stream["recent_asset_ids"][-4:], asset["id"]]
        elif kind < 3:
            asset["ingest_type"] = "on_demand_direct_upload"
            upload = self._upload(asset)
            asset["upload_id"] = upload["id"]
            self.uploads.append(upload)
        elif kind == 8 and self.assets:
            asset.update(
                ingest_type="on_demand_clip",
                source_asset_id=self.assets[n % len(self.assets)]["id"],
            )
        elif kind == 5:
            asset["non_standard_input_reasons"] = {"video_codec": "hevc", "video_gop_size": "high"}
        if kind == 6 and status == "ready":
            asset["mp4_support"] = "capped-1080p"
            asset["static_renditions"] = {
                "status": "ready",
                "files": [
                    {
                        "name": "capped-1080p.mp4",
                        "ext": "mp4",
                        "height": 1080,
                        "width": 1920,
                        "bitrate": 5_800_000,
                        "filesize": str(int(duration * 725_000)),
                    }
                ],
            }
        if kind == 9:
            asset["master_access"] = "temporary"
            ready = status == "ready"
            asset["master"] = {
                "status": "ready" if ready else "preparing",
                "url": f"https://master.mux.com/{asset['id']}/master.mp4" if ready else None,
            }
        return asset

    def _record_live(self, stream: Record, created: int) -> None:
        """The stream is broadcasting: its asset is being recorded."""
        asset = self._asset(created, live_from=stream)
        stream["active_asset_id"] = asset["id"]
        self.assets.append(asset)

    def _media(self, duration: float) -> Record:
        height = self.random.choice((720, 1080, 2160))
        frame_rate = self.random.choice((24.0, 25.0, 29.97, 30.0, 60.0))
        tracks: list[Record] = [
            {
                "id": self._new_id(),
                "type": "video",
                "duration": duration,
                "max_width": height * 16 // 9,
                "max_height": height,
                "max_frame_rate": frame_rate,
            },
            {
                "id": self._new_id(),
                "type": "audio",
                "duration": duration,
                "max_channels": 2,
                "max_channel_layout": "stereo",
                "primary": True,
                "language_code": "en",
                "name": "English",
                "status": "ready",
            },
        ]
        if self.random.random() < 0.3:
            tracks.append(
                {
                    "id": self._new_id(),
                    "type": "text",
                    "text_type": "subtitles",
                    "text_source": "generated_vod",
                    "language_code": "en",
                    "name": "English (generated)",
                    "closed_captions": False,
                    "passthrough": "asr",
                    "status": "ready",
                }
            )
        return {
            "duration": duration,
            "aspect_ratio": "16:9",
            "max_stored_resolution": "UHD" if height == 2160 else "HD",
            "max_stored_frame_rate": frame_rate,
            "resolution_tier": f"{height}p",
            "max_resolution_tier": "2160p" if height == 2160 else "1080p",
            "tracks": tracks,
        }

    def _upload(self, asset: Record | None, *, status: str | None = None) -> Record:
        n = self._next("upload")
        if asset is not None:
            status = "asset_created"
        elif status is None:
            status = (
                "errored"
                if n % 10 == 3
                else "waiting"
                if n % 4 == 0
                else "cancelled"
                if n % 7 == 1
                else "timed_out"
            )
        upload_id = self._new_id()
        upload: Record = {
            "id": upload_id,
            "timeout": 3600,
            "status": status,
            "new_asset_settings": {"playback_policies": ["public"], "video_quality": "basic"},
            "cors_origin": "https://app.example.com",
            "url": (
                "https://storage.googleapis.com/video-storage-gcp-us-east1-vop1-uploads/"
                f"{upload_id}?Expires=1767225600&GoogleAccessId=uploader&Signature=sandbox"
            ),
            "test": False,
        }
        if asset is not None:
            upload["asset_id"] = asset["id"]
        elif status == "errored":
            upload["error"] = {"type": "invalid_file", "message": "File could not be processed"}
        return upload

    def _signing_key(self, created: int) -> Record:
        return {"id": self._new_id(), "created_at": str(created)}

    def _restriction(self, created: int) -> Record:
        n = self._next("restriction")
        return {
            "id": self._new_id(),
            "created_at": str(created),
            "updated_at": str(created + (n % 30) * DAY),
            "referrer": {
                "allowed_domains": ["example.com", "*.example.com"],
                "allow_no_referrer": n % 2 == 0,
            },
            "user_agent": {
                "allow_no_user_agent": n % 3 == 0,
                "allow_high_risk_user_agent": n % 10 == 0,
            },
        }

    def _vocabulary(self, created: int) -> Record:
        n = self._next("vocabulary")
        topic = ("product", "sports", "medical", "finance")[n % 4]
        return {
            "id": self._new_id(),
            "name": f"{topic} terms {n}",
            "phrases": [f"{topic} term {k}" for k in range(3 + n % 10)],
            "passthrough": topic,
            "created_at": str(created),
            "updated_at": str(created + (n % 10) * DAY),
        }


def _spread(base: list[Record], extra: list[Record]) -> list[Record]:
    """``base`` with ``extra`` spread evenly through it, order kept within each."""
    if not base:
        return extra
    merged: list[Record] = []
    taken = 0
    for i, row in enumerate(base, start=1):
        merged.append(row)
        due = i * len(extra) // len(base)
        merged += extra[taken:due]
        taken = due
    return merged + extra[taken:]


def _cursor_for(asset_id: str) -> str:
    return base64.urlsafe_b64encode(asset_id.encode("ascii")).decode("ascii")


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
