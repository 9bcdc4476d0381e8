"""Machine-readable review: ``devdocs-review check --format json``.

The shape is documented by ``rules/data/review.schema.json`` (JSON Schema draft 2020-12). Output is
deterministic (sorted keys, indent 2). Every string value is redacted before serialisation, so a
secret cannot hide behind JSON escaping and redaction cannot break the JSON.
"""

from __future__ import annotations

import json
from typing import Any

from rules.core.delta import Delta, TaskDelta, compare
from rules.core.finding import Finding, Severity
from rules.core.report import CategoryScore, Comparison, Review, Scaffold, Stamp, TaskReport
from rules.render._md import redact_values

SCHEMA_VERSION = 3  # 3: findings carry ``related`` locations
SCHEMA_PATH = "rules/data/review.schema.json"


def render_json(review: Review, *, base: Review | None = None) -> str:
    """*review* as JSON text; with *base*, a ``delta`` object (scores and findings vs base)."""
    data = review_data(review)
    if base is not None:
        data["delta"] = delta_data(compare(review, base))
    return json.dumps(redact_values(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def review_data(review: Review) -> dict[str, Any]:
    gate = review.gate
    stamp = review.stamp
    return {
        "schema_version": SCHEMA_VERSION,
        "status": review.status.value,
        "score": review.score,
        "grade": review.grade,
        "gate": {"passed": gate.passed, "reasons": list(gate.reasons), "min_score": gate.min_score,
                 "blocking": [s.label for s in gate.blocking]},
        "stamp": stamp_data(stamp),
        "notes": list(review.notes),
        "summary": _summary(review),
        "tasks": [task_data(task) for task in review.tasks],
    }


def stamp_data(stamp: Stamp) -> dict[str, Any]:
    return {"engine_version": stamp.engine_version, "rules_version": stamp.rules_version,
            "config_hash": stamp.config_hash, "today": stamp.today.isoformat(), "head_sha": stamp.head_sha}


def _summary(review: Review) -> dict[str, Any]:
    return {
        "tasks": len(review.tasks),
        "findings": len(review.findings),
        "waived": len(review.waived),
        "effort_minutes": sum(t.effort_minutes for t in review.tasks),
        "by_severity": {s.label: review.count(s) for s in Severity},
    }


def task_data(task: TaskReport) -> dict[str, Any]:
    return {
        "name": task.name,
        "path": task.path,
        "root": task.root,
        "archived": task.archived,
        "loose": task.loose,
        "files": {role.value: path for role, path in task.files},
        "score": task.score,
        "grade": task.grade,
        "effort_minutes": task.effort_minutes,
        "categories": {c.category.value: _category(c) for c in task.categories},
        "strengths": list(task.strengths),
        "comparison": _comparison(task.comparison),
        "scaffolds": [_scaffold(s) for s in task.scaffolds],
        "findings": [finding_data(f) for f in (*task.findings, *task.waived)],
    }


def _category(category: CategoryScore) -> dict[str, Any]:
    return {"score": category.score, "grade": category.grade, "deducted": category.deducted,
            "present": category.present}


def _comparison(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    rows = [{"category": category.value, "this": mine, "exemplar": theirs, "better": _better(mine, theirs)}
            for category, mine, theirs in comparison.rows]
    return {"exemplar": comparison.exemplar, "exemplar_score": comparison.exemplar_score,
            "exemplar_grade": comparison.exemplar_grade, "rows": rows}


def _better(mine: int, theirs: int) -> str:
    return "same" if mine == theirs else ("this" if mine > theirs else "exemplar")


def _scaffold(scaffold: Scaffold) -> dict[str, Any]:
    return {"title": scaffold.title, "path": scaffold.path, "body": scaffold.body}


def finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.label,
        "category": finding.category.value,
        "task": finding.task,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "fix": finding.fix,
        "effort_minutes": finding.effort_minutes,
        "fingerprint": finding.fingerprint,
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason,
        "points": finding.points,
        "related": [{"path": place.path, "line": place.line} for place in finding.related],
    }


def delta_data(delta: Delta) -> dict[str, Any]:
    overall = delta.overall
    return {
        "base_score": overall.base_score,
        "base_grade": overall.base_grade,
        "score_change": overall.change,
        "tasks": [_task_delta(t) for t in delta.tasks],
        "new": [f.fingerprint for f in delta.new],
        "still_open": [f.fingerprint for f in delta.still_open],
        "fixed": [finding_data(f) for f in delta.fixed],
    }


def _task_delta(task: TaskDelta) -> dict[str, Any]:
    scores = task.scores
    return {"path": task.path, "name": task.name, "score": scores.score, "grade": scores.grade,
            "base_score": scores.base_score, "base_grade": scores.base_grade, "score_change": scores.change}

