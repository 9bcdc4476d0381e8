"""One finding per problem: the same rule with the same evidence in several places is one finding.

A rule may report the same evidence many times (one ``root@host`` quoted in ten places). Those
reports are one problem: :func:`group_findings` merges the findings of one task that share the
rule, the evidence (the finding's ``key`` and its message: a rule's key alone may name two
different things, such as two headings with one phase id) and the waiver state into the first
of them. The merged
finding keeps the first one's place, message and fingerprint, lists every other place in
``related`` (in the order reported, without duplicates), takes the highest severity and penalty
of the group, and is scored once. Findings with different evidence stay separate. Waived and
unwaived findings are grouped apart, so a waiver in one file never hides the same problem in
another.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.core.finding import Finding, Location


def group_findings(findings: Iterable[Finding]) -> list[Finding]:
    """*findings* (of one task) with every group of the same problem merged into its first member,
    in the order of those first members."""
    groups: dict[tuple[str, str, str, str, bool], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(_problem(finding), []).append(finding)
    return [_merge(group) if len(group) > 1 else group[0] for group in groups.values()]


def _problem(finding: Finding) -> tuple[str, str, str, str, bool]:
    return finding.rule, finding.task, finding.key, finding.message, finding.waived


def _merge(group: list[Finding]) -> Finding:
    first = group[0]
    seen = {first.location}
    related: list[Location] = []
    for place in (place for finding in group for place in finding.locations):
        if place not in seen:
            seen.add(place)
            related.append(place)
    penalties = [f.penalty for f in group if f.penalty is not None]
    return first.with_changes(
        related=tuple(related),
        severity=max(f.severity for f in group),
        penalty=max(penalties) if penalties else None,
    )
