"""CTX002 stale-context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from rules.core.extract import parse_date
from rules.core.finding import Category, Finding, Severity
from rules.core.model import LAST_UPDATED_LABELS, DateRef, Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import file_date, newest_log_entry
from rules.core.text import clip, days


class StaleContext(Rule):
    """The context's ``Last Updated`` date is old: more than ``max_age_days`` before the review
    date, or older than the task's tasks file (or plan).

    A file without ``Last Updated`` is dated by a labelled date in its header (``Date:``,
    ``Created:``, ``Started:``), as CTX001 reads it, and a session log (``log.md``, ``progress.md``) by
    its newest dated entry. Archived tasks are skipped: a finished task is
    expected to stop changing. A context without a readable date is CTX001's finding.

    Why: agents and people resume from the context file. When the tasks file moved on and the
    context did not, the next session starts from a wrong picture of the work.

    Bad:
        auth-context.md   Last Updated: 2025-12-01
        auth-tasks.md     Last Updated: 2026-01-12

    Good:
        auth-context.md   Last Updated: 2026-01-12
        auth-tasks.md     Last Updated: 2026-01-12

    Options:
        max_age_days: how old the context may be, in days before the review date (default 14).
    """

    code = "CTX002"
    name = "stale-context"
    category = Category.CONTEXT
    severity = Severity.MEDIUM
    rationale = "A stale context sends the next session off from an outdated picture of the work."
    fix = "Update the context (current state, next steps) and its `Last Updated` date."
    effort_minutes = 15

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        max_age_days: Annotated[int, Field(ge=1, le=3650)] = 14

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        ref = file_date(doc) if doc is not None and not task.archived else None
        logged = ref is None and doc is not None and not task.archived and (entry := newest_log_entry(doc)) is not None
        if logged:  # a session log, dated by its newest entry
            ref = DateRef("log entry", entry.line, parse_date(clip(entry.title)), entry.title)
        if doc is None or ref is None or ref.date is None:
            return
        stamp = ("last logged" if logged else "last updated" if ref.label in LAST_UPDATED_LABELS
                 else f"dated ({ref.label})")
        reasons = []
        age = (ctx.today - ref.date).days
        if age > self.options.max_age_days:
            reasons.append(f"{days(age)} before the review date (limit {self.options.max_age_days})")
        newer = [(d, date) for d in (task.tasks, task.plan) if d and (date := _date(d)) and date > ref.date]
        if newer:
            other, date = max(newer, key=lambda pair: pair[1])
            reasons.append(f"{days((date - ref.date).days)} behind {other.name!r} (dated {date})")
        if reasons:
            message = f"Context was {stamp} on {ref.date}, " + " and ".join(reasons) + "."
            yield self.finding(task, doc, ref.line, message, key="stale")


def _date(doc: Document | None) -> dt.date | None:
    ref = file_date(doc) if doc is not None else None
    return ref.date if ref is not None else None
