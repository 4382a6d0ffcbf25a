"""The base stream every provider builds on.

A provider's base class sets ``provider_name`` and whatever its API does differently
(envelope, paging, auth-related answers); a stream class then declares only name, path,
keys, replication key, parent and the knobs of core/base.py where it differs.

The mechanisms live one per module: declarations and wiring (base.py), sending and
judging one request (requesting.py), the paging loop (reading.py), which records a sync
emits (incremental.py) and the overrides of SDK internals (sdk_seams.py).
"""

from __future__ import annotations

from tap_media_apis.core.sdk_seams import SdkSeams


class ProviderStream(SdkSeams):
    """A stream of one provider's API, with the shared behaviour of every stream."""
