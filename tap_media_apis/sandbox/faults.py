"""Fault injection: which requests fail, and how."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

FAULT_KINDS = ("429", "500", "502", "503", "reset", "slow")
#: 200 answers no retry can fix (a cut JSON body; an object without the expected list):
#: drawn only when asked for by name, never by default.
CORRUPT_KINDS = ("badjson", "wrongshape")


@dataclass
class FaultPlan:
    #: Share of API requests that fail (0 to 1).
    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    #: ``Retry-After`` seconds sent with 429.
    retry_after: float = 1.0
    #: How long a "slow" response stalls (longer than the tap's request timeout).
    slow_seconds: float = 3.0
    seed: int = 11
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS) - set(CORRUPT_KINDS)
        if unknown:
            known = FAULT_KINDS + CORRUPT_KINDS
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {known}")
        self._random = random.Random(self.seed)

    def draw(self) -> str | None:
        """The fault for the next request, or None for a normal answer."""
        if self.rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(self.kinds)


HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)
