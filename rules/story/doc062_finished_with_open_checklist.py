"""DOC062 finished-with-open-checklist."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Role, Section, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents, open_work, story
from rules.story._common import finished_as, quote, still_to_do, where
from rules.story.doc002_file_contradicts_its_own_status import own_done_status
from rules.story.doc004_finished_with_open_criteria import in_criteria_title

MIN_OPEN = 3  # open boxes in one list: fewer is a loose end, not a checklist left behind
_MAX_PLACES = 20


class FinishedWithOpenChecklist(Rule):
    """A finished task's plan or context still holds a checklist that was never ticked.

    Applies when the folder is archived, a file's overall status declares the work done, or every
    box of the tasks file is ticked (rules/core/state.py). In the plan, the context and a handoff
    beside them (the tasks file is DOC001's and DOC053's), a list of three or more open boxes under
    one heading, at least two thirds of that heading's boxes, is reported: a convention checklist,
    a testing checklist, the plan's own copy of the steps. Not boxes set aside (deferred, optional,
    struck through), boxes under a future / follow-up / backlog heading, the sample boxes of a
    legend, a box that says where the work went ("tracked in #214") or archives the folder, nor a
    criteria list of a settled task (DOC004 reports those). One finding per file, at the first open
    box, naming the other lists; scored in the file's category.

    Why: a closed task is read as a record of what was done. A checklist left entirely open in it
    says the work was never checked, or that the list was never kept; either way the record does
    not show which of its items hold.

    Bad:
        dev/active/nodes/nodes-plan.md:    Status: ✅ Complete (6/6)
        dev/active/nodes/nodes-context.md:
            ## Convention checklist
            - [ ] Every node takes the state and returns a dict
            - [ ] No test calls a real API
            - [ ] Files are read as UTF-8

    Good:
        dev/active/nodes/nodes-context.md:
            ## Conventions (standing rules, checked in review)
            - Every node takes the state and returns a dict
            - No test calls a real API
            - Files are read as UTF-8
    """

    code = "DOC062"
    name = "finished-with-open-checklist"
    category = Category.CONSISTENCY  # each finding is scored in the category of the file holding the list
    same_problem_as = ("DOC004",)  # a criteria list DOC004 reports already
    severity = Severity.LOW
    rationale = "A checklist left open in finished work leaves no record of which of its items hold."
    fix = ("Tick what was checked (with the evidence), turn standing rules into plain bullets, and move "
           "the rest to a follow-up.")
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        told = story(task)
        if (how := finished_as(task, told)) is None:
            return
        claim = [(told.evidence_doc, told.evidence.line)] if told.evidence_doc and told.evidence else []
        for doc in core_documents(task):
            if doc.role not in (Role.PLAN, Role.CONTEXT) or doc is task.tasks:
                continue
            if own_done_status(task, doc) is not None:
                continue  # a file that calls itself done over its own open boxes is DOC002's
            lists = _open_lists(doc, criteria=not told.settled)
            if not lists:
                continue
            section, first, items = lists[0]
            more = f"; {len(lists) - 1} more such lists in {doc.name}" if len(lists) > 1 else ""
            message = (f"{section.title!r} still has {len(first)} of {len(items)} boxes open (first: "
                       f"{quote(first[0].text, 50)} at {where(doc, first[0].line)}{more}), but the task is {how}.")
            places = [(doc, item.line) for _section, still, _items in lists for item in still][1:_MAX_PLACES]
            places.append((doc, section.line))  # the list's heading: where a criteria finding (DOC004) stands
            found = self.finding(task, doc, first[0].line, message, key=f"{doc.name}:open-checklist",
                                 related=[*places, *claim])
            yield found.in_role_category(doc.role)


def _open_lists(doc: Document, *, criteria: bool) -> list[tuple[Section, list[CheckItem], list[CheckItem]]]:
    """(heading, open boxes, all boxes) of each heading whose top-level boxes are mostly still open
    work; criteria lists only when *criteria* (a settled task's are DOC004's)."""
    work = {item.line for item in open_work(doc) if still_to_do(doc, item)}
    by_section: dict[int, list[CheckItem]] = {}
    for item in doc.items:
        if item.depth == 0 and item.section is not None:
            by_section.setdefault(item.section, []).append(item)
    found = []
    for index, items in by_section.items():
        section = doc.sections[index]
        if not criteria and in_criteria_title(doc, section):
            continue
        still = [item for item in items if item.line in work]
        if len(still) >= MIN_OPEN and 3 * len(still) >= 2 * len(items):
            found.append((section, still, items))
    return sorted(found, key=lambda found: found[1][0].line)
