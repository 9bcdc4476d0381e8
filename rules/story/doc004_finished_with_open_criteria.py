"""DOC004 finished-with-open-criteria."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Section, TaskDocs
from rules.core.phases import MENTION_RE, ancestors, is_deferred_phase, phase_key
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents, set_aside, story
from rules.story._common import blocker_notes, criteria_blocks, finished_how, quote, where
from rules.story._next_steps import Done, done_phases

_MAX_PLACES = 20  # open criteria named as related places
_MAX_BLOCKERS = 5  # a folder with more open blockers than this has one story to tell, not fifty
_CRITERIA_TITLE_RE = re.compile(r"(?i)criteria|definition of done|done when")


class FinishedWithOpenCriteria(Rule):
    """A finished or archived task still has open Definition of Done items, success criteria or
    blockers.

    Applies when the folder is archived (``dev/archive``, ``dev/completed``, …) or a file's
    overall status declares the work done and nothing else in the folder disputes it (a dispute
    is DOC001's finding). Reports each Definition of Done / success criteria / success metrics /
    acceptance criteria section whose checkboxes are still open (deferred, optional and
    struck-through items aside), and each blocker still described as open. While the task is
    under way, a criteria section headed with one phase (``### Should Have (Phase 2)`` under
    ``## Success Criteria``) that the folder reports complete (a ``✅ COMPLETE`` phase heading, a
    status line) with boxes still open is reported too (low); optional / nice-to-have ones aside.

    Why: the criteria are how the work was meant to be proven finished. Closing the task with them
    open either hides work that was never verified or leaves a record that says it was not; an
    open blocker in a closed task leaves readers unsure whether the feature works at all.

    Bad:
        dev/archive/search/search-plan.md
        ## Success Criteria
        - [ ] Results in under 200 ms
        - [ ] Typos still find the article

    Good:
        dev/archive/search/search-plan.md
        ## Success Criteria
        - [x] Results in under 200 ms (p95 140 ms, see tasks)
        - [ ] ~~Typos still find the article~~ (moved to #412)
    """

    code = "DOC004"
    name = "finished-with-open-criteria"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A task closed with its criteria or blockers open was never shown to be finished."
    fix = "Tick the criteria that were met (with the evidence), and strike or move the rest to a follow-up."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        told = story(task)
        if not told.settled:
            yield from self._phases_done_with_open_criteria(task)
            return
        how = finished_how(task, told)
        claim = [(told.evidence_doc, told.evidence.line)] if told.evidence_doc and told.evidence else []
        for doc in core_documents(task):
            counted = [(b, [i for i in b.items if not set_aside(i)]) for b in criteria_blocks(doc)]
            opened = [(b, items, still) for b, items in counted if (still := [i for i in items if not i.checked])]
            if not opened:
                continue
            block, items, still_open = min(opened, key=lambda found: found[0].line)
            first = still_open[0]
            total = sum(len(s) for _b, _i, s in opened)
            more = f"; {total} open in {len(opened)} criteria lists of {doc.name}" if len(opened) > 1 else ""
            message = (f"{block.title!r} has {len(still_open)} of {len(items)} criteria still open "
                       f"(first: {quote(first.text, 50)} at {where(doc, first.line)}{more}), but the task is {how}.")
            places = [(doc, i.line) for _b, _items, still in opened for i in still][:_MAX_PLACES]
            yield self.finding(task, doc, block.line, message, key=f"{doc.name}:criteria", related=[*places, *claim])
        for note in [n for n in blocker_notes(task) if not n.none][:_MAX_BLOCKERS]:
            message = f"A blocker is still described as open ({quote(note.text)}), but the task is {how}."
            yield self.finding(task, note.doc, note.line, message, key=f"blocker:{note.doc.name}:{note.text[:40]}",
                               related=claim)

    def _phases_done_with_open_criteria(self, task: TaskDocs) -> Iterator[Finding]:
        """Criteria headed with one phase (``### Should Have (Phase 2)``) that the folder reports
        complete, while boxes under them are still open (the task itself still under way)."""
        done = done_phases(task)
        if not done:
            return
        for doc in core_documents(task):
            for section, phase, still_open, items in _phase_criteria(doc, done):
                where_done, at = done[phase]
                message = (f"{section.title!r} has {len(still_open)} of {len(items)} criteria still open (first: "
                           f"{quote(still_open[0].text, 50)} at {where(doc, still_open[0].line)}), but "
                           f"{where(where_done, at)} reports Phase {phase} complete.")
                yield self.finding(task, doc, section.line, message, key=f"{doc.name}:criteria:{phase}",
                                   severity=Severity.LOW,
                                   related=[*((doc, i.line) for i in still_open[:_MAX_PLACES]), (where_done, at)])


def _phase_criteria(doc: Document, done: Done) -> Iterator[tuple[Section, str, list[CheckItem], list[CheckItem]]]:
    """Sections of criteria (titled so, or under such a title) naming exactly one phase the folder
    reports complete, with their open boxes; optional / nice-to-have ones left out."""
    for section in doc.sections:
        if not in_criteria_title(doc, section) or is_deferred_phase(doc, section):
            continue
        named = {phase_key(m).split(" ", 1)[1] for m in MENTION_RE.finditer(section.title)}
        if len(named) != 1 or (phase := next(iter(named))) not in done:
            continue
        items = [i for i in doc.items_in(section) if not set_aside(i)]
        still_open = [i for i in items if not i.checked]
        if still_open:
            yield section, phase, still_open, items


def in_criteria_title(doc: Document, section: Section) -> bool:
    """The section or one enclosing it is titled as criteria (success, acceptance, definition of done)."""
    return any(_CRITERIA_TITLE_RE.search(s.title) for s in ancestors(doc, doc.section_index(section.line)))
