"""A Singer writer that does not flush after every RECORD (docs/performance.md)."""

from __future__ import annotations

import sys

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import Message, SingerMessageType
from typing_extensions import override


class BufferedMsgSpecWriter(MsgSpecWriter):
    """Flushes only on SCHEMA/STATE/other messages, which push out every record before them."""

    @override
    def write_message(self, message: Message) -> None:
        sys.stdout.buffer.write(self.format_message(message))
        if message.type != SingerMessageType.RECORD:
            sys.stdout.flush()
