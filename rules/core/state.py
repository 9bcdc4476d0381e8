"""The state of the work as the folder shows it: finished, fresh (not started yet) or under way.

Expectations follow the state as they follow the size (``rules/core/size.py``): a reviewer does not
ask finished work for a schedule, nor a set of docs written this morning for a session log.

**Finished** (:func:`finished`), strongest evidence first:

1. the task is archived (under ``dev/archive``, ``dev/completed`` and the other archive roots);
2. a file's overall status says the work is done (``Status: ✅ Complete``, a title badge, ``6/6``)
   and nothing in the folder says otherwise: no open box of work left in the tasks file, no other
   file's overall status short of done (the story model's *settled* declaration,
   ``rules/core/story.py``);
3. every box of work in the tasks file is ticked (boxes set aside — optional, deferred, under a
   "Future" heading — left out), at least one is, no phase heading of the plan or tasks is marked
   open (``⏳``, ``🟡``), and the files' overall statuses agree: each says done (or waiting for
   review), or one says done and none still says planned or not started (a stale "In Progress"
   elsewhere is the status rules' finding, not work left; a plan still "Planning" was never
   revisited, so what it lacks still misleads its reader).

Finished work no longer needs forward-looking planning: estimates, a timeline, phase durations and
status, a risk register, success metrics, dependencies.

**Fresh** (:func:`fresh`): not archived, no box of the tasks file is ticked (a context's ticked
"docs written" list is not work), no phase is marked complete or under way (as a heading or a row
of a table of phases, sprints or tasks), no file's overall status says the work has begun, and the folder says
so: some file states it is planned, a draft or not started, or the tasks file holds open boxes only.
Fresh work does not yet need a context's living state (a Last Updated stamp, next steps, a session
log): at most info.

Everything else (and a folder that shows no state) is **under way**, reviewed as before. Pure,
linear in the documents, computed once per task (``TaskDocs.derive``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rules.core._story_words import State
from rules.core.finding import Finding, Severity
from rules.core.model import Status, TaskDocs
from rules.core.rule import Rule
from rules.core.sections import phase_sections
from rules.core.story import BEGUN_MARKS, core_documents, open_work, overall, story, work_rows

__all__ = ["StateEvidence", "WorkState", "finished", "fresh", "scaled_to_state", "work_state"]

_OPEN_PHASE = frozenset({Status.PENDING, Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED})
_NOT_BEGUN = frozenset({State.NOT_STARTED, State.PLANNING})
_FINISHED_STATES = frozenset({State.DONE, State.REVIEW})  # REVIEW: implemented, waiting for a merge


class WorkState(enum.StrEnum):
    FINISHED = "finished"
    UNDER_WAY = "under_way"
    FRESH = "fresh"


@dataclass(frozen=True, slots=True)
class StateEvidence:
    """The state and why: ``reason`` completes "The work is finished: …" in a message."""

    state: WorkState
    reason: str = ""


def work_state(task: TaskDocs) -> StateEvidence:
    """Where the work stands (module docstring), computed once per task."""
    return task.derive(_work_state)


def finished(task: TaskDocs) -> StateEvidence | None:
    """The evidence that the work is finished, else ``None``."""
    found = work_state(task)
    return found if found.state is WorkState.FINISHED else None


def fresh(task: TaskDocs) -> StateEvidence | None:
    """The evidence that the work has not started yet, else ``None``."""
    found = work_state(task)
    return found if found.state is WorkState.FRESH else None


def scaled_to_state(rule: Rule, task: TaskDocs, findings: Iterable[Finding], *, when: WorkState,
                    cap: Severity = Severity.INFO) -> Iterator[Finding]:
    """*findings* of *rule*, at most *cap* when the work is in state *when* (their message says why);
    as they are otherwise, or when the repository config sets the rule's severity."""
    found = work_state(task)
    what = "has not started yet" if when is WorkState.FRESH else "is finished"
    return rule.capped(findings, f"The work {what} ({found.reason})" if found.state is when else None, cap)


def _work_state(task: TaskDocs) -> StateEvidence:
    if task.archived:
        return StateEvidence(WorkState.FINISHED, f"the task is archived under {task.root}")
    docs = core_documents(task)
    statements = [(doc, s) for doc in docs if (s := overall(doc)) is not None]
    told = story(task)
    if told.settled and told.evidence is not None and told.evidence_doc is not None:
        return StateEvidence(WorkState.FINISHED, f"{told.evidence_doc.name} says {told.evidence.words!r}")
    phase_marks = [p.status for doc in docs for p in phase_sections(doc) if p.status is not None]
    tasks = task.tasks
    if (tasks is not None and any(item.checked for item in tasks.items) and not open_work(tasks)
            and (all(s.state in _FINISHED_STATES for _doc, s in statements)
                 or (any(s.state is State.DONE for _doc, s in statements)
                     and not any(s.state in _NOT_BEGUN for _doc, s in statements)))
            and not any(mark in _OPEN_PHASE for mark in phase_marks)):
        done = sum(1 for item in tasks.items if item.checked)
        return StateEvidence(WorkState.FINISHED, f"every box of work in {tasks.name} is ticked ({done})")
    if ((tasks is not None and any(item.checked for item in tasks.items))
            or any(mark in BEGUN_MARKS for mark in phase_marks)
            or any(s.state not in _NOT_BEGUN for _doc, s in statements)
            or any(work_rows(doc) for doc in docs)):
        return StateEvidence(WorkState.UNDER_WAY)
    if statements:
        doc, statement = statements[0]
        return StateEvidence(WorkState.FRESH, f"{doc.name} says {statement.words!r} and no box is ticked")
    if tasks is not None and tasks.items:
        return StateEvidence(WorkState.FRESH, f"none of the {len(tasks.items)} boxes of {tasks.name} is ticked")
    return StateEvidence(WorkState.UNDER_WAY)
