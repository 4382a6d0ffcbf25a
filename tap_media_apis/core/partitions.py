"""Partitions over a list of values, declared by a stream and built once here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tap_media_apis.core.provider import ProviderRuntime

Values = Sequence[Any] | Callable[["ProviderRuntime"], Sequence[Any] | None]


@dataclass(frozen=True)
class PartitionsOver:
    """One partition per value of ``key``.

    ``values`` is a fixed sequence, or a function of the provider's settings (None or
    empty: no partitions, the stream is read once without them). ``with_context`` adds
    context keys derived from each value (e.g. the API's own name for it).
    """

    key: str
    values: Values
    with_context: Callable[[Any], dict[str, Any]] | None = None

    def contexts(self, runtime: ProviderRuntime) -> list[dict[str, Any]] | None:
        values = self.values(runtime) if callable(self.values) else self.values
        contexts = []
        for value in dict.fromkeys(values or ()):
            context = {self.key: value}
            if self.with_context is not None:
                context.update(self.with_context(value))
            contexts.append(context)
        return contexts or None


def from_setting(name: str, default: Sequence[Any] = ()) -> Callable[[ProviderRuntime], Any]:
    """The values of a provider setting that holds a list."""

    def values(runtime: ProviderRuntime) -> Any:
        return runtime.setting(name) or default

    return values
