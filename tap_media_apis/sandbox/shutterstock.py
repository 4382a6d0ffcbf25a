"""Sandbox part for Shutterstock (api-reference.md §3).

Real paths and envelopes: ``/v2/{images,videos}/categories`` (no audio categories: 404),
``/v2/{images,videos,audio}/search`` (page/per_page, ``total_count``, ``search_id``,
``view=minimal|full``) and the bare ``/v2/user`` object. Every request needs a User-Agent
(else 400) and the bearer token (else 401). At scale 1 there are 1100 image hits (three
pages of 500), 600 video hits (two) and exactly 500 audio hits: one full page that only
``total_count`` ends. The first video ids repeat image ids, as ids are only unique per
media type.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from typing_extensions import override

from tap_media_apis.sandbox.api import (
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

ACCESS_TOKEN = "sandbox-shutterstock-access-token"
SEARCH_QUERY = "mountain"
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 20
HITS = {"images": 1100, "videos": 600, "audio": 500}
SHARED_IDS = 50  # video hits whose ids are also image ids
NEW_HITS_PER_ADVANCE = {"images": 30, "videos": 12, "audio": 8}
FIRST_DAY = date(2025, 1, 6)
SITE = "https://www.shutterstock.com"
CDN = {
    "images": "https://image.shutterstock.com",
    "videos": "https://www.shutterstock.com/shutterstock/videos",
}
AUDIO_CDN = "https://ak.picdn.net/shutterstock/audio"
AFFILIATE = "https://shutterstock.7eer.net/c/43068/560528/1305?u="

IMAGE_CATEGORIES = (
    "Animals/Wildlife", "Backgrounds/Textures", "Buildings/Landmarks", "Business/Finance",
    "Education", "Food and Drink", "Healthcare/Medical", "Holidays", "Objects", "Industrial",
    "Arts", "Nature", "People", "Religion", "Science", "Signs/Symbols", "Sports/Recreation",
    "Technology", "Transportation", "Vintage", "Miscellaneous", "Parks/Outdoor",
    "Illustrations/Clip-Art", "Interiors", "Beauty/Fashion", "Abstract",
)  # fmt: skip
VIDEO_CATEGORIES = (
    "Animals/Wildlife", "Buildings/Landmarks", "Backgrounds/Textures", "Business/Finance",
    "Education", "Food and Drink", "Health Care", "Holidays", "Objects", "Industrial", "Arts",
    "Nature", "People", "Religion", "Science", "Signs/Symbols", "Sports/Recreation",
    "Technology", "Transportation", "Editorial", "Miscellaneous",
)  # fmt: skip
SCENES = (
    "snow-capped mountain peaks at sunrise", "alpine lake below a rocky mountain ridge",
    "hiker on a mountain trail in autumn", "misty mountain valley with pine forest",
    "mountain road winding through green hills", "starry night sky over a mountain range",
    "climber on a steep mountain cliff", "wooden cabin at the foot of a mountain",
    "glacier flowing between mountain slopes", "aerial view of a volcanic mountain crater",
)  # fmt: skip
KEYWORDS = (
    "landscape", "nature", "travel", "outdoor", "peak", "snow", "forest", "sky", "hiking",
    "adventure", "scenic", "alpine", "summit", "valley", "sunrise", "sunset", "lake",
    "wilderness", "panorama", "climbing",
)  # fmt: skip
GENRES = ("Cinematic", "Ambient", "Folk", "Corporate", "Electronic", "Acoustic", "Orchestral")
INSTRUMENTS = ("Piano", "Acoustic Guitar", "Strings", "Synth", "Drums", "Flute", "Cello")
MOODS = ("Inspiring", "Calm", "Epic", "Hopeful", "Dreamy", "Uplifting", "Reflective")
ARTISTS = ("Aurora Fields", "Northbound", "Silver Pines", "Highland Echo", "Cold Summit")
TITLES = ("Above the Clouds", "Summit Light", "Long Ascent", "Thin Air", "Ridge Line",
          "First Snow", "Valley Morning", "Open Horizon")  # fmt: skip

#: What ``view=minimal`` (the API default) returns; ``view=full`` returns everything.
MINIMAL_FIELDS = {
    "images": {"id", "aspect", "assets", "contributor", "description", "image_type",
               "has_model_release", "media_type"},
    "videos": {"id", "aspect", "aspect_ratio", "assets", "contributor", "description",
               "duration", "has_model_release", "media_type"},
    "audio": {"id", "assets", "contributor", "description", "media_type", "title",
              "published_time", "added_date"},
}  # fmt: skip


class ShutterstockSandbox(SandboxProvider):
    name = "shutterstock"

    def __init__(self, *, scale: int = 1, seed: int = 7, account: str | None = None) -> None:
        super().__init__(scale=scale, seed=seed, account=account)
        self.categories = {
            "images": [{"id": str(i), "name": n} for i, n in enumerate(IMAGE_CATEGORIES, 1)],
            "videos": [{"id": str(i), "name": n} for i, n in enumerate(VIDEO_CATEGORIES, 1)],
        }
        self.hits: dict[str, list[dict[str, Any]]] = {"images": [], "videos": [], "audio": []}
        self._next_id = {"images": 2_100_000_000, "videos": 1_050_000_000, "audio": 440_000}
        for media, count in HITS.items():
            self._add_hits(media, count * scale)

    # -- data ---------------------------------------------------------------------------

    def _add_hits(self, media: str, count: int) -> None:
        make = {"images": self._image, "videos": self._video, "audio": self._audio}[media]
        rows = self.hits[media]
        for _ in range(count):
            n = len(rows)
            if media == "videos" and n < SHARED_IDS and len(self.hits["images"]) > n:
                media_id = self.hits["images"][n]["id"]
            else:
                self._next_id[media] += self.random.randint(3, 400)
                media_id = str(self._next_id[media])
            hit = make(media_id, n)
            if media != "audio":
                hit["affiliate_url"] = AFFILIATE + quote(hit["url"], safe="")
            # Newer uploads come first, as with sort=newest.
            rows.insert(0, hit)

    def _common(self, media: str, media_id: str, n: int) -> dict[str, Any]:
        rnd = self.random
        scene = SCENES[n % len(SCENES)]
        added = FIRST_DAY + timedelta(days=n // 8)
        categories = self.categories.get(media, [])
        return {
            "id": media_id,
            "description": scene[0].upper() + scene[1:],
            "added_date": added.isoformat(),
            "contributor": {"id": str(rnd.randint(100_000, 4_999_999))},
            "keywords": ["mountain", *rnd.sample(KEYWORDS, 6)],
            "categories": [dict(c) for c in rnd.sample(categories, 2)] if categories else None,
            "is_adult": False,
            "_slug": "-".join(re.findall(r"[a-z]+", scene)),
        }

    def _image(self, media_id: str, n: int) -> dict[str, Any]:
        rnd = self.random
        hit = self._common("images", media_id, n)
        width, height = rnd.choice(((6000, 4000), (5472, 3648), (4000, 6000), (7952, 5304)))
        image_type = rnd.choice(("photo", "photo", "photo", "illustration", "vector"))
        base = f"{CDN['images']}/image-{image_type}/{hit.pop('_slug')}-{media_id}"

        def thumb(longest: int) -> dict[str, Any]:
            scale = longest / max(width, height)
            return {"url": f"{base}-{longest}w.jpg", "width": round(width * scale),
                    "height": round(height * scale)}  # fmt: skip

        def size(name: str, factor: float, dpi: int = 300) -> dict[str, Any]:
            w, h = round(width * factor), round(height * factor)
            return {"display_name": name, "dpi": dpi, "file_size": w * h // 5, "format": "jpg",
                    "width": w, "height": h, "is_licensable": True}  # fmt: skip

        hit.update(
            media_type="image",
            aspect=round(width / height, 3),
            image_type=image_type,
            is_illustration=image_type != "photo",
            is_editorial=rnd.random() < 0.1,
            has_model_release=rnd.random() < 0.3,
            has_property_release=rnd.random() < 0.2,
            models=[],
            model_releases=[],
            releases=[],
            url=f"{SITE}/image-{image_type}/{base.rsplit('/', 1)[1]}",
            assets={
                "preview": thumb(450),
                "small_thumb": thumb(100),
                "large_thumb": thumb(150),
                "huge_thumb": thumb(260),
                "preview_1000": thumb(1000),
                "preview_1500": thumb(1500),
                "small_jpg": size("Small", 0.08, 72),
                "medium_jpg": size("Med", 0.25),
                "huge_jpg": size("Huge", 1.0),
            },
        )
        return hit

    def _video(self, media_id: str, n: int) -> dict[str, Any]:
        rnd = self.random
        hit = self._common("videos", media_id, n)
        slug = hit.pop("_slug")
        base = f"{CDN['videos']}/{media_id}"
        fps = rnd.choice((23.976, 25.0, 29.97, 59.94))
        clip = f"clip-{media_id}"

        def size(name: str, width: int, height: int, fmt: str) -> dict[str, Any]:
            return {"display_name": name, "file_size": width * height * 40, "format": fmt,
                    "fps": fps, "width": width, "height": height,
                    "is_licensable": True}  # fmt: skip

        assets: dict[str, Any] = {
            "thumb_webm": {"url": f"{base}/thumb/stock-footage-{slug}.webm"},
            "thumb_mp4": {"url": f"{base}/thumb/stock-footage-{slug}.mp4"},
            "preview_webm": {"url": f"{base}/preview/stock-footage-{slug}.webm"},
            "preview_mp4": {"url": f"{base}/preview/stock-footage-{slug}.mp4"},
            "thumb_jpg": {"url": f"{base}/thumb/1.jpg"},
            "preview_jpg": {"url": f"{base}/thumb/12.jpg"},
            "thumb_jpgs": {"urls": [f"{base}/thumb/{i}.jpg" for i in range(1, 13)]},
            "web": size("Web", 426, 240, "mov"),
            "sd": size("SD", 852, 480, "mov"),
            "hd": size("HD", 1920, 1080, "mov"),
        }
        if rnd.random() < 0.4:
            assets["4k"] = size("4K", 3840, 2160, "mov")
        hit.update(
            media_type="video",
            aspect=1.778,
            aspect_ratio="16:9",
            duration=round(rnd.uniform(6, 45), 2),
            is_editorial=rnd.random() < 0.05,
            has_model_release=rnd.random() < 0.25,
            has_property_release=rnd.random() < 0.1,
            models=[],
            original_filename=f"DJI_{rnd.randint(1, 9999):04d}.MOV",
            url=f"{SITE}/video/{clip}",
            assets=assets,
        )
        return hit

    def _audio(self, media_id: str, n: int) -> dict[str, Any]:
        rnd = self.random
        hit = self._common("audio", media_id, n)
        hit.pop("_slug")
        hit.pop("categories")
        title = f"{TITLES[n % len(TITLES)]} {n // len(TITLES) + 1}"
        artist = rnd.choice(ARTISTS)
        duration = rnd.randint(95, 240)
        base = f"{AUDIO_CDN}/{media_id}"
        submitted = datetime(2025, 1, 2, 9, tzinfo=timezone.utc) + timedelta(hours=7 * n)
        # Published times carry an offset (§3.4); the tap normalises them to UTC.
        published = (submitted + timedelta(days=3)).astimezone(timezone(timedelta(hours=-4)))
        instrumental = rnd.random() < 0.8
        hit.update(
            media_type="audio",
            title=title,
            description=f"{rnd.choice(MOODS)} {rnd.choice(GENRES).lower()} track: "
            + hit["description"].lower(),
            album={"id": str(90_000 + n // 12), "title": f"Mountain Sessions Vol. {n // 12 + 1}"},
            artists=[{"name": artist}],
            similar_artists=[{"name": a} for a in ARTISTS if a != artist][:2],
            bpm=rnd.randint(60, 140),
            duration=duration,
            genres=rnd.sample(GENRES, 2),
            instruments=rnd.sample(INSTRUMENTS, 3),
            moods=rnd.sample(MOODS, 2),
            is_instrumental=instrumental,
            vocal_description="" if instrumental else "Female vocals",
            lyrics="",
            isrc=f"USSTK25{int(media_id) % 100_000:05d}",
            language="en",
            recording_version="Full",
            releases=[],
            model_releases=[],
            submitted_time=submitted.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            published_time=published.isoformat(),
            updated_time=(submitted + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            url=f"{SITE}/music/track-{media_id}",
            assets={
                "clean_audio": {"file_size": duration * 176_400, "url": f"{base}/clean.wav"},
                "preview_mp3": {"file_size": duration * 16_000, "url": f"{base}/preview.mp3"},
                "preview_ogg": {"file_size": duration * 14_000, "url": f"{base}/preview.ogg"},
                "waveform": {"file_size": 18_432, "url": f"{base}/waveform.png"},
                "album_art": {"url": f"{AUDIO_CDN}/albums/{90_000 + n // 12}.jpg"},
            },
        )
        return hit

    # -- endpoints -----------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/v2/(images|videos)/categories", self._categories),
            route("GET", "/v2/(images|videos|audio)/search", self._search),
            route("GET", "/v2/user", self._user),
            # Audio has genres, instruments and moods but no categories (§3 "Real paths").
            route("GET", "/v2/audio/categories", lambda r, m: _error(404, "Not Found")),
        ]

    def _categories(self, request: Request, match: re.Match[str]) -> Response:
        return json_response({"data": self.categories[match.group(1)]})

    def _search(self, request: Request, match: re.Match[str]) -> Response:
        media = match.group(1)
        query = (request.arg("query") or "").strip()
        if not query:
            return _invalid("query", "Missing required property: query")
        page = request.int_arg("page", 1)
        per_page = request.int_arg("per_page", DEFAULT_PER_PAGE)
        if page < 1:
            return _invalid("page", "page must be >= 1")
        if not 0 <= per_page <= MAX_PER_PAGE:
            return _invalid("per_page", f"per_page must be <= {MAX_PER_PAGE}")
        view = request.arg("view", "minimal")
        if view not in ("minimal", "full"):
            return _invalid("view", "view must be one of minimal, full")
        terms = query.lower().split()
        hits = [hit for hit in self.hits[media] if _matches(hit, terms)]
        chosen = hits[(page - 1) * per_page : page * per_page]
        if view == "minimal":
            chosen = [
                {k: v for k, v in hit.items() if k in MINIMAL_FIELDS[media]} for hit in chosen
            ]
        body: dict[str, Any] = {
            "data": chosen,
            "page": page,
            "per_page": per_page,
            "total_count": len(hits),
            "search_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{media}?{query}")),
        }
        if media == "images":
            body["spellcheck_info"] = {}
        return json_response(body)

    def _user(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(
            {
                "id": "281754918",
                "username": "sandbox_media_team",
                "full_name": "Sandbox Media Team",
                "first_name": "Sandbox",
                "last_name": "Media Team",
                "email": "media-team@sandbox.example",
                "customer_id": "173620455",
                "contributor_id": "",
                "organization_id": "55120",
                "language": "en",
                "is_premier": False,
                "is_premier_parent": False,
                "only_enhanced_license": False,
                "only_sensitive_use": False,
                "premier_permissions": [],
            }
        )

    @override
    def authorize(self, request: Request) -> Response | None:
        if not (request.headers.get("User-Agent") or "").strip():
            return _error(400, "Requests must include a User-Agent header")
        if request.bearer_token() != self.own(ACCESS_TOKEN):
            return _error(401, "Unauthorized: missing or invalid access token")
        return None

    # -- the harness ------------------------------------------------------------------------

    @override
    def advance(self) -> None:
        """New uploads that match the query appear at the top of each search."""
        for media, count in NEW_HITS_PER_ADVANCE.items():
            self._add_hits(media, count * self.scale)

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "access_token": self.own(ACCESS_TOKEN),
            "search_query": SEARCH_QUERY,
            "base_url": base_url,
        }

    @override
    def expected_counts(self) -> dict[str, int]:
        terms = SEARCH_QUERY.split()
        return {
            "shutterstock_media_categories": sum(map(len, self.categories.values())),
            # (media_type, id) is the key: the shared video ids are rows of their own.
            "shutterstock_media_search": sum(
                1 for hits in self.hits.values() for hit in hits if _matches(hit, terms)
            ),
            "shutterstock_user": 1,
        }

    @override
    def secrets(self) -> list[str]:
        return [self.own(ACCESS_TOKEN)]


def _matches(hit: dict[str, Any], terms: list[str]) -> bool:
    text = " ".join([hit.get("description") or "", *(hit.get("keywords") or [])]).lower()
    return all(term in text for term in terms)


def _error(status: int, message: str) -> Response:
    return json_response({"message": message}, status)


def _invalid(field: str, message: str) -> Response:
    error = {"code": "VALIDATION_FAILED", "message": message, "path": f"$.{field}"}
    return json_response({"message": "Validation failed", "errors": [error]}, 400)
