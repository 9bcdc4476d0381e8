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

A rule may also see several findings with different evidence as one problem (the broken
references of a folder: LNK001, LNK002): *merge* maps its code to its :meth:`Rule.merge`, which is
given the task's findings of that rule, one waiver state at a time, after the grouping above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from rules.core.finding import Finding, Location

Merge = Callable[[Sequence[Finding]], "Finding | None"]
Part = Callable[[Finding], "str | None"]


def group_findings(findings: Iterable[Finding], merge: Mapping[str, Merge] | None = None,
                   parts: Mapping[str, Part] | None = None) -> list[Finding]:
    """*findings* (of one task) with every group of the same problem merged into its first member,
    in the order of those first members; then, for a rule in *merge*, its findings of each waiver
    state (and of each part its entry in *parts* names: :meth:`Rule.merge_part`; None keeps a
    finding apart) given to its merge (the result takes the place of the first of them)."""
    groups: dict[tuple[str, str, str, str, bool], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(_problem(finding), []).append(finding)
    grouped = [_merge(group) if len(group) > 1 else group[0] for group in groups.values()]
    if not merge:
        return grouped
    by_rule: dict[tuple[str, bool, str], list[Finding]] = {}
    for finding in grouped:
        if finding.rule in merge:
            part = parts[finding.rule](finding) if parts and finding.rule in parts else ""
            if part is not None:
                by_rule.setdefault((finding.rule, finding.waived, part), []).append(finding)
    merged: dict[int, Finding | None] = {}  # id of a group's first finding -> the group's finding; others: None
    for (rule, _waived, _part), group in by_rule.items():
        one = merge[rule](group) if len(group) > 1 else None
        if one is not None:
            merged[id(group[0])] = one
            merged.update((id(f), None) for f in group[1:])
    return [kept for f in grouped if (kept := merged.get(id(f), f)) is not None]


def fold_same_problems(findings: Sequence[Finding], folds: Mapping[str, tuple[str, ...]]) -> list[Finding]:
    """*findings* (of one task, grouped) with each finding of a rule in *folds* folded into the first
    finding of one of the rules it names (:attr:`Rule.same_problem_as`) whose primary place is among
    its places and whose waiver state is its own: one problem, two rules' words for it. The lead keeps
    its place and message, gains the folded finding's places as related, and takes the higher
    severity and penalty."""
    if not folds:
        return list(findings)
    leads: dict[tuple[str, Location, bool], int] = {}
    for index, finding in enumerate(findings):
        leads.setdefault((finding.rule, finding.location, finding.waived), index)
    result: list[Finding | None] = list(findings)
    for index, finding in enumerate(findings):
        into = next((leads[key] for code in folds.get(finding.rule, ()) for place in finding.locations
                     if (key := (code, place, finding.waived)) in leads), None)
        if into is not None and (lead := result[into]) is not None:
            result[into] = _merge([lead, finding])
            result[index] = None
    return [finding for finding in result if finding is not None]


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
