"""CTX006 context-too-long."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.sections import anchor_line


class ContextTooLong(Rule):
    """The context file is too long to re-read at the start of a session.

    Medium above ``warn_lines`` (default 500), high above ``max_lines`` (default 800).

    Why: the context is read in full at every resume, by people and by agents with a limited
    window. Past a few hundred lines the current state and next steps drown in history; session
    logs, decisions and reference material belong in their own files.

    Bad:
        auth-context.md — 930 lines: session logs since October, pasted stack traces

    Good:
        auth-context.md — 180 lines: current state, blockers, next steps, key files
        auth-session-log.md — the history, linked from the context

    Options:
        warn_lines: lines above which the context is reported (default 500).
        max_lines: lines above which the finding is high (default 800); must exceed warn_lines.
    """

    code = "CTX006"
    name = "context-too-long"
    category = Category.CONTEXT
    severity = Severity.MEDIUM
    rationale = "A context too long to re-read hides the current state and next steps in history."
    fix = "Move session history and reference material into separate docs; keep the resume essentials."
    effort_minutes = 30

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        warn_lines: Annotated[int, Field(ge=50, le=100_000)] = 500
        max_lines: Annotated[int, Field(ge=50, le=100_000)] = 800

        @model_validator(mode="after")
        def _ordered(self) -> ContextTooLong.Options:
            if self.max_lines <= self.warn_lines:
                raise ValueError(f"max_lines ({self.max_lines}) must exceed warn_lines ({self.warn_lines})")
            return self

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None or doc.line_count <= self.options.warn_lines:
            return
        over_max = doc.line_count > self.options.max_lines
        limit = self.options.max_lines if over_max else self.options.warn_lines
        message = f"Context {doc.name!r} is {doc.line_count} lines long (limit {limit})."
        yield self.finding(
            task, doc, anchor_line(doc), message, key="length",
            severity=Severity.HIGH if over_max else Severity.MEDIUM, effort_minutes=60 if over_max else 30,
        )
