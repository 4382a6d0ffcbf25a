"""Shutterstock (api-reference.md §3). Stub: streams are added by the Shutterstock issue."""

from __future__ import annotations

from requests.auth import AuthBase
from singer_sdk import typing as th

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream


class ShutterstockStream(ProviderStream):
    provider_name = "shutterstock"


def _authenticator(runtime: ProviderRuntime) -> AuthBase:
    raise NotImplementedError


PROVIDER = Provider(
    name="shutterstock",
    title="Shutterstock",
    base_url="https://api.shutterstock.com",
    requests_per_second=10,
    page_size=500,
    settings=(
        th.Property(
            "access_token", th.StringType, secret=True, description="OAuth access token (Bearer)."
        ),
        th.Property(
            "search_query", th.StringType, description="Query for shutterstock_media_search."
        ),
        th.Property(
            "media_types",
            th.ArrayType(th.StringType),
            default=["images", "videos", "audio"],
            description="Media searched: images, videos, audio.",
        ),
    ),
    required=("access_token",),
    authenticator=_authenticator,
    streams=(),
    probe_stream=ShutterstockStream,
)
