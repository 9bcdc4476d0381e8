"""Strengths (what a senior reviewer would praise) and scaffolds (what to paste for a gap).

Strengths come from signals that are present and good in the documents, never from the mere
absence of findings; scaffolds are ready-to-paste Markdown for a missing file or section.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.core.finding import Finding
from rules.core.model import TaskDocs
from rules.core.report import Scaffold
from rules.core.rule import RuleContext


def strengths(task: TaskDocs, findings: Sequence[Finding], ctx: RuleContext) -> tuple[str, ...]:
    return ()


def scaffolds(task: TaskDocs, findings: Sequence[Finding]) -> tuple[Scaffold, ...]:
    return ()
