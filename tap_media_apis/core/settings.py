"""The tap's config schema and the checks that turn bad config into one clear line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from singer_sdk import typing as th

from tap_media_apis.core.accounts import account_errors, accounts_of, partition_errors
from tap_media_apis.core.provider import Provider
from tap_media_apis.core.timestamps import is_valid

DEFAULT_USER_AGENT = "tap-media-apis/0.1.0"


#: Settings every tap of the suite takes at its top level, besides the SDK's own.
SHARED_SETTINGS = (
    "start_date",
    "user_agent",
    "keep_extra_fields",
    "request_timeout",
    "max_retries",
    "max_retry_seconds",
    "retry_backoff_seconds",
    "retry_max_wait_seconds",
)


def config_schema(providers: Iterable[Provider]) -> dict[str, Any]:
    """The suite's config: the shared settings and one block per provider."""
    side_by_side = th.Property(
        "providers_side_by_side",
        th.BooleanType,
        default=True,
        description=(
            "Sync the configured providers at the same time, each in its own process at its "
            "own pace (false: one after another)."
        ),
    )
    return th.PropertiesList(
        *shared_properties(),
        side_by_side,
        *(provider.config_property() for provider in providers),
    ).to_dict()


def flat_config_schema(provider: Provider) -> dict[str, Any]:
    """One API's own tap: its settings at the top level, with the shared ones."""
    account_name = th.Property(
        "account_name",
        th.StringType,
        description=(
            "The value of every record's account column when this config is one account "
            "(tap-media-apis sets it for each entry of accounts)."
        ),
    )
    return th.PropertiesList(
        *shared_properties(), account_name, *provider.config_properties()
    ).to_dict()


def shared_properties() -> list[th.Property]:
    return [
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Earliest record to extract for incremental streams (RFC 3339).",
        ),
        th.Property(
            "user_agent",
            th.StringType,
            default=DEFAULT_USER_AGENT,
            description=(
                "Sent on every request; name your app and a contact, e.g. "
                "'acme-data (data@acme.example)'. Basecamp and Shutterstock require one."
            ),
        ),
        th.Property(
            "keep_extra_fields",
            th.BooleanType,
            default=True,
            description=(
                "Keep fields an API sends that a stream's schema does not declare, in the "
                "JSON column extra_fields (null when there are none); false drops them."
            ),
        ),
        th.Property(
            "request_timeout",
            th.NumberType,
            default=60,
            description="Seconds to wait for any one response.",
        ),
        th.Property(
            "max_retries",
            th.IntegerType,
            default=5,
            description="Retries of a request after 429, 5xx, timeouts or dropped connections.",
        ),
        th.Property(
            "max_retry_seconds",
            th.NumberType,
            default=600,
            description="Give up retrying one request after this many seconds in total.",
        ),
        th.Property(
            "retry_backoff_seconds",
            th.NumberType,
            default=1.0,
            description="First backoff wait; it doubles on each retry (Retry-After wins).",
        ),
        th.Property(
            "retry_max_wait_seconds",
            th.NumberType,
            default=120,
            description="Longest single backoff wait, unless Retry-After asks for more.",
        ),
        th.Property(
            "partitions",
            th.ArrayType(th.StringType),
            description=(
                'Sync only these providers or provider/accounts (e.g. ["mux", '
                '"basecamp/acme"]); the others\' state is passed on untouched. For '
                "orchestrators: one partition per worker."
            ),
        ),
    ]


def configured(providers: Iterable[Provider], config: Mapping[str, Any]) -> list[Provider]:
    return [p for p in providers if isinstance(config.get(p.name), Mapping)]


def config_errors(providers: Iterable[Provider], config: Mapping[str, Any]) -> list[str]:
    """Problems worth one line each, in the order a user should fix them."""
    providers = list(providers)
    chosen = configured(providers, config)
    flat = sorted({s for p in providers for s in p.setting_names} & set(config))
    if flat:
        owner = next(p for p in providers if flat[0] in p.setting_names)
        return [
            f'{", ".join(flat)} must be inside a provider block (e.g. "{owner.name}": '
            f'{{"{flat[0]}": ...}}), or run {owner.tap_name}, which takes them at the top level'
        ]
    if not chosen:
        names = ", ".join(p.name for p in providers)
        return [f"no provider configured: add at least one of the blocks {names} to the config"]
    errors = shared_errors(config)
    for provider in chosen:
        errors.extend(account_errors(provider, config[provider.name], config))
    accounts = [a for p in chosen for a in accounts_of(p, config[p.name])]
    errors.extend(partition_errors(accounts, config.get("partitions")))
    return errors


def flat_config_errors(provider: Provider, config: Mapping[str, Any]) -> list[str]:
    """Problems of the config of one API's own tap (its settings at the top level)."""
    errors = shared_errors(config)
    if isinstance(config.get(provider.name), Mapping):
        errors.append(
            f"the {provider.name} settings go at the top level of this config, not in a "
            f'"{provider.name}" block (that nesting is tap-media-apis\' config)'
        )
        return errors
    errors.extend(account_errors(provider, config, config))
    errors.extend(partition_errors(accounts_of(provider, config), config.get("partitions")))
    return errors


def shared_errors(config: Mapping[str, Any]) -> list[str]:
    start_date = config.get("start_date")
    if start_date is not None and not (isinstance(start_date, str) and is_valid(start_date)):
        return [
            f"start_date {start_date!r} is not an RFC 3339 date-time "
            "(for example 2024-01-01T00:00:00Z)"
        ]
    return []


def state_problem(state: Mapping[str, Any]) -> str | None:
    """Why a --state document cannot be resumed from, as one line (None: it can).

    Checked before any output: a bookmark that is not a date-time would otherwise fail
    mid-sync with no hint of which stream or file is to blame.
    """
    accounts = state.get("accounts", {})
    if not isinstance(accounts, Mapping) or not all(
        isinstance(a, Mapping) for a in accounts.values()
    ):
        return "--state: 'accounts' must map provider/account names to states"
    for account_state in accounts.values():
        if problem := state_problem(account_state):
            return problem
    fix = "fix it, or delete that bookmark to sync the stream from start_date"
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, Mapping):
        return f"--state: 'bookmarks' must be an object keyed by stream, got {bookmarks!r:.60}"
    for stream, bookmark in bookmarks.items():
        if not isinstance(bookmark, Mapping):
            return f"--state: the bookmark of {stream} must be an object, got {bookmark!r:.60}"
        partitions = bookmark.get("partitions", [])
        if not isinstance(partitions, list) or not all(isinstance(p, Mapping) for p in partitions):
            return f"--state: the partitions of {stream} must be a list of objects; {fix}"
        for entry in (bookmark, *partitions):
            value = entry.get("replication_key_value")
            if value is not None and not _is_timestamp(value):
                return (
                    f"--state: the bookmark of {stream} has replication_key_value {value!r:.60}, "
                    f"which is not a date-time; {fix}"
                )
    return None


def _is_timestamp(value: Any) -> bool:
    if isinstance(value, str):
        return is_valid(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and is_valid(str(value))
