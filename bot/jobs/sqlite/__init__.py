"""The embedded durable queue in one SQLite file (``DEVDOCS_QUEUE_URL=sqlite:///queue.db``).

``queue`` (:class:`~bot.jobs.sqlite.queue.SqliteQueue`, and how it stays durable), ``operations``
(each queue operation as SQL inside a transaction), ``store`` (the thread that owns the
connection and group-commits) and ``schema`` (the tables and the claim queries).
"""
