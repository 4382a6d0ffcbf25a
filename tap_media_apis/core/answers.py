"""Declared answers that are not failures: "nothing here (yet)" and "not entitled"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from tap_media_apis.core.decode import json_body


def always(response: requests.Response) -> bool:
    return True


def is_json_answer(response: requests.Response) -> bool:
    """The API's own JSON error; an HTML page (a proxy, a wrong base_url) is not."""
    try:
        return isinstance(json_body(response), dict)
    except ValueError:
        return False


@dataclass(frozen=True)
class Tolerated:
    """An answer with ``status`` (and ``when`` true of it) means "no records here".

    ``not_ready``: the record exists but is still being made; the parent record it
    belongs to is read again by the next sync.
    """

    status: int
    when: Callable[[requests.Response], bool] = always
    not_ready: bool = False

    def matches(self, response: requests.Response) -> bool:
        return response.status_code == self.status and self.when(response)


@dataclass(frozen=True)
class Entitlement:
    """Answers meaning the credentials are not entitled to this stream (plan, scope).

    The stream is skipped with one warning that names ``needs``; the run goes on.
    """

    needs: str
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({403}))
    when: Callable[[requests.Response], bool] = always

    def refuses(self, response: requests.Response) -> bool:
        return response.status_code in self.statuses and self.when(response)


class NotEntitled(Exception):
    """Raised inside a stream's requests; the stream turns it into one warning."""
