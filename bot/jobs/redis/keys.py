"""The Redis queue's options and the names of every key it uses."""

from __future__ import annotations

from dataclasses import dataclass

from bot.jobs.queue import DEDUP_SECONDS

IDLE_TIMEOUT_SECONDS = 30.0
MAX_ATTEMPTS = 8
DEAD_LETTERS_KEPT = 1000


@dataclass(frozen=True, slots=True)
class RedisOptions:
    prefix: str = "devdocs"  # every key starts with it; one Redis can host several apps
    idle_timeout: float = IDLE_TIMEOUT_SECONDS  # PEL idle time after which a message is reclaimed
    max_attempts: int = MAX_ATTEMPTS
    dedup_seconds: int = DEDUP_SECONDS
    block_seconds: float = 0.5  # XREADGROUP block; also how late a delayed retry may come back
    claim_wait: float = 0.05  # how long claim() waits for a message before returning None
    consumer: str | None = None  # consumer name in the group; default host-pid-random
    # Connections per process. Past it, commands wait for a free one (the pool blocks) instead of
    # opening more: a burst that opened a connection per request spent its time in handshakes.
    max_connections: int = 16


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str

    @property
    def stream(self) -> str:
        return f"{self.prefix}:deliveries"

    @property
    def group(self) -> str:
        return f"{self.prefix}-workers"

    @property
    def delayed(self) -> str:
        return f"{self.prefix}:delayed"

    @property
    def dead(self) -> str:
        return f"{self.prefix}:dead"

    def seen(self, delivery_id: str) -> str:
        return f"{self.prefix}:seen:{delivery_id}"

    def seen_body(self, digest: str | None) -> str:
        return f"{self.prefix}:seen-body:{digest or ''}"

    def attempts(self, delivery_id: str) -> str:
        return f"{self.prefix}:attempts:{delivery_id}"

    def latest(self, coalesce_key: str | None) -> str:
        return f"{self.prefix}:latest:{coalesce_key or ''}"

    def inflight(self, coalesce_key: str | None) -> str:
        return f"{self.prefix}:inflight:{coalesce_key or ''}"
