"""DOC013 undated-plan-or-tasks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.extract import parse_date
from rules.core.finding import Category, Finding, Location, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import anchor_line, file_date, first_subsection_line
from rules.core.text import clip, strip_comments
from rules.story._fresh import in_role_category


class UndatedPlanOrTasks(Rule):
    """The plan or the tasks file carries no date at all: no ``Last Updated`` line, no other
    dated label (``Created:``, ``Started:``, ``Date:``) and no date in its header (the lines
    before its first section, e.g. ``**Status:** ✅ Done (2026-03-13)``).

    The context's date is CTX001's; dates that disagree across files are CON004's. Archived
    folders are reviewed too: a finished record without dates cannot show when it was closed; one
    whose context is dated shows it, and is left alone.
    Reported under the category of the undated file; when both are undated, once, at the plan,
    naming both, and as a consistency finding when the context is dated (a ``Last Updated`` or
    header date, or a dated ``## Session Progress (2026-01-14)`` heading): the gap is then between
    the files, which cannot be compared with the context.

    Why: the plan and the task list go stale as surely as the context. Without a date nobody can
    tell whether the plan was revised after the work started or whether the ticks are this week's,
    and the files cannot be compared with each other.

    Bad:
        # Billing Export — Tasks

        - [x] CSV writer

    Good:
        # Billing Export — Tasks
        **Last Updated:** 2026-01-14

        - [x] CSV writer
    """

    code = "DOC013"
    name = "undated-plan-or-tasks"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "An undated plan or task list cannot be told apart from a stale one or compared with the context."
    fix = "Add `**Last Updated:** YYYY-MM-DD` under the title and refresh it whenever the file changes."
    effort_minutes = 2

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.archived and task.context is not None and (ref := file_date(task.context)) is not None and ref.date:
            return  # a closed record dated by its context: when it was closed is known
        found = [(doc, finding) for doc in (task.plan, task.tasks)
                 if doc is not None and doc.line_count > 0 and (finding := _finding(self, task, doc)) is not None]
        if len(found) == 2 and all(f.key == "missing" for _d, f in found):
            # Both undated: one problem of the folder, told once with both places.
            (plan, first), (tasks, second) = found
            message = f"{plan.name} and {tasks.name} have no `Last Updated:` line nor any other date."
            merged = first.with_changes(message=message, related=(*first.related, *second.locations))
            dated = _context_date(task.context)
            if dated is None:
                yield in_role_category(merged, plan)
                return
            # The context is dated and they are not: a gap between the files, not in one of them.
            line, value = dated
            yield merged.with_changes(
                message=f"{message[:-1]}, while {task.context.name} is dated {value} (line {line}): the plan "
                        "and the checklist cannot be compared with it.",
                related=(*merged.related, Location(task.context.path, line)), category=Category.CONSISTENCY)
            return
        for doc, finding in found:
            yield in_role_category(finding, doc)


def _finding(rule: Rule, task: TaskDocs, doc: Document) -> Finding | None:
    ref = doc.last_updated
    if ref is not None and ref.date is None:
        value = strip_comments(ref.raw).strip()
        return rule.finding(task, doc, ref.line, f"`Last Updated:` value {value!r} in {doc.name} is not a date.",
                            key="not-a-date", fix="Write the date as `YYYY-MM-DD` (e.g. `2026-01-14`).")
    if ref is None and not any(other.date is not None for other in doc.dates) and not _dated_header(doc):
        return rule.finding(task, doc, anchor_line(doc), f"{doc.name} has no `Last Updated:` line nor any other date.",
                            key="missing")
    return None


def _dated_header(doc: Document) -> bool:
    """A date anywhere before the first section below the title (a status or stamp line)."""
    end = first_subsection_line(doc)
    return any(parse_date(clip(line)) is not None for number, line in enumerate(doc.lines[: end - 1], start=1)
               if number not in doc.code_lines and any(c.isdigit() for c in line))


_STATE_WORD_RE = re.compile(r"(?i)session|progress|status|state|update|상태|진행|进度|状态")


def _context_date(doc: Document | None) -> tuple[int, str] | None:
    """(line, date) where the context dates itself: a ``Last Updated`` date, a dated header label, or a
    dated session / progress heading (``## Session Progress (2025-12-10)``, the dev-docs template's)."""
    if doc is None:
        return None
    ref = file_date(doc)
    if ref is not None and ref.date is not None:
        return ref.line, ref.date.isoformat()
    for section in doc.sections[1:]:
        if _STATE_WORD_RE.search(section.title) and (date := parse_date(clip(section.title))) is not None:
            return section.line, date.isoformat()
    return None
