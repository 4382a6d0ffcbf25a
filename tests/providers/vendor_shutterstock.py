# ruff: noqa: E501 - the vendor examples carry long CDN URLs and descriptions, kept whole
"""Shutterstock responses shaped like the vendor's own documented examples.

Written for these tests (not copied files). Each fixture names the example it follows:
"JS SDK" is shutterstock/public-api-javascript-sdk at c6cfc425bfe0b708ade69c1e61465d78746ef06a
(docs/*Api.md "Example response" and the docs/<Model>.md field tables), "2021 spec" is
shutterstock/public-api-sdk-generator openapi.json at 65eb3588386dcec6531d7f85cdecf95e704937d8
(API 1.0.30, ``examples.response``). Where an example leaves out documented fields, the
fixture adds them with the type and format the model table gives, so that every documented
field arrives at least once (docs/providers/shutterstock.fields.json).
"""

from __future__ import annotations

from typing import Any

# -- search ----------------------------------------------------------------------------------

# JS SDK ImagesApi.searchImages example (a `view=minimal` hit), plus the full-view fields of
# docs/Image.md, ImageAssets.md, ImageSizeDetails.md and Contributor.md (`name`), and the
# `asset_collection` enum (Starter, Essentials, Choice, Offset). Image `releases` is [String].
IMAGE_SEARCH: dict[str, Any] = {
    "data": [
        {
            "id": "1572478477",
            "aspect": 1.5,
            "assets": {
                "preview": {"height": 300, "url": "https://image.shutterstock.com/display_pic_with_logo/250738318/1572478477/stock-photo-cropped-image-of-woman-gardening-1572478477.jpg", "width": 450},
                "small_thumb": {"height": 67, "url": "https://thumb7.shutterstock.com/thumb_small/250738318/1572478477/stock-photo-cropped-image-of-woman-gardening-1572478477.jpg", "width": 100},
                "large_thumb": {"height": 100, "url": "https://thumb7.shutterstock.com/thumb_large/250738318/1572478477/stock-photo-cropped-image-of-woman-gardening-1572478477.jpg", "width": 150},
                "mosaic": {"height": 167, "url": "https://image.shutterstock.com/image-photo/stock-photo-cropped-image-of-woman-gardening-250nw-1572478477.jpg", "width": 250},
                "huge_thumb": {"height": 260, "url": "https://image.shutterstock.com/image-photo/cropped-image-woman-gardening-260nw-1572478477.jpg", "width": 390},
                "preview_1000": {"url": "https://ak.picdn.net/shutterstock/photos/1572478477/watermark_1000/1706028c641ea2f443057287c67d9b91/preview_1000-1572478477.jpg", "width": 1000, "height": 667},
                "preview_1500": {"url": "https://image.shutterstock.com/z/stock-photo-cropped-image-of-woman-gardening-1572478477.jpg", "width": 1500, "height": 1000},
                "small_jpg": {"display_name": "Small", "dpi": 72, "file_size": 117556, "format": "jpg", "height": 333, "is_licensable": True, "width": 500},
                "medium_jpg": {"display_name": "Med", "dpi": 300, "file_size": 457461, "format": "jpg", "height": 667, "is_licensable": True, "width": 1000},
                "huge_jpg": {"display_name": "Huge", "dpi": 300, "file_size": 4865094, "format": "jpg", "height": 4000, "is_licensable": True, "width": 6000},
                "supersize_jpg": {"display_name": "Super", "dpi": 300, "file_size": 12451904, "format": "jpg", "height": 8000, "is_licensable": True, "width": 12000},
                "vector_eps": {"display_name": "Vector", "dpi": 300, "file_size": 2236911, "format": "eps", "height": 4000, "is_licensable": False, "width": 6000},
            },
            "contributor": {"id": "250738318", "name": "Rawpixel.com"},
            "description": "cropped image of woman gardening",
            "image_type": "photo",
            "has_model_release": True,
            "has_property_release": False,
            "media_type": "image",
            "added_date": "2019-11-05",
            "affiliate_url": "https://shutterstock.7eer.net/c/43068/560528/1305?u=https%3A%2F%2Fwww.shutterstock.com%2Fimage-photo%2F1572478477",
            "categories": [{"id": "13", "name": "People"}, {"id": "12", "name": "Nature"}],
            "is_adult": False,
            "is_editorial": False,
            "is_illustration": False,
            "asset_collection": "Essentials",
            "keywords": ["gardening", "woman", "plant", "springtime"],
            "model_releases": [{"id": "12345678"}],
            "models": [{"id": "27542"}],
            "releases": ["Model Release 12345678"],
            "url": "https://www.shutterstock.com/image-photo/1572478477",
        }
    ],
    "page": 1,
    "per_page": 5,
    "search_id": "749090bb-2967-4a20-b22e-c800dc845e10",
    "spellcheck_info": {},
    "total_count": 45,
}  # fmt: skip

# JS SDK VideosApi.searchVideos example, plus the full-view fields of docs/Video.md,
# VideoAssets.md and VideoSizeDetails.md: `is_select`, `asset_collection` ("", Essentials,
# Select) and `releases` as a list of {"id"} objects (unlike images and audio).
VIDEO_SEARCH: dict[str, Any] = {
    "data": [
        {
            "id": "1033184651",
            "aspect": 1.778,
            "aspect_ratio": "16:9",
            "assets": {
                "thumb_webm": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/thumb/stock-footage-camera-follows-hipster-millennial-young-woman-in-orange-jacket-running-up-on-top-of-mountain-summit.webm"},
                "thumb_mp4": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/thumb/stock-footage-camera-follows-hipster-millennial-young-woman-in-orange-jacket-running-up-on-top-of-mountain-summit.mp4"},
                "preview_webm": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/preview/stock-footage-camera-follows-hipster-millennial-young-woman-in-orange-jacket-running-up-on-top-of-mountain-summit.webm"},
                "preview_mp4": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/preview/stock-footage-camera-follows-hipster-millennial-young-woman-in-orange-jacket-running-up-on-top-of-mountain-summit.mp4"},
                "thumb_jpg": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/thumb/12.jpg"},
                "preview_jpg": {"url": "https://ak.picdn.net/shutterstock/videos/1033184651/thumb/12.jpg"},
                "thumb_jpgs": {"urls": ["https://ak.picdn.net/shutterstock/videos/1033184651/thumb/1.jpg", "https://ak.picdn.net/shutterstock/videos/1033184651/thumb/2.jpg"]},
                "web": {"display_name": "Web", "file_size": 3127441, "format": "mov", "fps": 29.97, "height": 240, "is_licensable": True, "width": 426},
                "sd": {"display_name": "SD", "file_size": 15217532, "format": "mov", "fps": 29.97, "height": 480, "is_licensable": True, "width": 852},
                "hd": {"display_name": "HD", "file_size": 94567193, "format": "mov", "fps": 29.97, "height": 1080, "is_licensable": True, "width": 1920},
                "4k": {"display_name": "4K", "file_size": 372913452, "format": "mov", "fps": 29.97, "height": 2160, "is_licensable": True, "width": 3840},
            },
            "contributor": {"id": "4411978", "name": "Mountain Films"},
            "description": "Camera follows hipster millennial young woman in orange jacket running up on top of mountain summit at sunset, jumps on top of rocks, raises arms into air, happy and drunk on life, youth and happiness",
            "duration": 14.081,
            "has_model_release": True,
            "has_property_release": False,
            "media_type": "video",
            "added_date": "2019-06-12",
            "affiliate_url": "https://shutterstock.7eer.net/c/43068/560528/1305?u=https%3A%2F%2Fwww.shutterstock.com%2Fvideo%2Fclip-1033184651",
            "categories": [{"id": "12", "name": "Nature"}],
            "is_adult": False,
            "is_editorial": False,
            "is_select": False,
            "asset_collection": "Essentials",
            "keywords": ["mountain", "summit", "sunset", "running"],
            "models": [{"id": "27542"}],
            "releases": [{"id": "11223344"}, {"id": "11223345"}],
            "url": "https://www.shutterstock.com/video/clip-1033184651",
        }
    ],
    "page": 1,
    "per_page": 5,
    "total_count": 123,
    "search_id": "749090bb-2967-4a20-b22e-c800dc845e10",
}  # fmt: skip

# JS SDK AudioApi.searchTracks example (= the 2021 spec's Audio example: an offset
# times with a -04:00 offset), plus docs/Audio.md and AudioAssets.md fields:
# `album`, `affiliate_url`, `submitted_time`, `deleted_time`, `model_releases`, `album_art`,
# `original_audio` and `shorts_loops_stems` (three objects whose shape is not documented).
AUDIO_SEARCH: dict[str, Any] = {
    "data": [
        {
            "added_date": "2016-08-16",
            "affiliate_url": "https://shutterstock.7eer.net/c/43068/560528/1305?u=https%3A%2F%2Fwww.shutterstock.com%2Fmusic%2Ftrack-442583",
            "album": {"id": "23119", "title": "Feel Good Pop"},
            "artists": [{"name": "Klimenko Music"}],
            "assets": {
                "clean_audio": {"file_size": 35188408, "url": "https://ak.picdn.net/shutterstock/audio/442583/clean/clean.wav"},
                "original_audio": {"file_size": 35188408, "url": "https://ak.picdn.net/shutterstock/audio/442583/original/original.wav"},
                "preview_mp3": {"file_size": 4400203, "url": "https://ak.picdn.net/shutterstock/audio/442583/preview/preview.mp3"},
                "preview_ogg": {"file_size": 4453197, "url": "https://ak.picdn.net/shutterstock/audio/442583/preview/preview.ogg"},
                "waveform": {"file_size": 18778, "url": "https://ak.picdn.net/shutterstock/audio/442583/waveform/waveform.png"},
                "album_art": {"file_size": 50210, "url": "https://ak.picdn.net/shutterstock/audio/albums/23119.jpg"},
                "shorts_loops_stems": {"shorts": {}, "loops": {}, "stems": {}},
            },
            "bpm": 110,
            "contributor": {"id": "2847971", "name": "Klimenko Music"},
            "deleted_time": None,
            "description": "Pulsing and feel-good, featuring soaring synthesizer, groovy synth bass drums and synth drums that create a euphoric, upbeat mood.",
            "duration": 183,
            "genres": ["Dance/Electronic", "Electro Pop", "Pop/Rock"],
            "id": "442583",
            "instruments": ["Piano", "Synth bass", "Synth drums", "Synthesizer"],
            "is_adult": False,
            "is_instrumental": True,
            "isrc": "",
            "keywords": ["celebratory", "chic", "euphoric", "good times", "hip", "optimistic", "party", "soaring", "upbeat"],
            "language": "en",
            "lyrics": "",
            "media_type": "audio",
            "model_releases": [],
            "moods": ["Bright", "Confident", "Fun", "Happy", "Inspiring", "Optimistic", "Playful", "Sophisticated", "Stylish", "Uplifting"],
            "published_time": "2016-08-16T14:30:03-04:00",
            "recording_version": "",
            "releases": [],
            "similar_artists": [{"name": "Ikoliks"}],
            "submitted_time": "2016-08-12T10:02:41-04:00",
            "title": "Another Tomorrow",
            "updated_time": "2016-08-18T17:59:33-04:00",
            "vocal_description": "",
            "url": "",
        }
    ],
    "page": 1,
    "per_page": 5,
    "total_count": 123455,
    "search_id": "749090bb-2967-4a20-b22e-c800dc845e10",
}  # fmt: skip

# -- categories and user ---------------------------------------------------------------------

# JS SDK ImagesApi.listImageCategories / VideosApi.listVideoCategories example (the same).
CATEGORIES: dict[str, Any] = {
    "data": [{"id": "1", "name": "Animals/Wildlife"}, {"id": "11", "name": "The Arts"}],
    "page": 1,
    "per_page": 2,
    "total_count": 13,
}

# JS SDK UsersApi.getUser example (a bare object), with the rest of docs/UserDetails.md.
USER: dict[str, Any] = {
    "id": "101782699",
    "username": "jdoe",
    "full_name": "John Doe",
    "first_name": "John",
    "last_name": "Doe",
    "language": "es",
    "contributor_id": "212",
    "customer_id": "123456789",
    "email": "jdoe@example.com",
    "organization_id": "55120",
    "is_premier": False,
    "is_premier_parent": False,
    "only_enhanced_license": False,
    "only_sensitive_use": False,
    "premier_permissions": [],
}

# JS SDK UsersApi.getAccessToken example (docs/AccessTokenDetails.md).
ACCESS_TOKEN: dict[str, Any] = {
    "client_id": "c456b-26230-fa8ed-d19ab-05ce2-bf0aa",
    "customer_id": "123456789",
    "realm": "customer",
    "user_id": "123456789",
    "username": "jdoe",
    "expires_in": 3600,
    "scopes": [
        "collections.edit",
        "collections.view",
        "licenses.create",
        "licenses.view",
        "purchases.view",
        "user.view",
    ],
}

# -- license history -------------------------------------------------------------------------

# JS SDK ImagesApi.getImageLicenseList example, plus `revshare` (docs/DownloadHistoryRevshare.md,
# in the SDK since 2024-12) and `image.format.format` (docs/DownloadHistoryAudioFormat.md).
IMAGE_LICENSES: dict[str, Any] = {
    "total_count": 2890,
    "page": 1,
    "per_page": 1,
    "data": [
        {
            "id": "e1eba3833793e77188d22caae8bac9f2cd",
            "user": {"username": "editorial_test_account_002"},
            "license": "premier_editorial_all_digital",
            "download_time": "2021-07-15T15:46:34.000Z",
            "is_downloadable": False,
            "image": {"id": "9763363ao", "format": {"format": "jpg", "size": "original"}},
            "subscription_id": "s12345678",
            "metadata": {
                "purchase_order": "123456",
                "client": "Company A",
                "job": "Important project",
                "other": "Important media",
            },
            "revshare": {"purchase_amount": "12.50", "purchase_currency": "USD"},
        }
    ],
}

# The 2021 spec's /v2/videos/licenses example: a `video` object (the JS SDK repeats the image
# example for videos, which is wrong), offset timestamps, per-customer metadata keys.
VIDEO_LICENSES: dict[str, Any] = {
    "data": [
        {
            "id": "e121",
            "user": {"username": "myusername"},
            "license": "footage_premier",
            "subscription_id": "s8907043",
            "download_time": "2018-05-24T14:26:25-04:00",
            "metadata": {"customer_id": "12345", "geo_location": "US", "number_viewed": "15", "search_term": "dog"},
            "video": {"id": "2140697", "format": {"size": "sd"}},
        },
        {
            "id": "e122",
            "user": {"username": "myusername"},
            "license": "footage_premier",
            "subscription_id": "s8907043",
            "download_time": "2018-05-23T10:10:24-04:00",
            "metadata": {"customer_id": "12345", "geo_location": "US", "number_viewed": "15", "search_term": "dog"},
            "video": {"id": "2140697", "format": {"format": "mov", "size": "sd"}},
        },
    ],
    "page": 1,
    "per_page": 2,
}  # fmt: skip

# docs/DownloadHistory.md with the `audio` object (neither source has an audio example; the
# JS SDK's AudioApi.getTrackLicenseList shows the image example again).
AUDIO_LICENSES: dict[str, Any] = {
    "total_count": 1,
    "page": 1,
    "per_page": 1,
    "data": [
        {
            "id": "e7c4d1a2b3f4e5d6c7b8a9f0e1d2c3b4a5",
            "user": {"username": "jdoe"},
            "license": "audio_platform",
            "download_time": "2021-07-15T15:46:34.000Z",
            "is_downloadable": True,
            "audio": {"id": "442583", "format": {"format": "wav", "size": "original"}},
            "subscription_id": "s12345678",
            "metadata": {},
            "revshare": {"purchase_amount": "49.00", "purchase_currency": "EUR"},
        }
    ],
}

# -- subscriptions ---------------------------------------------------------------------------

# JS SDK UsersApi.getUserSubscriptionList example, plus docs/SubscriptionAllotment.md
# (`generations_left`, `generations_limit`, `content_tiers`) and
# docs/SubscriptionPricePerDownload.md. Its envelope's page/per_page/total_count are the SDK's.
SUBSCRIPTIONS: dict[str, Any] = {
    "data": [
        {
            "allotment": {
                "downloads_left": 5,
                "downloads_limit": 10,
                "generations_left": 3,
                "generations_limit": 5,
                "end_time": "2020-05-29T12:10:22-05:00",
                "start_time": "2020-05-29T12:10:22-05:00",
                "content_tiers": {"standard_images": {"downloads_left": 5, "downloads_limit": 10}},
            },
            "description": "Annual Subscription",
            "expiration_time": "2020-05-29T12:10:22-05:00",
            "formats": [
                {"media_type": "image", "description": "Small", "format": "jpg", "min_resolution": 500, "size": "small"},
                {"media_type": "image", "description": "Med", "format": "jpg", "min_resolution": 1000, "size": "medium"},
                {"media_type": "image", "description": "Vector", "format": "eps", "size": "vector"},
            ],
            "id": "s8906043",
            "license": "standard",
            "asset_type": "images",
            "metadata": {},
            "price_per_download": {"local_amount": 2.9, "local_currency": "USD"},
        }
    ],
    "page": 1,
    "per_page": 5,
    "total_count": 1,
}  # fmt: skip

# -- collections -----------------------------------------------------------------------------

# JS SDK ImagesApi.getImageCollectionList example (only `items_updated_time`, cover item
# `{id}`), plus docs/Collection.md's other fields; share fields come only with `embed`.
IMAGE_COLLECTIONS: dict[str, Any] = {
    "data": [
        {
            "id": "293542904",
            "name": "My collection",
            "total_item_count": 85,
            "items_updated_time": "2021-05-20T16:15:22-04:00",
            "created_time": "2021-05-01T09:00:00-04:00",
            "updated_time": "2021-05-02T10:30:00-04:00",
            "cover_item": {"id": "297886754", "added_time": "2021-05-20T20:15:22.000Z", "media_type": "image"},
            "share_code": "8f3b0a1c9d2e",
            "share_url": "https://www.shutterstock.com/collections/293542904-8f3b0a1c9d2e",
        }
    ],
    "page": 1,
    "per_page": 100,
    "total_count": 1,
}  # fmt: skip

# The 2021 spec's /v2/videos/collections example: created/updated times, no
# items_updated_time, no envelope counts.
VIDEO_COLLECTIONS: dict[str, Any] = {
    "data": [
        {
            "created_time": "2014-11-05T19:29:56-05:00",
            "id": "5747953",
            "name": "Test Collection cdad",
            "total_item_count": 0,
            "updated_time": "2014-11-05T19:29:56-05:00",
        },
        {
            "created_time": "2014-11-05T19:29:58-05:00",
            "id": "5747957",
            "name": "Updated Collection ebc4",
            "total_item_count": 2,
            "updated_time": "2014-11-05T19:29:58-05:00",
        },
    ]
}

# JS SDK ImagesApi.getImageCollectionItems example (docs/CollectionItem.md).
COLLECTION_ITEMS: dict[str, Any] = {
    "data": [
        {"id": "1690105108", "added_time": "2021-07-08T12:33:37.000Z", "media_type": "image"},
        {"id": "1468703072", "added_time": "2021-07-08T12:31:43.000Z", "media_type": "image"},
    ],
    "page": 1,
    "per_page": 2,
    "total_count": 2,
}

# The 2021 spec's /v2/videos/collections/{id}/items example: offset times, and a
# `media_type` of "audio" inside a video collection (the key takes the collection's type).
VIDEO_COLLECTION_ITEMS: dict[str, Any] = {
    "data": [
        {"added_time": "2016-08-18T18:52:59-04:00", "id": "76688182", "media_type": "audio"},
        {"added_time": "2016-08-18T18:52:59-04:00", "id": "40005859", "media_type": "audio"},
    ],
    "page": 1,
    "per_page": 100,
}

# -- audio taxonomies ------------------------------------------------------------------------

# JS SDK AudioApi.listGenres, listInstruments and listMoods examples (lists of strings).
GENRES: dict[str, Any] = {
    "data": ["Rock", "Pop > Singer-Songwriter", "Pop > Synth Pop", "Production / Film Scores"]
}
INSTRUMENTS: dict[str, Any] = {"data": ["Orchestra", "Organ", "Oud", "Pads", "Electric Guitar"]}
MOODS: dict[str, Any] = {
    "data": ["Action / Sports", "Adventure / Discovery", "Aerobics / Workout", "Aggressive"]
}
