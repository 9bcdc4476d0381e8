"""The Lua scripts the Redis queue runs (each atomically on the server), and :class:`Pipelined`,
which sends one script for many concurrent callers in few round trips."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from bot.jobs.queue import QueueClosedError

PIPELINE_MAX = 256  # submits per round trip

# -- Lua: each runs atomically on the server ---------------------------------------------------------

# KEYS seen, stream, latest, seen-body · ARGV ttl, data, id, at, has_key, has_digest
# → 0 duplicate (id or body), 1 queued, 2 superseded
SUBMIT = """
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
LEASE = """
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
SETTLE = """
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
PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, data in ipairs(due) do
  redis.call('ZREM', KEYS[1], data)
  redis.call('XADD', KEYS[2], '*', 'data', data)
end
return #due
"""

# KEYS stream, inflight · ARGV group, entry, consumer, id, inflight_ms → 1 kept, 0 lost
HEARTBEAT = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
return 1
"""


class Pipelined:
    """Runs one Lua script for many concurrent callers, in pipelines on one pooled connection.

    The first call sends its ``EVAL`` at once; calls that arrive while a round trip is in flight
    go together in the next one (up to :data:`PIPELINE_MAX`), like a group commit. Under load
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
        if self._sender is not None and not await finished(self._sender, timeout):
            self._sender.cancel()
            await finished(self._sender, timeout)

    async def _send(self) -> None:
        batch: list[tuple[Sequence[Any], asyncio.Future[Any]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:PIPELINE_MAX], self._waiting[PIPELINE_MAX:]
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


async def finished(task: asyncio.Task[Any], timeout: float) -> bool:
    """Wait up to *timeout* seconds for *task*; never raises, never waits longer."""
    done, _ = await asyncio.wait({task}, timeout=timeout)
    return bool(done)
