"""A test hook for the time budget: a rule that spins in pure Python, holding the GIL (not a sleep,
which would let other threads run), as a pathological regex does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.engine_pool import ProcessEngine
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot
from rules.core.engine import build_rules
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
        spins = 0
        while time.monotonic() < end:
            spins += 1
        return iter(())


class SlowEngine(ProcessEngine):
    """The real process pool, with :class:`BusyLoop` run first in every review."""

    def __init__(self, *, seconds: float, processes: int = 1, grace: float = 10.0) -> None:
        super().__init__(processes=processes, grace=grace)
        self.seconds = seconds

    async def review(self, snapshot: Snapshot, *, budget: float, **options: Any) -> Review:
        rules = [BusyLoop({"seconds": self.seconds}), *build_rules(options.get("config") or ReviewConfig())]
        return await super().review(snapshot, budget=budget, rules=rules, **options)
