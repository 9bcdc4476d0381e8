"""The recovery store for ``memory://`` (one process): everything in this object."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.review.context import TrackedCheck


class MemoryRecoveryStore:
    """For ``memory://`` (one process): everything in this object."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._checks: dict[tuple[str, int], TrackedCheck] = {}
        self._lock: tuple[str, float] | None = None  # (owner, until)
        self._clock = clock

    async def check_started(self, check: TrackedCheck) -> None:
        self._checks[(check.full_name, check.check_run_id)] = check

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        self._checks.pop((full_name, check_run_id), None)

    async def open_checks(self, *, created_before: float, limit: int) -> list[TrackedCheck]:
        old = sorted((c for c in self._checks.values() if c.created_at < created_before),
                     key=lambda c: (c.created_at, c.check_run_id))
        return old[:limit]

    async def try_lock(self, owner: str, *, ttl: float) -> bool:
        now = self._clock()
        if self._lock is not None and self._lock[0] != owner and self._lock[1] > now:
            return False
        self._lock = (owner, now + ttl)
        return True

    async def unlock(self, owner: str) -> None:
        if self._lock is not None and self._lock[0] == owner:
            self._lock = None

    async def close(self) -> None:
        return None
