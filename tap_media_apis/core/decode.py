"""Fast JSON decoding, cached on the response and cleaned for loaders."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import requests

_DECODER = msgspec.json.Decoder()
_CACHE_ATTR = "_tap_media_apis_json"
# PostgreSQL rejects NUL in text and jsonb; lone surrogates cannot be encoded as UTF-8.
# Raw NUL is found with memchr; the \\u0000 and lone-surrogate escapes by one pattern with
# a literal prefix, and only in bodies with a backslash (an alternation scans ~15x slower).
_DIRTY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_DIRTY_TEXT = re.compile("[\x00\ud800-\udfff]")


def json_body(response: requests.Response) -> Any:
    """The response body as JSON (decoded once per response).

    Raises ValueError when the body is not JSON.
    """
    cached = response.__dict__.get(_CACHE_ATTR, _CACHE_ATTR)
    if cached is not _CACHE_ATTR:
        return cached
    body = decode_json(response.content)
    response.__dict__[_CACHE_ATTR] = body
    return body


def decode_json(content: bytes) -> Any:
    try:
        body = _DECODER.decode(content)
    except msgspec.DecodeError:
        # msgspec refuses lone surrogate escapes that the stdlib accepts.
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
    if b"\x00" in content or (b"\\" in content and _DIRTY_ESCAPE.search(content)):
        body = clean_text(body)
    return body


def clean_text(value: Any) -> Any:
    """Drop NUL characters and lone surrogates from every string in a JSON value."""
    if isinstance(value, str):
        return _DIRTY_TEXT.sub("", value) if _DIRTY_TEXT.search(value) else value
    if isinstance(value, list):
        return [clean_text(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    return value
