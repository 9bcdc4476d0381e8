"""CON001 item-status-conflict."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.extract import find_status
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, Status, StatusMark, TaskDocs
from rules.core.phase_identity import generic_stems, identity_groups, stems_after_id, task_refs
from rules.core.phases import (
    ancestors,
    is_open,
    phases,
    section_status,
    short,
    status_line,
)
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more
from rules.core.verification import is_verification

_NOT_DONE = frozenset({Status.PENDING, Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.PAUSED,
                       Status.FAILED, Status.PARTIAL})
_NUMERIC_RE = re.compile(r"^\d+(?:\.\d+)+$")
_INTENT_RE = re.compile(r"(?i)\b(?:next|will|to be|until|once|if|when|should|must|planned for)\b")
_DONE_CUE_RE = re.compile(r"✅|✔|☑|(?i:\b(?:complete[d]?|done|finished|resolved|fixed)\b)")
_OPEN_CUE_RE = re.compile(
    r"⏳|🔄|🟡|🚧|⛔|🚫|⬜|❌|(?i:\b(?:pending|todo|in[ _-]progress|wip|blocked|not[ _-]started|paused"
    r"|on[ _-]hold|deferred|partial(?:ly)?|failed|incomplete|not (?:yet )?(?:done|complete[d]?))\b)"
)
_HISTORY_RE = re.compile(r"(?i)\b(?:history|changelog|log|archive|previous)\b")


@dataclass(frozen=True, slots=True)
class Seen:
    """One statement of an item's status: ``done`` or not, where, and how it was said."""

    doc: Document
    line: int
    done: bool
    how: str
    text: str
    derived: bool = False  # from the checkboxes under a phase heading, not written down
    checkbox: bool = False  # the id's own checkbox
    titled: bool = False  # the text may title the id (``Phase 2: API``): a phase's identity, read on demand
    phase_line: bool = False  # a ``**Status:**`` line in a phase's lead, the phase's own status


_TRACKER_FIX = {
    "items": "Tick the boxes in the file that fell behind (or drop its copy of the checklist and point to the other).",
    "phases": "Update the phase statuses in the file that fell behind (or keep them in one file and point to it).",
}
TRACKER_GROUP = 3  # this many box-against-box conflicts between two files are one stale checklist


class ItemStatusConflict(Rule):
    """The same item id has a different status in two places of the task.

    Ids are ``CRITICAL-6``, ``Phase 3``, ``1.2``. A status belongs to the id nearest before it on
    its line (``Phase 2 ✅ COMPLETE, Phase 3 🟡 IN PROGRESS`` gives each its own); a line whose
    status comes before several ids is ambiguous and ignored, and so are intentions ("next:
    proceed to Phase 3", "Phase 4 will be done when …"), and in session-log, history or changelog
    sections only completions count (a logged "BLOCKED" is history; a logged "COMPLETE" stays true). A
    ticked or open checkbox that starts with an id counts as that id's status, and so does a
    ``**Status:**`` line in a phase's lead (within six lines of its heading, before any sub-heading),
    and a tasks-file phase whose boxes are all ticked (or not), unless only its test or verification
    boxes are open (that is DOC032's finding). Three or more phases or items that conflict the same
    way between two files are one finding: one of the files was not kept up. A phase is its number
    and its title: ``Phase 1: Schema`` and ``Phase 1: Emails`` are two phases, and an untitled
    ``Phase 1`` matches either (rules/core/phase_identity.py).

    Why: when the context file says an item is done and the tasks file says it is pending, the
    next session either redoes finished work or skips unfinished work. One of them is stale.

    Bad:
        auth-context.md:  - CRITICAL-6 token refresh race ✅ COMPLETE
        auth-tasks.md:    - [ ] CRITICAL-6 Fix the token refresh race (PENDING)

    Good:
        auth-context.md:  - CRITICAL-6 token refresh race ✅ COMPLETE
        auth-tasks.md:    - [x] CRITICAL-6 Fix the token refresh race
    """

    code = "CON001"
    name = "item-status-conflict"
    category = Category.CONSISTENCY
    severity = Severity.HIGH
    rationale = "Two files disagreeing on whether an item is done means one of them is stale and misleads."
    fix = "Decide which status is true and update the stale file (usually the context's progress notes)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        generic = _Generic(task)
        conflicts = [(item_id, pair) for item_id, seen in _observations(task).items()
                     if (pair := _same_phase_conflict(item_id, seen, generic)) is not None]
        trackers: dict[tuple[str, str, str, str], list[tuple[str, Seen, Seen]]] = {}
        for item_id, (here, there) in conflicts:
            if _tracked(here) and _tracked(there) and here.doc is not there.doc:
                trackers.setdefault((here.doc.path, here.how, there.doc.path, there.how), []).append(
                    (item_id, here, there))
        grouped = {item_id for group in trackers.values() if len(group) >= TRACKER_GROUP for item_id, _h, _t in group}
        for group in trackers.values():
            if len(group) >= TRACKER_GROUP:
                yield self._tracker(task, group)
        for item_id, (here, there) in conflicts:
            if item_id in grouped:
                continue
            yield self.finding(
                task, here.doc, here.line,
                f"{item_id!r} {here.how} in {here.doc.name}:{here.line} ({short(here.text)!r}) but "
                f"{there.how} in {there.doc.name}:{there.line} ({short(there.text)!r}).",
                key=item_id, related=[(there.doc, there.line)],
            )

    def _tracker(self, task: TaskDocs, group: list[tuple[str, Seen, Seen]]) -> Finding:
        """Many boxes ticked in one file and open in the other: one checklist was not kept up, one problem."""
        _first_id, here, there = group[0]
        ids = ", ".join(repr(item_id) for item_id, _h, _t in group[:4])
        noun = "phases" if any(s.derived or s.phase_line for _i, h, t in group for s in (h, t)) else "items"
        message = (f"{len(group)} {noun} {_plural(here.how)} in {here.doc.name} but {_plural(there.how)} in "
                   f"{there.doc.name} "
                   f"({ids}{and_more(len(group), 4)}; first at {here.doc.name}:{here.line} and "
                   f"{there.doc.name}:{there.line}): one of the two checklists was not kept up.")
        related = [(there.doc, there.line)] + [place for _i, h, t in group[1:] for place in ((h.doc, h.line),
                                                                                         (t.doc, t.line))]
        return self.finding(task, here.doc, here.line, message, key=f"tracker:{here.doc.name}:{there.doc.name}",
                            related=related, effort_minutes=min(30, 5 + 2 * len(group)),
                            fix=_TRACKER_FIX[noun])


def _observations(task: TaskDocs) -> dict[str, list[Seen]]:
    seen: dict[str, list[Seen]] = {}
    for doc in (task.plan, task.context, task.tasks):
        if doc is not None:
            attributed = _written(doc, seen)
            _ticked(doc, seen, attributed)
            _phase_status_lines(doc, seen)
    if task.tasks is not None:
        _phase_boxes(task.tasks, seen)
    return seen


def _written(doc: Document, seen: dict[str, list[Seen]]) -> set[tuple[int, str]]:
    """Statuses written next to an id; returns the (line, id) pairs they settled."""
    attributed = set()
    for mark in doc.statuses:
        if not mark.item_ids:
            continue
        history = _in_history(doc, mark.line)
        for item_id, status in _attribute(mark):
            if history and status is not Status.COMPLETE:
                continue  # a logged "blocked" is history; a logged completion stays true
            if mark.in_heading and doc.role is not Role.TASKS and _NUMERIC_RE.match(item_id):
                continue  # "### 2.1 Current state ✅" in a plan is a section number, not a task
            if status is Status.PARTIAL and "partial" not in mark.text.lower():
                continue  # a bare ⚠️ is a warning, not a status
            if status is Status.COMPLETE or status in _NOT_DONE:
                attributed.add((mark.line, item_id))
                how = f"is marked {status.replace('_', ' ').upper()}"
                done = status is Status.COMPLETE
                titled = mark.in_heading or mark.in_checkbox or _leading_id(mark.text, (item_id,)) is not None
                seen.setdefault(item_id, []).append(Seen(doc, mark.line, done, how, mark.text, titled=titled))
    return attributed


def _ticked(doc: Document, seen: dict[str, list[Seen]], attributed: set[tuple[int, str]]) -> None:
    """A checkbox that starts with an id states that id's status (unless a written one does)."""
    for item in doc.items:
        lead = _leading_id(item.text, item.item_ids)
        if lead and (item.line, lead) not in attributed and not _in_history(doc, item.line):
            how = "is ticked" if item.checked else "is unticked"
            entry = Seen(doc, item.line, item.checked, how, item.text, checkbox=True,
                         titled=True)
            seen.setdefault(lead, []).append(entry)


def _phase_status_lines(doc: Document, seen: dict[str, list[Seen]]) -> None:
    """A ``**Status:** Not Started`` line in a phase's lead states that phase's status (the heading's own
    status, if any, is read with the heading's ids)."""
    for phase in phases(doc):
        if phase.section.status is not None or (mark := status_line(doc, phase.section)) is None:
            continue
        status = mark.status
        if not (status is Status.COMPLETE or status in _NOT_DONE) or _unclear(mark.text) or (
                status is not Status.COMPLETE and _in_history(doc, mark.line)):
            continue
        how = f"is marked {status.replace('_', ' ').upper()}"
        seen.setdefault(phase.id, []).append(Seen(doc, mark.line, status is Status.COMPLETE, how,
                                                  phase.section.title, titled=True, phase_line=True))


def _attribute(mark: StatusMark) -> list[tuple[str, Status]]:
    """Each id gets the status written after it and before the next id. Intentions, and text that
    says both done and not done ("was BLOCKED, now ✅"), are skipped."""
    text = mark.text
    if len(mark.item_ids) == 1:
        return [] if _unclear(text) else [(mark.item_ids[0], mark.status)]
    lowered = text.lower()
    spots = sorted((lowered.find(i.lower()), i) for i in mark.item_ids)
    if spots[0][0] < 0:
        return []
    labelled = mark.in_heading or mark.in_checkbox or "tatus" in text
    if find_status(text[: spots[0][0]], labelled=labelled) is not None:
        return []  # "✅ Phase 2 and Phase 3": which one?
    found = []
    for (start, item_id), (end, _next) in zip(spots, [*spots[1:], (len(text), "")], strict=True):
        segment = text[start + len(item_id): end]
        status = find_status(segment, labelled=labelled)
        if status is not None and not _unclear(segment):
            found.append((item_id, status))
    return found


def _unclear(text: str) -> bool:
    return bool(_INTENT_RE.search(text) or (_DONE_CUE_RE.search(text) and _OPEN_CUE_RE.search(text)))


_LEAD_RE = re.compile(r"^[\W_]+")  # list markers, emphasis, brackets and status marks before the text


def _leading_id(text: str, ids: tuple[str, ...]) -> str | None:
    head = _LEAD_RE.sub("", text, count=1).lower()  # "- Phase 2 (Auth): …", "⏳ **Phase 4: …": still led by the id
    return next((i for i in ids if head.startswith(i.lower())), None)


def _in_history(doc: Document, line: int) -> bool:
    return any(_HISTORY_RE.search(s.title) for s in ancestors(doc, doc.section_index(line)))


def _phase_boxes(doc: Document, seen: dict[str, list[Seen]]) -> None:
    """A tasks-file phase without a written status is as done as its checkboxes say."""
    for phase in phases(doc):
        items = doc.items_in(phase.section)
        if not items or section_status(doc, phase.section) is not None:
            continue
        open_items = [item for item in items if is_open(item)]
        if open_items and all(is_verification(doc, item) for item in open_items):
            continue  # built, checks still open: DOC032's finding (complete-with-open-verification), not a conflict
        still_open = len(open_items)
        plural = "es" if still_open > 1 else ""
        how = f"has {still_open} open box{plural}" if still_open else "has all boxes ticked"
        seen.setdefault(phase.id, []).append(
            Seen(doc, phase.section.line, still_open == 0, how, phase.section.title, derived=True, titled=True))


class _Generic:
    """The task's generic title words (``Tests`` in a testing project), found once and only if asked."""

    def __init__(self, task: TaskDocs) -> None:
        self.task = task
        self.words: frozenset[str] | None = None

    def __call__(self) -> frozenset[str]:
        if self.words is None:
            self.words = generic_stems(task_refs(self.task))
        return self.words


def _same_phase_conflict(item_id: str, seen: list[Seen], generic_words: _Generic) -> tuple[Seen, Seen] | None:
    """A conflict between statements about one phase: ``Phase 1: Schema`` and ``Phase 1: Emails`` are
    two phases that share a number (rules/core/phase_identity.py); an untitled mention matches either.
    Titles are read only for an id whose statements conflict at all."""
    pair = _conflict(seen)
    if pair is None or not any(s.titled for s in seen):
        return pair
    generic = generic_words()
    titles = [stems_after_id(s.text, item_id) - generic if s.titled else frozenset() for s in seen]
    groups = identity_groups(titles)
    if len(groups) < 2:
        return pair
    for group in groups:
        pair = _conflict([s for s, title in zip(seen, titles, strict=True) if not title or title in group])
        if pair is not None:
            return pair
    return None


def _tracked(seen: Seen) -> bool:
    """A status kept per item or per phase in a checklist or tracker: many conflicts of such statuses
    between two files are one checklist that was not kept up."""
    return seen.checkbox or seen.derived or seen.phase_line


def _plural(how: str) -> str:
    if how.startswith("has "):
        return "have " + how.removeprefix("has ")
    return "are " + how.removeprefix("is ") if how.startswith("is ") else how


def _conflict(seen: list[Seen]) -> tuple[Seen, Seen] | None:
    """The first done/not-done pair across two files, or in one file when a checkbox is involved.

    Whether a pair counts depends only on each side's file, ``derived`` and ``checkbox``, so for each
    done statement the first fitting not-done one is the earliest of the first of each such kind:
    linear in the statements, however often an id is repeated.
    """
    firsts: dict[tuple[int, bool, bool], int] = {}  # (file, derived, checkbox) of a not-done one → first index
    others = [s for s in seen if not s.done]
    for index, other in enumerate(others):
        firsts.setdefault((id(other.doc), other.derived, other.checkbox), index)
    for done in (s for s in seen if s.done):
        fitting = [index for (doc, derived, checkbox), index in firsts.items()
                   if not (done.derived and derived) and (doc != id(done.doc) or done.checkbox or checkbox)]
        if fitting:
            first, second = sorted((done, others[min(fitting)]), key=lambda s: (_ORDER[s.doc.role], s.line))
            return first, second
    return None


_ORDER = {Role.PLAN: 0, Role.CONTEXT: 1, Role.TASKS: 2, Role.EXTRA: 3}
