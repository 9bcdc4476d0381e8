"""SARIF 2.1.0 for code-scanning tools: ``devdocs-review check --format sarif``.

One run; ``tool.driver.rules`` lists every registered rule (plus any code a finding carries that
the registry does not, such as the internal-error code), results point at repository-relative
paths, waived findings carry an ``inSource`` suppression with the waiver's reason. A finding's other
places (the same evidence elsewhere, the other side of a contradiction) are its ``relatedLocations``
(§3.27.22), each with an ``id``, a ``physicalLocation`` and a ``message``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

from rules.core.finding import Category, Finding, Severity
from rules.core.report import Review
from rules.render._md import redact_values
from rules.render.json import stamp_data

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/devdocs-review/"
TOOL_NAME = "devdocs-review"
FINGERPRINT_KEY = "devdocsReview/v1"
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                      Severity.LOW: "3.0", Severity.INFO: "0.0"}
_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def render_sarif(review: Review, *, information_uri: str = INFORMATION_URI) -> str:
    """*review* as a SARIF 2.1.0 log (deterministic JSON text, secrets redacted)."""
    rules = rule_descriptors(review)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    version = review.stamp.engine_version
    driver = {"name": TOOL_NAME, "version": version, "semanticVersion": version,
              "informationUri": information_uri, "rules": rules}
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
        "results": [result(f, index[f.rule]) for f in _all_findings(review)],
        "properties": _run_properties(review),
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(redact_values(log), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def level_for(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    return "warning" if severity is Severity.MEDIUM else "note"


def _all_findings(review: Review) -> Iterator[Finding]:
    for task in review.tasks:
        yield from task.findings
        yield from task.waived


def rule_descriptors(review: Review) -> list[dict[str, Any]]:
    """Every registered rule, in registry order, then codes only findings know about."""
    from rules.registry import ALL_RULES

    descriptors = [
        _descriptor(r.code, r.name, r.rationale, r.fix, r.severity, r.category, r.effort_minutes,
                    inspect.getdoc(r) or "")
        for r in ALL_RULES
    ]
    known = {r.code for r in ALL_RULES}
    for finding in _all_findings(review):
        if finding.rule not in known:
            known.add(finding.rule)
            descriptors.append(_descriptor(finding.rule, finding.name, finding.message, finding.fix,
                                           finding.severity, finding.category, finding.effort_minutes, ""))
    return descriptors


def _descriptor(code: str, name: str, rationale: str, fix: str, severity: Severity, category: Category,
                effort: int, doc: str) -> dict[str, Any]:
    properties: dict[str, Any] = {"category": category.value, "severity": severity.label,
                                  "effort_minutes": effort, "tags": ["planning-docs", category.value]}
    if category is Category.SECURITY:
        properties["security-severity"] = _SECURITY_SEVERITY[severity]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": rationale},
        "fullDescription": {"text": fix},
        "help": {"text": fix, "markdown": f"**Fix:** {fix}\n\n{doc}".rstrip()},
        "defaultConfiguration": {"level": level_for(severity)},
        "properties": properties,
    }


def physical_location(path: str, line: int) -> dict[str, Any]:
    return {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"}, "region": {"startLine": line}}


def related_locations(finding: Finding) -> list[dict[str, Any]]:
    """The finding's other places, numbered from 1 (``id`` is unique within the result)."""
    count = len(finding.locations)
    return [{"id": number, "physicalLocation": physical_location(place.path, place.line),
             "message": {"text": f"Also {finding.rule} {finding.name} here (place {number + 1} of {count})."}}
            for number, place in enumerate(finding.related, start=1)]


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    location = {"physicalLocation": physical_location(finding.path, finding.line)}
    data: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level_for(finding.severity),
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.label, "category": finding.category.value,
                       "task": finding.task, "effort_minutes": finding.effort_minutes,
                       "points": finding.points},
    }
    if finding.related:
        data["relatedLocations"] = related_locations(finding)
    if finding.waived:
        data["suppressions"] = [{"kind": "inSource", "justification": finding.waiver_reason or "waived"}]
    return data


def uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded UTF-8)."""
    return "".join(char if char in _URI_SAFE else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
                   for char in path.lstrip("/"))


def _run_properties(review: Review) -> dict[str, Any]:
    return {
        "status": review.status.value,
        "score": review.score,
        "grade": review.grade,
        "gate": {"passed": review.gate.passed, "reasons": list(review.gate.reasons),
                 "min_score": review.gate.min_score},
        "stamp": stamp_data(review.stamp),
    }
