"""A test hook for the time budget: a rule stuck in a pathological regex for a given time.

Not a sleep, which lets other threads run: a backtracking ``re`` match holds the GIL for its whole
length (the C matcher never releases it), so in a thread it stalls the event loop as the issue's
regexes did; in a process of the review pool it stalls nothing else."""

from __future__ import annotations

import functools
import math
import re
import time
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.jobs.engine_pool import ProcessEngine
from rules.api import build_rules
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot
from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.report import Review
from rules.core.rule import Rule, RuleContext


class BusyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seconds: float = 1.0


class BusyLoop(Rule):
    """Spins for ``seconds`` on every task (test hook).

    Why: stands in for a rule stuck on a pathological input.

    Bad:
        (any document)

    Good:
        (none)
    """

    code = "TST901"
    name = "busy-loop"
    category = Category.STRUCTURE
    severity = Severity.INFO
    rationale = "test hook"
    fix = "test hook"
    effort_minutes = 0
    Options = BusyOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        end = time.monotonic() + self.options.seconds
        while (left := end - time.monotonic()) > 0:
            stuck_in_regex(min(left, 2.0))
        return iter(())


_CATASTROPHIC = re.compile(r"^(a+)+$")


@functools.cache
def _calibration() -> tuple[int, float]:
    """(length, seconds) of one catastrophic match on this machine (time doubles per extra ``a``)."""
    length = 14
    while True:
        started = time.monotonic()
        _CATASTROPHIC.match("a" * length + "b")
        took = time.monotonic() - started
        if took >= 0.02:
            return length, took
        length += 1


def stuck_in_regex(seconds: float) -> None:
    """One backtracking match that holds the GIL for about *seconds*."""
    length, took = _calibration()
    extra = max(0, round(math.log2(max(seconds, took) / took)))
    _CATASTROPHIC.match("a" * (length + extra) + "b")


class SlowEngine(ProcessEngine):
    """The real process pool, with :class:`BusyLoop` run first in every review."""

    def __init__(self, *, seconds: float, processes: int = 1, grace: float = 10.0) -> None:
        super().__init__(processes=processes, grace=grace)
        self.seconds = seconds

    async def review(self, snapshot: Snapshot, *, budget: float, **options: Any) -> Review:
        rules = [BusyLoop({"seconds": self.seconds}), *build_rules(options.get("config") or ReviewConfig())]
        return await super().review(snapshot, budget=budget, rules=rules, **options)
