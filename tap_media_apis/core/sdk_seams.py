"""Every override of singer-sdk code that the SDK does not offer as a hook, in one place.

Each seam says why it exists. ``PRIVATE_SEAMS`` pins the SDK source each one was written
against (a hash of the method's source in singer-sdk 0.54.9): tests/core/test_sdk_seams.py
fails when an SDK upgrade changes one, so a fast path cannot silently drift from the code
it replaces. Overrides of public, documented hooks live with the mechanism they serve.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

import requests
import singer_sdk.singerlib as singer
from singer_sdk import metrics
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from tap_media_apis.core.incremental import IncrementalReads
from tap_media_apis.core.meters import RunningCounter, RunningTimer

#: "<module>:<qualified name>" of overridden or copied library code -> sha256 of its source
#: in the pinned versions (singer-sdk 0.54.9, requests 2.34), and where our seam is.
PRIVATE_SEAMS: dict[str, tuple[str, str]] = {
    "singer_sdk.streams.core:Stream._generate_record_messages": (
        "9b5f9fbcdedb7a1aec5673a44f51fd9bd88840f19f0fb29cba9953b9d9095bfe",
        "SdkSeams._generate_record_messages: a copy without the selection walk",
    ),
    "singer_sdk.streams.core:Stream._write_schema_message": (
        "4077b24e5440fdefc20058afb2407196ae98fd4b70027ea8d41e20242da17df8",
        "SdkSeams._write_schema_message: one SCHEMA per stream",
    ),
    "singer_sdk.streams.core:Stream.finalize_state_progress_markers": (
        "295d29eb8b73d5c5d8e195d2e295112fcc53258e382bf95081043e5a6724cd56",
        "SdkSeams.finalize_state_progress_markers: grandchildren selected alone",
    ),
    "singer_sdk.streams.rest:_HTTPStream.build_prepared_request": (
        "f3699e3e4d9b767c0afbfc6908ea34b3686e853374715ea264c1fceb62ed467e",
        "SdkSeams.build_prepared_request: sign only inside the retried send",
    ),
    "singer_sdk.tap_base:Tap._handle_termination": (
        "2bb79ae47769883a865515c9ad282da5f2a8c5e167e155c148ac76e7cb5306ee",
        "TapMediaApis._handle_termination: exit 128+signal at once",
    ),
    "singer_sdk.tap_base:Tap.sync_all": (
        "e4412393757b4cdc422ba4982705b0a06dfaf80ce249160aa9ab2a81cd7c00b5",
        "TapMediaApis.sync_all (final in the SDK): providers side by side, failures isolated",
    ),
    "singer_sdk.plugin_base:PluginBase._validate_config": (
        "0584b9e347e353fa7fd5151422a67881f8a8c790a2681e53fc5bdd4beb1c7ce5",
        "TapMediaApis._validate_config: one line per config problem",
    ),
    "requests.sessions:Session.prepare_request": (
        "de602e5f95e043272c69baaf331680e8acc178d570af1057e394b424541ad2e5",
        "core/session.py Session.prepare_request: the fast path copies its steps",
    ),
    "requests.adapters:HTTPAdapter.send": (
        "a8b4a1d8c114e29db6aa4658e71ac1f744bfff3f07d2e3181548065ccb79bbbe",
        "core/transport.py DirectAdapter.send: the same contract over http.client",
    ),
}


class SdkSeams(IncrementalReads):
    """The stream-side seams."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running_counter: RunningCounter | None = None
        self._running_timer: RunningTimer | None = None
        self._announced = False
        self._schema_sent = False
        self._deselection_mask: singer.SelectionMask | None = None
        self._deselected: tuple[str, ...] | None = ()

    @override
    def _generate_record_messages(
        self, record: dict[str, Any]
    ) -> Generator[singer.RecordMessage, None, None]:
        # Private, copied: the SDK walks every record against the selection mask and the
        # conformer (~10% of a sync's CPU). Records leave the shaper with schema properties
        # only and JSON-native values, so at most deselected top-level properties are left
        # to drop; a nested deselection or another conformance level takes the SDK's path.
        dropped = self._deselection()
        if dropped is None or self.TYPE_CONFORMANCE_LEVEL is not TypeConformanceLevel.NONE:
            yield from super()._generate_record_messages(record)
            return
        for name in dropped:
            record.pop(name, None)
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=utc_now(),
                )

    def _deselection(self) -> tuple[str, ...] | None:
        """Deselected top-level properties; None when a nested property is deselected."""
        mask = self.mask
        if mask is not self._deselection_mask:
            self._deselection_mask = mask
            nested = any(
                len(crumb) > 2 and not selected and mask[crumb[:2]]
                for crumb, selected in mask.items()
            )
            top = tuple(
                name for name in self.schema["properties"] if not mask[("properties", name)]
            )
            self._deselected = None if nested else top
        return self._deselected

    @override
    def _write_schema_message(self) -> None:
        # Private: the SDK writes SCHEMA on every child context; once per run is enough.
        if not self._schema_sent:
            self._schema_sent = True
            super()._write_schema_message()

    @override
    def finalize_state_progress_markers(self, state: dict[str, Any] | None = None) -> None:
        # "Internal to the SDK": 0.54.9 finalizes only *selected* children, so a grandchild
        # selected without its parent would never promote its bookmark.
        if not state:
            for child in self.child_streams:
                if not child.selected and child.has_selected_descendents:
                    child.finalize_state_progress_markers()
        super().finalize_state_progress_markers(state)

    @override
    def build_prepared_request(self, *args: Any, **kwargs: Any) -> requests.PreparedRequest:
        # The SDK signs here AND in _request; signing only in _request, inside the retried
        # send, lets a transient token-endpoint failure be retried like any request.
        session = self.requests_session
        session.auth = None
        return session.prepare_request(requests.Request(*args, **kwargs))

    # -- metrics and logs of child streams: per stream, not per parent (core/meters.py) --

    @override
    def get_record_counter(
        self, *, endpoint: str | None = None, log_interval: float = metrics.DEFAULT_LOG_INTERVAL
    ) -> metrics.Counter:
        if self.parent_stream_type is None:
            return super().get_record_counter(endpoint=endpoint, log_interval=log_interval)
        if self._running_counter is None:
            tags: dict[str, Any] = {metrics.Tag.STREAM: self.name}
            self._running_counter = RunningCounter(
                metrics.Metric.RECORD_COUNT, tags, log_interval=log_interval
            )
        return self._running_counter

    @override
    def get_sync_timer(self) -> metrics.Timer:
        if self.parent_stream_type is None:
            return super().get_sync_timer()
        if self._running_timer is None:
            tags: dict[str, Any] = {metrics.Tag.STREAM: self.name}
            self._running_timer = RunningTimer(metrics.Metric.SYNC_DURATION, tags)
        return self._running_timer

    @override
    def log_sync_costs(self) -> None:
        # Called once per stream at the end of the run: the child totals.
        for meter in (self._running_counter, self._running_timer):
            if meter is not None:
                meter.flush()
        super().log_sync_costs()

    @override
    def log(self, message: str, *args: Any, level: int = logging.INFO, **kwargs: Any) -> None:
        # "Beginning sync of <child> ... with context keys" once, not once per parent.
        if self.parent_stream_type is not None and message.startswith("Beginning sync"):
            if self._announced:
                level = min(level, logging.DEBUG)
            self._announced = True
        super().log(message, *args, level=level, **kwargs)
