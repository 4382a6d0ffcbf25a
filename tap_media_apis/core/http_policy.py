"""The one HTTP failure policy: what an answer means, and the one line a failure gets.

Stream requests and token endpoints (Basecamp's Launchpad) classify answers here, so a
429 or 5xx is retried, a refused credential is final and every message has the same
shape: ``<who>: HTTP <status> <reason> from <METHOD> <url without secrets>: <API message>``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import requests

from tap_media_apis.core.errors import api_message, connection_problem, redact_url

RETRIABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Resolver answers that a host name does not exist (glibc, BSD/macOS, no A record).
NO_SUCH_HOST = (
    "Name or service not known",
    "nodename nor servname provided",
    "No address associated with hostname",
)
TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    ConnectionResetError,
    # A connection dropped halfway through the body (IncompleteRead) is not a ConnectionError.
    requests.exceptions.ChunkedEncodingError,
)


class Verdict(enum.Enum):
    """What the tap does with an answer."""

    OK = "ok"
    #: An answer the endpoint documents as "nothing here (yet)": no records, no failure.
    TOLERATED = "tolerated"
    #: The credentials are not entitled to this stream: skip it, the run goes on.
    NOT_ENTITLED = "not entitled"
    #: A 401 with a token that can be renewed: renew and send again.
    REFRESH = "refresh"
    RETRY = "retry"
    FATAL = "fatal"


def classify(
    response: requests.Response,
    *,
    tolerated: Callable[[requests.Response], bool] | None = None,
    not_entitled: Callable[[requests.Response], bool] | None = None,
    can_refresh: Callable[[requests.Response], bool] | None = None,
) -> Verdict:
    """The verdict on one answer; the callables say what only the endpoint knows."""
    status = response.status_code
    if tolerated is not None and tolerated(response):
        return Verdict.TOLERATED
    if status in RETRIABLE_STATUSES or status >= 500:
        return Verdict.RETRY
    if status < 400:
        return Verdict.OK
    if not_entitled is not None and not_entitled(response):
        return Verdict.NOT_ENTITLED
    if status == 401 and can_refresh is not None and can_refresh(response):
        return Verdict.REFRESH
    return Verdict.FATAL


def http_error_line(who: str, response: requests.Response, hint: str = "") -> str:
    """One line for a failed answer, with the API's own message and no secret."""
    method = response.request.method if response.request is not None else "GET"
    line = f"{who}: HTTP {response.status_code} {response.reason or ''}".rstrip()
    line += f" from {method} {redact_url(response.url)}: {api_message(response)}"
    return f"{line} ({hint})" if hint else line


def transport_error_line(
    who: str, exc: BaseException, method: str, url: str, check: str, *, retried: bool = True
) -> str:
    """One line for a request that got no answer; ``check`` names the setting to look at."""
    ending = "; gave up after retries" if retried and not no_retry_can_help(exc) else ""
    where = f"{method} {redact_url(url)}" if method else redact_url(url)
    return f"{who}: {connection_problem(exc)} for {where} (check {check}{ending})"


def no_retry_can_help(exc: BaseException) -> bool:
    """A host name that does not exist (NXDOMAIN) will not exist in 30 s either.

    A temporary resolver failure ("Temporary failure in name resolution") is retried.
    """
    return any(text in str(exc) for text in NO_SUCH_HOST)
