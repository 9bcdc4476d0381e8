"""DOC012 creation-stamp-outdated."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import clip, days
from rules.story._fresh import core_docs, updated_on

# A stamp that says the document was only just written.
_CREATION_RE = re.compile(
    r"(?i)\b(?:initial(?:ly)?\s(?:creation|draft|version|write-?up|setup)|first\sdraft|just\screated|"
    r"newly\screated|v?0\.1\b[^\n]{0,20}?\bdraft|draft\s\(?v?0\.1)\b"
)
_NOTE_LABEL_RE = re.compile(r"(?i)^[\s>*_#|-]*(?:version|revision|status|doc(?:ument)?\sstatus)\b[\s*_]*[:：]")
_NOTE_REACH = 2  # a version or status note within this many lines of the Last Updated line counts


class CreationStampOutdatedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_later: int = Field(7, ge=1, description="Days after the stamp from which a newer file alone is "
                                                     "enough (before that, it must also record finished work).")


class CreationStampOutdated(Rule):
    """A file still stamped as just created ("Last Updated: … (initial creation)", "v0.1 draft")
    while another file of the folder was updated later and moved on.

    Reported when another of the plan, context and tasks has a later ``Last Updated`` date and
    either that date is at least ``min_days_later`` days after the stamp, or that file records
    finished work (a ticked box or a complete status). One finding per stamped file, on its stamp.

    Why: the stamp tells the reader the file is a first draft written before any work. When the
    rest of the folder has since recorded progress, the stamp says the file was never revisited:
    its phases, estimates and next steps are the day-one guesses.

    Bad:
        sync-plan.md:     Last Updated: 2025-12-04 (initial creation)
        sync-context.md:  Last Updated: 2025-12-09 — Phase 1 complete

    Good:
        sync-plan.md:     Last Updated: 2025-12-09 (Phase 1 done; Phase 2 re-estimated)
        sync-context.md:  Last Updated: 2025-12-09 — Phase 1 complete

    Options:
        min_days_later: days after which a later file alone is enough (default 7).
    """

    code = "DOC012"
    name = "creation-stamp-outdated"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A file still stamped as a first draft while the folder moved on was never revisited."
    fix = "Review the file against the work done since, update it and replace the creation note with a current one."
    effort_minutes = 15
    Options = CreationStampOutdatedOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        for doc in docs:
            stamp = _creation_stamp(doc)
            stamped_on = updated_on(doc)
            if stamp is None or stamped_on is None:
                continue
            later = [(other, date) for other in docs
                     if other is not doc and (date := updated_on(other)) is not None and date > stamped_on]
            moved = [(other, date) for other, date in later
                     if (date - stamped_on).days >= self.options.min_days_later or _records_done_work(other)]
            if not moved:
                continue
            other, date = max(moved, key=lambda pair: pair[1])
            done = " and records finished work" if _records_done_work(other) else ""
            message = (f"{doc.name} is still stamped as just created ({clip(doc.line_text(stamp).strip())!r}) "
                       f"while {other.name} was updated {date.isoformat()}, {days((date - stamped_on).days)} "
                       f"later{done}.")
            ref = other.last_updated
            yield self.finding(task, doc, stamp, message, key=doc.role.value,
                               related=[(other, ref.line)] if ref is not None else [])


def _creation_stamp(doc: Document) -> int | None:
    """The line of the document's creation note: on its Last Updated line or a version/status
    note right beside it."""
    ref = doc.last_updated
    if ref is None:
        return None
    for number in range(ref.line - _NOTE_REACH, ref.line + _NOTE_REACH + 1):
        text = doc.line_text(number)
        if (number == ref.line or _NOTE_LABEL_RE.match(text)) and _CREATION_RE.search(text):
            return number
    return None


def _records_done_work(doc: Document) -> bool:
    return any(item.checked for item in doc.items) or any(mark.status.is_done for mark in doc.statuses)
