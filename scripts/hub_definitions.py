#!/usr/bin/env python3
"""Meltano Hub plugin definitions of the six taps, generated from their ``--about``.

Writes ``hub/extractors/<tap>/<variant>.yml``, the layout of the meltano/hub repository
(``_data/meltano/extractors/<tap>/<variant>.yml``), so a Hub pull request copies the files
as they are, and ``meltano add extractor <tap> --from-ref <file>`` works from a checkout.

From ``<tap> --about --format=json``: name, capabilities, and every setting with its kind,
description and ``sensitive``. From the providers' code: which settings are required
(``settings_group_validation``). From ``REPOSITORY`` (the same URL as ``[project.urls]`` in
pyproject.toml): ``repo``, ``docs`` and the variant, the repository's owner as Hub variants
are named. ``--check`` fails when a file is stale.

    python scripts/hub_definitions.py            # write hub/extractors/
    python scripts/hub_definitions.py --check    # exit 1 when a definition drifted
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub" / "extractors"
SUITE = "tap-media-apis"
#: Where the project is published; change it here and in pyproject.toml, then regenerate.
REPOSITORY = "https://github.com/tap-media-apis/tap-media-apis"
#: The PyPI distribution that installs all six executables.
PIP_URL = "tap-media-apis"

# Hub metadata --about does not carry: what each source is, and its vendor's site.
SOURCES: dict[str, dict[str, Any]] = {
    "mux": {
        "description": "Video API: assets, live streams, playback IDs and uploads",
        "domain_url": "https://www.mux.com",
        "keywords": ["video", "streaming"],
    },
    "assemblyai": {
        "description": "Speech-to-text API: transcripts, utterances and audio intelligence",
        "domain_url": "https://www.assemblyai.com",
        "keywords": ["speech-to-text", "transcription", "ai"],
    },
    "shutterstock": {
        "description": "Stock images, video and music: categories and search results",
        "domain_url": "https://www.shutterstock.com",
        "keywords": ["stock media", "images", "video"],
    },
    "hms": {
        "description": "Live video and audio API: rooms, sessions, peers and recordings",
        "domain_url": "https://www.100ms.live",
        "keywords": ["video", "webrtc", "live streaming"],
    },
    "basecamp": {
        "description": "Project management: projects, people, to-dos, messages and schedules",
        "domain_url": "https://basecamp.com",
        "keywords": ["project management", "collaboration"],
    },
}
#: Alternative credentials a provider's code checks itself (Provider.checks), not via
#: Provider.required: tests/test_hub_definitions.py proves each group is enough.
ALTERNATIVE_GROUPS: dict[str, list[list[str]]] = {
    "hms": [["management_token"], ["app_access_key", "app_secret"]],
}
#: Shared settings a provider cannot do without (Basecamp answers 400 without a contact in
#: the User-Agent, docs/providers/basecamp.md).
SHARED_REQUIRED: dict[str, list[str]] = {"basecamp": ["user_agent"]}
#: JSON schema type -> Meltano setting kind, most specific first.
KINDS = (
    ("integer", "integer"),
    ("number", "decimal"),
    ("boolean", "boolean"),
    ("array", "array"),
    ("object", "object"),
)
LABEL_WORDS = {"id": "ID", "ids": "IDs", "url": "URL", "api": "API", "lemur": "LeMUR"}


def _import_providers() -> tuple[Any, ...]:
    # This checkout's package, also when another copy is installed in the venv.
    sys.path.insert(0, str(ROOT))
    return tuple(importlib.import_module("tap_media_apis.providers").PROVIDERS)


PROVIDERS = _import_providers()


def variant() -> str:
    """The Hub variant: the owner of the repository."""
    return REPOSITORY.rstrip("/").split("/")[-2].lower()


def about(tap: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tap_media_apis", "--as", tap, "--about", "--format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(result.stdout))


def kind(schema: dict[str, Any]) -> str:
    types = schema.get("type") or []
    types = [types] if isinstance(types, str) else types
    for json_type, meltano_kind in KINDS:
        if json_type in types:
            return meltano_kind
    return "date_iso8601" if schema.get("format") == "date-time" else "string"


def label(name: str) -> str:
    return " ".join(LABEL_WORDS.get(word, word.capitalize()) for word in name.split("_"))


def setting(name: str, schema: dict[str, Any], title: str | None = None) -> dict[str, Any]:
    """One Hub setting: name, label, kind, description (with the default), sensitive."""
    description = str(schema.get("description") or "").strip()
    if "default" in schema and not isinstance(schema["default"], (dict, list)):
        default = json.dumps(schema["default"])
        description = f"{description} Default: {default}.".strip()
    short_name = name.rsplit(".", 1)[-1]
    entry: dict[str, Any] = {
        "name": name,
        "label": schema.get("title") or label(short_name),
        "kind": kind(schema),
        "description": description,
    }
    if title:
        entry["label"] = f"{title}: {entry['label']}"
    if schema.get("secret"):
        entry["sensitive"] = True
    return entry


def settings(about_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Every setting, in --about's order; provider blocks become ``mux.token_id`` etc."""
    titles = {provider.name: provider.title for provider in PROVIDERS}
    entries = []
    for name, schema in about_json["settings"]["properties"].items():
        if name in titles:
            for child, child_schema in schema["properties"].items():
                entries.append(setting(f"{name}.{child}", child_schema, titles[name]))
        else:
            entries.append(setting(name, schema))
    return entries


def groups(provider: Any, prefix: str = "") -> list[list[str]]:
    """Each combination of settings that is enough for this provider to run."""
    alternatives = ALTERNATIVE_GROUPS.get(provider.name) or [list(provider.required)]
    shared = SHARED_REQUIRED.get(provider.name, [])
    return [[*(f"{prefix}{name}" for name in group), *shared] for group in alternatives]


def definition(tap: str) -> dict[str, Any]:
    about_json = about(tap)
    repo = REPOSITORY
    base: dict[str, Any] = {
        "name": about_json["name"],
        "namespace": about_json["name"].replace("-", "_"),
        "variant": variant(),
        "pip_url": PIP_URL,
        "executable": tap,
        "repo": repo,
        "capabilities": sorted(about_json["capabilities"]),
        "settings": settings(about_json),
        "maintenance_status": "active",
    }
    if tap == SUITE:
        return {
            **base,
            "label": "Mux, AssemblyAI, Shutterstock, 100ms and Basecamp",
            "description": "Five media and collaboration APIs in one tap, side by side",
            "docs": f"{repo}/blob/main/README.md",
            "keywords": ["meltano_sdk", *(p.title.lower() for p in PROVIDERS)],
            # Any one provider is enough: each group is one provider's credentials.
            "settings_group_validation": [
                group for p in PROVIDERS for group in groups(p, prefix=f"{p.name}.")
            ],
        }
    (provider,) = [p for p in PROVIDERS if p.tap_name == tap]
    source = SOURCES[provider.name]
    return {
        **base,
        "label": provider.title,
        "description": source["description"],
        "domain_url": source["domain_url"],
        "docs": f"{repo}/blob/main/docs/providers/{provider.name}.md",
        "keywords": ["meltano_sdk", *source["keywords"]],
        "settings_group_validation": groups(provider),
    }


def taps() -> list[str]:
    return [SUITE, *(provider.tap_name for provider in PROVIDERS)]


def path(tap: str) -> Path:
    return HUB / tap / f"{variant()}.yml"


def render(tap: str) -> str:
    header = (
        f"# Generated by scripts/hub_definitions.py from `{tap} --about`: do not edit.\n"
        "# Hub layout: _data/meltano/extractors/<name>/<variant>.yml in meltano/hub.\n"
    )
    body = yaml.safe_dump(
        definition(tap), sort_keys=True, allow_unicode=True, width=100, default_flow_style=False
    )
    return header + body


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for tap in taps():
        target, text = path(tap), render(tap)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(target.relative_to(ROOT))
    if stale:
        print(f"stale: {', '.join(stale)}: run scripts/hub_definitions.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
