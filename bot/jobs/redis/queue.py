"""The Redis queue: :class:`RedisQueue`, the pull-style delivery queue over the stream broker.

See the package doc (``bot/jobs/redis/__init__.py``) for how each operation maps onto Redis; the
scripts it runs are in ``scripts.py``, the key names in ``keys.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.jobs.owner import is_gone
from bot.jobs.queue import DeadLetter, Delivery, QueueClosedError, Submitted
from bot.jobs.redis.broker import DeliveryStreamBroker, StreamMessage, decode, encode
from bot.jobs.redis.keys import DEAD_LETTERS_KEPT, Keys, RedisOptions
from bot.jobs.redis.reader import CLOSE_GRACE, StreamReader
from bot.jobs.redis.scripts import HEARTBEAT, LEASE, SETTLE, SUBMIT, Pipelined, finished

log = logging.getLogger(__name__)

_MAX_SKIPS = 64  # superseded, deferred or dead messages one claim may step over
_DEFER_MAX_SECONDS = 2.0  # a message for a busy coalesce key comes back at least this often

Mode = Literal["done", "retry", "defer", "release", "requeue", "dead"]


@dataclass(slots=True)
class _Held:
    """A delivery this process has leased and not yet settled."""

    entry_id: str
    data: bytes
    lease_until: float


class RedisQueue:
    """A :class:`~bot.jobs.queue.DeliveryQueue` (plus release, renew, reclaim_orphans, seen,
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
        self._submits = Pipelined(self._redis, SUBMIT)
        self._lease = self._redis.register_script(LEASE)
        self._settle = self._redis.register_script(SETTLE)
        self._heartbeat = self._redis.register_script(HEARTBEAT)
        self._held: dict[str, _Held] = {}
        self._reader = StreamReader(self.broker, block_seconds=self.options.block_seconds)
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
                self._pending()  # raises once the queue is closed
                message = await self._reader.next_message(self.options.claim_wait)
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
            await finished(self._beat, CLOSE_GRACE)
        await self._reader.stop(self._requeue)
        await self._submits.drain(CLOSE_GRACE)
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
            letters.append(DeadLetter(decode(message), str(message.labels.get("last_error", ""))))
        return letters

    # -- claiming -------------------------------------------------------------------------------

    async def _take(self, message: StreamMessage, worker: str, lease_seconds: float) -> Delivery | None:
        """Lease *message* to *worker*, or drop, defer or bury it; None when it is not handed out."""
        delivery = decode(self.broker.formatter.loads(message.data))
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

    def _pending(self) -> asyncio.Task[StreamMessage]:
        """The read in progress (kept across claims, so no message is ever half-read)."""
        if self._closed:
            raise QueueClosedError("the delivery queue is closed")
        return self._reader.pending()

    async def _requeue(self, message: StreamMessage) -> None:
        delivery = decode(self.broker.formatter.loads(message.data))
        await self._settle_entry(delivery, message.entry_id, "requeue", message.data)

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
        delivery = decode(self.broker.formatter.loads(held.data))
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
        return encode(self.broker.formatter, delivery, error=error, not_before=not_before)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
