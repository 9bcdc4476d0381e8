"""A cap on the GitHub requests one task may make (recovery runs inside one)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from bot.github.errors import BudgetExhausted


@dataclass
class RequestBudget:
    """At most *limit* GitHub requests, retries included, for the code run inside
    :func:`spending`. The adapter charges one unit before each attempt it sends."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def charge(self, what: str) -> None:
        if self.used >= self.limit:
            raise BudgetExhausted(self.limit, what)
        self.used += 1


_budget: ContextVar[RequestBudget | None] = ContextVar("devdocs_github_budget", default=None)


@contextlib.contextmanager
def spending(budget: RequestBudget) -> Iterator[RequestBudget]:
    """Charge every GitHub request made inside the block (in this task) to *budget*."""
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def charge_request(what: str) -> None:
    """Called by port implementations before each request; raises :class:`BudgetExhausted`."""
    budget = _budget.get()
    if budget is not None:
        budget.charge(what)
