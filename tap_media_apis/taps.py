"""One tap per API: ``tap-mux``, ``tap-assemblyai``, ``tap-shutterstock``, ``tap-100ms``,
``tap-basecamp``.

Each is the suite's tap limited to one provider, whose settings sit at the top level of
its config next to the shared ones. Streams, keys and schemas are the same as in
``tap-media-apis``; so is every behaviour.
"""

from __future__ import annotations

from tap_media_apis.core.provider import Provider
from tap_media_apis.core.settings import flat_config_schema
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.tap import TapMediaApis


def provider_tap(provider: Provider) -> type[TapMediaApis]:
    """The tap class of one API."""
    return type(
        f"Tap{provider.name.title()}",
        (TapMediaApis,),
        {
            "__doc__": f"{provider.title} as a Singer tap.",
            "name": provider.tap_name,
            "flat_provider": provider,
            "config_jsonschema": flat_config_schema(provider),
        },
    )


#: Executable name -> tap class, the suite's own first.
TAPS: dict[str, type[TapMediaApis]] = {
    TapMediaApis.name: TapMediaApis,
    **{provider.tap_name: provider_tap(provider) for provider in PROVIDERS},
}
