"""User-facing errors: one line that names the provider, stream, setting or URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from tap_media_apis.core.decode import json_body

SECRET_PARAM = re.compile(r"token|key|secret|signature|password|auth|code", re.IGNORECASE)
HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MAX_MESSAGE = 300


class TapMediaApisError(Exception):
    """An error whose message is a complete, secret-free line for the user."""


class ConfigError(TapMediaApisError):
    """The configuration is missing or wrong."""


class ProviderAPIError(TapMediaApisError):
    """An API answered in a way the tap cannot continue from."""


class ProviderFailures(TapMediaApisError):
    """Some providers failed while the others finished: one line per failed provider."""


def redact_url(url: str) -> str:
    """The URL with credentials in user-info or the query string masked."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = urlencode(
        [
            (k, "REDACTED" if SECRET_PARAM.search(k) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="/:,",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def api_message(response: requests.Response) -> str:
    """The API's own error text, whatever envelope it uses."""
    if not response.content:
        return response.reason or "empty response"
    if HTML_TITLE.search(response.content[:4096]) or response.content.lstrip()[:1] == b"<":
        title = HTML_TITLE.search(response.content[:4096])
        text = title.group(1).decode("utf-8", "replace").strip() if title else ""
        return f"an HTML page ({text or 'no title'})"
    try:
        body = json_body(response)
    except ValueError:
        return _clip(response.text)
    return _clip(_find_message(body) or response.text)


def _find_message(body: object) -> str | None:
    # Envelopes seen: Mux {"error": {"messages": [..]}}, AssemblyAI {"error": ".."},
    # 100ms {"message": "..", "details": [..]}, Shutterstock {"errors": [{"message": ..}]}.
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        messages = [m for m in (_find_message(item) for item in body) if m]
        return "; ".join(messages) or None
    if isinstance(body, dict):
        for key in ("error", "errors", "messages", "message", "error_description", "detail"):
            if key in body and (found := _find_message(body[key])):
                return found
    return None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def connection_problem(exc: BaseException) -> str:
    """A short reason for a transport failure, without the long urllib3 chain."""
    text = str(exc)
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or ("Failed to resolve" in text)
    ):
        return "unknown host"
    if "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if "reset" in text.lower() or "IncompleteRead" in text or "aborted" in text.lower():
        return "connection reset mid-response"
    return type(exc).__name__
