"""Prometheus metrics, one registry per app (tests build as many apps as they like).

Everything the App counts goes through a :class:`Metrics` method, so label sets stay bounded:
event names come only from verified deliveries, reasons and outcomes from fixed sets here.
The GitHub adapter reports its requests and retries through :meth:`Metrics.github_request` and
:meth:`Metrics.github_retry`, and the review its result through :meth:`Metrics.review_completed`;
recovery counts what it put right through :meth:`Metrics.recovery_redelivered` and
:meth:`Metrics.recovery_stuck_check`.
"""

from __future__ import annotations

from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
RejectReason = Literal[
    "signature", "too_large", "bad_headers", "malformed_json", "unreadable_payload", "queue_unavailable"
]
JobOutcome = Literal["completed", "retried", "failed", "released"]
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600)
_ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    """The App's counters, gauges and histograms (names prefixed ``devdocs_``)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)

        def counter(name: str, doc: str, *labels: str) -> Counter:
            return Counter(f"devdocs_{name}", doc, labels, registry=self.registry)

        def histogram(name: str, doc: str, buckets: tuple[float, ...], *labels: str) -> Histogram:
            return Histogram(f"devdocs_{name}", doc, labels, buckets=buckets, registry=self.registry)

        self._received = counter("deliveries_received", "Webhook requests received")
        self._accepted = counter("deliveries_accepted", "Verified deliveries queued for a worker", "event")
        self._duplicates = counter("deliveries_duplicate", "Verified deliveries already seen", "event")
        self._ignored = counter("deliveries_ignored", "Verified deliveries the App does not handle", "event")
        self._rejected = counter("deliveries_rejected", "Webhook requests refused", "reason")
        self._ack = histogram("webhook_ack_seconds", "Time to answer a webhook request", _ACK_BUCKETS)
        self._depth = Gauge("devdocs_queue_depth", "Deliveries waiting or leased", registry=self.registry)
        self._jobs = counter("jobs", "Worker job attempts by outcome", "event", "outcome")
        self._job_seconds = histogram(
            "job_duration_seconds", "Time a worker spent on one attempt", _LATENCY_BUCKETS, "event"
        )
        self._job_latency = histogram(
            "job_latency_seconds", "From delivery received to job finished", _LATENCY_BUCKETS, "event"
        )
        self._reviews = counter("reviews", "Reviews published, by check conclusion", "conclusion")
        self._gh_requests = counter("github_requests", "Requests sent to GitHub", "method", "status")
        self._gh_retries = counter("github_retries", "GitHub requests retried", "reason")
        self._redeliveries = counter(
            "recovery_redeliveries", "Failed webhook deliveries recovery asked GitHub to redeliver"
        )
        self._stuck_checks = counter(
            "recovery_stuck_checks", "Check runs left open that recovery queued a re-run for"
        )

    # -- web -----------------------------------------------------------------------------------

    def delivery_received(self) -> None:
        self._received.inc()

    def delivery_accepted(self, event: str) -> None:
        self._accepted.labels(event=event).inc()

    def delivery_duplicate(self, event: str) -> None:
        self._duplicates.labels(event=event).inc()

    def delivery_ignored(self, event: str) -> None:
        self._ignored.labels(event=event).inc()

    def delivery_rejected(self, reason: RejectReason) -> None:
        self._rejected.labels(reason=reason).inc()

    def acknowledged(self, seconds: float) -> None:
        self._ack.observe(seconds)

    def set_queue_depth(self, depth: int) -> None:
        self._depth.set(depth)

    # -- worker --------------------------------------------------------------------------------

    def job_finished(
        self, event: str, outcome: JobOutcome, *, seconds: float, latency: float | None = None
    ) -> None:
        """One attempt ended; *latency* (received -> done) only when the job is finished for good."""
        self._jobs.labels(event=event, outcome=outcome).inc()
        self._job_seconds.labels(event=event).observe(seconds)
        if latency is not None:
            self._job_latency.labels(event=event).observe(max(0.0, latency))

    # -- review and GitHub ---------------------------------------------------------------------

    def review_completed(self, conclusion: str) -> None:
        self._reviews.labels(conclusion=conclusion).inc()

    def github_request(self, method: str, status: int | str) -> None:
        """*status*: the HTTP status, or ``"error"`` when no response came (timeout, connection)."""
        self._gh_requests.labels(method=method.upper(), status=str(status)).inc()

    def github_retry(self, reason: str) -> None:
        """*reason*: a short fixed word such as ``"5xx"``, ``"rate_limit"``, ``"timeout"``."""
        self._gh_retries.labels(reason=reason).inc()

    # -- recovery ------------------------------------------------------------------------------

    def recovery_redelivered(self) -> None:
        self._redeliveries.inc()

    def recovery_stuck_check(self) -> None:
        self._stuck_checks.inc()

    # -- exposition ----------------------------------------------------------------------------

    def render(self) -> bytes:
        """The Prometheus text exposition of this registry."""
        return generate_latest(self.registry)
