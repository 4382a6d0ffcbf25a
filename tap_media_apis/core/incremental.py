"""Which records a sync emits: the bookmark filter, the early stop, children fetched ahead.

- Lists scanned in full keep records AT the bookmark (nothing lost when two share a
  timestamp); newest-first lists stop paging at their first record at or before it.
- A record that can still change (``still_changing``, or a child answered "not ready")
  holds the stream's final bookmark just below it, so the next sync reads it again.
- Children of a page are fetched ahead by the provider's pool (core/fanout.py) in the
  order the SDK will sync them; a child made from its parent's record needs no request.
- A stream the credentials are not entitled to ends with one warning, not a failure.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_media_apis.core.answers import NotEntitled
from tap_media_apis.core.reading import Page, PagedReads
from tap_media_apis.core.timestamps import parse_rfc3339, to_rfc3339

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class IncrementalReads(PagedReads):
    """``get_records`` for every provider stream."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Used on the SDK's sync thread only (children report from there too).
        #: The final bookmark's upper bound for this run (None: nothing to hold).
        self._bookmark_cap: str | None = None
        #: Child contexts of records whose children are not final yet.
        self._held_children: set[Hashable] = set()
        self._not_entitled: str | None = None

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self._not_entitled is not None:
            return
        if context is not None and self.parent_stream_type and not self.applies_to(context):
            return
        records = (
            self._derived_records(context)
            if self.derived_from_parent
            else self._new_records(context)
        )
        try:
            for record in records:
                if self.still_changing(record):
                    self.hold_bookmark_below(record, context)
                yield record
                # The SDK syncs a record's children while this generator is suspended.
                if self._held_children and self._holds_children_of(record, context):
                    self.hold_bookmark_below(record, context)
        except NotEntitled as refusal:
            self._not_entitled = str(refusal)
            needs = self.entitlement.needs if self.entitlement else "an entitlement"
            self.logger.warning(
                "%s: skipped, the credentials lack %s (%s)", self.log_prefix, needs, refusal
            )

    def records_from_parent(self, context: Context) -> Iterable[dict[str, Any]]:
        """A derived child's API records, taken from the context its parent made."""
        raise NotImplementedError(f"{self.name} is derived_from_parent but reads nothing")

    def _derived_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context:
            return
        for record in self.records_from_parent(context):
            shaped = self.shape_record(record)
            self.add_context(shaped, context)
            yield shaped

    def _new_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        start = self.bookmark(context)
        follow = self.children_follow_old_records and self.has_synced_children
        for page in self.pages_for(context):
            for record in page:
                self.add_context(record, context)
            if start is None:
                self.prefetch_children(page, context)
                yield from page
                continue
            new = [self.is_new(record, start) for record in page]
            # A newest-first list is done at its first record at or before the bookmark.
            end = new.index(False) if self.newest_first and False in new else len(page)
            wanted = [r for r, is_new in zip(page[:end], new, strict=False) if is_new or follow]
            self.prefetch_children(wanted, context)
            for record, is_new in zip(page[:end], new, strict=False):
                if is_new:
                    yield record
                elif follow:  # the SDK's child sync of a record, without emitting it
                    self._process_record(record, child_context=context)
            if end < len(page):
                return

    @property
    def has_synced_children(self) -> bool:
        return any(c.selected or c.has_selected_descendents for c in self.child_streams)

    def bookmark(self, context: Context | None) -> str | None:
        """The starting bookmark (state or start_date) as RFC 3339, or None."""
        if not self.replication_key:
            return None
        return to_rfc3339(self.get_starting_replication_key_value(context))

    def is_new(self, record: dict[str, Any], start: str) -> bool:
        """Whether the record is after the bookmark (at it, too, for full scans)."""
        value = record.get(self.replication_key or "")
        if value is None:
            return True
        return bool(value > start if self.newest_first else value >= start)

    def add_context(self, record: dict[str, Any], context: Context | None) -> None:
        """Copy the parent keys of a child context into the record."""
        if context:
            properties = self.schema["properties"]
            for key, value in context.items():
                if key in properties and key not in record:
                    record[key] = value

    # -- records read again next sync ----------------------------------------------------

    @override
    def hold_for_later(self, child_context: Context) -> None:
        self._held_children.add(_frozen(child_context))

    def _holds_children_of(self, record: dict[str, Any], context: Context | None) -> bool:
        return any(
            _frozen(child) in self._held_children
            for child in self.generate_child_contexts(record, context)
            if child is not None
        )

    def hold_bookmark_below(self, record: dict[str, Any], context: Context | None) -> None:
        """Keep this run's final bookmark just below this record (1 µs).

        The SDK promotes the highest value seen to the bookmark, but never above the
        signpost it writes from ``get_replication_key_signpost`` (singer_sdk
        helpers/_state.py ``finalize_state_progress_markers``): lowering the signpost
        holds the bookmark. Just below, so the next run's newest-first stop (at records
        AT or before the bookmark) keeps this record.
        """
        value = record.get(self.replication_key or "")
        if not value:
            return
        cap = to_rfc3339(parse_rfc3339(value) - timedelta(microseconds=1))
        if cap is None or (self._bookmark_cap is not None and self._bookmark_cap <= cap):
            return
        self._bookmark_cap = cap
        self.state_manager.write_replication_key_signpost(
            self.get_replication_key_signpost(context), context=context
        )

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> Any:
        # The SDK's default (the run's start) as RFC 3339 like every bookmark, so the
        # SDK's string comparison with the bookmark holds; lowered by any held record.
        now = super().get_replication_key_signpost(context)
        if not self.replication_key or now is None:
            return now
        now = to_rfc3339(now)
        cap = self._bookmark_cap
        return cap if cap is not None and (now is None or cap < now) else now

    # -- children fetched ahead ----------------------------------------------------------

    def pages_for(self, context: Context | None) -> Iterable[Page]:
        prefetcher = self.runtime.prefetcher
        future = prefetcher.take(self._prefetch_key(context)) if prefetcher and context else None
        if future is not None:
            return future.result()
        return self.request_pages(context)

    def fetch_all_pages(self, context: Context | None) -> list[Page]:
        return list(self.request_pages(context))

    def prefetch_children(self, records: Page, context: Context | None) -> None:
        prefetcher = self.runtime.prefetcher
        if prefetcher is None or not records:
            return
        children = [
            child
            for child in self.child_streams
            if isinstance(child, IncrementalReads)
            and (child.selected or child.has_selected_descendents)
            and not child.derived_from_parent
            and child._not_entitled is None
        ]
        for record in records:
            for child_context in self.generate_child_contexts(record, context):
                if child_context is None:
                    continue
                for child in children:
                    if child.applies_to(child_context):
                        prefetcher.schedule(
                            child._prefetch_key(child_context),
                            functools.partial(child.fetch_all_pages, dict(child_context)),
                        )

    def _prefetch_key(self, context: Context | None) -> Hashable:
        return (self.name, _frozen(context or {}))


def _frozen(context: Context) -> Hashable:
    return tuple(sorted(context.items(), key=lambda kv: kv[0]))
