"""DOC019 dev-docs-still-being-written."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import MENTION_RE
from rules.core.rule import Rule, RuleContext
from rules.core.text import fold, strip_comments
from rules.story._common import quote
from rules.story._fresh import in_role_category

# A heading that lists the work under way: "🟡 In Progress", "Currently working on", "진행 중", "进行中".
_IN_PROGRESS_RE = re.compile(r"^(?:currently )?in progress$|^current(?:ly)? work(?:ing on)?$|^진행 ?중$|^进行中$")
# The folder's own planning docs: "dev docs", "context and tasks documents", "上下文文档", "任务清单".
_DOCS_RE = re.compile(
    r"\bdev[- ]?docs?\b|\b(?:context|tasks?|plan)(?:,? (?:and |& )?(?:context|tasks?|plan))* "
    r"(?:docs?|documents?|files?|checklists?)\b|上下文文档|任务清单|开发文档|컨텍스트 문서|개발 문서"
)
# Being written: "writing", "create", "drafting", "작성", "创建", "编写".
_WRITING_RE = re.compile(r"\b(?:writ|creat|draft|prepar)|작성|생성|创建|编写|撰写|起草")
_ENTRY_RE = re.compile(r"^\s*+(?:[-*+]|\d{1,3}[.)])\s++(?!\[[xX]\])(?P<rest>\S.*)$")


class DevDocsStillBeingWritten(Rule):
    """A progress note still lists writing the task's own planning docs as work in progress.

    Reads the sections titled as work under way ("🟡 In Progress", "Currently working on", and the
    same in Korean and Chinese; not a phase's heading) in the plan, context and tasks files. Reports
    an entry there that writes or creates the folder's dev docs ("Writing the dev docs", "Create
    the context and tasks documents") when the context and the tasks file are both in the folder.

    Why: the progress note is where the next session looks to see what was interrupted. An entry
    saying the docs are still being written, beside the finished docs, makes the reader wonder
    what is missing from them, and shows the note was not updated at the end of the session.

    Bad:
        export-context.md:  ### 🟡 In Progress
                            - Writing the dev docs for the export

    Good:
        export-context.md:  ### 🟡 In Progress
                            - Nothing yet: the dev docs are written, implementation starts with step 1
    """

    code = "DOC019"
    name = "dev-docs-still-being-written"
    category = Category.CONTEXT  # scored in the category of the file holding the note
    severity = Severity.LOW
    rationale = "A progress note still writing the docs that are already here was not updated when they were."
    fix = "Move the entry to the done list (or drop it) and say what is actually in progress."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.context is None or task.tasks is None:
            return
        for doc in (task.plan, task.context, task.tasks):
            if doc is None:
                continue
            for section, line in _docs_in_progress(doc):
                message = (f"{section.title!r} still lists writing the dev docs ({quote(doc.line_text(line))} at "
                           f"{doc.name}:{line}), but {task.context.name} and {task.tasks.name} are written.")
                finding = self.finding(task, doc, line, message, key=f"{doc.name}:{section.line}",
                                       related=[(doc, section.line)])
                yield in_role_category(finding, doc)


def _docs_in_progress(doc: Document) -> Iterator[tuple[Section, int]]:
    """The first entry writing the dev docs in each work-under-way section of *doc*."""
    for index, section in enumerate(doc.sections):
        if MENTION_RE.search(section.title) or not (
                _IN_PROGRESS_RE.match(section.key) or (section.status is Status.IN_PROGRESS
                                                       and not section.key.strip())):
            continue
        children = doc.child_sections[index]
        end = doc.sections[children[0]].line - 1 if children else section.end_line
        for number in range(section.line + 1, end + 1):
            entry = _ENTRY_RE.match(doc.line_text(number))
            text = fold(strip_comments(entry.group("rest"))) if entry else ""
            if entry and number not in doc.code_lines and _DOCS_RE.search(text) and _WRITING_RE.search(text):
                yield section, number
                break
