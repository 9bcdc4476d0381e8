"""The engine's public entry points, above the rule registry: :func:`review`, :func:`build_rules`
and :func:`load_config` (a config checked against the registered rules).

``rules/core/`` is the bottom layer: it never imports the registry (which imports every rule, and
WVR001 is a rule that needs every code). What the core needs from the registry, this module
passes in: the rules to run, their version for the stamp, and the known codes
(:attr:`~rules.core.rule.RuleContext.known_codes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from rules import ENGINE_VERSION
from rules.core import config as core_config
from rules.core import scoring
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot, discover, roots_elsewhere
from rules.core.engine import INCOMPLETE, Budget, ExtraWaivers, compare, grade_task, nothing_to_review
from rules.core.finding import Severity
from rules.core.redactor import Redactor, redact_review
from rules.core.report import Review, Stamp, TaskReport
from rules.core.rule import Rule, RuleContext
from rules.registry import ALL_RULES, RULES_BY_CODE, RULES_VERSION


def load_config(data: Mapping[str, Any] | None, *, source: str = "config") -> ReviewConfig:
    """:func:`rules.core.config.load_config`, with ``rules.<CODE>`` checked against the registry."""
    return core_config.load_config(data, source=source, rules=RULES_BY_CODE)


def build_rules(config: ReviewConfig) -> list[Rule]:
    """Instantiate every enabled rule with its configured options and severity (a rule that is off by
    default runs only when the config names it: ``rules: {DOC014: on}``)."""
    built = []
    for rule_cls in ALL_RULES:
        entry = config.rules.get(rule_cls.code)
        if not (entry.enabled if entry is not None else rule_cls.enabled_by_default):
            continue
        severity = Severity.parse(entry.severity) if entry is not None and entry.severity else None
        built.append(rule_cls(config.rule_options(rule_cls.code), severity=severity))
    return built


def review(
    snapshot: Snapshot,
    *,
    today: dt.date,
    config: ReviewConfig | None = None,
    focus: Collection[str] | None = None,
    rules: Sequence[Rule] | None = None,
    extra_waivers: Mapping[str, str] | ExtraWaivers | None = None,
    strict: bool = False,
    head_sha: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Review:
    """Review every task in *snapshot*; grade and gate the *focus* tasks (default: all active).

    *should_stop* (the shell's time budget) is asked between rules and tasks; see the module doc.

    The redaction boundary: every string of the returned review has passed one :class:`Redactor`
    that knows every secret value in the snapshot's documents, so no rule can quote one.
    """
    config = config or ReviewConfig()
    chosen_rules = list(rules) if rules is not None else build_rules(config)
    tasks = discover(snapshot, active_roots=config.roots, archive_roots=config.archive_roots,
                     loose_roots=config.loose_roots, max_bytes=config.limits.max_file_bytes)
    all_paths = snapshot.all_paths()
    focus_set = {p.strip("/") for p in focus} if focus is not None else {t.path for t in tasks if not t.archived}
    ctx = RuleContext(
        today=today, tasks=tuple(tasks), repo_paths=all_paths, repo_dirs=_folders(all_paths),
        active_roots=config.roots, loose_roots=config.doc_roots.loose, has_tree=snapshot.has_tree,
        known_codes=frozenset(RULES_BY_CODE),
    )
    budget = Budget(should_stop)
    redactor = Redactor.for_documents(doc for task in tasks for doc in task.documents)
    waivers = ExtraWaivers.of(extra_waivers)
    focus_first = sorted(tasks, key=lambda t: t.path not in focus_set)  # the gated tasks use the budget first
    graded = {t.path: grade_task(t, chosen_rules, ctx, config, extra_waivers=waivers, strict=strict,
                                 budget=budget, redactor=redactor) for t in focus_first}
    reports = [graded[t.path] for t in tasks]
    with_comparison = [_with_comparison(r, reports) for r in reports]
    focused = tuple(r for r in with_comparison if r.path in focus_set)
    others = tuple(r for r in with_comparison if r.path not in focus_set)
    stamp = Stamp(ENGINE_VERSION, RULES_VERSION, config.digest(), today, head_sha)
    if not focused:
        elsewhere = () if focus is not None else roots_elsewhere(
            all_paths, (*config.roots, *config.archive_roots), loose=config.doc_roots.loose)
        empty = nothing_to_review(config, stamp, others, focus=focus_set if focus is not None else None,
                                  elsewhere=elsewhere)
        return redact_review(empty, redactor)
    score = round(sum(r.score for r in focused) / len(focused))
    findings = [f for r in focused for f in r.findings]
    gate = scoring.gate(score, findings, min_score=config.gate.min_score, blocking=config.blocking)
    notes: list[str] = []
    if budget.not_run:
        notes.append(budget.note())
    if any(path in focus_set for path in budget.not_run):  # the gated tasks were not fully checked
        gate = replace(gate, passed=False, reasons=(INCOMPLETE, *(r for r in gate.reasons if not gate.passed)))
    result = Review(score, scoring.grade_for(score, config.grades), gate, focused, stamp, tuple(notes), others)
    return redact_review(result, redactor)


def _with_comparison(report: TaskReport, reports: Sequence[TaskReport]) -> TaskReport:
    return replace(report, comparison=compare(report, reports))


def _folders(paths: Iterable[str]) -> frozenset[str]:
    folders: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folders.add("/".join(parts[:i]))
    return frozenset(folders)
