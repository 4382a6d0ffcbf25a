"""The SDK baseline: the same tap and streams with the SDK's stock speed settings.

Only the product's speed levers are turned back (docs/performance.md and the HTTP session),
nothing else:

- ``message_writer_class``: the SDK's default ``SingerWriter`` (simplejson, a flush per
  message) instead of ``BufferedMsgSpecWriter``;
- ``TYPE_CONFORMANCE_LEVEL``: ``RECURSIVE`` instead of ``NONE``, which also puts every
  record through the SDK's own selection walk again (``_generate_record_messages``);
- ``session_class``: a plain ``requests.Session`` (one per thread, as the product's),
  instead of the product's session over ``DirectAdapter``;
- ``parse_response``: the SDK's default, ``response.json(parse_float=Decimal)`` and a
  JSONPath (``records_jsonpath``), instead of msgspec and a direct key. The records then
  go through the stream's own ``shape_record`` (timestamps as RFC 3339, as the product),
  so both emit the same records. Streams with their own ``records_in`` (maps turned into
  records and the like) keep it: the SDK has no stock equivalent.

Paging, fan-out, pacing and retries stay the product's, so the difference measured is
what the levers are worth. Lives here, not in the product.
"""

from __future__ import annotations

import decimal
import sys
import types
from typing import Any

import requests
from singer_sdk import RESTStream, Stream
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.io_base import SingerWriter  # the SDK default of Tap.message_writer_class

from tap_media_apis import cli
from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.tap import TapMediaApis


def records_jsonpath(stream: ProviderStream) -> str:
    key = stream.records_key
    if stream.single_record:
        return f"$.{key}" if key else "$"
    return f"$.{key}[*]" if key else "$[*]"


def stock_parse_response(self: ProviderStream, response: requests.Response) -> list[dict[str, Any]]:
    if type(self).records_in is not ProviderStream.records_in:
        return ProviderStream.parse_response(self, response)
    self.records_in(response)  # the product's envelope check (one-line errors), decoded once
    shape = self.shape_record
    return [
        shape(record)
        for record in extract_jsonpath(
            records_jsonpath(self), input=response.json(parse_float=decimal.Decimal)
        )
        if record
    ]


class BaselineTap(TapMediaApis):
    message_writer_class = SingerWriter

    def discover_streams(self) -> list[Stream]:
        streams = super().discover_streams()
        for stream in streams:
            # The stock conformer cannot read ``oneOf`` (it raises "Could not detect type"):
            # such streams (LeMUR responses, a handful of records) keep NONE.
            if not _has_one_of(stream.schema):
                stream.TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.RECURSIVE  # type: ignore[misc]
            if isinstance(stream, ProviderStream) and isinstance(stream, RESTStream):
                stream.session_class = requests.Session  # type: ignore[misc]
                stream.parse_response = types.MethodType(  # type: ignore[method-assign]
                    stock_parse_response, stream
                )
        return streams


def _has_one_of(schema: Any) -> bool:
    if isinstance(schema, dict):
        return "oneOf" in schema or any(_has_one_of(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_has_one_of(value) for value in schema)
    return False


def main() -> None:
    # The product's own entry point (same one-line errors), running this Tap class.
    cli.TapMediaApis = BaselineTap  # type: ignore[misc]
    cli.main(sys.argv[1:])


if __name__ == "__main__":
    main()
