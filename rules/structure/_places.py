"""Counting a problem's further places in a message (LNK003, LNK004), and the broken references of
a task as one finding (LNK001, LNK002)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rules.core.finding import Finding
from rules.core.model import Document
from rules.core.rule import Rule
from rules.core.text import and_more, count_of

MAX_NAMED = 5  # further references of a merged finding are counted, not named (every place is still related)


def more_places(places: Sequence[tuple[Document, int]]) -> str:
    """`` (and 3 more places)`` for the places after the first; empty for none. The places themselves
    are the finding's related locations, which every report names after the message."""
    return f" (and {count_of(len(places), 'more place', 'more places')})" if places else ""


def merge_references(rule: Rule, findings: Sequence[Finding], noun: str) -> Finding:
    """A task's broken references (*findings* of *rule*, one per reference as written, its ``key``,
    in report order) as one finding: one problem, the references lead nowhere. It stands at the
    first reference reported in the file that holds most of their places, with that reference's
    message (and category); the other references are named (``MAX_NAMED``, then a count) with their fixes, and
    every place is related. It deducts what the separate findings would, at the highest severity,
    and its effort is the sum of theirs."""
    counts = Counter(place.path for f in findings for place in f.locations)  # every place, related ones too
    first = max(findings, key=lambda f: counts[f.path])  # the first such, in report order
    texts: dict[str, Finding] = {}
    for finding in findings:
        texts.setdefault(finding.key, finding)
    rest = [f for key, f in texts.items() if key != first.key]
    named = ", ".join(f"{f.key!r} ({_where(first, f)})" for f in rest[:MAX_NAMED])
    message = (f"{first.message} {len(rest)} more {noun}{'s' if len(rest) > 1 else ''} in the task's documents "
               f"do{'es' if len(rest) == 1 else ''} not resolve either: {named}{and_more(len(rest), MAX_NAMED)}."
               if rest else first.message)
    fixes = [f"{f.key!r}: {f.fix}" for f in (first, *rest) if f.fix != type(rule).fix]
    fix = type(rule).fix + (" " + " ".join(fixes[:MAX_NAMED]) if fixes else "") if rest else first.fix
    return rule.merged(first, findings, message=message, fix=fix,
                       effort_minutes=sum(f.effort_minutes for f in texts.values()), count=len(texts))


def _where(first: Finding, other: Finding) -> str:
    return f"line {other.line}" if other.path == first.path else f"{other.path.rsplit('/', 1)[-1]}:{other.line}"
