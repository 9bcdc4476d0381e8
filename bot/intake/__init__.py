"""Intake: from a GitHub delivery to a call on the review, and nothing slower than that.

``webhooks`` (``POST /webhooks/github``: size cap → ``signature`` → parse → triage → durable submit
→ 202), ``payloads`` (lenient models of the few fields the App reads), ``events`` (an ordered
router) and ``routes`` (which event/action does what: the web side's triage, the worker side's
dispatch onto :class:`~bot.intake.routes.ReviewActions`).
"""
