"""DOC015 doc-volume-out-of-proportion."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Estimate, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._fresh import core_docs

# A line that states the size of the whole work, not of one step.
_TOTAL_RE = re.compile(
    r"(?i)\b(?:total|overall|estimated\s(?:time|effort|duration|hours)|(?:time|effort)\sestimate)\b"
)

# A total of a part of the work, or of time already spent: not the size of the whole.
_PART_RE = re.compile(r"(?i)\b(?:phase|step|stage|sprint|milestone|session|spent|actual|so\sfar|elapsed|per)\b")


class DocVolumeOutOfProportionOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_lines: int = Field(400, ge=1, description="Folders with fewer lines of docs are never reported.")
    max_lines_per_hour: int = Field(80, ge=1, description="Lines of docs per hour of stated work above which "
                                                          "the volume is out of proportion.")


class DocVolumeOutOfProportion(Rule):
    """The folder holds far more lines of docs than the work it plans: e.g. 900 lines for a
    two-hour change.

    The size of the work is the largest total the docs state themselves (a line with "total",
    "overall" or "estimated time/effort", the high end of a range; not a phase's or a session's
    total, nor time already spent); a folder that states no total is not reported. The volume is
    every Markdown line of the folder.

    Why: documents are read again at every session. Hundreds of lines for an hour's work cost more
    to read and keep true than the work itself, and the facts that matter drown in them.

    Bad:
        fix-plan.md (420 lines), fix-context.md (380), fix-tasks.md (160) — Total: ~2 hours

    Good:
        fix-plan.md (60 lines), fix-context.md (40), fix-tasks.md (30) — Total: ~2 hours

    Options:
        min_lines: folders with fewer lines are never reported (default 400).
        max_lines_per_hour: lines of docs per stated hour of work allowed (default 80).
    """

    code = "DOC015"
    name = "doc-volume-out-of-proportion"
    category = Category.STRUCTURE
    severity = Severity.INFO
    rationale = "Docs far longer than the work they plan cost more to read and keep true than the work itself."
    fix = "Cut the docs to what the next session needs (decisions, state, next steps); link code instead of copying it."
    effort_minutes = 30
    Options = DocVolumeOutOfProportionOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        lines = sum(doc.line_count for doc in task.documents)
        total = _stated_total(task)
        if not docs or total is None or total.minutes_high <= 0 or lines < self.options.min_lines:
            return
        hours = total.minutes_high / 60
        ratio = lines / hours
        if ratio <= self.options.max_lines_per_hour:
            return
        message = (f"{lines} lines of docs in {len(task.documents)} files for work the docs size at "
                   f"{total.text!r} ({hours:g} h): {ratio:.0f} lines per hour of work "
                   f"(more than {self.options.max_lines_per_hour}).")
        yield self.finding(task, docs[0], 1, message, key="volume")


def _stated_total(task: TaskDocs) -> Estimate | None:
    totals = [estimate for doc in core_docs(task) for estimate in doc.estimates
              if not estimate.is_effort_size and _TOTAL_RE.search(text := doc.line_text(estimate.line))
              and not _PART_RE.search(text)]
    return max(totals, key=lambda estimate: estimate.minutes_high, default=None)
