"""Accountability records: who waived a rule or approved a gate override, when and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One ``/review waive`` or ``/review approve``, as recorded by the shell.

    ``at`` is an ISO timestamp given by the caller (the core never reads the clock); ``rule`` names
    the waived rule; ``sha`` is the head commit an approval applies to.
    """

    kind: Literal["waive", "approve"]
    actor: str
    at: str
    reason: str
    rule: str | None = None
    sha: str | None = None

    @property
    def action(self) -> str:
        """``waived CTX002`` / ``approved abc1234``, for tables and summaries."""
        if self.kind == "waive":
            return f"waived {self.rule or 'a rule'}"
        return f"approved {self.sha[:7]}" if self.sha else "approved"


def active_approval(audit: Iterable[AuditEntry], head_sha: str | None) -> AuditEntry | None:
    """The latest approval that applies to *head_sha* (an approval holds for one head only)."""
    matching = [e for e in audit if e.kind == "approve" and e.sha == head_sha]
    return max(matching, key=lambda e: e.at) if matching else None
