"""DOC003 status-line-contradicts-substeps."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Status, TaskDocs
from rules.core.phases import parent_items
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents, set_aside
from rules.story._common import quote

_MIN_STEPS = 2
# The done list of a progress note: "✅ COMPLETED", "What Was Accomplished", "완료", "已完成".
_DONE_LIST_RE = re.compile(r"^(?:completed?|done|finished|accomplished|what was (?:accomplished|done|completed)"
                           r"|completed (?:work|tasks|items)|완료|已完成)$")
_NOT_DONE = frozenset({Status.FAILED, Status.NOT_STARTED, Status.PENDING, Status.IN_PROGRESS})
_ENTRY_RE = re.compile(r"^\s*+(?:[-*+]|\d{1,3}[.)])\s")


class StatusLineContradictsSubsteps(Rule):
    """A ticked checkbox sits over sub-steps none of which is ticked, or an open one over
    sub-steps that are all ticked.

    Looks at checkboxes that have nested checkboxes (at least two): a parent ``[x]`` whose
    sub-steps are all open (deferred, optional and struck-through steps aside) is reported as
    medium; the reverse, an open parent over sub-steps all ticked, as low (the roll-up was
    forgotten). Also reports, as low, a list headed as done ("✅ Completed", "What was
    accomplished") holding two or more entries marked not done (``❌ … not created yet``, ``⏳``).

    Why: the parent line is the summary a reader scans; the sub-steps are the evidence. A ticked
    summary over untouched steps claims work nobody recorded doing; an open summary over finished
    steps under-reports progress and leaves the next session hunting for what is left.

    Bad:
        - [x] Phase 2: importer complete
          - [ ] Parse the CSV header
          - [ ] Map columns to fields

    Good:
        - [ ] Phase 2: importer
          - [ ] Parse the CSV header
          - [ ] Map columns to fields
    """

    code = "DOC003"
    name = "status-line-contradicts-substeps"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A summary checkbox that contradicts its own sub-steps misreports what was done."
    fix = "Tick the sub-steps that were done, or untick the summary line until they are."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_documents(task):
            yield from self._check_doc(task, doc)
            yield from self._done_lists(task, doc)

    def _done_lists(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        """A list headed as done ("✅ Completed", "What was accomplished") whose entries are marked
        not done (``❌ … NOT CREATED YET``, ``⏳``)."""
        marks = {m.line: m.status for m in doc.statuses if not m.in_heading}
        for index, section in enumerate(doc.sections):
            if not _DONE_LIST_RE.match(section.key):
                continue
            children = doc.child_sections[index]
            end = doc.sections[children[0]].line - 1 if children else section.end_line
            undone = [n for n in range(section.line + 1, end + 1) if marks.get(n) in _NOT_DONE
                      and _ENTRY_RE.match(doc.line_text(n)) and n not in doc.code_lines]
            if len(undone) >= _MIN_STEPS:
                message = (f"{section.title!r} lists {len(undone)} entries marked not done (first: "
                           f"{quote(_ENTRY_RE.sub('', doc.line_text(undone[0])))} at {doc.name}:{undone[0]}).")
                yield self.finding(task, doc, section.line, message, key=f"{doc.name}:done-list:{section.key}",
                                   severity=Severity.LOW, related=[(doc, n) for n in undone[:10]])

    def _check_doc(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        items = doc.items
        children: dict[int, list[CheckItem]] = {}
        for index, above in enumerate(parent_items(items)):
            if above is not None:
                children.setdefault(above, []).append(items[index])
        for index, steps in children.items():
            parent = items[index]
            counted = [s for s in steps if not set_aside(s)]
            if len(counted) < _MIN_STEPS or set_aside(parent):
                continue
            ticked = sum(s.checked for s in counted)
            if parent.checked and ticked == 0:
                message = (f"{quote(parent.text)} is ticked but none of its {len(counted)} sub-steps is "
                           f"(first: {quote(counted[0].text, 40)} at {doc.name}:{counted[0].line}).")
                yield self.finding(task, doc, parent.line, message, key=f"{doc.name}:{parent.text[:40]}",
                                   related=[(doc, step.line) for step in counted])
            elif not parent.checked and ticked == len(counted):
                message = (f"{quote(parent.text)} is open but all {len(counted)} of its sub-steps are ticked "
                           f"({doc.name}:{counted[0].line}–{counted[-1].line}).")
                yield self.finding(task, doc, parent.line, message, key=f"{doc.name}:{parent.text[:40]}",
                                   severity=Severity.LOW, related=[(doc, step.line) for step in counted])
