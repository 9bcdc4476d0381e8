"""A rule's documentation for humans: ``devdocs-review explain CODE`` and ``/review explain CODE``."""

from __future__ import annotations

import inspect

from rules.registry import RULES_BY_CODE


def explain_rule(code: str) -> str | None:
    """Markdown documentation of one rule (docstring with Why/Bad/Good), or None if unknown."""
    rule = RULES_BY_CODE.get(code.strip().upper())
    if rule is None:
        return None
    doc = inspect.getdoc(rule) or ""
    summary, _, body = doc.partition("\n\n")  # the summary may wrap over several lines
    summary = " ".join(summary.split())
    options = _options(rule.Options.model_json_schema().get("properties", {}))
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        summary.strip(),
        "",
        f"- Category: {rule.category}",
        f"- Default severity: {rule.severity.label}",
        f"- Rationale: {rule.rationale}",
        f"- Fix: {rule.fix}",
        f"- Typical effort: ~{rule.effort_minutes} min",
        *([] if rule.enabled_by_default else [f"- Off by default: turn it on with `rules: {{{rule.code}: on}}`"]),
        *options,
        "",
        body.strip(),
        "",
        f"Disable or re-grade it in `.github/devdocs-review.yml`: `rules: {{{rule.code}: off}}` or "
        f"`rules: {{{rule.code}: {{severity: low}}}}`; waive it in one file with "
        f"`<!-- devdocs-review-disable {rule.code} reason=\"…\" until=YYYY-MM-DD -->`.",
    ]
    return "\n".join(lines).rstrip() + "\n"


def _options(properties: dict[str, dict[str, object]]) -> list[str]:
    if not properties:
        return []
    lines = ["- Options:"]
    for name, spec in properties.items():
        default = spec.get("default")
        described = f": {spec['description']}" if "description" in spec else ""
        lines.append(f"  - `{name}` (default `{default}`){described}")
    return lines
