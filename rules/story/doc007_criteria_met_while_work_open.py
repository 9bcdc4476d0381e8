"""DOC007 criteria-met-while-work-open."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.story import State, TaskState, core_documents, open_work, overall, story
from rules.core.text import and_more
from rules.story._common import MetCriteria, entry_text, met_criteria, quote, where
from rules.story._fresh import in_role_category

_EARLY = frozenset({State.NOT_STARTED, State.PLANNING, State.IN_PROGRESS, State.BLOCKED})
_MAX_PLACES = 8


class CriteriaMetWhileWorkOpen(Rule):
    """Every success criterion is marked met while the folder says the work is still open.

    Reads the sections titled as criteria of the whole work (Definition of Done, success criteria,
    success metrics, acceptance / exit / completion criteria; not those of one phase or step) and
    their sub-sections, each on its own. Reports a list of three or more criteria where every
    entry carries a done mark (``[x]``, ``✅``), in a task that is neither archived nor declared
    done (nor reported implemented and awaiting review) while its tasks file still has open
    boxes, a file's status says planning / in progress, or nothing in the folder reports any of
    the work done at all. One finding per task, naming every such list.

    Why: criteria are the test of done. Marked met before the work is, they read as results:
    a reader (or an agent counting done items) takes "10 beta users ✅" for a fact, and the
    criteria no longer tell anyone whether the work is finished.

    Bad:
        search-plan.md:   **Status:** In progress
                          ## Success Criteria
                          - ✅ Results in under 200 ms
                          - ✅ Typos still find the article
                          - ✅ No regression in the index build
        search-tasks.md:  - [ ] Build the typo-tolerant index

    Good:
        search-plan.md:   ## Success Criteria
                          - [ ] Results in under 200 ms
                          - [ ] Typos still find the article
                          - [ ] No regression in the index build
    """

    code = "DOC007"
    name = "criteria-met-while-work-open"
    category = Category.CONSISTENCY  # scored in the category of the file holding the criteria, when one file does
    severity = Severity.MEDIUM
    rationale = "Criteria marked met before the work is done read as results and no longer tell when it is done."
    fix = "Leave the criteria open (plain bullets, empty boxes) until the work meets them; then mark them met."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.archived or story(task).state not in (TaskState.IN_PROGRESS, TaskState.NOT_STARTED):
            return
        docs = core_documents(task)
        if any((s := overall(doc)) is not None and s.state in (State.REVIEW, State.DONE) for doc in docs):
            return  # implemented and awaiting review: the criteria may well be met
        found = [(doc, block) for doc in docs for block in met_criteria(doc)]
        if not found or (evidence := _still_open(task, docs, found)) is None:
            return
        doc, first = found[0]
        if len(found) == 1:
            message = (f"{quote(first.title, 40)} marks all {len(first.items)} criteria as met (first: "
                       f"{quote(entry_text(doc, first.items[0]), 50)} at {where(doc, first.items[0])}), "
                       f"but {evidence[0]}.")
        else:
            lists = ", ".join(f"{quote(b.title, 40)} at {where(d, b.line)}" for d, b in found[:4])
            more = and_more(len(found), 4)
            message = f"{len(found)} criteria lists mark every entry as met ({lists}{more}), but {evidence[0]}."
        places = [(d, n) for d, b in found for n in (b.items[0], b.items[-1])][:_MAX_PLACES]
        finding = self.finding(task, doc, first.items[0], message, key=f"{doc.name}:{first.title}",
                               related=[*places, *evidence[1]])
        if len({d.path for d, _b in found}) == 1:  # lists in several files: a problem of the folder's story
            finding = in_role_category(finding, doc)
        yield finding


def _still_open(task: TaskDocs, docs: tuple[Document, ...],
                found: list[tuple[Document, MetCriteria]]) -> tuple[str, list[tuple[Document, int]]] | None:
    """What says the work is still open, and where: open boxes of the tasks file (or of the file
    holding the criteria, when there is no tasks file), a status line, or nothing reported done."""
    marked = {(d.path, n) for d, b in found for n in b.items}
    for doc in (task.tasks,) if task.tasks is not None else tuple(d for d, _b in found):
        still = [i for i in open_work(doc) if (doc.path, i.line) not in marked]
        if still:
            return (f"{len(still)} of {len(doc.items)} boxes in {doc.name} are still open (first: "
                    f"{quote(still[0].text, 50)} at {where(doc, still[0].line)})", [(doc, still[0].line)])
    for doc in docs:
        if (said := overall(doc)) is not None and said.state in _EARLY:
            return f"{where(doc, said.line)} says {quote(said.words)}", [(doc, said.line)]
    ticked = any(i.checked and (d.path, i.line) not in marked for d in docs for i in d.items)
    if not ticked and all(overall(d) is None for d in docs):
        return "nothing else in the folder reports any of the work done (no ticked box, no status)", []
    return None
