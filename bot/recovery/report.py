"""What one recovery run looked at and did, and its structured log lines."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.logs import bind

log = logging.getLogger("bot.recovery")  # one logger for every line a run writes


class RecoveryMetrics(Protocol):
    def recovery_redelivered(self) -> None: ...
    def recovery_stuck_check(self) -> None: ...


@dataclass
class RecoveryReport:
    """What one run looked at and did."""

    listed: int = 0  # delivery attempts read
    pages: int = 0
    listing_stopped: str = ""  # end, since, max_pages, budget (or empty: not listed)
    guids: int = 0
    redelivered: list[str] = field(default_factory=list)  # GUIDs GitHub was asked to redeliver
    skipped: Counter[str] = field(default_factory=Counter)  # GUIDs not redelivered, by reason
    checks_examined: int = 0
    reruns: list[str] = field(default_factory=list)  # ids of the re-run deliveries queued
    checks_settled: Counter[str] = field(default_factory=Counter)  # completed, gone, expired, rerun_known
    requests: int = 0  # GitHub requests this run made (retries included)
    budget_exhausted: bool = False
    errors: list[str] = field(default_factory=list)


def note(action: str, message: str, fields: Mapping[str, object] | None = None, *,
          level: int = logging.INFO) -> None:
    with bind(recovery=action, **(fields or {})):
        log.log(level, "recovery: %s", message)


def summary(report: RecoveryReport, max_calls: int) -> None:
    level = logging.WARNING if report.errors or report.budget_exhausted else logging.INFO
    fields = {
        "listed": report.listed, "pages": report.pages, "guids": report.guids,
        "redelivered": len(report.redelivered), "skipped": dict(report.skipped),
        "checks_examined": report.checks_examined, "reruns": len(report.reruns),
        "checks_settled": dict(report.checks_settled), "requests": report.requests,
        "max_calls": max_calls, "budget_exhausted": report.budget_exhausted, "errors": len(report.errors),
    }
    with bind(recovery="summary", **fields):
        log.log(level, "recovery: %d redelivered, %d check run(s) re-run, %d GitHub request(s) of %d",
                len(report.redelivered), len(report.reruns), report.requests, max_calls)
