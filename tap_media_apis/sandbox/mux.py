"""Sandbox part for Mux Video, Mux Data and delivery usage (docs/providers/mux.md).

Video lists answer ``page``/``limit`` (limit 25 by default, at most 100; an empty ``data``
past the end); List Assets also answers ``cursor`` and always carries ``next_cursor``
(null on the last page). Every request needs a sandbox token as HTTP Basic auth.
Timestamps are strings of unix seconds, lists come newest first.

Data lists (``/data/v1/...``) and delivery usage take ``timeframe[]`` as bracket keys: two
epoch seconds or one relative duration (``24:hours``); a bare ``timeframe`` key is a 400.
Their envelope echoes ``timeframe`` and carries ``total_row_count``. Views, errors and
delivery usage live on the wall clock (the tap closes windows against *now*), anchored to
today's UTC midnight: views end up to two hours before it, a few are still in progress
(ending minutes before each request, which a sync must not read), errors are aggregated
from the views of the requested window, and delivery usage covers closed days only.
Delivery usage answers 400 to a window that starts more than 90 days back or ends less
than 12 hours ago.
The second token (``VIDEO_ONLY_TOKEN_ID``) lacks the Mux Data permission: every
``/data/v1`` path answers it 404, as Mux does.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import time
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
#: A token without the Mux Data permission: /data/v1 answers it 404 (as Mux does).
VIDEO_ONLY_TOKEN_ID = "sandbox-mux-video-only-token-id"
VIDEO_ONLY_TOKEN_SECRET = "sandbox-mux-video-only-token-secret"
BASE_EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z
HOUR = 3600
DAY = 24 * HOUR
DEFAULT_LIMIT = 25  # the SDK docs' default (docs/providers/mux.md, "Pagination")
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

#: Mux Data at scale 1: days of views, views per day, incidents, assets with delivery.
DATA_DAYS = 10
VIEWS_PER_DAY = 60
IN_PROGRESS_VIEWS = 4
INCIDENTS = 45
USAGE_DAYS = 8
USAGE_ASSETS_PER_DAY = 130
#: Delivery usage: windows within the last 90 days, ending at least 12 hours ago.
USAGE_MAX_AGE = 90 * DAY
USAGE_LAG = 12 * HOUR
#: The last final view ends this long before today's UTC midnight.
LAST_FINAL_VIEW = 2 * HOUR
#: Mux's answer to a token (or plan) without access to a Data resource.
NOT_ENTITLED = "The requested resource either doesn't exist or you don't have access to it."
RELATIVE_UNITS = {"minutes": 60, "hours": HOUR, "days": DAY}
ERROR_TYPES = {
    1087: (1, "1", "Media failed to decode"),
    1088: (2, "2", "Network error while loading the manifest"),
    1121: (3, "3", "The media could not be loaded: unsupported format"),
    1120: (4, None, "Playback was stopped: DRM license request failed"),
}

Record = dict[str, Any]


def mux_error(status: int, kind: str, message: str) -> Response:
    return json_response({"error": {"type": kind, "messages": [message]}}, status)


class MuxSandbox(SandboxProvider):
    name = "mux"

    def __init__(self, *, scale: int = 1, seed: int = 7, account: str | None = None) -> None:
        super().__init__(scale=scale, seed=seed, account=account)
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
        self._build_data()

    # -- routes -------------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/video/v1/assets", self._list_assets),
            route("GET", "/video/v1/live-streams", self._list(self._live_streams)),
            route("GET", "/video/v1/playback-ids/(?P<id>[^/]+)", self._playback_id),
            route("GET", "/system/v1/signing-keys", self._list(lambda _: self.signing_keys)),
            # The deprecated URL-signing-keys route lists the same keys
            # (docs/providers/mux.md, "Signing keys").
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
            route("GET", "/data/v1/video-views", self._video_views),
            route("GET", "/data/v1/errors", self._errors),
            route("GET", "/data/v1/incidents", self._incidents),
            route("GET", "/video/v1/delivery-usage", self._delivery_usage),
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
        credentials = request.basic_credentials()
        if credentials == (VIDEO_ONLY_TOKEN_ID, VIDEO_ONLY_TOKEN_SECRET):
            if request.path.startswith("/data/"):
                return mux_error(404, "not_found", NOT_ENTITLED)
            return None
        if credentials != (self.own(TOKEN_ID), self.own(TOKEN_SECRET)):
            return mux_error(401, "unauthorized", "Unauthorized request")
        return None

    # -- what the tap should see -------------------------------------------------------

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "token_id": self.own(TOKEN_ID),
            "token_secret": self.own(TOKEN_SECRET),
            "base_url": base_url,
        }

    @override
    def expected_counts(self) -> dict[str, int]:
        playbacks = sum(len(row["playback_ids"]) for row in [*self.assets, *self.live_streams])
        final = [view for view in self.views if view["end"] <= time.time() - HOUR]
        return {
            "mux_data_video_views": len(final),
            "mux_data_errors": sum(
                len({v["error_type_id"] for v in day if v["error_type_id"] is not None})
                for day in self._views_by_closed_day(final).values()
            ),
            "mux_data_incidents": len(self.incidents),
            "mux_video_delivery_usage": sum(
                len(rows) for start, rows in self.usage.items() if _usage_window_ok(start)
            ),
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
        values = [self.own(TOKEN_SECRET), VIDEO_ONLY_TOKEN_SECRET]
        for stream in self.live_streams:
            values += [stream["stream_key"], stream["srt_passphrase"]]
            for target in stream["simulcast_targets"]:
                values.append(target["stream_key"])
                values += [value for _, value in parse_qsl(urlsplit(target["url"]).query)]
        # A direct upload's URL is a signed PUT URL: anyone holding it can upload.
        for upload in self.uploads:
            values += [v for k, v in parse_qsl(urlsplit(upload["url"]).query) if k == "Signature"]
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
        self._advance_data()

    # -- Mux Data and delivery usage ------------------------------------------------------

    def _build_data(self) -> None:
        """Views, incidents and delivery usage on the wall clock (see the module doc).

        Anchored to today's UTC midnight, so two sandboxes built the same day serve the
        same data; only the views still in progress move with the clock.
        """
        now = int(time.time())
        today = now - now % DAY
        self.views: list[Record] = []  # {"end": epoch, "error_type_id", "row": list item}
        last_final = today - LAST_FINAL_VIEW
        first_day = today - DATA_DAYS * DAY
        total = DATA_DAYS * VIEWS_PER_DAY * self.scale
        span = last_final - first_day
        for i in range(total):
            # Evenly from the oldest day up to the last final view; errors only on views
            # at least two days old, so a day closing during a test changes no error count.
            end = first_day + (i + 1) * span // total
            self.views.append(self._view(end, errors=end < today - DAY))
        #: Views still being watched: they end minutes before each request (age in s).
        self.views_in_progress: list[Record] = [
            {"age": 60 * (29 - 7 * i), "row": self._view(now, errors=False)["row"]}
            for i in range(IN_PROGRESS_VIEWS)
        ]
        self.incidents: list[Record] = [
            self._incident(today - (i + 1) * 7 * HOUR) for i in range(INCIDENTS * self.scale)
        ]
        # Delivery usage per closed UTC day (window start -> rows), two days old at least.
        self.usage: dict[int, list[Record]] = {}
        for d in range(2, 2 + USAGE_DAYS):
            start = today - d * DAY
            count = min(len(self.assets), USAGE_ASSETS_PER_DAY * self.scale - d)
            chosen = self.assets[d : d + count]
            rows = [self._usage_row(asset, d) for asset in chosen]
            rows.append(self._deleted_asset_usage(start))
            self.usage[start] = sorted(rows, key=lambda r: -r["delivered_seconds"])

    def _advance_data(self) -> None:
        """Views that arrive late inside the tap's lookback, the newest view read so far
        changed (its viewer came back: a later ``view_end``, more watch time), a new
        incident and an open one resolved. Wall-clock time does not move with
        ``advance``, so closed error and usage windows stay as they were."""
        now = int(time.time())
        newest = max(self.views, key=lambda v: v["end"])
        newest["end"] = now - 75 * 60
        row = newest["row"]
        row.update(
            view_end=_iso_ms(newest["end"]),
            watch_time=(row["watch_time"] or 0) + 45_000,
            viewer_experience_score=0.99,
        )
        for minutes in (100, 90, 80, 72):
            self.views.append(self._view(now - minutes * 60, errors=False))
        self.incidents.append(self._incident(now - 3 * HOUR))
        opened = next((i for i in self.incidents if i["status"] == "open"), None)
        if opened is not None:
            opened.update(
                status="closed", resolved_at=_iso_ms(now - HOUR), measured_value_on_close=4.5
            )

    def _timeframe(self, request: Request, *, default: int) -> tuple[int, int] | Response:
        """The absolute window asked for (a relative one is taken from now, as Mux does)."""
        if request.args("timeframe"):
            return mux_error(
                400,
                "invalid_parameters",
                "timeframe must be provided as an array query string parameter (timeframe[]=)",
            )
        values = request.args("timeframe[]")
        now = int(time.time())
        if not values:
            return now - default, now
        if len(values) == 1 and (match := re.fullmatch(r"(\d+):(minutes|hours|days)", values[0])):
            return now - int(match[1]) * RELATIVE_UNITS[match[2]], now
        if len(values) == 2 and all(v.isdigit() for v in values):
            start, end = int(values[0]), int(values[1])
            if start < end:
                return start, end
        return mux_error(400, "invalid_parameters", f"invalid timeframe {values}")

    def _paged(
        self, request: Request, rows: list[Record], default_limit: int
    ) -> tuple[list[Record], int] | Response:
        page, limit = request.int_arg("page", 1), request.int_arg("limit", default_limit)
        if page < 1 or limit < 1:
            return mux_error(400, "invalid_parameters", "page and limit must be positive")
        limit = min(limit, MAX_LIMIT)
        return rows[(page - 1) * limit : page * limit], limit

    def _video_views(self, request: Request, match: re.Match[str]) -> Response:
        window = self._timeframe(request, default=DAY)
        if isinstance(window, Response):
            return window
        start, end = window
        now = int(time.time())
        watching = [
            {"end": now - v["age"], "row": {**v["row"], "view_end": _iso_ms(now - v["age"])}}
            for v in self.views_in_progress
        ]
        # Filtered on view_end, ordered by it (docs/providers/mux.md, "Video views").
        chosen = [v for v in [*self.views, *watching] if start <= v["end"] < end]
        chosen.sort(key=lambda v: v["end"], reverse=request.arg("order_direction") != "asc")
        paged = self._paged(
            request, [{**v["row"], "total_row_count": len(chosen)} for v in chosen], DEFAULT_LIMIT
        )
        if isinstance(paged, Response):
            return paged
        return json_response(
            {"data": paged[0], "total_row_count": len(chosen), "timeframe": [start, end]}
        )

    def _errors(self, request: Request, match: re.Match[str]) -> Response:
        window = self._timeframe(request, default=DAY)
        if isinstance(window, Response):
            return window
        start, end = window
        views = [v for v in self.views if start <= v["end"] < end]
        by_type: dict[int, list[Record]] = {}
        for view in views:
            if (type_id := view["error_type_id"]) is not None:
                by_type.setdefault(type_id, []).append(view)
        data = []
        for type_id, hits in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
            code, player_code, message = ERROR_TYPES[type_id]
            data.append(
                {
                    "id": type_id,
                    "code": code,
                    "player_error_code": player_code,
                    "message": message,
                    "description": f"{message} (error type {type_id}).",
                    "notes": None if type_id % 2 else "Seen mostly on older smart TVs",
                    "count": len(hits),
                    "percentage": len(hits) / len(views),
                    "last_seen": _iso_ms(max(v["end"] for v in hits)),
                }
            )
        # One unpaged answer with every error type of the window.
        return json_response({"data": data, "total_row_count": None, "timeframe": [start, end]})

    def _incidents(self, request: Request, match: re.Match[str]) -> Response:
        rows = self.incidents[::-1]
        for name in ("status", "severity"):
            if wanted := request.arg(name):
                rows = [row for row in rows if row[name] == wanted]
        paged = self._paged(request, rows, DEFAULT_LIMIT)
        if isinstance(paged, Response):
            return paged
        now = int(time.time())
        # No timeframe parameter, but the envelope still echoes one (the last 24 hours).
        return json_response(
            {"data": paged[0], "total_row_count": len(rows), "timeframe": [now - DAY, now]}
        )

    def _delivery_usage(self, request: Request, match: re.Match[str]) -> Response:
        window = self._timeframe(request, default=HOUR)
        if isinstance(window, Response):
            return window
        start, end = window
        if not request.args("timeframe[]"):  # the default: the hour from 13 to 12 hours ago
            start, end = start - USAGE_LAG, end - USAGE_LAG
        now = int(time.time())
        if start < now - USAGE_MAX_AGE or end > now - USAGE_LAG:
            return mux_error(
                400,
                "invalid_parameters",
                "timeframe must be within the last 90 days and end at least 12 hours ago",
            )
        totals: dict[str, Record] = {}
        for day_start, rows in self.usage.items():
            if start <= day_start < end:
                for row in rows:
                    seen = totals.setdefault(
                        row["asset_id"],
                        {**row, "delivered_seconds": 0.0, "delivered_seconds_by_resolution": {}},
                    )
                    seen["delivered_seconds"] = round(
                        seen["delivered_seconds"] + row["delivered_seconds"], 6
                    )
                    for tier, seconds in row["delivered_seconds_by_resolution"].items():
                        by_tier = seen["delivered_seconds_by_resolution"]
                        by_tier[tier] = round(by_tier.get(tier, 0.0) + seconds, 6)
        rows = sorted(totals.values(), key=lambda r: -r["delivered_seconds"])
        paged = self._paged(request, rows, MAX_LIMIT)
        if isinstance(paged, Response):
            return paged
        data, limit = paged
        return json_response(
            {"data": data, "total_row_count": len(rows), "timeframe": [start, end], "limit": limit}
        )

    def _views_by_closed_day(self, views: list[Record]) -> dict[int, list[Record]]:
        """Views per UTC day, for the days a sync can read now (ended an hour ago)."""
        days: dict[int, list[Record]] = {}
        closed_before = int(time.time()) - HOUR
        for view in views:
            day = view["end"] - view["end"] % DAY
            if day + DAY <= closed_before:
                days.setdefault(day, []).append(view)
        return days

    def _view(self, end: int, *, errors: bool) -> Record:
        n = self._next("view")
        watch = self.random.randint(4_000, 1_800_000)
        type_id = (1087, 1088, 1121, 1120)[n % 4] if errors and n % 9 == 4 else None
        asset = self.assets[n % len(self.assets)]
        row: Record = {
            "id": self._new_id(35),
            "view_start": _iso_ms(end - watch // 1000 - 3),
            "view_end": _iso_ms(end),
            "total_row_count": 0,  # set per answer
            "playback_failure": type_id is not None and n % 2 == 0,
            "country_code": ("US", "GB", "DE", "BR", None)[n % 5],
            "error_type_id": type_id,
            "player_error_code": ERROR_TYPES[type_id][1] if type_id else None,
            "player_error_message": ERROR_TYPES[type_id][2] if type_id else None,
            "video_title": asset.get("meta", {}).get("title"),
            "viewer_application_name": ("Chrome", "Safari", "Firefox", "Roku")[n % 4],
            "viewer_os_family": ("Windows", "Mac OS X", "iOS", "Android", None)[n % 5],
            "viewer_experience_score": round(0.5 + (n % 50) / 100, 2) if n % 7 else None,
            "watch_time": watch,
        }
        return {"end": end, "error_type_id": type_id, "row": row}

    def _incident(self, started: int) -> Record:
        n = self._next("incident")
        closed = n % 3 != 0
        type_id = (1087, 1088, 1121, 1120)[n % 4]
        value = round(20 + (n * 7) % 60 + 0.5, 1)
        return {
            "id": self.own(f"pid{1000 + n}"),
            "status": "closed" if closed else "open",
            "severity": "alert" if n % 4 else "warning",
            "measurement": "error_rate",
            "threshold": 50 if n % 4 else 25,
            "measured_value": value,
            "measured_value_on_close": round(value / 4, 1) if closed else None,
            "sample_size": 100 + n,
            "sample_size_unit": "views",
            "incident_key": f"error_type_id={type_id}",
            "description": f"Overall error-rate is significantly high ({value}%)",
            "error_description": ERROR_TYPES[type_id][2],
            "impact": None if n % 5 == 0 else f"*{30 + n} views* have been affected so far",
            "affected_views": None if n % 5 == 0 else 30 + n,
            "affected_views_per_hour": None if n % 5 == 0 else 60 + n,
            "affected_views_per_hour_on_open": None if n % 5 == 0 else 30,
            "started_at": _iso_ms(started),
            "resolved_at": _iso_ms(started + 2 * HOUR) if closed else None,
            "breakdowns": [
                {"id": f"pid{2000 + n}", "name": "error_type_id", "value": str(type_id)}
            ],
            "notifications": (
                [
                    {
                        "id": 4000 + n,
                        "attempted_at": _iso_ms(started + 2),
                        "queued_at": _iso_ms(started + 1),
                    }
                ]
                if n % 2
                else []
            ),
            "notification_rules": (
                [
                    {
                        "id": f"nr-{n % 3}",
                        "action": "email",
                        "property_id": "sandbox-property",
                        "status": "enabled",
                        "rules": [{"id": f"r-{n % 3}", "name": "country", "value": "US"}],
                    }
                ]
                if n % 2
                else []
            ),
        }

    def _usage_row(self, asset: Record, day: int) -> Record:
        duration = float(asset.get("duration") or 30.0)
        seconds = round(duration * (1 + (day * 7 + _stable_number(asset["id"])) % 40), 6)
        tier = asset.get("resolution_tier", "1080p")
        key = "tier_" + tier.replace("-", "_")
        row: Record = {
            "asset_id": asset["id"],
            "passthrough": asset.get("passthrough"),
            "created_at": asset["created_at"],
            "asset_state": "errored" if asset["status"] == "errored" else "ready",
            "asset_duration": duration,
            "asset_resolution_tier": tier,
            "asset_video_quality": asset.get("video_quality"),
            "asset_encoding_tier": asset.get("encoding_tier"),
            "delivered_seconds": seconds,
            "delivered_seconds_by_resolution": {key: seconds},
        }
        if asset.get("live_stream_id"):
            row["live_stream_id"] = asset["live_stream_id"]
        return row

    def _deleted_asset_usage(self, day_start: int) -> Record:
        """Usage of an asset deleted since: it is no longer in the asset list."""
        return {
            "asset_id": self._new_id(),
            "passthrough": "deleted-clip",
            "created_at": str(day_start - 30 * DAY),
            "deleted_at": str(day_start + 20 * HOUR),
            "asset_state": "deleted",
            "asset_duration": 48.0,
            "asset_resolution_tier": "720p",
            "asset_encoding_tier": "baseline",
            "delivered_seconds": 96.0,
            "delivered_seconds_by_resolution": {"tier_720p": 96.0},
        }

    # -- data ----------------------------------------------------------------------------

    def _next(self, kind: str) -> int:
        self._serials[kind] += 1
        return self._serials[kind]

    def _new_id(self, length: int = ID_LENGTH) -> str:
        while True:
            candidate = "".join(self.random.choices(ID_ALPHABET, k=length))
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
                f"{upload_id}?Expires=1767225600&GoogleAccessId=uploader"
                f"&Signature={self._new_id()}"
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


def _iso_ms(epoch: int) -> str:
    """Mux Data's timestamps: ISO 8601 UTC with milliseconds, e.g. 2018-01-19T02:18:41.940Z."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(epoch * 7) % 1000:03d}Z"


def _usage_window_ok(start: int) -> bool:
    """Whether the day from ``start`` is a delivery-usage window a sync can read now."""
    now = time.time()
    return start >= now - USAGE_MAX_AGE and start + DAY <= now - USAGE_LAG


def _stable_number(text: str) -> int:
    """A small stable number from a string (``hash()`` changes between processes)."""
    return sum(text.encode("ascii")) % 97
