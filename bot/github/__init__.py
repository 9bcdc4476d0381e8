"""GitHub: the port the review reaches GitHub through, and the one adapter that speaks HTTP.

``values`` (what the port passes: repositories, pull requests, check runs, comments, deliveries),
``errors``, ``budget`` (a cap on the requests of one task), ``port`` (the protocols), and the
githubkit adapter: ``client`` (the operations), ``retry`` (the pure retry policy), ``wire``
(lenient JSON in, request bodies out) and ``connect`` (the App's authenticated clients).
Nothing here imports another part of ``bot``.
"""
