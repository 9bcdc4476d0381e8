"""What one review published, for a front end that also reports it elsewhere.

The App publishes a review in two places only: the sticky comment and the check run. The GitHub
Action also writes the job summary, step outputs, a SARIF file and the HTML report, and needs the
engine's :class:`~rules.core.report.Review` for them. Rather than review twice, it sets an
:class:`Observer` on the :class:`~bot.review.context.AppContext`; ``publish.py`` hands it an
:class:`Outcome` each time it has published (or, superseded, declined to publish) a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.github.values import CheckConclusion, CheckRunOutput, PullRequestRef
from rules.core.config import ReviewConfig
from rules.core.report import Review
from rules.render.audit import AuditEntry

OutcomeKind = Literal["reviewed", "no_docs", "config_error", "superseded"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One published result: the comment's Markdown (without its hidden state), the check run's
    conclusion and output and, for ``reviewed`` (and ``no_docs`` when the touched tasks are gone),
    the engine's reviews of head and base with the config and the audit they were rendered with."""

    kind: OutcomeKind
    pr: PullRequestRef
    conclusion: CheckConclusion
    output: CheckRunOutput
    markdown: str = ""
    head: Review | None = None
    base: Review | None = None
    config: ReviewConfig | None = None
    audit: tuple[AuditEntry, ...] = ()
    config_errors: tuple[str, ...] = ()


class Observer(Protocol):
    """Told of every :class:`Outcome` (the Action collects them; the App sets none)."""

    def published(self, outcome: Outcome) -> None: ...
