"""Records as they leave a page: secrets masked, declared fields as columns, the rest kept.

Fields the schema declares become columns; fields it does not (the API added one) go
into ``extra_fields``, one JSON object per record (null when there is nothing extra),
unless ``keep_extra_fields`` is off. Timestamps leave as RFC 3339 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tap_media_apis.core.masks import Mask, apply_masks
from tap_media_apis.core.timestamps import to_rfc3339

EXTRA_FIELDS = "extra_fields"
#: Declared in every stream's schema by the core.
EXTRA_FIELDS_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "additionalProperties": True,
    "description": "Top-level fields the API sent that this schema does not declare.",
}


class RecordShaper:
    """Turns one API record into one stream record (a callable, built once per stream)."""

    def __init__(
        self,
        properties: Iterable[str],
        *,
        time_fields: tuple[str, ...] = (),
        replication_key: str | None = None,
        masks: tuple[Mask, ...] = (),
        keep_extra: bool = True,
        constants: dict[str, Any] | None = None,
    ) -> None:
        self._constants = constants or {}
        self._properties = frozenset(properties) - {EXTRA_FIELDS, *self._constants}
        self._time_fields = time_fields
        self._replication_key = replication_key
        self._masks = masks
        self._keep_extra = keep_extra

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        if self._masks:
            record = apply_masks(record, self._masks)
        properties = self._properties
        undeclared = record.keys() - properties
        if not undeclared:
            shaped = dict(record)
        else:
            shaped = {key: value for key, value in record.items() if key in properties}
        if self._keep_extra:
            shaped[EXTRA_FIELDS] = {key: record[key] for key in undeclared} or None
        for name in self._time_fields:
            value = shaped.get(name)
            if value is not None:
                shaped[name] = to_rfc3339(value)
        if self._replication_key:
            shaped.setdefault(self._replication_key, None)  # the SDK's bookmark code needs it
        shaped.update(self._constants)
        return shaped
