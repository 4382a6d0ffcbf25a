"""Mux Video (api-reference.md §1): Basic auth, page/limit paging, unix-second timestamps."""

from __future__ import annotations

from singer_sdk import typing as th
from singer_sdk.authenticators import BasicAuthenticator

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream


class MuxStream(ProviderStream):
    provider_name = "mux"
    # created_at / updated_at arrive as strings of unix seconds (§1 "Timestamps").
    timestamp_fields = ("created_at", "updated_at")


class VideoAssets(MuxStream):
    name = "mux_video_assets"
    path = "/video/v1/assets"
    replication_key = "created_at"


def _authenticator(runtime: ProviderRuntime) -> BasicAuthenticator:
    return BasicAuthenticator(
        username=runtime.setting("token_id"), password=runtime.setting("token_secret")
    )


PROVIDER = Provider(
    name="mux",
    title="Mux Video",
    base_url="https://api.mux.com",
    requests_per_second=5,
    page_size=100,
    settings=(
        th.Property("token_id", th.StringType, description="Access Token ID."),
        th.Property("token_secret", th.StringType, secret=True, description="Access Token secret."),
    ),
    required=("token_id", "token_secret"),
    authenticator=_authenticator,
    streams=(VideoAssets,),
    probe_stream=VideoAssets,
)
