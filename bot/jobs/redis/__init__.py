"""Scale-out queue on Redis Streams through taskiq-redis (``DEVDOCS_QUEUE_URL=redis://host:6379/0``).

Web replicas and workers on any number of machines share one Redis. Every delivery is one taskiq
message (``TaskiqMessage`` named :data:`TASK_NAME`, serialised by the broker's formatter; the body
zlib-compressed and base64-encoded in its kwargs) in a Redis stream read through a consumer group
by :class:`~bot.jobs.redis.broker.DeliveryStreamBroker`, a :class:`taskiq_redis.RedisStreamBroker`.

How the pull-style :class:`~bot.jobs.queue.DeliveryQueue` maps onto the broker
    taskiq normally pushes messages into a ``Receiver`` that runs task functions and acks them.
    Here ``bot/jobs/worker.py`` owns the loop (claim → handler → complete/retry), so
    :class:`~bot.jobs.redis.queue.RedisQueue` reads ``broker.listen()`` itself, one message at a time:

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
                  (``bot/jobs/owner.py``); ``reclaim_orphans`` (at worker start) finds this
                  host's consumers whose process is gone and makes their pending entries
                  claimable at once (``XCLAIM … IDLE``), so a restart does not wait out
                  ``idle_timeout``.
    ============  ===============================================================================

The broker (``broker.py``) reads one message at a time and always reclaims; ``reader.py`` keeps the
read in progress across claims; ``scripts.py`` holds the Lua; ``keys.py`` the key names.

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

