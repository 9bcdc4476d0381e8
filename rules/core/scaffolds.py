"""Ready-to-paste Markdown for a missing plan, context or tasks file, and for a missing section.

Files follow the dev-docs pattern; a new tasks file takes its phases from the plan (and a new
plan from the tasks file), so the scaffold starts where the team already is. Sections answer the
findings of the plan and context rules (``PLN001`` names every missing section in its message). One-session work
(rules/core/size.py) gets a plan of overview and phases only, and no section for an info finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rules.core.discovery import role_of
from rules.core.finding import Finding, Severity
from rules.core.model import Document, Role, Section, TaskDocs
from rules.core.phases import PHASE_WORD
from rules.core.report import Scaffold
from rules.core.size import is_small

_ROLE_WORDS = {Role.PLAN: "plan", Role.CONTEXT: "context", Role.TASKS: "tasks"}
_PHASE_RE = re.compile(rf"(?i)\b{PHASE_WORD}\s+(?:\d+[a-z]?|[a-z])\b")
MAX_PHASES = 8
# Status marks in a heading: an emoji, a status word, or a parenthesis that holds one ("(DONE 2025-01-03)").
# A parenthesis is matched whole and tested for a word afterwards: "[^()]*WORD[^()]*" backtracks over
# every word of a long parenthesis (quadratic); one without a word keeps its text, minus its marks.
_MARK_RE = re.compile(r"[✅✔☑⏳⏸🔄🟡⚠❌🚧⬜]\ufe0f?|\b(?:COMPLETED?|DONE|PENDING|IN PROGRESS|DEFERRED|NOT STARTED)\b")
_STATUS_RE = re.compile(_MARK_RE.pattern.replace("|", r"|\([^()]*\)|", 1))
_PAREN_WORD_RE = re.compile(r"\b(?:COMPLETE|DONE|PENDING|DEFERRED|OPTIONAL|PRIORITY \d)\b")
_TRAILING_RE = re.compile(r"(?<![\s\-—–:|()])[\s\-—–:|()]+$")  # starts only where a run starts: linear
_DEFAULT_PHASES = ("Phase 1: <name>", "Phase 2: <name>")

_PHASE_BLOCK = """### {phase}

- **Goal:** <one sentence: what is true when this phase is done>
- **Duration:** {duration}
- **Status:** ⏳ Not started
- **Depends on:** {depends}
- **Acceptance criteria:**
  - [ ] <observable result, e.g. "login works with SSO in staging">
"""

SECTIONS: dict[str, tuple[str, str]] = {  # name → (heading, body)
    "overview": ("Executive Summary", "<Two or three sentences: what this task delivers, for whom, and why "
                 "now.>\n"),
    "current-state": ("Current State", "<Where things stand today: what exists, what is missing or broken, "
                      "with file paths.>\n"),
    "future-state": ("Proposed Future State", "<What will be true when the work is done.>\n"),
    "phases": ("Implementation Phases", ""),  # one block per known phase, see _body
    "risks": ("Risks and Mitigation", "| Risk | Probability | Impact | Mitigation | Status |\n"
              "|------|-------------|--------|------------|--------|\n"
              "| <what could go wrong> | Medium | High | <how we prevent or absorb it> | Open |\n"),
    "success-metrics": ("Success Metrics", "- <a measurable result, e.g. p95 latency < 200 ms>\n"
                        "- <a measurable result, e.g. 0 failed payments in 7 days>\n"),
    "timeline": ("Timeline", "| Phase | Duration | Target date | Status |\n"
                 "|-------|----------|-------------|--------|\n"),  # one row per known phase
    "related-documents": ("Related Documents", "- [Context](./{context})\n- [Tasks](./{tasks})\n"),
    "blockers": ("Blockers", "- None right now. <Or: what blocks, who can unblock it, since when.>\n"),
    "session-log": ("Session Log", "### {today}\n\n- <what was done> (`<commit>`)\n"),
    "decisions": ("Key Decisions", "| Decision | Rationale | Date |\n|----------|-----------|------|\n"
                  "| <decision> | <why, and what was rejected> | {today} |\n"),
    "key-files": ("Key Files", "- `<path>` — <why it matters to this task>\n"),
    "lessons": ("Lessons", "- <what we learned that the next session should know>\n"),
    "next-steps": ("Next Steps", "1. <the very next action, small enough to start cold>\n"),
}
_PLAN_SECTIONS = ("overview", "current-state", "future-state", "phases", "risks", "success-metrics",
                  "timeline", "related-documents")
_SMALL_PLAN_SECTIONS = ("overview", "phases")  # one-session work (rules/core/size.py) needs no more
_CONTEXT_SECTIONS = ("current-state", "blockers", "session-log", "decisions", "key-files", "lessons",
                     "next-steps")

# Which section a rule's finding asks for: None means "read it from the finding's key or message".
_RULE_SECTIONS: dict[str, str | None] = {
    "PLN001": None, "PLN004": "timeline", "CTX001": "last-updated", "CTX003": "current-state",
    "CTX004": "next-steps", "CTX005": "blockers",
}
_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("executive summary", "overview"), ("overview", "overview"), ("current state", "current-state"),
    ("future state", "future-state"), ("phases", "phases"), ("risk", "risks"), ("success", "success-metrics"),
    ("metric", "success-metrics"), ("timeline", "timeline"), ("related", "related-documents"),
    ("next step", "next-steps"), ("blocker", "blockers"), ("last updated", "last-updated"),
    ("session", "session-log"), ("decision", "decisions"), ("lesson", "lessons"),
)


def build(task: TaskDocs, findings: Sequence[Finding], *, today: dt.date | None = None
          ) -> tuple[Scaffold, ...]:
    """A scaffold for each missing file, then one for each missing section a finding reports."""
    fill = _Fill(today.isoformat() if today else "YYYY-MM-DD",
                 {role: sibling_name(task, role) for role in _ROLE_WORDS},
                 _known_phases(task.plan) or _known_phases(task.tasks))
    found = [_file(task, role, fill) for role in _ROLE_WORDS if _missing(task, role)]
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.severity is Severity.INFO:
            continue  # an info finding (one-session work not needing a risk register) is a suggestion
        for section in _sections_for(finding):
            if (finding.path, section) in seen:
                continue
            seen.add((finding.path, section))
            found.append(_section(finding.path, section, fill))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Fill:
    """What a scaffold can already know: the date, sibling file names, phases (title, duration)."""

    date: str
    names: dict[Role, str]
    phases: list[tuple[str, str | None]]

    def body(self, name: str, phases: list[tuple[str, str | None]] | None = None) -> str:
        phases = self.phases if phases is None else phases
        if name == "phases":
            known = phases or [(title, None) for title in _DEFAULT_PHASES]
            return "\n".join(_PHASE_BLOCK.format(phase=t, duration=d or "<e.g. 2 days>",
                                                 depends=known[i - 1][0] if i else "none")
                             for i, (t, d) in enumerate(known))
        text = SECTIONS[name][1]
        if name == "timeline":
            known = phases or [(_DEFAULT_PHASES[0], None)]
            text += "".join(f"| {t} | {d or '<days>'} | <YYYY-MM-DD> | ⏳ |\n" for t, d in known)
        return text.replace("{today}", self.date).replace("{context}", self.names[Role.CONTEXT]).replace(
            "{tasks}", self.names[Role.TASKS])


def sibling_name(task: TaskDocs, role: Role) -> str:
    """The file name *role* should have, in the task's own naming style (``auth-plan.md``,
    ``PLAN.md``, ``AUTH_PLAN.md``); ``<task>-<role>.md`` when the task has no file to copy."""
    word = _ROLE_WORDS[role]
    existing = task.doc(role) or next((d for d in (task.plan, task.context, task.tasks) if d), None)
    if existing is None:
        return f"{task.name}-{word}.md"
    match = re.search(r"(?i)(plan|context|tasks?|checklist|todos?)(?=\.\w+$)", existing.name)
    if match is None:
        return f"{task.name}-{word}.md"
    found = match.group(1)
    word = word.upper() if found.isupper() else word.title() if found.istitle() else word
    return existing.name[: match.start()] + word + existing.name[match.end():]


def _missing(task: TaskDocs, role: Role) -> bool:
    """No document for *role*, and no unreadable file that would have been it (fix that instead)."""
    if task.doc(role) is not None:
        return False
    return not any(role_of(path)[0] is role for path, _reason in task.unreadable)


_QUOTED_RE = re.compile(r"'([^'\n]{1,60})'")


def _sections_for(finding: Finding) -> list[str]:
    """The sections a finding asks for: PLN001 names every missing one (``has no 'Risks and
    Mitigation' or 'Timeline' sections (…)``), the other rules one."""
    if finding.rule == "PLN001" and " has no " in finding.message:
        listed = finding.message.split(" has no ", 1)[1].split("(", 1)[0]
        names = [name for quoted in _QUOTED_RE.findall(listed)
                 if (name := _section_for(finding.with_changes(key="", message=quoted))) is not None]
        if names:
            return list(dict.fromkeys(names))
    section = _section_for(finding)
    return [section] if section is not None else []


def _section_for(finding: Finding) -> str | None:
    if finding.rule not in _RULE_SECTIONS:
        return None
    fixed = _RULE_SECTIONS[finding.rule]
    if fixed is not None:
        return fixed
    if finding.key in SECTIONS:
        return finding.key
    text = f"{finding.key} {finding.message}".lower().replace("-", " ")
    hits = [(text.find(word), name) for word, name in _SYNONYMS if word in text]
    return min(hits)[1] if hits else None


def _section(path: str, name: str, fill: _Fill) -> Scaffold:
    file = path.rsplit("/", 1)[-1]
    if name == "last-updated":
        return Scaffold(f"Add a Last Updated line to {file}", path, f"**Last Updated:** {fill.date}\n")
    heading = SECTIONS[name][0]
    return Scaffold(f"Add `## {heading}` to {file}", path, f"## {heading}\n\n{fill.body(name)}")


def _file(task: TaskDocs, role: Role, fill: _Fill) -> Scaffold:
    title = task.name.replace("-", " ").replace("_", " ").strip().title() or "Task"
    head = f"# {title} — {_ROLE_WORDS[role].title()}\n\n**Last Updated:** {fill.date}\n"
    if role is Role.TASKS:
        body = _tasks_body([t for t, _d in fill.phases])
    else:
        names = (_SMALL_PLAN_SECTIONS if is_small(task) else _PLAN_SECTIONS) if role is Role.PLAN else _CONTEXT_SECTIONS
        body = "\n".join(f"## {SECTIONS[name][0]}\n\n{fill.body(name)}" for name in names)
    folder = task.root if task.loose else task.path  # loose files: beside the task's other files
    path = f"{folder}/{fill.names[role]}"
    return Scaffold(f"Create {fill.names[role]}", path, f"{head}\n{body}")


def _tasks_body(phases: list[str]) -> str:
    blocks = []
    for index, phase in enumerate(phases or _DEFAULT_PHASES):
        depends = f"Depends on: {(phases or _DEFAULT_PHASES)[index - 1]}\n\n" if index else ""
        blocks.append(f"## {phase}\n\n{depends}- [ ] <task> (<estimate, e.g. 2h>)\n"
                      "  - Verify: <how we know it is done>\n- [ ] <task> (<estimate>)\n"
                      "  - Verify: <command, test or observable result>\n")
    return "\n".join(blocks)


def _known_phases(doc: Document | None) -> list[tuple[str, str | None]]:
    """(title, duration) of the phase headings of an existing plan or tasks file, to carry over."""
    if doc is None:
        return []
    by_id: dict[str, tuple[str, str | None]] = {}
    for section in doc.sections:
        match = _PHASE_RE.search(section.title)
        if section.level > 1 and match and match.group().lower() not in by_id:
            duration = _duration(doc, section)
            by_id[match.group().lower()] = (_without_status(section.title, duration), duration)
            if len(by_id) == MAX_PHASES:
                break
    return list(by_id.values())


def _duration(doc: Document, phase: Section) -> str | None:
    """The phase's duration: in its heading (``Phase 2 (3 days)``) or on a ``Duration:`` line."""
    heading = next((e.text for e in phase.estimates if not e.is_effort_size), None)
    if heading is not None:
        return heading
    for estimate in doc.estimates_in(phase.line + 1, phase.end_line):
        labelled = any(w in doc.line_text(estimate.line).lower() for w in ("duration", "effort", "estimate"))
        if labelled and not estimate.is_effort_size:
            return estimate.text
    return None


def _without_status(title: str, duration: str | None = None) -> str:
    """``Phase 1: Setup (2h) ✅ COMPLETE`` → ``Phase 1: Setup``: a new file starts with nothing done
    (and the duration has its own column)."""
    if duration:
        title = title.replace(f"({duration})", "").replace(duration, "")
    title = _STATUS_RE.sub(_unmarked, title)
    return _TRAILING_RE.sub("", title).strip() or title


def _unmarked(match: re.Match[str]) -> str:
    """Nothing for a status mark or a parenthesis with a status word; other parentheses lose their marks."""
    text = match.group()
    if not text.startswith("(") or _PAREN_WORD_RE.search(text):
        return ""
    return _MARK_RE.sub("", text)
