"""What a recovery store does: note open check runs, list old ones, and hold the recovery lock."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.review.context import CheckRegistry, TrackedCheck

LOCK_NAME = "recovery"


@runtime_checkable
class RecoveryStore(CheckRegistry, Protocol):
    """Open check runs (oldest first) and the recovery lock."""

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        """Noted check runs created before epoch *created_before*, oldest first, at most *limit*."""
        ...

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        """Take (or renew) the recovery lease for *ttl* seconds; False when another owner holds it."""
        ...

    async def unlock(self, owner: str) -> None:
        """Release the lease if *owner* still holds it."""
        ...

    async def close(self) -> None: ...
