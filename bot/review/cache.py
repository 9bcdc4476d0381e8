"""The process caches that save GitHub requests (see ``bench/github_requests.py``).

They only ever hold values that cannot go stale under their key (a blob by its SHA, a tree by its
commit SHA, a config by the base SHA it was read at), so replicas need not coordinate; everything
is bounded (LRU by entries or by weight) so memory stays flat.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from bot.github.values import AppInfo

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class LRU(Generic[K, V]):
    """A bounded least-recently-used map; entries may expire (``ttl``, read against *clock*)."""

    def __init__(self, max_entries: int, *, max_weight: int | None = None,
                 weigh: Callable[[V], int] | None = None, clock: Clock = utc_now) -> None:
        self._data: OrderedDict[K, tuple[V, int, datetime | None]] = OrderedDict()
        self._max_entries = max_entries
        self._max_weight = max_weight
        self._weigh = weigh or (lambda _value: 1)
        self._weight = 0
        self._clock = clock
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        entry = self._data.get(key)
        if entry is None or (entry[2] is not None and entry[2] <= self._clock()):
            if entry is not None:
                self.pop(key)
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, key: K, value: V, *, ttl: timedelta | None = None) -> None:
        self.pop(key)
        weight = self._weigh(value)
        if self._max_weight is not None and weight > self._max_weight:
            return  # larger than the whole cache: not worth evicting everything for
        expires = self._clock() + ttl if ttl is not None else None
        self._data[key] = (value, weight, expires)
        self._weight += weight
        while len(self._data) > self._max_entries or (
                self._max_weight is not None and self._weight > self._max_weight):
            _key, (_value, dropped, _expires) = self._data.popitem(last=False)
            self._weight -= dropped

    def pop(self, key: K) -> V | None:
        entry = self._data.pop(key, None)
        if entry is None:
            return None
        self._weight -= entry[1]
        return entry[0]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @property
    def weight(self) -> int:
        return self._weight


def _weight_bytes(value: bytes) -> int:
    return len(value)


def _weight_paths(value: Any) -> int:
    return max(1, len(getattr(value, "paths", ())))


@dataclass
class ReviewCache:
    """Process caches that save GitHub requests (see ``bench/github_requests.py``)."""

    clock: Clock = utc_now
    blobs: LRU[tuple[str, str], bytes] = field(init=False)  # (repo, blob SHA)
    trees: LRU[Hashable, Any] = field(init=False)  # (repo, commit SHA, roots) -> RepoFiles
    pr_files: LRU[tuple[str, int, str, str], Any] = field(init=False)  # (repo, PR, head, base)
    configs: LRU[tuple[str, str], Any] = field(init=False)  # (repo, base SHA) -> ConfigOutcome
    base_reviews: LRU[Hashable, Any] = field(init=False)
    sticky_ids: LRU[tuple[str, int], int] = field(init=False)  # (repo, PR) -> comment id
    app: AppInfo | None = None
    _locks: dict[tuple[str, int], asyncio.Lock] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.blobs = LRU(50_000, max_weight=64 * 1024 * 1024, weigh=_weight_bytes, clock=self.clock)
        self.trees = LRU(256, max_weight=2_000_000, weigh=_weight_paths, clock=self.clock)
        self.pr_files = LRU(1024, clock=self.clock)
        self.configs = LRU(1024, clock=self.clock)
        self.base_reviews = LRU(256, clock=self.clock)
        self.sticky_ids = LRU(10_000, clock=self.clock)

    def pr_lock(self, key: tuple[str, int]) -> asyncio.Lock:
        """Serialises the jobs of one PR inside this process (no duplicate sticky comments)."""
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > 4096:
                for stale in [k for k, v in self._locks.items() if not v.locked()]:
                    del self._locks[stale]
            lock = self._locks[key] = asyncio.Lock()
        return lock
