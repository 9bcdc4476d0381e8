"""DOC005 no-blockers-contradicted."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.story._common import blocker_notes, quote, where


class NoBlockersContradicted(Rule):
    """A file says there are no blockers while another place in the folder describes one.

    A "no blockers" statement is a ``Blockers: none`` line or a Blockers section that says there
    are none. A described blocker is a ``Blocker: …`` / ``[Blocker] …`` line, an item of a
    Blockers section, or a table row with a value in its Blocker column or "Blocked" in its Status
    column (``| 5.1 HTTPS | Blocked | Needs the production host |``), that is not marked resolved and
    is not a hypothetical ("if the API changes, we could be blocked").

    Why: "no blockers" is the line a lead reads to decide whether to step in. When the folder
    describes a blocker elsewhere, one of the two is stale and the blocker may go unescalated.

    Bad:
        upload-context.md:  ## Blockers
                            - Waiting for the storage team to raise the bucket quota
        upload-tasks.md:    **Blockers:** None

    Good:
        upload-tasks.md:    **Blockers:** bucket quota (see context)
    """

    code = "DOC005"
    name = "no-blockers-contradicted"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A 'no blockers' line beside a described blocker hides the blocker from whoever reads it."
    fix = "Record the blocker where the file says there are none, or mark it resolved where it is described."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        notes = blocker_notes(task)
        described = [n for n in notes if not n.none]
        if not described:
            return
        for note in notes:
            if not note.none:
                continue
            other = described[0]
            message = (f"{note.doc.name} says there are no blockers ({quote(note.text)}), but "
                       f"{where(other.doc, other.line)} describes one: {quote(other.text)}.")
            yield self.finding(task, note.doc, note.line, message, key=f"{note.doc.name}:{note.line}",
                               related=[(n.doc, n.line) for n in described[:5]])
