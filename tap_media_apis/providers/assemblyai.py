"""AssemblyAI (api-reference.md §2). Stub: streams are added by the AssemblyAI issue."""

from __future__ import annotations

from requests.auth import AuthBase
from singer_sdk import typing as th

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream


class AssemblyAIStream(ProviderStream):
    provider_name = "assemblyai"


def _authenticator(runtime: ProviderRuntime) -> AuthBase:
    raise NotImplementedError


PROVIDER = Provider(
    name="assemblyai",
    title="AssemblyAI",
    base_url="https://api.assemblyai.com",
    requests_per_second=66,
    page_size=200,
    settings=(
        th.Property(
            "api_key",
            th.StringType,
            secret=True,
            description="API key, sent raw in Authorization (no Bearer).",
        ),
        th.Property(
            "lemur_request_ids",
            th.ArrayType(th.StringType),
            description="LeMUR request ids to extract (LeMUR is deprecated upstream).",
        ),
    ),
    required=("api_key",),
    authenticator=_authenticator,
    streams=(),
    probe_stream=AssemblyAIStream,
)
