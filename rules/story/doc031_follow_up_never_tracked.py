"""DOC031 follow-up-never-tracked."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, TaskDocs
from rules.core.phases import quoted_some, short
from rules.core.rule import Rule, RuleContext
from rules.core.state import finished
from rules.story._follow_ups import POINTER_RE, follow_up_sections, follow_ups, is_tracked, known_gaps, word_stems

_MAX_SECTIONS = 10  # per file: with 50 items each, matching against the task list stays linear


class FollowUpNeverTracked(Rule):
    """An open question or follow-up listed in the plan or context never became a task.

    Only explicit lists count: list items under a heading such as ``Open Questions``,
    ``Follow-ups``, ``TODO later``, ``Files to update after this task``, ``Decisions to confirm``
    (``Pending decisions``, ``To clarify``), ``Issues to watch`` (not cautions: ``Things to watch out
    for``) or ``TODO`` (``Known limits / TODO``). An item is tracked
    when a checkbox of the tasks file names one of its code spans or file names, or shares half of
    its meaningful words (at most three are needed). Items marked answered, resolved, decided,
    done or struck through, and checkboxes, are left alone. In an archived task, list items anywhere
    in the plan or context that say a known gap remains (``shown as raw ids for now``, ``an existing
    limitation``, ``not yet handled``, ``workaround``, work handed to ``a separate task`` or the
    ``next iteration``) count too, and so they do once every box of the work is ticked or it is
    declared done, unless they point to an issue or ticket. In a folder with no tasks file, the
    listed items are tracked nowhere unless they point to an issue, a ticket, a link or a backlog.

    Why: a question nobody owns is never answered, and a follow-up outside the task list is
    forgotten when the folder is archived. The next session cannot tell whether it was dropped
    on purpose.

    Bad:
        upload-context.md:  ## Open Questions
                            - Should resumable uploads keep partial chunks for 24 hours?
        upload-tasks.md:    - [ ] Chunked upload endpoint (3h)

    Good:
        upload-context.md:  ## Open Questions
                            - Should resumable uploads keep partial chunks for 24 hours?
        upload-tasks.md:    - [ ] Decide how long partial chunks of resumable uploads are kept (30 min)
    """

    code = "DOC031"
    name = "follow-up-never-tracked"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A follow-up or open question that is not a task has no owner and is forgotten."
    fix = "Add a task for each open item (or record the answer or the decision to drop it)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        tasks = task.tasks
        if tasks is not None and not tasks.items:
            return  # a tasks file without checkboxes is TSK001's finding
        for doc in (task.plan, task.context):
            if doc is None:
                continue
            sections = follow_up_sections(doc)
            if tasks is not None and (task.archived or finished(task) is not None):
                yield from self._gaps(task, doc, tasks, sections)
            for section in sections[:_MAX_SECTIONS]:
                found = follow_ups(doc, section)
                if tasks is None:  # no task list: tracked nowhere unless the item says where it went
                    untracked = [i for i in found if not POINTER_RE.search(i.text)]
                else:
                    task_stems = tasks.derive(_item_stems) if found else []  # the tasks' words only when needed
                    untracked = [i for i in found if not is_tracked(i, tasks.lower, task_stems)]
                if not untracked:
                    continue
                count = f"{len(untracked)} items" if len(untracked) > 1 else "An item"
                yield self.finding(
                    task, doc, untracked[0].line,
                    f"{count} under {short(section.title, 40)!r} {_fate(tasks, len(untracked) > 1)}: "
                    f"{quoted_some([i.text for i in untracked], 50)}.",
                    key=section.key, effort_minutes=min(30, 5 * len(untracked) + 5),
                    related=[(doc, i.line) for i in untracked],
                )

    def _gaps(self, task: TaskDocs, doc: Document, tasks: Document, sections: list[Section]) -> Iterator[Finding]:
        """Known gaps an archived or finished task leaves behind in its notes ("raw ids for now",
        "a separate task") with no task."""
        found = known_gaps(doc, sections)
        untracked = [i for i in found if not is_tracked(i, tasks.lower, tasks.derive(_item_stems))] if found else []
        if untracked:
            shown = quoted_some([i.text for i in untracked], 50)
            count = f"{len(untracked)} known gaps are" if len(untracked) > 1 else "A known gap is"
            yield self.finding(
                task, doc, untracked[0].line,
                f"{count} left behind in the {'archived' if task.archived else 'finished'} task with no task "
                f"or issue: {shown}.",
                key="known-gaps", severity=Severity.LOW, effort_minutes=min(30, 5 * len(untracked) + 5),
                related=[(doc, i.line) for i in untracked],
            )


def _fate(tasks: Document | None, many: bool) -> str:
    if tasks is not None:
        return f"never became a task in {tasks.name}"
    return (f"{'are' if many else 'is'} tracked nowhere: the folder has no tasks file and "
            f"{'they point' if many else 'it points'} to no issue or backlog")


def _item_stems(doc: Document) -> list[frozenset[str]]:
    """The word stems of each task item of *doc* (once per document)."""
    return [word_stems(item.text) for item in doc.items]
