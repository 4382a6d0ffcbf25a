"""Run the tap in-process and collect what it writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from singer_sdk.singerlib import Message
from singer_sdk.singerlib.encoding.base import GenericSingerWriter

from tap_media_apis.tap import TapMediaApis


class CollectingWriter(GenericSingerWriter[str, Message]):
    """Keeps every Singer message instead of printing it."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def serialize_message(self, message: Message) -> str:
        return ""

    def write_message(self, message: Message) -> None:
        self.messages.append(message.to_dict())


@dataclass
class SyncResult:
    messages: list[dict[str, Any]]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict[str, Any]] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def final_state(self) -> dict[str, Any]:
        return self.states[-1] if self.states else {}


def sync(
    config: dict[str, Any],
    *,
    state: dict[str, Any] | None = None,
    catalog: dict[str, Any] | None = None,
    select: list[str] | None = None,
) -> SyncResult:
    """A full sync of ``config``; ``select`` limits it to those streams (and their parents)."""
    writer = CollectingWriter()
    tap = TapMediaApis(
        config=config, state=state, catalog=catalog, parse_env_config=False, message_writer=writer
    )
    if select is not None:
        for name, stream in tap.streams.items():
            stream.selected = name in select
    try:
        tap.sync_all()
    finally:
        tap.close()
    result = SyncResult(writer.messages)
    for message in writer.messages:
        if message["type"] == "RECORD":
            result.records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            result.states.append(message["value"])
        elif message["type"] == "SCHEMA":
            result.schemas[message["stream"]] = message["schema"]
    return result


#: Columns the core adds to every record, with the values they take in a plain config.
CORE_COLUMNS = {"extra_fields": None, "account": "default"}


def declared(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without the core's columns at their plain values (an empty ``extra_fields``,
    the ``default`` account): what is left compares with an API payload."""
    return [
        {k: v for k, v in record.items() if not (k in CORE_COLUMNS and CORE_COLUMNS[k] == v)}
        for record in records
    ]
