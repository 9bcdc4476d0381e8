"""CTX001 missing-last-updated."""

from __future__ import annotations

from collections.abc import Iterator

from rules.context._common import STATE
from rules.core.extract import parse_date
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, TaskDocs
from rules.core.phases import short
from rules.core.rule import Rule, RuleContext
from rules.core.sections import anchor_line, header_date, headings, newest_log_entry
from rules.core.state import WorkState, scaled_to_state
from rules.core.text import strip_comments


class MissingLastUpdated(Rule):
    """The context has no ``Last Updated:`` line, or its value is not a date.

    Recognised labels: ``Last Updated``, ``Updated``, ``Last Modified``, ``Date Updated``; values in
    ISO form (``2026-01-14``), ``Jan 14, 2026`` or ``14 January 2026``, optionally followed by a
    time or a note. A context whose header (before its first section, or a first section of only
    ``Label: value`` lines) carries another labelled date — ``Date:``, ``Created:``, ``Started:``,
    ``Completed:`` — is dated: a one-session record is dated by its session. One dated only by a
    current-state heading (``## Session Progress (2026-01-14)``) is reported as low: the heading says
    when that session's notes began, not whether the file moved on since. A context kept as a session
    log (``progress.md``, ``log.md``: the folder's context without being named so) whose entries are
    dated headings (``## Session: 2026-01-14``) needs no stamp: its newest entry dates it. The label
    may be written in the team's language (``最后更新：``, ``최종 업데이트:``, ``Ostatnia
    aktualizacja:``). An archived task's context needs no ``Last Updated`` (CTX002 skips it too): it is
    a record, no longer resumed; but one with no date at all (or only a ``Started:`` date) is
    reported as low: the record cannot say when the work finished. For fresh work (no box
    ticked, the files say planned or not started: rules/core/state.py) a missing stamp is info: the
    context has no living state to date yet, but should gain one with the first session.

    Why: the context file is where the next session resumes. Without a date nobody can tell
    whether it describes today's code or last month's, and staleness cannot be checked.

    Bad:
        # Auth — Context
        Last Updated: after the refactor

    Good:
        # Auth — Context
        **Last Updated:** 2026-01-14
    """

    code = "CTX001"
    name = "missing-last-updated"
    category = Category.CONTEXT
    severity = Severity.HIGH
    rationale = "Without a Last Updated date nobody can tell whether the context is current."
    fix = "Add `**Last Updated:** YYYY-MM-DD` under the title and refresh it every session."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None:
            return
        if task.archived and doc.last_updated is None:
            yield from self._undated_record(task, doc)
            return
        ref = doc.last_updated
        if ref is None and header_date(doc) is not None:
            return  # dated by its header (``Date: 2025-11-16``): the session's date is the file's date
        if ref is None and newest_log_entry(doc) is not None:
            return  # a session log (``progress.md``, ``log.md``) dated entry by entry: its newest is its date
        if ref is None and (dated := _dated_state_heading(doc)) is not None:
            yield from self._heading_dated_only(task, doc, dated)
            return
        if ref is None:
            message = f"Context {doc.name!r} has no `Last Updated:` line."
            missing = self.finding(task, doc, anchor_line(doc), message, key="missing")
            yield from scaled_to_state(self, task, [missing], when=WorkState.FRESH)  # nothing to date yet
        elif ref.date is None:
            value = strip_comments(ref.raw).strip()
            yield self.finding(task, doc, ref.line, f"`Last Updated:` value {value!r} is not a date.",
                               key="not-a-date", fix="Write the date as `YYYY-MM-DD` (e.g. `2026-01-14`).")


    def _heading_dated_only(self, task: TaskDocs, doc: Document, heading: Section) -> Iterator[Finding]:
        """The state is dated where it is written, so a reader can place it; but the heading's date is
        that of the session it opened, and nothing says whether the file moved on since: low."""
        title = short(heading.title, 60)
        message = (f"Context {doc.name!r} has no `Last Updated:` line; only its heading {title!r} carries a "
                   "date, which says when that session's notes began, not when the file last changed.")
        finding = self.finding(task, doc, heading.line, message, key="heading-dated-only", severity=Severity.LOW)
        yield from scaled_to_state(self, task, [finding], when=WorkState.FRESH)

    def _undated_record(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        """An archived context is history, not resumed (CTX002 skips it): it needs no Last Updated,
        but a record with no date at all (or nothing but a start date) cannot say when the work
        finished or how old its decisions are."""
        started = {ref.line for ref in doc.dates if ref.label in _START_LABELS}
        if any(parse_date(text) for number, text in enumerate(doc.lines, 1) if number not in started):
            return  # a completion date, a dated session or decision, in any wording or language
        message = (f"Archived context {doc.name!r} never says when the work finished: no `Last Updated:`, "
                   "completion date or any other date.")
        yield self.finding(task, doc, anchor_line(doc), message, key="undated-record", severity=Severity.LOW,
                           fix="Add `**Completed:** YYYY-MM-DD` (or a `Last Updated:` line) under the title.")


_START_LABELS = frozenset({"started", "start date", "created", "date created", "start"})


def _dated_state_heading(doc: Document) -> Section | None:
    """The first current-state heading that carries a date (``## Session Progress (2025-12-10)``)."""
    return next((section for section in headings(doc, STATE) if parse_date(section.title) is not None), None)
