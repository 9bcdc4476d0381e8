"""DOC001 status-disagrees-across-files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rules.core._story_words import read_value
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, Status, TaskDocs, normalise_title
from rules.core.rule import Rule, RuleContext
from rules.core.sections import first_line, is_prose
from rules.core.story import (
    BEGUN_MARKS,
    State,
    Statement,
    core_documents,
    file_statements,
    open_work,
    overall,
    work_rows,
)
from rules.story._common import quote, where

_NOT_BEGUN = frozenset({State.PLANNING, State.NOT_STARTED})
_MIN_TICKED = 3  # all boxes ticked counts as evidence from this many on
_MIN_TICKED_SHARE_OF = 5  # from this many ticked boxes, half of the boxes ticked is evidence too
_MIN_ROWS = 2  # rows of another file's table of phases, sprints or tasks marked done or under way
_MIN_UNTICKED = 10  # none of this many boxes ticked: a checklist that would show work begun
# The context's current-state section, whose first line says where the whole work stands.
_STATE_HEADING_RE = re.compile(r"^(?:current (?:state|status)|status|where we are)\b")
# "All major changes implemented:", "Every phase is complete.": the whole work said to be done.
_ALL_DONE_RE = re.compile(r"(?i)^\W*(?:all|every)\b[^.:;\n]{0,50}?\b(?:implemented|complete[d]?|done|finished)\b")
_SHORT_STATE_WORDS = 6  # a lead line this short that reads as done ("✅ Implementation complete") is a status


class StatusDisagreesAcrossFiles(Rule):
    """The files of one task disagree on where the work stands.

    Reads each file's overall status (a ``Status:`` / ``Progress:`` line near the top, a title
    badge, a progress summary) and reports a file that says the work has not begun (planning,
    ready to implement, not started) while another file of the task reports it done, in progress
    or partly done, or while every box of the tasks file is ticked (or at least half of them, five or
    more: the work is well under way), or while another file's table of phases, sprints or tasks marks
    two rows or more done or under way (``| Sprint 1 | ✅ DONE |``); a file that says in progress
    while another declares the whole work done; and a file that declares the whole work done
    (``Status: ✅ COMPLETE``, ``Completed: 2026-01-09``) while the tasks file still has open boxes
    (deferred ones and those under future / follow-up / optional headings aside). Statements about
    one phase or session (``Phase 1A complete``) count as proof that work began, never as the
    whole work done. Also (low) a file that says in progress while the tasks file has ten boxes or
    more, none ticked, and nothing else in the folder (no other status past planning, no done or
    under-way mark) shows the work has begun: "Not started" or "Planned" would be accurate.

    Why: the first lines of a file are what the next session trusts. A plan still "Planning"
    beside a tasks file "Complete (6/6)" means one of them was never updated, and a reader cannot
    tell which, nor whether the work is finished.

    Bad:
        auth-plan.md:   Status: Planning
        auth-tasks.md:  Status: Complete (6/6)

    Good:
        auth-plan.md:   Status: Complete (shipped in v1.4)
        auth-tasks.md:  Status: Complete (6/6)
    """

    code = "DOC001"
    name = "status-disagrees-across-files"
    category = Category.CONSISTENCY
    severity = Severity.HIGH
    rationale = "Files that disagree on where the work stands leave readers unable to tell if it is finished."
    fix = "Bring the stale file's status line up to date with the others (or correct the one that is wrong)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_documents(task)
        stated = [(doc, s) for doc in docs if (s := overall(doc) or _state_section_lead(doc)) is not None]
        # Files that contradict the same evidence make one finding: the first, the others related.
        groups: dict[tuple[str, int, bool], list[tuple[Document, Statement, _Evidence]]] = {}
        for doc, statement in stated:
            ahead: _Evidence | None = None
            if statement.state in _NOT_BEGUN:
                ahead = _begun_elsewhere(task, docs, stated, doc)
            elif statement.state in (State.IN_PROGRESS, State.BLOCKED):
                ahead = next(((f"{where(d, s.line)} says {quote(s.words)}", d, s.line) for d, s in stated
                              if d is not doc and s.state is State.DONE and s.kind == "label"), None)
            behind = _open_tasks(task, doc) if ahead is None and statement.state is State.DONE else None
            idle = _nothing_begun(task, docs, doc, statement.line) if statement.state is State.IN_PROGRESS else None
            if ahead is None and idle is not None:
                yield self.finding(
                    task, doc, statement.line,
                    f"{doc.name} says the work is in progress ({quote(statement.words)}), but {idle[0]}; "
                    "nothing in the folder shows it has begun.",
                    key=f"{doc.name}:not-begun", severity=Severity.LOW, related=[idle[1:]],
                )
                continue
            if (evidence := ahead or behind) is not None:
                key = (evidence[1].path, evidence[2], ahead is None)
                groups.setdefault(key, []).append((doc, statement, evidence))
        for (_path, _line, done_claim), found in groups.items():
            doc, statement, evidence = found[0]
            also = "".join(f"; {where(d, s.line)} says {quote(s.words)} too" for d, s, _e in found[1:])
            if done_claim:
                message = f"{doc.name} says the work is done ({quote(statement.words)}){also}, but {evidence[0]}."
            else:
                message = (f"{doc.name} says the work stands at {statement.state.value.replace('_', ' ')} "
                           f"({quote(statement.words)}){also}, but {evidence[0]}.")
            related = [evidence[1:], *((d, s.line) for d, s, _e in found[1:])]
            yield self.finding(task, doc, statement.line, message, key=doc.name, related=related)


    def merge_part(self, finding: Finding) -> str | None:
        """The files' disagreements are one problem; a file in progress while nothing began is its own."""
        return None if finding.key.endswith(":not-begun") else ""

    def merge(self, findings: Sequence[Finding]) -> Finding:
        """A task whose files disagree in several pairs ("plan: in progress", "context: complete",
        "tasks: 0%") as one finding, each disagreement said in turn, every place related."""
        shown = " ".join(f"({number}) {f.message}" for number, f in enumerate(findings, start=1))
        message = f"The task's files disagree on where the work stands: {shown}"
        return self.merged(findings[0], findings, message=message, fix=findings[0].fix,
                           effort_minutes=sum(f.effort_minutes for f in findings))


_Evidence = tuple[str, Document, int]  # what the other place says, and where


def _state_section_lead(doc: Document) -> Statement | None:
    """A context without a status line that says the whole work is done in the first line of its
    current-state section (``## Current State`` / ``All planned changes implemented:``). Only the
    context: a plan's "Current State" describes the system before the work."""
    if doc.role is not Role.CONTEXT:
        return None
    section = next((s for s in doc.sections if s.level > 1 and _STATE_HEADING_RE.match(normalise_title(s.title))),
                   None)
    if section is None:
        return None
    line = first_line(doc, section)
    if line is None or not is_prose(doc, line):
        return None
    text = doc.line_text(line).strip()
    state, scoped, _done, ambiguous = read_value(text)
    short = len(text.split()) <= _SHORT_STATE_WORDS and state is State.DONE and not scoped and not ambiguous
    if not (short or _ALL_DONE_RE.match(text)):
        return None
    return Statement("section", State.DONE, line, text[:120], "body")


def _open_tasks(task: TaskDocs, doc: Document) -> _Evidence | None:
    """Open work in the tasks file (another file than *doc*)."""
    tasks = task.tasks
    if tasks is None or tasks is doc or not (still_open := open_work(tasks)):
        return None
    first = still_open[0]
    return (f"{len(still_open)} of {len(tasks.items)} boxes in {tasks.name} are still open "
            f"(first: {quote(first.text, 50)} at {where(tasks, first.line)})", tasks, first.line)


def _nothing_begun(task: TaskDocs, docs: tuple[Document, ...], doc: Document, line: int) -> _Evidence | None:
    """A tasks file (another file than *doc*) of many boxes, none ticked, and no other sign of work
    begun anywhere in the folder than the statement at *line* of *doc*: no other status statement
    past planning, no done or under-way mark (a ✅ phase, a "Phase 1 complete")."""
    tasks = task.tasks
    if tasks is None or tasks is doc or len(tasks.items) < _MIN_UNTICKED or any(i.checked for i in tasks.items):
        return None
    for other in docs:
        if any(s.state.begun for s in file_statements(other) if other is not doc or s.line != line):
            return None
        if any(mark.status in BEGUN_MARKS for mark in other.statuses if other is not doc or mark.line != line):
            return None
    return f"none of the {len(tasks.items)} boxes in {tasks.name} is ticked", tasks, tasks.items[0].line


def _begun_elsewhere(task: TaskDocs, docs: tuple[Document, ...], stated: list[tuple[Document, Statement]],
                     doc: Document) -> _Evidence | None:
    """Evidence in another file that the work has begun (or finished): the strongest first."""
    for other, statement in stated:
        if other is not doc and statement.state.begun:
            return f"{where(other, statement.line)} says {quote(statement.words)}", other, statement.line
    for other in docs:
        if other is doc:
            continue
        for statement in file_statements(other):
            if statement.place == "header" and statement.scoped and statement.done_parts:
                return f"{where(other, statement.line)} says {quote(statement.words)}", other, statement.line
    tasks = task.tasks
    items = tasks.items if tasks is not None and tasks is not doc else ()
    if tasks is not None and len(items) >= _MIN_TICKED and all(item.checked for item in items):
        text = f"all {len(items)} boxes in {tasks.name} are ticked (first at {where(tasks, items[0].line)})"
        return text, tasks, items[0].line
    ticked = [item for item in items if item.checked]
    if len(ticked) >= _MIN_TICKED_SHARE_OF and len(ticked) * 2 >= len(items):
        text = (f"{len(ticked)} of the {len(items)} boxes in {tasks.name} are ticked "
                f"(first at {where(tasks, ticked[0].line)})")
        return text, tasks, ticked[0].line
    for other in docs:
        rows = work_rows(other) if other is not doc else ()
        if len(rows) >= _MIN_ROWS:
            done = sum(1 for _line, mark in rows if mark is Status.COMPLETE)
            text = (f"{where(other, rows[0][0])} marks {len(rows)} rows of work"
                    f"{' done' if done == len(rows) else ' done or under way'}")
            return text, other, rows[0][0]
    return None
