"""Sandbox part for Shutterstock (facts and sources: docs/providers/shutterstock.md).

Real paths and envelopes: ``/v2/{images,videos}/categories`` (no audio categories: 404),
``/v2/{images,videos,audio}/search`` (page/per_page, ``total_count``, ``search_id``,
``view=minimal|full``), the bare ``/v2/user`` object, ``/v2/user/access_token`` (the
token's scopes), the license history ``/v2/{images,videos,audio}/licenses`` (``start_date``,
``sort``, at most 200 per page), ``/v2/user/subscriptions``, the collections
``/v2/{images,videos,audio}/collections[/{id}/items]`` (at most 150 per page) and the audio
taxonomies ``/v2/audio/{genres,instruments,moods}`` (lists of strings).

Every request needs a User-Agent (else 400) and a known bearer token (else 401). Two tokens
exist: the full one, and a limited one without ``licenses.view`` and ``purchases.view``. A
missing scope is answered 403 on licenses and collections and 401 on subscriptions: the
vendor documents both statuses for these paths without saying which a missing scope gets.

At scale 1 there are 1100 image hits (three pages of 500), 600 video hits (two) and exactly
500 audio hits: one full page that only ``total_count`` ends. The first video ids repeat
image ids, as ids are only unique per media type. Licenses: 450 images (pages of 200, 200,
50), exactly 200 videos (one full page) and 35 audio. Image collections show
``items_updated_time``; audio collections, like the vendor's older examples, show only
``created_time``/``updated_time``.
"""

from __future__ import annotations

import hashlib
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
#: A user token without ``licenses.view`` and ``purchases.view``.
LIMITED_TOKEN = "sandbox-shutterstock-limited-token"
CLIENT_ID = "c456b-26230-fa8ed-d19ab-05ce2-bf0aa"
SCOPES = {
    ACCESS_TOKEN: ("collections.edit", "collections.view", "licenses.create", "licenses.view",
                   "purchases.view", "user.view"),
    LIMITED_TOKEN: ("collections.view", "user.view"),
}  # fmt: skip
SEARCH_QUERY = "mountain"
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 20
HITS = {"images": 1100, "videos": 600, "audio": 500}
SHARED_IDS = 50  # video hits whose ids are also image ids
NEW_HITS_PER_ADVANCE = {"images": 30, "videos": 12, "audio": 8}
FIRST_DAY = date(2025, 1, 6)
LICENSES = {"images": 450, "videos": 200, "audio": 35}
NEW_LICENSES_PER_ADVANCE = {"images": 25, "videos": 10, "audio": 5}
#: ``per_page`` bounds of the license lists: images 0-200, videos 1-200 (the vendor's spec);
#: the audio list documents no bounds, and the sandbox applies the video ones.
LICENSE_PER_PAGE = {"images": (0, 200), "videos": (1, 200), "audio": (1, 200)}
LICENSE_EPOCH = datetime(2025, 1, 6, 9, tzinfo=timezone.utc)
#: Items per collection, per media path (collection ids are unique per media type only).
COLLECTION_ITEMS = {
    "images": (320, 48, 12, 0, 7, 150, 3, 25, 9, 60, 1, 2, 4, 6, 2, 8, 5, 3, 9, 1, 7, 11, 2, 3),
    "videos": (20, 5, 0, 11, 3, 4),
    "audio": (6, 14, 2),
}
COLLECTION_PER_PAGE_MAX = 150
COLLECTION_PER_PAGE_DEFAULT = 100
EDT = timezone(timedelta(hours=-4))
TAXONOMIES = {
    "genres": ("Rock", "Pop > Singer-Songwriter", "Pop > Synth Pop", "Production / Film Scores",
               "Ambient", "Cinematic > Epic", "Cinematic > Drama", "Classical", "Corporate",
               "Dance/Electronic", "Electro Pop", "Folk", "Hip Hop", "Jazz", "Lounge",
               "Orchestral", "Pop/Rock", "Reggae", "Soul / R&B", "World > Latin"),
    "instruments": ("Orchestra", "Organ", "Oud", "Pads", "Electric Guitar", "Acoustic Guitar",
                    "Piano", "Strings", "Synthesizer", "Synth bass", "Synth drums", "Drums",
                    "Flute", "Cello", "Brass"),
    "moods": ("Action / Sports", "Adventure / Discovery", "Aerobics / Workout", "Aggressive",
              "Bright", "Calm", "Confident", "Dreamy", "Epic", "Fun", "Happy", "Hopeful",
              "Inspiring", "Optimistic", "Playful", "Reflective"),
}  # fmt: skip
NEW_MOOD = "Nostalgic"
USERNAMES = ("sandbox_media_team", "jdoe_design", "ana.video", "music_desk")
ASSET_COLLECTIONS = {"images": ("Essentials", "Starter", "Choice", "Offset"),
                     "videos": ("Essentials", "Select", "")}  # fmt: skip
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
        self._removed_items = 0
        self.categories = {
            "images": [{"id": str(i), "name": n} for i, n in enumerate(IMAGE_CATEGORIES, 1)],
            "videos": [{"id": str(i), "name": n} for i, n in enumerate(VIDEO_CATEGORIES, 1)],
        }
        self.hits: dict[str, list[dict[str, Any]]] = {"images": [], "videos": [], "audio": []}
        self._next_id = {"images": 2_100_000_000, "videos": 1_050_000_000, "audio": 440_000}
        for media, count in HITS.items():
            self._add_hits(media, count * scale)
        # The sandbox's clock: license downloads and collection changes happen "now".
        self.now = LICENSE_EPOCH
        self.licenses: dict[str, list[dict[str, Any]]] = {m: [] for m in LICENSES}
        for media, count in LICENSES.items():
            self._add_licenses(media, count * scale)
        self.subscriptions = self._subscriptions()
        self.collections: dict[str, list[dict[str, Any]]] = {m: [] for m in COLLECTION_ITEMS}
        self.collection_items: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for media, sizes in COLLECTION_ITEMS.items():
            for size in sizes:
                self._add_collection(media, size)
        self.taxonomies = {name: list(values) for name, values in TAXONOMIES.items()}

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
            "contributor": {
                "id": str(rnd.randint(100_000, 4_999_999)),
                "name": ARTISTS[n % len(ARTISTS)].replace(" ", "") + " Studio",
            },
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
        # Images list their releases as strings (the vendor's Image model).
        hit["releases"] = [f"Property Release {media_id}"] if hit["has_property_release"] else []
        hit["asset_collection"] = ASSET_COLLECTIONS["images"][n % 4]
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
        # Videos list their releases as objects (the vendor's Video model), unlike images.
        hit["releases"] = [
            {"id": f"{media_id}{k}"} for k in range(2 if hit["has_model_release"] else 0)
        ]
        hit["is_select"] = n % 9 == 0
        hit["asset_collection"] = (
            "Select" if hit["is_select"] else ASSET_COLLECTIONS["videos"][n % 2]
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
        # Published times carry an offset ("Timestamps"); the tap normalises them to UTC.
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
        if n % 10 == 0:
            hit["assets"]["shorts_loops_stems"] = {
                part: {"url": f"{base}/{part}.zip"} for part in ("shorts", "loops", "stems")
            }
        return hit

    # -- licenses, subscriptions, collections -----------------------------------------------

    def _add_licenses(self, media: str, count: int) -> None:
        """Licenses downloaded one after another, every 47 minutes of sandbox time."""
        rows = self.licenses[media]
        hits = self.hits[media]
        for _ in range(count):
            n = sum(map(len, self.licenses.values()))
            self.now += timedelta(minutes=47)
            at = self.now
            key = f"{media}-{n}".encode()
            hit = hits[(n * 7) % len(hits)]
            user = {"username": USERNAMES[n % len(USERNAMES)]}
            row: dict[str, Any] = {"_at": at, "id": "e" + hashlib.md5(key).hexdigest()[:32]}
            if media == "images":
                # The vendor's current examples: UTC with milliseconds.
                size, fmt = (("huge", "jpg"), ("medium", "jpg"), ("vector", "eps"))[n % 3]
                row.update(
                    user=user,
                    license="enhanced" if n % 5 == 0 else "standard",
                    download_time=at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    is_downloadable=n % 11 != 0,
                    image={"id": hit["id"], "format": {"format": fmt, "size": size}},
                    subscription_id="s18382630",
                    metadata={"purchase_order": f"PO-{4500 + n // 20}", "client": "Company A",
                              "job": "Spring campaign", "other": ""},
                )  # fmt: skip
                if n % 4 == 0:
                    row["revshare"] = {"purchase_amount": "9.80", "purchase_currency": "USD"}
            elif media == "videos":
                # The vendor's older examples: a -04:00 offset and no fraction.
                row.update(
                    user=user,
                    license="footage_standard",
                    download_time=at.astimezone(EDT).isoformat(),
                    is_downloadable=True,
                    video={"id": hit["id"], "format": {"size": ("hd", "sd", "4k")[n % 3]}},
                    subscription_id="s8907043",
                    metadata={"customer_id": "12345", "geo_location": "US",
                              "number_viewed": str(n % 40), "search_term": SEARCH_QUERY},
                )  # fmt: skip
            else:
                row.update(
                    user=user,
                    license="audio_standard",
                    download_time=at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    is_downloadable=True,
                    audio={"id": hit["id"], "format": {"format": "wav"}},
                    subscription_id="s8907077",
                    metadata={},
                    revshare={"purchase_amount": "49.00", "purchase_currency": "EUR"},
                )
            rows.append(row)

    def _subscriptions(self) -> list[dict[str, Any]]:
        start = datetime(2025, 1, 1, 0, tzinfo=EDT).isoformat()
        end = datetime(2026, 1, 1, 0, tzinfo=EDT).isoformat()

        def fmt(kind: str, name: str, ext: str, size: str, res: int | None) -> dict[str, Any]:
            row: dict[str, Any] = {"media_type": kind, "description": name, "format": ext,
                                   "size": size}  # fmt: skip
            return row if res is None else {**row, "min_resolution": res}

        plans = (
            ("s18382630", "images", "standard", "Annual Subscription", 750, 9.8,
             [fmt("image", "Small", "jpg", "small", 500),
              fmt("image", "Med", "jpg", "medium", 1000),
              fmt("image", "Huge", "jpg", "huge", 4000000),
              fmt("image", "Vector", "eps", "vector", None)]),
            ("s8907043", "videos", "footage_standard", "Footage 10-Pack", 250, 79.0,
             [fmt("video", "HD", "mpeg", "hd", 1920), fmt("video", "SD", "mpeg", "sd", 852)]),
            ("s8907077", "audio", "audio_standard", "Music Platform", 50, 49.0,
             [fmt("audio", "WAV", "wav", "original", None)]),
        )  # fmt: skip
        subscriptions = []
        for sub_id, media, license_name, description, limit, price, formats in plans:
            left = max(limit - len(self.licenses[media]), 0)
            tiers = {f"standard_{media}": {"downloads_left": left, "downloads_limit": limit}}
            allotment = {
                "downloads_left": left,
                "downloads_limit": limit,
                "generations_left": 40,
                "generations_limit": 50,
                "start_time": start,
                "end_time": end,
                "content_tiers": tiers,
            }
            subscriptions.append(
                {
                    "id": sub_id,
                    "description": description,
                    "license": license_name,
                    "asset_type": media,
                    "expiration_time": end,
                    "allotment": allotment,
                    "formats": formats,
                    "metadata": {},
                    "price_per_download": {"local_amount": price, "local_currency": "USD"},
                }
            )
        return subscriptions

    def _add_collection(self, media: str, size: int) -> None:
        rows = self.collections[media]
        collection_id = str(5_747_953 + 2 * sum(map(len, self.collections.values())))
        self.now += timedelta(minutes=13)
        collection: dict[str, Any] = {
            "id": collection_id,
            "name": f"{SCENES[len(rows) % len(SCENES)].split(' at ')[0].capitalize()} ({media})",
            "total_item_count": 0,
            "created_time": _offset_time(self.now),
            "updated_time": _offset_time(self.now),
        }
        rows.append(collection)
        self.collection_items[(media, collection_id)] = []
        self._add_items(media, collection, size)

    def _add_items(self, media: str, collection: dict[str, Any], count: int) -> None:
        items = self.collection_items[(media, collection["id"])]
        hits = self.hits[media]
        singular = {"images": "image", "videos": "video", "audio": "audio"}[media]
        taken = {item["id"] for item in items}
        start = (int(collection["id"]) * 31 + len(items)) % len(hits)
        for k in range(len(hits)):
            if count <= 0:
                break
            hit_id = hits[(start + k * 3) % len(hits)]["id"]
            if hit_id in taken:
                continue
            self.now += timedelta(seconds=37)
            items.append({"id": hit_id, "added_time": _utc_time(self.now), "media_type": singular})
            taken.add(hit_id)
            count -= 1
        self._touch_items(media, collection)

    def _touch_items(self, media: str, collection: dict[str, Any]) -> None:
        items = self.collection_items[(media, collection["id"])]
        collection["total_item_count"] = len(items)
        # Audio collections show no items_updated_time (like the vendor's 2021 examples).
        if media != "audio":
            collection["items_updated_time"] = _offset_time(self.now)
        if items:
            collection["cover_item"] = dict(items[0])
        else:
            collection.pop("cover_item", None)

    # -- endpoints -----------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        return [
            route("GET", "/v2/(images|videos)/categories", self._categories),
            route("GET", "/v2/(images|videos|audio)/search", self._search),
            route("GET", "/v2/user", self._user),
            route("GET", "/v2/user/access_token", self._access_token),
            route("GET", "/v2/user/subscriptions", self._subscriptions_list),
            route("GET", "/v2/(images|videos|audio)/licenses", self._licenses),
            route("GET", "/v2/(images|videos|audio)/collections", self._collections),
            route("GET", "/v2/(images|videos|audio)/collections/([^/]+)/items", self._items),
            route("GET", "/v2/audio/(genres|instruments|moods)", self._taxonomy),
            # Audio has genres, instruments and moods but no categories ("Categories and user").
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

    def _access_token(self, request: Request, match: re.Match[str]) -> Response:
        return json_response(
            {
                "client_id": CLIENT_ID,
                "customer_id": "173620455",
                "realm": "customer",
                "user_id": "281754918",
                "username": "sandbox_media_team",
                "expires_in": None,  # the default token does not expire
                "scopes": list(_scopes_of(request)),
            }
        )

    def _subscriptions_list(self, request: Request, match: re.Match[str]) -> Response:
        if refusal := _missing_scope(request, "purchases.view", 401):
            return refusal
        # No parameters are documented; the envelope still carries page/per_page/total_count.
        page = request.int_arg("page", 1)
        per_page = request.int_arg("per_page", DEFAULT_PER_PAGE)
        rows = self.subscriptions[(page - 1) * per_page : page * per_page]
        return json_response(
            {
                "data": rows,
                "page": page,
                "per_page": per_page,
                "total_count": len(self.subscriptions),
            }
        )

    def _licenses(self, request: Request, match: re.Match[str]) -> Response:
        if refusal := _missing_scope(request, "licenses.view", 403):
            return refusal
        media = match.group(1)
        paging = _paging(request, DEFAULT_PER_PAGE, LICENSE_PER_PAGE[media])
        if isinstance(paging, Response):
            return paging
        page, per_page = paging
        sort = request.arg("sort", "newest")
        if sort not in ("newest", "oldest"):
            return _invalid("sort", "sort must be one of newest, oldest")
        try:
            start = _parse_time(request.arg("start_date"))
            end = _parse_time(request.arg("end_date"))
        except ValueError:
            return _invalid("start_date", "start_date and end_date must be date-time strings")
        rows = [
            row
            for row in self.licenses[media]
            if (start is None or row["_at"] >= start) and (end is None or row["_at"] < end)
        ]
        if sort == "newest":
            rows = rows[::-1]
        chosen = [
            {k: v for k, v in row.items() if k != "_at"}
            for row in rows[(page - 1) * per_page : page * per_page]
        ]
        return json_response(
            {"total_count": len(rows), "page": page, "per_page": per_page, "data": chosen}
        )

    def _collections(self, request: Request, match: re.Match[str]) -> Response:
        if refusal := _missing_scope(request, "collections.view", 403):
            return refusal
        media = match.group(1)
        paging = _paging(request, COLLECTION_PER_PAGE_DEFAULT, (1, COLLECTION_PER_PAGE_MAX))
        if isinstance(paging, Response):
            return paging
        page, per_page = paging
        rows = self.collections[media]
        chosen = [dict(row) for row in rows[(page - 1) * per_page : page * per_page]]
        embed = set(request.args("embed"))
        for row in chosen:
            if "share_code" in embed:
                row["share_code"] = hashlib.md5(row["id"].encode()).hexdigest()[:12]
            if "share_url" in embed:
                row["share_url"] = f"{SITE}/collections/{row['id']}-share"
        return json_response(
            {"data": chosen, "page": page, "per_page": per_page, "total_count": len(rows)}
        )

    def _items(self, request: Request, match: re.Match[str]) -> Response:
        if refusal := _missing_scope(request, "collections.view", 403):
            return refusal
        media, collection_id = match.group(1), match.group(2)
        items = self.collection_items.get((media, collection_id))
        if items is None:
            return _error(404, "Collection not found")
        paging = _paging(request, COLLECTION_PER_PAGE_DEFAULT, (1, COLLECTION_PER_PAGE_MAX))
        if isinstance(paging, Response):
            return paging
        page, per_page = paging
        sort = request.arg("sort", "oldest")
        if sort not in ("newest", "oldest"):
            return _invalid("sort", "sort must be one of newest, oldest")
        ordered = items if sort == "oldest" else items[::-1]
        chosen = [dict(item) for item in ordered[(page - 1) * per_page : page * per_page]]
        return json_response(
            {"data": chosen, "page": page, "per_page": per_page, "total_count": len(items)}
        )

    def _taxonomy(self, request: Request, match: re.Match[str]) -> Response:
        # Lists of strings, no paging; no scope needed.
        return json_response({"data": list(self.taxonomies[match.group(1)])})

    @override
    def authorize(self, request: Request) -> Response | None:
        if not (request.headers.get("User-Agent") or "").strip():
            return _error(400, "Requests must include a User-Agent header")
        if request.bearer_token() not in {self.own(token) for token in SCOPES}:
            return _error(401, "Unauthorized: missing or invalid access token")
        return None

    # -- the harness ------------------------------------------------------------------------

    @override
    def removed_counts(self) -> dict[str, int]:
        # An item taken out of a collection was loaded before it went.
        return {"shutterstock_media_collection_items": self._removed_items}

    @override
    def advance(self) -> None:
        """New uploads, new licenses, changed collections and one new mood.

        Search: new uploads at the top of each search. Licenses: new downloads after the
        latest one; an old image license stops being downloadable, which the license
        history's date filter cannot show. Collections: two image collections' items change
        (three added, one removed), a video collection is renamed, and a new image
        collection appears; the other collections stay as they were.
        """
        for media, count in NEW_HITS_PER_ADVANCE.items():
            self._add_hits(media, count * self.scale)
        self.now += timedelta(hours=6)
        for media, count in NEW_LICENSES_PER_ADVANCE.items():
            self._add_licenses(media, count * self.scale)
        self.licenses["images"][3]["is_downloadable"] = False
        self.subscriptions = self._subscriptions()
        images = self.collections["images"]
        self.now += timedelta(minutes=5)
        self._add_items("images", images[1], 3)
        self.now += timedelta(minutes=5)
        removed = self.collection_items[("images", images[2]["id"])]
        removed.pop(len(removed) // 2)
        self._removed_items += 1
        self._touch_items("images", images[2])
        self.now += timedelta(minutes=5)
        video = self.collections["videos"][0]
        video["name"] += " (final cut)"
        video["updated_time"] = _offset_time(self.now)
        self._add_collection("images", 4)
        if NEW_MOOD not in self.taxonomies["moods"]:
            self.taxonomies["moods"].append(NEW_MOOD)

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
            "shutterstock_media_licenses": sum(map(len, self.licenses.values())),
            "shutterstock_user_subscriptions": len(self.subscriptions),
            "shutterstock_media_collections": sum(map(len, self.collections.values())),
            "shutterstock_media_collection_items": sum(map(len, self.collection_items.values())),
            "shutterstock_audio_taxonomies": sum(map(len, self.taxonomies.values())),
        }

    @override
    def secrets(self) -> list[str]:
        return [self.own(ACCESS_TOKEN), self.own(LIMITED_TOKEN)]


def _matches(hit: dict[str, Any], terms: list[str]) -> bool:
    text = " ".join([hit.get("description") or "", *(hit.get("keywords") or [])]).lower()
    return all(term in text for term in terms)


def _error(status: int, message: str) -> Response:
    return json_response({"message": message}, status)


def _invalid(field: str, message: str) -> Response:
    error = {"code": "VALIDATION_FAILED", "message": message, "path": f"$.{field}"}
    return json_response({"message": "Validation failed", "errors": [error]}, 400)


def _paging(request: Request, default: int, bounds: tuple[int, int]) -> tuple[int, int] | Response:
    """``page`` and ``per_page`` of a request, or the API's 400 when out of bounds."""
    page = request.int_arg("page", 1)
    per_page = request.int_arg("per_page", default)
    low, high = bounds
    if page < 1:
        return _invalid("page", "page must be >= 1")
    if not low <= per_page <= high:
        return _invalid("per_page", f"per_page must be between {low} and {high}")
    return page, per_page


def _scopes_of(request: Request) -> tuple[str, ...]:
    """The scopes of the request's token; another account's copy has the same scopes."""
    token = re.sub(r"-acct\d+$", "", request.bearer_token() or "")
    return SCOPES.get(token, ())


def _missing_scope(request: Request, scope: str, status: int) -> Response | None:
    """The refusal of a valid token that lacks ``scope`` (the body is the sandbox's own)."""
    if scope in _scopes_of(request):
        return None
    return _error(status, f"Forbidden: this access token lacks the {scope} scope")


def _parse_time(value: str | None) -> datetime | None:
    """A ``start_date``/``end_date`` value: RFC 3339 (``Z`` or offset) or a bare date."""
    if not value:
        return None
    text = re.sub(r"(\.\d{1,6})\d*", r"\1", value.strip().replace("Z", "+00:00"))
    if "." in text:
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        if digits:
            text = f"{head}.{digits.group(0).ljust(6, '0')}{tail[len(digits.group(0)) :]}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _utc_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _offset_time(moment: datetime) -> str:
    return moment.astimezone(EDT).replace(microsecond=0).isoformat()
