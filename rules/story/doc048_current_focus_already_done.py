"""DOC048 current-focus-already-done."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import MENTION_RE, phase_key, short
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more, clip, fold
from rules.story._next_steps import Done, done_phases

# "**Current Focus**: Phase 3.3 - Error Handling", "Currently working on: Stage B", "Now: Phase 2"
_FOCUS_RE = re.compile(
    r"^[\s>*_+-]*(?:current(?:ly)?[ ](?:focus|phase|stage|step|work(?:ing[ ]on)?)|now[ ]working[ ]on|working[ ]on"
    r"|focus(?:ing)?[ ](?:on|now))[*_\s]*[:=—–][*_\s]*(.*)$"
)
# A heading over the work under way, whose first line names it: "## Current Active Task",
# "## Currently working on", "## 현재 작업", "## 当前任务" (folded).
_FOCUS_HEADING_RE = re.compile(
    r"^(?:current(?:ly)?[ ](?:active[ ])?(?:task|focus|phase|stage|step|work(?:ing[ ]on)?)|active[ ](?:task|phase)"
    r"|now[ ]working[ ]on|working[ ]on[ ]now|현재[ ]?(?:active[ ]task|작업|진행[ ]?중인[ ]작업|단계|포커스)"
    r"|当前(?:任务|阶段|工作|焦点))\b"
)
_LEAD_REACH = 12  # the phase opens the heading's first line ("**Phase 0 — …**", "- Phase 2: …")
_DONE_RE = re.compile(r"✅|✔|☑|\b(?:complete[d]?|done|finished|released|shipped|merged)\b")


class CurrentFocusAlreadyDone(Rule):
    """A "current focus" line names a phase the folder reports complete.

    Reads ``Current focus:``, ``Current phase:``, ``Currently working on:`` and ``Working on:``
    label lines (outside code) in every file of the task, the folder's readme included, and the
    phases they name (``Phase 3.3``, ``Stage B``); and the first line of text under a current-task
    heading (``## Current Active Task``, ``## 현재 작업``, ``## 当前任务``) when it opens with a phase.
    A phase is reported complete by a ``✅ COMPLETE`` phase heading, a status line of plan, context or
    tasks (``Status: Phase 3 complete``) or a phase tracker's line (``- Phase 3 — Reporting:
    **DONE**``); a sub-phase is complete when its phase is (``3.3`` of a complete ``Phase 3``). A line
    that itself says the phase is done (``Current phase: Phase 3 ✅ COMPLETE``) is left alone. A file
    with several such lines (a log that kept each session's focus) gets one finding at the first,
    naming the others, deducting what they would one by one.

    Why: the current-focus line is where a resuming reader (or agent) starts. When it names a phase
    that is finished, the next session reopens closed work instead of picking up what comes next.

    Bad:
        **Current Focus**: Phase 2 - Import
        …
        ## Phase 2: Import ✅ COMPLETE

    Good:
        **Current Focus**: Phase 3 - Reporting
        …
        ## Phase 2: Import ✅ COMPLETE
    """

    code = "DOC048"
    name = "current-focus-already-done"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A current-focus line naming finished work sends the next session back to closed work."
    fix = "Point the current-focus line at the work that comes next (or say the work is finished)."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        done = done_phases(task)
        if not done:
            return
        for doc in task.documents:
            stale = sorted(set(_stale_focus(doc, done)), key=lambda found: found[0])
            if not stale:
                continue
            line, phase, (where, at) = stale[0]
            message = (f"{short(doc.line_text(line))!r} names {phase} as the current focus, but "
                       f"{where.name}:{at} reports it complete.")
            if len(stale) > 1:  # a log that kept each session's focus line: one problem, every place
                others = ", ".join(f"line {n} ({p})" for n, p, _ in stale[1:4]) + and_more(len(stale) - 1, 3)
                message = message[:-1] + f"; so do {others}."
            related = [place for n, _p, done_at in stale for place in ((doc, n), done_at)]
            yield self.finding(task, doc, line, message, key=f"{doc.name}:{phase}", related=related,
                               penalty=self.grouped_penalty(len(stale)))


def _stale_focus(doc: Document, done: Done) -> Iterator[tuple[int, str, tuple[Document, int]]]:
    yield from _stale_focus_lines(doc, done)
    yield from _stale_focus_sections(doc, done)


def _stale_focus_sections(doc: Document, done: Done) -> Iterator[tuple[int, str, tuple[Document, int]]]:
    """A current-task heading whose first line of text names a phase the folder reports complete."""
    for section in doc.sections:
        title = fold(section.title.strip(" *_#:"))
        if _FOCUS_HEADING_RE.match(title) is None or _DONE_RE.search(title):
            continue
        first = next((n for n in range(section.line + 1, section.end_line + 1)
                      if doc.lines[n - 1].strip() and n not in doc.code_lines), None)
        if first is None or doc.lines[first - 1].lstrip().startswith("#"):
            continue  # a sub-heading: the section names no work of its own
        text = clip(doc.lines[first - 1])
        mention = MENTION_RE.search(text)
        if mention is None or mention.start() > _LEAD_REACH or _DONE_RE.search(fold(text)):
            continue
        if (stale := _reported_done(mention, done)) is not None:
            yield first, *stale


def _stale_focus_lines(doc: Document, done: Done) -> Iterator[tuple[int, str, tuple[Document, int]]]:
    for number, raw in enumerate(doc.lines, start=1):
        if number in doc.code_lines or ("urrent" not in raw and "orking on" not in raw and "ocus" not in raw):
            continue
        focus = _FOCUS_RE.match(fold(clip(raw)))
        if focus is None or _DONE_RE.search(focus.group(1)):
            continue
        mention = MENTION_RE.search(clip(raw), focus.start(1))
        if mention is not None and (stale := _reported_done(mention, done)) is not None:
            yield number, *stale


def _reported_done(mention: re.Match[str], done: Done) -> tuple[str, tuple[Document, int]] | None:
    """The phase *mention* names and where the folder reports it (or the phase it is part of) complete."""
    key = phase_key(mention)
    part = key.split(" ", 1)[1]
    reported = done.get(part) or done.get(part.split(".")[0])
    return (key, reported) if reported is not None else None
