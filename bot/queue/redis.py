"""Scale-out queue on Redis Streams through taskiq-redis (``DEVDOCS_QUEUE_URL=redis://host:6379/0``).

Web replicas and workers on any number of machines share one Redis. Every delivery is one taskiq
message (``TaskiqMessage`` named :data:`TASK_NAME`, serialised by the broker's formatter; the body
zlib-compressed and base64-encoded in its kwargs) in a Redis stream read through a consumer group
by :class:`DeliveryStreamBroker`, a :class:`taskiq_redis.RedisStreamBroker`.

How the pull-style :class:`~bot.queue.base.DeliveryQueue` maps onto the broker
    taskiq normally pushes messages into a ``Receiver`` that runs task functions and acks them.
    Here ``bot/worker.py`` owns the loop (claim → handler → complete/retry), so
    :class:`RedisQueue` reads ``broker.listen()`` itself, one message at a time:

    ============  ===============================================================================
    submit        one Lua script: ``SET seen:<id> NX EX 259200`` (dedup, 3 days; the body's
                  ``seen-body:<digest>`` too, when the delivery carries one) + ``XADD`` (the same
                  entry ``broker.kick`` writes) + record the newest delivery per coalesce key.
                  Atomic, so a delivery is never marked seen without being queued. A delivery
                  older than the newest one already recorded for its key is accepted but not
                  queued (``Submitted(True, "superseded")``).
    claim         the next message from ``listen()`` (``XREADGROUP`` one at a time, or an
                  abandoned one taken over with ``XAUTOCLAIM``), then a Lua "lease" script:
                  superseded? key busy? attempts left? → hand out, drop (acked in the same
                  script), defer or bury. The ``worker`` name is only logged: the consumer name
                  (one per :class:`RedisQueue`) is what the consumer group knows.
    complete      ``XACK`` (the broker's ack) + ``XDEL`` (acked entries would otherwise stay in
                  the stream for ever) + bookkeeping, in one script.
    retry         the message, re-encoded, goes into a ``delayed`` ZSET scored by ``not_before``
                  and the stream entry is acked, atomically; ``listen()`` moves due entries back
                  into the stream (atomically too) every ``block_seconds``.
    lease         Redis has no per-message lease: an entry in the consumer group's pending list
                  (PEL) may be taken over by another consumer once idle for ``idle_timeout``. A
                  heartbeat resets the idle time (``XCLAIM … JUSTID`` to ourselves) while the
                  lease lasts, so the effective lease is ``max(lease_seconds, idle_timeout)``
                  (to within a third of ``idle_timeout``), and a killed worker's delivery is
                  reclaimed ``idle_timeout`` after its last heartbeat. The worker's own
                  heartbeat (``renew``) extends the lease while its job runs.
    orphans       a consumer is named after its process's owner identity
                  (``bot/queue/owner.py``); ``reclaim_orphans`` (at worker start) finds this
                  host's consumers whose process is gone and makes their pending entries
                  claimable at once (``XCLAIM … IDLE``), so a restart does not wait out
                  ``idle_timeout``.
    ============  ===============================================================================

Why :class:`DeliveryStreamBroker` overrides ``listen()`` (taskiq-redis 1.2.4)
    * the stock loop only runs ``XAUTOCLAIM`` after ``XREADGROUP`` returned *new* messages, so on
      a quiet queue a crashed worker's delivery is never reclaimed;
    * it reads and reclaims in batches (100 by default) into one consumer, which then sits on
      messages other workers could run; we read one at a time;
    * it guards ``XAUTOCLAIM`` with a Redis lock whose expiry is off by default; ``XAUTOCLAIM`` is
      atomic and its ``min-idle-time`` already lets only one consumer take an entry, so we do
      without the lock.
    Connection pool, consumer-group creation, stream and group names stay the broker's.

Coalescing across replicas
    ``latest:<coalesce_key>`` holds the newest delivery (by ``received_at``, then id) seen for a PR.
    A claimed message older than that is acked and dropped (superseded); ``inflight:<key>`` holds
    the delivery under review, so a key is never leased twice at once (a message for a busy key is
    deferred through the delayed ZSET until the running review ends).

Durability
    A delivery is acknowledged to GitHub once the submit script returned, i.e. once Redis applied
    it. Run Redis with AOF: ``appendonly yes`` and ``appendfsync always`` (write and fsync before
    the reply: nothing acknowledged is lost, even on power loss; one fsync per event-loop turn,
    shared by every write in it) or ``everysec``. With ``everysec`` Redis normally write()s the AOF
    before replying, so the data is in the kernel and survives a killed Redis; but while its
    background fsync is still running it postpones that write (for up to 2 s) and replies anyway
    (``flushAppendOnlyFile`` in Redis 7), so a kill -9 of Redis, and a power cut or kernel crash,
    can lose up to about the last 2 s of acknowledged deliveries when the disk is slow (the last
    second or so otherwise). GitHub never redelivers on its own: use ``always`` when no
    acknowledged delivery may be lost. The tests run ``always`` and kill -9 Redis mid-run.

Failure handling: a Redis error in ``submit`` propagates (the web process must not answer 202).
A failed stream read in ``claim`` is logged, the listener is rebuilt (and the consumer group
re-created if Redis lost it) and ``None`` is returned; other errors in ``claim`` propagate (the
worker logs them and polls again). When settling a claim fails, the error propagates and the
delivery is reclaimed ``idle_timeout`` later (at-least-once).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import logging
import time
import uuid
import zlib
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from taskiq import AckableMessage
from taskiq.message import TaskiqMessage
from taskiq_redis import RedisStreamBroker

from bot.queue.base import DEDUP_SECONDS, DeadLetter, Delivery, QueueClosedError, Submitted
from bot.queue.owner import is_gone, owner_name

log = logging.getLogger(__name__)

TASK_NAME = "devdocs.review_delivery"
IDLE_TIMEOUT_SECONDS = 30.0
MAX_ATTEMPTS = 8
DEAD_LETTERS_KEPT = 1000
_MAX_SKIPS = 64  # superseded, deferred or dead messages one claim may step over
_DEFER_MAX_SECONDS = 2.0  # a message for a busy coalesce key comes back at least this often
_ERROR_PAUSE_SECONDS = 0.2
_ZLIB_LEVEL = 1  # webhook JSON shrinks ~7x: less to send, keep in memory and append to the AOF
_PIPELINE_MAX = 256  # submits per round trip
_CLOSE_GRACE = 2.0  # seconds close() waits for a read or a heartbeat beyond their own bound

Mode = Literal["done", "retry", "defer", "release", "requeue", "dead"]


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


# -- Lua: each runs atomically on the server ---------------------------------------------------------

# KEYS seen, stream, latest, seen-body · ARGV ttl, data, id, at, has_key, has_digest
# → 0 duplicate (id or body), 1 queued, 2 superseded
_SUBMIT = """
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
if ARGV[6] == '1' then redis.call('SET', KEYS[4], '1', 'EX', ARGV[1]) end
if ARGV[5] == '1' then
  local cur = redis.call('HMGET', KEYS[3], 'at', 'id')
  local at = tonumber(ARGV[4])
  if cur[1] and (tonumber(cur[1]) > at or (tonumber(cur[1]) == at and cur[2] > ARGV[3])) then
    return 2
  end
  redis.call('HSET', KEYS[3], 'at', ARGV[4], 'id', ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[1])
end
redis.call('XADD', KEYS[2], '*', 'data', ARGV[2])
return 1
"""

# KEYS stream, latest, inflight, attempts · ARGV group, entry, consumer, id, at, has_key,
# inflight_ms, max_attempts, ttl → {verdict, n}: ok (n = attempts), superseded (already acked and
# deleted: one round trip for the common case of a burst), busy (n = ms left on the running
# review), dead (n = attempts), lost (another consumer took the entry over)
_LEASE = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return {'lost', 0} end
if ARGV[6] == '1' then
  local cur = redis.call('HMGET', KEYS[2], 'at', 'id')
  local at = tonumber(ARGV[5])
  if cur[1] and (tonumber(cur[1]) > at or (tonumber(cur[1]) == at and cur[2] > ARGV[4])) then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
    redis.call('XDEL', KEYS[1], ARGV[2])
    redis.call('DEL', KEYS[4])
    return {'superseded', 0}
  end
  local holder = redis.call('GET', KEYS[3])
  if holder and holder ~= ARGV[4] then return {'busy', redis.call('PTTL', KEYS[3])} end
end
local n = redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[9])
if n > tonumber(ARGV[8]) then return {'dead', n - 1} end
if ARGV[6] == '1' then redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[7]) end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return {'ok', n}
"""

# KEYS stream, delayed, dead, attempts, inflight · ARGV group, entry, consumer, mode, id, data,
# score, dead_cap → 1 settled, 0 not ours any more (another consumer took the entry over)
_SETTLE = """
local mode = ARGV[4]
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
local ours = #p > 0 and p[1][2] == ARGV[3]
if not ours and mode ~= 'done' then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[5]) == ARGV[5] then redis.call('DEL', KEYS[5]) end
if mode == 'done' then
  redis.call('DEL', KEYS[4])
elseif mode == 'retry' or mode == 'defer' then
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[6])
elseif mode == 'release' or mode == 'requeue' then
  redis.call('XADD', KEYS[1], '*', 'data', ARGV[6])
  if mode == 'release' and tonumber(redis.call('GET', KEYS[4]) or '0') > 0 then
    redis.call('DECR', KEYS[4])
  end
elseif mode == 'dead' then
  redis.call('LPUSH', KEYS[3], ARGV[6])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[8]) - 1)
  redis.call('DEL', KEYS[4])
end
return 1
"""

# KEYS delayed, stream · ARGV now, limit → how many came back
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, data in ipairs(due) do
  redis.call('ZREM', KEYS[1], data)
  redis.call('XADD', KEYS[2], '*', 'data', data)
end
return #due
"""

# KEYS stream, inflight · ARGV group, entry, consumer, id, inflight_ms → 1 kept, 0 lost
_HEARTBEAT = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
return 1
"""


class StreamMessage(AckableMessage):
    """An :class:`AckableMessage` that also names its stream entry (needed to lease and settle)."""

    entry_id: str


class DeliveryStreamBroker(RedisStreamBroker):
    """taskiq-redis's stream broker with a one-at-a-time ``listen()`` that always reclaims."""

    def __init__(self, url: str, keys: Keys, options: RedisOptions, **connection_kwargs: Any) -> None:
        super().__init__(
            url,
            queue_name=keys.stream,
            consumer_group_name=keys.group,
            consumer_name=options.consumer or _default_consumer(),
            consumer_id="0",  # a new group starts at the beginning: nothing queued before it is skipped
            xread_block=max(1, int(options.block_seconds * 1000)),
            idle_timeout=max(1, int(options.idle_timeout * 1000)),
            xread_count=1,
            unacknowledged_batch_size=1,
            max_connection_pool_size=options.max_connections,
            **connection_kwargs,
        )
        self.keys = keys
        self.clock: Callable[[], float] = time.time
        self._promote = Redis(connection_pool=self.connection_pool).register_script(_PROMOTE)

    async def ensure_group(self) -> None:
        """Create the consumer group (and stream) unless they exist; Redis may have lost them."""
        await self._declare_consumer_group()

    async def listen(self) -> AsyncGenerator[StreamMessage, None]:
        """Read one message at a time; between reads, now and then, bring back due retries and
        take over abandoned messages (every ``block`` ms at most, and whenever a read came back
        empty), so a busy stream costs one round trip per message."""
        async with Redis(connection_pool=self.connection_pool) as conn:
            chores_due = 0.0
            while True:
                if time.monotonic() >= chores_due:
                    chores_due = time.monotonic() + self.block / 1000
                    await self._promote(keys=[self.keys.delayed, self.keys.stream], args=[self.clock(), 100])
                    for message in await self._reclaim(conn):
                        yield message
                messages = await self._read(conn)
                if not messages:
                    chores_due = 0.0
                for message in messages:
                    yield message

    async def _reclaim(self, conn: Redis) -> list[StreamMessage]:
        """Take over entries other consumers left idle for ``idle_timeout`` (they died)."""
        reply: Any = await conn.xautoclaim(
            self.queue_name,
            self.consumer_group_name,
            self.consumer_name,
            min_idle_time=self.idle_timeout,
            start_id="0-0",
            count=self.unacknowledged_batch_size,
        )
        return self._messages(reply[1])

    async def _read(self, conn: Redis) -> list[StreamMessage]:
        reply: Any = await conn.xreadgroup(
            self.consumer_group_name,
            self.consumer_name,
            {self.queue_name: ">"},
            count=self.count,
            block=self.block,
        )
        return [message for _stream, entries in reply or [] for message in self._messages(entries)]

    def _messages(self, entries: Sequence[Any]) -> list[StreamMessage]:
        messages = []
        for entry_id, fields in entries:
            if not fields:  # deleted while pending (Redis 6.2 reports these as nil)
                continue
            entry = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            messages.append(
                StreamMessage(data=fields[b"data"], ack=self._ack_generator(entry, self.queue_name), entry_id=entry)
            )
        return messages


@dataclass(slots=True)
class _Held:
    """A delivery this process has leased and not yet settled."""

    entry_id: str
    data: bytes
    lease_until: float


class RedisQueue:
    """A :class:`~bot.queue.base.DeliveryQueue` (plus release, renew, reclaim_orphans, seen,
    wait_for_work, dead) on Redis."""

    def __init__(
        self,
        url: str,
        options: RedisOptions | None = None,
        *,
        clock: Callable[[], float] = time.time,
        **connection_kwargs: Any,
    ) -> None:
        self.options = options or RedisOptions()
        self.keys = Keys(self.options.prefix)
        self.broker = DeliveryStreamBroker(url, self.keys, self.options, **connection_kwargs)
        self.broker.clock = clock
        self._clock = clock
        self._redis = Redis(connection_pool=self.broker.connection_pool)
        self._submits = _Pipelined(self._redis, _SUBMIT)
        self._lease = self._redis.register_script(_LEASE)
        self._settle = self._redis.register_script(_SETTLE)
        self._heartbeat = self._redis.register_script(_HEARTBEAT)
        self._held: dict[str, _Held] = {}
        self._listener: AsyncGenerator[StreamMessage, None] | None = None
        self._next: asyncio.Task[StreamMessage] | None = None
        self._beat: asyncio.Task[None] | None = None
        self._claiming = asyncio.Lock()
        self._started = False
        self._closed = False

    @property
    def consumer(self) -> str:
        return self.broker.consumer_name

    # -- the DeliveryQueue contract ------------------------------------------------------------

    async def submit(self, delivery: Delivery) -> Submitted:
        await self._start()
        key = delivery.coalesce_key
        verdict = await self._submits.run(
            keys=[
                self.keys.seen(delivery.id),
                self.keys.stream,
                self.keys.latest(key),
                self.keys.seen_body(delivery.digest),
            ],
            args=[
                self.options.dedup_seconds,
                self._encode(delivery),
                delivery.id,
                repr(delivery.received_at),
                "1" if key is not None else "0",
                "1" if delivery.digest is not None else "0",
            ],
        )
        return {0: Submitted(False, "duplicate"), 2: Submitted(True, "superseded")}.get(
            int(verdict), Submitted(True, "queued")
        )

    async def claim(self, worker: str, *, lease_seconds: float) -> Delivery | None:
        await self._start()
        async with self._claiming:
            for _ in range(_MAX_SKIPS):
                message = await self._next_message(self.options.claim_wait)
                if message is None:
                    return None
                delivery = await self._take(message, worker, lease_seconds)
                if delivery is not None:
                    return delivery
        return None

    async def complete(self, delivery: Delivery) -> None:
        held = self._held.pop(delivery.id, None)
        if held is None:
            log.warning("complete(%s): not claimed through this queue; nothing to acknowledge", delivery.id)
            return
        await self._settle_entry(delivery, held.entry_id, "done", b"")

    async def retry(self, delivery: Delivery, *, error: str, delay_seconds: float) -> None:
        held = self._held.pop(delivery.id, None)
        if held is None:
            log.warning("retry(%s): not claimed through this queue; leaving it alone", delivery.id)
            return
        if delivery.attempts >= self.options.max_attempts:
            await self._settle_entry(delivery, held.entry_id, "dead", self._encode(delivery, error=error))
            return
        not_before = self._clock() + max(0.0, delay_seconds)
        data = self._encode(delivery, error=error, not_before=not_before)
        await self._settle_entry(delivery, held.entry_id, "retry", data, score=not_before)

    async def depth(self) -> int:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xlen(self.keys.stream)
            pipe.zcard(self.keys.delayed)
            waiting, delayed = await pipe.execute()
        return int(waiting) + int(delayed)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._beat is not None:
            self._beat.cancel()
            await _finished(self._beat, _CLOSE_GRACE)
        await self._stop_listener()
        await self._submits.drain(_CLOSE_GRACE)
        await self.broker.shutdown()

    # -- optional capabilities ------------------------------------------------------------------

    async def release(self, delivery: Delivery) -> None:
        """Put a claimed delivery back in the stream at once, without using up an attempt."""
        held = self._held.pop(delivery.id, None)
        if held is not None:
            await self._settle_entry(delivery, held.entry_id, "release", held.data)

    async def renew(self, delivery: Delivery, *, lease_seconds: float) -> bool:
        """Extend a held lease to *lease_seconds* from now and reset its idle time at once."""
        held = self._held.get(delivery.id)
        if held is None:
            return False
        held.lease_until = self._clock() + lease_seconds
        return await self._beat_once(delivery.id, held)

    async def reclaim_orphans(self) -> int:
        """Hand back at once the entries pending for consumers of this host that no longer run.

        They move to this consumer with their idle time set past ``idle_timeout`` (``XCLAIM …
        IDLE``), so the next reclaim (``XAUTOCLAIM``) of any consumer hands them out; the dead
        consumer is then deleted.
        """
        await self._start()
        reclaimed = 0
        for consumer in await self._redis.xinfo_consumers(self.keys.stream, self.keys.group):
            name = _text(consumer.get("name"))
            if not int(consumer.get("pending") or 0) or not is_gone(name.split("~", 1)[0]):
                continue
            entries = await self._redis.xpending_range(self.keys.stream, self.keys.group, min="-", max="+",
                                                       count=1000, consumername=name)
            ids: list[Any] = [entry["message_id"] for entry in entries]
            if ids:  # to this consumer, idle already: the next XAUTOCLAIM hands them out
                await self._redis.xclaim(self.keys.stream, self.keys.group, self.consumer, 0, ids,
                                         idle=int(self.options.idle_timeout * 1000) + 1, justid=True)
            log.warning("consumer %s no longer runs; %d delivery(ies) it held can be claimed now", name, len(ids))
            reclaimed += len(ids)
            if len(ids) < 1000:
                await self._redis.xgroup_delconsumer(self.keys.stream, self.keys.group, name)
        return reclaimed

    async def seen(self, delivery_id: str) -> bool:
        """True when *delivery_id* was accepted within the dedup window (its ``seen`` key lives)."""
        return bool(await self._redis.exists(self.keys.seen(delivery_id)))

    async def wait_for_work(self, timeout: float) -> None:
        """Return as soon as a message arrives for this consumer, or after *timeout* seconds."""
        await self._start()
        await asyncio.wait({self._pending()}, timeout=timeout)

    async def dead(self, limit: int = 100) -> list[DeadLetter]:
        """The deliveries given up on, newest first (the last :data:`DEAD_LETTERS_KEPT`)."""
        raw = await self._redis.lrange(self.keys.dead, 0, limit - 1)
        letters = []
        for data in raw:
            message = self.broker.formatter.loads(data.encode() if isinstance(data, str) else data)
            letters.append(DeadLetter(_delivery(message), str(message.labels.get("last_error", ""))))
        return letters

    # -- claiming -------------------------------------------------------------------------------

    async def _take(self, message: StreamMessage, worker: str, lease_seconds: float) -> Delivery | None:
        """Lease *message* to *worker*, or drop, defer or bury it; None when it is not handed out."""
        delivery = _delivery(self.broker.formatter.loads(message.data))
        key = delivery.coalesce_key
        inflight_ms = max(1, int(self.options.idle_timeout * 1000))
        verdict, number = await self._lease(
            keys=[
                self.keys.stream,
                self.keys.latest(key),
                self.keys.inflight(key),
                self.keys.attempts(delivery.id),
            ],
            args=[
                self.keys.group,
                message.entry_id,
                self.consumer,
                delivery.id,
                repr(delivery.received_at),
                "1" if key is not None else "0",
                inflight_ms,
                self.options.max_attempts,
                self.options.dedup_seconds,
            ],
        )
        verdict = verdict.decode() if isinstance(verdict, bytes) else str(verdict)
        if verdict == "ok":
            return self._hold(dataclasses.replace(delivery, attempts=int(number)), message, lease_seconds, worker)
        if verdict == "superseded":
            log.info("delivery %s superseded by a newer one for %s; dropped", delivery.id, key)
        elif verdict == "busy":
            later = self._clock() + min(max(int(number), 50) / 1000, _DEFER_MAX_SECONDS)
            await self._settle_entry(delivery, message.entry_id, "defer", message.data, score=later)
        elif verdict == "dead":
            error = f"abandoned on attempt {int(number)} of {self.options.max_attempts} (lease ran out)"
            log.warning("giving up on delivery %s: %s", delivery.id, error)
            await self._settle_entry(delivery, message.entry_id, "dead", self._encode(delivery, error=error))
        return None

    def _hold(self, delivery: Delivery, message: StreamMessage, lease_seconds: float, worker: str) -> Delivery:
        self._held[delivery.id] = _Held(message.entry_id, message.data, self._clock() + lease_seconds)
        if self._beat is None or self._beat.done():
            self._beat = asyncio.create_task(self._keep_leases(), name="redis-queue heartbeat")
        log.debug("delivery %s leased to %s (attempt %d)", delivery.id, worker, delivery.attempts)
        return delivery

    async def _next_message(self, wait: float) -> StreamMessage | None:
        pending = self._pending()
        done, _ = await asyncio.wait({pending}, timeout=wait)
        if not done:
            return None  # the read goes on in the background; the next claim picks it up
        self._next = None
        try:
            return pending.result()
        except (RedisError, OSError) as exc:
            log.warning("reading the delivery stream failed (%s); reconnecting", exc)
            await self._recover(exc)
            return None

    def _pending(self) -> asyncio.Task[StreamMessage]:
        """The read in progress (kept across claims, so no message is ever half-read)."""
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")
        if self._next is None:
            if self._listener is None:
                self._listener = self.broker.listen()
            self._next = asyncio.create_task(_read_one(self._listener), name="redis-queue read")
        return self._next

    async def _recover(self, exc: BaseException) -> None:
        self._listener = None  # the generator ended with the error; a new one reconnects
        if isinstance(exc, ResponseError) and "NOGROUP" in str(exc):
            with contextlib.suppress(RedisError, OSError):
                await self.broker.ensure_group()
        await asyncio.sleep(_ERROR_PAUSE_SECONDS)

    async def _stop_listener(self) -> None:
        """End the read in progress and the listener; a message read but not handed out goes back.

        The read is left to end by itself (``XREADGROUP`` blocks for ``block_seconds`` at most):
        cancelling a read in flight inside redis-py was seen to be lost (redis-py 8, Python 3.11),
        leaving the task reading on for ever, so cancelling is only the fallback, and bounded.
        """
        pending, self._next = self._next, None
        if pending is not None and not await _finished(pending, self.options.block_seconds + _CLOSE_GRACE):
            pending.cancel()
            await _finished(pending, _CLOSE_GRACE)
        if pending is not None and pending.done() and not pending.cancelled() and pending.exception() is None:
            message = pending.result()  # read but never handed out: back to the stream
            with contextlib.suppress(RedisError, OSError):
                delivery = _delivery(self.broker.formatter.loads(message.data))
                await self._settle_entry(delivery, message.entry_id, "requeue", message.data)
        if self._listener is not None and (pending is None or pending.done()):
            with contextlib.suppress(RedisError, OSError, RuntimeError):
                await self._listener.aclose()
        self._listener = None

    # -- leases -----------------------------------------------------------------------------

    async def _keep_leases(self) -> None:
        """Reset the PEL idle time of held entries while their lease lasts (see module doc)."""
        period = max(0.05, self.options.idle_timeout / 3)
        while self._held:
            await asyncio.sleep(period)
            now = self._clock()
            for delivery_id, held in list(self._held.items()):
                if now + self.options.idle_timeout <= held.lease_until:
                    await self._beat_once(delivery_id, held)

    async def _beat_once(self, delivery_id: str, held: _Held) -> bool:
        delivery = _delivery(self.broker.formatter.loads(held.data))
        try:
            kept = await self._heartbeat(
                keys=[self.keys.stream, self.keys.inflight(delivery.coalesce_key)],
                args=[
                    self.keys.group,
                    held.entry_id,
                    self.consumer,
                    delivery_id,
                    max(1, int(self.options.idle_timeout * 1000)),
                ],
            )
        except (RedisError, OSError) as exc:
            log.warning("lease heartbeat for %s failed: %s", delivery_id, exc)
            return True  # not known to be lost; the next heartbeat tries again
        if not int(kept):
            log.warning("delivery %s was taken over by another consumer", delivery_id)
        return bool(int(kept))

    async def _settle_entry(
        self, delivery: Delivery, entry_id: str, mode: Mode, data: bytes, *, score: float = 0.0
    ) -> bool:
        settled = await self._settle(
            keys=[
                self.keys.stream,
                self.keys.delayed,
                self.keys.dead,
                self.keys.attempts(delivery.id),
                self.keys.inflight(delivery.coalesce_key),
            ],
            args=[
                self.keys.group,
                entry_id,
                self.consumer,
                mode,
                delivery.id,
                data,
                repr(score),
                DEAD_LETTERS_KEPT,
            ],
        )
        if not int(settled):
            log.warning("delivery %s (%s) was taken over by another consumer; left to it", delivery.id, mode)
        return bool(int(settled))

    # -- plumbing -------------------------------------------------------------------------------

    async def _start(self) -> None:
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")
        if not self._started:
            await self.broker.startup()  # creates the stream and the consumer group
            self._started = True

    def _encode(self, delivery: Delivery, *, error: str = "", not_before: float = 0.0) -> bytes:
        message = TaskiqMessage(
            task_id=uuid.uuid4().hex,
            task_name=TASK_NAME,
            labels={"delivery_id": delivery.id, "last_error": error, "not_before": not_before},
            args=[],
            kwargs={
                "id": delivery.id,
                "event": delivery.event,
                "body_zlib": base64.b64encode(zlib.compress(delivery.body, _ZLIB_LEVEL)).decode("ascii"),
                "received_at": delivery.received_at,
                "coalesce_key": delivery.coalesce_key,
            },
        )
        return self.broker.formatter.dumps(message).message


class _Pipelined:
    """Runs one Lua script for many concurrent callers, in pipelines on one pooled connection.

    The first call sends its ``EVAL`` at once; calls that arrive while a round trip is in flight
    go together in the next one (up to :data:`_PIPELINE_MAX`), like a group commit. Under load
    this costs one write, one read and one pooled connection per round trip instead of per call,
    and the number of connections no longer grows with the number of requests waiting (which,
    with a connection each, slowed every request further the more of them were waiting).
    Each caller gets its own result or error; a failed round trip fails its calls (the web
    process then answers 503). ``EVAL`` rather than ``EVALSHA``: Redis caches the compiled
    script by its SHA1 either way, and a restarted Redis needs no reload.
    """

    def __init__(self, redis: Redis, script: str) -> None:
        self._redis = redis
        self._script = script
        self._waiting: list[tuple[Sequence[Any], asyncio.Future[Any]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def run(self, *, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append(([self._script, len(keys), *keys, *args], future))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send(), name="redis-queue submits")
        return await future

    async def drain(self, timeout: float) -> None:
        if self._sender is not None and not await _finished(self._sender, timeout):
            self._sender.cancel()
            await _finished(self._sender, timeout)

    async def _send(self) -> None:
        batch: list[tuple[Sequence[Any], asyncio.Future[Any]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:_PIPELINE_MAX], self._waiting[_PIPELINE_MAX:]
                try:
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for command, _ in batch:
                            pipe.execute_command("EVAL", *command)
                        replies = await pipe.execute(raise_on_error=False)
                except Exception as exc:
                    replies = [exc] * len(batch)
                for (_, future), reply in zip(batch, replies, strict=True):
                    if future.done():  # its caller gave up waiting
                        continue
                    if isinstance(reply, Exception):
                        future.set_exception(reply)
                    else:
                        future.set_result(reply)
        except asyncio.CancelledError:  # close() gave up on Redis: nobody is left waiting
            closed = QueueClosedError("the delivery queue was closed before Redis answered")
            for _, future in [*batch, *self._waiting]:
                if not future.done():
                    future.set_exception(closed)
            self._waiting = []
            raise


async def _finished(task: asyncio.Task[Any], timeout: float) -> bool:
    """Wait up to *timeout* seconds for *task*; never raises, never waits longer."""
    done, _ = await asyncio.wait({task}, timeout=timeout)
    return bool(done)


async def _read_one(listener: AsyncGenerator[StreamMessage, None]) -> StreamMessage:
    return await anext(listener)


def _delivery(message: TaskiqMessage) -> Delivery:
    fields = message.kwargs
    return Delivery(
        id=str(fields["id"]),
        event=str(fields["event"]),
        body=zlib.decompress(base64.b64decode(fields["body_zlib"])),
        received_at=float(fields["received_at"]),
        coalesce_key=fields.get("coalesce_key"),
    )


def _default_consumer() -> str:
    """The process's owner identity (``bot/queue/owner.py``), so a restarted process on this host
    can tell that a consumer's process is gone, plus a random part: one per queue object."""
    return f"{owner_name()}~{uuid.uuid4().hex[:6]}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
