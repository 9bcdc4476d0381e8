"""The taskiq stream broker the Redis queue reads through, and a delivery's message on the stream.

Why :class:`DeliveryStreamBroker` overrides ``listen()`` (taskiq-redis 1.2.4)
    * the stock loop only runs ``XAUTOCLAIM`` after ``XREADGROUP`` returned *new* messages, so on
      a quiet queue a crashed worker's delivery is never reclaimed;
    * it reads and reclaims in batches (100 by default) into one consumer, which then sits on
      messages other workers could run; we read one at a time;
    * it guards ``XAUTOCLAIM`` with a Redis lock whose expiry is off by default; ``XAUTOCLAIM`` is
      atomic and its ``min-idle-time`` already lets only one consumer take an entry, so we do
      without the lock.
    Connection pool, consumer-group creation, stream and group names stay the broker's.
"""

from __future__ import annotations

import base64
import time
import uuid
import zlib
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from redis.asyncio import Redis
from taskiq import AckableMessage
from taskiq.abc.formatter import TaskiqFormatter
from taskiq.message import TaskiqMessage
from taskiq_redis import RedisStreamBroker

from bot.jobs.owner import owner_name
from bot.jobs.queue import Delivery
from bot.jobs.redis.keys import Keys, RedisOptions
from bot.jobs.redis.scripts import PROMOTE

TASK_NAME = "devdocs.review_delivery"
_ZLIB_LEVEL = 1  # webhook JSON shrinks ~7x: less to send, keep in memory and append to the AOF


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
        self._promote = Redis(connection_pool=self.connection_pool).register_script(PROMOTE)

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


def encode(formatter: TaskiqFormatter, delivery: Delivery, *, error: str = "", not_before: float = 0.0) -> bytes:
    """*delivery* as the taskiq message the stream holds (the body zlib-compressed, base64-encoded)."""
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
    return formatter.dumps(message).message


def decode(message: TaskiqMessage) -> Delivery:
    """The delivery a stream message carries (its attempts are counted apart, in Redis)."""
    fields = message.kwargs
    return Delivery(
        id=str(fields["id"]),
        event=str(fields["event"]),
        body=zlib.decompress(base64.b64decode(fields["body_zlib"])),
        received_at=float(fields["received_at"]),
        coalesce_key=fields.get("coalesce_key"),
    )


def _default_consumer() -> str:
    """The process's owner identity (``bot/jobs/owner.py``), so a restarted process on this host
    can tell that a consumer's process is gone, plus a random part: one per queue object."""
    return f"{owner_name()}~{uuid.uuid4().hex[:6]}"
