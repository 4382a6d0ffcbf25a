"""Sending one request: pacing, retries, and the verdict on its answer.

Every request passes the provider's pacer (shared by all threads), is retried with
backoff on 429/5xx/transport errors (``Retry-After`` is never undercut) and is judged by
the one failure policy of core/http_policy.py. What cannot be retried leaves as a
``ProviderAPIError`` holding one line for the user.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import backoff
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from typing_extensions import override

from tap_media_apis.core.answers import NotEntitled
from tap_media_apis.core.auth import RefreshingTokenAuth, TokenRefused, TokenUnavailable
from tap_media_apis.core.base import StreamBase
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import ProviderAPIError, api_message, connection_problem, redact_url
from tap_media_apis.core.http_policy import (
    TRANSPORT_ERRORS,
    Verdict,
    classify,
    http_error_line,
    no_retry_can_help,
    transport_error_line,
)
from tap_media_apis.core.retry import backoff_waits, retry_after_seconds

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class RetriedRequests(StreamBase):
    """The request side of a stream: paced, retried, judged."""

    @override
    def backoff_wait_generator(self) -> Any:
        return backoff_waits(
            float(self.config.get("retry_backoff_seconds", 1.0)),
            float(self.config.get("retry_max_wait_seconds", 120.0)),
        )

    @override
    def backoff_max_tries(self) -> int:
        return int(self.config.get("max_retries", 5)) + 1

    @override
    def request_decorator(self, func: Any) -> Any:
        def paced(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            self.runtime.pacer.acquire()
            return func(prepared, context)

        return backoff.on_exception(
            self.backoff_wait_generator,
            (RetriableAPIError, *TRANSPORT_ERRORS),
            max_tries=self.backoff_max_tries,
            max_time=float(self.config.get("max_retry_seconds", 600.0)),
            giveup=no_retry_can_help,
            on_backoff=self.backoff_handler,
            jitter=self.backoff_jitter,
            logger=None,
        )(paced)

    @override
    def backoff_jitter(self, value: float) -> float:
        # Only ever later than asked: Retry-After must not be undercut.
        return value + backoff.random_jitter(0.0) * min(1.0, value * 0.1)

    @override
    def backoff_handler(self, details: Any) -> None:
        exc = details.get("exception")
        status = getattr(getattr(exc, "response", None), "status_code", None)
        reason = f"HTTP {status}" if status else connection_problem(exc) if exc else "error"
        self.logger.warning(
            "%s: %s, retry %d in %.1f s",
            self.log_prefix,
            reason,
            details.get("tries", 0),
            details.get("wait", 0.0),
        )

    @override
    def validate_response(self, response: requests.Response) -> None:
        verdict = classify(
            response,
            tolerated=self.tolerated_answer,
            not_entitled=self.entitlement.refuses if self.entitlement else None,
            can_refresh=self._renew_token,
        )
        if verdict is Verdict.TOLERATED:
            return
        if verdict in (Verdict.RETRY, Verdict.REFRESH):
            if response.status_code == 429 and (wait := retry_after_seconds(response)):
                self.runtime.pacer.hold(wait)
            raise RetriableAPIError(self.error_line(response), response)
        if verdict is Verdict.NOT_ENTITLED:
            raise NotEntitled(self.error_line(response))
        if verdict is Verdict.FATAL:
            raise FatalAPIError(self.error_line(response))
        try:
            json_body(response)
        except ValueError:
            raise ProviderAPIError(f"{self.log_prefix}: {self.expected_json(response)}") from None

    def tolerated_answer(self, response: requests.Response) -> bool:
        return any(answer.matches(response) for answer in self.tolerated)

    def _renew_token(self, response: requests.Response) -> bool:
        auth = self.authenticator
        if not isinstance(auth, RefreshingTokenAuth):
            return False  # a static credential: a 401 is final
        return auth.renew_after_401(response.request.headers.get("Authorization"))

    def error_line(self, response: requests.Response) -> str:
        hint = ""
        if response.status_code in (401, 403):
            hint = f"check the {self.provider_name} credentials"
        return http_error_line(self.log_prefix, response, hint)

    def expected_json(self, response: requests.Response) -> str:
        detail = api_message(response)
        if "HTML" not in detail:
            detail = "invalid JSON"
        return f"expected JSON from {redact_url(response.url)} but got {detail}"

    def send(
        self, prepared: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """One request, retried; any failure leaves as one line (``ProviderAPIError``)."""
        try:
            return self.request_decorator(self._request)(prepared, context)
        except TokenRefused as exc:  # raised while signing: name the stream that needed it
            raise ProviderAPIError(f"{self.log_prefix}: {exc}") from None
        except RetriableAPIError as exc:
            line = exc.args[0]
            if isinstance(exc, TokenUnavailable):
                line = f"{self.log_prefix}: {line}"
            raise ProviderAPIError(f"{line} (gave up after retries)") from None
        except FatalAPIError as exc:
            raise ProviderAPIError(exc.args[0]) from None
        except TRANSPORT_ERRORS as exc:
            setting = f"{self.provider_name}.base_url"
            if isinstance(exc, requests.ReadTimeout):
                # Connected, but the answer did not come in time: a slow API, not a wrong URL.
                setting = f"request_timeout ({self.timeout:g} s)"
            raise ProviderAPIError(
                transport_error_line(self.log_prefix, exc, "", prepared.url or "", setting)
            ) from None


logging.getLogger("backoff").addHandler(logging.NullHandler())
