"""CTX007 oversized-section."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import first_subsection_line, title_section
from rules.core.text import and_more

_WRAPS_BODY_SHARE = 0.9  # a section holding this share of the lines below the title is the whole body


class OversizedSection(Rule):
    """A context section (sub-sections included) is longer than ``max_section_lines`` (150).

    One finding per context, at the first oversized section, naming every other one (a session log
    kept in full is one problem, however many entries it has) and deducting what they would one by
    one. Only the deepest oversized sections are counted: when ``### Session 12`` alone is too long,
    its parent ``## Session Log`` is not reported as well. The document title is left to CTX006, and
    so is a section that wraps the whole body (``## Status`` holding every other section beneath it):
    it is the document under another heading. An archived task's context is not checked: it is a
    record, no longer read at every resume.

    Why: one huge section (a session log, a pasted design) pushes the current state and next steps
    out of view; extracted into its own document and linked, it stays available without being
    re-read at every resume.

    Bad:
        ## Session Log        (420 lines)

    Good:
        ## Session Log
        Latest: 2026-01-14, login form merged. Full history: [session log](auth-session-log.md).

    Options:
        max_section_lines: the longest a section may be, in lines (default 150).
    """

    code = "CTX007"
    name = "oversized-section"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "An oversized section buries the resume essentials; it reads better as its own document."
    fix = "Extract the section into its own document and leave a short summary with a link."
    effort_minutes = 20

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        max_section_lines: Annotated[int, Field(ge=10, le=100_000)] = 150

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None or task.archived:
            return  # an archived context is a record, not a resume point: nobody re-reads it per session
        limit = self.options.max_section_lines
        title = title_section(doc)
        sections = doc.sections
        start = first_subsection_line(doc)
        whole = (doc.line_count - start + 1) * _WRAPS_BODY_SHARE  # a section this long at the start is the body
        big = {i for i, s in enumerate(sections) if s is not title and s.end_line - s.line + 1 > limit
               and not (s.line == start and s.end_line - s.line + 1 >= whole)}
        ancestors: set[int] = set()
        for index in big:
            parent = sections[index].parent
            while parent is not None and parent not in ancestors:
                ancestors.add(parent)
                parent = sections[parent].parent
        found = [sections[index] for index in sorted(big - ancestors)]
        if not found:
            return
        first = found[0]
        sizes = [f"{s.title!r} ({s.end_line - s.line + 1} lines)" for s in found]
        if len(found) == 1:
            message = f"Section {first.title!r} is {first.end_line - first.line + 1} lines long (limit {limit})."
            fix = f"Extract {first.title!r} into its own document and leave a short summary with a link."
        else:  # one problem (a log kept in full), every place: the sections are listed, and scored once
            message = (f"{len(found)} sections are longer than {limit} lines: {', '.join(sizes[:4])}"
                       f"{and_more(len(found), 4)}.")
            fix = ("Move the full entries into their own document (a session log) and keep a short summary of "
                   "each, with a link, in the context.")
        yield self.finding(task, doc, first.line, message, key=f"section:{first.key}", fix=fix,
                           effort_minutes=min(self.effort_minutes * len(found), 120),
                           penalty=self.grouped_penalty(len(found)),
                           related=[(doc, s.line) for s in found[1:]])
