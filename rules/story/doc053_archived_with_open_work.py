"""DOC053 archived-with-open-work."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import in_later_section, quoted_some
from rules.core.rule import Rule, RuleContext
from rules.core.story import open_work
from rules.story._common import still_to_do


class ArchivedWithOpenWork(Rule):
    """The task is archived, but its tasks file still has open boxes of work.

    Applies to a task under an archive root (``dev/archive``, ``dev/completed``, ``dev/done`` and
    the configured ones). Counts the open boxes of the tasks file that are work still to do: not
    boxes set aside (deferred, on hold, optional, struck through: a deferred box that points
    nowhere is DOC034's finding), not boxes under a future / follow-up / optional / deferred heading, not the
    sample boxes of a legend, not a box that says where the work went ("tracked in #214", a link),
    and not the step that archives the folder itself (DOC006 reports that one). One finding at the
    first open box, listing the others.

    Why: a folder is archived when its work is over, and nobody reads its checklist again. Open
    boxes in it are either work that was done and never ticked (the record is wrong) or work that
    was dropped or still pending (merge, deploy, a check after release) and is now forgotten.

    Bad:
        dev/archive/npc-chat/npc-chat-tasks.md:
            - [x] Chat panel
            - [ ] Merge with the uncommitted files and deploy
            - [ ] Trigger the cron once after deploy

    Good:
        dev/archive/npc-chat/npc-chat-tasks.md:
            - [x] Chat panel
            - [x] Merge and deploy (PR #88)
            - [ ] ~~Trigger the cron once after deploy~~ (tracked in #91)
    """

    code = "DOC053"
    name = "archived-with-open-work"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "Open boxes in an archived task are either stale ticks or dropped work that nobody will pick up."
    fix = ("Tick what was done; move what is left to a live task or an issue and say where; or move the folder "
           "back to dev/active if the work is not over.")
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if not task.archived or doc is None:
            return
        left = [item for item in open_work(doc) if still_to_do(doc, item) and not in_later_section(doc, item)]
        if not left:
            return
        shown = quoted_some([item.text for item in left], 60)
        count = f"{len(left)} boxes of work are" if len(left) > 1 else "a box of work is"
        yield self.finding(
            task, doc, left[0].line,
            f"The task is archived under {task.root}, but {count} still open in {doc.name}: "
            f"{shown}.",
            key="open-work", effort_minutes=min(30, 5 + 2 * len(left)),
            related=[(doc, item.line) for item in left[1:10]],
        )

