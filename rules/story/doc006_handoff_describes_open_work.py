"""DOC006 handoff-describes-open-work."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator

from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import Document, Role, Section, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import in_log_at
from rules.core.story import TaskState, TaskStory, core_documents, story
from rules.core.text import fold, more_such_lines, strip_comments
from rules.core.vocabulary import HANDOFF_HEADINGS
from rules.story._common import ARCHIVE_STEP_RE, begun_boxes, finished_as, quote, where
from rules.story._next_steps import NEXT_STEPS_RE, done_phases, done_step, heading_key

_MAX_FINDINGS = 6  # handoffs of one task: past a few, the same story told again

# Sections that hand the work over to the next session.
# A label ahead of the heading's words ("Thread 2 — Next session start": numbers and punctuation are
# gone from the key) is read past; the other languages' words are rules/core/vocabulary.py's.
_HANDOFF_RE = re.compile(
    r"^(?:(?:thread|phase|stage|step|part|sprint|track) )?(?:"
    r"(?:quick |session |next session |)(?:resume|handoff|hand off|hand-off)(?: here| instructions| notes| point)?$"
    r"|next session(?: resume here| start(?: here)?| plan| guide| instructions)?$"
    rf"|(?:{'|'.join(HANDOFF_HEADINGS)})$)"
    r"|^resume here$|^(?:currently )?working on$"
    r"|^current(?:ly)? (?:work|focus|task)$|^uncommitted(?: changes| work)?$|^work in progress$|^in progress$"
    r"|^where (?:we|i) left off$|^pick up here$"
)
# "Next update: after Phase 2", "Next review: once the migration lands"
_NEXT_RE = re.compile(r"(?i)^[\s>*_-]*next\s+(?:update|review|session|check-?in)[*_\s]*[:：][*_\s]*(?P<value>\S.*)$")
_NOTHING_RE = re.compile(r"(?i)^\W*(?:none|nothing|no\b|n/a|all\b.{0,40}\b(?:complete|done|finished|committed)"
                         r"|(?:the )?(?:feature|work|task|project) is (?:complete|done|finished)|—$|-$)")
# A handoff that opens by closing the work: "**Status**: This issue is FULLY RESOLVED and deployed to production."
# (what follows is for whoever picks it up again, not work in flight).
_CLOSED_RE = re.compile(r"(?i)^\W*(?:status\W*)?(?:this|the)\s+(?:issue|bug|feature|work|task|fix|project|change)\s+"
                        r"is\s+(?:now\s+)?(?:fully\s+)?(?:resolved|fixed|complete|completed|done|finished|deployed|shipped)\b")
# A context section that lists work still to do: "To Create", "Files to Modify", "Files to create / modify".
_TO_CHANGE_VERBS = r"(?:create|modify|change|update|add|edit|touch|write)"
_TO_CHANGE_RE = re.compile(
    rf"^(?:(?:new|key|primary|main) )?(?:(?:files?|components?|modules?|screens?|pages?|classes) )?to "
    rf"(?:{_TO_CHANGE_VERBS}|be (?:created|modified|changed|updated|added|edited|written))"
    rf"(?: (?:and |or )?{_TO_CHANGE_VERBS})?(?: files?)?$|^(?:수정|생성|추가|신규) 대상$"
)
# "(needs `active` field)", "— needs a migration": a file entry annotated with the change it awaits.
_NEEDS_RE = re.compile(r"(?i)(?:\(|[—–]\s|\s-\s|,\s)\s*+needs?\s++(?!to be (?:kept|left)\b)\S")
_SEPARATOR_CHARS = frozenset("|:- \t")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(?P<rest>\S.*)$")


class HandoffDescribesOpenWork(Rule):
    """A handoff or resume note still describes work in flight in a task that is finished.

    Applies when the folder is archived, a file's overall status declares the work done (and
    nothing in the folder disputes it), or every box of work in the tasks file is ticked and no
    status says otherwise (rules/core/state.py). Reports "Quick Resume", "Next Session", "Handoff",
    "Currently working on", "Uncommitted changes" and "In Progress" sections that still hold
    steps or work (not "none", not "all complete"), ``Next update: …`` lines, and context sections
    that still list work to do ("To Create", "Files to Modify") or file entries that still say the
    file needs a change (``- `models/poi.py` (needs an `active` field)``); in an archived folder also any line
    outside code and logs that still asks for the folder to be archived ("Archive to dev/complete
    after merge", "archive when ready"). A ``HANDOFF.md`` beside the core files is scored as
    context. In a task still going, a ``Next update: after Phase 1A completion`` line is reported
    once a status line of the folder reports Phase 1A complete. In any task, a line that still points
    the reader at the very first step ("Start with Task 1.1", "**Next Action:** Begin Phase 1",
    "Ready to begin Phase 1", "1단계 … 착수"; outside code, logs and checkboxes) is reported once
    the work is past it: finished, a phase reported complete, or three boxes of the tasks file
    ticked (one finding per task, naming the other such lines).

    Why: the handoff is the first thing the next session reads and follows. Left as it was when
    the work was half done, it sends a reader to rebuild what exists, or to commit changes that
    were committed long ago.

    Bad:
        dev/archive/history/history-context.md
        ## Quick Resume
        1. Build the history screen, then add its route

    Good:
        dev/archive/history/history-context.md
        ## Outcome
        Shipped in 2.4; the history screen and review screen are live.
    """

    code = "DOC006"
    name = "handoff-describes-open-work"
    category = Category.CONSISTENCY  # each finding is scored in the category of the file holding the handoff
    severity = Severity.LOW
    rationale = "A stale handoff in a finished task sends the next reader to redo or resume finished work."
    fix = "Replace the handoff with a short outcome (what shipped, where follow-ups live), or delete it."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        told = story(task)
        if (how := finished_as(task, told)) is not None:
            archived = told.state is TaskState.ARCHIVED
            found = itertools.chain(self._stale_handoffs(task, told, how),
                                    self._kickoff(task, f"the task is {how}", archived))
        else:
            reached = list(self._reached_milestones(task))
            told_at = {(f.path, f.line) for f in reached}  # a next step that starts a phase reported done
            found = itertools.chain(reached, self._kickoff(task, _under_way(task), None, skip=told_at))
        categories = {doc.path: _category_of(doc) for doc in core_documents(task)}
        for finding in itertools.islice(found, _MAX_FINDINGS):
            # A stale handoff is a defect of the file it is in: scored in that file's category.
            yield finding.with_changes(category=categories.get(finding.path) or finding.category)

    def _stale_handoffs(self, task: TaskDocs, told: TaskStory, how: str) -> Iterator[Finding]:
        claim = [(told.evidence_doc, told.evidence.line)] if told.evidence_doc and told.evidence else []
        archived = told.state is TaskState.ARCHIVED
        for doc in core_documents(task):
            told_in: list[Section] = []  # handoffs reported: an archive step in one is not reported again
            for index, section in enumerate(doc.sections):
                if _HANDOFF_RE.match(heading_key(section)) and (first := _open_entry(doc, index, archived)) is not None:
                    what = ("still asks for the folder to be archived" if archived and ARCHIVE_STEP_RE.search(first[1])
                            else "still hands over work in flight")
                    message = (f"{section.title!r} {what} ({quote(first[1])} at {doc.name}:{first[0]}), "
                               f"but the task is {how}.")
                    told_in.append(section)
                    yield self.finding(task, doc, section.line, message, key=f"{doc.name}:{section.key}",
                                       related=[(doc, first[0]), *claim])
                elif (doc.role is Role.CONTEXT and _TO_CHANGE_RE.match(heading_key(section))
                      and (first := _first_entry(doc, section)) is not None):
                    message = (f"{section.title!r} still lists work to do ({quote(first[1])} at {doc.name}:{first[0]}),"
                               f" but the task is {how}.")
                    yield self.finding(task, doc, section.line, message, key=f"{doc.name}:{section.key}",
                                       related=[(doc, first[0]), *claim])
            if doc.role is Role.CONTEXT and (lines := _still_needing(doc)):
                count = (f"{len(lines)} entries of its file lists still say" if len(lines) > 1
                         else "A file entry still says")
                message = (f"{count} a file needs a change (first: {quote(doc.line_text(lines[0]))} at "
                           f"{doc.name}:{lines[0]}), but the task is {how}.")
                yield self.finding(task, doc, lines[0], message, key=f"{doc.name}:needs",
                                   related=[*((doc, n) for n in lines[1:8]), *claim])
            if archived:
                for number in _archive_steps(doc):
                    if not any(s.contains(number) for s in told_in):
                        message = (f"{quote(doc.line_text(number))} still asks for the folder to be archived, "
                                   f"but the task is {how}.")
                        yield self.finding(task, doc, number, message, key=f"{doc.name}:archive:{number}",
                                           related=claim)
            for number in doc.lines_containing(("next update", "next review", "next session", "next check")):
                match = _NEXT_RE.match(strip_comments(doc.line_text(number)))
                if match and number not in doc.code_lines and not _NOTHING_RE.match(match.group("value")):
                    message = f"{quote(doc.line_text(number))} still promises a later update, but the task is {how}."
                    yield self.finding(task, doc, number, message, key=f"{doc.name}:next:{number}", related=claim)

    def _kickoff(self, task: TaskDocs, past: str | tuple[str, Document, int] | None,
                 archived: bool | None, skip: Collection[tuple[str, int]] = ()) -> Iterator[Finding]:
        """Lines that still point the reader at the very first step ("Start with Task 1.1", "Ready to
        begin Phase 1") once the work is past it: finished (*archived* then says whether under an
        archive root), a phase reported complete, boxes ticked. In finished work a handoff section
        the handoff path reports is left to it (one finding for one problem)."""
        if past is None:
            return
        found = [(doc, number) for doc in core_documents(task) for number in _kickoff_lines(doc, archived)
                 if (doc.path, number) not in skip]
        if not found:
            return
        doc, number = found[0]
        also = more_such_lines(len(found) - 1)
        if isinstance(past, str):
            why, evidence = past, []
        else:
            why, other, line = past
            evidence = [(other, line)]
        message = f"{quote(doc.line_text(number))} still points the reader at the very first step{also}, but {why}."
        yield self.finding(task, doc, number, message, key=f"{doc.name}:kickoff",
                           related=[*found[1:_MAX_FINDINGS], *evidence])

    def _reached_milestones(self, task: TaskDocs) -> Iterator[Finding]:
        """In a task still going: ``Next update: after Phase 1A completion`` or a next step "Start
        Phase 1" once a status line or a phase heading of the folder reports that phase complete."""
        done = done_phases(task)
        if not done:
            return
        for doc in core_documents(task):
            for number in doc.lines_containing(("next update", "next review", "next session", "next check")):
                match = _NEXT_RE.match(strip_comments(doc.line_text(number)))
                after = _AFTER_PART_RE.match(fold(match.group("value"))) if match else None
                if after is None or number in doc.code_lines or (part := after.group(1).upper()) not in done:
                    continue
                other, line = done[part]
                message = (f"{quote(doc.line_text(number))} waits for a milestone that is already reached: "
                           f"{other.name}:{line} reports Phase {part} complete.")
                yield self.finding(task, doc, number, message, key=f"{doc.name}:next:{number}",
                                   related=[(other, line)])
            for section in doc.sections:
                if NEXT_STEPS_RE.match(heading_key(section)) and (step := done_step(doc, section, done)) is not None:
                    number, part = step
                    other, line = done[part]
                    message = (f"{section.title!r} still says {quote(doc.line_text(number))}, but "
                               f"{other.name}:{line} reports Phase {part} complete.")
                    yield self.finding(task, doc, number, message, key=f"{doc.name}:step:{section.key}",
                                       related=[(other, line)])


# "after Phase 1A completion", "after completing Phase 2 tasks", "once phase 3 is done": completion only,
# never "after user testing Phase 2" (the testing is the milestone, not the phase).
_AFTER_PART_RE = re.compile(
    r"^\W*+(?:after|once|when)\s++(?:the\s++)?(?:completion\s++of\s++|completing\s++|finishing\s++)?"
    r"(?:phase|stage|step|milestone|sprint)\s*+([0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]?)\b"
    r"(?:\s++(?:tasks?|work))?(?:\s++(?:completion|is\s++(?:complete|done|finished)|complete[sd]?|done|finishes))?"
    r"\W*+$"
)


# A pointer to the very first step of the work: "Start with Task 1.1", "Begin Phase 1", "ready to begin
# Phase 1", "1단계 착수" (not "Phase 10" or "Task 1.2"; not "started Phase 1", a record).
_KICKOFF_RE = re.compile(
    r"(?i)\b(?:start|begin|kick ?off|commence)\b[^.\n]{0,40}?\b(?:phase|step|task|stage|milestone|sprint)\s*+"
    r"(?:0|1|one|1\.0|1\.1)\b(?!\.?\d)|1\s*단계[^.\n]{0,20}착수"
)

def _under_way(task: TaskDocs) -> tuple[str, Document, int] | None:
    """Why a task still going is past its first step (a phase reported complete, or boxes ticked),
    with where; None when nothing says the work has begun."""
    if done := done_phases(task):
        part = min(done, key=lambda p: (len(p), p))
        other, line = done[part]
        return f"{where(other, line)} reports Phase {part} complete", other, line
    if (ticked := begun_boxes(task)) and task.tasks is not None:
        return f"{len(ticked)} boxes of {task.tasks.name} are ticked", task.tasks, ticked[0].line
    return None


def _kickoff_lines(doc: Document, archived: bool | None) -> Iterator[int]:
    """Lines of *doc* pointing at the first step, outside code, logs and checkboxes (a box is a task,
    ticked or not: DOC053's and the task rules'), and in finished work (*archived* not None) outside
    the handoff sections the handoff path reports."""
    boxes = {n for item in doc.items for n in item.lines}
    for number in doc.lines_containing(("start", "begin", "kick", "commence", "착수")):
        if number in doc.code_lines or number in boxes or not _KICKOFF_RE.search(doc.line_text(number)):
            continue
        index = doc.section_index(number)
        if in_log_at(doc, index) or (archived is not None and _in_reported_handoff(doc, index, archived)):
            continue
        yield number


def _in_reported_handoff(doc: Document, index: int | None, archived: bool) -> bool:
    while index is not None:
        if _HANDOFF_RE.match(heading_key(doc.sections[index])) and _open_entry(doc, index, archived) is not None:
            return True
        index = doc.sections[index].parent
    return False


def _category_of(doc: Document) -> Category | None:
    """The category of the file's role; a handoff note beside the core files (``HANDOFF.md``,
    ``SESSION_HANDOFF.md``) is the context's."""
    if doc.role is Role.EXTRA and "handoff" in doc.name.lower():
        return Category.CONTEXT
    return ROLE_CATEGORY.get(doc.role)


def _table_start(text: str, following: str) -> bool:
    """A table's header or separator row (the first entry of a list held in a table is its first row)."""
    return text.startswith("|") and (_separator(text) or _separator(following))


def _separator(text: str) -> bool:
    return "---" in text and set(text) <= _SEPARATOR_CHARS


def _still_needing(doc: Document) -> list[int]:
    """Entries of a file list that still say the file needs a change: ``- `models/poi.py` (needs an
    `active` field)`` (code blocks and logs left out)."""
    found: list[int] = []
    for number in doc.lines_containing(("need",)):
        text = strip_comments(doc.line_text(number))
        if (number not in doc.code_lines and _LIST_RE.match(text) and "`" in text and _NEEDS_RE.search(text)
                and not in_log_at(doc, doc.section_index(number))):
            found.append(number)
    return found


def _archive_steps(doc: Document) -> Iterator[int]:
    """Lines that ask for the folder to be archived, outside code blocks and logs."""
    ticked = {item.line for item in doc.items if item.checked}  # a ticked box: the step was done
    for number in doc.lines_containing(("archive", "mv ", "move ", "아카이브", "归档")):
        text = strip_comments(doc.line_text(number))
        if (number not in doc.code_lines and number not in ticked and ARCHIVE_STEP_RE.search(text)
                and not in_log_at(doc, doc.section_index(number))):
            yield number


def _first_entry(doc: Document, section: Section) -> tuple[int, str] | None:
    """The first line of the section that names something (a list entry, a table's first row)."""
    for number in range(section.line + 1, section.end_line + 1):
        text = doc.line_text(number).strip()
        if text and number not in doc.code_lines and not _table_start(text, doc.line_text(number + 1).strip()):
            return number, text
    return None


def _open_entry(doc: Document, index: int, archived: bool) -> tuple[int, str] | None:
    """The first line of the section's own body that describes work, or None when it says nothing
    is open; in an archived folder also an instruction to archive it (done already)."""
    section = doc.sections[index]
    children = doc.child_sections[index]
    end = doc.sections[children[0]].line if children else section.end_line + 1
    body = [(n, doc.line_text(n).strip()) for n in range(section.line + 1, end)
            if doc.line_text(n).strip() and n not in doc.code_lines]
    body = [(n, t) for n, t in body if t not in ("---", "***", "___")]
    if not body:
        return None
    if archived and (move := next(((n, t) for n, t in body if ARCHIVE_STEP_RE.search(t)), None)):
        return move
    first_n, first = body[0]
    item = _LIST_RE.match(first)
    text = item.group("rest") if item else first
    if (_NOTHING_RE.match(text.strip("*_ ")) and len(body) <= 2) or _CLOSED_RE.match(text):
        return None
    return first_n, first
