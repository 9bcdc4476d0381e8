"""Steps and checks a plan lists under its phases, and whether the tasks file tracks them (DOC042, DOC044)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rules.core.finding import Finding
from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import ancestors, enclosing, is_later_text, quoted_some, section_status
from rules.core.rule import Rule
from rules.core.verification import says_verification
from rules.story._follow_ups import FollowUp, is_tracked, item_words, word_stems

# A heading naming a numbered unit of work in any language: "Phase 4: QA", "Faza 4 — Weryfikacja",
# "Etapa 2", "3. Stage 2". The word counts as a unit only when both files title sections with it.
_UNIT_RE = re.compile(r"^[^\w]*(?:\d{1,2}[.)]\s+)?([^\W\d_]{3,15})\s+(\d{1,3}[A-Za-z]?)(?![\w.-])")
# A list item; a checkbox too (a plan's box is a step to do): group 2 is its box, group 3 its text.
_STEP_RE = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,3}[a-z]?[.)])[ \t]+(\[[ xX]\][ \t]+)?(\S.*)$")
# A labelled note, not a step: "**Acceptance:** …", "**Why:** …"; a criterion even without bold ("Acceptance: …").
_LABEL_RE = re.compile(
    r"^(?:\*\*|__)?[^\W\d_][^:*_\n]{0,40}(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)"
    r"|(?i:^(?:acceptance|success|exit|done when|definition of done)[\w ]{0,20}:\s)"
    # the same labels in the teams' other languages: "Critérios de aceitação: …", "Критерии приёмки: …",
    # "受け入れ基準: …", "验收标准：…", "완료 기준: …"
    r"|(?i:^[^:：\n]{0,30}(?:criteri|critéri|crit[èe]re|критери|kryteri|kriteri|akzeptanz|基準|标准|標準|기준|조건|验收)"
    r"[^:：\n]{0,20}[:：]\s?)"
)
_CRITERIA_RE = re.compile(r"(?i)criteria|definition of done|done when|\bacceptance\b|\bsuccess\b")
_STEP_LABEL_RE = re.compile(r"(?i)\b(?:deliverables?|steps?|tasks?|scope|work items?|implementation|actions?|to ?do)\b")
MAX_STEPS = 40  # per phase: a longer list is a specification, not the phase's steps
MAX_PLAN_STEPS = 200  # per plan: each is matched against every box, so matching stays linear
_MAX_ITEM_LINES = 15  # lines of a box (its sub-items) read for its words

Unit = tuple[str, str]  # ("faza", "4")


@dataclass(frozen=True, slots=True)
class PlannedStep:
    line: int
    text: str
    words: FollowUp
    phase: Section
    check: bool  # it tests, verifies or validates
    step: bool  # a numbered item right under the heading or under a "Deliverables:" / "Steps:" label


def unit_of(title: str) -> Unit | None:
    match = _UNIT_RE.match(title)
    return (match.group(1).lower(), match.group(2).upper()) if match else None


def broken_down_units(tasks: Document) -> frozenset[Unit]:
    """The numbered units ("Phase 3", "Faza 3") the tasks file titles a section with and has boxes under."""
    found: set[Unit] = set()
    for section in tasks.sections:
        unit = unit_of(section.title)
        if unit is not None and tasks.items_in(section):
            found.add(unit)
    return frozenset(found)


def planned_steps(plan: Document, units: frozenset[Unit]) -> list[list[PlannedStep]]:
    """Per plan phase that the tasks file also breaks down, the steps listed under it; phases and
    steps marked optional, future or out of scope are left out."""
    found: list[list[PlannedStep]] = []
    budget = MAX_PLAN_STEPS
    for index, section in enumerate(plan.sections):
        if budget > 0 and unit_of(section.title) in units and not _set_aside(plan, index):
            found.append(_steps_in(plan, index)[:budget])
            budget -= len(found[-1])
    return found


def task_plan_steps(task: TaskDocs) -> list[list[PlannedStep]]:
    """:func:`planned_steps` of the task's plan for the units its tasks file breaks down, once per
    task (DOC042 and DOC044 both read them); empty without a plan or a tasks file with boxes."""
    return task.derive(_task_plan_steps)


def _task_plan_steps(task: TaskDocs) -> list[list[PlannedStep]]:
    plan, tasks = task.plan, task.tasks
    if plan is None or tasks is None or not tasks.items:
        return []
    units = broken_down_units(tasks)
    return planned_steps(plan, units) if units else []


def _set_aside(doc: Document, index: int) -> bool:
    return any(is_later_text(s.title) or section_status(doc, s) is Status.OPTIONAL for s in ancestors(doc, index))


def _steps_in(plan: Document, index: int) -> list[PlannedStep]:
    """The top-level list items of the phase's own text (not of its sub-sections); an item's
    sub-items and indented lines count as its words. Items after a criteria label (``**Success
    Criteria:**``) are criteria, not steps, and a labelled note (``**Acceptance:** …``) is not a step."""
    phase = plan.sections[index]
    following = plan.sections[index + 1] if index + 1 < len(plan.sections) else None
    end = following.line - 1 if following is not None and following.line <= phase.end_line else phase.end_line
    steps: list[tuple[int, str, list[str], bool, bool]] = []
    current: list[str] | None = None
    under: str | None = None  # the paragraph the list follows; None right under the heading
    for number in range(phase.line + 1, min(end, phase.line + 8 * MAX_STEPS) + 1):
        line = plan.lines[number - 1]
        if number in plan.code_lines or not line.strip():
            continue
        match = _STEP_RE.match(line)
        if match is not None and len(match.group(1)) <= 1:
            current = None if under is not None and _CRITERIA_RE.search(under) else [match.group(3)]
            if current is not None:
                ordered = match.group(0).lstrip()[:1].isdigit() or match.group(2) is not None
                listed = under is None or _STEP_LABEL_RE.search(under) is not None
                check = says_verification(match.group(3)) or (under is not None and says_verification(under))
                steps.append((number, match.group(3).strip(), current, check, ordered and listed))
        elif line[:1] in " \t":
            if current is not None:
                current.append(line)  # a sub-item or indented continuation belongs to the step above
        else:
            current, under = None, line  # a paragraph ends the step
    return [PlannedStep(number, text, item_words(number, " ".join(words)[:2000]), phase, check, step)
            for number, text, words, check, step in steps[:MAX_STEPS] if _is_step(text)]


def _is_step(text: str) -> bool:
    return not is_later_text(text) and _LABEL_RE.match(text) is None


def task_stems(tasks: Document) -> list[frozenset[str]]:
    """For each box of the tasks file, the stems of its text (sub-items included) and of the
    headings above it; then for each section, those of all its own boxes together (a step the tasks
    split into "Add rounded corners" and "Invert colors")."""
    titles = [word_stems(s.title) for s in tasks.sections]
    stems = []
    groups: dict[int | None, set[str]] = {}
    for item in tasks.items:
        above = frozenset().union(*(titles[i] for i in enclosing(tasks, item.section)))
        own = " ".join(tasks.lines[item.line - 1:min(item.end_line, item.line + _MAX_ITEM_LINES)])
        stems.append(word_stems(own[:2000]) | above)
        groups.setdefault(item.section, set()).update(stems[-1])
    return [*stems, *(frozenset(g) for g in groups.values())]


def untracked(checks: list[PlannedStep], tasks: Document) -> list[PlannedStep]:
    if not checks:
        return []
    stems = tasks.derive(task_stems)
    return [c for c in checks if not is_tracked(c.words, tasks.lower, stems)]


def missing_from_tasks(rule: Rule, task: TaskDocs, plan: Document, missing: list[PlannedStep], noun: str,
                       say: Callable[[str, str], str], *, key: str) -> Finding:
    """One finding at the first of the plan's *missing* items, the others as related places: *say*
    gets ``"3 checks"`` / ``"A check"`` and ``"'a'; 'b'; 'c' and 1 more"`` and writes the message."""
    shown = quoted_some([m.text for m in missing], 50)
    count = f"{len(missing)} {noun}s" if len(missing) > 1 else f"A {noun}"
    return rule.finding(task, plan, missing[0].line, say(count, shown), key=key,
                        effort_minutes=min(30, 5 * len(missing) + 5), related=[(plan, m.line) for m in missing[1:]])
