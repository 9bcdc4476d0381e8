"""DOC054 open-status-in-finished-work."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Status, StatusMark, TaskDocs
from rules.core.phases import ancestors, short
from rules.core.rule import Rule, RuleContext
from rules.core.state import finished
from rules.core.story import core_documents, overall
from rules.core.text import and_more
from rules.core.vocabulary import STATUS_LABELS

_OPEN = frozenset({Status.NOT_STARTED, Status.PENDING, Status.IN_PROGRESS, Status.BLOCKED})
# A labelled status line of one part of the work: "- Status: NOT STARTED", "**Status**: Pending".
_STATUS_LINE_RE = re.compile(rf"(?i)^[\s>*_-]*(?:status|{'|'.join(STATUS_LABELS)})[*_\s]*[:：]")  # "- 상태: 미착수"
# Sections whose statuses are history or still to come: a log, a changelog, future work, a legend.
_ASIDE_TITLE_RE = re.compile(r"(?i)\b(?:log|history|changelog|archive|previous|future|later|backlog|follow[- ]?ups?"
                             r"|optional|deferred|out of scope|next|legend|template|example)\b")


class OpenStatusInFinishedWork(Rule):
    """The work is finished, but ``Status:`` lines of its parts still say not started or in progress.

    Applies when the work is finished (archived, declared done with nothing saying otherwise, or
    every box of work ticked: rules/core/state.py). Reads the labelled ``Status:`` lines (``상태:``,
    ``Estado:``: the vocabulary's status labels) of plan,
    context and tasks that describe one part of the work (a file to change, a step, a component),
    not the file's own overall status (DOC001/DOC002 compare those), and reports the ones that still
    say not started, pending, in progress or blocked. Lines in logs, history, future-work, next-step
    or legend sections are left out. One finding per file, listing every such line.

    Why: when the work is over, a part still marked NOT STARTED tells the next reader that it was
    skipped. Either the status was never updated, and the record is wrong, or the part really was
    skipped, and the folder should not call the work finished.

    Bad:
        dev/done/cerebras/cerebras-context.md:
            **`pyproject.toml`**
            - Planned change: add the provider dependency
            - Status: NOT STARTED

    Good:
        dev/done/cerebras/cerebras-context.md:
            **`pyproject.toml`**
            - Change: added the provider dependency
            - Status: DONE (step 1.1)
    """

    code = "DOC054"
    name = "open-status-in-finished-work"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A part still marked not started in finished work reads as skipped, or the record is wrong."
    fix = "Update each part's Status line to what happened (done, dropped, moved) or remove the per-part statuses."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        evidence = finished(task)
        if evidence is None:
            return
        for doc in core_documents(task):
            stale = _open_part_statuses(doc)
            if not stale:
                continue
            first = stale[0]
            shown = "; ".join(f"line {m.line} {short(m.text, 50)!r}" for m in stale[:3])
            yield self.finding(
                task, doc, first.line,
                f"The work is finished ({evidence.reason}), but {len(stale)} status line"
                f"{'s' if len(stale) > 1 else ''} in {doc.name} still "
                f"{'say' if len(stale) > 1 else 'says'} the part is open: {shown}{and_more(len(stale), 3)}.",
                key="open-part-status", related=[(doc, m.line) for m in stale[1:10]],
                effort_minutes=min(20, 3 + 2 * len(stale)),
            )


def _open_part_statuses(doc: Document) -> list[StatusMark]:
    stated = overall(doc)
    header = stated.line if stated is not None else None
    found = []
    for mark in doc.statuses:
        if (mark.status not in _OPEN or mark.in_heading or mark.in_checkbox or mark.line == header
                or mark.line in doc.code_lines or not _STATUS_LINE_RE.match(mark.text)):
            continue
        if any(_ASIDE_TITLE_RE.search(s.title) for s in ancestors(doc, doc.section_index(mark.line))):
            continue
        found.append(mark)
    return found
