"""The providers this tap extracts, in the order they are documented."""

from __future__ import annotations

from tap_media_apis.core.provider import Provider
from tap_media_apis.providers import assemblyai, basecamp, hms, mux, shutterstock

PROVIDERS: tuple[Provider, ...] = (
    mux.PROVIDER,
    assemblyai.PROVIDER,
    shutterstock.PROVIDER,
    hms.PROVIDER,
    basecamp.PROVIDER,
)
