"""TSK007 phases-without-dependencies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.phases import is_open_task, phases
from rules.core.rule import Rule, RuleContext
from rules.core.size import scaled_to_size
from rules.core.state import finished
from rules.core.text import has_cue
from rules.core.vocabulary import DEPENDENCY_WORDS

# Ways to note a dependency: depends on, blocked by, blocks, after/before/once phase N, requires,
# prerequisite, "Phase 2 → Phase 3". Each is a literal that starts the match and what must follow it,
# searched in the folded text (Document.lower), case-insensitively in effect.
_CUES: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    ("depend", None), ("prerequisite", None), *((word, None) for word in DEPENDENCY_WORDS),
    ("blocked", re.compile(r"blocked[ -]by")),
    ("blocks", re.compile(r"\bblocks\b")),
    ("requires", re.compile(r"\brequires\b")),
    *((f"{word} ", re.compile(rf"\b{word} (?:phase|stage)\b")) for word in ("after", "before", "once")),
    *((f"{word} ", re.compile(rf"{word} \w+\s*(?:→|->)")) for word in ("phase", "stage")),
)


class PhasesWithoutDependenciesOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_phases: int = Field(3, ge=2, description="Only multi-phase work from this many phases up.")


class PhasesWithoutDependencies(Rule):
    """Multi-phase work (three phases or more) notes no dependencies anywhere in the task.

    Looked for in every file of the task: "depends on", "dependencies", "blocked by", "after
    Phase 2", "requires", "prerequisite", a dependency column or section. Not asked of finished
    work (archived, every box ticked, or declared done: rules/core/state.py) or of a tasks file with
    no open task left.

    When the folder states work of one session at most (rules/core/size.py), the finding is info
    only: such work needs no per-task schedule, criteria or ordering.

    Why: with several phases the order is rarely free. Without dependencies written down, the
    next session cannot tell what may run in parallel, what a slipped phase delays, or why the
    phases are in this order.

    Bad:
        ## Phase 1: Schema
        ## Phase 2: API
        ## Phase 3: UI

    Good:
        ## Phase 1: Schema
        ## Phase 2: API (depends on Phase 1)
        ## Phase 3: UI (after Phase 2; the mock-up can start in parallel)

    Options:
        min_phases: only check work with at least this many phases (default 3).
    """

    code = "TSK007"
    name = "phases-without-dependencies"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "Unnoted dependencies hide which phases may run in parallel and what a delay blocks."
    fix = "Note what each phase depends on: a `Depends on:` line per phase, or a dependencies section."
    effort_minutes = 15
    Options = PhasesWithoutDependenciesOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from scaled_to_size(self, task, self._check(task, ctx))  # one-session work: info at most

    def _check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if doc is None or finished(task) is not None or not any(is_open_task(doc, item) for item in doc.items):
            return  # finished work: the order it ran in no longer matters to anyone
        found = phases(doc)
        in_plan = phases(task.plan) if task.plan is not None else ()
        ids = list(dict.fromkeys(p.id for p in found)) or list(dict.fromkeys(p.id for p in in_plan))
        if len(ids) < self.options.min_phases:
            return
        for document in task.documents:
            if has_cue(document.lower, _CUES):
                return
        anchor = found[0].section.line if found else 1
        shown = ", ".join(ids[:4]) + (", …" if len(ids) > 4 else "")
        yield self.finding(
            task, doc, anchor,
            f"The work has {len(ids)} phases ({shown}) but no file of the task notes what depends on what.",
        )
