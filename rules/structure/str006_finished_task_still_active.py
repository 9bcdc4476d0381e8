"""STR006 finished-task-still-active."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Progress, Status, StatusMark, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import first_subsection_line, newest_log_entry
from rules.core.story import State, TaskState, core_documents, open_work, overall, story
from rules.core.text import count_of, strip_comments_to_end
from rules.core.vocabulary import ARCHIVE_FOLDER_NAMES

_SETTLED = frozenset({Status.COMPLETE, Status.OPTIONAL})
# The team saying the folder may leave dev/active now: "can be archived", "ready to archive",
# "아카이브 가능", "可以归档", "アーカイブ可能" (not a box to do it: "- [ ] Move this folder to dev/archive").
_ARCHIVABLE_RE = re.compile(
    r"(?i)\b(?:can|could|should|may) (?:now )?be archived\b|\bready (?:to (?:be )?archive[d]?|for archiv(?:e|al|ing))\b"
    r"|아카이브 가능|아카이브해도 (?:된다|됨|좋)|可以?归档|アーカイブ可能"
)


class FinishedTaskStillActive(Rule):
    """Every task is done (all boxes checked, or the tasks file says 100% / complete), or a file
    says in so many words that the work is finished (``Status: ✅ COMPLETED and deployed`` at the
    top of the plan, context, tasks or a handoff note), or that the folder can be archived now ("This
    project can be archived", ``아카이브 가능``) while no box of work is open, yet the task is still
    under ``dev/active``.

    Why: ``dev/active`` is the list of work in flight. A finished task left there makes the list
    lie, and agents resuming "active" work reread a closed task. Archiving keeps it available as
    an exemplar. A tasks file without checkboxes is not finished unless it says so, and any open
    box or open status in the plan, context or tasks file means work remains; in a context kept as a
    session log dated entry by entry (``log.md``, ``progress.md``) only the newest entry's status
    headings say where the work stands (an older entry's "🟡 In progress" is history).

    Bad:
        dev/active/auth/auth-tasks.md   - [x] Login form   - [x] Session cookie   (nothing open)

    Good:
        dev/archive/auth/auth-tasks.md  (moved when the last box was ticked)
    """

    code = "STR006"
    name = "finished-task-still-active"
    category = Category.CONSISTENCY  # the folder's place contradicts what its documents say
    severity = Severity.MEDIUM
    rationale = "A finished task under dev/active makes the list of work in flight lie."
    fix = "Move the finished task folder to `dev/archive/`, or add the work that remains to its tasks file."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.archived or ARCHIVE_FOLDER_NAMES.intersection(task.root.lower().split("/")):
            return  # already filed as finished: a doc root named completed, done or archive(s) listed under roots
        doc, line, evidence = _evidence(task)
        if doc is None:
            return
        archive = next((t.root for t in ctx.tasks if t.archived), "dev/archive")
        target = f"{archive}/{task.name}"
        stamp = doc.last_updated
        since = f"; {doc.name!r} last updated {stamp.date.isoformat()}" if stamp is not None and stamp.date else ""
        message = f"Task {task.name!r} looks finished ({evidence}{since}) but is still under {task.root + '/'!r}."
        how = (f"its files into {target + '/'!r}" if task.loose else
               f"it to {target + '/'!r} (`mkdir -p {archive} && git mv {task.path} {target}`)")
        fix = f"Move {how}, or add the work that remains to {doc.name!r}."
        said_done = [(d, s.line) for d in core_documents(task)
                     if (s := overall(d)) is not None and s.state is State.DONE and (d, s.line) != (doc, line)]
        tallies = [(doc, p.line) for p in doc.progress if _full(p) and p.line != line]
        closing = [(doc, last) for last in (_closing_line(doc), stamp.line if since else 0) if last and last != line]
        yield self.finding(task, doc, line, message, key=task.name, fix=fix,
                           related=[*said_done, *tallies, *closing])


def _evidence(task: TaskDocs) -> tuple[Document | None, int, str]:
    """(file, line, evidence) that the task is finished: its checkboxes or tally, else a file's
    overall status saying so when no file of the task says otherwise."""
    doc = task.tasks
    if doc is not None and not _has_open_work(task, doc):
        line, evidence = _finished(doc)
        if evidence:
            return doc, line, evidence
    told = story(task)
    said, where = told.evidence, told.evidence_doc
    if told.state is not TaskState.DECLARED_DONE or said is None or where is None:
        return _archivable(task)
    if any((s := overall(d)) is not None and s.state is not State.DONE for d in core_documents(task)):
        return None, 0, ""  # the files disagree: DOC001's finding, not this one
    open_boxes = len(open_work(doc)) if doc else 0
    boxes, verb = count_of(open_boxes, "box", "boxes"), "is" if open_boxes == 1 else "are"
    remains = f", though {boxes} in {doc.name!r} {verb} open" if doc and open_boxes else ""
    return where, said.line, f"{where.name!r} says {_quote(said.words)}{remains}"


def _archivable(task: TaskDocs) -> tuple[Document | None, int, str]:
    """A line of the plan, context or tasks saying the folder can be archived now ("This project can
    be archived", "Ready to archive", ``아카이브 가능``), outside code and checkboxes, when no box of
    work is open: the team's own verdict that the work is over."""
    docs = core_documents(task)
    if any(open_work(doc) for doc in docs):
        return None, 0, ""
    for doc in docs:
        boxes = {item.line for item in doc.items}
        for line in doc.lines_containing(("archiv", "아카이브", "归档", "アーカイブ")):
            if line in doc.code_lines or line in boxes:
                continue
            if found := _ARCHIVABLE_RE.search(doc.line_text(line)):
                return doc, line, f"{doc.name!r} says the folder {_quote(found.group(0))}"
    return None, 0, ""


def _finished(doc: Document) -> tuple[int, str]:
    """(line, evidence) when the tasks file shows everything done, else (0, "")."""
    if doc.items:
        ticked = sum(item.checked for item in doc.items)
        line = _tally_line(doc)
        if ticked == len(doc.items):
            return line, f"all {ticked} checkboxes in {doc.name!r} are ticked"
        if ticked:
            return line, f"{ticked} of {len(doc.items)} boxes in {doc.name!r} are ticked, the rest optional"
        return 0, ""
    if doc.progress:
        return doc.progress[0].line, f"{doc.name!r} says {_quote(doc.progress[0].text)}"
    first_sub = first_subsection_line(doc)
    for mark in doc.statuses:
        if mark.status is Status.COMPLETE and mark.line < first_sub:
            return mark.line, f"{doc.name!r} says {_quote(mark.text)}"
    return 0, ""


def _tally_line(doc: Document) -> int:
    """Where the file says its work is finished: its overall status line when it says done, else
    its last 100% progress claim (the summary a reader checks), else its first checkbox."""
    said = overall(doc)
    if said is not None and said.state is State.DONE:
        return said.line
    full = [p.line for p in doc.progress if _full(p)]
    return full[-1] if full else doc.items[0].line


def _closing_line(doc: Document) -> int:
    """Where the file last says the work is finished: its last ticked box when every box is
    ticked, else its last line marked complete outside headings and checkboxes (a closing
    "Status: complete" after the body); 0 when neither."""
    if doc.items and all(item.checked for item in doc.items):
        return doc.items[-1].line
    done = [m.line for m in doc.statuses
            if m.status is Status.COMPLETE and not (m.in_heading or m.in_checkbox)]
    return done[-1] if done else 0


def _full(claim: Progress) -> bool:
    return claim.percent == 100 or bool(claim.total and claim.done == claim.total)


def _quote(text: str) -> str:
    """*text* as quoted evidence: without HTML comments, or the comment's own words when it is one
    (``<!-- Plan: sync - COMPLETE -->`` says 'Plan: sync - COMPLETE')."""
    shown = strip_comments_to_end(text).strip() or text.replace("<!--", " ").replace("-->", " ").strip()
    return repr(shown if len(shown) <= 60 else shown[:59] + "…")


def _has_open_work(task: TaskDocs, doc: Document) -> bool:
    """Open boxes (in any of the three files), a progress claim under 100%, or an open marker."""
    lists = (doc.items, *(d.items for d in (task.plan, task.context) if d))
    if any(not item.checked and item.status is not Status.OPTIONAL for items in lists for item in items):
        return True
    if any(not (p.percent == 100 or (p.total and p.done == p.total)) for p in doc.progress):
        return True
    if any(_unsettled(mark, strict=True) for mark in doc.statuses):
        return True
    return any(_unsettled(mark, strict=False) for d in (task.plan, task.context) if d for mark in _current_marks(d))


def _current_marks(doc: Document) -> Iterable[StatusMark]:
    """The status marks that say where *doc* stands now: all of them, but in a session log dated entry by
    entry (``log.md``, ``progress.md``) only its newest entry's; an older entry's "In progress" is history."""
    entry = newest_log_entry(doc)
    return doc.statuses if entry is None else (mark for mark in doc.statuses if entry.contains(mark.line))


def _unsettled(mark: StatusMark, *, strict: bool) -> bool:
    """An open marker: in the tasks file any open word or a non-done heading/item; elsewhere
    only headings that are still open."""
    if mark.status in _SETTLED:
        return False
    if strict:
        return mark.in_heading or mark.in_checkbox or mark.status.is_open
    return mark.in_heading and (mark.status.is_open or mark.status is Status.PAUSED)
