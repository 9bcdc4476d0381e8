"""DOC034 deferred-work-left-behind."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, Status, TaskDocs
from rules.core.phases import quoted_some
from rules.core.rule import Rule, RuleContext
from rules.story._follow_ups import points_elsewhere


class DeferredWorkLeftBehind(Rule):
    """An archived task still holds deferred checkboxes that point nowhere.

    A checkbox marked deferred or on hold (``- [ ] Load test (DEFERRED)``) in a task that has been
    moved to the archive (or a completed folder) must say where the work now lives: a link, an
    issue or ticket number, or "tracked in …". Optional items and struck-through items were
    dropped on purpose and are left alone, and so are deferred items of a task still active.

    Why: once a folder is archived nobody reads its task list again. A deferred item that was
    not moved to a live task or an issue is silently dropped.

    Bad:
        dev/archive/sso/sso-tasks.md:  - [ ] Load test the login flow (DEFERRED: needs staging)

    Good:
        dev/archive/sso/sso-tasks.md:  - [ ] Load test the login flow (DEFERRED: tracked in #214)
    """

    code = "DOC034"
    name = "deferred-work-left-behind"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "Deferred work left in an archived task list is never picked up again."
    fix = "Move each deferred item to a live task or an issue, and note where it went."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if not task.archived:
            return
        for doc in (task.plan, task.context, task.tasks):
            if doc is None:
                continue
            left = [item for item in doc.items if _left_behind(doc, item)]
            if not left:
                continue
            shown = quoted_some([item.text for item in left], 60)
            count = f"{len(left)} deferred items point" if len(left) > 1 else "A deferred item points"
            yield self.finding(
                task, doc, left[0].line,
                f"{count} nowhere, though the task is archived: {shown}.",
                key="deferred", effort_minutes=min(30, 5 * len(left) + 5),
                related=[(doc, item.line) for item in left],
            )


def _left_behind(doc: Document, item: CheckItem) -> bool:
    return (not item.checked and item.status is Status.PAUSED and "~~" not in item.text
            and not points_elsewhere(doc, item))
