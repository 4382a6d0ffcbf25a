"""Shutterstock (docs/providers/shutterstock.md): requests-mock tests and a sandbox run."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from jsonschema import Draft202012Validator, FormatChecker
from urllib3.util import SKIP_HEADER

from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import ConfigError, ProviderAPIError
from tap_media_apis.providers.shutterstock import TotalCountPaginator
from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.tap import TapMediaApis
from tests.helpers import SyncResult, declared, sync

BASE = "https://api.shutterstock.com"
TOKEN = "sstk-test-access-token-7f3a"
USER_AGENT = "acme-data (data@acme.example)"
SEARCH = "shutterstock_media_search"
CATEGORIES = "shutterstock_media_categories"
USER = "shutterstock_user"

pytestmark = pytest.mark.usefixtures("no_sleep")


def make_config(**block: Any) -> dict[str, Any]:
    settings = {"access_token": TOKEN, "search_query": "mountain", **block}
    return {"user_agent": USER_AGENT, "shutterstock": settings}


# -- realistic payloads (shapes: docs/providers/shutterstock.md, "API facts") ---------------


def image_hit(media_id: str) -> dict[str, Any]:
    return {
        "id": media_id,
        "aspect": 1.5,
        "assets": {
            "preview": {"url": f"https://image.shutterstock.com/{media_id}-450w.jpg",
                        "width": 450, "height": 300},
            "huge_thumb": {"url": f"https://image.shutterstock.com/{media_id}-260nw.jpg",
                           "width": 390, "height": 260},
            "huge_jpg": {"display_name": "Huge", "dpi": 300, "file_size": 4_800_000,
                         "format": "jpg", "width": 6000, "height": 4000, "is_licensable": True},
        },
        "contributor": {"id": "2851321"},
        "description": "Snow-capped mountain peaks at sunrise",
        "image_type": "photo",
        "has_model_release": False,
        "has_property_release": False,
        "is_editorial": False,
        "is_illustration": False,
        "is_adult": False,
        "media_type": "image",
        "added_date": "2025-03-14",
        "categories": [{"id": "12", "name": "Nature"}],
        "keywords": ["mountain", "peak", "sunrise"],
        "models": [],
        "model_releases": [],
        "releases": [],
        "url": f"https://www.shutterstock.com/image-photo/mountain-peaks-{media_id}",
    }  # fmt: skip


def video_hit(media_id: str) -> dict[str, Any]:
    return {
        "id": media_id,
        "aspect": 1.778,
        "aspect_ratio": "16:9",
        "assets": {
            "thumb_mp4": {"url": f"https://www.shutterstock.com/videos/{media_id}/thumb.mp4"},
            "preview_jpg": {"url": f"https://www.shutterstock.com/videos/{media_id}/12.jpg"},
            "thumb_jpgs": {"urls": [f"https://www.shutterstock.com/videos/{media_id}/1.jpg"]},
            "hd": {"display_name": "HD", "file_size": 82_944_000, "format": "mov",
                   "fps": 29.97, "width": 1920, "height": 1080, "is_licensable": True},
        },
        "contributor": {"id": "471170"},
        "description": "Aerial view of a misty mountain valley",
        "duration": 14.48,
        "has_model_release": False,
        "media_type": "video",
        "original_filename": "DJI_0042.MOV",
        "added_date": "2025-02-02",
        "categories": [{"id": "12", "name": "Nature"}],
        "keywords": ["mountain", "aerial"],
        "url": f"https://www.shutterstock.com/video/clip-{media_id}",
    }  # fmt: skip


def audio_hit(media_id: str) -> dict[str, Any]:
    return {
        "id": media_id,
        "title": "Above the Clouds",
        "description": "Epic cinematic track",
        "added_date": "2016-08-16",
        "published_time": "2016-08-16T14:30:03-04:00",
        "updated_time": "2018-03-06T21:28:06.000Z",
        "submitted_time": "2016-08-10T09:00:00Z",
        "assets": {
            "preview_mp3": {"file_size": 3_008_000, "url": f"https://ak.picdn.net/{media_id}.mp3"},
            "waveform": {"file_size": 18_432, "url": f"https://ak.picdn.net/{media_id}.png"},
        },
        "contributor": {"id": "2847971"},
        "media_type": "audio",
        "album": {"id": "90041", "title": "Mountain Sessions"},
        "artists": [{"name": "Highland Echo"}],
        "bpm": 96,
        "duration": 188,
        "genres": ["Cinematic"],
        "instruments": ["Piano", "Strings"],
        "moods": ["Epic"],
        "is_instrumental": True,
        "isrc": "USSTK2543793",
        "url": f"https://www.shutterstock.com/music/track-{media_id}",
    }


MAKERS = {"images": image_hit, "videos": video_hit, "audio": audio_hit}


def hits(media: str, count: int, first: int = 1_000_000) -> list[dict[str, Any]]:
    return [MAKERS[media](str(first + i)) for i in range(count)]


def serve_search(m: rm.Mocker, media: str, rows: list[dict[str, Any]], **extra: Any) -> Any:
    """page/per_page paging over ``rows``, with the real envelope ("Pagination")."""

    def respond(request: Any, context: Any) -> dict[str, Any]:
        query = parse_qs(urlsplit(request.url).query)
        page, per_page = int(query["page"][0]), int(query["per_page"][0])
        return {
            "data": rows[(page - 1) * per_page : page * per_page],
            "page": page,
            "per_page": per_page,
            "total_count": len(rows),
            "search_id": f"search-{media}",
            **extra,
        }

    return m.get(f"{BASE}/v2/{media}/search", json=respond)


CATEGORY_ROWS = {
    "images": [{"id": "1", "name": "Animals/Wildlife"}, {"id": "12", "name": "Nature"}],
    "videos": [{"id": "1", "name": "Animals/Wildlife"}, {"id": "20", "name": "Editorial"}],
}
USER_BODY = {
    "id": "281754918",
    "username": "media_team",
    "full_name": "Media Team",
    "email": "media@acme.example",
    "customer_id": "173620455",
    "language": "en",
    "is_premier": False,
    "only_enhanced_license": False,
    "only_sensitive_use": False,
    "premier_permissions": [],
}


def serve_fixed(m: rm.Mocker) -> None:
    for media, rows in CATEGORY_ROWS.items():
        m.get(f"{BASE}/v2/{media}/categories", json={"data": rows, "total_count": len(rows)})
    m.get(f"{BASE}/v2/user", json=USER_BODY)
    # The licensing streams, empty (tests/providers/test_shutterstock_licensing.py has them).
    empty = {"data": [], "page": 1, "per_page": 20, "total_count": 0}
    for media in ("images", "videos", "audio"):
        m.get(f"{BASE}/v2/{media}/licenses", json=empty)
        m.get(f"{BASE}/v2/{media}/collections", json=empty)
    m.get(f"{BASE}/v2/user/subscriptions", json=empty)
    for taxonomy in ("genres", "instruments", "moods"):
        m.get(f"{BASE}/v2/audio/{taxonomy}", json={"data": []})


def requests_to(m: rm.Mocker, path: str) -> list[Any]:
    return [r for r in m.request_history if urlsplit(r.url).path == path]


def params(request: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def schema_messages(result: SyncResult) -> dict[str, dict[str, Any]]:
    return {m["stream"]: m for m in result.messages if m["type"] == "SCHEMA"}


# -- the paginator on its own ------------------------------------------------------------


def envelope(count: int, *, page: int, per_page: int, total: int | None) -> requests.Response:
    body: dict[str, Any] = {"data": [{"id": str(i)} for i in range(count)], "page": page}
    body["per_page"] = per_page
    if total is not None:
        body["total_count"] = total
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


def paginator(page_size: int = 500) -> TotalCountPaginator:
    return TotalCountPaginator(page_size, lambda r: json_body(r)["data"])


class TestTotalCountPaginator:
    def test_full_page_below_total_means_more(self) -> None:
        pages = paginator()
        pages.advance(envelope(500, page=1, per_page=500, total=1100))
        assert (pages.current_value, pages.finished) == (2, False)

    def test_full_last_page_stops_on_total_count(self) -> None:
        pages = paginator()
        pages.advance(envelope(500, page=1, per_page=500, total=1000))
        pages.advance(envelope(500, page=2, per_page=500, total=1000))
        assert pages.finished

    def test_short_page_stops_even_if_total_says_more(self) -> None:
        # Free subscriptions get limited results: total_count can promise more ("Search").
        pages = paginator()
        pages.advance(envelope(120, page=1, per_page=500, total=90_000))
        assert pages.finished

    def test_without_total_count_a_full_page_means_more(self) -> None:
        pages = paginator()
        pages.advance(envelope(500, page=1, per_page=500, total=None))
        assert not pages.finished

    def test_echoed_per_page_wins_over_the_requested_one(self) -> None:
        # A server capping per_page at 100 must not turn a full page into a "short" one.
        pages = paginator(500)
        pages.advance(envelope(100, page=1, per_page=100, total=250))
        pages.advance(envelope(100, page=2, per_page=100, total=250))
        assert not pages.finished
        pages.advance(envelope(50, page=3, per_page=100, total=250))
        assert pages.finished

    def test_shape_writes_page_and_per_page(self) -> None:
        pages = paginator(200)
        pages.advance(envelope(200, page=1, per_page=200, total=900))
        request = type("Req", (), {"params": {"query": "mountain"}})()
        pages.apply_to(request)  # type: ignore[arg-type]
        assert request.params == {"query": "mountain", "page": 2, "per_page": 200}


# -- search ------------------------------------------------------------------------------


def test_search_pages_each_media_type_at_500(requests_mock: rm.Mocker) -> None:
    serve_search(requests_mock, "images", hits("images", 1100))
    serve_search(requests_mock, "videos", hits("videos", 600))
    serve_search(requests_mock, "audio", hits("audio", 500))

    result = sync(make_config(), select=[SEARCH])

    pages = [(urlsplit(r.url).path, params(r)) for r in requests_mock.request_history]
    common = {"query": "mountain", "view": "full", "per_page": "500"}
    assert pages == [
        ("/v2/images/search", {**common, "page": "1"}),
        ("/v2/images/search", {**common, "page": "2"}),
        ("/v2/images/search", {**common, "page": "3"}),
        ("/v2/videos/search", {**common, "page": "1"}),
        ("/v2/videos/search", {**common, "page": "2"}),
        # 500 audio hits: one full page, and total_count says it was the last.
        ("/v2/audio/search", {**common, "page": "1"}),
    ]
    records = result.records[SEARCH]
    assert Counter(r["media_type"] for r in records) == {"image": 1100, "video": 600, "audio": 500}
    assert len({(r["media_type"], r["id"]) for r in records}) == 2200


def test_full_last_page_makes_no_extra_request(requests_mock: rm.Mocker) -> None:
    search = serve_search(requests_mock, "images", hits("images", 1000))

    result = sync(make_config(media_types=["images"]), select=[SEARCH])

    assert [params(r)["page"] for r in search.request_history] == ["1", "2"]
    assert len(result.records[SEARCH]) == 1000


def test_short_page_ends_search_despite_total_count(requests_mock: rm.Mocker) -> None:
    rows = hits("videos", 640)

    def limited(request: Any, context: Any) -> dict[str, Any]:
        page = int(params(request)["page"])
        return {"data": rows[(page - 1) * 500 : page * 500], "page": page, "per_page": 500,
                "total_count": 48_000, "search_id": "s1"}  # fmt: skip

    search = requests_mock.get(f"{BASE}/v2/videos/search", json=limited)

    result = sync(make_config(media_types=["videos"]), select=[SEARCH])

    assert search.call_count == 2
    assert len(result.records[SEARCH]) == 640


def test_empty_first_page_is_one_request_and_no_records(requests_mock: rm.Mocker) -> None:
    search = serve_search(requests_mock, "audio", [])

    result = sync(make_config(media_types=["audio"]), select=[SEARCH])

    assert search.call_count == 1
    assert result.records[SEARCH] == []


def test_page_size_setting_is_sent_as_per_page(requests_mock: rm.Mocker) -> None:
    search = serve_search(requests_mock, "images", hits("images", 250))

    sync(make_config(media_types=["images"], page_size=100), select=[SEARCH])

    assert [(params(r)["page"], params(r)["per_page"]) for r in search.request_history] == [
        ("1", "100"),
        ("2", "100"),
        ("3", "100"),
    ]


def test_media_types_limit_the_search_and_deduplicate(requests_mock: rm.Mocker) -> None:
    serve_search(requests_mock, "videos", hits("videos", 3))

    result = sync(make_config(media_types=["videos", "videos"]), select=[SEARCH])

    assert [urlsplit(r.url).path for r in requests_mock.request_history] == ["/v2/videos/search"]
    assert {r["media_type"] for r in result.records[SEARCH]} == {"video"}


def test_same_id_in_images_and_videos_stays_two_rows(requests_mock: rm.Mocker) -> None:
    serve_search(requests_mock, "images", [image_hit("1043871913"), image_hit("555")])
    serve_search(requests_mock, "videos", [video_hit("1043871913")])
    serve_search(requests_mock, "audio", [audio_hit("1043871913")])

    result = sync(make_config(), select=[SEARCH])

    keys = sorted((r["media_type"], r["id"]) for r in result.records[SEARCH])
    assert keys == [
        ("audio", "1043871913"),
        ("image", "1043871913"),
        ("image", "555"),
        ("video", "1043871913"),
    ]
    assert schema_messages(result)[SEARCH]["key_properties"] == ["media_type", "id"]


def test_media_type_comes_from_the_partition_when_missing(requests_mock: rm.Mocker) -> None:
    bare = {k: v for k, v in image_hit("1").items() if k != "media_type"}
    serve_search(requests_mock, "images", [bare, {**image_hit("2"), "media_type": None}])

    result = sync(make_config(media_types=["images"]), select=[SEARCH])

    assert [(r["id"], r["media_type"]) for r in result.records[SEARCH]] == [
        ("1", "image"),
        ("2", "image"),
    ]


def test_search_records_are_full_table_with_utc_timestamps(requests_mock: rm.Mocker) -> None:
    serve_search(requests_mock, "audio", [audio_hit("442583")], spellcheck_info={})

    result = sync(make_config(media_types=["audio"]), select=[SEARCH])

    (record,) = result.records[SEARCH]
    assert record["published_time"] == "2016-08-16T18:30:03.000000Z"  # -04:00 -> UTC
    assert record["updated_time"] == "2018-03-06T21:28:06.000000Z"
    assert record["submitted_time"] == "2016-08-10T09:00:00.000000Z"
    assert record["added_date"] == "2016-08-16"  # a date, not a moment: left as is
    # No envelope fields, no synthetic uuid (docs/providers/shutterstock.md, "Differences").
    assert not {"uuid", "search_id", "total_count", "spellcheck_info"} & set(record)
    message = schema_messages(result)[SEARCH]
    assert not message.get("bookmark_properties")
    assert "uuid" not in message["schema"]["properties"]
    assert result.final_state["bookmarks"][SEARCH] == {}


# -- categories and user --------------------------------------------------------------------


def test_categories_make_no_audio_request(requests_mock: rm.Mocker) -> None:
    serve_fixed(requests_mock)

    result = sync(make_config(), select=[CATEGORIES])

    assert [urlsplit(r.url).path for r in requests_mock.request_history] == [
        "/v2/images/categories",
        "/v2/videos/categories",
    ]
    assert all(r.query == "" for r in requests_mock.request_history)  # no paging params
    assert declared(result.records[CATEGORIES]) == [
        {"id": "1", "name": "Animals/Wildlife", "media_type": "image"},
        {"id": "12", "name": "Nature", "media_type": "image"},
        {"id": "1", "name": "Animals/Wildlife", "media_type": "video"},
        {"id": "20", "name": "Editorial", "media_type": "video"},
    ]
    assert schema_messages(result)[CATEGORIES]["key_properties"] == ["media_type", "id"]


def test_user_is_one_bare_record(requests_mock: rm.Mocker) -> None:
    serve_fixed(requests_mock)

    result = sync(make_config(), select=[USER])

    (request,) = requests_mock.request_history
    assert (urlsplit(request.url).path, request.query) == ("/v2/user", "")
    assert declared(result.records[USER]) == [USER_BODY]
    assert schema_messages(result)[USER]["key_properties"] == ["id"]


# -- headers, auth, errors ------------------------------------------------------------------


@pytest.mark.parametrize("user_agent", [USER_AGENT, None])
def test_user_agent_and_bearer_on_every_request(
    requests_mock: rm.Mocker, user_agent: str | None
) -> None:
    serve_fixed(requests_mock)
    serve_search(requests_mock, "images", hits("images", 501))
    serve_search(requests_mock, "videos", hits("videos", 2))
    serve_search(requests_mock, "audio", hits("audio", 2))
    config = make_config()
    if user_agent is None:
        del config["user_agent"]

    sync(config)

    history = requests_mock.request_history
    # Search 2 + 1 + 1, categories 2, user 1; licenses 3, collections 3, subscriptions 1,
    # taxonomies 3 (all empty: no item requests).
    assert len(history) == 2 + 2 + 1 + 1 + 1 + 3 + 3 + 1 + 3
    for request in history:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        sent = request.headers.get("User-Agent") or ""
        assert sent.strip(), f"no User-Agent on {request.url}"
        assert not sent.startswith("python-requests")
        if user_agent:
            assert sent == user_agent


def test_unauthorized_is_one_line_without_the_token(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE}/v2/user", status_code=401, json={"message": "Invalid token"})

    with pytest.raises(ProviderAPIError) as caught:
        sync(make_config(), select=[USER])

    message = str(caught.value)
    assert message.startswith("shutterstock: stream shutterstock_user: HTTP 401")
    assert "Invalid token" in message
    assert TOKEN not in message


def test_connection_test_probes_the_user_endpoint(requests_mock: rm.Mocker) -> None:
    serve_fixed(requests_mock)
    tap = TapMediaApis(config=make_config(), parse_env_config=False)

    requests_mock.get(f"{BASE}/v2/user/access_token", json={"scopes": ["user.view"]})
    assert tap.test_connections() == []
    assert [urlsplit(r.url).path for r in requests_mock.request_history] == [
        "/v2/user",
        "/v2/user/access_token",
    ]

    requests_mock.get(f"{BASE}/v2/user", status_code=403, json={"message": "Forbidden"})
    assert tap.test_connections() == ["shutterstock"]


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", [None, "", "   "])
def test_search_not_discovered_without_query(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture, query: str | None
) -> None:
    serve_fixed(requests_mock)
    config = make_config(search_query=query)
    if query is None:
        del config["shutterstock"]["search_query"]

    with caplog.at_level(logging.WARNING):
        result = sync(config)

    assert SEARCH not in TapMediaApis(config=config, parse_env_config=False).streams
    assert any("shutterstock.search_query is not set" in r.getMessage() for r in caplog.records)
    assert set(result.records) == {CATEGORIES, USER}
    assert len(result.records[CATEGORIES]) == 4
    assert len(result.records[USER]) == 1
    assert not [r for r in requests_mock.request_history if "/search" in r.url]


@pytest.mark.parametrize(
    ("block", "error"),
    [
        (
            {"media_types": ["images", "photos"]},
            "shutterstock.media_types: unknown media type 'photos'; "
            "use any of images, videos, audio",
        ),
        ({"media_types": []}, "shutterstock.media_types must be a non-empty list"),
        ({"page_size": 1000}, "shutterstock.page_size must be between 1 and 500"),
        ({"page_size": 0}, "shutterstock.page_size must be between 1 and 500"),
    ],
)
def test_bad_settings_are_config_errors(block: dict[str, Any], error: str) -> None:
    with pytest.raises(ConfigError, match=error.replace("(", r"\(")):
        TapMediaApis(config=make_config(**block), parse_env_config=False)


def test_schema_conformance_of_every_record(requests_mock: rm.Mocker) -> None:
    serve_fixed(requests_mock)
    serve_search(requests_mock, "images", hits("images", 3))
    serve_search(requests_mock, "videos", hits("videos", 3))
    serve_search(requests_mock, "audio", hits("audio", 3))

    result = sync(make_config())

    assert {name: len(rows) for name, rows in result.records.items()} == {
        CATEGORIES: 4,
        SEARCH: 9,
        USER: 1,
    }
    for name, rows in result.records.items():
        validator = Draft202012Validator(result.schemas[name], format_checker=FormatChecker())
        for row in rows:
            assert list(validator.iter_errors(row)) == [], (name, row)


# -- the sandbox -----------------------------------------------------------------------------


def test_sandbox_full_sync_matches_expected_counts() -> None:
    with run_sandbox(["shutterstock"]) as sandbox:
        config = sandbox.tap_config()
        config["shutterstock"]["requests_per_second"] = 1000
        result = sync(config)
        counts = {name: len(rows) for name, rows in result.records.items()}
        assert counts == sandbox.expected_counts()
        assert {name: counts[name] for name in (CATEGORIES, SEARCH, USER)} == {
            CATEGORIES: 47,
            SEARCH: 2200,
            USER: 1,
        }
        search = result.records[SEARCH]
        assert len({(r["media_type"], r["id"]) for r in search}) == len(search)
        assert len({r["id"] for r in search}) < len(search)  # ids repeat across media types
        # 2 category lists, 3 + 2 + 1 search pages, 1 user; licenses 3 + 1 + 1 pages,
        # 1 subscription list, 3 collection lists, 33 item lists (3 pages for the largest,
        # none for the two empty collections), 3 taxonomies: nothing more.
        assert len(sandbox.requests) == 9 + 5 + 1 + 3 + 33 + 3
        assert {entry["status"] for entry in sandbox.requests} == {200}
        for name, rows in result.records.items():
            validator = Draft202012Validator(result.schemas[name], format_checker=FormatChecker())
            assert not [e for row in rows for e in validator.iter_errors(row)], name

        sandbox.advance()
        again = sync(config)
        assert {n: len(rows) for n, rows in again.records.items()} == sandbox.expected_counts()
        assert len(again.records[SEARCH]) == 2200 + 30 + 12 + 8


@pytest.fixture(scope="module")
def sandbox_block() -> Iterator[dict[str, Any]]:
    """One read-only sandbox for the request-level checks."""
    with run_sandbox(["shutterstock"]) as sandbox:
        yield sandbox.tap_config()["shutterstock"]


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        # SKIP_HEADER: otherwise urllib3 adds its own User-Agent.
        ("/v2/images/search?query=mountain", {"User-Agent": SKIP_HEADER}, 400),
        ("/v2/images/search?query=mountain", {"Authorization": None}, 401),
        ("/v2/images/search?query=mountain", {"Authorization": "Bearer wrong"}, 401),
        ("/v2/images/search", {}, 400),
        ("/v2/videos/search?query=mountain&per_page=501", {}, 400),
        ("/v2/audio/search?query=mountain&per_page=500", {}, 200),
        ("/v2/audio/categories", {}, 404),
        ("/v2/images/categories", {}, 200),
        ("/v2/user", {}, 200),
    ],
)
def test_sandbox_refusals(
    sandbox_block: dict[str, Any], path: str, headers: dict[str, Any], status: int
) -> None:
    sent = {
        "User-Agent": USER_AGENT,
        "Authorization": f"Bearer {sandbox_block['access_token']}",
        **headers,
    }
    response = requests.get(sandbox_block["base_url"] + path, headers=sent, timeout=10)
    assert response.status_code == status, response.text[:300]


def test_sandbox_envelopes(sandbox_block: dict[str, Any]) -> None:
    auth = {"User-Agent": USER_AGENT, "Authorization": f"Bearer {sandbox_block['access_token']}"}

    def get(path: str) -> Any:
        return requests.get(sandbox_block["base_url"] + path, headers=auth, timeout=10).json()

    page = get("/v2/videos/search?query=mountain&page=2&per_page=500")
    minimal = get("/v2/images/search?query=mountain&per_page=1")
    user = get("/v2/user")
    categories = get("/v2/videos/categories")
    assert set(page) == {"data", "page", "per_page", "total_count", "search_id"}
    assert (page["page"], page["per_page"], page["total_count"], len(page["data"])) == (
        2,
        500,
        600,
        100,
    )
    # The API's default view is minimal: no keywords or categories without view=full.
    assert "keywords" not in minimal["data"][0]
    assert minimal["total_count"] == 1100
    assert "data" not in user
    assert user["id"]
    assert set(categories) == {"data"}
    assert all(set(c) == {"id", "name"} for c in categories["data"])
