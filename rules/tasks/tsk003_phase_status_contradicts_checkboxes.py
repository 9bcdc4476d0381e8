"""TSK003 phase-status-contradicts-checkboxes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Section, Status, TaskDocs
from rules.core.phases import is_open, section_key, section_status, short, task_list
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more

_CHECKED = frozenset({Status.COMPLETE, Status.IN_PROGRESS, Status.PENDING, Status.NOT_STARTED})
_MIN_PARTS = 2  # sub-sections marked complete under a heading still marked not started
_MIN_IN_PROGRESS_BOXES = 2  # a heading in progress over one ticked box may have just begun its next step


UNTICKED_GROUP = 3  # this many sections marked complete over boxes none of which is ticked: one finding


class PhaseStatusContradictsCheckboxes(Rule):
    """A heading's status disagrees with the checkboxes under it.

    A phase marked complete (✅, COMPLETE, DONE) still has open boxes (high), a phase marked
    pending / not started has every box ticked (medium), or some of them (low: the work has begun
    and the heading still says it has not; not for a heading marked only by an hourglass ``⏳``,
    which teams use for "under way" as much as for "waiting"), a phase marked in progress has every one of
    two or more boxes ticked (low: it is finished, or the work left in it is not listed). A heading
    marked pending / not started with no box of its own, over two or more sub-sections all marked
    complete with every box ticked, is reported
    too (medium: the roll-up was never updated). Boxes marked deferred, on hold, optional or struck
    through do not count as open. A plan that is the folder's task list (five boxes or more under its
    phases: the planning-with-files ``task_plan.md``, whose phases close on ``- **Status:** complete``
    after their boxes) is read the same way: its findings are the task list's (the tasks category). A
    mark means what the document's own legend says it means
    (``- ⏸️ Pending`` under "Status Legend"). The first box (or sub-section) that contradicts the
    heading is the finding's related place.

    Why: the status in the heading is what a reader (or the next agent session) trusts. A
    "complete" phase with open boxes hides unfinished work; a "not started" phase with every box
    ticked means the heading was never updated and progress is under-reported.

    Bad:
        ## Phase 2: API ✅ COMPLETE
        - [x] Add the endpoint
        - [ ] Add rate limiting

    Good:
        ## Phase 2: API 🟡 IN PROGRESS
        - [x] Add the endpoint
        - [ ] Add rate limiting
    """

    code = "TSK003"
    name = "phase-status-contradicts-checkboxes"
    category = Category.TASKS
    severity = Severity.HIGH
    rationale = "A heading status that contradicts its checkboxes misleads every reader about what is done."
    fix = "Update the phase status to match its checkboxes, or finish (or explicitly defer) the open tasks."
    effort_minutes = 5

    def _never_ticked(self, task: TaskDocs, doc: Document, unticked: list[tuple[Section, list[CheckItem]]]) -> Finding:
        """Many sections marked complete over boxes none of which is ticked: one problem, the checklist."""
        sections = [section for section, _items in unticked]
        boxes = sum(len(items) for _section, items in unticked)
        return self.finding(task, doc, sections[0].line, _never_ticked_message(sections, boxes),
                            key="never-ticked", related=[(doc, s.line) for s in sections[1:]],
                            effort_minutes=min(30, 5 + len(sections)),
                            fix="Tick the boxes of the finished sections (or drop the boxes and keep the marks).")

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task_list(task)
        if doc is None or not doc.items:
            return
        groups = _statused_groups(doc)
        unticked = [(section, items) for section, status, items in groups
                    if status is Status.COMPLETE and all(is_open(item) for item in items)]
        if len(unticked) >= UNTICKED_GROUP:
            yield self._never_ticked(task, doc, unticked)
        grouped = {section.line for section, _items in unticked} if len(unticked) >= UNTICKED_GROUP else set()
        for section, status, items in groups:
            still_open = [item for item in items if is_open(item)]
            if section.line in grouped:
                continue
            if status is Status.COMPLETE and still_open:
                first, count = still_open[0], len(still_open)
                yield self.finding(
                    task, doc, section.line,
                    f"{section.title!r} is marked complete but {count} of {len(items)} boxes "
                    f"{'is' if count == 1 else 'are'} still open "
                    f"(first: {short(first.text)!r} at line {first.line}).",
                    key=section_key(section), related=[(doc, first.line)],
                )
            elif status is Status.IN_PROGRESS:
                if len(items) >= _MIN_IN_PROGRESS_BOXES and all(item.checked for item in items):
                    yield self.finding(
                        task, doc, section.line,
                        f"{section.title!r} is marked in progress but all {len(items)} boxes under it are ticked: "
                        "either it is finished or the work left in it is not listed.",
                        key=section_key(section), severity=Severity.LOW,
                        fix="Mark the phase complete, or add the open work that keeps it in progress as boxes.",
                    )
            elif status is not Status.COMPLETE and all(item.checked for item in items):
                ticked = "its only box is" if len(items) == 1 else f"all {len(items)} boxes under it are"
                yield self.finding(
                    task, doc, section.line,
                    f"{section.title!r} is marked {status.replace('_', ' ')} but {ticked} ticked.",
                    key=section_key(section), severity=Severity.MEDIUM,
                )
            elif (status is not Status.COMPLETE and not _hourglass_only(doc, section)
                  and (done := [item for item in items if item.checked])):
                yield self.finding(
                    task, doc, section.line,
                    f"{section.title!r} is marked {status.replace('_', ' ')} but {len(done)} of its {len(items)} "
                    f"boxes are ticked (first: {short(done[0].text)!r} at line {done[0].line}): the work has begun.",
                    key=section_key(section), severity=Severity.LOW, related=[(doc, done[0].line)],
                )
        for section, finished in _unstarted_over_finished(doc):
            yield self.finding(
                task, doc, section.line,
                f"{section.title!r} is marked not started, but all {len(finished)} of its sub-sections are marked "
                f"complete (first: {short(finished[0].title)!r} at line {finished[0].line}) and every box under "
                "it is ticked.",
                key=section_key(section), severity=Severity.MEDIUM, related=[(doc, finished[0].line)],
            )


_PENDING_WORD_RE = re.compile(r"(?i)pending|not[\s_-]+started|to[\s-]?do|waiting|planned|queued|blocked")


_HOURGLASS_MEANS_PENDING_RE = re.compile(
    r"(?im)^[\s>*|-]*\u23f3\ufe0f?[\s*_|]*(?:[=:\u2013\u2014-][\s*_]*)?(?:pending|not[\s_-]+started|waiting|to[\s-]?do|queued)")


def _hourglass_only(doc: Document, section: Section) -> bool:
    """A heading marked only by an hourglass (``## Phase 1 ⏳``): teams use it for "waiting" and for
    "under way" alike, so a phase with some boxes ticked under it contradicts nothing (unless the
    document's legend says the hourglass means pending: ``- ⏳ Pending``)."""
    return ("\u23f3" in section.title and not _PENDING_WORD_RE.search(section.title)
            and not _HOURGLASS_MEANS_PENDING_RE.search(doc.text))


def _never_ticked_message(sections: list[Section], boxes: int) -> str:
    return (f"{len(sections)} sections are marked complete but none of their {boxes} boxes is ticked "
            f"({_titles(sections)}): the checklist was never ticked, so it no longer says what is done.")


def _titles(sections: list[Section]) -> str:
    return ", ".join(repr(short(s.title, 40)) for s in sections[:3]) + and_more(len(sections), 3)


def _unstarted_over_finished(doc: Document) -> Iterator[tuple[Section, list[Section]]]:
    """Headings marked pending / not started with no box of their own, whose sub-sections carrying a
    status are all marked complete (at least two) and whose boxes are all ticked: the roll-up was
    never updated. A heading with boxes of its own is judged on them above."""
    for index, section in enumerate(doc.sections):
        if section_status(doc, section) not in (Status.PENDING, Status.NOT_STARTED):
            continue
        children = [s for s in doc.sections_within(section) if s.parent == index]
        statused = [(s, section_status(doc, s)) for s in children]
        statused = [(s, status) for s, status in statused if status is not None]
        items = doc.items_in(section)
        own = [item for item in items if item.section == index]
        if (len(statused) >= _MIN_PARTS and not own and items
                and all(status is Status.COMPLETE for _s, status in statused) and all(i.checked for i in items)):
            yield section, [s for s, _status in statused]


def _statused_groups(doc: Document) -> list[tuple[Section, Status, list[CheckItem]]]:
    """Each checkbox goes to its innermost enclosing section that carries a status."""
    nearest: dict[int | None, int | None] = {None: None}
    statuses: dict[int, Status | None] = {}
    for index, section in enumerate(doc.sections):
        statuses[index] = section_status(doc, section)
        nearest[index] = index if statuses[index] is not None else nearest[section.parent]
    groups: dict[int, list[CheckItem]] = {}
    for item in doc.items:
        owner = nearest[item.section]
        if owner is not None:
            groups.setdefault(owner, []).append(item)
    return [(doc.sections[i], status, items) for i, items in groups.items()
            if (status := statuses[i]) in _CHECKED]
