"""CON004 last-updated-dates-diverge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import DateRef, Document, TaskDocs
from rules.core.rule import Rule, RuleContext


class LastUpdatedDatesDivergeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_days_apart: int = Field(5, ge=0, description="Largest allowed gap between Last Updated dates.")


class LastUpdatedDatesDiverge(Rule):
    """The plan, context and tasks files were last updated far apart.

    Compares the ``Last Updated`` dates of the three files and reports the oldest against the
    newest when they are more than ``max_days_apart`` days apart. A file with no date is not
    compared: that is CTX001's finding for the context and DOC013's for the plan and tasks.

    Why: the three files describe one piece of work. When one moved on for weeks while another
    stood still, the stale one no longer matches the others: decisions, phases or progress in it
    are out of date, and readers cannot tell which file to trust.

    Bad:
        auth-plan.md:   Last Updated: 2025-10-02
        auth-tasks.md:  Last Updated: 2025-11-14

    Good:
        auth-plan.md:   Last Updated: 2025-11-12
        auth-tasks.md:  Last Updated: 2025-11-14

    Options:
        max_days_apart: the largest allowed gap in days (default 5: a working week in which the
            other files moved on).
    """

    code = "CON004"
    name = "last-updated-dates-diverge"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "Files of one task updated weeks apart no longer describe the same state of the work."
    fix = "Review the older file against the newer ones, update what changed and bump its Last Updated date."
    effort_minutes = 10
    Options = LastUpdatedDatesDivergeOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        dated = sorted(_dated(task), key=lambda entry: entry[0])
        if len(dated) < 2:
            return
        (old_date, old_doc, old_ref), (new_date, new_doc, new_ref) = dated[0], dated[-1]
        gap = (new_date - old_date).days
        if gap > self.options.max_days_apart:
            yield self.finding(
                task, old_doc, old_ref.line,
                f"{old_doc.name} was last updated {old_date.isoformat()}, {gap} days before "
                f"{new_doc.name}:{new_ref.line} ({new_date.isoformat()}).",
                key=f"{old_doc.role}:{new_doc.role}", related=[(new_doc, new_ref.line)],
            )


def _dated(task: TaskDocs) -> Iterator[tuple[dt.date, Document, DateRef]]:
    for doc in (task.plan, task.context, task.tasks):
        ref = doc.last_updated if doc is not None else None
        if doc is not None and ref is not None and ref.date is not None:
            yield ref.date, doc, ref
