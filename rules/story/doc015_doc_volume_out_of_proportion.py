"""DOC015 doc-volume-out-of-proportion."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import anchor_line
from rules.core.size import stated_total
from rules.core.text import count_of
from rules.story._fresh import core_docs, in_role_category


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
    total, nor time already spent or still left: ``stated_total`` in rules/core/size.py); a folder
    that states no total is not reported. The volume is every Markdown line of the folder; the
    finding goes to the largest file, in its category, with the line that sizes the work as its
    related location.

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
        stated = stated_total(task)
        if not docs or stated is None or stated[1].minutes_high <= 0 or lines < self.options.min_lines:
            return
        source, total = stated
        hours = total.minutes_high / 60
        ratio = lines / hours
        if ratio <= self.options.max_lines_per_hour:
            return
        message = (f"{lines} lines of docs in {count_of(len(task.documents), 'file')} for work the docs size at "
                   f"{total.text!r} ({hours:g} h): {ratio:.0f} lines per hour of work "
                   f"(more than {self.options.max_lines_per_hour}).")
        largest = max(docs, key=lambda doc: doc.line_count)
        finding = self.finding(task, largest, anchor_line(largest), message, key="volume",
                               related=[(source, total.line)])  # where the docs size the work
        yield in_role_category(finding, largest)
