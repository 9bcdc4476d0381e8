"""DOC010 superseded-snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._fresh import MAX_PER_FILE, core_docs, in_role_category
from rules.story._snapshots import Snapshot, snapshots


class SupersededSnapshot(Rule):
    """A measurement (tests passing, TypeScript errors, coverage) is stated twice in one file under
    two dates with different values, and the older one sits in current-state text.

    Both statements must name the same subject ("unit tests passing", "lint errors", "branch
    coverage") and carry a date: the entry line's own (``- **2025-03-02:** 20/20 passing``) or
    that of the nearest heading with a date. The older one is reported only when it stands in a
    section about the current state (current, status, summary, quick resume) rather than in a
    log or history, where old figures belong. At most 20 findings per file. Reported under the
    category of the file it is in.

    Why: a session note appended under the status instead of replacing it leaves two answers to
    "where do we stand?". A reader who stops at the first one works from an old figure: fixes
    tests that already pass, or believes a build is green that is not.

    Bad:
        ## Current Status
        - **2025-03-01:** 17/20 tests passing
        - **2025-03-04:** 20/20 tests passing

    Good:
        ## Current Status (2025-03-04)
        20/20 tests passing

        ## Session Log
        - 2025-03-01: 17/20 tests passing
    """

    code = "DOC010"
    name = "superseded-snapshot"
    category = Category.CONTEXT
    severity = Severity.MEDIUM
    rationale = "An older figure left as current beside a newer one gives two answers to where the work stands."
    fix = "Replace the older figure with the newer one, or move it to a dated log below the current state."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_docs(task):
            for old, new in islice(_superseded(doc), MAX_PER_FILE):
                message = (f"{old.text!r} (as of {old.date}) is still in current-state text, but line {new.line} "
                           f"gives {new.text!r} as of {new.date}.")
                finding = self.finding(task, doc, old.line, message, key=f"{old.subject}:{old.value}:{old.date}",
                                       related=[(doc, new.line)])
                yield in_role_category(finding, doc)


def _superseded(doc: Document) -> Iterator[tuple[Snapshot, Snapshot]]:
    """(older current-state snapshot, newest snapshot of the same subject) pairs of *doc*."""
    by_subject: dict[str, list[tuple[dt.date, Snapshot]]] = {}
    for snap in snapshots(doc):
        if snap.date is not None:
            by_subject.setdefault(snap.subject, []).append((snap.date, snap))
    for found in by_subject.values():
        newest_date, newest = max(found, key=lambda pair: pair[0])
        for date, snap in found:
            if snap.current and date < newest_date and snap.value != newest.value:
                yield snap, newest
