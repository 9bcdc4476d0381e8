"""DOC041 last-updated-on-some-files-only."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import newest_log_entry
from rules.story._fresh import core_docs, in_role_category, updated_on


class LastUpdatedOnSomeFilesOnly(Rule):
    """Some of the plan, context and tasks files carry a ``Last Updated`` date and others do not.

    Reported when at least one of the three carries a readable ``Last Updated`` date and:

    * two or more of the others have no ``Last Updated`` line: one finding of the folder, at the
      first undated file, naming every undated file and the dated one;
    * or a single plan or tasks file has none but does carry another date (``Created:``,
      ``Started:``): that date says when the file began, not whether it was kept up, and the
      finding goes to the file's own category at that date.

    A context kept as a session log dated entry by entry (``log.md``, ``progress.md``: ``## 2026-01-12 - …``)
    is dated by its newest entry.

    Left to other rules: a lone undated context (CTX001 reports every context without one), a
    plan or tasks file with no date at all when no other file lacks one (DOC013: it names both
    when both are undated), dates that disagree (CON004).

    Why: the dated files invite the reader to trust dates, and the undated ones cannot be
    compared with them: nobody can tell whether the plan was revised after the tasks moved on or
    whether the context still describes this week's state. A Created date alone reads like a
    freshness date and is not one.

    Bad:
        search-plan.md:    **Created:** 2026-01-03
        search-tasks.md:   **Last Updated:** 2026-01-14

    Good:
        search-plan.md:    **Created:** 2026-01-03 · **Last Updated:** 2026-01-12
        search-tasks.md:   **Last Updated:** 2026-01-14
    """

    code = "DOC041"
    name = "last-updated-on-some-files-only"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "Files of one task without the Last Updated date the others keep cannot be compared with them."
    fix = "Give every file of the task a `**Last Updated:** YYYY-MM-DD` line and refresh it with the file."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = [d for d in core_docs(task) if d.line_count > 0]
        dated = [(d, date) for d in docs if (date := updated_on(d)) is not None]
        undated = [d for d in docs if d.last_updated is None and newest_log_entry(d) is None]  # a log dates its entries
        if not dated or not undated:
            return
        newest, newest_date = max(dated, key=lambda pair: pair[1])
        newest_line = newest.last_updated.line if newest.last_updated is not None else 1
        stated = f"{newest.name} was last updated {newest_date.isoformat()}"
        if len(undated) >= 2 and all(d.role is not Role.CONTEXT and _other_date(d) is None for d in undated):
            return  # a plan and a tasks file with no date at all: DOC013 names both
        if len(undated) >= 2:
            names = " and ".join(d.name for d in undated)
            message = f"{names} have no `Last Updated:` line, while {stated}."
            yield self.finding(task, undated[0], 1, message, key="several",
                               related=[*((d, 1) for d in undated[1:]), (newest, newest_line)])
            return
        doc = undated[0]
        start = _other_date(doc)
        if doc.role is Role.CONTEXT or start is None:
            return
        label, line, value = start
        message = (f"{doc.name} has only a {label} date ({value}) and no `Last Updated:` line, while {stated}; "
                   "nothing says whether it was kept up since.")
        finding = self.finding(task, doc, line, message, key="created-only", related=[(newest, newest_line)])
        yield in_role_category(finding, doc)


def _other_date(doc: Document) -> tuple[str, int, str] | None:
    """(label, line, date) of the document's first dated label other than Last Updated."""
    for ref in doc.dates:
        if ref.date is not None:
            return ref.label.capitalize(), ref.line, ref.date.isoformat()
    return None
