"""CTX003 missing-current-state."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.context._common import STATE, has_section
from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import anchor_line, newest_log_entry, title_section
from rules.core.state import WorkState, scaled_to_state
from rules.core.story import overall

# "Known limitations / TODO": a list of things to do is not a status marker on a heading.
_TODO_RE = re.compile(r"(?i)\bto-?do\b|\bto do\b")
_WORD_RE = re.compile(r"\w+")


class MissingCurrentState(Rule):
    """The context has no current-state section: where the work stands right now.

    Recognised headings: Current State / Status, Session Progress, Progress, Status, Where We Are,
    State of Play, Implementation Summary, Handoff Notes (also numbered or with a translation:
    ``## 2. 현재 상태 (Current State)``). A ``Current state: …`` line in a short headingless
    context counts, and so does a ``Status:`` line at the top that says more than one status word
    (``**Status:** Configuration complete - manual testing pending``), and so do headings carrying
    status markers (``### Phase 2 ✅ COMPLETE``; not a
    "TODO" heading, a list of things to do). A context kept as a session log (``progress.md``,
    ``log.md``) whose entries are dated headings (``## Session: 2026-01-14``) says where the work
    stands in its newest entry. For
    fresh work (no box ticked, the files say planned or not started: rules/core/state.py) the
    finding is info: before the first session there is no state to record beyond "not started". Not
    asked of an archived task: the archive says where the work stands, and no session resumes it.

    Why: the context is the resume point. Without a current state the next session re-reads the
    code to find out what is done, what is half-done and what is broken.

    Bad:
        # Auth — Context
        ## Key Files
        ## Decisions

    Good:
        # Auth — Context
        ## Current State
        Login form merged (commit 4f2a9c1); session refresh in progress, tests failing on expiry.
    """

    code = "CTX003"
    name = "missing-current-state"
    category = Category.CONTEXT
    severity = Severity.HIGH
    rationale = "Without a current state the next session cannot tell what is done, in progress or broken."
    fix = "Add a `## Current State` section: what is done, what is in progress, what is broken."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None or task.archived or has_section(doc, STATE, min_words=4):
            return  # an archived task's state is its folder: finished
        if newest_log_entry(doc) is not None:
            return  # a session log says where the work stands in its newest dated entry
        title = title_section(doc)
        if any(s.status is not None and not _TODO_RE.search(s.title) for s in doc.sections if s is not title):
            return  # a heading marked done, in progress or pending says where that part stands
        stated = overall(doc)
        if stated is not None and stated.kind == "label" and len(_WORD_RE.findall(stated.words)) >= 3:
            return  # "Status: Configuration complete, manual testing pending": the state, in a line
        finding = self.finding(task, doc, anchor_line(doc),
                               f"Context {doc.name!r} has no current-state section (where the work stands).",
                               key="current-state")
        yield from scaled_to_state(self, task, [finding], when=WorkState.FRESH)  # nothing has happened yet
