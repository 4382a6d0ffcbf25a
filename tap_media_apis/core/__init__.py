"""The shared core: base stream, auth helpers, paging, retries, pacing, errors, time."""
