"""CTX004 missing-next-steps."""

from __future__ import annotations

from collections.abc import Iterator

from rules.context._common import STATE, has_section
from rules.core._story_words import State, read_value
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import task_list
from rules.core.rule import Rule, RuleContext
from rules.core.sections import NEXT, anchor_line, headings, newest_log_entry
from rules.core.state import WorkState, finished, scaled_to_state


class MissingNextSteps(Rule):
    """The context has no next-steps section: what to do when work resumes.

    Recognised headings: Next Steps, Immediate Next Steps, Next Actions, TODO Next, Quick Resume,
    If Resuming, Next Session, Remaining Work, Handoff (numbered or translated variants too); a
    ``Next steps: …`` line in a short headingless context counts. Not asked of an archived task, nor
    of finished work (every box of work ticked, or declared done: rules/core/state.py) whose
    context's current-state heading says it is done (``## Status: ✅ Complete``): nothing is left
    to resume; nor of a context kept as a session log dated entry by entry (``progress.md``, ``log.md``)
    beside a task list (a tasks file, or a plan that lists the work under its phases): the log records,
    the open boxes are the next steps;
    for fresh work (no box ticked, the files say planned or not started: rules/core/state.py) the
    finding is info: before the first session the plan's first phase is the next step.

    Why: a session that ends without writing down the next step forces the next one to rebuild
    the plan from memory; the first ten minutes go to archaeology instead of work.

    Bad:
        # Auth — Context
        ## Current State
        Login form merged.

    Good:
        # Auth — Context
        ## Next Steps
        1. Fix the expiry test in `session_test.py`.
        2. Start Phase 3 (password reset).
    """

    code = "CTX004"
    name = "missing-next-steps"
    category = Category.CONTEXT
    severity = Severity.MEDIUM
    rationale = "Without next steps the next session has to rebuild the plan before it can continue."
    fix = "Add a `## Next Steps` section: a numbered list of the immediate next actions."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None or task.archived or has_section(doc, NEXT):
            return  # a finished (archived) task has nothing left to resume
        if finished(task) is not None and _says_done(doc):
            return  # finished, and the context itself says so: nothing is left to resume
        if newest_log_entry(doc) is not None and task_list(task) is not None:
            return  # a session log records; the folder's open boxes are its next steps
        finding = self.finding(task, doc, anchor_line(doc),
                               f"Context {doc.name!r} has no next-steps section (what to do when work resumes).",
                               key="next-steps")
        yield from scaled_to_state(self, task, [finding], when=WorkState.FRESH)  # the plan is the next step


def _says_done(doc: Document) -> bool:
    """A current-state heading of *doc* that says the work is done (``## Implementation Status: Complete``)."""
    return any(read_value(section.title)[:2] == (State.DONE, False) for section in headings(doc, STATE))
