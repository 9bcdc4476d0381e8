"""Recovery's durable state, kept next to the delivery queue: the App's open check runs and the lock
that lets one worker at a time run recovery.

====================  ============================================  ================================
queue                 open check runs                               recovery lock
====================  ============================================  ================================
``memory://``         a dict (this process only)                    a lease in memory
``sqlite:///q.db``    table ``recovery_checks`` in the same file    row ``recovery`` of table
                                                                    ``recovery_leases`` (a lease)
``redis://``          hash ``<prefix>:recovery:checks`` + ZSET      ``SET <prefix>:recovery:lock
                      ``<prefix>:recovery:checks:by_age``           <owner> NX PX <ttl>``
====================  ============================================  ================================

A review notes its check run when it creates it (``check_started``) and forgets it when it
completes it (``check_completed``), through :class:`~bot.review.context.CheckRegistry` on the
AppContext. Whatever is still noted long after it was created belongs to a review that was lost
(crash, deploy, GitHub down while completing it); ``stuck_checks.py`` looks those up.

The lock is a lease: it runs out after ``ttl`` seconds, so a recovery whose process died never
blocks the others for longer than that; ``unlock`` only releases a lease its owner still holds.

Modules: ``base`` (the :class:`~bot.recovery.store.base.RecoveryStore` protocol), one backend per
module (``memory``, ``sqlite``, ``redis``) and ``factory`` (``recovery_store_for(queue)``).
"""
