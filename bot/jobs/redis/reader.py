"""The read in progress on the delivery stream, kept across claims so no message is half-read.

``claim`` waits a little for the next message; a read that is still blocked then goes on in the
background and the next claim picks its message up. A failed read rebuilds the listener (and the
consumer group, if Redis lost it). :meth:`StreamReader.stop` ends the read and hands back a
message that was read but never handed out to *requeue*, which puts it back on the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable

from redis.exceptions import RedisError, ResponseError

from bot.jobs.redis.broker import DeliveryStreamBroker, StreamMessage
from bot.jobs.redis.scripts import finished

log = logging.getLogger(__name__)

ERROR_PAUSE_SECONDS = 0.2
CLOSE_GRACE = 2.0  # seconds stop() waits for a read beyond its own bound


class StreamReader:
    """One read at a time from *broker*'s ``listen()``."""

    def __init__(self, broker: DeliveryStreamBroker, *, block_seconds: float) -> None:
        self._broker = broker
        self._block_seconds = block_seconds
        self._listener: AsyncGenerator[StreamMessage, None] | None = None
        self._next: asyncio.Task[StreamMessage] | None = None

    def pending(self) -> asyncio.Task[StreamMessage]:
        """The read in progress (started if there is none)."""
        if self._next is None:
            if self._listener is None:
                self._listener = self._broker.listen()
            self._next = asyncio.create_task(_read_one(self._listener), name="redis-queue read")
        return self._next

    async def next_message(self, wait: float) -> StreamMessage | None:
        """The next message, or None when none came within *wait* seconds or the read failed."""
        pending = self.pending()
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

    async def _recover(self, exc: BaseException) -> None:
        self._listener = None  # the generator ended with the error; a new one reconnects
        if isinstance(exc, ResponseError) and "NOGROUP" in str(exc):
            with contextlib.suppress(RedisError, OSError):
                await self._broker.ensure_group()
        await asyncio.sleep(ERROR_PAUSE_SECONDS)

    async def stop(self, requeue: Callable[[StreamMessage], Awaitable[object]]) -> None:
        """End the read in progress and the listener; a message read but not handed out goes back
        (through *requeue*).

        The read is left to end by itself (``XREADGROUP`` blocks for ``block_seconds`` at most):
        cancelling a read in flight inside redis-py was seen to be lost (redis-py 8, Python 3.11),
        leaving the task reading on for ever, so cancelling is only the fallback, and bounded.
        """
        pending, self._next = self._next, None
        if pending is not None and not await finished(pending, self._block_seconds + CLOSE_GRACE):
            pending.cancel()
            await finished(pending, CLOSE_GRACE)
        if pending is not None and pending.done() and not pending.cancelled() and pending.exception() is None:
            with contextlib.suppress(RedisError, OSError):
                await requeue(pending.result())  # read but never handed out: back to the stream
        if self._listener is not None and (pending is None or pending.done()):
            with contextlib.suppress(RedisError, OSError, RuntimeError):
                await self._listener.aclose()
        self._listener = None


async def _read_one(listener: AsyncGenerator[StreamMessage, None]) -> StreamMessage:
    return await anext(listener)
