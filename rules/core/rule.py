"""The Rule base class and the read-only context rules are given."""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from rules.core.finding import Category, Finding, Location, Severity
from rules.core.model import Document, TaskDocs
from rules.core.scoring import combined_penalty

Place = Location | tuple[Document | str, int]  # a related place: a Location, or (document or path, line)


class NoOptions(BaseModel):
    """Rules without options accept none (an unknown option in the config is an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may know besides its task: passed in, never read from the environment."""

    today: dt.date
    tasks: tuple[TaskDocs, ...] = ()  # every task in the snapshot (active and archived)
    repo_paths: frozenset[str] = field(default_factory=frozenset)  # every file path in the repo
    repo_dirs: frozenset[str] = field(default_factory=frozenset)  # every folder path in the repo
    active_roots: tuple[str, ...] = ("dev/active",)
    loose_roots: tuple[str, ...] = ()  # loose-only roots (``dev``): only the task files directly in one are docs
    has_tree: bool = True  # False when repo_paths is incomplete: link rules stay quiet
    known_codes: frozenset[str] = frozenset()  # every rule code the review knows (WVR001 checks waivers)


class Rule(abc.ABC):
    """One review rule. Subclasses live one per module under ``rules/<category>/``.

    The class docstring is the rule's documentation: a first line, then ``Why:``, ``Bad:`` and
    ``Good:`` sections (checked by tests/rules/test_registry.py).
    """

    code: ClassVar[str]  # "PLN001": stable, never reused
    name: ClassVar[str]  # "missing-required-section": names the problem
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    rationale: ClassVar[str]  # one line: why this matters
    fix: ClassVar[str]  # one line, imperative: what to do
    effort_minutes: ClassVar[int]  # typical time to fix one finding
    Options: ClassVar[type[BaseModel]] = NoOptions
    # False for a rule a repository opts into (``rules: {CODE: on}``): a house convention that
    # reviewers do not hold every repository to.
    enabled_by_default: ClassVar[bool] = True
    # Rules whose finding, when it sits at one of this rule's finding's places, reports the same
    # problem (TSK003's "phase marked complete with open boxes" for DOC032's "... with open test
    # boxes"): this rule's finding is folded into it, its places kept as related, scored once.
    same_problem_as: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: Mapping[str, Any] | BaseModel | None = None,
                 severity: Severity | None = None) -> None:
        if isinstance(options, BaseModel):
            self.options: Any = options
        else:
            self.options = self.Options.model_validate(dict(options or {}))
        self.effective_severity = severity if severity is not None else type(self).severity

    @abc.abstractmethod
    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        """Yield findings for *task*. Must be pure: no I/O, no clock, no globals."""

    def merge(self, findings: Sequence[Finding]) -> Finding | None:
        """One finding for several of this rule's findings in one task that are one problem (the
        broken references of a folder), or None (the default) to keep them apart. The engine asks
        after waivers, with the findings of one waiver state (in report order), so a waiver in one
        file never hides the same problem in another; it must keep every place."""
        return None

    def merge_part(self, finding: Finding) -> str | None:
        """Which of this rule's findings :meth:`merge` is given together: those with the same part
        (the default: all of them, ``""``); None keeps *finding* out of any merge. A rule whose
        findings say different things (a claim that does not add up, a claim the boxes contradict)
        merges each kind on its own."""
        return ""

    def merged(self, lead: Finding, findings: Sequence[Finding], *, message: str, fix: str, effort_minutes: int,
               count: int | None = None) -> Finding:
        """*findings* of this rule (*lead* among them) as one finding at *lead*'s place, key and
        category: the highest severity, every other place related (once each, in report order), and
        the deduction of the separate findings, each at its own severity (or of *count* findings of
        the rule's severity: :meth:`grouped_penalty`)."""
        places = [place for f in findings for place in f.locations if place != lead.location]
        if count is not None or self.effective_severity != type(self).severity:
            penalty = self.grouped_penalty(len(findings) if count is None else count)
        else:  # what they deducted apart, a task-wide rule's included (rules/core/scoring.py)
            penalty = combined_penalty((f.severity for f in findings), self.code) if len(findings) > 1 else None
        return lead.with_changes(message=message, fix=fix, severity=max(f.severity for f in findings),
                                 effort_minutes=effort_minutes, penalty=penalty,
                                 related=tuple(dict.fromkeys(places)))

    def grouped_penalty(self, count: int) -> int | None:
        """The explicit deduction of one finding that reports *count* shortcomings of this rule together
        (a context's oversized sections, a list's unmitigated risks): what they would deduct one by one
        (:func:`rules.core.scoring.combined_penalty`). None for a single one, and when the repository
        config sets the rule's severity: the finding then deducts as that severity."""
        if count < 2 or self.effective_severity != type(self).severity:
            return None
        return combined_penalty([type(self).severity] * count)

    def capped(self, findings: Iterable[Finding], why: str | None, cap: Severity = Severity.INFO) -> Iterator[Finding]:
        """*findings*, at most *cap* when there is a reason *why* less is expected of this task (the
        message then ends with it: ``{why}, so this is only a suggestion.``); as they are when *why*
        is None or the repository config sets the rule's severity."""
        if why is None or self.effective_severity != type(self).severity:
            yield from findings
            return
        for finding in findings:
            yield finding if finding.severity <= cap else finding.with_changes(  # and deducts as its new severity
                severity=cap, penalty=None, message=f"{finding.message} {why}, so this is only a suggestion.")

    def finding(
        self,
        task: TaskDocs,
        where: Document | str,
        line: int,
        message: str,
        *,
        key: str = "",
        fix: str | None = None,
        severity: Severity | None = None,
        effort_minutes: int | None = None,
        penalty: int | None = None,
        related: Iterable[Place] = (),
    ) -> Finding:
        """Build a finding of this rule. *severity* lets a rule escalate (e.g. 500 vs 800 lines);
        a severity set in the repo config always wins. *related* are the problem's other places
        (the other side of a contradiction), as Locations or ``(document or path, line)`` pairs;
        duplicates and the primary place itself are dropped."""
        path = where.path if isinstance(where, Document) else where
        chosen = severity if severity is not None else type(self).severity
        if self.effective_severity != type(self).severity:
            chosen = self.effective_severity
        return Finding(
            rule=self.code,
            name=self.name,
            severity=chosen,
            category=self.category,
            task=task.path,
            path=path,
            line=max(1, line),
            message=message,
            fix=fix or self.fix,
            effort_minutes=self.effort_minutes if effort_minutes is None else effort_minutes,
            key=key,
            penalty=penalty,
            related=related_locations(Location(path, max(1, line)), related),
        )


def related_locations(primary: Location, places: Iterable[Place]) -> tuple[Location, ...]:
    """*places* as Locations in the order given, without duplicates or *primary*."""
    seen = {primary}
    found: list[Location] = []
    for place in places:
        if not isinstance(place, Location):
            where, line = place
            place = Location(where.path if isinstance(where, Document) else where, max(1, line))
        if place not in seen:
            seen.add(place)
            found.append(place)
    return tuple(found)
