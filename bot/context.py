"""What every job shares: settings, the GitHub port factory, the clock and the process caches.

The caches only ever hold values that cannot go stale under their key (a blob by its SHA, a tree
by its commit SHA, a config by the base SHA it was read at), so replicas need not coordinate;
everything is bounded (LRU by entries or by weight) so memory stays flat.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.github.client import GitHubMetrics
from bot.github.connect import github_for_app, github_for_installation
from bot.github.port import AppPortFactory, PortFactory
from bot.github.values import AppInfo
from bot.jobs.engine_pool import EngineRunner

if TYPE_CHECKING:
    from bot.settings import Settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


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


class ReviewMetrics(GitHubMetrics, Protocol):
    def review_completed(self, conclusion: str) -> None: ...


@dataclass(frozen=True, slots=True)
class TrackedCheck:
    """A check run the App created and has not completed yet (see ``bot/recovery.py``)."""

    owner: str
    repo: str
    installation_id: int
    head_sha: str
    pr_number: int
    check_run_id: int
    created_at: float  # epoch seconds

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"


class CheckRegistry(Protocol):
    """Where the App notes the check runs it has open (``bot/recovery_store.py``)."""

    async def check_started(self, check: TrackedCheck) -> None: ...

    async def check_completed(self, full_name: str, check_run_id: int) -> None: ...


@dataclass
class AppContext:
    settings: Settings
    github_for_installation: PortFactory
    clock: Clock = utc_now
    cache: ReviewCache = field(default_factory=ReviewCache)
    limiter: CommandLimiter = field(default_factory=CommandLimiter)
    metrics: ReviewMetrics | None = None
    github_for_app: AppPortFactory | None = None  # the App's JWT (webhook deliveries); recovery
    check_registry: CheckRegistry | None = None  # open check runs, for recovery; set by the worker
    engine: EngineRunner | None = None  # the review process pool; set by the worker (else a thread)

    def review_completed(self, conclusion: str) -> None:
        if self.metrics is not None:
            self.metrics.review_completed(conclusion)

    async def check_started(self, check: TrackedCheck) -> None:
        """Note an open check run; best effort (a registry failure never fails a review)."""
        if self.check_registry is None:
            return
        try:
            await self.check_registry.check_started(check)
        except Exception:
            log.warning("could not note check run %s as open", check.check_run_id, exc_info=True)

    async def check_completed(self, full_name: str, check_run_id: int) -> None:
        """Forget a completed check run; best effort."""
        if self.check_registry is None:
            return
        try:
            await self.check_registry.check_completed(full_name, check_run_id)
        except Exception:
            log.warning("could not note check run %s as completed", check_run_id, exc_info=True)


def build_context(settings: Settings, *, metrics: ReviewMetrics | None = None,
                  github: PortFactory | None = None, clock: Clock = utc_now,
                  github_app: AppPortFactory | None = None) -> AppContext:
    """The production context: the githubkit adapter unless *github* (a test fake) is given.

    *github_app* (the App's JWT port, for recovery) defaults to the adapter too; no request is
    made until recovery uses it."""
    factory = github or github_for_installation(settings, metrics=metrics)
    app_factory = github_app or github_for_app(settings, metrics=metrics)
    return AppContext(settings, factory, clock, ReviewCache(clock), CommandLimiter(), metrics, app_factory)
