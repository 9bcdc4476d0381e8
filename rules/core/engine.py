"""The review pipeline: snapshot → tasks → rules → findings → scores → gate → :class:`Review`.

Pure and deterministic: ``today`` and the configuration are passed in; nothing here reads the
clock, the environment, the file system or the network.

Two things come from the shell as values:

- a time budget, as a ``should_stop`` callable (the shell owns the clock). It is asked before each
  rule on each task and before each task's insights; once it says stop, nothing more runs, and
  the review says what was not run (``notes``) and fails its gate with :data:`INCOMPLETE`, so
  an incomplete review can never pass silently;
- PR-level waivers (:class:`ExtraWaivers`): per finding by fingerprint (``/review waive``), or,
  only where the shell allows it, rule-wide.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rules.core import insights, scoring
from rules.core.config import ReviewConfig
from rules.core.discovery import is_archive_root
from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.grouping import fold_same_problems, group_findings
from rules.core.model import Role, TaskDocs
from rules.core.phases import tasks_in_plan
from rules.core.redactor import Redactor, redact_review
from rules.core.report import Comparison, Gate, Review, ReviewStatus, Stamp, TaskReport
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more
from rules.core.waivers import find_waivers

log = logging.getLogger(__name__)

INTERNAL_ERROR = "BOT000"
INCOMPLETE = "review incomplete: time budget exceeded"


@dataclass(frozen=True, slots=True)
class ExtraWaivers:
    """PR-level waivers: ``findings`` by fingerprint, ``rules`` rule-wide (each ``-> reason``)."""

    findings: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, extra: Mapping[str, str] | ExtraWaivers | None) -> ExtraWaivers:
        """A plain ``{rule: reason}`` mapping is rule-wide (the engine's earlier API)."""
        if isinstance(extra, ExtraWaivers):
            return extra
        return cls(rules=dict(extra or {}))

    def reason_for(self, finding: Finding) -> str | None:
        return self.findings.get(finding.fingerprint) or self.rules.get(finding.rule)


@dataclass(slots=True)
class Budget:
    """The shell's ``should_stop``, asked between rules and tasks; remembers what was not run."""

    should_stop: Callable[[], bool] | None = None
    stopped: bool = False
    not_run: dict[str, list[str]] = field(default_factory=dict)  # task path -> rule codes

    def exhausted(self) -> bool:
        if not self.stopped and self.should_stop is not None and self.should_stop():
            self.stopped = True
        return self.stopped

    def skip(self, task: str, rules: Iterable[Rule]) -> None:
        self.not_run.setdefault(task, []).extend(rule.code for rule in rules)

    def note(self) -> str:
        """What was not run, for ``Review.notes`` (bounded; rule codes and task paths only)."""
        checks = sum(len(codes) for codes in self.not_run.values())
        rules = len({code for codes in self.not_run.values() for code in codes})
        shown = "; ".join(f"{task}: {', '.join(codes[:8])}{' …' if len(codes) > 8 else ''}"
                          for task, codes in list(self.not_run.items())[:5])
        more = f"; and {len(self.not_run) - 5} more task(s)" if len(self.not_run) > 5 else ""
        return (f"{INCOMPLETE}: {checks} rule check(s) were not run ({rules} rule(s) × "
                f"{len(self.not_run)} task(s)) — {shown}{more}. The gate fails until a complete review runs.")


def run_rules(task: TaskDocs, rules: Sequence[Rule], ctx: RuleContext, *, strict: bool = False,
              budget: Budget | None = None, redactor: Redactor | None = None) -> list[Finding]:
    """Apply every rule to one task. A crashing rule raises with ``strict`` (tests) and otherwise
    becomes an internal-error finding, so one buggy rule cannot sink the review. Once *budget*
    is exhausted the remaining rules are not run (and recorded in it).

    Each finding leaves through *redactor* (the review's, see :func:`review`), so its fingerprint
    is computed on the text every output shows and a waiver by fingerprint matches it; a crash's
    traceback is logged through it too (an exception message may quote the document)."""
    redactor = redactor or Redactor()
    findings: list[Finding] = []
    for index, rule in enumerate(rules):
        if budget is not None and budget.exhausted():
            budget.skip(task.path, rules[index:])
            break
        try:
            findings.extend(redact_review(f, redactor) for f in rule.check(task, ctx))
        except Exception as error:
            if strict:
                raise
            details = redactor("".join(traceback.format_exception(error)))
            log.error("rule %s crashed on %s\n%s", rule.code, task.path, details)
            findings.append(Finding(
                rule=INTERNAL_ERROR, name="internal-error", severity=Severity.INFO, category=Category.STRUCTURE,
                task=task.path, path=task.path, line=1,
                message=f"Rule {rule.code} could not run ({type(error).__name__}); this is a devdocs-review bug.",
                fix="Report this to the devdocs-review maintainers; the rest of the review is unaffected.",
                effort_minutes=0, key=rule.code,
            ))
    return findings


def apply_waivers(task: TaskDocs, findings: Iterable[Finding], *, today: dt.date,
                  extra: Mapping[str, str] | ExtraWaivers) -> list[Finding]:
    """Mark findings waived by a valid in-document waiver (per file) or a PR-level waiver: by
    fingerprint, or rule-wide (a plain ``{rule: reason}`` mapping is rule-wide)."""
    pr_waivers = ExtraWaivers.of(extra)
    by_file: dict[str, dict[str, str]] = {}
    for doc in task.documents:
        for waiver in find_waivers(doc):
            if waiver.problem(today) is None:
                for code in waiver.codes:
                    by_file.setdefault(doc.path, {})[code] = waiver.reason or ""
    result = []
    for finding in findings:
        reason = by_file.get(finding.path, {}).get(finding.rule) or pr_waivers.reason_for(finding)
        if reason is not None and finding.rule != INTERNAL_ERROR and not finding.rule.startswith("WVR"):
            finding = finding.with_changes(waived=True, waiver_reason=reason)
        result.append(finding)
    return result


def grade_task(task: TaskDocs, rules: Sequence[Rule], ctx: RuleContext, config: ReviewConfig, *,
               extra_waivers: Mapping[str, str] | ExtraWaivers = ExtraWaivers(), strict: bool = False,
               budget: Budget | None = None, redactor: Redactor | None = None) -> TaskReport:
    """One task's report. Findings are redacted as the rules yield them; the rest of the report
    (strengths, scaffolds, names) when :func:`review` redacts the whole review."""
    raw = run_rules(task, rules, ctx, strict=strict, budget=budget, redactor=redactor)
    waived_applied = apply_waivers(task, raw, today=ctx.today, extra=extra_waivers)
    merging = [rule for rule in rules if type(rule).merge is not Rule.merge]
    merge = {rule.code: rule.merge for rule in merging}
    parts = {rule.code: rule.merge_part for rule in merging if type(rule).merge_part is not Rule.merge_part}
    # one finding per problem, scored once
    folds = {rule.code: rule.same_problem_as for rule in rules if rule.same_problem_as}
    grouped = fold_same_problems(group_findings(waived_applied, merge, parts), folds)
    scored = scoring.attribute_points(grouped)
    missing = frozenset(cat for role, cat in ROLE_CATEGORY.items()
                        if task.doc(role) is None and not (role is Role.TASKS and tasks_in_plan(task)))
    categories = scoring.category_scores(scored, scale=config.grades, missing=missing)
    score = scoring.overall(categories, config.weights)
    active = sorted((f for f in scored if not f.waived), key=Finding.sort_key)
    waived = sorted((f for f in scored if f.waived), key=Finding.sort_key)
    insightful = budget is None or not budget.exhausted()
    return TaskReport(
        name=task.name,
        path=task.path,
        root=task.root,
        archived=task.archived,
        loose=task.loose,
        files=tuple((role, d.path if (d := task.doc(role)) else None) for role in ROLE_CATEGORY),
        categories=categories,
        score=score,
        grade=scoring.grade_for(score, config.grades),
        findings=tuple(active),
        waived=tuple(waived),
        strengths=insights.strengths(task, active, ctx) if insightful else (),
        scaffolds=insights.scaffolds(task, active, today=ctx.today) if insightful else (),
    )


def compare(report: TaskReport, others: Sequence[TaskReport]) -> Comparison | None:
    """The best-graded other task, category by category: of those with all three files when there
    are any (a one-session task may score well without a plan, but it is no model doc set)."""
    candidates = [o for o in others if o.path != report.path]
    complete = [o for o in candidates if all(path is not None for _role, path in o.files)]
    candidates = complete or candidates
    if not candidates:
        return None
    best = max(candidates, key=lambda o: (o.score, -len(o.findings), o.path))
    rows = tuple((c.category, c.score, best.category(c.category).score) for c in report.categories)
    return Comparison(best.path, best.score, best.grade, rows)


# What a hint says of task folders found outside the roots: of active work, then of finished work.
_ROOT_HINTS = (("task folders", "review them", "roots"),
               ("finished task folders", "compare with them and check them as archived", "archive_roots"))


def nothing_to_review(config: ReviewConfig, stamp: Stamp, others: tuple[TaskReport, ...], *,
                      focus: Collection[str] | None, elsewhere: Sequence[str] = ()) -> Review:
    """No task to grade: a neutral result (no score, no grade, the gate passes), saying why; with
    *elsewhere* (task folders found outside the roots), where the docs seem to be and how to say so."""
    notes: tuple[str, ...]
    if focus:
        shown = ", ".join(sorted(focus)[:3]) + and_more(len(focus), 3)
        notes = (f"no planning task at {shown}",)
    else:
        notes = (f"no planning task found under {', '.join(config.roots)}",)
        for archive, (found, purpose, key) in enumerate(_ROOT_HINTS):
            roots = [root for root in elsewhere if is_archive_root(root) == bool(archive)]
            if roots:
                listed = ", ".join(roots)
                notes += (f"{found} found under {listed}: to {purpose}, list {'it' if len(roots) == 1 else 'them'} "
                          f"in {key} in .github/devdocs-review.yml ({key}: [{listed}])",)
    reason = "nothing to review, so nothing blocks the merge"
    gate = Gate(True, (reason,), config.gate.min_score, tuple(sorted(config.blocking, reverse=True)))
    return Review(None, None, gate, (), stamp, notes, others, ReviewStatus.NOTHING_TO_REVIEW)


def is_incomplete(review: Review) -> bool:
    """True when the time budget stopped *review* before every rule ran."""
    return INCOMPLETE in review.gate.reasons
