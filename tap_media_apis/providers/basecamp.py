"""Basecamp (api-reference.md §5). Stub: streams are added by the Basecamp issue."""

from __future__ import annotations

from requests.auth import AuthBase
from singer_sdk import typing as th

from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.stream import ProviderStream


class BasecampStream(ProviderStream):
    provider_name = "basecamp"


def _authenticator(runtime: ProviderRuntime) -> AuthBase:
    raise NotImplementedError


PROVIDER = Provider(
    name="basecamp",
    title="Basecamp",
    base_url="https://3.basecampapi.com",
    requests_per_second=5,
    settings=(
        th.Property(
            "account_id", th.StringType, description="Basecamp account id (appended to base_url)."
        ),
        th.Property("client_id", th.StringType, description="OAuth client id."),
        th.Property(
            "client_secret", th.StringType, secret=True, description="OAuth client secret."
        ),
        th.Property(
            "refresh_token", th.StringType, secret=True, description="OAuth refresh token."
        ),
        th.Property(
            "token_url",
            th.StringType,
            default="https://launchpad.37signals.com/authorization/token",
            description="OAuth token endpoint.",
        ),
    ),
    required=("account_id", "client_id", "client_secret", "refresh_token"),
    authenticator=_authenticator,
    streams=(),
    probe_stream=BasecampStream,
)
