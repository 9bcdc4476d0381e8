"""TSK006 open-tasks-without-verification."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import CheckItem, Document, TaskDocs
from rules.core.phases import is_deferred_phase, is_open_task, phases, short
from rules.core.rule import Rule, RuleContext
from rules.core.sections import is_investigation, phase_id, phase_sections
from rules.core.size import scaled_to_size
from rules.core.state import finished
from rules.core.verification import VERIFY_RE, says_verification

# Said anywhere in a task (its line or the lines nested under it).
_IN_TASK_RE = re.compile(
    r"(?i)\b(?:verif(?:y|ied|ies|ication)|validat(?:e|ed|es|ion)|acceptance|tests?\b|testing|expect(?:ed|s)?\b"
    r"|assert|done when|smoke[- ]test|e2e|confirm(?:s|ed)?\b|oracles?\b|checks?\b|checked\b|tested\b)"
    r"|[→>]\s*expect|검증|테스트|확인|수락 기준|验收|验证|测试"
)
# A line of the phase that states criteria: "**Acceptance criteria**: …", "- Verify: …", "Done when …".
_IN_PHASE_RE = re.compile(
    r"(?i)^[\s>*_#|+-]*+(?:\d+[.)]\s*)?(?:\[[ xX]\]\s*)?[*_]*+\s*+"  # possessive: a line of stars is linear
    r"(?:acceptance|verif(?:y|ication)|validat(?:e|ion)|done when|definition of done|exit criteria"
    r"|success criteria|expected (?:result|outcome|behaviou?r)|tests?\b|testing"
    r"|검증|테스트|수락 기준|인수 조건|验收|验证|测试|テスト|検証|pruebas?|verificar|verificaci[óo]n|testes?"
    r"|проверк\w*|тест\w*|weryfikacja|prüfung|v[ée]rifi\w*|crit[èe]res d\W?acceptation"
    # a test step of the phase: "- [ ] Add unit tests for the parser", "Write integration tests"
    r"|(?:add|write|run|create|implement|extend)\s(?:(?:unit|integration|e2e|end-to-end|regression|smoke"
    r"|api|ui|the|new|more)\s){0,2}tests?\b)"
)
# A section of documentation work: "Documentation", "Phase 5: Documentation Updates", "Update docs";
# not "Phase 2: Docs site search" (a feature of a documentation site).
_DOCS_TITLE_RE = re.compile(
    r"^(?:(?:phase|stage|step|wave|part) (?:[\w.]{1,4} )?)?(?:updat\w* |writ\w* )?(?:the )?"
    r"(?:documentation|docs|readme|changelog|release notes)(?: (?:updates?|tasks|work))?$"
)
# A user acceptance step, which checks the whole phase: "Ana opens the page, sees her filters, no crash".
_OBSERVED_RE = re.compile(r"(?i)\b(?:sees|can see|observes?)\b|\bno (?:crash(?:es)?|errors?)\b")
_CHECK_TITLE_RE = re.compile(r"(?i)test|verif|validat|acceptance|criteria|done when|review|\bqa\b|검증")


class OpenTasksWithoutVerification(Rule):
    """Open tasks say nothing about how anyone will know they are done.

    A task is covered when it states its own check (``verify``, ``test:``, ``→ expect``,
    ``acceptance``, a nested "Verify"/"Test" item), or when its phase has criteria: an
    "Acceptance Criteria" / "Verification" / "Done when" sub-section or bullet, a test step, or a
    user acceptance step ("Ana opens the page, sees her saved filters"), a test task of the phase
    ("Add unit tests for the parser"), in the tasks file or under the same phase of the plan; or when
    at least half of the phase's open tasks state their own check. Korean (수락 기준, 검증) and
    Chinese (验收标准, 验证) criteria count. Not asked: finished work (archived, every box ticked, or
    declared done: rules/core/state.py), investigations (a plan or tasks title naming an analysis,
    research, spike or evaluation: its items are questions, done when answered), phases not
    scheduled yet, documentation sections. One finding per tasks file naming each phase without
    criteria (its count of open tasks and the first), every phase's heading a related place; it
    deducts what the phases would one by one.

    When the folder states work of one session at most (rules/core/size.py), the finding is info
    only: such work needs no per-task schedule, criteria or ordering.

    Why: "done" without a check is an opinion. Acceptance criteria let the next session (or a
    reviewer) confirm a task instead of re-deriving what it was for, and they catch half-done work.

    Bad:
        ## Phase 2: API
        - [ ] Add the endpoint
        - [ ] Add rate limiting

    Good:
        ## Phase 2: API
        - [ ] Add the endpoint
        - [ ] Add rate limiting → expect 429 after 10 requests a minute

        **Acceptance criteria:** `pytest tests/api` passes; the endpoint answers in < 200 ms.
    """

    code = "TSK006"
    name = "open-tasks-without-verification"
    category = Category.TASKS
    severity = Severity.MEDIUM
    rationale = "Without acceptance criteria nobody can confirm an open task is really done."
    fix = "Add acceptance criteria to each phase named (a `**Done when:**` bullet, a test task), or a check per task."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from scaled_to_size(self, task, self._check(task, ctx))  # one-session work: info at most

    def _check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.tasks
        if doc is None or finished(task) is not None or is_investigation(task):
            return  # finished: nothing left to verify; an investigation is done when it is answered
        groups, counts = _unchecked_by_group(doc)
        in_plan = _plan_criteria(task.plan) if task.plan is not None else frozenset()
        ids = {p.index: p.id for p in phases(doc)}
        gaps: list[tuple[int, str, list[CheckItem]]] = []  # (line, what, open tasks stating no check)
        for index, items in groups.items():
            section = doc.sections[index] if index is not None else None
            if index is not None and (
                _has_criteria(doc, index) or ids.get(index) in in_plan or _needs_none(doc, index)
                or len(items) * 2 <= counts[index]
            ):
                continue  # criteria stated (here or in the plan); none needed; most tasks state their checks
            gaps.append((section.line if section else items[0].line, repr(section.title) if section else doc.name,
                         items))
        if gaps:
            yield self._finding(task, doc, gaps)

    def _finding(self, task: TaskDocs, doc: Document, gaps: list[tuple[int, str, list[CheckItem]]]) -> Finding:
        """One finding for the file, naming each phase without criteria (its heading a related place)."""
        def one(what: str, items: list[CheckItem]) -> str:
            return f"{what} ({len(items)} open task{'s' if len(items) > 1 else ''}, first: {short(items[0].text)!r})"

        if len(gaps) == 1:
            _line, what, items = gaps[0]
            message = (f"{what} has {len(items)} open task{'s' if len(items) > 1 else ''} and no acceptance or "
                       f"verification criteria (first: {short(items[0].text)!r}).")
        else:
            shown = "; ".join(one(what, items) for _line, what, items in gaps)
            message = (f"{len(gaps)} phases of {doc.name} have open tasks and no acceptance or verification "
                       f"criteria: {shown}.")
        return self.finding(task, doc, gaps[0][0], message, key="phases-without-criteria",
                            effort_minutes=min(60, self.effort_minutes * len(gaps)),
                            penalty=self.grouped_penalty(len(gaps)),
                            related=[(doc, line) for line, _what, _items in gaps[1:]])


def _unchecked_by_group(doc: Document) -> tuple[dict[int | None, list[CheckItem]], dict[int | None, int]]:
    """Open tasks that state no check, by phase (or outer section); and every open task's count."""
    phase_of = {p.index for p in phases(doc)}
    groups: dict[int | None, list[CheckItem]] = {}
    counts: dict[int | None, int] = {}
    for item in doc.items:
        if is_open_task(doc, item):
            group = _group(doc, item, phase_of)
            counts[group] = counts.get(group, 0) + 1
            if not _checks_itself(doc, item):
                groups.setdefault(group, []).append(item)
    return groups, counts


def _needs_none(doc: Document, index: int) -> bool:
    """A phase not scheduled yet, or a section of documentation work (done when written)."""
    section = doc.sections[index]
    return is_deferred_phase(doc, section) or _DOCS_TITLE_RE.match(section.key) is not None


def _plan_criteria(plan: Document) -> frozenset[str]:
    """Ids of the plan's phases that state their criteria (``- Acceptance: …`` under a task)."""
    return frozenset(phase_id(p) for p in phase_sections(plan)
                     if any(_IN_PHASE_RE.match(line) for line in plan.body(p)))


def _checks_itself(doc: Document, item: CheckItem) -> bool:
    """The task's text, or a line nested under it, states a check."""
    if _IN_TASK_RE.search(item.text) or says_verification(item.text):  # the core vocabulary's other languages
        return True
    return any(_IN_TASK_RE.search(doc.line_text(n)) for n in range(item.line + 1, item.end_line + 1))


def _group(doc: Document, item: CheckItem, phase_of: set[int]) -> int | None:
    """The enclosing phase, else the outermost section under the title, else the file."""
    outer = None
    index = item.section
    while index is not None:
        if index in phase_of:
            return index
        section = doc.sections[index]
        if section.level > 1 or section.parent is not None:
            outer = index
        index = section.parent
    return outer


def _has_criteria(doc: Document, index: int) -> bool:
    """The section, or a sub-section, is about checks; or one of its lines states criteria."""
    section = doc.sections[index]
    for sub in doc.sections[index:]:
        if sub.line > section.end_line:
            break
        if _CHECK_TITLE_RE.search(sub.title) or VERIFY_RE.search(sub.title):  # "Smoke checklist", "Weryfikacja"
            return True
    return any(_IN_PHASE_RE.match(line) or _OBSERVED_RE.search(line) for line in doc.body(section))
