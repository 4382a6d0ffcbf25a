"""100ms (api-reference.md §4). Stub: streams are added by the 100ms issue."""

from __future__ import annotations

from requests.auth import AuthBase
from singer_sdk import typing as th

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream


class HmsStream(ProviderStream):
    provider_name = "hms"


def _authenticator(runtime: ProviderRuntime) -> AuthBase:
    raise NotImplementedError


PROVIDER = Provider(
    name="hms",
    title="100ms",
    base_url="https://api.100ms.live",
    requests_per_second=10,
    page_size=100,
    settings=(
        th.Property(
            "management_token",
            th.StringType,
            secret=True,
            description="Static management token (expires in 7-14 days).",
        ),
        th.Property(
            "app_access_key",
            th.StringType,
            description="App access key: with app_secret, the tap mints its own tokens.",
        ),
        th.Property(
            "app_secret",
            th.StringType,
            secret=True,
            description="App secret used to sign minted tokens.",
        ),
    ),
    required=(),
    authenticator=_authenticator,
    streams=(),
    probe_stream=HmsStream,
)
