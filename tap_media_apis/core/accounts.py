"""Accounts: one provider block may list several (Mux environments, Basecamp accounts, …).

A block without ``accounts`` is one account named ``default``, so every config written
before accounts existed means what it meant. With ``accounts``, each entry has a
``name`` and any of the block's settings; an entry's values win over the block's.
State is kept per account; every record names its account in the ``account`` column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tap_media_apis.core.provider import Provider

DEFAULT_ACCOUNT = "default"
ACCOUNTS = "accounts"
#: The column every record carries, and the setting a provider's tap reads it from.
ACCOUNT_COLUMN = "account"
ACCOUNT_NAME_SETTING = "account_name"
ACCOUNT_SCHEMA: dict[str, Any] = {
    "type": ["string", "null"],
    "description": "The name of the account the record comes from ('default' without accounts).",
}


@dataclass(frozen=True)
class Account:
    """One account of one provider: its name and its merged settings."""

    provider: Provider
    name: str
    settings: Mapping[str, Any]
    #: An entry of an ``accounts`` list (not the block itself as ``default``).
    listed: bool = False

    @property
    def key(self) -> str:
        """``mux/production``: how partitions and state name this account."""
        return f"{self.provider.name}/{self.name}"

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_ACCOUNT

    def describe(self) -> str:
        if self.is_default:
            return self.provider.name
        return f"{self.provider.name} account {self.name!r}"


def accounts_of(provider: Provider, block: Mapping[str, Any]) -> list[Account]:
    """The accounts a provider block stands for (one ``default`` without ``accounts``)."""
    entries = block.get(ACCOUNTS)
    shared = {key: value for key, value in block.items() if key != ACCOUNTS}
    if not isinstance(entries, list) or not entries:
        return [Account(provider, DEFAULT_ACCOUNT, shared)]
    return [
        Account(
            provider,
            str(entry.get("name")),
            {**shared, **{k: v for k, v in entry.items() if k != "name"}},
            listed=True,
        )
        for entry in entries
        if isinstance(entry, Mapping)
    ]


def account_errors(
    provider: Provider, block: Mapping[str, Any], config: Mapping[str, Any]
) -> list[str]:
    """One line per problem, naming the provider and the account."""
    entries = block.get(ACCOUNTS)
    if entries is None:
        return provider.missing_settings(block, config)
    where = f"{provider.name}.{ACCOUNTS}"
    if not isinstance(entries, list) or not entries:
        return [f"{where} must be a non-empty list of accounts, each with a name"]
    if not all(isinstance(e, Mapping) for e in entries):
        return [f"{where}: every account must be an object with a name and its settings"]
    names = [entry.get("name") for entry in entries]
    if not all(isinstance(n, str) and n.strip() for n in names):
        return [f"{where}: every account needs a name (a non-empty string)"]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return [f"{where}: account names must be unique; {', '.join(map(repr, duplicates))} twice"]
    errors = _ambiguous(provider, block, entries)
    for account in accounts_of(provider, block):
        errors.extend(
            f"{provider.name} account {account.name!r}: {problem}"
            for problem in provider.missing_settings(account.settings, config)
        )
    return errors


def _ambiguous(
    provider: Provider, block: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]
) -> list[str]:
    # A credential at the top of the block that every account replaces is used by none:
    # was it meant as one more account? Ask instead of guessing.
    unused = [
        name
        for name in provider.credential_names
        if block.get(name) is not None and all(entry.get(name) is not None for entry in entries)
    ]
    if not unused:
        return []
    return [
        f"{provider.name}: {', '.join(unused)} is set both at the top of the block and in every "
        f"account, so the top-level value is never used; move it into an account (e.g. one "
        f"named {DEFAULT_ACCOUNT!r}) or remove it"
    ]


def select(accounts: Iterable[Account], partitions: Sequence[str] | None) -> list[Account]:
    """The accounts named by ``partitions`` (``mux`` or ``mux/production``); all without."""
    chosen = list(accounts)
    if not partitions:
        return chosen
    wanted = set(partitions)
    return [a for a in chosen if a.provider.name in wanted or a.key in wanted]


def partition_errors(accounts: Iterable[Account], partitions: Any) -> list[str]:
    if partitions is None:
        return []
    if not isinstance(partitions, list) or not all(isinstance(p, str) for p in partitions):
        return ['partitions must be a list like ["mux", "basecamp/acme"]']
    known = {name for a in accounts for name in (a.provider.name, a.key)}
    unknown = [p for p in partitions if p not in known]
    if unknown:
        return [
            f"partitions: {', '.join(map(repr, unknown))} is not a configured provider or "
            f"provider/account; known: {', '.join(sorted(known))}"
        ]
    return []
