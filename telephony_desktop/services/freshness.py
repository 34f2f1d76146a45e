"""Provider data with a cached fallback: what the UI and CLI show when a refresh fails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from telephony_desktop.domain.errors import ProviderError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fresh(Generic[T]):
    """``value`` is current unless ``stale``; then ``error`` says why the refresh failed."""

    value: T
    error: ProviderError | None = None

    @property
    def stale(self) -> bool:
        return self.error is not None


async def refreshed_or_cached(
    refresh: Callable[[], Awaitable[T]], cached: Callable[[], Awaitable[T]]
) -> Fresh[T]:
    """Try the provider; when it cannot be reached or read, keep showing what the cache holds.

    A clear refusal (authentication, invalid request) propagates: the cached copy would hide a
    problem the user must fix. Input and configuration errors propagate too.
    """
    try:
        return Fresh(await refresh())
    except ProviderError as exc:
        if not exc.retryable:
            raise
        return Fresh(await cached(), exc)
