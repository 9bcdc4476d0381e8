"""DOC018 next-step-already-done."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Role, TaskDocs
from rules.core.phases import short
from rules.core.rule import Rule, RuleContext
from rules.core.story import story
from rules.core.text import and_more
from rules.story._next_steps import done_phases
from rules.story._stale_items import next_lists, stale_items

_ROLE_CATEGORY = {Role.PLAN: Category.PLAN, Role.CONTEXT: Category.CONTEXT}


class NextStepAlreadyDone(Rule):
    """A next step or remaining-work item names work the folder already reports done.

    Reads the list items (not checkboxes) under ``Next Steps``, ``Immediate next steps``,
    ``Remaining work``, ``Open items`` or ``TODO`` headings (and their translations in
    :data:`~rules.core.vocabulary.NEXT_STEP_HEADINGS`: ``다음 단계``, ``下一步``, ``Nächste Schritte``),
    or after a bold ``**Next actions:**`` label, in the plan
    and context of a task still under way. An item is stale when it begins or finishes a phase the
    folder reports complete (``Begin Phase 2`` beside ``## Phase 2: Import ✅ COMPLETE``), or when a
    ticked box (or a heading marked complete) of the tasks file names the same work and no open box
    names it as well: the item's code span or file name, or two thirds of the item's meaningful
    words that are also half of the box's own (a box that merely shares words, "Create the manual
    testing guide", is not "Perform manual testing"); ``(classes, locations, accounts)`` is done
    when every entry is. Items about verifying, monitoring, deploying or improving finished work,
    items that wait for something ("If approved, …", under "After the pilot"), lists in session
    logs and history, lists in a section DOC006 reports, and finished or archived tasks (DOC006's)
    are left alone. One finding per list, naming each stale item and the place that reports it done.

    Why: the next-steps list is what the next session acts on first. An item that was finished
    sessions ago sends it to redo work, or hides the real next step under a stale one.

    Bad:
        import-context.md:  ## Next Steps
                            1. Write the CSV parser for bank exports
        import-tasks.md:    - [x] Write the CSV parser for bank exports (2h)

    Good:
        import-context.md:  ## Next Steps
                            1. Map the parsed rows to ledger categories
        import-tasks.md:    - [x] Write the CSV parser for bank exports (2h)
                            - [ ] Map parsed rows to ledger categories (3h)
    """

    code = "DOC018"
    name = "next-step-already-done"
    category = Category.CONSISTENCY  # each finding is scored in the category of the file holding the list
    severity = Severity.MEDIUM
    rationale = "A next step that is already done sends the next session to redo finished work."
    fix = "Drop the finished items from the next-steps list (or replace them with what actually comes next)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.archived or story(task).settled:
            return  # a finished task's handoff is DOC006's
        done = done_phases(task)
        for doc in (task.plan, task.context):
            if doc is None:
                continue
            for found in next_lists(doc, done):
                stale = stale_items(doc, found, task, done)
                if not stale:
                    continue
                shown = "; ".join(f"{short(s.text, 50)!r} ({'ticked' if s.how == 'ticked' else 'marked complete'}"
                                  f" at {s.doc.name}:{s.done_line})" for s in stale[:3])
                more = and_more(len(stale), 3)
                count = f"{len(stale)} items under {short(found.title, 40)!r} name" if len(stale) > 1 else (
                    f"An item under {short(found.title, 40)!r} names")
                related = [place for s in stale for place in ((doc, s.line), (s.doc, s.done_line))]
                finding = self.finding(
                    task, doc, stale[0].line,
                    f"{count} work the folder reports done: {shown}{more}.",
                    key=f"{doc.name}:{found.key}", effort_minutes=min(20, 3 * len(stale) + 2), related=related,
                )
                # A stale next step is a defect of the file it is in: scored in that file's category.
                yield finding.with_changes(category=_ROLE_CATEGORY.get(doc.role, self.category))
