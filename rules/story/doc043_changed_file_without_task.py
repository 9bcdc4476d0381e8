"""DOC043 changed-file-without-task."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more
from rules.story._changed_files import boxes_text, changed_files, unaccounted
from rules.story._planned_checks import task_stems
from rules.story._targets import work_done

MIN_FILES = 3  # a shorter list says too little about how the tasks name files
MIN_MISSING = 2  # one file left over is usually wiring that goes with a task (a registration, an import)
NAMED_SHARE = 1 / 2  # the tasks and plan name at least this share of the files: they track work by file


class ChangedFileWithoutTask(Rule):
    """The context lists files the work changed that neither the tasks file nor the plan accounts for.

    Changed files are the list items and table rows under a heading or label such as ``Files
    Modified``, ``Modified files``, ``Files changed`` or ``Files created`` (and its sub-headings) in
    the context; each one's first file name counts (``src/app.ts``, ``tsconfig.json``, ``.gitignore``).
    Documentation (``.md``, ``.txt``), build output (``dist/``, wheels) and a folder's re-export file
    (``index.ts``, ``__init__.py``) are bookkeeping and left out. A file is accounted for when the
    plan or a box of the tasks file (with its sub-items; not a summary below the boxes) names it (its
    last segment, or a distinctive name without the extension: ``VibeSearchPage``), or when a box
    (with its sub-items and headings) shares half of the words the listing says were done to it (at
    least two, at most three). Two or more files of one folder none of whose
    listed files is accounted for are work the tasks describe in their own words ("the locale
    files") and are left alone. Judged only once the work is largely done (archived, marked complete
    or two thirds ticked), when the list holds at least three files, the tasks file and the plan
    account for at least half of them and at least two are left over.

    Why: when the ticked task list tracks files, a changed file that no task names is work that was
    done without being planned or recorded. The "all tasks complete" record then does not describe
    what changed, and a reviewer cannot tell whether the extra change was meant.

    Bad:
        cleanup-context.md:  **Files Modified:**  - `src/a.ts`  - `src/b.ts`  - `src/c.ts`  - `src/d.ts`
        cleanup-tasks.md:    - [x] Fix `src/a.ts`  - [x] Fix `src/b.ts`   (nothing about c.ts and d.ts)

    Good:
        cleanup-tasks.md:    - [x] Fix `src/a.ts`  - [x] Fix `src/b.ts`  - [x] Fix the imports in `src/c.ts`
                             and `src/d.ts`
    """

    code = "DOC043"
    name = "changed-file-without-task"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A changed file no task or plan item names is work done outside the record."
    fix = "Add a task (ticked) for each change that was made, or explain the change in the plan."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        context, tasks = task.context, task.tasks
        if context is None or tasks is None or not tasks.items or not work_done(task):
            return
        listed = changed_files(context)
        texts = [tasks.derive(boxes_text), *([task.plan.lower] if task.plan is not None else [])]
        missing = unaccounted(listed, texts, tasks.derive(task_stems)) if len(listed) >= MIN_FILES else []
        if len(missing) < MIN_MISSING or len(listed) - len(missing) < NAMED_SHARE * len(listed):
            return
        shown = ", ".join(repr(f.path) for f in missing[:4])
        more = and_more(len(missing), 4)
        yield self.finding(
            task, context, missing[0].line,
            f"{len(missing)} files the context lists as changed appear in no task of {tasks.name} and nowhere "
            f"in the plan: {shown}{more}.",
            key="changed-files", effort_minutes=min(30, 5 * len(missing) + 5),
            related=[(context, f.line) for f in missing[1:]],
        )
