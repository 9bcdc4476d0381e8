"""DOC056 phase-count-differs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Role, TaskDocs
from rules.core.phases import Phase, phases, short
from rules.core.rule import Rule, RuleContext
from rules.core.text import clip, fold
from rules.core.vocabulary import NUMBER_WORDS
from rules.story._fresh import core_docs, in_role_category

_COUNT = rf"(?P<count>[2-9]|1[0-9]|{'|'.join(NUMBER_WORDS)})"
_KIND = r"(?P<kind>phase|stage)s?\b"
# How many phases the whole work has, as a total (folded): "split into four phases", "All 5 phases done",
# "a 6-phase plan", "Phases: 5 phases", "The work has three stages". Not a share of them: "the first two
# phases", "3 phases done" (progress), "2 of 5 phases".
_TOTAL_RE = re.compile(
    r"(?:(?:\ball|\b(?:split|divided|broken|organi[sz]ed|structured|grouped)(?:\s+up)?\s+into|\bin|\bacross"
    r"|\bover|\bhas|\bhave|\bwith|\bconsists\s+of|\bcomprises|\btotal(?:\s+of)?|\ba|\bthis|[:：])[\s*_]+"
    r"|^[\s>*_#+-]*)"
    rf"(?:the\s+|its\s+)?{_COUNT}(?:\s+|-)(?:(?:main|major|implementation|development|delivery)\s+)?{_KIND}"
)
_NEEDLES = ("phase", "stage")
# A line about another document ("`.claude/reference/summary.md` - 13 phases") counts that one's phases.
_ELSEWHERE_RE = re.compile(r"\.mdx?\b|\]\(|https?://")
_SHARE_AFTER_RE = re.compile(r"^[\s*_]*(?:done|complete[d]?|finished|remaining|left|to go|so far)\b")


class PhaseCountDiffers(Rule):
    """A stated number of phases differs from the phases the documents lay out.

    Reads, in plan, context and tasks (outside code), a total of phases or stages written in words or
    digits: "split into four phases", "All 5 phases done", "a 6-phase plan", "has three stages" (not a
    share of them: "the first two phases", "3 phases done", "2 of 5 phases"; not a line naming another
    document, whose phases it counts). It is compared with the phases of the file's own headings when
    it has two or more, otherwise with the plan's, otherwise with the tasks file's (distinct phase
    numbers: ``Phase 2.1`` is part of ``Phase 2``). One finding per file and stated count.

    Why: the number of phases is how a reader sizes the work and checks that nothing was left out; when
    the summary says four and the body lays out five, one of them is stale, and an added or dropped
    phase went unrecorded.

    Bad:
        The work is split into four phases: pool tuning, batch fetch, callers, verification.
        …
        ### Phase 5 (optional) — Tenant cache

    Good:
        The work is split into four phases and an optional fifth: pool tuning, batch fetch, callers,
        verification, and a tenant cache if time allows.
    """

    code = "DOC056"
    name = "phase-count-differs"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A phase count that differs from the phases laid out means an added or dropped phase went unrecorded."
    fix = "Correct the stated number of phases, or record the phase that was added or dropped."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        docs = core_docs(task)
        by_kind: dict[str, dict[Role, set[str]]] = {}  # phase or stage → each file's distinct ids of it
        for doc in docs:
            seen: set[tuple[int, str]] = set()
            for line, count, kind in _totals(doc):
                if kind not in by_kind:
                    by_kind[kind] = {d.role: _numbered(phases(d), kind) for d in docs}
                laid_out = by_kind[kind]
                own = len(laid_out[doc.role]) >= 2
                against = doc if own else next((d for role in (Role.PLAN, Role.TASKS) for d in docs
                                                if d.role is role and len(laid_out[role]) >= 2), None)
                if against is None or count == len(numbers := laid_out[against.role]) or (count, kind) in seen:
                    continue
                seen.add((count, kind))
                first = min(p.section.line for p in phases(against) if p.id.lower().startswith(kind))
                where = "its headings lay out" if own else f"{against.name} lays out"
                finding = self.finding(
                    task, doc, line,
                    f"{short(doc.line_text(line).strip(' -*#'), 80)!r} gives {count} {kind}s, but {where} "
                    f"{len(numbers)} ({_listed(sorted(numbers))}).",
                    key=f"{doc.name}:{count}", related=[] if own else [(against, first)],
                )
                yield in_role_category(finding, doc) if own else finding


def _numbered(found: tuple[Phase, ...], kind: str) -> set[str]:
    """The distinct top-level ids of the headings of that kind (phase or stage): ``Phase 2.1`` and
    ``Phase 2`` are one phase; a "2-stage pipeline" is not counted against "Phase" headings."""
    return {re.split(r"[.\-]", p.id.split(" ", 1)[-1])[0] for p in found if p.id.lower().startswith(kind)}


def _listed(ids: list[str]) -> str:
    return ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")


def _totals(doc: Document) -> Iterator[tuple[int, int, str]]:
    for number in doc.lines_containing(_NEEDLES):
        if number in doc.code_lines:
            continue
        text = fold(clip(doc.line_text(number)))
        if _ELSEWHERE_RE.search(text):
            continue
        for match in _TOTAL_RE.finditer(text):
            if _SHARE_AFTER_RE.match(text[match.end():]) and not match.group(0).lstrip(" *_").startswith("all"):
                continue
            word = match.group("count")
            yield number, NUMBER_WORDS.get(word) or int(word), match.group("kind")
