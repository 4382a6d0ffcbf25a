"""Rate checks on the sandbox request log of one run (latency-bound regime)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import Any

WINDOW_S = 1.0


def pacing_report(entries: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """Per provider: requests, allowed rate, the most requests that started in any 1 s.

    ``bound_s`` is the fastest a run can be at the allowed rates: the sum over providers
    of requests / requests_per_second (the SDK syncs providers one after another).
    """
    starts: dict[str, list[float]] = defaultdict(list)
    for entry in entries:
        provider = entry.get("provider") or entry["path"].lstrip("/").split("/")[0]
        starts[provider].append(float(entry["time"]))
    providers = {}
    bound = 0.0
    for provider, times in sorted(starts.items()):
        times.sort()
        rate = float((config.get(provider) or {}).get("requests_per_second") or 0)
        busiest = max(bisect_left(times, t + WINDOW_S) - i for i, t in enumerate(times))
        providers[provider] = {
            "requests": len(times),
            "allowed_per_s": rate,
            "max_in_any_1s": busiest,
            "span_s": times[-1] - times[0],
            "concurrency": int((config.get(provider) or {}).get("max_concurrency") or 0) or None,
        }
        if rate:
            bound += len(times) / rate
    return {"providers": providers, "bound_s": bound}
