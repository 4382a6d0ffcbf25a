"""Records that are not final yet: remembered in the state and re-read by id until they are.

A list read by its bookmark sees each record once. Where a record can still change after
it was listed (a transcript still queued), the bookmark used to be held below the oldest such
record, so every run re-read everything newer with all its children. Instead, a stream that
declares ``pending = Pending(path=...)`` and ``is_final(record)``:

- lets its bookmark follow the list;
- remembers each record that is not final (its key and replication value: a short list of
  pairs in the stream's state, bounded by ``Pending.limit``);
- on later runs, re-reads each remembered record by id (one request each) and emits it
  again; its children follow as for any record; once final it is forgotten;
- forgets a remembered record that answers "gone" (``Pending.gone``, e.g. 404), with one
  warning, and goes on;
- beyond ``limit`` remembers the oldest and holds the bookmark just below the oldest record
  it could not remember, so the list reads that one (and the newer ones) again next run.

A child that finds its parent's record not settled yet (a tolerated "not ready" answer,
core/answers.py) makes the record pending too: it is re-read by id next run, and its
children with it, instead of holding the bookmark (core/incremental.py).
The answer of a re-read is kept for the stream's children (``take_reread_answer``), so a
child built from the same endpoint asks nothing more.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import requests
from typing_extensions import override

from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import api_message, redact_url
from tap_media_apis.core.incremental import IncrementalReads

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


@dataclass(frozen=True)
class Pending:
    """How a stream re-reads one record that is not final yet."""

    #: The path of one record, with ``{<key>}`` for the record's key.
    path: str
    #: The record's key (a single primary key).
    key: str = "id"
    #: The key of the remembered list in the stream's state.
    state_key: str = "pending"
    #: At most this many records remembered (about 70 bytes each in JSON).
    limit: int = 500
    #: Statuses of a re-read that mean "this record is gone" (forgotten, one warning).
    gone: frozenset[int] = frozenset({404})


class Entry(NamedTuple):
    """A remembered record: its key and its replication value (RFC 3339 or None)."""

    key: str
    value: str | None


def load_entries(state: dict[str, Any], state_key: str) -> list[Entry]:
    """The remembered records of a stream state; anything malformed is skipped."""
    raw = state.get(state_key)
    if not isinstance(raw, list):
        return []
    entries = []
    for item in raw:
        if isinstance(item, list | tuple) and item and isinstance(item[0], str):
            value = item[1] if len(item) > 1 and isinstance(item[1], str) else None
            entries.append(Entry(item[0], value))
    return list(dict.fromkeys(entries))


def bound(entries: Iterable[Entry], limit: int) -> tuple[list[Entry], list[Entry]]:
    """(remembered, overflow): the ``limit`` oldest by replication value, newest first.

    Records without a value count as the oldest (they cannot be found again by the list).
    """
    unique = list({entry.key: entry for entry in entries}.values())
    ordered = sorted(unique, key=lambda e: e.value or "", reverse=True)
    cut = max(len(ordered) - limit, 0)
    return ordered[cut:], ordered[:cut]


class RereadsPending(IncrementalReads):
    """A stream whose records can change until final (see the module docstring).

    Put it before the provider's base class: ``class Jobs(RereadsPending, MyApiStream)``;
    declare ``pending`` and ``is_final``.
    """

    pending: ClassVar[Pending]

    def is_final(self, record: dict[str, Any]) -> bool:
        """Whether this record will not change any more."""
        raise NotImplementedError

    def reread_record(self, body: dict[str, Any], entry: Entry) -> dict[str, Any]:
        """The stream's record from a by-id answer (default: the answer, shaped)."""
        record = self.shape_record(body)
        if self.replication_key and record.get(self.replication_key) is None:
            record[self.replication_key] = entry.value
        return record

    def is_gone(self, response: requests.Response) -> bool:
        """Whether a re-read's answer means the record no longer exists."""
        return response.status_code in self.pending.gone

    def take_reread_answer(self, key: str) -> dict[str, Any] | None:
        """The body of this run's re-read of ``key``, once (for a child of the same endpoint)."""
        return self._pending_run().answers.pop(key, None)

    # -- the mechanism -------------------------------------------------------------------

    @override
    def hold_for_later(self, child_context: Context) -> None:
        # A child's "not ready yet": its record becomes pending, the bookmark moves on.
        self._pending_run().held.add(_frozen(child_context))

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        run = self._pending_run(reset=True)
        state = self.get_context_state(context)
        remembered = load_entries(state, self.pending.state_key)
        key_name, rk = self.pending.key, self.replication_key or ""
        if remembered and rk and (start := state.get("replication_key_value")):
            # Re-read records are older than the bookmark: without this floor, a run that
            # lists nothing new would promote the newest of them to the bookmark.
            self.state_manager.increment_state({rk: start}, context=context, replication_key=rk)
        unfinished: list[Entry] = []
        seen: set[str] = set()
        for record in super().get_records(context):
            key = str(record.get(key_name))
            seen.add(key)
            yield record  # the SDK syncs the record's children before resuming here
            if not self.is_final(record) or self._held(record, context):
                unfinished.append(Entry(key, record.get(rk)))
        for entry in remembered:
            if entry.key in seen:
                continue
            reread = self._reread(entry, context)
            if reread is None:
                continue
            yield reread
            run.answers.pop(entry.key, None)
            if not self.is_final(reread) or self._held(reread, context):
                unfinished.append(entry)
        kept, overflow = bound(unfinished, self.pending.limit)
        if overflow:
            # Beyond the limit: the list reads the newest unremembered record (and the
            # newer ones) again next run.
            oldest = min((entry.value for entry in overflow if entry.value), default=None)
            if oldest is not None:
                self.hold_bookmark_below({rk: oldest}, context)
        if kept:
            state[self.pending.state_key] = [list(entry) for entry in kept]
        else:
            state.pop(self.pending.state_key, None)

    def _held(self, record: dict[str, Any], context: Context | None) -> bool:
        held = self._pending_run().held
        return bool(held) and any(
            _frozen(child) in held
            for child in self.generate_child_contexts(record, context)
            if child is not None
        )

    def _reread(self, entry: Entry, context: Context | None) -> dict[str, Any] | None:
        run = self._pending_run()
        url = self.url_base + self.pending.path.format(**{self.pending.key: entry.key})
        prepared = self.build_prepared_request(method="GET", url=url, headers=self.http_headers)
        run.rereading = True
        try:
            response = self.send(prepared, context)
        finally:
            run.rereading = False
        if self.is_gone(response):
            self.logger.warning(
                "%s: %s %s is gone (HTTP %d from %s: %s); it is no longer re-read",
                self.log_prefix,
                self.pending.key,
                entry.key,
                response.status_code,
                redact_url(response.url),
                api_message(response),
            )
            return None
        body = json_body(response)
        if not isinstance(body, dict):
            return None
        run.answers[entry.key] = body
        record = self.reread_record(body, entry)
        self.add_context(record, context)
        return record

    @override
    def validate_response(self, response: requests.Response) -> None:
        if self._pending_run().rereading and self.is_gone(response):
            return
        super().validate_response(response)

    def _pending_run(self, reset: bool = False) -> _Run:
        run: _Run | None = getattr(self, "_pending_state", None)
        if run is None or reset:
            run = self._pending_state = _Run()
        return run


class _Run:
    """What one run of a pending stream keeps in memory (on the SDK's sync thread)."""

    def __init__(self) -> None:
        #: Child contexts answered "not ready yet" (``hold_for_later``).
        self.held: set[Hashable] = set()
        #: Re-read answers not yet taken by a child.
        self.answers: dict[str, dict[str, Any]] = {}
        #: A re-read is in flight: ``validate_response`` lets "gone" answers through.
        self.rereading = False


def _frozen(context: Context) -> Hashable:
    return tuple(sorted(context.items(), key=lambda kv: kv[0]))
