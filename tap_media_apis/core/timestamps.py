"""Replication keys as RFC 3339 UTC strings that sort correctly as text."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_EPOCH = re.compile(r"^\d{9,12}(\.\d+)?$")
_FRACTION = re.compile(r"(\.\d{1,6})\d*")
#: Already UTC (``Z``, ``+00:00`` or naive): rewritten as text, no datetime round trip.
_UTC_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:[Zz]|[+-]00:?00)?"
)


def to_rfc3339(value: Any) -> str | None:
    """Normalise a timestamp to ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC.

    Accepts unix seconds (int, float or digit string: Mux), naive ISO strings (taken as
    UTC: AssemblyAI ``created``), ``Z`` or offset suffixes and nanosecond fractions (100ms).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str) and (utc := _UTC_ISO.fullmatch(value)):
        year, month, day, hour, minute, second, fraction = utc.groups()
        datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))  # valid?
        micros = (fraction or "")[:6].ljust(6, "0")
        return f"{year}-{month}-{day}T{hour}:{minute}:{second}.{micros}Z"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.match(value)):
        moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
    elif isinstance(value, str):
        # Python 3.10's fromisoformat takes only 3 or 6 fraction digits.
        text = _FRACTION.sub(
            lambda m: m.group(1).ljust(7, "0"),
            value.strip().replace("Z", "+00:00").replace("z", "+00:00"),
        )
        text = text.replace(" ", "T", 1)
        moment = datetime.fromisoformat(text)
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # isoformat, not strftime: strftime drops the zero padding of years below 1000.
    return (
        moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
        + "Z"
    )


def parse_rfc3339(value: str) -> datetime:
    """Parse a timestamp produced by :func:`to_rfc3339` (or any ISO form) as aware UTC."""
    normalised = to_rfc3339(value)
    assert normalised is not None
    return datetime.strptime(normalised, _FORMAT).replace(tzinfo=timezone.utc)


def is_valid(value: str) -> bool:
    try:
        return to_rfc3339(value) is not None
    except (ValueError, OverflowError, OSError):
        return False
