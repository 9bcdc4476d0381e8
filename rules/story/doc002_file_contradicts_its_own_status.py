"""DOC002 file-contradicts-its-own-status."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.story import State, Statement, core_documents, file_statements, open_work, overall
from rules.story._common import quote

_STAGE = {State.NOT_STARTED: 0, State.PLANNING: 0, State.IN_PROGRESS: 1, State.BLOCKED: 1, State.REVIEW: 2,
          State.DONE: 3}


class FileContradictsItsOwnStatus(Rule):
    """A file's header and footer give two different statuses, or its status says done over its
    own open boxes.

    Compares the status statements at the top of a file (``Status:`` lines, a title badge, a
    progress summary) with those in its footer (after the last rule, or the last lines: a closing
    ``Status:`` line, ``Last Updated: … (Phases 2 & 3 complete)``). Reports when they put the
    whole work at different stages (planning vs done), or name different phases as complete
    (header: Phase 1A complete; footer: Phases 2 and 3 complete). Also reports a file whose own
    status says the whole work is done (``Status: ✅ COMPLETE``, ``Completed: 2026-01-09``) while
    its own boxes are still open (deferred ones and those under future / follow-up headings aside).

    Why: a reader who stops at the header and one who jumps to the footer come away with two
    different stories. One of the two places was not updated, and the file no longer says which.

    Bad:
        **Status**: Phase 1 complete, ready for testing
        …
        **Last Updated**: 2026-01-09 (Phases 2 & 3 complete)

    Good:
        **Status**: Phases 1–3 complete, ready for testing
        …
        **Last Updated**: 2026-01-09 (Phases 2 & 3 complete)
    """

    code = "DOC002"
    name = "file-contradicts-its-own-status"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A header and a footer that give different statuses tell two readers two different stories."
    fix = "Update the stale status (usually the header) so the top and the bottom of the file agree."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in core_documents(task):
            statements = file_statements(doc)
            header = [s for s in statements if s.place == "header" and s.kind != "progress"]
            footer = [s for s in statements if s.place == "footer"]
            for top in header:
                clash = next((bottom for bottom in footer if _clash(top, bottom)), None)
                if clash is None:
                    continue
                message = (f"{doc.name} says {quote(top.words)} at line {top.line} but {quote(clash.words)} "
                           f"in its footer ({doc.name}:{clash.line}).")
                yield self.finding(task, doc, top.line, message, key=f"{doc.name}:{top.words}",
                                   related=[(doc, clash.line)])
                break
            else:
                yield from self._done_over_own_open_boxes(task, doc)

    def _done_over_own_open_boxes(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        """``Status: ✅ COMPLETE`` at the top of a file whose own boxes are still open (when the tasks
        file is another file with open work, the disagreement between files is DOC001's)."""
        said = own_done_status(task, doc)
        if said is None:
            return
        if still_open := open_work(doc):
            first = still_open[0]
            message = (f"{doc.name} says the work is done ({quote(said.words)}) at line {said.line}, but "
                       f"{len(still_open)} of its own boxes are open (first: {quote(first.text, 50)} at "
                       f"{doc.name}:{first.line}).")
            yield self.finding(task, doc, said.line, message, key=f"{doc.name}:done-over-open",
                               related=[(doc, i.line) for i in still_open[:20]])


def own_done_status(task: TaskDocs, doc: Document) -> Statement | None:
    """*doc*'s own status saying the whole work is done, when its own open boxes are held against it
    (here and by DOC062): not a progress figure, and the tasks file is no other file with open work
    (that disagreement is DOC001's)."""
    said = overall(doc)
    if said is None or said.state is not State.DONE or said.kind == "progress":
        return None
    if task.tasks is not None and task.tasks is not doc and open_work(task.tasks):
        return None
    return said


def _clash(top: Statement, bottom: Statement) -> bool:
    if top.scoped and bottom.scoped:
        return bool(top.done_parts and bottom.done_parts and not set(bottom.done_parts) <= set(top.done_parts))
    if top.scoped or bottom.scoped:
        return False
    return _STAGE[top.state] != _STAGE[bottom.state]
