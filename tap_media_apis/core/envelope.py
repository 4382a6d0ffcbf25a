"""The record list inside a response body, checked against the endpoint's envelope."""

from __future__ import annotations

from typing import Any

import requests

from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import ProviderAPIError, redact_url


def records_in_body(
    response: requests.Response, records_key: str | None, *, single_record: bool, who: str
) -> list[Any]:
    """The raw records of ``response``: ``body[records_key]`` (or the body), as a list.

    Anything else than a list of objects where the endpoint documents one is a one-line
    error naming the URL and what came instead.
    """
    body = json_body(response)
    if records_key is not None:
        if not isinstance(body, dict) or records_key not in body:
            raise ProviderAPIError(
                f"{who}: expected '{records_key}' in the response from "
                f"{redact_url(response.url)}, got {_kind(body)}"
            )
        body = body[records_key]
    if single_record:
        body = [body] if body else []
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise ProviderAPIError(
            f"{who}: expected a list of objects from {redact_url(response.url)}, got {_kind(body)}"
        )
    return body


def _kind(body: Any) -> str:
    if isinstance(body, dict):
        keys = ", ".join(list(body)[:5])
        return f"an object with keys [{keys}]"
    if isinstance(body, list):
        return "a list"
    return type(body).__name__
