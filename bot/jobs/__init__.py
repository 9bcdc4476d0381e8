"""Jobs: the durable delivery queue, the worker that runs its jobs, and the engine's process pool.

``queue`` (the :class:`~bot.jobs.queue.DeliveryQueue` port and the delivery value), one backend
per module or package (``memory``, ``sqlite/``, ``redis/``; ``factory.open_queue(url)`` picks
one), ``owner`` (who holds a claim, and whether that process still runs), ``worker`` (claim →
handler → complete or retry) and ``engine_pool`` (the pure engine off the event loop, within a
time budget). Below the review: nothing here knows what a job does.
"""
