"""A few ``/review`` commands per PR per minute: a token bucket per PR, in this process."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from bot.review.cache import LRU


@dataclass
class TokenBucket:
    """*capacity* tokens, refilled continuously at ``capacity / per_seconds`` per second."""

    capacity: float
    per_seconds: float
    tokens: float
    updated: datetime
    refusals: int = 0  # consecutive refusals: only the first is answered

    def take(self, now: datetime) -> bool:
        elapsed = max(0.0, (now - self.updated).total_seconds())
        self.tokens = min(self.capacity, self.tokens + elapsed * self.capacity / self.per_seconds)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refusals = 0
            return True
        self.refusals += 1
        return False

    def seconds_until_next(self) -> int:
        return max(1, math.ceil((1 - self.tokens) * self.per_seconds / self.capacity))


@dataclass
class CommandLimiter:
    """A few commands per PR per minute. In memory, per process: each replica limits on its own
    (good enough against a runaway loop or a spammer; not a global quota)."""

    capacity: int = 5
    per_seconds: float = 60.0
    buckets: LRU[tuple[str, int], TokenBucket] = field(default_factory=lambda: LRU(10_000))

    def bucket(self, key: tuple[str, int], now: datetime) -> TokenBucket:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self.capacity, self.per_seconds, float(self.capacity), now)
            self.buckets.put(key, bucket)
        return bucket
